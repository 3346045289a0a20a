import type { Problems } from "../../core/validation.js";
import { QUOTA_PERIODS } from "../props.js";
import type { ApiAuthProps, QuotaPeriod, RouteAuthProps, UsagePlanProps } from "../props.js";

export interface ResolvedApiKey {
  name: string;
  description?: string;
  enabled: boolean;
}

export interface ResolvedUsagePlan {
  name: string;
  description?: string;
  throttle: { rateLimit: number; burstLimit: number };
  quota: { limit: number; period: QuotaPeriod; offset: number };
  keys: ResolvedApiKey[];
}

/** The API's default authentication, with its usage plans when it uses API keys. */
export type ResolvedApiAuth = { mode: "iam" } | { mode: "apiKey"; usagePlans: ResolvedUsagePlan[] } | { mode: "none"; reason: string };

/** One route's authentication, as the method carries it. */
export interface ResolvedRouteAuth {
  mode: "iam" | "apiKey" | "none";
  /** The method's `authorization`. */
  authorization: "AWS_IAM" | "NONE";
  apiKeyRequired: boolean;
  /** Why the route is open (mode `none`). */
  reason?: string;
}

const NAME_RE = /^[A-Za-z0-9_-]{1,64}$/;
const MODES = ["iam", "apiKey", "none"] as const;
/** Enough to say why, not just that (the policy pack's rule for suppression reasons). */
export const MIN_REASON_LENGTH = 20;

/** The API's `auth`: IAM unless said otherwise; API keys need usage plans with throttle and quota; `none` needs a reason. */
export function resolveApiAuth(p: Problems, auth: ApiAuthProps | undefined): ResolvedApiAuth {
  const a = auth ?? { mode: "iam" };
  if (!p.oneOf("auth.mode", a.mode, MODES)) return { mode: "iam" };
  if (a.mode === "iam") return { mode: "iam" };
  if (a.mode === "none") return { mode: "none", reason: checkReason(p, "auth.reason", a.reason) };
  const plans: readonly UsagePlanProps[] = Array.isArray(a.usagePlans) ? a.usagePlans : [];
  p.check(plans.length >= 1, "auth.usagePlans", a.usagePlans, "must list at least one usage plan: an API key outside every plan is rejected (403)");
  const planNames = new Set<string>();
  const keyNames = new Set<string>();
  const usagePlans = plans.map((plan, i) => {
    const f = `auth.usagePlans[${i}]`;
    if (p.pattern(`${f}.name`, plan.name, NAME_RE, "must be 1–64 letters, digits, '-' or '_'")) {
      p.check(!planNames.has(plan.name), `${f}.name`, plan.name, "is used by another usage plan of this API");
      planNames.add(plan.name);
    }
    const keys = (plan.keys ?? []).map((key, j) => {
      const kf = `${f}.keys[${j}]`;
      if (p.pattern(`${kf}.name`, key.name, NAME_RE, "must be 1–64 letters, digits, '-' or '_'")) {
        p.check(!keyNames.has(key.name), `${kf}.name`, key.name, "is used by another key of this API");
        keyNames.add(key.name);
      }
      if (key.description !== undefined) p.check(key.description.length <= 1024, `${kf}.description`, key.description, "must be at most 1,024 characters");
      return { name: key.name, description: key.description, enabled: key.enabled ?? true };
    });
    return { name: plan.name, description: plan.description, ...limits(p, f, plan), keys };
  });
  return { mode: "apiKey", usagePlans };
}

/** A route's own `auth` over the API's; a route asking for API keys needs the API's usage plans. */
export function resolveRouteAuth(p: Problems, field: string, route: RouteAuthProps | undefined, api: ResolvedApiAuth): ResolvedRouteAuth {
  const a: RouteAuthProps = route ?? (api.mode === "none" ? { mode: "none", reason: api.reason } : { mode: api.mode });
  if (!p.oneOf(`${field}.mode`, a.mode, MODES)) return { mode: "iam", authorization: "AWS_IAM", apiKeyRequired: false };
  if (a.mode === "none") {
    const reason = route ? checkReason(p, `${field}.reason`, (a as { reason: string }).reason) : (a as { reason: string }).reason;
    return { mode: "none", authorization: "NONE", apiKeyRequired: false, reason };
  }
  if (a.mode === "apiKey") {
    if (api.mode !== "apiKey") p.add(`${field}.mode`, "apiKey", `the API's auth is "${api.mode}": API keys need the API's usage plans (auth: { mode: "apiKey", usagePlans })`);
    return { mode: "apiKey", authorization: "NONE", apiKeyRequired: true };
  }
  return { mode: "iam", authorization: "AWS_IAM", apiKeyRequired: false };
}

function limits(p: Problems, f: string, plan: UsagePlanProps): Pick<ResolvedUsagePlan, "throttle" | "quota"> {
  const t = plan.throttle;
  const q = plan.quota;
  if (t === undefined) p.unset(`${f}.throttle`, "every plan throttles each of its keys: { rateLimit, burstLimit }");
  if (q === undefined) p.unset(`${f}.quota`, "every plan caps each of its keys: { limit, period: DAY | WEEK | MONTH }");
  const throttle = { rateLimit: t?.rateLimit ?? 0, burstLimit: t?.burstLimit ?? 0 };
  if (t !== undefined) {
    p.range(`${f}.throttle.rateLimit`, throttle.rateLimit, 0, 1_000_000);
    p.range(`${f}.throttle.burstLimit`, throttle.burstLimit, 1, 1_000_000, { integer: true });
  }
  const quota = { limit: q?.limit ?? 0, period: q?.period ?? "DAY", offset: q?.offset ?? 0 };
  if (q !== undefined) {
    p.range(`${f}.quota.limit`, quota.limit, 1, Number.MAX_SAFE_INTEGER, { integer: true });
    p.oneOf(`${f}.quota.period`, q.period, QUOTA_PERIODS);
    // API Gateway: the number of requests subtracted from the limit in the first period.
    p.check(Number.isInteger(quota.offset) && quota.offset >= 0 && quota.offset < Math.max(quota.limit, 1), `${f}.quota.offset`, quota.offset, "must be a whole number of requests, at least 0 and below quota.limit");
  }
  return { throttle, quota };
}

function checkReason(p: Problems, field: string, reason: string | undefined): string {
  const text = typeof reason === "string" ? reason.trim() : "";
  p.check(text.length >= MIN_REASON_LENGTH, field, reason ?? "", `is required with mode "none": say in at least ${MIN_REASON_LENGTH} characters why anyone may call this (synth prints it)`);
  return text;
}
