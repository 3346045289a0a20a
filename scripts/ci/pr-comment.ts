/**
 * One comment per stack on a pull request, updated in place on every push: the comment carrying the stack's
 * hidden marker is found (every page of the PR's comments) and PATCHed; only when there is none is one created.
 * GitHub REST API: https://docs.github.com/en/rest/issues/comments
 */

export interface CommentTarget {
  /** `GITHUB_API_URL` in Actions (https://api.github.com, or a GitHub Enterprise Server's). */
  readonly apiUrl: string;
  /** `owner/name` (`GITHUB_REPOSITORY`). */
  readonly repository: string;
  readonly pullRequest: number;
  /** A token allowed `pull-requests: write` (the job's GITHUB_TOKEN). */
  readonly token: string;
}

export interface CommentResult {
  readonly action: "created" | "updated" | "unchanged";
  readonly id: number;
  readonly url: string;
}

export class GitHubApiError extends Error {
  constructor(
    readonly status: number,
    readonly method: string,
    readonly path: string,
    body: string,
  ) {
    super(`GitHub API ${method} ${path}: ${status} ${body.slice(0, 500)}`);
    this.name = "GitHubApiError";
  }
}

interface IssueComment {
  id: number;
  body?: string;
  html_url: string;
}

export async function upsertComment(target: CommentTarget, marker: string, body: string, fetchImpl: typeof fetch = fetch): Promise<CommentResult> {
  if (!body.includes(marker)) throw new Error("the comment body must contain its marker, or the next push could not find it");
  const api = async <T>(method: string, path: string, payload?: unknown): Promise<{ json: T; link: string | null }> => {
    const response = await fetchImpl(`${target.apiUrl.replace(/\/$/, "")}${path}`, {
      method,
      headers: {
        Accept: "application/vnd.github+json",
        Authorization: `Bearer ${target.token}`,
        "X-GitHub-Api-Version": "2022-11-28",
        ...(payload ? { "Content-Type": "application/json" } : {}),
      },
      body: payload ? JSON.stringify(payload) : undefined,
    });
    const text = await response.text();
    if (!response.ok) throw new GitHubApiError(response.status, method, path, text);
    return { json: JSON.parse(text) as T, link: response.headers.get("link") };
  };

  const base = `/repos/${target.repository}/issues`;
  let existing: IssueComment | undefined;
  for (let page = 1; !existing; page++) {
    const { json, link } = await api<IssueComment[]>("GET", `${base}/${target.pullRequest}/comments?per_page=100&page=${page}`);
    existing = json.find((c) => c.body?.includes(marker));
    if (!link?.includes('rel="next"') || json.length === 0) break;
  }
  if (existing) {
    if (existing.body === body) return { action: "unchanged", id: existing.id, url: existing.html_url };
    const { json } = await api<IssueComment>("PATCH", `${base}/comments/${existing.id}`, { body });
    return { action: "updated", id: json.id, url: json.html_url };
  }
  const { json } = await api<IssueComment>("POST", `${base}/${target.pullRequest}/comments`, { body });
  return { action: "created", id: json.id, url: json.html_url };
}
