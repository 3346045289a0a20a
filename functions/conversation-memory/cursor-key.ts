/**
 * The key that signs pagination cursors. In AWS it is derived, once per container, as the KMS GenerateMac
 * (HMAC_SHA_256) of a fixed label under an HMAC KMS key the stack creates: every container derives the same key,
 * and it exists only in memory — not in Terraform state, the Lambda environment or a secret. KMS documents the
 * raw GenerateMac result as usable for "HMAC-based algorithms such as key derivation functions"
 * (https://docs.aws.amazon.com/kms/latest/APIReference/API_GenerateMac.html). Rotating: a new KMS key (or label);
 * cursors signed with the old one then fail as `tampered` (clients start again without a cursor).
 */
import { GenerateMacCommand, KMSClient } from "@aws-sdk/client-kms";
import type { AwsClientOverrides, ClientFactory } from "../lib/clients/factory.js";
import { createHttpHandler } from "../lib/clients/http-handler.js";

export const CURSOR_KEY_LABEL = "conversation-memory/cursor-signing/v1";

export const kmsClientFactory: ClientFactory<KMSClient> = {
  create: (aws, overrides: AwsClientOverrides) => new KMSClient({ region: aws.region, maxAttempts: aws.maxAttempts, requestHandler: createHttpHandler(aws), ...overrides }),
  destroy: (client) => client.destroy(),
};

export async function deriveCursorKey(kms: KMSClient, keyId: string): Promise<Uint8Array> {
  const out = await kms.send(new GenerateMacCommand({ KeyId: keyId, MacAlgorithm: "HMAC_SHA_256", Message: new TextEncoder().encode(CURSOR_KEY_LABEL) }));
  if (!out.Mac || out.Mac.length < 32) throw new Error(`KMS GenerateMac with ${keyId} returned ${out.Mac?.length ?? 0} bytes; expected 32`);
  return out.Mac;
}
