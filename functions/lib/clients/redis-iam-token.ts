/**
 * The ElastiCache IAM authentication token: a SigV4-presigned `GET http://<cache>/?Action=connect&User=<user>`
 * (serverless caches add `ResourceType=ServerlessCache`), service `elasticache`, valid `X-Amz-Expires` = 900 s,
 * with the `http://` scheme stripped. It is the password of `AUTH <user> <token>` (or `HELLO 3 AUTH …`).
 *
 * Format and lifetime: "Authenticating with IAM", https://docs.aws.amazon.com/AmazonElastiCache/latest/dg/auth-iam.html
 * (limits: the token is valid for 15 minutes; an IAM-authenticated connection is dropped after 12 hours unless it
 * re-authenticates; user id and user name must be equal; cache names are lowercase). Signing is @smithy/signature-v4,
 * the signer every AWS SDK v3 client uses: no hand-written crypto. Pinned by a known-answer test against the tokens
 * AWS publishes for its developer toolkit (tests/unit/lib/redis-iam-token.test.ts).
 */
import { SignatureV4 } from "@smithy/signature-v4";
import { Hash } from "@smithy/hash-node";

/** `X-Amz-Expires` of every token: ElastiCache accepts a token for 15 minutes. */
export const IAM_TOKEN_LIFETIME_SECONDS = 900;

type SignerCredentials = ConstructorParameters<typeof SignatureV4>[0]["credentials"];

export interface IamTokenTarget {
  /** Replication group id or serverless cache name (the signed "host"), lowercase as ElastiCache stores it. */
  readonly cacheName: string;
  /** The IAM-enabled ElastiCache user (its id, which equals its name). */
  readonly userId: string;
  /** Serverless caches are named by `ResourceType=ServerlessCache`; replication groups omit it. */
  readonly serverless: boolean;
  readonly region: string;
}

/** A function that signs fresh tokens for one target with the given credentials (a provider is asked each time). */
export function iamTokenSigner(target: IamTokenTarget, credentials: SignerCredentials): (signingDate?: Date) => Promise<string> {
  const signer = new SignatureV4({ credentials, region: target.region, service: "elasticache", sha256: Hash.bind(null, "sha256") });
  return async (signingDate) => {
    const query: Record<string, string> = { Action: "connect", User: target.userId };
    // Part of the canonical query, so it is signed, not appended afterwards.
    if (target.serverless) query.ResourceType = "ServerlessCache";
    const signed = await signer.presign(
      { method: "GET", protocol: "http:", hostname: target.cacheName, path: "/", headers: { host: target.cacheName }, query },
      { expiresIn: IAM_TOKEN_LIFETIME_SECONDS, ...(signingDate ? { signingDate } : {}) },
    );
    // With a session token (Lambda's role credentials) the query also holds X-Amz-Security-Token.
    const pairs = Object.entries(signed.query ?? {}).flatMap(([key, value]) => (Array.isArray(value) ? value : [value]).map((v) => `${sigV4Encode(key)}=${sigV4Encode(String(v))}`));
    return `${target.cacheName}/?${pairs.join("&")}`;
  };
}

/** RFC 3986 encoding as SigV4 canonicalizes it (encodeURIComponent leaves `!'()*` alone; SigV4 does not). */
function sigV4Encode(value: string): string {
  return encodeURIComponent(value).replace(/[!'()*]/g, (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`);
}
