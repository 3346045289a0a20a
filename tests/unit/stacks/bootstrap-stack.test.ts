import { describe, expect, it } from "vitest";
import { Testing } from "cdktn";
import type { TerraformStack } from "cdktn";
import { buildApp } from "../../../stacks/app.js";
import { deployment } from "../../../stacks/deployment.js";
import type { DeploymentConfig } from "../../../stacks/deployment.js";
import { projectRoot } from "../../support/project-root.js";
import { addresses, onlyResource, resourcesOf } from "../../support/synth.js";
import type { SynthesizedStack } from "../../support/synth.js";

type Synthesized = SynthesizedStack & { terraform?: { backend?: Record<string, Record<string, unknown>> } };
interface Policy {
  Statement: Array<{ Sid?: string; Effect: string; Action?: string | string[]; NotAction?: string[]; Resource?: string | string[]; NotResource?: string | string[]; Principal?: unknown; Condition?: Record<string, Record<string, unknown>> }>;
}

function synthBootstraps(config: DeploymentConfig = deployment): Record<string, Synthesized> {
  const app = buildApp({ outdir: Testing.app().outdir, projectRoot, deployment: config });
  return Object.fromEntries(app.node.children.filter((s) => s.node.id.startsWith("bootstrap-")).map((s) => [s.node.id, JSON.parse(Testing.synth(s as TerraformStack)) as Synthesized]));
}

const stacks = synthBootstraps();
const nonprod = stacks["bootstrap-nonprod"]!;
const BUCKET = "data-access-kit-tfstate-111122223333-us-east-1";
const policyOf = (json: Synthesized, type: string, name: string, field = "policy") => JSON.parse(resourcesOf(json, type)[name]![field] as string) as Policy;
const statement = (policy: Policy, sid: string) => {
  const found = policy.Statement.find((s) => s.Sid === sid);
  if (!found) throw new Error(`no statement ${sid} in ${JSON.stringify(policy)}`);
  return found;
};

describe("bootstrap stack: one per deployment target (account and region)", () => {
  it("exists for each target, on local state until it is migrated into its own bucket", () => {
    expect(Object.keys(stacks).sort()).toEqual(["bootstrap-nonprod", "bootstrap-prod"]);
    expect(nonprod.terraform?.backend).toEqual({ local: { path: "terraform.tfstate" } });
    const migrated = synthBootstraps({ ...deployment, targets: { ...deployment.targets, nonprod: { ...deployment.targets.nonprod!, bootstrapState: "s3" } } });
    expect(migrated["bootstrap-nonprod"]!.terraform?.backend?.s3).toMatchObject({ bucket: BUCKET, key: "stacks/bootstrap-nonprod/terraform.tfstate", use_lockfile: true, encrypt: true });
  });

  it("is locked to its account like the app stacks", () => {
    expect((nonprod.provider!.aws as unknown[])[0]).toMatchObject({ region: "us-east-1", allowed_account_ids: ["111122223333"] });
    expect((stacks["bootstrap-prod"]!.provider!.aws as unknown[])[0]).toMatchObject({ allowed_account_ids: ["444455556666"] });
  });

  it.each(["nonprod", "prod"])("bootstrap-%s: addresses are pinned", async (target) => {
    await expect(addresses(stacks[`bootstrap-${target}`]!).join("\n") + "\n").toMatchFileSnapshot(`./__addresses__/bootstrap-${target}.txt`);
  });
});

