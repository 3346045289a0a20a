/**
 * The local gateway's authentication and usage plans, answering as API Gateway documents it:
 *
 * | case | status | body | source |
 * |---|---|---|---|
 * | IAM route, no `Authorization` header | 403 | `{"message":"Missing Authentication Token"}` (x-amzn-ErrorType MissingAuthenticationTokenException) | [1] [2] [3] |
 * | IAM route, `Authorization` not a SigV4 header (missing Credential, SignedHeaders, Signature, or X-Amz-Date/Date) | 403 | `{"message":"Authorization header requires 'Credential' parameter. …"}` (IncompleteSignatureException) | [2] [4] |
 * | IAM route, credential scoped to another service than execute-api | 403 | `{"message":"Credential should be scoped to correct service: 'execute-api'. "}` (InvalidSignatureException) | [1] INVALID_SIGNATURE |
 * | API key route, no, unknown or disabled `x-api-key` | 403 | `{"message":"Forbidden"}` (x-amzn-ErrorType ForbiddenException) | [1] INVALID_API_KEY, [2] |
 * | the key's usage plan throttle (rate, burst) exceeded | 429 | `{"message":"Too Many Requests"}` | [1] THROTTLED, [5] |
 * | the key's usage plan quota used up for the period | 429 | `{"message":"Limit Exceeded"}` | [1] QUOTA_EXCEEDED, [5] |
 *
 * [1] https://docs.aws.amazon.com/apigateway/latest/developerguide/supported-gateway-response-types.html
 * [2] https://repost.aws/knowledge-center/api-gateway-troubleshoot-403-forbidden
 * [3] https://repost.aws/knowledge-center/api-gateway-iam-sigv4-mismatch ("If the API request isn't signed … Missing Authentication Token")
 * [4] the IncompleteSignatureException message as API Gateway returns it, one sentence per missing part
 * [5] https://repost.aws/knowledge-center/api-gateway-429-limit
 *
 * There is no 401 for these modes: API Gateway answers 401 (UNAUTHORIZED) only for Lambda and Cognito authorizers [1].
 *
 * The gap, on purpose: the signature is not verified (the local gateway holds no AWS secret keys), IAM policies are
 * not evaluated (any well-formed signature may call), and the signing time is not checked against the clock. Only
 * the presence and the shape of a SigV4 request are.
 */
import type { IncomingMessage } from "node:http";

export type EmulatedAuth = { readonly mode: "none" } | { readonly mode: "iam" } | { readonly mode: "apiKey" };

export interface EmulatedUsagePlan {
  readonly name: string;
  /** Per key, as API Gateway's usage plans: a token bucket of `burstLimit` refilled at `rateLimit` per second. */
  readonly throttle: { readonly rateLimit: number; readonly burstLimit: number };
  /** Per key and period (UTC day, week from Monday, calendar month); `offset` requests are used up in the first. */
  readonly quota: { readonly limit: number; readonly period: "DAY" | "WEEK" | "MONTH"; readonly offset?: number };
}

export interface EmulatedApiKey {
  /** What clients send in `x-api-key`. */
  readonly value: string;
  /** @default a name derived from the value */
  readonly id?: string;
  /** @default true */
  readonly enabled?: boolean;
  readonly plan: EmulatedUsagePlan;
}

/** Who called, as the proxy event's `requestContext.identity` carries it. */
export interface CallerIdentity {
  readonly apiKey?: string;
  readonly apiKeyId?: string;
  readonly accessKey?: string;
}

export type AuthOutcome = { readonly ok: true; readonly identity: CallerIdentity } | { readonly ok: false; readonly status: number; readonly body: { message: string }; readonly errorType?: string };

const SIGV4 = "AWS4-HMAC-SHA256";
/** `Credential=<access key>/<yyyymmdd>/<region>/<service>/aws4_request` */
const CREDENTIAL = /^([A-Z0-9]{16,128})\/(\d{8})\/([a-z0-9-]+)\/([a-z0-9-]+)\/aws4_request$/;
const SIGNATURE = /^[0-9a-f]{64}$/;
const SIGNED_HEADERS = /^[a-z0-9-]+(;[a-z0-9-]+)*$/;
const AMZ_DATE = /^\d{8}T\d{6}Z$/;

const deny = (status: number, message: string, errorType?: string): AuthOutcome => ({ ok: false, status, body: { message }, errorType });

