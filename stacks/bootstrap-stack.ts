import { TerraformOutput, TerraformStack } from "cdktn";
import type { Construct } from "constructs";
import { ApiGatewayAccount } from "@cdktn/provider-aws/lib/api-gateway-account/index.js";
import { IamOpenidConnectProvider } from "@cdktn/provider-aws/lib/iam-openid-connect-provider/index.js";
import { IamRole } from "@cdktn/provider-aws/lib/iam-role/index.js";
import { IamRolePolicy } from "@cdktn/provider-aws/lib/iam-role-policy/index.js";
import { IamRolePolicyAttachment } from "@cdktn/provider-aws/lib/iam-role-policy-attachment/index.js";
import { AwsProvider } from "@cdktn/provider-aws/lib/provider/index.js";
import { S3Bucket } from "@cdktn/provider-aws/lib/s3-bucket/index.js";
import { S3BucketLifecycleConfiguration } from "@cdktn/provider-aws/lib/s3-bucket-lifecycle-configuration/index.js";
import { S3BucketOwnershipControls } from "@cdktn/provider-aws/lib/s3-bucket-ownership-controls/index.js";
import { S3BucketPolicy } from "@cdktn/provider-aws/lib/s3-bucket-policy/index.js";
import { S3BucketPublicAccessBlock } from "@cdktn/provider-aws/lib/s3-bucket-public-access-block/index.js";
import { S3BucketServerSideEncryptionConfigurationA } from "@cdktn/provider-aws/lib/s3-bucket-server-side-encryption-configuration/index.js";
import { S3BucketVersioningA } from "@cdktn/provider-aws/lib/s3-bucket-versioning/index.js";
import { AlarmTopic } from "../modules/alarm-topic/index.js";
// By file: the TLS-only bucket policy the Athena results bucket uses, defined once.
import { tlsOnlyPolicy } from "../modules/athena-workgroup/results-bucket.js";
import { KmsKey } from "../modules/kms-key/index.js";
import { checkPolicy, suppress } from "../modules/policy-pack/index.js";
import type { PolicyCheck } from "../modules/policy-pack/index.js";
import { alarmRouting, alarmTopicArnOf, alarmTopicName } from "./alarms-config.js";
import type { EnvironmentAlarms } from "./alarms-config.js";
import type { EnvironmentName } from "./config.js";
import { applyRoleName, environmentsOf, partitionOf, planRoleName, stateBucketName, stateKey } from "./deployment.js";
import type { DeploymentConfig, DeploymentTarget } from "./deployment.js";
import { providerSettingsFor, useStateBackend } from "./deployment-wiring.js";
import { postures } from "./posture.js";

/** GitHub's OIDC issuer; `sts.amazonaws.com` is the audience aws-actions/configure-aws-credentials requests. */
export const GITHUB_OIDC_HOST = "token.actions.githubusercontent.com";
const GITHUB_OIDC_AUDIENCE = "sts.amazonaws.com";
const PUSH_TO_CLOUDWATCH_POLICY = "policy/service-role/AmazonAPIGatewayPushToCloudWatchLogs";
const READ_ONLY_POLICY = "policy/ReadOnlyAccess";
/** @default of {@link DeploymentTarget.noncurrentStateVersionDays} */
export const DEFAULT_NONCURRENT_STATE_VERSION_DAYS = 90;

/**
 * The AWS services the app stacks manage (and issue-14 additions: KMS keys, SNS alarm topics, X-Ray). The apply
 * role may use these, in the target's region only (IAM, global, apart).
 */
export const APPLY_SERVICES = [
  "apigateway", "application-autoscaling", "athena", "cloudwatch", "dynamodb", "ec2", "elasticache", "glue",
  "kms", "lambda", "logs", "s3", "secretsmanager", "sns", "xray",
] as const;

export interface BootstrapStackProps {
  readonly config: DeploymentConfig;
  /** A key of `config.targets`. */
  readonly target: string;
  /**
   * The app stacks of each environment deploying to this target: each environment's roles may touch exactly
   * their state objects.
   */
  readonly stacksByEnvironment: Readonly<Partial<Record<EnvironmentName, readonly string[]>>>;
  /** Who hears each environment's alarms (its topic lives here). @default stacks/alarms-config.ts */
  readonly alarms?: Readonly<Partial<Record<EnvironmentName, EnvironmentAlarms>>>;
}

