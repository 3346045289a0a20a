/**
 * Rules the kit's GitHub workflows must keep, beyond what actionlint checks (syntax, expressions, action inputs):
 * supply chain (every action pinned by full commit SHA, its version in a comment), credentials (OIDC only, no
 * stored AWS keys, `id-token: write` only where AWS credentials are configured), least privilege (`permissions`
 * declared at the top and per job), and deployment gates (every apply runs in a GitHub environment; pull requests
 * from forks never reach AWS; no `pull_request_target`).
 */
import { load } from "js-yaml";

export interface PolicyProblem {
  readonly file: string;
  /** 1-based, where known. */
  readonly line?: number;
  readonly rule: string;
  readonly message: string;
}

type Job = { permissions?: unknown; environment?: unknown; if?: unknown; steps?: Array<Record<string, unknown>>; uses?: string; with?: Record<string, unknown> };
type Workflow = { on?: unknown; permissions?: unknown; jobs?: Record<string, Job> };

const PINNED = /^[\w.-]+\/[\w.-]+(\/[\w./-]+)?@[0-9a-f]{40}$/;
const VERSION_COMMENT = /#\s*v\d+(\.\d+){0,2}\b/;

export function checkWorkflow(file: string, text: string): PolicyProblem[] {
  const problems: PolicyProblem[] = [];
  const add = (rule: string, message: string, line?: number) => problems.push({ file, rule, message, ...(line ? { line } : {}) });
  const lines = text.split("\n");

  // Pinning is a property of the text (the version lives in a comment YAML drops).
  lines.forEach((raw, i) => {
    const m = /^\s*(?:-\s*)?uses:\s*["']?([^\s"'#]+)["']?\s*(#.*)?$/.exec(raw);
    if (!m || m[1]!.startsWith("./") || m[1]!.startsWith("docker://")) return;
    if (!PINNED.test(m[1]!)) add("pinned-sha", `${m[1]}: pin actions by full 40-character commit SHA (tags and branches can be moved)`, i + 1);
    else if (!m[2] || !VERSION_COMMENT.test(m[2])) add("version-comment", `${m[1]}: say which release the SHA is in a trailing comment, e.g. # v4.2.2`, i + 1);
  });
  lines.forEach((raw, i) => {
    if (/aws-access-key-id|aws-secret-access-key|AWS_ACCESS_KEY_ID|AWS_SECRET_ACCESS_KEY|secrets\.AWS_/i.test(raw)) add("oidc-only", "static AWS keys: use OIDC (role-to-assume) only", i + 1);
  });

  let wf: Workflow;
  try {
    wf = (load(text, { filename: file }) ?? {}) as Workflow;
  } catch (error) {
    add("yaml", (error as Error).message);
    return problems;
  }
  const triggers = typeof wf.on === "string" ? [wf.on] : Array.isArray(wf.on) ? (wf.on as string[]) : Object.keys((wf.on ?? {}) as object);
  if (triggers.includes("pull_request_target")) add("no-pull-request-target", "pull_request_target runs with this repository's secrets and permissions on a pull request's code: use pull_request");
  if (wf.permissions === undefined) add("permissions", "declare top-level permissions (`permissions: {}`), so jobs start from none");
  else if (typeof wf.permissions === "string" ? wf.permissions === "write-all" : Object.values(wf.permissions as object).includes("write")) add("permissions", "top-level permissions must grant nothing that writes; grant per job");

  for (const [id, job] of Object.entries(wf.jobs ?? {})) {
    const perms = (job.permissions ?? {}) as Record<string, string>;
    if (job.permissions === undefined) add("permissions", `job ${id}: declare its permissions`);
    const steps = job.steps ?? [];
    const usesAws = steps.some((s) => typeof s.uses === "string" && s.uses.startsWith("aws-actions/configure-aws-credentials@"));
    const callsApply = typeof job.uses === "string";
    if (perms["id-token"] === "write" && !usesAws && !callsApply) add("id-token", `job ${id}: id-token: write without configuring AWS credentials`);
    if (usesAws && perms["id-token"] !== "write") add("id-token", `job ${id}: configures AWS credentials without id-token: write (OIDC)`);
    const applies = steps.some((s) => typeof s.run === "string" && /terraform\s+apply\b/.test(s.run));
    if (applies && !job.environment) add("environment", `job ${id}: runs terraform apply outside a GitHub environment (no approval gate, and the apply role's trust would not match)`);
    if (usesAws && triggers.includes("pull_request") && !applies && !String(job.if ?? "").includes("github.event.pull_request.head.repo.full_name == github.repository")) {
      add("forks", `job ${id}: on pull requests, reach AWS only for branches of this repository (if: github.event.pull_request.head.repo.full_name == github.repository)`);
    }
  }
  return problems;
}
