/**
 * The ElastiCache IAM token signer against known answers it did not compute: the tokens AWS publishes in the tests
 * of its Developer Toolkit for ElastiCache (github.com/aws/developer-toolkit-elasticache, node/test/token-generator.test.ts,
 * "generates the exact serverless/replication-group known-answer token"), for the SigV4 documentation's example
 * credentials AKIAIOSFODNN7EXAMPLE at 2025-01-01T00:00:00Z. (The same two signatures also come out of a plain
 * SigV4 computation with Python's hmac/hashlib, done once by hand while writing this test.)
 */
import { describe, expect, it } from "vitest";
import { IAM_TOKEN_LIFETIME_SECONDS, iamTokenSigner } from "../../../functions/lib/clients/redis-iam-token.js";

const CREDENTIALS = { accessKeyId: "AKIAIOSFODNN7EXAMPLE", secretAccessKey: "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY" };
const SIGNING_DATE = new Date("2025-01-01T00:00:00Z");
const target = { cacheName: "my-cache", userId: "testuser", region: "us-east-1" };

describe("ElastiCache IAM auth token (SigV4 presigned connect request)", () => {
  // [what, serverless, the query before the X-Amz-* parameters, the published signature]
  it.each([
    ["serverless cache", true, "Action=connect&User=testuser&ResourceType=ServerlessCache", "28f349fd92f74e0192de149a74743ae7d087bb136523c342bdd67632a8360023"],
    ["replication group", false, "Action=connect&User=testuser", "cd78a7de74c1bb1c8c685cac428f783b5433ce5fbf569af867570311d6a85797"],
  ] as const)("%s: the exact published token (ResourceType=ServerlessCache signed in for serverless only)", async (_what, serverless, query, signature) => {
    const token = await iamTokenSigner({ ...target, serverless }, CREDENTIALS)(SIGNING_DATE);
    expect(token).toBe(
      `my-cache/?${query}` +
        "&X-Amz-Algorithm=AWS4-HMAC-SHA256" +
        "&X-Amz-Credential=AKIAIOSFODNN7EXAMPLE%2F20250101%2Fus-east-1%2Felasticache%2Faws4_request" +
        "&X-Amz-Date=20250101T000000Z&X-Amz-Expires=900&X-Amz-SignedHeaders=host" +
        `&X-Amz-Signature=${signature}`,
    );
  });

  it("is valid for 900 s (ElastiCache's 15 minutes) and carries no scheme", async () => {
    expect(IAM_TOKEN_LIFETIME_SECONDS).toBe(900);
    const token = await iamTokenSigner({ ...target, serverless: false }, CREDENTIALS)(SIGNING_DATE);
    expect(token).not.toMatch(/^https?:/);
    expect(new URLSearchParams(token.split("?")[1]).get("X-Amz-Expires")).toBe("900");
  });

  it("with Lambda's temporary credentials, signs the session token in (X-Amz-Security-Token), SigV4-encoded", async () => {
    const sessionToken = "IQoJb3JpZ2luX2VjEXAMPLE/with+slash=and+plus";
    const token = await iamTokenSigner({ ...target, serverless: false }, { ...CREDENTIALS, sessionToken })(SIGNING_DATE);
    const query = new URLSearchParams(token.split("?")[1]);
    expect(query.get("X-Amz-Security-Token")).toBe(sessionToken);
    expect(token).toContain(`X-Amz-Security-Token=${encodeURIComponent(sessionToken)}`);
    // Signed, so a different session token gives a different signature.
    const other = await iamTokenSigner({ ...target, serverless: false }, { ...CREDENTIALS, sessionToken: "other" })(SIGNING_DATE);
    expect(new URLSearchParams(other.split("?")[1]).get("X-Amz-Signature")).not.toBe(query.get("X-Amz-Signature"));
  });

  it("asks a credential provider for every token (rotated role credentials are picked up) and signs the current time by default", async () => {
    let calls = 0;
    const sign = iamTokenSigner({ ...target, serverless: true }, async () => {
      calls += 1;
      return CREDENTIALS;
    });
    const before = Date.now();
    const token = await sign();
    await sign();
    expect(calls).toBe(2);
    const date = new URLSearchParams(token.split("?")[1]).get("X-Amz-Date")!;
    const signedAt = Date.parse(`${date.slice(0, 4)}-${date.slice(4, 6)}-${date.slice(6, 8)}T${date.slice(9, 11)}:${date.slice(11, 13)}:${date.slice(13, 15)}Z`);
    expect(signedAt).toBeGreaterThanOrEqual(Math.floor(before / 1000) * 1000);
    expect(signedAt).toBeLessThanOrEqual(Date.now());
  });
});