/**
 * What an AWS account and region need before the app stacks can be planned and applied from CI, created once by
 * an administrator (docs/deploy.md):
 * - the Terraform state bucket: versioned, encrypted, public access blocked, ACLs off, TLS-only, old state
 *   versions expiring; it cannot be destroyed by Terraform (`prevent_destroy`);
 * - API Gateway's account-level CloudWatch Logs role (`aws_api_gateway_account`, one per account and region):
 *   every stage's access logs need it, so it lives here and in no app stack;
 * - GitHub OIDC: the identity provider, and per environment a read-only plan role (pull requests of the
 *   repository) and an apply role (jobs in the environment's GitHub environment);
 * - per environment, the alarm topic every alarm of its app stacks notifies (`<project>-<env>-alarms`), with its
 *   subscriptions, encrypted with one key per target that CloudWatch may publish with.
 *
 * The policy pack checks it too, enforced when any of its environments enforces its posture.
 *
 * ARNs are built from the configured account id rather than read with data sources, so the stack plans without
 * calling AWS (and `terraform test` with a mock provider sees the real values).
 */
export class BootstrapStack extends TerraformStack {
  readonly stateBucket: S3Bucket;
  readonly oidcProviderArn: string;
  readonly planRoles: Partial<Record<EnvironmentName, IamRole>> = {};
  readonly applyRoles: Partial<Record<EnvironmentName, IamRole>> = {};
  readonly alarmTopics: Partial<Record<EnvironmentName, AlarmTopic>> = {};
  readonly policy: PolicyCheck;

  constructor(scope: Construct, id: string, props: BootstrapStackProps) {
    super(scope, id);
    const { config } = props;
    const target = config.targets[props.target];
    if (!target) throw new Error(`BootstrapStack("${id}"): target = "${props.target}": must be one of ${Object.keys(config.targets).join(", ")}`);
    const partition = partitionOf(target.region);
    const iamArn = (resource: string) => `arn:${partition}:iam::${target.accountId}:${resource}`;

    new AwsProvider(this, "aws", {
      ...providerSettingsFor(target),
      defaultTags: [{ tags: { project: config.project, purpose: "terraform-bootstrap", "managed-by": "cdktn" } }],
    });
    useStateBackend(this, config, target, target.bootstrapState === "local" ? { backend: "local" } : { backend: "s3" });

    this.stateBucket = this.createStateBucket(config, target);
    const apiGatewayRole = this.createApiGatewayAccountRole(config, target);

    const oidcArn = iamArn(`oidc-provider/${GITHUB_OIDC_HOST}`);
    if (target.createGithubOidcProvider ?? true) {
      // No thumbprint: IAM verifies GitHub's certificate against its own trusted root CAs and ignores thumbprints
      // for this provider (https://docs.aws.amazon.com/IAM/latest/APIReference/API_UpdateOpenIDConnectProviderThumbprint.html).
      const provider = new IamOpenidConnectProvider(this, "github-oidc", { url: `https://${GITHUB_OIDC_HOST}`, clientIdList: [GITHUB_OIDC_AUDIENCE] });
      this.oidcProviderArn = provider.arn;
    } else {
      this.oidcProviderArn = oidcArn;
    }

    const bucketArn = `arn:${partition}:s3:::${stateBucketName(config, target)}`;
    const ciRoleArns: string[] = [];
    const envs = environmentsOf(config, props.target);
    const stateObjects = (stacks: readonly string[]) => stacks.flatMap((s) => [`${bucketArn}/${stateKey(s)}`, `${bucketArn}/${stateKey(s)}.tflock`]);
    for (const env of envs) {
      const stacks = props.stacksByEnvironment[env] ?? [];
      const states = stacks.map((s) => `${bucketArn}/${stateKey(s)}`);
      const locks = states.map((s) => `${s}.tflock`);
      // Environments sharing a target share the bucket: each one's roles are denied the others' state (which can
      // hold secrets) and the bootstrap's own.
      const foreign = [...envs.filter((e) => e !== env).flatMap((e) => stateObjects(props.stacksByEnvironment[e] ?? [])), ...stateObjects([id])];
      const repo = config.github.repository;
      const githubEnvironment = config.environments[env].githubEnvironment;

      // Subject claims: https://docs.github.com/en/actions/reference/security/oidc (pull_request events give
      // `repo:<owner>/<name>:pull_request`; a job with `environment:` gives `repo:<owner>/<name>:environment:<name>`).
      const plan = this.ciRole(`${env}-plan-role`, planRoleName(config, env), `Terraform plan of ${env} from pull requests of ${repo} (read-only)`, [`repo:${repo}:pull_request`]);
      new IamRolePolicyAttachment(this, `${env}-plan-read-only`, { role: plan.name, policyArn: `arn:${partition}:iam::aws:${READ_ONLY_POLICY}` });
      new IamRolePolicy(this, `${env}-plan-policy`, { role: plan.name, name: "state-and-no-data-reads", policy: JSON.stringify(planPolicy(bucketArn, states, locks, foreign, target)) });

      const apply = this.ciRole(`${env}-apply-role`, applyRoleName(config, env), `Terraform apply of ${env} from the GitHub environment ${githubEnvironment} of ${repo}`, [`repo:${repo}:environment:${githubEnvironment}`]);
      new IamRolePolicy(this, `${env}-apply-policy`, { role: apply.name, name: "deploy-kit-stacks", policy: JSON.stringify(applyPolicy(bucketArn, states, locks, foreign, target)) });

      this.planRoles[env] = plan;
      this.applyRoles[env] = apply;
      ciRoleArns.push(iamArn(`role/${planRoleName(config, env)}`), iamArn(`role/${applyRoleName(config, env)}`));
      new TerraformOutput(this, `${env}-plan-role-arn`, { value: plan.arn, description: `Role the plan job of ${env} assumes (pull requests)` });
      new TerraformOutput(this, `${env}-apply-role-arn`, { value: apply.arn, description: `Role the apply job of ${env} assumes (GitHub environment ${githubEnvironment})` });
    }
    // Apply roles manage IAM for the app stacks; they must not be able to widen their own trust or remove the
    // state bucket's protections. An explicit deny wins over every allow.
    const topicArns = envs.map((env) => alarmTopicArnOf(config, env));
    for (const env of envs) {
      new IamRolePolicy(this, `${env}-apply-guard`, { role: this.applyRoles[env]!.name, name: "protect-bootstrap", policy: JSON.stringify(bootstrapGuard(bucketArn, [...ciRoleArns, oidcArn, apiGatewayRole], topicArns)) });
    }

    this.createAlarmTopics(config, target, envs, props.alarms ?? alarmRouting);
    this.policy = checkPolicy(this, { enforce: envs.some((env) => postures[env].enforce) });

    new TerraformOutput(this, "state-bucket-name", { value: this.stateBucket.bucket, description: "Terraform state bucket of every stack deploying to this account and region" });
    new TerraformOutput(this, "state-region", { value: target.region });
    new TerraformOutput(this, "github-oidc-provider-arn", { value: this.oidcProviderArn });
  }

