import { fileURLToPath } from "node:url";
import { afterEach, describe, expect, it } from "vitest";
import type { APIGatewayProxyEvent } from "aws-lambda";
import { startApiGatewayEmulator } from "../../../scripts/local/api-gateway-emulator.js";
import { LambdaPool, LambdaThrottledError } from "../../../scripts/local/lambda-pool.js";

/**
 * The local function's execution environments, as Lambda scales them: one container per concurrent invocation, up
 * to the concurrency limit, each a worker of its own with its own module state (the handler's L1 lives there);
 * past the limit an invocation is throttled, and API Gateway answers the client 500.
 */
const HANDLER = fileURLToPath(new URL("../../integration/fixtures/sleepy-handler.ts", import.meta.url));
const sleeping = (sleepMs: number) => ({ sleepMs }) as unknown as APIGatewayProxyEvent;
const seen = (result: { body: string }) => JSON.parse(result.body) as { invocations: number; threadId: number };

let pool: LambdaPool | undefined;
afterEach(async () => {
  await pool?.stop();
  pool = undefined;
});

describe("the local Lambda pool", () => {
  it("keeps sequential invocations on one warm container", async () => {
    pool = new LambdaPool({ handlerFile: HANDLER, functionName: "sleepy", env: {}, concurrency: 4 });
    const answers = [];
    for (let i = 0; i < 3; i++) answers.push(seen(await pool.invoke(sleeping(0))));
    expect(answers.map((a) => a.invocations)).toEqual([1, 2, 3]);
    expect(new Set(answers.map((a) => a.threadId)).size).toBe(1);
    expect(pool.stats).toMatchObject({ containers: 1, invocations: 3, throttles: 0 });
  });

  it("grows with concurrent invocations up to the limit, each container its own worker and module state", async () => {
    pool = new LambdaPool({ handlerFile: HANDLER, functionName: "sleepy", env: {}, concurrency: 3 });
    await pool.start();
    const answers = (await Promise.all([0, 1, 2].map(() => pool!.invoke(sleeping(300))))).map(seen);
    expect(pool.stats.containers).toBe(3);
    // Three workers, each having seen one invocation: nothing is shared between them (a warm L1 included).
    expect(new Set(answers.map((a) => a.threadId)).size).toBe(3);
    expect(answers.map((a) => a.invocations)).toEqual([1, 1, 1]);
    // Idle again, the next invocation goes to the first container, not a new one.
    const next = seen(await pool.invoke(sleeping(0)));
    expect(next).toMatchObject({ invocations: 2, threadId: answers[0]!.threadId });
    expect(pool.stats.containers).toBe(3);
  });

  it("throttles an invocation past the concurrency limit, and starts no container for it", async () => {
    pool = new LambdaPool({ handlerFile: HANDLER, functionName: "sleepy", env: {}, concurrency: 2 });
    await pool.start();
    const outcomes = await Promise.allSettled([0, 1, 2].map(() => pool!.invoke(sleeping(500))));
    expect(outcomes.map((o) => o.status)).toEqual(["fulfilled", "fulfilled", "rejected"]);
    const refused = (outcomes[2] as PromiseRejectedResult).reason as LambdaThrottledError;
    expect(refused).toBeInstanceOf(LambdaThrottledError);
    expect(refused.errorType).toBe("TooManyRequestsException");
    expect(pool.stats).toMatchObject({ containers: 2, invocations: 2, throttles: 1 });
  });

  it("past the limit, the client of the local gateway gets API Gateway's 500 for a throttled Lambda", async () => {
    pool = new LambdaPool({ handlerFile: HANDLER, functionName: "sleepy", env: {}, concurrency: 1 });
    await pool.start();
    const api = await startApiGatewayEmulator({
      routes: [{ method: "GET", path: "/sleep", auth: { mode: "none" }, handler: (event, context) => pool!.invoke({ ...event, sleepMs: 500 } as APIGatewayProxyEvent, context) }],
    });
    try {
      const first = fetch(`${api.url}/sleep`);
      // The second request once the first has reached the function (the gateway counts it as it invokes).
      while (api.stats.invocations < 1) await new Promise((r) => setTimeout(r, 5));
      const [slow, refused] = await Promise.all([first, fetch(`${api.url}/sleep`)]);
      expect(slow.status).toBe(200);
      expect([refused.status, refused.headers.get("x-amzn-errortype"), await refused.json()]).toEqual([500, "InternalServerErrorException", { message: "Internal server error" }]);
      expect(pool.stats.throttles).toBe(1);
    } finally {
      await api.close();
    }
  });

  it.each([0, 1.5, 1001])("refuses a concurrency of %s, naming the allowed range", (concurrency) => {
    expect(() => new LambdaPool({ handlerFile: HANDLER, functionName: "x", env: {}, concurrency })).toThrow(/concurrency = .*between 1 and 1,000/);
  });
});
