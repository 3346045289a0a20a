import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startLocalStack } from "../../scripts/local/local-stack.js";
import type { LocalStack } from "../../scripts/local/local-stack.js";
import { startOriginServer } from "../../scripts/local/origin-server.js";
import { HttpFaultProxy } from "../support/http-fault-proxy.js";
import { SilentTcpServer } from "../support/silent-tcp-server.js";

/**
 * One deadline per request, end to end (`npm start`'s stack: API Gateway emulator → the handler in a local Lambda
 * container that enforces the prod function timeout, 10 s → L1 → Redis → dynalite → origin), with slow or dead
 * dependencies behind fault proxies. Each case checks the status, every city's error, and the deadline's own
 * bookkeeping in `meta.deadline` — its budget and what it cut in which layer — and that the container never hit
 * the function timeout: the answer, per-city errors included, always left first.
 *
 * Arithmetic of the defaults the cases rely on: timeout 10 s − FORECAST_DEADLINE_MARGIN_MS 1 s = a 9 s deadline;
 * the origin gets it minus FORECAST_WRITE_BACK_RESERVE_MS 0.5 s; ORIGIN_CONCURRENCY 16, ORIGIN_TIMEOUT_MS 2 s.
 */
const ISSUED = "2026-11-23";
const TIMEOUT_MS = 10_000;
const MARGIN_MS = 1000;

interface CityError {
  code: string;
  message: string;
}
interface Body {
  forecasts: Record<string, unknown>;
  errors: Record<string, CityError>;
  meta: {
    requested: number;
    resolved: number;
    totalMs: number;
    layers: Record<"l1" | "l2" | "table" | "origin", { hits: number; errors?: number; writes?: number; writeFailed?: number }>;
    deadline: { budgetMs: number; leftMs: number; cuts: Record<string, number> };
  };
}

async function get(stack: LocalStack, path: string): Promise<{ status: number; body: Body }> {
  const res = await fetch(`${stack.url}${path}`, { headers: stack.auth.headers });
  return { status: res.status, body: (await res.json()) as Body };
}

const cities = (prefix: string, n: number) => Array.from({ length: n }, (_, i) => `${prefix}-${String(i).padStart(3, "0")}`);
const byCode = (errors: Record<string, CityError>) => {
  const counts: Record<string, number> = {};
  for (const e of Object.values(errors)) counts[e.code] = (counts[e.code] ?? 0) + 1;
  return counts;
};

/**
 * One cold read of `n` cities named `<prefix>-000…`, logged for the run (status, per-city error codes, what the
 * deadline cut), checked for what every case asserts: answered on a ~9 s deadline, before the function timeout.
 */
async function coldRead(stack: LocalStack, name: string, prefix: string, n: number): Promise<{ ids: string[]; status: number; body: Body }> {
  const ids = cities(prefix, n);
  // On the retry route, which answers the read as it is: on /forecast a 207 or a 502 is a 307 to it (a second
  // invocation: tests/e2e/forecast-failures.test.ts), and each case here measures one read on one deadline.
  const { status, body } = await get(stack, `/retry/forecast?cities=${ids.join(",")}`);
  console.log(`deadline case "${name}": ${status}, ${Object.keys(body.forecasts).length} forecasts, errors ${JSON.stringify(byCode(body.errors))}, budget ${body.meta.deadline.budgetMs} ms, cuts ${JSON.stringify(body.meta.deadline.cuts)}, read ${Math.round(body.meta.totalMs)} ms`);
  expectAnsweredBeforeTheTimeout(stack, body, n);
  return { ids, status, body };
}

function expectAnsweredBeforeTheTimeout(stack: LocalStack, body: Body, requested: number) {
  expect(stack.container.stats.timeouts).toBe(0);
  expect(stack.container.timeoutMs).toBe(TIMEOUT_MS);
  // The remaining time minus the margin; what the invocation spent before reading it (a busy machine) is gone.
  expect(body.meta.deadline.budgetMs).toBeGreaterThan((TIMEOUT_MS - MARGIN_MS) / 2);
  expect(body.meta.deadline.budgetMs).toBeLessThanOrEqual(TIMEOUT_MS - MARGIN_MS);
  expect(body.meta.totalMs).toBeLessThan(TIMEOUT_MS);
  // Nothing silently left out: every city is a forecast or an error.
  expect(Object.keys(body.forecasts).length + Object.keys(body.errors).length).toBe(requested);
}

