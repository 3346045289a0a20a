import { Fn } from "cdktn";
import { Construct } from "constructs";
import { EphemeralAwsSecretsmanagerRandomPassword } from "@cdktn/provider-aws/lib/ephemeral-aws-secretsmanager-random-password/index.js";
import { EphemeralAwsSecretsmanagerSecretVersion } from "@cdktn/provider-aws/lib/ephemeral-aws-secretsmanager-secret-version/index.js";
import { SecretsmanagerSecret } from "@cdktn/provider-aws/lib/secretsmanager-secret/index.js";
import { SecretsmanagerSecretVersion } from "@cdktn/provider-aws/lib/secretsmanager-secret-version/index.js";
import { ElasticacheUser } from "@cdktn/provider-aws/lib/elasticache-user/index.js";
import type { ElasticacheUserConfig } from "@cdktn/provider-aws/lib/elasticache-user/index.js";
import { ElasticacheUserGroup } from "@cdktn/provider-aws/lib/elasticache-user-group/index.js";
import type { RedisEngine } from "./engines.js";
import { AUTH_TOKEN_SPECIALS } from "./resolve/auth.js";
import type { ResolvedAuth, ResolvedSecretAuth } from "./resolve/auth.js";

/** Secrets Manager's punctuation set (GetRandomPassword `ExcludePunctuation`); ElastiCache accepts only AUTH_TOKEN_SPECIALS of it. */
const SECRETS_MANAGER_PUNCTUATION = "!\"#$%&'()*+,-./:;<=>?@[\\]^_`{|}~";

/** The password's secret and how the cache gets it: as an ephemeral value, for write-only arguments only. */
export interface RedisPassword {
  readonly secretArn: string;
  /** The customer managed key of the secret (a key ARN), when there is one: grants add `kms:Decrypt` on it. */
  readonly kmsKeyArn: string | undefined;
  /** The password, ephemeral: valid only in write-only arguments (`auth_token_wo`, `passwords_wo`). */
  readonly ephemeralValue: string;
  /** Bump to send `ephemeralValue` again (the `_wo_version` of every write-only argument given it). */
  readonly version: number;
}

/**
 * The cache's credentials: an ElastiCache user in a user group (IAM, the default, or RBAC with a password), and
 * for the password modes (AUTH token, RBAC) a Secrets Manager secret with the password — which never enters the
 * Terraform plan or state.
 *
 * IAM: the user has `authentication_mode { type = "iam" }` and its id equal to its name, as ElastiCache requires
 * (https://docs.aws.amazon.com/AmazonElastiCache/latest/dg/auth-iam.html, Limitations and Setup). No secret exists.
 *
 * Password modes, with Terraform ≥ 1.11 ephemeral values and write-only arguments
 * (https://developer.hashicorp.com/terraform/language/manage-sensitive-data/ephemeral,
 * https://developer.hashicorp.com/terraform/language/manage-sensitive-data/write-only): the password is generated
 * by `ephemeral "aws_secretsmanager_random_password"` (Secrets Manager's GetRandomPassword; no hashicorp/random),
 * written with `secret_string_wo` (version = `auth.rotation`), and read back by `ephemeral
 * "aws_secretsmanager_secret_version"` pinned to that version, whose value the cache gets through `auth_token_wo`
 * or `passwords_wo`. The secret is the one source: secret first, cache second, so an apply that fails between the
 * two leaves the next apply sending the secret's value again, never a different one. With `auth.secretArn` the
 * module reads an existing secret instead and generates nothing.
 *
 * Construct ids are shared across types (`user`, `user-group`, `secret`, `secret-version`), so switching between
 * token and RBAC keeps the secret (and its ARN), and between IAM and RBAC the group.
 */
export class RedisAuth extends Construct {
  /** Undefined with IAM: no secret exists. */
  readonly password: RedisPassword | undefined;
  /** The user group to attach to the cache (IAM and RBAC). */
  readonly userGroupId: string | undefined;
  /** The user clients authenticate as (IAM and RBAC). */
  readonly userName: string | undefined;
  /** ARN of that user: with IAM, functions need `elasticache:Connect` on it. */
  readonly userArn: string | undefined;