describe("bootstrap stack: the state bucket", () => {
  it("is named after the account and region and cannot be destroyed by Terraform", () => {
    const bucket = onlyResource(nonprod, "aws_s3_bucket");
    expect(bucket).toMatchObject({ bucket: BUCKET, lifecycle: { prevent_destroy: true } });
    expect(bucket).not.toHaveProperty("force_destroy", true);
  });

  it("is versioned, encrypted, private (ACLs off, every public access block on)", () => {
    expect(onlyResource(nonprod, "aws_s3_bucket_versioning")).toMatchObject({ versioning_configuration: { status: "Enabled" } });
    expect(onlyResource(nonprod, "aws_s3_bucket_server_side_encryption_configuration")).toMatchObject({ rule: [{ apply_server_side_encryption_by_default: { sse_algorithm: "AES256" } }] });
    expect(onlyResource(nonprod, "aws_s3_bucket_ownership_controls")).toMatchObject({ rule: { object_ownership: "BucketOwnerEnforced" } });
    expect(onlyResource(nonprod, "aws_s3_bucket_public_access_block")).toMatchObject({ block_public_acls: true, block_public_policy: true, ignore_public_acls: true, restrict_public_buckets: true });
  });

  it("uses the target's KMS key when one is set", () => {
    const key = "arn:aws:kms:us-east-1:111122223333:key/0f6c2f8e-4f0b-4b1e-9d2e-2f1a7a1c9b11";
    const withKey = synthBootstraps({ ...deployment, targets: { ...deployment.targets, nonprod: { ...deployment.targets.nonprod!, stateKmsKeyArn: key } } })["bootstrap-nonprod"]!;
    expect(onlyResource(withKey, "aws_s3_bucket_server_side_encryption_configuration")).toMatchObject({
      rule: [{ apply_server_side_encryption_by_default: { sse_algorithm: "aws:kms", kms_master_key_id: key }, bucket_key_enabled: true }],
    });
    expect(statement(policyOf(withKey, "aws_iam_role_policy", "dev-plan-policy"), "StateKey")).toMatchObject({ Effect: "Allow", Resource: key });
  });

  it("denies plain HTTP and TLS below 1.2, to the bucket and its objects", () => {
    const policy = JSON.parse(onlyResource(nonprod, "aws_s3_bucket_policy").policy as string) as Policy;
    expect(statement(policy, "DenyInsecureTransport")).toMatchObject({ Effect: "Deny", Principal: "*", Action: "s3:*", Condition: { Bool: { "aws:SecureTransport": "false" } } });
    expect(statement(policy, "DenyOutdatedTls")).toMatchObject({ Effect: "Deny", Condition: { NumericLessThan: { "s3:TlsVersion": "1.2" } } });
    expect(statement(policy, "DenyInsecureTransport").Resource).toEqual(["${aws_s3_bucket.state-bucket.arn}", "${aws_s3_bucket.state-bucket.arn}/*"]);
  });

  it("expires replaced state versions (90 days by default) and lone delete markers left by released locks", () => {
    expect(onlyResource(nonprod, "aws_s3_bucket_lifecycle_configuration")).toMatchObject({
      rule: [{ status: "Enabled", noncurrent_version_expiration: [{ noncurrent_days: 90 }], expiration: [{ expired_object_delete_marker: true }], filter: [{ prefix: "" }] }],
    });
  });
});

describe("bootstrap stack: API Gateway's account CloudWatch role", () => {
  it("is set once per account and region, with the AWS-managed push-to-CloudWatch policy", () => {
    const account = onlyResource(nonprod, "aws_api_gateway_account");
    expect(account.cloudwatch_role_arn).toBe("${aws_iam_role.apigateway-cloudwatch-role.arn}");
    const role = resourcesOf(nonprod, "aws_iam_role")["apigateway-cloudwatch-role"]!;
    expect(role.name).toBe("data-access-kit-apigw-logs-us-east-1");
    expect(JSON.parse(role.assume_role_policy as string)).toMatchObject({ Statement: [{ Principal: { Service: "apigateway.amazonaws.com" }, Action: "sts:AssumeRole" }] });
    expect(resourcesOf(nonprod, "aws_iam_role_policy_attachment")["apigateway-cloudwatch-policy"]).toMatchObject({ policy_arn: "arn:aws:iam::aws:policy/service-role/AmazonAPIGatewayPushToCloudWatchLogs" });
  });
});