/** The shape of a SigV4-signed request (not its signature: see the module's note). */
export function checkSigV4(req: IncomingMessage): AuthOutcome {
  const header = req.headers.authorization;
  if (header === undefined || header === "") return deny(403, "Missing Authentication Token", "MissingAuthenticationTokenException");
  const [scheme, ...rest] = header.trim().split(/\s+/);
  const params = new Map<string, string>();
  for (const part of rest.join(" ").split(",")) {
    const eq = part.indexOf("=");
    if (eq > 0) params.set(part.slice(0, eq).trim(), part.slice(eq + 1).trim());
  }
  const credential = params.get("Credential") ?? "";
  const missing: string[] = [];
  if (scheme !== SIGV4 || !CREDENTIAL.test(credential)) missing.push("Authorization header requires 'Credential' parameter.");
  if (scheme !== SIGV4 || !SIGNATURE.test(params.get("Signature") ?? "")) missing.push("Authorization header requires 'Signature' parameter.");
  if (scheme !== SIGV4 || !SIGNED_HEADERS.test(params.get("SignedHeaders") ?? "")) missing.push("Authorization header requires 'SignedHeaders' parameter.");
  const amzDate = req.headers["x-amz-date"];
  if (!(typeof amzDate === "string" && AMZ_DATE.test(amzDate)) && req.headers.date === undefined) {
    missing.push("Authorization header requires existence of either a 'X-Amz-Date' or a 'Date' header.");
  }
  if (missing.length > 0) return deny(403, `${missing.join(" ")} Authorization=${header}`, "IncompleteSignatureException");
  const [, accessKey, , , service] = CREDENTIAL.exec(credential)!;
  if (service !== "execute-api") return deny(403, "Credential should be scoped to correct service: 'execute-api'. ", "InvalidSignatureException");
  return { ok: true, identity: { accessKey } };
}

/** API keys of the stage's usage plans, each throttled and metered on its own. */
export class UsagePlans {
  private readonly keys = new Map<string, EmulatedApiKey>();
  private readonly buckets = new Map<string, { tokens: number; at: number }>();
  private readonly used = new Map<string, { period: string; count: number; first: boolean }>();

  constructor(
    keys: readonly EmulatedApiKey[],
    private readonly now: () => number = Date.now,
  ) {
    for (const k of keys) this.keys.set(k.value, k);
  }

  /** The key of a request, checked, throttled and counted against its quota. */
  admit(req: IncomingMessage): AuthOutcome {
    const value = req.headers["x-api-key"];
    const key = typeof value === "string" ? this.keys.get(value) : undefined;
    if (!key || key.enabled === false) return deny(403, "Forbidden", "ForbiddenException");
    if (!this.take(key)) return deny(429, "Too Many Requests");
    if (!this.count(key)) return deny(429, "Limit Exceeded");
    return { ok: true, identity: { apiKey: key.value, apiKeyId: key.id ?? `local-${key.value.slice(0, 6)}` } };
  }

  private take(key: EmulatedApiKey): boolean {
    const { rateLimit, burstLimit } = key.plan.throttle;
    const now = this.now();
    const b = this.buckets.get(key.value) ?? { tokens: burstLimit, at: now };
    b.tokens = Math.min(burstLimit, b.tokens + ((now - b.at) / 1000) * rateLimit);
    b.at = now;
    this.buckets.set(key.value, b);
    if (b.tokens < 1) return false;
    b.tokens -= 1;
    return true;
  }

  private count(key: EmulatedApiKey): boolean {
    const q = key.plan.quota;
    const period = periodOf(this.now(), q.period);
    const prior = this.used.get(key.value);
    const u = prior && prior.period === period ? prior : { period, count: 0, first: prior === undefined };
    this.used.set(key.value, u);
    const limit = u.first ? q.limit - (q.offset ?? 0) : q.limit;
    if (u.count >= limit) return false;
    u.count++;
    return true;
  }
}

/** The quota period a moment falls in, in UTC. */
function periodOf(ms: number, period: "DAY" | "WEEK" | "MONTH"): string {
  const d = new Date(ms);
  if (period === "MONTH") return `${d.getUTCFullYear()}-${d.getUTCMonth()}`;
  const day = Math.floor(ms / 86_400_000);
  // 1970-01-01 was a Thursday: days since the Monday before it, in weeks.
  return period === "DAY" ? String(day) : `w${Math.floor((day + 3) / 7)}`;
}
