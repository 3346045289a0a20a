import { describe, expect, it } from "vitest";
import { App, Testing } from "cdktn";
import { checkCapacity, demandAt, describeFinding, readUnitsPerItem, writeUnitsPerItem } from "../../../modules/capacity/index.js";
import type { CapacityCheck, CapacityLimits, Finding } from "../../../modules/capacity/index.js";
import { PropValidationError } from "../../../modules/core/index.js";
import { buildApp } from "../../../stacks/app.js";
import { environments } from "../../../stacks/config.js";
import type { EnvironmentConfig } from "../../../stacks/config.js";
import { WeatherForecastStack } from "../../../stacks/weather-forecast-stack.js";
import { projectRoot } from "../../support/project-root.js";
import { SEEDS, workload } from "./fixtures.js";

const byCheck = (findings: Finding[], check: Finding["check"]) => findings.find((f) => f.check === check)!;

describe("DynamoDB capacity units (https://docs.aws.amazon.com/amazondynamodb/latest/developerguide/read-write-operations.html)", () => {
  it("rounds reads up to 4 KB: a 3,500-byte item costs what a 4 KB one does; an 8 KB item 2 RCU strongly consistent, 1 eventually", () => {
    expect(readUnitsPerItem(3500, "strong")).toBe(1);
    expect(readUnitsPerItem(8 * 1024, "strong")).toBe(2);
    expect(readUnitsPerItem(8 * 1024, "eventual")).toBe(1);
  });

  it("rounds each BatchGetItem item on its own: 1.5 KB + 6.5 KB read as 4 KB + 8 KB = 3 RCU, not 2", () => {
    expect(readUnitsPerItem(1.5 * 1024, "strong") + readUnitsPerItem(6.5 * 1024, "strong")).toBe(3);
  });

  it("rounds writes up to 1 KB: a 1 KB item 1 WCU, a 3 KB item 3 (the pricing page's examples); a 15.6 KB forecast 16", () => {
    expect(writeUnitsPerItem(1024)).toBe(1);
    expect(writeUnitsPerItem(3 * 1024)).toBe(3);
    expect(writeUnitsPerItem(15_958)).toBe(16);
  });
});

describe("demand of a workload", () => {
  it("Lambda concurrency is requests per second × mean duration (the Lambda guide's example: 100 rps × 500 ms = 50)", () => {
    expect(demandAt(workload({ functionDurationMs: 500 }), 100).concurrency).toBe(50);
  });

  it("only stage-cache misses invoke the function, and each level reads only what the one above missed", () => {
    const w = workload({ stageCacheHitRatio: 0.2, table: { keysPerRequest: 100, itemBytes: 15_958, consistency: "eventual", hitRatio: { l1: 0.9, l2: 0.5, table: 0.8 } } });
    const d = demandAt(w, 10);
    expect(d.invocations).toBeCloseTo(8);
    expect(d.table!.l2Lookups).toBeCloseTo(80); // 8 × 100 keys × 10 % L1 misses
    expect(d.table!.tableReads).toBeCloseTo(40); // half of them miss L2
    expect(d.table!.readUnits).toBeCloseTo(80); // 2 RCU each, eventually consistent
    expect(d.table!.originFetches).toBeCloseTo(8); // 20 % of table lookups miss
    expect(d.table!.writeUnits).toBeCloseTo(128); // written through at 16 WCU each
  });
});

