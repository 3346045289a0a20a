import { describe, expect, it } from "vitest";
import { Testing } from "cdktn";
import type { TerraformStack } from "cdktn";
import { buildApp } from "../../../stacks/app.js";
import { ENVIRONMENTS } from "../../../stacks/config.js";
import type { EnvironmentName } from "../../../stacks/config.js";
import { deployment, placeholders, stateKey, targetOf, validateDeployment } from "../../../stacks/deployment.js";
import type { DeploymentConfig } from "../../../stacks/deployment.js";
import { projectRoot } from "../../support/project-root.js";
import type { SynthesizedStack } from "../../support/synth.js";

interface Terraform {
  backend?: Record<string, Record<string, unknown>>;
  required_version?: string;
}
type Synthesized = SynthesizedStack & { terraform?: Terraform };

function synthAll(config?: DeploymentConfig): Record<string, Synthesized> {
  const app = buildApp({ outdir: Testing.app().outdir, projectRoot, deployment: config });
  return Object.fromEntries(app.node.children.map((stack) => [stack.node.id, JSON.parse(Testing.synth(stack as TerraformStack)) as Synthesized]));
}

const APP_STACKS = ENVIRONMENTS.flatMap((env) => [`weather-forecast-${env}`, `analytics-${env}`] as const);
const envOf = (stackId: string) => stackId.split("-").at(-1) as EnvironmentName;
const kit = synthAll();

/** The kit's config with some fields replaced (targets and environments merged one level deep). */
function withConfig(change: { targets?: Record<string, object>; environments?: Partial<Record<EnvironmentName, object>>; github?: object }): DeploymentConfig {
  const targets = { ...deployment.targets };
  for (const [k, v] of Object.entries(change.targets ?? {})) targets[k] = { ...(targets[k] ?? deployment.targets.nonprod!), ...v };
  const environments = { ...deployment.environments };
  for (const [k, v] of Object.entries(change.environments ?? {})) environments[k as EnvironmentName] = { ...environments[k as EnvironmentName], ...v };
  return { ...deployment, github: { ...deployment.github, ...change.github }, targets, environments };
}

describe("remote state per environment (stacks/deployment.ts)", () => {
  it.each(APP_STACKS)("%s: S3 backend in its target's bucket, its own key, encrypted, lock file, account-guarded", (id) => {
    const target = targetOf(deployment, envOf(id));
    expect(kit[id]!.terraform?.backend).toEqual({
      s3: {
        bucket: `data-access-kit-tfstate-${target.accountId}-${target.region}`,
        key: `stacks/${id}/terraform.tfstate`,
        region: target.region,
        encrypt: true,
        use_lockfile: true,
        allowed_account_ids: [target.accountId],
      },
    });
    // use_lockfile exists from Terraform 1.10: older versions must refuse the configuration, not ignore locking.
    expect(kit[id]!.terraform?.required_version).toBe(">= 1.10.0");
  });

  it("gives every stack a different state object", () => {
    const keys = APP_STACKS.map((id) => `${(kit[id]!.terraform!.backend!.s3 as { bucket: string }).bucket}/${(kit[id]!.terraform!.backend!.s3 as { key: string }).key}`);
    expect(new Set(keys).size).toBe(APP_STACKS.length);
  });

  it("uses a local backend only where an environment asks, with a relative path", () => {
    const stacks = synthAll(withConfig({ environments: { dev: { state: { backend: "local", directory: "../../../state" } } } }));
    expect(stacks["weather-forecast-dev"]!.terraform?.backend).toEqual({ local: { path: "../../../state/weather-forecast-dev.tfstate" } });
    expect(stacks["analytics-dev"]!.terraform?.backend).toEqual({ local: { path: "../../../state/analytics-dev.tfstate" } });
    expect(Object.keys(stacks["weather-forecast-staging"]!.terraform!.backend!)).toEqual(["s3"]);
    const defaulted = synthAll(withConfig({ environments: { dev: { state: { backend: "local" } } } }));
    expect(defaulted["analytics-dev"]!.terraform?.backend).toEqual({ local: { path: "terraform.tfstate" } });
  });

  it("encrypts state with the target's KMS key and assumes the environment's role in the backend too", () => {
    const key = "arn:aws:kms:us-east-1:111122223333:key/0f6c2f8e-4f0b-4b1e-9d2e-2f1a7a1c9b11";
    const role = "arn:aws:iam::111122223333:role/deployer";
    const stacks = synthAll(withConfig({ targets: { nonprod: { stateKmsKeyArn: key } }, environments: { dev: { assumeRoleArn: role } } }));
    expect(stacks["weather-forecast-dev"]!.terraform!.backend!.s3).toMatchObject({ kms_key_id: key, assume_role: { role_arn: role, session_name: "terraform" } });
    expect(stacks["weather-forecast-staging"]!.terraform!.backend!.s3).toMatchObject({ kms_key_id: key });
    expect(stacks["weather-forecast-staging"]!.terraform!.backend!.s3).not.toHaveProperty("assume_role");
  });
});

