import { describe, expect, it } from "vitest";
import { backoffDelay, forEachLimit } from "../../../../functions/lib/dynamo/backoff.js";
import { isRetryable } from "../../../../functions/lib/dynamo/errors.js";
import { keyId, keyNamesOf, normalizeNumber } from "../../../../functions/lib/dynamo/keys.js";

describe("DynamoDB key identity", () => {
  it("normalizes numbers the way DynamoDB compares them", () => {
    const same = ["1.5", "1.50", "+1.5", "15e-1", "0.15E1", "001.5"];
    expect(new Set(same.map(normalizeNumber)).size).toBe(1);
    expect(normalizeNumber("100")).toBe(normalizeNumber("1e2"));
    expect(normalizeNumber("0")).toBe(normalizeNumber("-0.000"));
    expect(normalizeNumber("-2")).not.toBe(normalizeNumber("2"));
    expect(normalizeNumber("10")).not.toBe(normalizeNumber("1"));
  });

  it("gives one id per key whatever the attribute order, and different ids to different keys", () => {
    const names = keyNamesOf([{ sk: { N: "1" }, pk: { S: "a" } }]);
    expect(names).toEqual(["pk", "sk"]);
    expect(keyId({ pk: { S: "a" }, sk: { N: "1" } }, names)).toBe(keyId({ sk: { N: "1.0" }, pk: { S: "a" } }, names));
    expect(keyId({ pk: { S: "a" }, sk: { N: "1" } }, names)).not.toBe(keyId({ pk: { S: "a=N:1" }, sk: { N: "1" } }, names));
    expect(keyId({ pk: { B: new Uint8Array([1, 2]) } }, ["pk"])).toBe(keyId({ pk: { B: new Uint8Array([1, 2]) } }, ["pk"]));
  });
});

describe("retry helpers", () => {
  it("full-jitter backoff stays below min(max, base × 2^attempt)", () => {
    expect(backoffDelay(0, 25, 1000, () => 0.999)).toBe(24);
    expect(backoffDelay(3, 25, 1000, () => 0.999)).toBe(199);
    expect(backoffDelay(20, 25, 1000, () => 0.999)).toBe(999);
    expect(backoffDelay(5, 25, 1000, () => 0)).toBe(0);
  });

  it("runs at most `limit` tasks at once and all of them", async () => {
    let running = 0;
    let peak = 0;
    const done: number[] = [];
    await forEachLimit([1, 2, 3, 4, 5, 6, 7], 3, async (n) => {
      running++;
      peak = Math.max(peak, running);
      await new Promise((r) => setTimeout(r, 2));
      done.push(n);
      running--;
    });
    expect(peak).toBe(3);
    expect(done.sort()).toEqual([1, 2, 3, 4, 5, 6, 7]);
  });

  it("retries throttling and server errors, not validation or access errors", () => {
    const named = (name: string, status?: number) => Object.assign(new Error(name), { name, $metadata: { httpStatusCode: status } });
    expect(isRetryable(named("ProvisionedThroughputExceededException", 400))).toBe(true);
    expect(isRetryable(named("ThrottlingException", 400))).toBe(true);
    expect(isRetryable(named("InternalServerError", 500))).toBe(true);
    expect(isRetryable(named("SomethingNew", 503))).toBe(true);
    expect(isRetryable(named("ValidationException", 400))).toBe(false);
    expect(isRetryable(named("ResourceNotFoundException", 400))).toBe(false);
    expect(isRetryable("not an error")).toBe(false);
  });
});