  private createStateBucket(config: DeploymentConfig, target: DeploymentTarget): S3Bucket {
    const bucket = new S3Bucket(this, "state-bucket", {
      bucket: stateBucketName(config, target),
      // Losing the state bucket orphans every resource of every stack: Terraform refuses to destroy it.
      lifecycle: { preventDestroy: true },
    });
    suppress(bucket, "CKV_AWS_18", "only the plan and apply roles of this stack reach state, each limited to its own objects by policy, and CloudTrail records their calls; server access logs would need another bucket, which organisations keep centrally");
    suppress(bucket, "CKV_AWS_144", "versioned, with replaced state kept noncurrentStateVersionDays; replicating it to another region is a disaster-recovery choice per organisation, with a replica bucket outside this stack (docs/deploy.md)");
    if (!target.stateKmsKeyArn) {
      suppress(bucket, "CKV_AWS_145", "this target sets no stateKmsKeyArn, so state is encrypted with SSE-S3; set targets.<name>.stateKmsKeyArn in stacks/deployment.ts to use a customer managed key (docs/deploy.md)");
    }
    new S3BucketVersioningA(this, "state-versioning", { bucket: bucket.id, versioningConfiguration: { status: "Enabled" } });
    const ownership = new S3BucketOwnershipControls(this, "state-ownership", { bucket: bucket.id, rule: { objectOwnership: "BucketOwnerEnforced" } });
    const publicAccess = new S3BucketPublicAccessBlock(this, "state-public-access", {
      bucket: bucket.id,
      blockPublicAcls: true,
      blockPublicPolicy: true,
      ignorePublicAcls: true,
      restrictPublicBuckets: true,
    });
    const kms = target.stateKmsKeyArn;
    new S3BucketServerSideEncryptionConfigurationA(this, "state-encryption", {
      bucket: bucket.id,
      rule: [{ applyServerSideEncryptionByDefault: kms ? { sseAlgorithm: "aws:kms", kmsMasterKeyId: kms } : { sseAlgorithm: "AES256" }, bucketKeyEnabled: kms ? true : undefined }],
    });
    // After the public access block and ownership controls: S3 rejects concurrent configuration changes on a bucket.
    new S3BucketPolicy(this, "state-tls-only", { bucket: bucket.id, policy: JSON.stringify(tlsOnlyPolicy(bucket.arn)), dependsOn: [publicAccess, ownership] });
    new S3BucketLifecycleConfiguration(this, "state-lifecycle", {
      bucket: bucket.id,
      rule: [
        {
          id: "expire-old-state-versions",
          status: "Enabled",
          filter: [{ prefix: "" }],
          noncurrentVersionExpiration: [{ noncurrentDays: target.noncurrentStateVersionDays ?? DEFAULT_NONCURRENT_STATE_VERSION_DAYS }],
          // Each released lock file leaves a delete marker on a versioned bucket; remove them once alone.
          expiration: [{ expiredObjectDeleteMarker: true }],
          abortIncompleteMultipartUpload: [{ daysAfterInitiation: 7 }],
        },
      ],
    });
    return bucket;
  }

