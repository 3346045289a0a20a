import { checkKmsKeyArn } from "../core/kms.js";
import type { NetworkPlacement } from "../core/network.js";
import { Problems } from "../core/validation.js";
import { DEFAULT_ENGINE } from "./engines.js";
import type { RedisEngine } from "./engines.js";
import type { RedisCacheProps } from "./props.js";
import { resolveRedisAlarms } from "./resolve/alarms.js";
import type { ResolvedAlarms } from "./resolve/alarms.js";
import { checkIamEngine, resolveAuth } from "./resolve/auth.js";
import type { ResolvedAuth } from "./resolve/auth.js";
import { resolveNetwork } from "./resolve/network.js";
import { resolveReplicationGroup } from "./resolve/replication-group.js";
import type { ResolvedReplicationGroup } from "./resolve/replication-group.js";
import { resolveServerless } from "./resolve/serverless.js";
import type { ResolvedServerless } from "./resolve/serverless.js";

export { AUTH_TOKEN_SPECIALS } from "./resolve/auth.js";
export type { ResolvedAuth, ResolvedIamAuth, ResolvedSecretAuth } from "./resolve/auth.js";
export type { ResolvedAlarms } from "./resolve/alarms.js";
export type { ResolvedLogs, ResolvedReplicationGroup } from "./resolve/replication-group.js";
export type { ResolvedServerless } from "./resolve/serverless.js";

/** What both modes have, resolved (the engine version is the mode's: major.minor, or the major only). */
export interface ResolvedCommon {
  name: string;
  description: string;
  engine: RedisEngine;
  network: NetworkPlacement;
  ingressCidrs: string[];
  auth: ResolvedAuth;
  kmsKeyArn?: string;
  snapshotRetentionDays: number;
  alarms: ResolvedAlarms | false;
  tags: Record<string, string>;
}

/** Every default applied, every value checked: the construct only reads this. */
export type ResolvedRedisCache = ResolvedReplicationGroup | ResolvedServerless;

const NAME_RE = /^[a-z](?:[a-z0-9]|-(?!-))*$/;
const NAME_RULE = "must be 1–40 lowercase letters, digits and single hyphens, start with a letter and not end with a hyphen";
/** A user (IAM or RBAC) derives ids `<name>-app`, `<name>-default`, `<name>-users`, which must fit ElastiCache's 40. */
const MAX_USER_NAME = 32;

/**
 * Validates props and applies defaults; throws one PropValidationError listing every problem. The fields both
 * modes share are resolved here; the mode's own in `resolve/replication-group.ts` or `resolve/serverless.ts`,
 * which also reject the other mode's fields by name.
 */
export function resolveRedisCacheProps(props: RedisCacheProps): ResolvedRedisCache {
  const p = new Problems(`RedisCache(${JSON.stringify(props.name)})`);
  const mode = props.mode ?? "replicationGroup";
  p.oneOf("mode", mode, ["replicationGroup", "serverless"] as const);
  const engine = props.engine ?? DEFAULT_ENGINE;
  p.oneOf("engine", engine, ["valkey", "redis"] as const);

  const auth = resolveAuth(p, props.auth, { mode, name: props.name, kmsKeyArn: props.kmsKeyArn });
  if (typeof props.name !== "string" || props.name.length < 1 || props.name.length > 40 || !NAME_RE.test(props.name) || props.name.endsWith("-")) {
    p.add("name", props.name, NAME_RULE);
  } else if (auth.type !== "token" && props.name.length > MAX_USER_NAME) {
    p.add("name", props.name, `must be at most ${MAX_USER_NAME} characters with auth.type "${auth.type}" (the derived user and user group ids "<name>-app", "<name>-default", "<name>-users" must fit ElastiCache's 40)`);
  }

  const { network, ingressCidrs } = resolveNetwork(p, props);
  if (props.kmsKeyArn !== undefined) checkKmsKeyArn(p, "kmsKeyArn", props.kmsKeyArn);
  const snapshotRetentionDays = props.snapshotRetentionDays ?? 0;
  p.range("snapshotRetentionDays", snapshotRetentionDays, 0, 35, { integer: true });
  const alarms = resolveRedisAlarms(p, props.alarms, mode);
  p.tags(props.tags);
  if (props.description !== undefined) {
    p.check(props.description.length >= 1 && props.description.length <= 255, "description", props.description, "must be 1–255 characters");
  }

  const common: ResolvedCommon = {
    name: props.name,
    description: props.description ?? `${props.name}: ${engine} cache`,
    engine,
    network,
    ingressCidrs,
    auth,
    kmsKeyArn: props.kmsKeyArn,
    snapshotRetentionDays,
    alarms,
    tags: { ...(props.tags ?? {}) },
  };
  const resolved = mode === "serverless" ? resolveServerless(p, props, common) : resolveReplicationGroup(p, props, common);
  checkIamEngine(p, auth, engine, resolved.engineVersion);
  p.throwIfAny();
  return resolved;
}
