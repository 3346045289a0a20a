import { createServer } from "node:http";
import type { AddressInfo } from "node:net";
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { commentMarker } from "../../../scripts/ci/plan-summary.js";
import { GitHubApiError, upsertComment } from "../../../scripts/ci/pr-comment.js";
import type { CommentTarget } from "../../../scripts/ci/pr-comment.js";

/**
 * A local stand-in for the three GitHub REST endpoints the workflow uses (list a PR's comments with Link-header
 * pagination, create, update), recording every request, so the tests run the real HTTP client code.
 */
interface Comment {
  id: number;
  body: string;
  html_url: string;
}
const state = { comments: [] as Comment[], requests: [] as string[], nextId: 1, perPageCap: 100 };
const TOKEN = "ghs_test";
const server = createServer((req, res) => {
  const url = new URL(req.url!, "http://localhost");
  state.requests.push(`${req.method} ${url.pathname}${url.search}`);
  let raw = "";
  req.on("data", (c) => (raw += c));
  req.on("end", () => {
    const send = (status: number, body: unknown, headers: Record<string, string> = {}) => {
      res.writeHead(status, { "Content-Type": "application/json", ...headers });
      res.end(JSON.stringify(body));
    };
    if (req.headers.authorization !== `Bearer ${TOKEN}`) return send(401, { message: "Bad credentials" });
    const list = /^\/repos\/acme\/weather\/issues\/(\d+)\/comments$/.exec(url.pathname);
    const one = /^\/repos\/acme\/weather\/issues\/comments\/(\d+)$/.exec(url.pathname);
    if (list && req.method === "GET") {
      const perPage = Math.min(Number(url.searchParams.get("per_page") ?? 30), state.perPageCap);
      const page = Number(url.searchParams.get("page") ?? 1);
      const slice = state.comments.slice((page - 1) * perPage, page * perPage);
      const more = page * perPage < state.comments.length;
      return send(200, slice, more ? { Link: `<http://localhost${url.pathname}?per_page=${perPage}&page=${page + 1}>; rel="next"` } : {});
    }
    if (list && req.method === "POST") {
      const c = { id: state.nextId++, body: (JSON.parse(raw) as { body: string }).body, html_url: "" };
      c.html_url = `https://github.com/acme/weather/pull/${list[1]}#issuecomment-${c.id}`;
      state.comments.push(c);
      return send(201, c);
    }
    const existing = one && state.comments.find((c) => c.id === Number(one[1]));
    if (existing && req.method === "PATCH") {
      existing.body = (JSON.parse(raw) as { body: string }).body;
      return send(200, existing);
    }
    send(404, { message: "Not Found" });
  });
});
let target: CommentTarget;
beforeAll(async () => {
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  target = { apiUrl: `http://127.0.0.1:${(server.address() as AddressInfo).port}`, repository: "acme/weather", pullRequest: 7, token: TOKEN };
});
afterAll(() => new Promise<void>((resolve) => server.close(() => resolve())));
beforeEach(() => Object.assign(state, { comments: [], requests: [], nextId: 1, perPageCap: 100 }));

const marker = commentMarker("weather-forecast-prod");
const body = (plan: string) => `${marker}\n### Terraform plan\n**${plan}**`;

describe("one plan comment per stack, updated in place", () => {
  it("creates the comment on the first push", async () => {
    const first = await upsertComment(target, marker, body("Plan: 1 to add, 0 to change, 0 to destroy."));
    expect(first.action).toBe("created");
    expect(state.comments).toHaveLength(1);
    expect(state.requests).toEqual(["GET /repos/acme/weather/issues/7/comments?per_page=100&page=1", "POST /repos/acme/weather/issues/7/comments"]);
  });

  it("updates that same comment on the next push instead of adding one", async () => {
    const first = await upsertComment(target, marker, body("Plan: 1 to add, 0 to change, 0 to destroy."));
    const second = await upsertComment(target, marker, body("Plan: 0 to add, 1 to change, 0 to destroy."));
    expect(second).toMatchObject({ action: "updated", id: first.id });
    expect(state.comments).toHaveLength(1);
    expect(state.comments[0]!.body).toContain("1 to change");
    expect(state.requests.at(-1)).toBe(`PATCH /repos/acme/weather/issues/comments/${first.id}`);
  });

  it("keeps stacks apart: each has its own comment", async () => {
    await upsertComment(target, marker, body("Plan: 1 to add, 0 to change, 0 to destroy."));
    const other = commentMarker("analytics-prod");
    expect((await upsertComment(target, other, `${other}\nanalytics`)).action).toBe("created");
    expect(state.comments.map((c) => c.body.split("\n")[0])).toEqual([marker, other]);
  });

  it("finds its comment on a later page of a busy pull request", async () => {
    state.perPageCap = 2;
    for (let i = 0; i < 5; i++) state.comments.push({ id: state.nextId++, body: `review comment ${i}`, html_url: "" });
    state.comments.push({ id: state.nextId++, body: body("old"), html_url: "" });
    const result = await upsertComment(target, marker, body("Plan: 0 to add, 0 to change, 1 to destroy."));
    expect(result).toMatchObject({ action: "updated", id: 6 });
    expect(state.requests.filter((r) => r.startsWith("GET"))).toHaveLength(3);
    expect(state.comments).toHaveLength(6);
  });

  it("does not touch a comment whose body is already the same", async () => {
    await upsertComment(target, marker, body("same"));
    expect((await upsertComment(target, marker, body("same"))).action).toBe("unchanged");
    expect(state.requests.filter((r) => r.startsWith("PATCH"))).toEqual([]);
  });

  it("refuses a body without its marker (the next push could not find it) and reports API errors with the status", async () => {
    await expect(upsertComment(target, marker, "no marker")).rejects.toThrow(/must contain its marker/);
    const error = await upsertComment({ ...target, token: "wrong" }, marker, body("x")).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(GitHubApiError);
    expect((error as GitHubApiError).message).toMatch(/^GitHub API GET \/repos\/acme\/weather\/issues\/7\/comments\?per_page=100&page=1: 401 .*Bad credentials/);
  });
});
