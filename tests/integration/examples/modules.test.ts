/**
 * Every module's examples (examples/<module>/{minimal,complete}/main.ts) synthesize: each is the cdktn app a
 * consumer would write, importing the kit by package name (mapped to the sources by vitest.config.ts). Their
 * Terraform output names are pinned here: they are an API (`terraform output`, remote state) that a release may
 * only change as a breaking change (CHANGELOG.md).
 */
import { existsSync, readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { projectRoot } from "../../support/project-root.js";
import { scratchDirs } from "../../support/scratch.js";

const examplesDir = join(projectRoot, "examples");
const MODULES = readdirSync(join(projectRoot, "modules"), { withFileTypes: true })
  .filter((d) => d.isDirectory() && existsSync(join(projectRoot, "modules", d.name, "index.ts")) && d.name !== "core")
  .map((d) => d.name)
  .sort();

/** The output names of each example's stack, exactly. */
const OUTPUTS: Record<string, string[]> = {
  "alarm-topic/minimal": [],
  "alarm-topic/complete": ["orders-index-names", "orders-table-arn", "orders-table-name"],
  "api-cache/minimal": ["api-fn-function-arn", "api-fn-function-name", "api-invoke-url", "api-rest-api-id", "api-stage-name"],
  "api-cache/complete": [
    "api-api-key-web-id",
    "api-fn-alias-arn",
    "api-fn-function-arn",
    "api-fn-function-name",
    "api-invoke-url",
    "api-rest-api-id",
    "api-stage-name",
    "api-usage-plan-standard-id",
  ],
  "athena-workgroup/minimal": ["analytics-results-location", "analytics-table-names", "analytics-workgroup-name"],
  "athena-workgroup/complete": ["analytics-database-name", "analytics-results-location", "analytics-table-names", "analytics-workgroup-name"],
  "capacity/minimal": ["api-fn-function-arn", "api-fn-function-name", "api-invoke-url", "api-rest-api-id", "api-stage-name"],
  "capacity/complete": ["api-fn-function-arn", "api-fn-function-name", "api-invoke-url", "api-rest-api-id", "api-stage-name", "cache-index-names", "cache-table-arn", "cache-table-name"],
  "dynamodb-table/minimal": ["orders-index-names", "orders-table-arn", "orders-table-name"],
  "dynamodb-table/complete": ["forecast-cache-index-names", "forecast-cache-stream-arn", "forecast-cache-table-arn", "forecast-cache-table-name"],
  "kms-key/minimal": [],
  "kms-key/complete": ["orders-index-names", "orders-table-arn", "orders-table-name"],
  "lambda-function/minimal": ["api-function-arn", "api-function-name"],
  "lambda-function/complete": ["api-alias-arn", "api-function-arn", "api-function-name"],
  "network/minimal": ["network-private-subnet-ids", "network-public-subnet-ids", "network-vpc-id"],
  "network/complete": ["network-private-subnet-ids", "network-public-subnet-ids", "network-vpc-id", "shared-private-subnet-ids", "shared-vpc-id"],
  "nodejs-bundle/minimal": ["api-function-arn", "api-function-name"],
  "nodejs-bundle/complete": ["api-function-arn", "api-function-name"],
  "policy-pack/minimal": ["orders-index-names", "orders-table-arn", "orders-table-name"],
  "policy-pack/complete": ["api-function-arn", "api-function-name"],
  "redis-cache/minimal": ["l2-arn", "l2-port", "l2-primary-endpoint", "l2-reader-endpoint", "l2-security-group-id", "l2-user-arn", "l2-user-name", "network-private-subnet-ids", "network-public-subnet-ids", "network-vpc-id"],
  "redis-cache/complete": ["api-function-arn", "api-function-name", "l2-arn", "l2-port", "l2-primary-endpoint", "l2-reader-endpoint", "l2-security-group-id", "l2-user-arn", "l2-user-name", "network-private-subnet-ids", "network-public-subnet-ids", "network-vpc-id", "sessions-arn", "sessions-port", "sessions-primary-endpoint", "sessions-reader-endpoint", "sessions-security-group-id", "sessions-user-arn", "sessions-user-name"],
};

const { tmp, cleanup } = scratchDirs();
afterAll(() => {
  delete process.env.CDKTF_OUTDIR;
  cleanup();
});

describe("examples/: a minimal and a complete app per module", () => {
  it("every module has both, each with a README, and imports the kit only by its package name", () => {
    for (const name of MODULES) {
      for (const variant of ["minimal", "complete"]) {
        const dir = join(examplesDir, name, variant);
        expect(existsSync(join(dir, "README.md")), `${name}/${variant}/README.md`).toBe(true);
        const main = readFileSync(join(dir, "main.ts"), "utf8");
        expect(main).not.toMatch(/from "\.\.?\/(?!handler)/);
        expect(main).toMatch(new RegExp(`from "aws-data-access-kit/modules/${name}"`));
      }
    }
    expect(Object.keys(OUTPUTS).sort()).toEqual(MODULES.flatMap((m) => [`${m}/complete`, `${m}/minimal`]).sort());
  });

  it.each(Object.keys(OUTPUTS))("%s synthesizes, with these Terraform outputs", async (example) => {
    const outdir = tmp(`example-${example.replace("/", "-")}-`);
    process.env.CDKTF_OUTDIR = outdir;
    await import(join(examplesDir, example, "main.ts"));
    const stack = JSON.parse(readFileSync(join(outdir, "stacks", example.replace("/", "-"), "cdk.tf.json"), "utf8")) as { resource?: object; output?: object };
    expect(Object.keys(stack.resource ?? {}).length).toBeGreaterThan(0);
    expect(Object.keys(stack.output ?? {}).sort()).toEqual(OUTPUTS[example]);
  });
});
