/**
 * The key that signs pagination cursors. In AWS it is derived, once per container, as the KMS GenerateMac
 * (HMAC_SHA_256) of a fixed label under an HMAC KMS key the stack creates: every container derives the same key,
 * and it exists only in memory — not in Terraform state, the Lambda environment or a secret. KMS documents the
 * raw GenerateMac result as usable for "HMAC-based algorithms such as key derivation functions"
 * (https://docs.aws.amazon.com/kms/latest/APIReference/API_GenerateMac.html). Rotating: a new KMS key (or label);
 * cursors signed with the old one then fail as `tampered` (clients start again without a cursor).
 *
 * The KMS client is imported on demand (a chunk outside the init closure, like Secrets Manager's): local runs and
 * tests, which give the key directly, never load it.
 */
import type { KMSClient } from "@aws-sdk/client-kms";
import type { ClientFactory } from "../lib/clients/factory.js";
import { createHttpHandler } from "../lib/clients/http-handler.js";

export const CURSOR_KEY_LABEL = "conversation-memory/cursor-signing/v1";

/** GenerateMac over a lazily loaded KMS client. */
export interface MacClient {
  generateMac(keyId: string, message: Uint8Array): Promise<Uint8Array>;
  destroy(): void;
}

export const kmsMacFactory: ClientFactory<MacClient> = {
  create: (aws, overrides) => {
    let client: Promise<KMSClient> | undefined;
    const load = () =>
      (client ??= import("@aws-sdk/client-kms").then(({ KMSClient }) => new KMSClient({ region: aws.region, maxAttempts: aws.maxAttempts, requestHandler: createHttpHandler(aws), ...overrides })));
    return {
      async generateMac(keyId, message) {
        const [kms, { GenerateMacCommand }] = await Promise.all([load(), import("@aws-sdk/client-kms")]);
        const out = await kms.send(new GenerateMacCommand({ KeyId: keyId, MacAlgorithm: "HMAC_SHA_256", Message: message }));
        return out.Mac ?? new Uint8Array();
      },
      destroy: () => void client?.then((c) => c.destroy()),
    };
  },
  destroy: (client) => client.destroy(),
};

export async function deriveCursorKey(kms: MacClient, keyId: string): Promise<Uint8Array> {
  const mac = await kms.generateMac(keyId, new TextEncoder().encode(CURSOR_KEY_LABEL));
  if (mac.length < 32) throw new Error(`KMS GenerateMac with ${keyId} returned ${mac.length} bytes; expected 32`);
  return mac;
}