describe("bootstrap stack: GitHub OIDC", () => {
  it("creates the identity provider for token.actions.githubusercontent.com with the STS audience", () => {
    expect(onlyResource(nonprod, "aws_iam_openid_connect_provider")).toMatchObject({ url: "https://token.actions.githubusercontent.com", client_id_list: ["sts.amazonaws.com"] });
  });

  it("has a plan and an apply role per environment of the target", () => {
    const roles = (json: Synthesized) => Object.values(resourcesOf(json, "aws_iam_role")).map((r) => r.name).sort();
    expect(roles(nonprod)).toEqual(["data-access-kit-apigw-logs-us-east-1", "data-access-kit-dev-github-apply", "data-access-kit-dev-github-plan", "data-access-kit-staging-github-apply", "data-access-kit-staging-github-plan"]);
    expect(roles(stacks["bootstrap-prod"]!)).toEqual(["data-access-kit-apigw-logs-us-east-1", "data-access-kit-prod-github-apply", "data-access-kit-prod-github-plan"]);
  });

  it("trusts only the repository's pull requests for plan, and only jobs in the environment's GitHub environment for apply", () => {
    const trust = (name: string) => policyOf(nonprod, "aws_iam_role", name, "assume_role_policy").Statement;
    expect(trust("dev-plan-role")).toEqual([
      {
        Effect: "Allow",
        Principal: { Federated: "${aws_iam_openid_connect_provider.github-oidc.arn}" },
        Action: "sts:AssumeRoleWithWebIdentity",
        Condition: { StringEquals: { "token.actions.githubusercontent.com:aud": "sts.amazonaws.com", "token.actions.githubusercontent.com:sub": ["repo:your-org/your-repo:pull_request"] } },
      },
    ]);
    expect(trust("staging-apply-role")[0]!.Condition!.StringEquals!["token.actions.githubusercontent.com:sub"]).toEqual(["repo:your-org/your-repo:environment:staging"]);
    // StringEquals, never StringLike with a wildcard: no other repository, branch or environment matches.
    for (const name of ["dev-plan-role", "dev-apply-role", "staging-plan-role", "staging-apply-role"]) expect(trust(name)[0]!.Condition).not.toHaveProperty("StringLike");
  });

  it("refers to the account's existing provider when another target of the account creates it", () => {
    const twoRegions: DeploymentConfig = { ...deployment, targets: { ...deployment.targets, prod: { accountId: "111122223333", region: "eu-west-1", bootstrapState: "local", createGithubOidcProvider: false } } };
    const prod = synthBootstraps(twoRegions)["bootstrap-prod"]!;
    expect(resourcesOf(prod, "aws_iam_openid_connect_provider")).toEqual({});
    expect(policyOf(prod, "aws_iam_role", "prod-apply-role", "assume_role_policy").Statement[0]!.Principal).toEqual({ Federated: "arn:aws:iam::111122223333:oidc-provider/token.actions.githubusercontent.com" });
  });

  it("plan roles read configuration (ReadOnlyAccess) but no table items, objects, secret values or query results", () => {
    expect(resourcesOf(nonprod, "aws_iam_role_policy_attachment")["dev-plan-read-only"]).toMatchObject({ policy_arn: "arn:aws:iam::aws:policy/ReadOnlyAccess" });
    const deny = statement(policyOf(nonprod, "aws_iam_role_policy", "dev-plan-policy"), "NoDataReads");
    expect(deny.Effect).toBe("Deny");
    expect(deny.Action).toEqual(expect.arrayContaining(["dynamodb:GetItem", "dynamodb:Scan", "dynamodb:Query", "secretsmanager:GetSecretValue", "s3:GetObject", "athena:GetQueryResults"]));
    // ...except their own environment's state and lock files.
    expect(deny.NotResource).toEqual([
      `arn:aws:s3:::${BUCKET}/stacks/weather-forecast-dev/terraform.tfstate`,
      `arn:aws:s3:::${BUCKET}/stacks/analytics-dev/terraform.tfstate`,
      `arn:aws:s3:::${BUCKET}/stacks/conversation-memory-dev/terraform.tfstate`,
      `arn:aws:s3:::${BUCKET}/stacks/weather-forecast-dev/terraform.tfstate.tflock`,
      `arn:aws:s3:::${BUCKET}/stacks/analytics-dev/terraform.tfstate.tflock`,
      `arn:aws:s3:::${BUCKET}/stacks/conversation-memory-dev/terraform.tfstate.tflock`,
    ]);
  });

  it("plan roles read their state and write only its lock file; apply roles write their state", () => {
    const plan = policyOf(nonprod, "aws_iam_role_policy", "dev-plan-policy");
    expect(statement(plan, "StateObjects").Action).toEqual(["s3:GetObject"]);
    expect(statement(plan, "StateLockFiles")).toMatchObject({ Action: ["s3:GetObject", "s3:PutObject", "s3:DeleteObject"], Resource: [`arn:aws:s3:::${BUCKET}/stacks/weather-forecast-dev/terraform.tfstate.tflock`, `arn:aws:s3:::${BUCKET}/stacks/analytics-dev/terraform.tfstate.tflock`, `arn:aws:s3:::${BUCKET}/stacks/conversation-memory-dev/terraform.tfstate.tflock`] });
    const apply = policyOf(nonprod, "aws_iam_role_policy", "dev-apply-policy");
    expect(statement(apply, "StateObjects").Action).toEqual(["s3:GetObject", "s3:PutObject"]);
  });

  it("denies each environment's roles the other environments' state and the bootstrap's own", () => {
    for (const name of ["dev-plan-policy", "dev-apply-policy"]) {
      const deny = statement(policyOf(nonprod, "aws_iam_role_policy", name), "NoOtherState");
      expect(deny).toMatchObject({ Effect: "Deny", Action: "s3:*" });
      expect(deny.Resource).toEqual(expect.arrayContaining([`arn:aws:s3:::${BUCKET}/stacks/analytics-staging/terraform.tfstate`, `arn:aws:s3:::${BUCKET}/stacks/bootstrap-nonprod/terraform.tfstate`]));
      expect(deny.Resource).not.toContain(`arn:aws:s3:::${BUCKET}/stacks/analytics-dev/terraform.tfstate`);
    }
  });

  it("apply roles act in the target's region only and cannot change the bootstrap's roles, provider or bucket protections", () => {
    const apply = policyOf(nonprod, "aws_iam_role_policy", "dev-apply-policy");
    expect(statement(apply, "KitServices")).toMatchObject({ Effect: "Allow", Condition: { StringEquals: { "aws:RequestedRegion": "us-east-1" } } });
    expect(statement(apply, "KitServices").Action).toEqual(expect.arrayContaining(["dynamodb:*", "apigateway:*", "lambda:*", "elasticache:*", "athena:*"]));
    const guard = policyOf(nonprod, "aws_iam_role_policy", "dev-apply-guard");
    expect(statement(guard, "NoBootstrapIamChanges")).toMatchObject({ Effect: "Deny", NotAction: ["iam:Get*", "iam:List*", "iam:PassRole"] });
    expect(statement(guard, "NoBootstrapIamChanges").Resource).toEqual(
      expect.arrayContaining(["arn:aws:iam::111122223333:role/data-access-kit-dev-github-apply", "arn:aws:iam::111122223333:role/data-access-kit-staging-github-plan", "arn:aws:iam::111122223333:oidc-provider/token.actions.githubusercontent.com"]),
    );
    expect(statement(guard, "NoStateBucketChanges")).toMatchObject({ Effect: "Deny", Resource: `arn:aws:s3:::${BUCKET}` });
    expect(statement(guard, "NoStateBucketChanges").Action).toEqual(expect.arrayContaining(["s3:DeleteBucket", "s3:PutBucketPolicy", "s3:PutBucketVersioning"]));
  });

  it("outputs the bucket, every role ARN and every alarm topic under static names", () => {
    expect(Object.keys(nonprod.output ?? {}).sort()).toEqual([
      "apigateway-cloudwatch-role-arn", "dev-alarm-topic-arn", "dev-apply-role-arn", "dev-plan-role-arn", "github-oidc-provider-arn",
      "staging-alarm-topic-arn", "staging-apply-role-arn", "staging-plan-role-arn", "state-bucket-name", "state-region",
    ]);
  });
});
