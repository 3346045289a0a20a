import { canonicalCityList } from "../../../functions/forecast-api/request.js";
import { startLocalStack } from "../../local/local-stack.js";
import type { LocalStack } from "../../local/local-stack.js";
import { ISSUED_FOR } from "../environment.js";
import { prng } from "../../support/forecast-generator.js";

/**
 * Stage-cache hit ratio on a mixed-order workload, with and without canonical city lists (issue 15 item 4).
 *
 * Clients ask for a fixed population of city sets (3–8 cities, well under the 1 MB API Gateway caches), picked
 * with Zipf-like popularity, each request spelling its set its own way: the ids in another order and case. The
 * requests go through the local gateway (`npm start`'s stack, prod's stage TTL of 300 s), redirects followed by
 * hand so each hop is seen:
 *
 * - **with canonicalization** (what the API does): a spelling other than the canonical one is a 308 to it, so the
 *   data is one stage-cache entry per set. Its ratio is data answers served from the stage cache / requests.
 * - **baseline, each spelling its own key**: what the stage cache would hit if the handler answered every spelling
 *   with data. That is exactly the first hop's own Hit/Miss: it is keyed on the spelling as sent, over the same
 *   requests in the same order, in the same cache (TTL and byte budget included) — measured, not modelled.
 *
 * Two workloads: every request spelled at random (the worst case for spelling keys), and a fixed spelling per
 * client and set (8 client apps, each with its own order and case), which repeats spellings as real clients do.
 */
export interface CanonicalWorkloadResult {
  name: string;
  requests: number;
  sets: number;
  /** Distinct spellings the requests used. */
  spellings: number;
  baseline: { hits: number; hitRatio: number; reads: number };
  /** `invocations`: the function's, reads and 308s (a 308 reads nothing, but is an invocation when not cached). */
  canonical: { hits: number; hitRatio: number; reads: number; redirects: number; redirectsFromCache: number; invocations: number };
}

export interface CanonicalResults {
  ttlSeconds: number;
  workloads: CanonicalWorkloadResult[];
}

const CLIENTS = 8;
const HOP_MS = 10;

export async function runCanonicalSection(options: { quick: boolean; seed?: number; log: (line: string) => void }): Promise<CanonicalResults> {
  const requests = options.quick ? 400 : 2000;
  // The gateway's clock advances HOP_MS per request: 100 requests a second, under the usage plan's throttle, so
  // a full run (2 × 2,000 requests with their 308 hops) spans ~40 s of the 300 s TTL, whatever this machine's speed.
  let clock = Date.now();
  const stack = await startLocalStack({ redis: "none", originIssuedFor: ISSUED_FOR, now: () => clock, handlerEnv: { POWERTOOLS_LOG_LEVEL: "ERROR" } });
  const tick = () => (clock += HOP_MS);
  try {
    const workloads: CanonicalWorkloadResult[] = [];
    for (const name of ["random spelling per request", `fixed spelling per client (${CLIENTS} clients)`] as const) {
      stack.api.flushCache();
      const rnd = prng(options.seed ?? 15);
      const sets = citySets(rnd, 40);
      const perClient = name.startsWith("fixed") ? sets.map((set) => Array.from({ length: CLIENTS }, () => spell(set, rnd))) : undefined;
      const spellings: string[] = [];
      for (let i = 0; i < requests; i++) {
        const s = zipf(rnd, sets.length);
        spellings.push(perClient ? perClient[s]![Math.floor(rnd() * CLIENTS)]! : spell(sets[s]!, rnd));
      }
      workloads.push(await runWorkload(stack, name, sets.length, spellings, tick));
      const w = workloads.at(-1)!;
      options.log(`bench: canonical "${name}": stage-cache hit ratio ${(w.canonical.hitRatio * 100).toFixed(1)} % canonical vs ${(w.baseline.hitRatio * 100).toFixed(1)} % per spelling (${w.requests} requests, ${w.spellings} spellings of ${w.sets} sets)`);
    }
    return { ttlSeconds: stack.stageTtlSeconds, workloads };
  } finally {
    await stack.close();
  }
}

