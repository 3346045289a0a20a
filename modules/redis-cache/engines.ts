/**
 * The engine versions this module accepts and the parameter group family each one needs.
 *
 * One table so that engine, version and family can never disagree: the family is derived, never given. To allow
 * a new version, add a row here after checking the family name in the ElastiCache parameter group documentation
 * (ParameterGroups.Engine); a wrong family fails at apply time, which is what this table exists to prevent.
 */

export type RedisEngine = "valkey" | "redis";

/** Node-based (replication group) versions: `major.minor`, as the provider asks for 7+. */
export const REPLICATION_GROUP_VERSIONS: Readonly<Record<RedisEngine, Readonly<Record<string, string>>>> = {
  valkey: { "7.2": "valkey7", "8.0": "valkey8", "8.1": "valkey8", "8.2": "valkey8" },
  redis: { "7.0": "redis7", "7.1": "redis7" },
};

/** Serverless caches take a major version only; ElastiCache applies minors and patches itself. */
export const SERVERLESS_MAJOR_VERSIONS: Readonly<Record<RedisEngine, readonly string[]>> = {
  valkey: ["7", "8"],
  redis: ["7"],
};

export const DEFAULT_ENGINE: RedisEngine = "valkey";

export const DEFAULT_VERSION: Readonly<Record<"replicationGroup" | "serverless", Readonly<Record<RedisEngine, string>>>> = {
  replicationGroup: { valkey: "8.2", redis: "7.1" },
  serverless: { valkey: "8", redis: "7" },
};

/** Parameter group family for a node-based engine version, or undefined when the pair is not in the table. */
export function parameterGroupFamily(engine: RedisEngine, version: string): string | undefined {
  return REPLICATION_GROUP_VERSIONS[engine]?.[version];
}

/**
 * The oldest engine version with ElastiCache IAM authentication: "IAM authentication is available when using
 * ElastiCache for Valkey 7.2 and above or Redis OSS version 7.0 and above"
 * (https://docs.aws.amazon.com/AmazonElastiCache/latest/dg/auth-iam.html, Limitations).
 */
export const IAM_AUTH_MIN_VERSION: Readonly<Record<RedisEngine, string>> = { valkey: "7.2", redis: "7.0" };

/**
 * Whether `version` (`major.minor`, or a serverless major, whose minor ElastiCache picks: valkey 7 serverless is
 * 7.2) supports IAM authentication. Unparseable versions are not supported (the version check reports them).
 */
export function supportsIamAuth(engine: RedisEngine, version: string): boolean {
  const min = IAM_AUTH_MIN_VERSION[engine];
  const m = /^(\d+)(?:\.(\d+))?$/.exec(version);
  if (!min || !m) return false;
  const [minMajor, minMinor] = min.split(".").map(Number) as [number, number];
  const major = Number(m[1]);
  // A serverless major is the newest minor of that major.
  const minor = m[2] === undefined ? Number.POSITIVE_INFINITY : Number(m[2]);
  return major > minMajor || (major === minMajor && minor >= minMinor);
}
