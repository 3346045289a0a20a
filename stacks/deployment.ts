/**
 * Where each environment deploys: its AWS account and region, an optional role for Terraform to assume, where its
 * Terraform state lives, and the GitHub repository and environment CI plans and applies it from. One typed object
 * for the whole app; both app stacks and the bootstrap stacks read it, so synth never depends on the machine's
 * environment variables (AWS_REGION, AWS_PROFILE) or on where the checkout is.
 *
 * Pure data and pure functions (no cdktn): config.ts reads each environment's region from here, and the local
 * server loads config.ts without the provider bindings.
 *
 * Setting up your own accounts: docs/deploy.md.
 */
import { Problems, ValidationError } from "../modules/core/validation.js";
import type { EnvironmentName } from "./config.js";

/**
 * Example account ids of the kind AWS's own documentation uses in its policy examples. They are not your accounts:
 * with them in `allowed_account_ids`, a plan or apply with your real credentials stops at the provider's account
 * check ("AWS account ID not allowed") before it reads or changes anything, until you put your own ids in
 * `deployment.targets`. The deploy wrapper and CI refuse to start while they are there (see {@link placeholders}).
 */
export const PLACEHOLDER_ACCOUNT_IDS: readonly string[] = ["111122223333", "444455556666"];
/** The repository the OIDC trust names until you set yours: it matches no real repository's tokens. */
export const PLACEHOLDER_REPOSITORY = "your-org/your-repo";

/** One AWS account and region: one bootstrap stack (`bootstrap-<target>`), one state bucket. */
export interface DeploymentTarget {
  /** The 12-digit account id every stack deploying here is locked to (`allowed_account_ids`). */
  readonly accountId: string;
  /** The region of the stacks, the state bucket and the API Gateway account settings. */
  readonly region: string;
  /**
   * The bucket holding the Terraform state of every stack deploying here; the bootstrap stack creates it.
   * @default `<project>-tfstate-<accountId>-<region>`
   */
  readonly stateBucket?: string;
  /**
   * KMS key ARN for the state objects (SSE-KMS; the bootstrap sets it as the bucket's default key and the backend
   * sends it with every write). The key is yours: the bootstrap does not create it.
   * @default none: SSE-S3 (AES-256) bucket encryption
   */
  readonly stateKmsKeyArn?: string;
  /** Days a replaced or deleted state version is kept (1–3,650). @default 90 */
  readonly noncurrentStateVersionDays?: number;
  /**
   * Where the bootstrap stack keeps its own state. `"local"` for its first apply, when the bucket does not exist
   * yet; `"s3"` once it does (then `terraform init -migrate-state` moves the local state into the bucket:
   * docs/deploy.md). The app stacks always use the bucket.
   */
  readonly bootstrapState: "local" | "s3";
  /**
   * Whether this target's bootstrap creates the account's GitHub OIDC identity provider. IAM is global: an
   * account has one provider for token.actions.githubusercontent.com, so when two targets share an account (two
   * regions), exactly one of them creates it.
   * @default true
   */
  readonly createGithubOidcProvider?: boolean;
}

/** Where a stack's Terraform state lives. */
export type StateBackendConfig =
  /** The target's state bucket, key `stacks/<stack>/terraform.tfstate`, locked with a lock file (`use_lockfile`). */
  | { readonly backend: "s3" }
  /**
   * Local files, for an environment that asks for it (a throwaway sandbox). Relative paths only, resolved from
   * the stack's Terraform working directory (`cdktf.out/stacks/<stack>/`), so the synthesized JSON is the same in
   * every checkout: `<directory>/<stack>.tfstate`, one file per stack.
   * @default directory none: `terraform.tfstate` in the stack's working directory
   */
  | { readonly backend: "local"; readonly directory?: string };

/** Everything about deploying one environment. */
export interface EnvironmentDeployment {
  /** A key of {@link DeploymentConfig.targets}: the account and region this environment deploys to. */
  readonly target: string;
  readonly state: StateBackendConfig;
  /**
   * A role Terraform assumes after authenticating (the provider's `assume_role`): for credentials that live in
   * another account, e.g. a tooling account's CI role assuming a deploy role here.
   * @default none: the credentials in the environment are used as they are
   */
  readonly assumeRoleArn?: string;
  /**
   * The GitHub environment the apply job of this environment runs in. Its protection rules are the gate (prod:
   * required reviewers; every environment: deployments from the default branch only), and the apply role trusts
   * only tokens issued to a job in it.
   */
  readonly githubEnvironment: string;
}

export interface DeploymentConfig {
  /** Prefix of the names the bootstrap creates (state bucket, roles). Lowercase letters, digits and hyphens. */
  readonly project: string;
  readonly github: {
    /** `owner/name` of the repository whose workflows plan and apply. */
    readonly repository: string;
    /** The branch applies run from. @default "main" */
    readonly defaultBranch?: string;
  };
  readonly targets: Readonly<Record<string, DeploymentTarget>>;
  readonly environments: Readonly<Record<EnvironmentName, EnvironmentDeployment>>;
}

