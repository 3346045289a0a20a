// `npm run migrate -- --from <v1 table> --to <v2 table>`: copy, transform and validate a v1 conversation table into
// ConversationHistoryV2 (scripts/migrate/run.ts; phases and dual-write in docs/memory-migration.md). Options:
// --segments 4 --page-size 250 --checkpoint .migrate/<from>--<to>.json --report <file> --validate-only
// --endpoint <url> (dynalite, DynamoDB Local; else AWS_REGION and the usual credentials). Exit 0 when validation
// passes, 1 when it does not, 2 on bad options; a failed run keeps its checkpoint: run the same command again.
import { writeFileSync } from "node:fs";
import { parseArgs } from "node:util";
import { createDynamoClient } from "../functions/lib/clients/dynamodb.js";
import { readConfig } from "../functions/lib/config.js";
import { runMigration } from "./migrate/run.js";

const { values } = parseArgs({
  options: {
    from: { type: "string" },
    to: { type: "string" },
    segments: { type: "string", default: "4" },
    "page-size": { type: "string", default: "250" },
    checkpoint: { type: "string" },
    report: { type: "string" },
    endpoint: { type: "string" },
    "validate-only": { type: "boolean", default: false },
  },
});
const problems: string[] = [];
const TABLE = /^[A-Za-z0-9_.-]{3,255}$/;
if (!values.from || !TABLE.test(values.from)) problems.push(`--from ${JSON.stringify(values.from ?? null)}: the v1 table name (3–255 of A-Z a-z 0-9 _ . -) is required`);
if (!values.to || !TABLE.test(values.to)) problems.push(`--to ${JSON.stringify(values.to ?? null)}: the v2 table name (3–255 of A-Z a-z 0-9 _ . -) is required`);
const int = (flag: string, raw: string, min: number, max: number) => {
  const n = Number(raw);
  if (!Number.isInteger(n) || n < min || n > max) problems.push(`--${flag} ${JSON.stringify(raw)}: must be a whole number from ${min} to ${max}`);
  return n;
};
const segments = int("segments", values.segments!, 1, 64);
const pageSize = int("page-size", values["page-size"]!, 1, 1000);
if (problems.length > 0) {
  console.error(`migrate: invalid options:\n${problems.map((p) => `  - ${p}`).join("\n")}`);
  process.exit(2);
}

const config = readConfig({ AWS_REGION: process.env.AWS_REGION ?? process.env.AWS_DEFAULT_REGION ?? "us-east-1", ...process.env, ...(values.endpoint ? { DYNAMODB_ENDPOINT: values.endpoint } : {}) });
const client = createDynamoClient(config.aws);
try {
  const report = await runMigration({
    client,
    from: values.from!,
    to: values.to!,
    segments,
    pageSize,
    checkpointFile: values.checkpoint ?? `.migrate/${values.from}--${values.to}.json`,
    validateOnly: values["validate-only"],
    log: (line) => console.error(line),
  });
  const text = JSON.stringify(report, null, 2);
  if (values.report) writeFileSync(values.report, `${text}\n`);
  console.log(text);
  const v = report.validation;
  console.error(`migrate: ${v.ok ? "OK" : "VALIDATION FAILED"} — v1 ${v.v1Items} items, v2 ${v.v2Items}, ${v.users} users, ${v.mismatchedUsers} mismatched, ${report.copy.rejected.length} rejected, ${report.copy.retries} retries${report.resumed ? `, resumed (run ${report.resumes + 1})` : ""}`);
  process.exitCode = v.ok ? 0 : 1;
} finally {
  client.destroy();
}
