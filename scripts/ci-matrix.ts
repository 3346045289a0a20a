// Prints the CI workflow's matrices (plan: one entry per stack; apply: one per environment) from
// stacks/deployment.ts, and writes them to $GITHUB_OUTPUT when it is set. While the deployment settings hold
// placeholders it says what to set, as workflow warnings, and reports configured=false (the workflow then skips
// plan and apply instead of failing on AWS's account check).
import { appendFileSync } from "node:fs";
import { appStackIds } from "../stacks/app.js";
import { deployment } from "../stacks/deployment.js";
import { ciMatrix } from "./ci/matrix.js";

const matrix = ciMatrix(deployment, appStackIds(deployment).byEnvironment);
const outputs = { configured: String(matrix.configured), plan: JSON.stringify(matrix.plan), apply: JSON.stringify(matrix.apply) };
for (const problem of matrix.problems) console.log(`::warning title=Deployment not configured::stacks/deployment.ts: ${problem}. Plan and apply are skipped until it is set (docs/deploy.md).`);
for (const [key, value] of Object.entries(outputs)) console.log(`${key}=${value}`);
if (process.env.GITHUB_OUTPUT) appendFileSync(process.env.GITHUB_OUTPUT, Object.entries(outputs).map(([k, v]) => `${k}=${v}\n`).join(""));