  /** Returns the role's ARN (computed, for the guard policy). */
  private createApiGatewayAccountRole(config: DeploymentConfig, target: DeploymentTarget): string {
    const partition = partitionOf(target.region);
    const name = `${config.project}-apigw-logs-${target.region}`;
    const role = new IamRole(this, "apigateway-cloudwatch-role", {
      name,
      description: `API Gateway's account-level role for access and execution logs in ${target.region}`,
      assumeRolePolicy: JSON.stringify({
        Version: "2012-10-17",
        Statement: [{ Effect: "Allow", Principal: { Service: "apigateway.amazonaws.com" }, Action: "sts:AssumeRole" }],
      }),
    });
    new IamRolePolicyAttachment(this, "apigateway-cloudwatch-policy", { role: role.name, policyArn: `arn:${partition}:iam::aws:${PUSH_TO_CLOUDWATCH_POLICY}` });
    new ApiGatewayAccount(this, "apigateway-account", { cloudwatchRoleArn: role.arn });
    new TerraformOutput(this, "apigateway-cloudwatch-role-arn", { value: role.arn });
    return `arn:${partition}:iam::${target.accountId}:role/${name}`;
  }

  /** One topic per environment of this target, sharing one key whose policy lets CloudWatch publish. */
  private createAlarmTopics(config: DeploymentConfig, target: DeploymentTarget, envs: EnvironmentName[], alarms: Readonly<Partial<Record<EnvironmentName, EnvironmentAlarms>>>): void {
    if (envs.length === 0) return;
    const owner = { accountId: target.accountId, region: target.region };
    const key = new KmsKey(this, "alarms-key", {
      ...owner,
      alias: `${config.project}-alarms-${target.region}`,
      description: `Alarm notifications of ${envs.join(", ")}: CloudWatch publishes, SNS delivers`,
      services: ["cloudwatch", "sns"],
    });
    for (const env of envs) {
      this.alarmTopics[env] = new AlarmTopic(this, `${env}-alarms`, {
        ...owner,
        name: alarmTopicName(config, env),
        displayName: `${config.project} ${env} alarms`,
        kmsKeyArn: key.keyArn,
        subscriptions: alarms[env]?.subscriptions ?? [],
      });
      new TerraformOutput(this, `${env}-alarm-topic-arn`, { value: this.alarmTopics[env]!.topicArn, description: `Every alarm of ${env} notifies this topic (ALARM and OK)` });
    }
  }

  private ciRole(id: string, name: string, description: string, subjects: string[]): IamRole {
    return new IamRole(this, id, {
      name,
      description,
      maxSessionDuration: 3600,
      assumeRolePolicy: JSON.stringify({
        Version: "2012-10-17",
        Statement: [
          {
            Effect: "Allow",
            Principal: { Federated: this.oidcProviderArn },
            Action: "sts:AssumeRoleWithWebIdentity",
            Condition: {
              StringEquals: { [`${GITHUB_OIDC_HOST}:aud`]: GITHUB_OIDC_AUDIENCE, [`${GITHUB_OIDC_HOST}:sub`]: subjects },
            },
          },
        ],
      }),
    });
  }
}

type Statement = Record<string, unknown>;

/**
 * State access as the S3 backend documents it (https://developer.hashicorp.com/terraform/language/backend/s3):
 * ListBucket, Get/Put of the state object and Get/Put/Delete of its `.tflock` lock file.
 */
