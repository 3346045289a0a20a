// The pull-request comment of one stack's plan: reads `terraform show -json <planfile>` (and optionally the
// human-readable plan and the cost diff), prints the markdown, and with --post creates or updates the stack's one
// comment on the pull request (found again by its hidden marker). Used by .github/workflows/terraform.yml.
// Usage: npx tsx scripts/plan-comment.ts --stack <id> --plan <plan.json> [--plan-text <file>] [--cost <file.md>]
//                                        [--footer <markdown>] [--post [--pr <number>]]
//   --post reads GITHUB_TOKEN, GITHUB_REPOSITORY, GITHUB_API_URL and, without --pr, the pull request number from
//   the event payload (GITHUB_EVENT_PATH).
import { appendFileSync, existsSync, readFileSync } from "node:fs";
import { parseArgs } from "node:util";
import { commentMarker, costSectionFor, parsePlan, planLine, renderComment, summarize } from "./ci/plan-summary.js";
import { upsertComment } from "./ci/pr-comment.js";

const { values } = parseArgs({
  options: {
    stack: { type: "string" },
    plan: { type: "string" },
    "plan-text": { type: "string" },
    cost: { type: "string" },
    footer: { type: "string" },
    post: { type: "boolean", default: false },
    pr: { type: "string" },
  },
});
const fail = (message: string): never => {
  console.error(`plan-comment: ${message}`);
  process.exit(2);
};
if (!values.stack || !values.plan) fail("--stack <id> and --plan <plan.json> are required");
const optional = (file: string | undefined) => (file && existsSync(file) ? readFileSync(file, "utf8") : undefined);

const summary = summarize(parsePlan(readFileSync(values.plan!, "utf8")));
const body = renderComment({ stack: values.stack!, summary, planText: optional(values["plan-text"]), costMarkdown: costSectionFor(optional(values.cost), values.stack!), footer: values.footer });
console.log(body);
if (process.env.GITHUB_STEP_SUMMARY) appendFileSync(process.env.GITHUB_STEP_SUMMARY, `${values.stack}: ${planLine(summary)}\n`);

if (values.post) {
  const env = process.env;
  const pr = Number(values.pr ?? (env.GITHUB_EVENT_PATH ? (JSON.parse(readFileSync(env.GITHUB_EVENT_PATH, "utf8")) as { pull_request?: { number?: number } }).pull_request?.number : undefined));
  if (!env.GITHUB_TOKEN || !env.GITHUB_REPOSITORY || !Number.isInteger(pr)) fail("--post needs GITHUB_TOKEN, GITHUB_REPOSITORY and a pull request (--pr or a pull_request event)");
  const result = await upsertComment({ apiUrl: env.GITHUB_API_URL ?? "https://api.github.com", repository: env.GITHUB_REPOSITORY!, pullRequest: pr, token: env.GITHUB_TOKEN! }, commentMarker(values.stack!), body);
  console.error(`plan-comment: ${result.action} ${result.url}`);
}