/**
 * The kit's deployment settings. Dev and staging share a non-production account, prod has its own (AWS's advice:
 * separate accounts bound the blast radius of a mistake). Replace the placeholder account ids and the repository
 * with yours before the first apply (docs/deploy.md).
 */
export const deployment: DeploymentConfig = {
  project: "data-access-kit",
  github: { repository: PLACEHOLDER_REPOSITORY, defaultBranch: "main" },
  targets: {
    nonprod: { accountId: "111122223333", region: "us-east-1", bootstrapState: "local" },
    prod: { accountId: "444455556666", region: "us-east-1", bootstrapState: "local" },
  },
  environments: {
    dev: { target: "nonprod", state: { backend: "s3" }, githubEnvironment: "dev" },
    staging: { target: "nonprod", state: { backend: "s3" }, githubEnvironment: "staging" },
    prod: { target: "prod", state: { backend: "s3" }, githubEnvironment: "prod" },
  },
};

// ---- derived names: one definition each, used by the stacks, the bootstrap, CI and the docs' examples ----

/** The target an environment deploys to; throws naming the environment when the key is unknown. */
export function targetOf(config: DeploymentConfig, environment: EnvironmentName): DeploymentTarget {
  const key = config.environments[environment].target;
  const target = config.targets[key];
  if (!target) throw new ValidationError("stacks/deployment.ts", [`environments.${environment}.target = "${key}": must be one of ${Object.keys(config.targets).join(", ")}`]);
  return target;
}

export function stateBucketName(config: DeploymentConfig, target: DeploymentTarget): string {
  return target.stateBucket ?? `${config.project}-tfstate-${target.accountId}-${target.region}`;
}

/** Where a local backend keeps a stack's state, relative to the stack's working directory. */
export function localStatePath(state: { readonly directory?: string }, stackId: string): string {
  return state.directory === undefined ? "terraform.tfstate" : `${state.directory.replace(/\/+$/, "")}/${stackId}.tfstate`;
}

/** The S3 key of a stack's state: one object per stack, never shared. */
export function stateKey(stackId: string): string {
  return `stacks/${stackId}/terraform.tfstate`;
}

/** The role CI's plan job assumes on pull requests: read-only, plus the state lock file. */
export function planRoleName(config: DeploymentConfig, environment: EnvironmentName): string {
  return `${config.project}-${environment}-github-plan`;
}

/** The role CI's apply job assumes in the environment's GitHub environment. */
export function applyRoleName(config: DeploymentConfig, environment: EnvironmentName): string {
  return `${config.project}-${environment}-github-apply`;
}

export function roleArn(target: DeploymentTarget, roleName: string): string {
  return `arn:${partitionOf(target.region)}:iam::${target.accountId}:role/${roleName}`;
}

/** The ARN partition of a region: `aws`, `aws-us-gov` or `aws-cn`. */
export function partitionOf(region: string): string {
  if (region.startsWith("us-gov-")) return "aws-us-gov";
  if (region.startsWith("cn-")) return "aws-cn";
  return "aws";
}

/** The environments deploying to a target, in declaration order. */
export function environmentsOf(config: DeploymentConfig, targetName: string): EnvironmentName[] {
  return (Object.keys(config.environments) as EnvironmentName[]).filter((env) => config.environments[env].target === targetName);
}

/**
 * What still holds a placeholder: the deploy wrapper and CI refuse to touch AWS while this is not empty, and say
 * what to set. (Synth and the tests work with placeholders: they never reach AWS.)
 */
export function placeholders(config: DeploymentConfig): string[] {
  const found: string[] = [];
  for (const [name, t] of Object.entries(config.targets)) {
    if (PLACEHOLDER_ACCOUNT_IDS.includes(t.accountId)) found.push(`targets.${name}.accountId = ${t.accountId} (AWS's example id; set your account id)`);
  }
  if (config.github.repository === PLACEHOLDER_REPOSITORY) found.push(`github.repository = ${PLACEHOLDER_REPOSITORY} (set your owner/name)`);
  return found;
}