  constructor(scope: Construct, id: string, props: { name: string; engine: RedisEngine; auth: ResolvedAuth; tags: Record<string, string> }) {
    super(scope, id);
    const { name, engine, auth } = props;
    const tags = Object.keys(props.tags).length ? props.tags : undefined;

    this.password = auth.type === "iam" ? undefined : this.buildPassword(name, engine, auth, tags);
    if (auth.type === "token") {
      this.userGroupId = this.userName = this.userArn = undefined;
      return;
    }

    const user =
      auth.type === "iam"
        ? new ElasticacheUser(this, "user", { ...userBase(engine, auth.accessString, tags), userId: auth.userName, userName: auth.userName, authenticationMode: { type: "iam" } })
        : new ElasticacheUser(this, "user", {
            ...userBase(engine, auth.accessString!, tags),
            userId: `${name}-app`,
            userName: auth.userName!,
            // Write-only: the password is not stored in state (passwords_wo excludes an authentication_mode block).
            passwordsWo: this.password!.ephemeralValue,
            passwordsWoVersion: this.password!.version,
          });
    // The literal name (known at synth), so the functions' REDIS_USERNAME needs no apply.
    this.userName = auth.userName!;
    this.userArn = user.arn;
    const userIds = [user.userId];
    if (engine === "redis") {
      // A Redis OSS user group must contain a user named "default" (CloudFormation AWS::ElastiCache::UserGroup,
      // UserIds: "A user named default must be included"; CreateUserGroup fails with DefaultUserRequired). This one is
      // switched off, so an unauthenticated connection can do nothing. A Valkey group needs none, and may not hold
      // one without a password: "A user group configured for the VALKEY engine can only contain users who are using an
      // authentication mechanism (either password or IAM)" (https://docs.aws.amazon.com/AmazonElastiCache/latest/dg/Clusters.RBAC.html).
      const defaultUser = new ElasticacheUser(this, "default-user", {
        ...userBase(engine, "off -@all", tags),
        userId: `${name}-default`,
        userName: "default",
        authenticationMode: { type: "no-password-required" },
      });
      userIds.push(defaultUser.userId);
    }
    const group = new ElasticacheUserGroup(this, "user-group", { userGroupId: `${name}-users`, engine, userIds, tags });
    this.userGroupId = group.userGroupId;
  }

  private buildPassword(name: string, engine: RedisEngine, auth: ResolvedSecretAuth, tags: Record<string, string> | undefined): RedisPassword {
    let secretArn: string;
    let versionId: string | undefined;
    if (auth.secretArn !== undefined) {
      secretArn = auth.secretArn;
    } else {
      const secret = new SecretsmanagerSecret(this, "secret", {
        namePrefix: `${name}-redis-auth-`,
        description: `Credentials of the ${name} ${engine} cache (${auth.type === "rbac" ? "RBAC user" : "AUTH token"}); JSON {"authToken"}. Written by Terraform as a write-only value: not in its state.`,
        kmsKeyId: auth.secretKmsKeyArn,
        recoveryWindowInDays: auth.secretRecoveryWindowDays,
        tags,
      });
      const generated = new EphemeralAwsSecretsmanagerRandomPassword(this, "password", {
        passwordLength: auth.length,
        // ElastiCache accepts only these specials in an AUTH token or user password.
        excludeCharacters: [...SECRETS_MANAGER_PUNCTUATION].filter((c) => !AUTH_TOKEN_SPECIALS.includes(c)).join(""),
        includeSpace: false,
        requireEachIncludedType: true,
      });
      const version = new SecretsmanagerSecretVersion(this, "secret-version", {
        secretId: secret.id,
        // `authToken` is the field the runtime kit reads (functions/lib/clients/redis-auth.ts).
        secretStringWo: Fn.jsonencode({ authToken: generated.randomPassword }),
        secretStringWoVersion: auth.rotation,
      });
      secretArn = secret.arn;
      versionId = version.versionId;
    }
    // Read back from the secret (the version just written, or the existing secret's current one): the cache gets
    // what the secret holds. Not opened while its version is unknown, so a rotation reads the new value.
    const current = new EphemeralAwsSecretsmanagerSecretVersion(this, "current-secret", { secretId: secretArn, ...(versionId ? { versionId } : {}) });
    return {
      secretArn,
      kmsKeyArn: auth.secretKmsKeyArn,
      ephemeralValue: Fn.lookup(Fn.jsondecode(current.secretString), "authToken"),
      version: auth.rotation,
    };
  }
}

function userBase(engine: RedisEngine, accessString: string, tags: Record<string, string> | undefined): Pick<ElasticacheUserConfig, "engine" | "accessString" | "tags"> {
  return { engine, accessString, tags };
}
