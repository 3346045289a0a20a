import type { Problems } from "../../core/validation.js";
import type { RedisAuthProps, RedisCacheMode } from "../props.js";

/** Characters `random_password` may use besides letters and digits: the specials ElastiCache accepts in a token. */
export const AUTH_TOKEN_SPECIALS = "!&#$^<>-";

export interface ResolvedAuth {
  type: "token" | "rbac";
  length: number;
  rotation: number;
  secretRecoveryWindowDays: number;
  userName?: string;
  accessString?: string;
}

const USER_NAME_RE = /^[A-Za-z][A-Za-z0-9-]{0,39}$/;

/** An AUTH token (replication groups) or an RBAC user (the only choice of serverless caches), with its secret. */
export function resolveAuth(p: Problems, auth: RedisAuthProps | undefined, mode: RedisCacheMode): ResolvedAuth {
  const a: RedisAuthProps = auth ?? (mode === "serverless" ? { type: "rbac" } : { type: "token" });
  if (!p.oneOf("auth.type", a.type, ["token", "rbac"] as const)) return { type: "token", length: 64, rotation: 1, secretRecoveryWindowDays: 7 };
  if (mode === "serverless" && a.type === "token") {
    p.add("auth.type", a.type, `serverless caches authenticate with RBAC user groups, not AUTH tokens; use { type: "rbac" }`);
  }
  const resolved: ResolvedAuth = {
    type: a.type,
    length: a.length ?? 64,
    rotation: a.rotation ?? 1,
    secretRecoveryWindowDays: a.secretRecoveryWindowDays ?? 7,
  };
  p.range("auth.length", resolved.length, 16, 128, { integer: true });
  p.range("auth.rotation", resolved.rotation, 1, Number.MAX_SAFE_INTEGER, { integer: true });
  const w = resolved.secretRecoveryWindowDays;
  p.check(Number.isInteger(w) && (w === 0 || (w >= 7 && w <= 30)), "auth.secretRecoveryWindowDays", w, "must be 0 (delete at once) or 7–30");
  if (a.type === "rbac") {
    resolved.userName = a.userName ?? "app";
    resolved.accessString = a.accessString ?? "on ~* +@all";
    if (p.pattern("auth.userName", resolved.userName, USER_NAME_RE, "must be 1–40 letters, digits and hyphens, starting with a letter")) {
      p.check(resolved.userName !== "default", "auth.userName", resolved.userName, `is reserved for the disabled default user; pick another name`);
    }
    p.check(/\S/.test(resolved.accessString), "auth.accessString", resolved.accessString, "must be a Redis ACL rule string such as \"on ~* +@all\"");
    p.check(!/^\s*off\b/.test(resolved.accessString), "auth.accessString", resolved.accessString, "starts with \"off\", which disables the application user");
  }
  return resolved;
}
