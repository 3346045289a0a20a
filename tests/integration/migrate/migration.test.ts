import { spawn } from "node:child_process";
import type { ChildProcess } from "node:child_process";
import { randomUUID } from "node:crypto";
import { existsSync, readFileSync } from "node:fs";
import { createRequire } from "node:module";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, inject, it } from "vitest";
import { CreateTableCommand, ScanCommand } from "@aws-sdk/client-dynamodb";
import type { DynamoDBClient } from "@aws-sdk/client-dynamodb";
import { batchWrite } from "../../../functions/lib/dynamo/batch-write.js";
import { resolveDynamoTableProps } from "../../../modules/dynamodb-table/resolve.js";
import type { Checkpoint } from "../../../scripts/migrate/checkpoint.js";
import type { MigrationReport } from "../../../scripts/migrate/run.js";
import { v1Item, V1_KEYS } from "../../../scripts/migrate/v1.js";
import { ensureTable } from "../../../scripts/support/local-table.js";
import { historyTableProps } from "../../../stacks/conversation-memory-parts.js";
import { memoryEnvironments } from "../../../stacks/memory-config.js";
import { dynamoErrors, HttpFaultProxy } from "../../support/http-fault-proxy.js";
import { projectRoot } from "../../support/project-root.js";
import { scratchDirs } from "../../support/scratch.js";
import { dynamoFor } from "../lib/fixtures.js";

/**
 * `npm run migrate` as the operator runs it — a real child process — against dynalite with 10,000 v1 items and
 * injected throttling (whole requests rejected, partial batches reported unprocessed), killed with SIGKILL in the
 * middle of the copy, then run again: it resumes from its checkpoint file and ends with every item in v2 exactly
 * once, which the validation pass (counts and content hashes per user) and a scan of both tables confirm.
 */
const ITEMS = 10_000;
const USERS = 40;
const { tmp, cleanup } = scratchDirs();
let direct: DynamoDBClient;
let proxy: HttpFaultProxy;
let v1: string;
let v2: string;
let dir: string;

beforeAll(async () => {
  direct = dynamoFor(inject("dynamoEndpoint"));
  proxy = await HttpFaultProxy.start(inject("dynamoEndpoint"));
  const suffix = randomUUID().slice(0, 8);
  v1 = `ConversationHistory-v1-${suffix}`;
  v2 = `ConversationHistoryV2-${suffix}`;
  await direct.send(
    new CreateTableCommand({
      TableName: v1,
      AttributeDefinitions: V1_KEYS.map((AttributeName) => ({ AttributeName, AttributeType: "S" as const })),
      KeySchema: [{ AttributeName: "user_id", KeyType: "HASH" }, { AttributeName: "timestamp", KeyType: "RANGE" }],
      BillingMode: "PAY_PER_REQUEST",
    }),
  );
  await ensureTable(direct, resolveDynamoTableProps({ ...historyTableProps(memoryEnvironments.dev), tableName: v2 }));
  const start = Date.parse("2026-01-01T00:00:00Z");
  const puts = Array.from({ length: ITEMS }, (_, i) => ({
    put: v1Item({
      userId: `user-${i % USERS}`,
      // Millisecond timestamps, like the write-up's v1 (normalized to microseconds in v2).
      timestamp: new Date(start + i * 97_000).toISOString(),
      sessionId: `s-${i % USERS}-${Math.floor(i / 500)}`,
      role: i % 2 ? "assistant" : "user",
      content: `message ${i} ${"lorem ipsum ".repeat(i % 7)}`,
      ...(i % 3 ? { tokens: i % 300 } : {}),
    }),
  }));
  const seeded = await batchWrite(direct, v1, puts, { keyAttributes: [...V1_KEYS], concurrency: 8, deadlineMs: 120_000 });
  expect(seeded.written).toHaveLength(ITEMS);
  dir = tmp("migrate-");
}, 60_000);
afterAll(async () => {
  direct.destroy();
  await proxy.stop();
  cleanup();
});

function migrate(args: string[]): { child: ChildProcess; done: Promise<{ code: number | null; signal: NodeJS.Signals | null; stderr: string }> } {
  // The migration in this very process (tsx as a loader), not under tsx's CLI: the CLI runs the script in a child
  // process, so a SIGKILL of the CLI left the migration running, writing its checkpoint beside the resumed run's.
  const tsx = createRequire(import.meta.url).resolve("tsx/esm");
  const child = spawn(process.execPath, ["--import", tsx, "scripts/migrate.ts", ...args], {
    cwd: projectRoot,
    stdio: ["ignore", "ignore", "pipe"],
    env: { ...process.env, AWS_REGION: "us-east-1", AWS_ACCESS_KEY_ID: "test", AWS_SECRET_ACCESS_KEY: "test", SDK_MAX_ATTEMPTS: "1", SDK_RETRY_MODE: "standard", SDK_REQUEST_TIMEOUT_MS: "30000" },
  });
  let stderr = "";
  child.stderr!.on("data", (d: Buffer) => (stderr += d.toString()));
  const done = new Promise<{ code: number | null; signal: NodeJS.Signals | null; stderr: string }>((resolve) => child.once("exit", (code, signal) => resolve({ code, signal, stderr })));
  return { child, done };
}

