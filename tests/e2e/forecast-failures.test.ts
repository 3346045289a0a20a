import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startLocalStack } from "../../scripts/local/local-stack.js";
import type { LocalStack } from "../../scripts/local/local-stack.js";

/**
 * Failures are not replayed for the stage TTL (issue 15 item 2), through the local gateway, which caches every
 * status for the method's TTL as API Gateway does. On the stage-cached routes a 5xx or a 207 is a 307 to the same
 * question under `/retry/…`, cached for 10 s; the 307 itself stays in the main entry for the stage TTL (300 s in
 * prod) and only sends clients to the retry entry. The gateway runs on a manual clock, so the tests step past a
 * TTL instead of waiting for it; the function's own clock is real.
 */
const ISSUED = "2026-11-23";
const STAGE_TTL_MS = 300_000;
const RETRY_TTL_MS = 10_000;

let stack: LocalStack;
let clock = 1_000_000;

interface Answer {
  status: number;
  location: string | null;
  cacheControl: string | null;
  cache: string | null;
  body: { forecasts?: Record<string, unknown>; errors?: Record<string, { code: string }>; redirect?: string; status?: number; forecast?: unknown; error?: { code: string } };
}

/** One request, redirects not followed: what the stage answers to this URL. */
async function ask(pathOrLocation: string, headers: Record<string, string> = stack.auth.headers): Promise<Answer> {
  const url = pathOrLocation.startsWith("/local/") ? `${new URL(stack.url).origin}${pathOrLocation}` : `${stack.url}${pathOrLocation}`;
  const res = await fetch(url, { headers, redirect: "manual" });
  return { status: res.status, location: res.headers.get("location"), cacheControl: res.headers.get("cache-control"), cache: res.headers.get("x-local-apigw-cache"), body: (await res.json()) as Answer["body"] };
}

/** Every entry the stage cache holds for a stage-cached (non-retry) route: never a failure or a partial answer. */
function mainEntryStatuses(): number[] {
  const statuses = stack.api.stageCache
    .live()
    .filter(([key]) => key.startsWith("GET /forecast"))
    .map(([, r]) => r.statusCode);
  expect(statuses.filter((s) => s >= 500 || s === 207)).toEqual([]);
  return statuses;
}

beforeAll(async () => {
  stack = await startLocalStack({ redis: "none", originIssuedFor: ISSUED, now: () => clock, handlerEnv: { POWERTOOLS_LOG_LEVEL: "ERROR" } });
});
afterAll(async () => {
  await stack?.close();
});