const ACCOUNT_ID = /^\d{12}$/;
const REGION = /^[a-z]{2}(-gov|-iso[a-z]?)?-[a-z]+-\d$/;
const REPOSITORY = /^[A-Za-z0-9_.-]+\/[A-Za-z0-9_.-]+$/;
const PROJECT = /^[a-z0-9](?:[a-z0-9-]{0,30}[a-z0-9])?$/;
/** S3 general purpose bucket names: https://docs.aws.amazon.com/AmazonS3/latest/userguide/bucketnamingrules.html */
const BUCKET = /^(?!xn--|sthree-|amzn-s3-demo-)(?!.*(-s3alias|--ol-s3|\.\.))[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]$/;
const KMS_KEY_ARN = /^arn:aws[a-z-]*:kms:[a-z0-9-]+:\d{12}:(key|alias)\/[A-Za-z0-9/_-]+$/;
const ROLE_ARN = /^arn:aws[a-z-]*:iam::\d{12}:role\/[\w+=,.@/-]{1,64}$/;
/** GitHub environment names: up to 255 characters, no `,` `;` or `/`... kept to a safe, readable subset. */
const GITHUB_ENVIRONMENT = /^[A-Za-z0-9_.-]{1,255}$/;

/**
 * Checks the whole config, reporting every problem at once (field, value, what is allowed). The app calls it before
 * building any stack.
 */
export function validateDeployment(config: DeploymentConfig): void {
  const p = new Problems("stacks/deployment.ts", (subject, problems) => new ValidationError(subject, problems, "invalid deployment settings"));
  p.pattern("project", config.project, PROJECT, "must be 1–32 lowercase letters, digits or hyphens, starting and ending with a letter or digit");
  p.pattern("github.repository", config.github.repository, REPOSITORY, "must be <owner>/<name>");
  if (config.github.defaultBranch !== undefined) p.check(config.github.defaultBranch.length > 0 && !/\s/.test(config.github.defaultBranch), "github.defaultBranch", config.github.defaultBranch, "must be a branch name");

  const places = new Map<string, string>();
  const oidcCreators = new Map<string, string[]>();
  for (const [name, t] of Object.entries(config.targets)) {
    const f = `targets.${name}`;
    p.pattern(`${f}.accountId`, t.accountId, ACCOUNT_ID, "must be a 12-digit AWS account id (as a string, leading zeros kept)");
    p.pattern(`${f}.region`, t.region, REGION, "must be an AWS region code such as us-east-1 or eu-west-1");
    p.pattern(`${f}.stateBucket`, t.stateBucket, BUCKET, "must be a valid S3 bucket name (3–63 lowercase letters, digits, dots, hyphens)");
    p.pattern(`${f}.stateBucket (derived)`, t.stateBucket === undefined ? stateBucketName(config, t) : undefined, BUCKET, "the derived name is not a valid S3 bucket name: set stateBucket");
    p.pattern(`${f}.stateKmsKeyArn`, t.stateKmsKeyArn, KMS_KEY_ARN, "must be a KMS key or alias ARN");
    p.range(`${f}.noncurrentStateVersionDays`, t.noncurrentStateVersionDays, 1, 3650, { integer: true });
    p.oneOf(`${f}.bootstrapState`, t.bootstrapState, ["local", "s3"] as const);
    const place = `${t.accountId}/${t.region}`;
    const other = places.get(place);
    p.check(other === undefined, f, place, `targets ${other} and ${name} are the same account and region: one bootstrap stack per account and region, so make them one target`);
    places.set(place, name);
    if (t.createGithubOidcProvider ?? true) oidcCreators.set(t.accountId, [...(oidcCreators.get(t.accountId) ?? []), name]);
  }
  for (const [account, names] of oidcCreators) {
    p.check(names.length === 1, `targets.{${names.join(",")}}.createGithubOidcProvider`, account, "an account has one GitHub OIDC provider: set createGithubOidcProvider: false on all targets of this account but one");
  }

  for (const [env, d] of Object.entries(config.environments)) {
    const f = `environments.${env}`;
    p.check(config.targets[d.target] !== undefined, `${f}.target`, d.target, `must be one of ${Object.keys(config.targets).join(", ")}`);
    p.pattern(`${f}.assumeRoleArn`, d.assumeRoleArn, ROLE_ARN, "must be an IAM role ARN");
    p.pattern(`${f}.githubEnvironment`, d.githubEnvironment, GITHUB_ENVIRONMENT, "must be a GitHub environment name (letters, digits, . _ -)");
    if (d.state.backend === "local") {
      const dir = d.state.directory;
      // An absolute path would put the checkout's location into the synthesized JSON (and differ between clones).
      if (dir !== undefined) p.check(dir.length > 0 && !dir.startsWith("/") && !/^[A-Za-z]:[\\/]/.test(dir) && !dir.startsWith("~"), `${f}.state.directory`, dir, "must be a relative path (from cdktf.out/stacks/<stack>/)");
    } else {
      p.check(d.state.backend === "s3", `${f}.state.backend`, (d.state as { backend: unknown }).backend, 'must be "s3" or "local"');
    }
    for (const role of [planRoleName(config, env as EnvironmentName), applyRoleName(config, env as EnvironmentName)]) {
      p.check(role.length <= 64, `${f} (role name)`, role, "IAM role names are at most 64 characters: shorten project");
    }
  }
  p.throwIfAny();
}
