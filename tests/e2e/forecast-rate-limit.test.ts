import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startLocalStack } from "../../scripts/local/local-stack.js";
import type { LocalStack } from "../../scripts/local/local-stack.js";

/**
 * The per-caller rate limit over HTTP, as `npm start` runs it with FORECAST_RATE_LIMIT set: the limiter sees only
 * requests the stage cache did not answer (a hit never reaches the function), so each request here asks for
 * another city list.
 */
let stack: LocalStack;
beforeAll(async () => {
  stack = await startLocalStack({
    redis: "start",
    originIssuedFor: "2026-11-23",
    handlerEnv: { FORECAST_RATE_LIMIT: "5", FORECAST_RATE_LIMIT_WINDOW_SECONDS: "3600", POWERTOOLS_LOG_LEVEL: "ERROR" },
  });
});
afterAll(async () => {
  await stack?.close();
});

describe("rate limit per caller (5 per hour, by API key, else source IP)", () => {
  it("five requests pass, the sixth gets 429 TooManyRequests with Retry-After, and no read is made for it", async () => {
    const statuses: number[] = [];
    for (let i = 0; i < 5; i++) statuses.push((await fetch(`${stack.url}/forecast?cities=limited-${i}`, { headers: stack.auth.headers })).status);
    expect(statuses).toEqual([200, 200, 200, 200, 200]);
    const originCalls = stack.origin.totalCalls();
    const res = await fetch(`${stack.url}/forecast/limited-5`, { headers: stack.auth.headers });
    expect(res.status).toBe(429);
    // One every 3600 / 5 = 720 s at the sustained rate.
    expect(Number(res.headers.get("retry-after"))).toBeGreaterThan(700);
    expect(Number(res.headers.get("retry-after"))).toBeLessThanOrEqual(720);
    const body = (await res.json()) as { error: string; message: string; retryAfterSeconds: number };
    expect(body).toMatchObject({ error: "TooManyRequests", retryAfterSeconds: Number(res.headers.get("retry-after")) });
    expect(body.message).toMatch(/^over the limit of 5 requests per 3600 s for this caller/);
    expect(stack.origin.totalCalls()).toBe(originCalls);
  });
});
