import { createHash } from "node:crypto";

/** The part of an API Gateway REST proxy event that identifies its caller. */
export interface CallerIdentityEvent {
  readonly requestContext?: {
    readonly identity?: {
      readonly apiKeyId?: string | null;
      readonly apiKey?: string | null;
      readonly sourceIp?: string | null;
    } | null;
  } | null;
}

/**
 * Who a request counts against, in this order:
 * 1. `requestContext.identity.apiKeyId` → `key:<id>`: with API keys required, every key is its own caller (the id,
 *    not the key, so no secret ends up in a Redis key name or a log line);
 * 2. `requestContext.identity.apiKey` without its id → `keyhash:<sha256 prefix>`: the same caller, the key hashed;
 * 3. `requestContext.identity.sourceIp` → `ip:<address>`: the TCP peer API Gateway saw — never a forwarded-for
 *    header, which any client can write;
 * 4. none of them (not an API Gateway event) → `anonymous`: one shared bucket.
 */
export function callerId(event: CallerIdentityEvent): string {
  const identity = event.requestContext?.identity;
  if (identity?.apiKeyId) return `key:${identity.apiKeyId}`;
  if (identity?.apiKey) return `keyhash:${createHash("sha256").update(identity.apiKey).digest("hex").slice(0, 32)}`;
  if (identity?.sourceIp) return `ip:${identity.sourceIp}`;
  return "anonymous";
}
