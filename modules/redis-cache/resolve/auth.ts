import { checkKmsKeyArn } from "../../core/kms.js";
import type { Problems } from "../../core/validation.js";
import { IAM_AUTH_MIN_VERSION, supportsIamAuth } from "../engines.js";
import type { RedisEngine } from "../engines.js";
import type { RedisAuthProps, RedisCacheMode } from "../props.js";

/** Characters the generated password may use besides letters and digits: the specials ElastiCache accepts in a token. */
export const AUTH_TOKEN_SPECIALS = "!&#$^<>-";

export interface ResolvedIamAuth {
  type: "iam";
  /** Id and name of the IAM-enabled user (equal, as ElastiCache requires). */
  userName: string;
  accessString: string;
}

export interface ResolvedSecretAuth {
  type: "token" | "rbac";
  length: number;
  rotation: number;
  secretRecoveryWindowDays: number;
  /** An existing secret managed outside Terraform; the module creates none. */
  secretArn?: string;
  /** The key the secret is encrypted with, when customer managed (a key ARN: grants name it). */
  secretKmsKeyArn?: string;
  /** RBAC only. */
  userName?: string;
  accessString?: string;
}

export type ResolvedAuth = ResolvedIamAuth | ResolvedSecretAuth;

const USER_NAME_RE = /^[A-Za-z][A-Za-z0-9-]{0,39}$/;
/** IAM users: the id is the name, and ElastiCache stores ids in lowercase. */
const IAM_USER_RE = /^[a-z][a-z0-9-]{0,39}$/;
const SECRET_ARN_RE = /^arn:aws[a-z-]*:secretsmanager:[a-z0-9-]+:\d{12}:secret:.+$/;
const TERRAFORM_REFERENCE = /\$\{.+\}/;
const KMS_ALIAS_RE = /^arn:aws[a-z-]*:kms:[^:]+:\d{12}:alias\//;
const DEFAULT_ACCESS = "on ~* +@all";

/**
 * IAM (the default, both modes), an AUTH token (replication groups) or an RBAC password user, with the secret of
 * the password modes. `kmsKeyArn` is the cache's key, which the secret uses unless `auth.secretKmsKeyArn` is given.
 */
export function resolveAuth(p: Problems, auth: RedisAuthProps | undefined, ctx: { mode: RedisCacheMode; name: string; kmsKeyArn: string | undefined }): ResolvedAuth {
  const a: RedisAuthProps = auth ?? { type: "iam" };
  if (!p.oneOf("auth.type", a.type, ["iam", "token", "rbac"] as const)) return { type: "iam", userName: `${ctx.name}-app`, accessString: DEFAULT_ACCESS };
  if (a.type === "iam") {
    const resolved: ResolvedIamAuth = { type: "iam", userName: a.userName ?? `${ctx.name}-app`, accessString: a.accessString ?? DEFAULT_ACCESS };
    if (p.pattern("auth.userName", resolved.userName, IAM_USER_RE, "must be 1–40 lowercase letters, digits and hyphens, starting with a letter (an IAM user's id and name are the same, stored lowercase)")) {
      p.check(resolved.userName !== "default", "auth.userName", resolved.userName, "is reserved for the default user; pick another name");
    }
    checkAccessString(p, resolved.accessString);
    return resolved;
  }

  if (ctx.mode === "serverless" && a.type === "token") {
    p.add("auth.type", a.type, `serverless caches authenticate with user groups, not AUTH tokens; use { type: "iam" } (default) or { type: "rbac" }`);
  }
  const resolved: ResolvedSecretAuth = {
    type: a.type,
    length: a.length ?? 64,
    rotation: a.rotation ?? 1,
    secretRecoveryWindowDays: a.secretRecoveryWindowDays ?? 7,
    secretArn: a.secretArn,
    secretKmsKeyArn: a.secretKmsKeyArn ?? ctx.kmsKeyArn,
  };
  p.range("auth.length", resolved.length, 16, 128, { integer: true });
  p.range("auth.rotation", resolved.rotation, 1, Number.MAX_SAFE_INTEGER, { integer: true });
  const w = resolved.secretRecoveryWindowDays;
  p.check(Number.isInteger(w) && (w === 0 || (w >= 7 && w <= 30)), "auth.secretRecoveryWindowDays", w, "must be 0 (delete at once) or 7–30");
  if (a.secretArn !== undefined) {
    p.check(SECRET_ARN_RE.test(a.secretArn) || TERRAFORM_REFERENCE.test(a.secretArn), "auth.secretArn", a.secretArn, "must be a Secrets Manager secret ARN (arn:aws:secretsmanager:<region>:<account>:secret:<name>)");
    for (const field of ["length", "secretRecoveryWindowDays"] as const) {
      if (a[field] !== undefined) p.add(`auth.${field}`, a[field], "applies to a secret the module creates; auth.secretArn names an existing one");
    }
  }
  if (a.secretKmsKeyArn !== undefined) checkKmsKeyArn(p, "auth.secretKmsKeyArn", a.secretKmsKeyArn);
  const keyField = a.secretKmsKeyArn !== undefined ? "auth.secretKmsKeyArn" : "kmsKeyArn";
  p.check(
    resolved.secretKmsKeyArn === undefined || !KMS_ALIAS_RE.test(resolved.secretKmsKeyArn),
    keyField,
    resolved.secretKmsKeyArn,
    "is an alias ARN; the secret's key must be given as a key ARN (…:key/<id>): functions are granted kms:Decrypt on it, and an IAM grant on an alias ARN does not authorize use of the key",
  );
  if (a.type === "rbac") {
    resolved.userName = a.userName ?? "app";
    resolved.accessString = a.accessString ?? DEFAULT_ACCESS;
    if (p.pattern("auth.userName", resolved.userName, USER_NAME_RE, "must be 1–40 letters, digits and hyphens, starting with a letter")) {
      p.check(resolved.userName !== "default", "auth.userName", resolved.userName, `is reserved for the disabled default user; pick another name`);
    }
    checkAccessString(p, resolved.accessString);
  }
  return resolved;
}

/** IAM authentication needs Valkey 7.2+ or Redis OSS 7.0+, checked against the mode's resolved engine version. */
export function checkIamEngine(p: Problems, auth: ResolvedAuth, engine: RedisEngine, engineVersion: string): void {
  // An unknown engine or an empty version is reported by their own checks.
  if (auth.type !== "iam" || !IAM_AUTH_MIN_VERSION[engine] || !engineVersion || supportsIamAuth(engine, engineVersion)) return;
  p.add("engineVersion", engineVersion, `does not support IAM authentication (auth.type "iam", the default): ElastiCache needs ${engine} ${IAM_AUTH_MIN_VERSION[engine]} or later`);
}

function checkAccessString(p: Problems, accessString: string): void {
  p.check(/\S/.test(accessString), "auth.accessString", accessString, "must be a Redis ACL rule string such as \"on ~* +@all\"");
  p.check(!/^\s*off\b/.test(accessString), "auth.accessString", accessString, "starts with \"off\", which disables the application user");
}