describe("an origin outage is served from the stage cache for at most 10 s, then the recovery is seen", () => {
  it("all cities failing: the main route answers a 307 to /retry, the retry route the 502; 10 s after recovery, the 200", async () => {
    stack.origin.failing.add("lisbon");
    stack.origin.failing.add("porto");
    const first = await ask("/forecast?cities=lisbon,porto");
    expect(first).toMatchObject({ status: 307, location: "/local/retry/forecast?cities=lisbon,porto", cacheControl: "no-store", cache: "Miss" });
    expect(first.body).toMatchObject({ redirect: "retry", status: 502 });
    const failed = await ask(first.location!);
    expect(failed).toMatchObject({ status: 502, cacheControl: "no-store", cache: "Miss" });
    expect(Object.keys(failed.body.errors!).sort()).toEqual(["lisbon", "porto"]);
    expect(mainEntryStatuses()).toEqual([307]);

    stack.origin.failing.clear();
    const callsAtRecovery = stack.origin.totalCalls();
    clock += RETRY_TTL_MS - 1;
    // Within the retry TTL the failure is still the cached answer: that is the most it is replayed for.
    expect(await ask("/forecast?cities=lisbon,porto")).toMatchObject({ status: 307, cache: "Hit" });
    expect(await ask(first.location!)).toMatchObject({ status: 502, cache: "Hit" });
    expect(stack.origin.totalCalls()).toBe(callsAtRecovery);

    clock += 2;
    expect(await ask("/forecast?cities=lisbon,porto")).toMatchObject({ status: 307, cache: "Hit" });
    const recovered = await ask(first.location!);
    expect(recovered).toMatchObject({ status: 200, cacheControl: "public, max-age=10", cache: "Miss" });
    expect(Object.keys(recovered.body.forecasts!)).toEqual(["lisbon", "porto"]);
    expect(stack.origin.totalCalls()).toBe(callsAtRecovery + 2);
    expect(mainEntryStatuses()).toEqual([307]);

    // Once the main entry's stage TTL is over, the main route answers the data itself (from the function's L1).
    clock += STAGE_TTL_MS;
    const direct = await ask("/forecast?cities=lisbon,porto");
    expect(direct).toMatchObject({ status: 200, cacheControl: "public, max-age=300", cache: "Miss" });
    expect(Object.keys(direct.body.forecasts!)).toEqual(["lisbon", "porto"]);
    expect(mainEntryStatuses()).toContain(200);
  });

  it("some cities failing: the 207 is answered on the retry route only, and a client following redirects gets it", async () => {
    stack.origin.failing.add("rome");
    try {
      const followed = await fetch(`${stack.url}/forecast?cities=oslo,rome`, { headers: stack.auth.headers });
      expect(followed.status).toBe(207);
      expect(new URL(followed.url).pathname).toBe("/local/retry/forecast");
      const body = (await followed.json()) as Answer["body"];
      expect(Object.keys(body.forecasts!)).toEqual(["oslo"]);
      expect(body.errors!.rome!.code).toBe("OriginError");
      expect(mainEntryStatuses()).toContain(307);
    } finally {
      stack.origin.failing.clear();
    }
    clock += RETRY_TTL_MS + 1;
    const again = await fetch(`${stack.url}/forecast?cities=oslo,rome`, { headers: stack.auth.headers });
    expect(again.status).toBe(200);
    expect(Object.keys(((await again.json()) as Answer["body"]).forecasts!)).toEqual(["oslo", "rome"]);
  });

  it("one city failing: /forecast/{cityId} sends its 502 to /retry/forecast/{cityId} the same way", async () => {
    stack.origin.failing.add("madrid");
    const first = await ask("/forecast/madrid");
    expect(first).toMatchObject({ status: 307, location: "/local/retry/forecast/madrid", cacheControl: "no-store" });
    expect((await ask(first.location!)).body.error!.code).toBe("OriginError");
    stack.origin.failing.clear();
    clock += RETRY_TTL_MS + 1;
    expect(await ask("/forecast/madrid")).toMatchObject({ status: 307, cache: "Hit" });
    expect(await ask(first.location!)).toMatchObject({ status: 200, cache: "Miss" });
    expect(mainEntryStatuses().filter((s) => s === 502)).toEqual([]);
  });

  it("the retry routes never redirect a failure again, and need the API key like the forecast routes", async () => {
    stack.origin.failing.add("paris");
    try {
      expect((await ask("/retry/forecast?cities=paris")).status).toBe(502);
      expect(await ask("/retry/forecast?cities=Paris")).toMatchObject({ status: 308, location: "/local/retry/forecast?cities=paris", cacheControl: "public, max-age=10" });
      expect((await ask("/retry/forecast?cities=paris", {})).status).toBe(403);
      expect((await ask("/retry/forecast/paris", {})).status).toBe(403);
    } finally {
      stack.origin.failing.clear();
    }
  });

  it("a success is never redirected: the main route answers it and the stage cache keeps it for the stage TTL", async () => {
    const ok = await ask("/forecast?cities=berlin");
    expect(ok).toMatchObject({ status: 200, location: null, cacheControl: "public, max-age=300" });
    clock += RETRY_TTL_MS * 10;
    expect(await ask("/forecast?cities=berlin")).toMatchObject({ status: 200, cache: "Hit" });
  });
});