async function runWorkload(stack: LocalStack, name: string, sets: number, spellings: readonly string[], tick: () => void): Promise<CanonicalWorkloadResult> {
  let baselineHits = 0;
  let hits = 0;
  let redirects = 0;
  let redirectsFromCache = 0;
  for (const cities of spellings) {
    const first = await hop(stack, `${stack.url}/forecast?cities=${encodeURIComponent(cities).replace(/%2C/g, ",")}`, tick);
    if (first.cache === "Hit") baselineHits++;
    let data = first;
    if (first.status === 308) {
      redirects++;
      if (first.cache === "Hit") redirectsFromCache++;
      data = await hop(stack, new URL(first.location!, stack.url).href, tick);
      if (data.location !== null) throw new Error(`canonical bench: ${cities} was redirected twice (${first.location} → ${data.location})`);
    }
    // Every answer is checked: a failure or a wrong list would make the ratio meaningless.
    if (data.status !== 200) throw new Error(`canonical bench: ${cities} answered ${data.status}`);
    const expected = canonicalCityList(cities.split(","));
    if (Object.keys((JSON.parse(data.body) as { forecasts: Record<string, unknown> }).forecasts).join(",") !== expected) throw new Error(`canonical bench: ${cities} answered other cities than ${expected}`);
    if (data.cache === "Hit") hits++;
  }
  const n = spellings.length;
  return {
    name,
    requests: n,
    sets,
    spellings: new Set(spellings).size,
    baseline: { hits: baselineHits, hitRatio: baselineHits / n, reads: n - baselineHits },
    canonical: { hits, hitRatio: hits / n, reads: n - hits, redirects, redirectsFromCache, invocations: n - hits + redirects - redirectsFromCache },
  };
}

async function hop(stack: LocalStack, url: string, tick: () => void): Promise<{ status: number; location: string | null; cache: string | null; body: string }> {
  tick();
  const res = await fetch(url, { headers: stack.auth.headers, redirect: "manual" });
  return { status: res.status, location: res.headers.get("location"), cache: res.headers.get("x-local-apigw-cache"), body: await res.text() };
}

/** `count` distinct sets of 3–8 ids from a pool of 60 cities. */
function citySets(rnd: () => number, count: number): string[][] {
  const pool = Array.from({ length: 60 }, (_, i) => `city-${String(i).padStart(3, "0")}`);
  const seen = new Set<string>();
  const sets: string[][] = [];
  while (sets.length < count) {
    const size = 3 + Math.floor(rnd() * 6);
    const set = shuffle([...pool], rnd).slice(0, size);
    const key = canonicalCityList(set);
    if (seen.has(key)) continue;
    seen.add(key);
    sets.push(set);
  }
  return sets;
}

/** The set in a random order, each id lowercase, Capitalized or UPPERCASE. */
function spell(set: readonly string[], rnd: () => number): string {
  return shuffle([...set], rnd)
    .map((id) => {
      const c = Math.floor(rnd() * 3);
      return c === 0 ? id : c === 1 ? id[0]!.toUpperCase() + id.slice(1) : id.toUpperCase();
    })
    .join(",");
}

/** Index 0..n-1 with probability ∝ 1/(i+1): a few popular sets, a long tail. */
function zipf(rnd: () => number, n: number): number {
  const weights = Array.from({ length: n }, (_, i) => 1 / (i + 1));
  let r = rnd() * weights.reduce((a, b) => a + b, 0);
  for (let i = 0; i < n; i++) {
    r -= weights[i]!;
    if (r <= 0) return i;
  }
  return n - 1;
}

function shuffle<T>(xs: T[], rnd: () => number): T[] {
  for (let i = xs.length - 1; i > 0; i--) {
    const j = Math.floor(rnd() * (i + 1));
    [xs[i], xs[j]] = [xs[j]!, xs[i]!];
  }
  return xs;
}


/** The section's table for the bench report. */
export function canonicalTable(r: CanonicalResults): string {
  const pct = (x: number) => `${(x * 100).toFixed(1)} %`;
  const rows = [
    `Stage-cache hit ratio, mixed-order city lists (stage TTL ${r.ttlSeconds} s; sequential requests through the local gateway, 100 per second on its clock)`,
    "",
    "| workload | requests | sets | spellings | hit ratio, each spelling its own key | hit ratio, canonical (308) | forecast reads, per spelling → canonical | invocations, per spelling → canonical | 308 hops (from cache) |",
    "|---|---:|---:|---:|---:|---:|---:|---:|---:|",
  ];
  for (const w of r.workloads) {
    rows.push(`| ${w.name} | ${w.requests} | ${w.sets} | ${w.spellings} | ${pct(w.baseline.hitRatio)} | ${pct(w.canonical.hitRatio)} | ${w.baseline.reads} → ${w.canonical.reads} | ${w.baseline.reads} → ${w.canonical.invocations} | ${w.canonical.redirects} (${w.canonical.redirectsFromCache}) |`);
  }
  return rows.join("\n");
}
