import { fileURLToPath } from "node:url";
import { afterEach, describe, expect, it } from "vitest";
import type { APIGatewayProxyEvent } from "aws-lambda";
import { LambdaContainer, LambdaTimeoutError } from "../../scripts/local/lambda-container.js";

const HANDLER = fileURLToPath(new URL("./fixtures/sleepy-handler.ts", import.meta.url));
const sleeping = (sleepMs: number) => ({ sleepMs }) as unknown as APIGatewayProxyEvent;
const body = (result: { body: string }) => JSON.parse(result.body) as { invocations: number; remainingAtStart: number };

let container: LambdaContainer | undefined;
afterEach(async () => {
  await container?.stop();
  container = undefined;
});

describe("the local Lambda container enforces the function timeout as Lambda does", () => {
  it("an invocation within the timeout answers, with the remaining time counting down from the timeout", async () => {
    container = new LambdaContainer({ handlerFile: HANDLER, functionName: "sleepy", env: {}, timeoutMs: 2000 });
    const result = body(await container.invoke(sleeping(0)));
    expect(result.invocations).toBe(1);
    expect(result.remainingAtStart).toBeGreaterThan(0);
    expect(result.remainingAtStart).toBeLessThanOrEqual(2000);
    expect(container.stats).toEqual({ invocations: 1, timeouts: 0 });
  });

  it("one past the timeout fails with Lambda's Sandbox.Timedout error, and the next invocation is a cold start", async () => {
    container = new LambdaContainer({ handlerFile: HANDLER, functionName: "sleepy", env: {}, timeoutMs: 300 });
    expect(body(await container.invoke(sleeping(0))).invocations).toBe(1);
    const error = await container.invoke(sleeping(5000), { awsRequestId: "req-late" }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(LambdaTimeoutError);
    expect(error).toMatchObject({ errorType: "Sandbox.Timedout", message: "RequestId: req-late Error: Task timed out after 0.30 seconds" });
    expect(container.stats).toEqual({ invocations: 2, timeouts: 1 });

    // The environment was reset: module state is gone and init ran again.
    expect(body(await container.invoke(sleeping(0))).invocations).toBe(1);
    expect(container.inits).toHaveLength(2);
  });

  it("an invocation's clock starts when it runs, not while it waits behind another one", async () => {
    container = new LambdaContainer({ handlerFile: HANDLER, functionName: "sleepy", env: {}, timeoutMs: 1000 });
    await container.start();
    // Three of 600 ms each, one at a time: 1.8 s in all, each within its own 1 s.
    const results = await Promise.all([container.invoke(sleeping(600)), container.invoke(sleeping(600)), container.invoke(sleeping(600))]);
    expect(results.map((r) => body(r).invocations)).toEqual([1, 2, 3]);
    expect(container.stats).toEqual({ invocations: 3, timeouts: 0 });
  });

  it("rejects a timeout Lambda would not accept", () => {
    expect(() => new LambdaContainer({ handlerFile: HANDLER, functionName: "x", env: {}, timeoutMs: 901_000 })).toThrow(/between 1 and 900,000/);
  });
});