describe("account guard (provider)", () => {
  it.each(APP_STACKS)("%s: the AWS provider may only touch its target's account, in its region", (id) => {
    const target = targetOf(deployment, envOf(id));
    const [provider, ...others] = kit[id]!.provider!.aws as Array<Record<string, unknown>>;
    expect(others).toEqual([]);
    expect(provider).toMatchObject({ region: target.region, allowed_account_ids: [target.accountId] });
    expect(provider).not.toHaveProperty("assume_role");
  });

  it("prod is locked to a different account than dev and staging", () => {
    const accounts = (id: string) => (kit[id]!.provider!.aws as Array<{ allowed_account_ids: string[] }>)[0]!.allowed_account_ids;
    expect(accounts("weather-forecast-prod")).not.toEqual(accounts("weather-forecast-dev"));
    expect(accounts("analytics-staging")).toEqual(accounts("weather-forecast-dev"));
  });

  it("assumes the environment's role when one is set", () => {
    const role = "arn:aws:iam::444455556666:role/ci-deployer";
    const stacks = synthAll(withConfig({ environments: { prod: { assumeRoleArn: role } } }));
    for (const id of ["weather-forecast-prod", "analytics-prod"]) {
      expect((stacks[id]!.provider!.aws as unknown[])[0]).toMatchObject({ assume_role: [{ role_arn: role, session_name: "terraform" }] });
    }
  });

  it("takes the region from the deployment target (the determinism test shows AWS_REGION changes nothing)", () => {
    const stacks = synthAll(withConfig({ targets: { prod: { region: "eu-west-1" } } }));
    expect((stacks["analytics-prod"]!.provider!.aws as unknown[])[0]).toMatchObject({ region: "eu-west-1" });
    expect(stacks["analytics-prod"]!.terraform!.backend!.s3).toMatchObject({ region: "eu-west-1", bucket: "data-access-kit-tfstate-444455556666-eu-west-1" });
  });

  it("creates API Gateway's account CloudWatch role in the bootstrap stacks only", () => {
    const owners = Object.entries(kit).filter(([, json]) => json.resource?.aws_api_gateway_account).map(([id]) => id);
    expect(owners.sort()).toEqual(["bootstrap-nonprod", "bootstrap-prod"]);
  });
});

describe("validating stacks/deployment.ts", () => {
  const problems = (config: DeploymentConfig) => {
    try {
      validateDeployment(config);
      return "";
    } catch (error) {
      return (error as Error).message;
    }
  };

  it("accepts the kit's settings", () => expect(problems(deployment)).toBe(""));

  it("names every bad field with its value and what is allowed, all at once", () => {
    const message = problems(
      withConfig({
        targets: { nonprod: { accountId: "12345", region: "Europe" } },
        environments: { dev: { state: { backend: "local", directory: "/home/me/state" } }, prod: { target: "production" } },
        github: { repository: "no-slash" },
      }),
    );
    expect(message).toMatch(/^stacks\/deployment\.ts: invalid deployment settings:/);
    expect(message).toContain('targets.nonprod.accountId = "12345": must be a 12-digit AWS account id');
    expect(message).toContain('targets.nonprod.region = "Europe": must be an AWS region code');
    expect(message).toContain('environments.dev.state.directory = "/home/me/state": must be a relative path');
    expect(message).toContain('environments.prod.target = "production": must be one of nonprod, prod');
    expect(message).toContain('github.repository = "no-slash": must be <owner>/<name>');
  });

  it("refuses two targets in one account and region, and two GitHub OIDC providers in one account", () => {
    const twin = withConfig({ targets: { prod: { accountId: "111122223333" } } });
    expect(problems(twin)).toMatch(/targets nonprod and prod are the same account and region/);
    expect(problems(twin)).toMatch(/an account has one GitHub OIDC provider/);
    const twoRegions = withConfig({ targets: { prod: { accountId: "111122223333", region: "eu-west-1", createGithubOidcProvider: false } } });
    expect(problems(twoRegions)).toBe("");
  });

  it("fails synth before building any stack", () => {
    expect(() => buildApp({ outdir: Testing.app().outdir, projectRoot, deployment: withConfig({ targets: { prod: { accountId: "1" } } }) })).toThrow(/targets\.prod\.accountId = "1"/);
  });

  it("lists what still holds a placeholder (the deploy wrapper and CI refuse to run until it is empty)", () => {
    expect(placeholders(deployment)).toEqual([
      "targets.nonprod.accountId = 111122223333 (AWS's example id; set your account id)",
      "targets.prod.accountId = 444455556666 (AWS's example id; set your account id)",
      "github.repository = your-org/your-repo (set your owner/name)",
    ]);
    expect(placeholders(withConfig({ targets: { nonprod: { accountId: "210987654321" }, prod: { accountId: "123456789012" } }, github: { repository: "acme/weather" } }))).toEqual([]);
  });

  it("keys state by stack id", () => expect(stateKey("analytics-prod")).toBe("stacks/analytics-prod/terraform.tfstate"));
});