/** A stack whose origin is behind a fault proxy adding `delayMs` to every call. */
async function slowOriginStack(delayMs: number) {
  const origin = await startOriginServer({ issuedFor: ISSUED });
  const proxy = (await HttpFaultProxy.start(origin.url)).add({ delayMs });
  const stack = await startLocalStack({ redis: "start", originIssuedFor: ISSUED, handlerEnv: { ORIGIN_URL: proxy.endpoint, POWERTOOLS_LOG_LEVEL: "ERROR" } });
  return {
    stack,
    proxy,
    close: async () => {
      await stack.close();
      await proxy.stop();
      await origin.close();
    },
  };
}

// The cases wait on slow dependencies, not on the CPU: each has its own stack and they run side by side.
describe.concurrent("origin slow (100 cities, concurrency 16, function timeout 10 s)", () => {
  let slow15: Awaited<ReturnType<typeof slowOriginStack>>;
  let slow25: Awaited<ReturnType<typeof slowOriginStack>>;
  beforeAll(async () => {
    [slow15, slow25] = await Promise.all([slowOriginStack(1500), slowOriginStack(2500)]);
  });
  afterAll(async () => {
    await Promise.all([slow15?.close(), slow25?.close()]);
  });

  it("1.5 s per call: 207 with what the origin served and DeadlineExceeded for the rest, written back first", async () => {
    const { stack, proxy } = slow15;
    const { ids, status, body } = await coldRead(stack, "origin 1.5 s slow", "slow15", 100);
    expect(status).toBe(207);
    const resolved = Object.keys(body.forecasts).length;
    // Waves of 16 calls of 1.5 s inside the origin's ~8.5 s (four or five on this machine): never all 100.
    expect(resolved).toBeGreaterThanOrEqual(16);
    expect(resolved).toBeLessThan(100);
    // On a loaded machine a 1.5 s call can pass ORIGIN_TIMEOUT_MS (2 s): that city is an OriginTimeout, which is
    // also correct; every other city the deadline cut.
    const { DeadlineExceeded = 0, OriginTimeout = 0, ...other } = byCode(body.errors);
    expect(other).toEqual({});
    expect(DeadlineExceeded + OriginTimeout).toBe(100 - resolved);
    expect(DeadlineExceeded).toBeGreaterThan(0);
    expect(body.errors[ids[99]!]).toMatchObject({ code: "DeadlineExceeded", message: expect.stringMatching(/^not loaded before the request's deadline/) });
    // The origin stopped at the deadline: the cut cities are in its account, calls never started were never made.
    expect(body.meta.deadline.cuts.origin).toBe(DeadlineExceeded);
    expect(proxy.count()).toBeLessThanOrEqual(resolved + OriginTimeout + 16);
    // The write-back had its reserve: what the origin served reached the table, or is counted as not written.
    const table = body.meta.layers.table;
    expect(table.writes! + table.writeFailed!).toBe(resolved);
    expect(table.writeFailed).toBe(body.meta.deadline.cuts["table write"] ?? 0);
  });

  it("2.5 s per call (over ORIGIN_TIMEOUT_MS 2 s): 502, every city OriginTimeout or DeadlineExceeded", async () => {
    const { stack } = slow25;
    const { ids, status, body } = await coldRead(stack, "origin 2.5 s slow", "slow25", 100);
    expect(status).toBe(502);
    const codes = byCode(body.errors);
    expect(Object.keys(codes).sort()).toEqual(["DeadlineExceeded", "OriginTimeout"]);
    // Waves of 2 s timeouts inside ~8.5 s; the rest were cut in flight or never started.
    expect(codes.OriginTimeout).toBeGreaterThanOrEqual(16);
    expect(codes.OriginTimeout! + codes.DeadlineExceeded!).toBe(100);
    expect(body.meta.deadline.cuts.origin).toBe(codes.DeadlineExceeded);
    expect(body.errors[ids[0]!]).toMatchObject({ code: "OriginTimeout", message: "origin did not answer within 2000 ms" });
  });
});

describe.concurrent("table hung (a DynamoDB endpoint that accepts connections and never answers)", () => {
  let silent: SilentTcpServer;
  let defaults: LocalStack;
  let overBudget: LocalStack;
  beforeAll(async () => {
    silent = await SilentTcpServer.start();
    const hung = { DYNAMODB_ENDPOINT: `http://127.0.0.1:${silent.port}`, POWERTOOLS_LOG_LEVEL: "ERROR" };
    [defaults, overBudget] = await Promise.all([
      startLocalStack({ redis: "start", originIssuedFor: ISSUED, handlerEnv: hung }),
      // Table budgets longer than the function timeout: only the request's deadline stops the table.
      startLocalStack({ redis: "start", originIssuedFor: ISSUED, handlerEnv: { ...hung, FORECAST_TABLE_DEADLINE_MS: "20000", FORECAST_TABLE_WRITE_DEADLINE_MS: "20000", SDK_REQUEST_TIMEOUT_MS: "60000" } }),
    ]);
  });
  afterAll(async () => {
    await Promise.all([defaults?.close(), overBudget?.close()]);
    await silent?.stop();
  });

  it("default budgets: the read gives up at 3 s, the origin serves every city (200), the write-back is reported", async () => {
    const { ids, status, body } = await coldRead(defaults, "table hung, default budgets", "hung", 10);
    expect(status).toBe(200);
    expect(Object.keys(body.forecasts)).toEqual(ids);
    expect(body.meta.layers.table).toMatchObject({ hits: 0, errors: 10, writes: 0, writeFailed: 10 });
    expect(body.meta.layers.origin).toMatchObject({ hits: 10, errors: 0 });
    // The table's own budgets (3 s read + 2 s write) ended it, well inside the deadline: nothing was cut by it.
    expect(body.meta.deadline.cuts).toEqual({});
    expect(silent.accepted).toBeGreaterThan(0);
  });

  it("budgets past the function timeout: the deadline stops the table read; 502 with DeadlineExceeded per city", async () => {
    const { status, body } = await coldRead(overBudget, "table hung, budgets past the timeout", "hung-long", 10);
    expect(status).toBe(502);
    expect(byCode(body.errors)).toEqual({ DeadlineExceeded: 10 });
    // The table read ran to the deadline and was cut there; the origin then had no time left (its reserve).
    expect(body.meta.deadline.cuts).toEqual({ "table read": 10, origin: 10 });
    expect(body.meta.layers.table).toMatchObject({ hits: 0, errors: 10, writes: 0 });
  });
});

describe("Redis black-holed (accepts connections, never answers)", () => {
  let silent: SilentTcpServer;
  let stack: LocalStack;
  beforeAll(async () => {
    silent = await SilentTcpServer.start();
    stack = await startLocalStack({
      redis: "none",
      originIssuedFor: ISSUED,
      // The rate limiter is on too: it fails open within the L2 timeout (250 ms), sharing L2's breaker.
      handlerEnv: { REDIS_URL: `redis://127.0.0.1:${silent.port}`, FORECAST_RATE_LIMIT: "100", POWERTOOLS_LOG_LEVEL: "ERROR" },
    });
  });
  afterAll(async () => {
    await stack?.close();
    await silent?.stop();
  });

  it("200 from the table and the origin, each L2 call bounded by its own timeout; the deadline cut nothing", async () => {
    const { ids, status, body } = await coldRead(stack, "Redis black-holed", "blackhole", 20);
    expect(status).toBe(200);
    expect(Object.keys(body.forecasts)).toEqual(ids);
    expect(body.meta.layers.l2.hits).toBe(0);
    expect(body.meta.layers.origin.hits).toBe(20);
    expect(body.meta.deadline.cuts).toEqual({});
    expect(silent.accepted).toBeGreaterThan(0); // Redis was tried, not configured away

    // Warm in this container: L1 answers; Redis is not waited on again.
    // Past the stage cache (every spelling of the list reaches its one entry), to the function's L1.
    stack.api.flushCache();
    const again = await get(stack, `/forecast?cities=${[...ids].sort().join(",")}`);
    expect(again.status).toBe(200);
    expect(again.body.meta.layers.l1.hits).toBe(20);
  });
});