function stateStatements(bucketArn: string, states: string[], locks: string[], foreign: string[], target: DeploymentTarget, write: boolean): Statement[] {
  const statements: Statement[] = [
    { Sid: "ListStateBucket", Effect: "Allow", Action: "s3:ListBucket", Resource: bucketArn },
    { Sid: "NoOtherState", Effect: "Deny", Action: "s3:*", Resource: foreign },
  ];
  if (states.length > 0) {
    statements.push({ Sid: "StateObjects", Effect: "Allow", Action: write ? ["s3:GetObject", "s3:PutObject"] : ["s3:GetObject"], Resource: states });
    statements.push({ Sid: "StateLockFiles", Effect: "Allow", Action: ["s3:GetObject", "s3:PutObject", "s3:DeleteObject"], Resource: locks });
  }
  if (target.stateKmsKeyArn) statements.push({ Sid: "StateKey", Effect: "Allow", Action: ["kms:Decrypt", "kms:Encrypt", "kms:GenerateDataKey"], Resource: target.stateKmsKeyArn });
  return statements;
}

/**
 * The plan role: AWS's ReadOnlyAccess (attached) for the refresh, its own environment's state and lock files,
 * and no data-plane reads. A pull request can change the workflow that assumes this role, so what it may read is
 * what a reviewer may see: configuration, not table items, objects or secret values. (Refreshing a secret
 * version held in Terraform state needs GetSecretValue: such stacks cannot be planned by this role, by design.)
 */
function planPolicy(bucketArn: string, states: string[], locks: string[], foreign: string[], target: DeploymentTarget): Record<string, unknown> {
  const own = [...states, ...locks];
  return {
    Version: "2012-10-17",
    Statement: [
      ...stateStatements(bucketArn, states, locks, foreign, target, false),
      {
        Sid: "NoDataReads",
        Effect: "Deny",
        Action: ["dynamodb:GetItem", "dynamodb:BatchGetItem", "dynamodb:Query", "dynamodb:Scan", "dynamodb:GetRecords", "secretsmanager:GetSecretValue", "athena:GetQueryResults", "s3:GetObject", "s3:GetObjectVersion"],
        ...(own.length > 0 ? { NotResource: own } : { Resource: "*" }),
      },
    ],
  };
}

/** The apply role: its environment's state, and the services the stacks manage, in the target's region. */
function applyPolicy(bucketArn: string, states: string[], locks: string[], foreign: string[], target: DeploymentTarget): Record<string, unknown> {
  return {
    Version: "2012-10-17",
    Statement: [
      ...stateStatements(bucketArn, states, locks, foreign, target, true),
      { Sid: "KitServices", Effect: "Allow", Action: APPLY_SERVICES.map((s) => `${s}:*`), Resource: "*", Condition: { StringEquals: { "aws:RequestedRegion": target.region } } },
      // Roles and policies of the functions, API Gateway's service-linked roles: IAM is global (no region).
      { Sid: "KitIam", Effect: "Allow", Action: "iam:*", Resource: "*" },
      { Sid: "Identity", Effect: "Allow", Action: "sts:GetCallerIdentity", Resource: "*" },
    ],
  };
}

/** Denies changes to the bootstrap's own IAM, to the state bucket's protections and to the alarm topics. */
function bootstrapGuard(bucketArn: string, protectedIamArns: string[], alarmTopicArns: string[]): Record<string, unknown> {
  return {
    Version: "2012-10-17",
    Statement: [
      { Sid: "NoBootstrapIamChanges", Effect: "Deny", NotAction: ["iam:Get*", "iam:List*", "iam:PassRole"], Resource: protectedIamArns },
      {
        Sid: "NoStateBucketChanges",
        Effect: "Deny",
        Action: ["s3:DeleteBucket", "s3:DeleteBucketPolicy", "s3:PutBucketPolicy", "s3:PutBucketVersioning", "s3:PutLifecycleConfiguration", "s3:PutEncryptionConfiguration", "s3:PutBucketPublicAccessBlock", "s3:PutBucketOwnershipControls", "s3:PutBucketAcl"],
        Resource: bucketArn,
      },
      // The app stacks alarm into these topics; only the bootstrap (an administrator) changes who hears them.
      ...(alarmTopicArns.length > 0
        ? [{ Sid: "NoAlarmTopicChanges", Effect: "Deny", Action: ["sns:AddPermission", "sns:DeleteTopic", "sns:RemovePermission", "sns:SetTopicAttributes", "sns:Subscribe"], Resource: alarmTopicArns }]
        : []),
    ],
  };
}
