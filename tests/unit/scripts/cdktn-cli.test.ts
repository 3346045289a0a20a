import { execFile } from "node:child_process";
import { existsSync } from "node:fs";
import { promisify } from "node:util";
import { describe, expect, it } from "vitest";
import { chooseStack, cliEnv, cliRequirement, CliUsageError, nodeVersionProblem } from "../../../scripts/cdktn/run-cli.js";
import { ciMatrix } from "../../../scripts/ci/matrix.js";
import { appStackIds } from "../../../stacks/app.js";
import { deployment } from "../../../stacks/deployment.js";
import type { DeploymentConfig } from "../../../stacks/deployment.js";
import { projectRoot } from "../../support/project-root.js";

const run = promisify(execFile);
type Failed = { code?: number; stdout: string; stderr: string };
const requirement = cliRequirement(projectRoot);

describe("npm run plan / deploy: the Node.js check comes first", () => {
  it("reads the requirement from the installed cdktn-cli", () => {
    expect(requirement.range).toMatch(/^>=\s*22\./);
    expect(requirement.minimum[0]).toBe(22);
  });

  it("says plainly that the CLI needs Node ≥ 22.19 and that synth works on Node 20", () => {
    const message = nodeVersionProblem("v20.20.2", { range: ">=22.19.0", minimum: [22, 19, 0] })!;
    expect(message).toMatch(/^The CDK Terrain CLI \(cdktn-cli\) needs Node\.js ≥ 22\.19\.0; this is Node\.js 20\.20\.2\./);
    expect(message).toContain("The app itself synthesizes on Node.js 20: `npm run synth` works here");
    for (const ok of ["22.19.0", "22.23.3", "23.0.0", "24.1.0"]) expect(nodeVersionProblem(ok, { range: ">=22.19.0", minimum: [22, 19, 0] }), ok).toBeUndefined();
    expect(nodeVersionProblem("22.18.9", { range: ">=22.19.0", minimum: [22, 19, 0] })).toBeDefined();
  });

  it.runIf(nodeVersionProblem(process.version, requirement) !== undefined)("on this Node.js, stops before building or synthesizing anything", async () => {
    const failed = await run(process.execPath, ["--import", "tsx", "scripts/plan.ts", "weather-forecast-dev"], { cwd: projectRoot }).then((r): Failed => r, (e: unknown) => e as Failed);
    expect(failed.code).toBe(1);
    expect(failed.stderr).toMatch(/needs Node\.js ≥ 22\.19\.0; this is Node\.js /);
    expect(failed.stdout).toBe("");
  }, 60_000);

  // A Node.js ≥ 22.19 binary, when the machine has one (KIT_NODE22_BINARY, e.g. from `npm i --prefix <dir> node@22`).
  const node22 = process.env.KIT_NODE22_BINARY;
  it.runIf(!!node22 && existsSync(node22))("on Node 22, refuses to start cdktn while stacks/deployment.ts holds placeholders", async () => {
    const failed = await run(node22!, ["--import", "tsx", "scripts/deploy.ts", "analytics-prod"], { cwd: projectRoot }).then((r): Failed => r, (e: unknown) => e as Failed);
    expect(failed.code).toBe(1);
    expect(failed.stderr).toMatch(/deploy: stacks\/deployment\.ts still holds placeholders, so analytics-prod would only reach "account not allowed":\n {2}- targets\.nonprod\.accountId = 111122223333/);
  }, 60_000);

  it("turns checkpoint calls and the CLI's version check off", () => {
    expect(cliEnv({ PATH: "/bin" })).toEqual({ PATH: "/bin", CHECKPOINT_DISABLE: "1", DISABLE_VERSION_CHECK: "true", CDKTN_DISABLE_CREATION_STACK: "1" });
  });

  it("wants exactly one stack of the app", () => {
    const stacks = ["weather-forecast-dev", "analytics-dev"];
    expect(chooseStack(["analytics-dev", "--auto-approve"], stacks, "deploy")).toBe("analytics-dev");
    expect(() => chooseStack([], stacks, "plan")).toThrow(/usage: npm run plan -- <stack> \[cdktn options\]\nstacks: weather-forecast-dev, analytics-dev/);
    expect(() => chooseStack(["nope"], stacks, "plan")).toThrow(CliUsageError);
  });
});

describe("CI matrices (npm run ci:matrix)", () => {
  const ids = appStackIds().byEnvironment;

  it("plans every app stack with its environment's read-only role, applies each environment with its apply role", () => {
    const m = ciMatrix(deployment, ids);
    expect(m.plan.map((p) => p.stack)).toEqual(["weather-forecast-dev", "analytics-dev", "conversation-memory-dev", "weather-forecast-staging", "analytics-staging", "conversation-memory-staging", "weather-forecast-prod", "analytics-prod", "conversation-memory-prod"]);
    expect(m.plan[6]).toEqual({ stack: "weather-forecast-prod", environment: "prod", region: "us-east-1", role: "arn:aws:iam::444455556666:role/data-access-kit-prod-github-plan" });
    expect(m.apply.prod).toEqual({ environment: "prod", githubEnvironment: "prod", region: "us-east-1", role: "arn:aws:iam::444455556666:role/data-access-kit-prod-github-apply", stacks: "weather-forecast-prod analytics-prod conversation-memory-prod" });
  });

  it("is not configured while placeholders remain, and is once they are set", () => {
    expect(ciMatrix(deployment, ids)).toMatchObject({ configured: false });
    const mine: DeploymentConfig = {
      ...deployment,
      github: { repository: "acme/weather" },
      targets: { nonprod: { ...deployment.targets.nonprod!, accountId: "210987654321" }, prod: { ...deployment.targets.prod!, accountId: "123456789012" } },
    };
    expect(ciMatrix(mine, ids)).toMatchObject({ configured: true, problems: [] });
  });
});