describe("the capacity check against the write-ups' own numbers", () => {
  const findings = checkCapacity(SEEDS.workload, SEEDS.limits);

  it("flags their table: one cold 100-city read of 15.6 KB items a second needs 200 RCU, auto scaling to 100 at 70 % gives 70", () => {
    const read = byCheck(findings, "table.read");
    expect(read).toMatchObject({ ok: false, needed: 200, available: 70, unit: "RCU/s" });
    expect(describeFinding(read)).toBe(
      "DynamoDB table weather-forecast-cache-prod cannot carry the declared peak: it needs 200 RCU/s (1 rps peak × 100 % past the stage cache × 100 keys × " +
        "100 % L1 misses × 100 % L2 misses = 100 items/s × 2 RCU per 15,942-byte item (eventually consistent)); auto scaling (max 100 × target 70 %) allows 70 RCU/s. " +
        "Fix: raise forecastCache.read.autoScaling.max to at least 286, or revise workload.requestsPerSecond.peak or workload.table if measured traffic says otherwise",
    );
  });

  it("flags their initial fixed 10 RCU too (no auto scaling)", () => {
    const fixed: CapacityLimits = { ...SEEDS.limits, table: { ...SEEDS.limits.table!, read: { kind: "fixed", units: 10 } } };
    expect(describeFinding(byCheck(checkCapacity(SEEDS.workload, fixed), "table.read"))).toMatch(/needs 200 RCU\/s .* its fixed provisioned capacity allows 10 RCU\/s\. Fix: raise forecastCache\.read\.units to at least 200/);
  });

  it("passes the bounds that carry the peak: writes (the table hit every read), concurrency, API throttle", () => {
    expect(findings.filter((f) => f.ok).map((f) => f.check).sort()).toEqual(["api.rate", "function.concurrency", "function.timeout", "table.write"]);
    expect(byCheck(findings, "function.concurrency").bound).toMatch(/account's unreserved pool \(1,000 per Region by default/);
    expect(byCheck(findings, "api.rate").bound).toMatch(/account-level throttle \(10,000 rps/);
  });
});

describe("the capacity check against the environments' declared workloads", () => {
  it("staging's former auto scaling maxima (reads 50, writes 25) could not carry its peak; the raised ones (80, 50) can", () => {
    const staging = environments.staging;
    const limits = (readMax: number, writeMax: number): CapacityLimits => ({
      ...SEEDS.limits,
      table: { ...SEEDS.limits.table!, read: { kind: "autoScaled", min: 2, max: readMax, targetUtilization: 70 }, write: { kind: "autoScaled", min: 2, max: writeMax, targetUtilization: 70 } },
    });
    const before = checkCapacity(staging.workload, limits(50, 25));
    expect([byCheck(before, "table.read"), byCheck(before, "table.write")].map((f) => [f.ok, f.needed, f.available])).toEqual([[false, 50, 35], [false, 32, 17.5]]);
    expect(staging.forecastCache.read.autoScaling).toMatchObject({ max: 80 });
    expect(staging.forecastCache.write.autoScaling).toMatchObject({ max: 50 });
    const after = checkCapacity(staging.workload, limits(80, 50));
    expect([byCheck(after, "table.read"), byCheck(after, "table.write")].map((f) => [f.ok, f.needed, f.available])).toEqual([[true, 50, 56], [true, 32, 35]]);
  });

  it("every stack of every environment synthesizes with validations on: prod and staging carry their peaks, dev only warns", () => {
    const app = buildApp({ outdir: Testing.app().outdir, projectRoot });
    for (const stack of app.node.children) expect(() => Testing.synth(stack as Parameters<typeof Testing.synth>[0], true), stack.node.id).not.toThrow();
    const check = (id: string) => app.node.findChild(id).node.findChild("capacity") as CapacityCheck;
    const bad = (id: string) => check(id).findings.filter((f) => !f.ok).map((f) => f.check);
    expect(bad("weather-forecast-prod")).toEqual([]);
    expect(bad("weather-forecast-staging")).toEqual([]);
    expect(bad("weather-forecast-dev")).toEqual(["table.read", "table.write"]);
    const warnings = check("weather-forecast-dev").node.metadata.filter((m) => m.type === "@cdktf/warn").map((m) => m.data as string);
    expect(warnings).toHaveLength(2);
    expect(warnings[0]).toMatch(/^capacity: DynamoDB table weather-forecast-cache-dev \(aws_dynamodb_table\.forecast-cache_table_B14DFB63\) cannot carry the declared peak: it needs 40 RCU\/s .* allows 7 RCU\/s\. Fix: raise forecastCache\.read\.autoScaling\.max to at least 58/);
  });
});

describe("CapacityCheck in a stack", () => {
  /** Prod's stack with prod's table bounds (the write-ups' 10 RCU, 5–100) and the write-ups' workload. */
  function seedsStack(enforce: boolean, app = Testing.app()): WeatherForecastStack {
    const config: EnvironmentConfig = { ...environments.prod, enforce, workload: SEEDS.workload };
    return new WeatherForecastStack(app, "weather-forecast-seeds", config, { projectRoot });
  }

  it("fails synth of an enforced environment with the resource, both numbers and the field to change", () => {
    expect(() => Testing.synth(seedsStack(true), true)).toThrow(
      /\[weather-forecast-seeds\/capacity\] capacity \(enforced in this environment\): DynamoDB table weather-forecast-cache-prod \(aws_dynamodb_table\.forecast-cache_table_B14DFB63\) cannot carry the declared peak: it needs 200 RCU\/s .* allows 70 RCU\/s\. Fix: raise forecastCache\.read\.autoScaling\.max to at least 286/s,
    );
  });

  it("fails the normal app synth too (App.synth runs construct validations)", () => {
    const app = new App({ outdir: Testing.app().outdir, skipValidation: false });
    seedsStack(true, app);
    expect(() => app.synth()).toThrow(/needs 200 RCU\/s/);
  });

  it("only warns where the environment does not enforce, and records workload, path and findings in the stack's JSON", () => {
    const stack = seedsStack(false);
    expect(() => Testing.synth(stack, true)).not.toThrow();
    // Testing.synth strips every "//" key; the stack's own JSON (what synth writes) keeps them.
    const json = stack.toTerraform() as { "//": { capacity: { enforce: boolean; path: object; findings: Finding[] } } };
    expect(json["//"].capacity.enforce).toBe(false);
    expect(json["//"].capacity.path).toEqual({
      api: "aws_api_gateway_stage.forecast-api_stage_B85EDE91",
      function: "aws_lambda_function.forecast-function_500C68B7",
      l2: "aws_elasticache_replication_group.forecast-l2_replication-group_CE5ED592",
      table: "aws_dynamodb_table.forecast-cache_table_B14DFB63",
    });
    expect(json["//"].capacity.findings.filter((f) => !f.ok).map((f) => f.check)).toEqual(["table.read"]);
    expect(stack.node.findChild("capacity").node.metadata.filter((m) => m.type === "@cdktf/warn")).toHaveLength(1);
  });

  it("rejects a workload that does not fit the stack, naming the field", () => {
    const noL2: EnvironmentConfig = { ...environments.dev, workload: { ...environments.prod.workload } };
    const error = (() => {
      try {
        new WeatherForecastStack(Testing.app(), "dev-with-l2-ratio", noL2, { projectRoot });
      } catch (e) {
        return e;
      }
    })();
    expect(error).toBeInstanceOf(PropValidationError);
    expect((error as Error).message).toMatch(/workload\.table\.hitRatio\.l2 = 0\.75: must be 0 when the stack has no L2 cache/);
  });

  it("rejects impossible workloads with every problem at once", () => {
    const bad: EnvironmentConfig = { ...environments.prod, workload: { ...environments.prod.workload, requestsPerSecond: { peak: 5, average: 10 }, stageCacheHitRatio: 1.5 } };
    expect(() => new WeatherForecastStack(Testing.app(), "bad", bad, { projectRoot })).toThrow(
      /workload\.requestsPerSecond\.average = 10: must not exceed requestsPerSecond\.peak \(5\)[\s\S]*workload\.stageCacheHitRatio = 1\.5: must be a number between 0 and 1/,
    );
  });
});