async function count(table: string): Promise<number> {
  let n = 0;
  let start: Record<string, never> | undefined;
  do {
    const out = await direct.send(new ScanCommand({ TableName: table, Select: "COUNT", ExclusiveStartKey: start }));
    n += out.Count ?? 0;
    start = out.LastEvaluatedKey as typeof start;
  } while (start);
  return n;
}

describe("npm run migrate: 10,000 v1 items, throttled, killed and resumed", () => {
  it("loses nothing, duplicates nothing, resumes from its checkpoint and validates per user", async () => {
    const checkpoint = join(dir, "checkpoint.json");
    const report = join(dir, "report.json");
    const args = ["--from", v1, "--to", v2, "--endpoint", proxy.endpoint, "--segments", "4", "--page-size", "200", "--checkpoint", checkpoint, "--report", report];

    // Throttling all through both runs: every 6th write request and every 9th Scan rejected whole; every 5th
    // write answered with 5 of its items as UnprocessedItems (written, but the client must send them again).
    let writes = 0;
    let scans = 0;
    proxy.add({ operation: "BatchWriteItem", match: () => ++writes % 6 === 0, respond: dynamoErrors.provisionedThroughputExceeded });
    proxy.add({ operation: "Scan", match: () => ++scans % 9 === 0, respond: dynamoErrors.throttling });
    proxy.add({
      operation: "BatchWriteItem",
      match: () => writes % 5 === 0,
      rewrite: (_response, request) => {
        const items = (request as { RequestItems: Record<string, unknown[]> }).RequestItems[v2]!;
        return { UnprocessedItems: { [v2]: items.slice(0, 5) } };
      },
    });
    // The first run is slowed down so it can be killed in the middle of the copy.
    const slow = { operation: "BatchWriteItem", delayMs: 40 } as const;
    proxy.add(slow);

    const first = migrate(args);
    let progressAtKill = 0;
    for (let waited = 0; waited < 40_000; waited += 50) {
      await new Promise((r) => setTimeout(r, 50));
      if (!existsSync(checkpoint)) continue;
      const c = JSON.parse(readFileSync(checkpoint, "utf8")) as Checkpoint;
      progressAtKill = c.progress.reduce((n, p) => n + p.written, 0);
      if (progressAtKill >= 2000) break;
    }
    first.child.kill("SIGKILL");
    const killed = await first.done;
    expect(killed.signal, killed.stderr).toBe("SIGKILL");
    expect(progressAtKill).toBeGreaterThanOrEqual(2000);
    const copiedBeforeKill = await count(v2);
    expect(copiedBeforeKill).toBeGreaterThanOrEqual(progressAtKill);
    expect(copiedBeforeKill).toBeLessThan(ITEMS);

    const injectedBefore = proxy.log.filter((r) => r.injected).length;
    const second = migrate(args);
    const finished = await second.done;
    expect(finished.code, finished.stderr.slice(-2000)).toBe(0);
    const r = JSON.parse(readFileSync(report, "utf8")) as MigrationReport;

    expect(r.resumed).toBe(true);
    expect(r.resumes).toBe(1);
    expect(r.copy.rejected).toEqual([]);
    expect(r.copy.retries).toBeGreaterThan(0);
    expect(r.validation).toMatchObject({ v1Items: ITEMS, v2Items: ITEMS, users: USERS, mismatchedUsers: 0, ok: true });
    // Independently of the command's own validation: both tables hold exactly ITEMS items.
    expect(await count(v1)).toBe(ITEMS);
    expect(await count(v2)).toBe(ITEMS);
    const injected = proxy.log.filter((x) => x.injected).length;
    expect(injectedBefore).toBeGreaterThan(0);
    expect(injected - injectedBefore).toBeGreaterThan(0);
    console.info(
      `migration: ${ITEMS} items, ${USERS} users; killed after ${progressAtKill} checkpointed (${copiedBeforeKill} in v2); ${injected} throttled requests injected ` +
        `(${injectedBefore} before the kill), ${r.copy.retries} retries in the resumed run; v2 ${r.validation.v2Items} items, ${r.validation.mismatchedUsers} mismatched users`,
    );
  }, 240_000); // two migrations of 10,000 items through a throttling proxy: ~60 s here, several times that on a loaded machine
});
