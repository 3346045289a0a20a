import { describe, expect, it } from "vitest";
import { AthenaWorkgroup, resolveAthenaWorkgroupProps } from "../../../modules/athena-workgroup/index.js";
import type { AthenaWorkgroupProps, GlueTableProps } from "../../../modules/athena-workgroup/index.js";
import { checkDateRange, parseDateFormat } from "../../../modules/athena-workgroup/date-projection.js";
import { parseHiveType } from "../../../modules/athena-workgroup/hive-types.js";
import { bucketNameProblem, derivedBucketName, parseS3Folder } from "../../../modules/athena-workgroup/s3-names.js";
import { PropValidationError } from "../../../modules/core/index.js";
import { synthStack } from "../../support/synth.js";

const table: GlueTableProps = {
  name: "orders",
  location: "s3://shop-data/orders/",
  columns: [{ name: "order_id", type: "string" }],
  partitioning: { kind: "date", range: "2024-01-01,NOW" },
};
const base: AthenaWorkgroupProps = { workgroupName: "analytics", database: { name: "shop" }, tables: [table] };
const withTable = (t: Partial<GlueTableProps>): AthenaWorkgroupProps => ({ ...base, tables: [{ ...table, ...t }] });
const withDate = (d: Record<string, unknown>): AthenaWorkgroupProps => withTable({ partitioning: { kind: "date", range: "2024-01-01,NOW", ...d } as GlueTableProps["partitioning"] });

function errorOf(props: AthenaWorkgroupProps): Error | undefined {
  try {
    synthStack((stack) => new AthenaWorkgroup(stack, "wg", props));
  } catch (e) {
    return e as Error;
  }
  return undefined;
}

describe("AthenaWorkgroup: validation names the field, the value and the allowed range", () => {
  const cases: Array<[string, AthenaWorkgroupProps, RegExp]> = [
    ["a scan cutoff under Athena's 10 MB minimum", { ...base, bytesScannedCutoffPerQuery: 10_485_759 }, /bytesScannedCutoffPerQuery = 10485759: must be a whole number between 10,485,760 and/],
    ["a fractional scan cutoff", { ...base, bytesScannedCutoffPerQuery: 20_000_000.5 }, /bytesScannedCutoffPerQuery = 20000000.5: must be a whole number/],
    ["a result reuse age over 7 days", { ...base, resultReuseMaxAgeMinutes: 10_081 }, /resultReuseMaxAgeMinutes = 10081: must be a whole number between 0 and 10,080/],
    [
      "a result reuse age longer than results are kept",
      { ...base, resultsBucket: { mode: "create", expirationDays: 1 }, resultReuseMaxAgeMinutes: 1441 },
      /resultReuseMaxAgeMinutes = 1441: must not exceed the results expiration \(resultsBucket\.expirationDays = 1 days = 1440 minutes\)/,
    ],
    ["an expiration of 0 days", { ...base, resultsBucket: { mode: "create", expirationDays: 0 } }, /resultsBucket\.expirationDays = 0: must be a whole number between 1 and 3,650/],
    ["a workgroup name with a space", { ...base, workgroupName: "my workgroup" }, /workgroupName = "my workgroup": must be 1–128 characters of letters, digits, '\.', '_', '-'/],
    ["an uppercase bucket name", { ...base, resultsBucket: { mode: "create", bucketName: "Athena-Results" } }, /resultsBucket\.bucketName = "Athena-Results": must be lowercase letters/],
    ["a dotted name for a bucket the module creates", { ...base, resultsBucket: { mode: "create", bucketName: "athena.results" } }, /resultsBucket\.bucketName = "athena\.results": must not contain '\.': dotted bucket names break TLS/],
    ["a bucket name over 63 characters", { ...base, resultsBucket: { mode: "create", bucketName: "a".repeat(64) } }, /resultsBucket\.bucketName = "a{64}": must be 3–63 characters/],
    ["a reserved bucket prefix", { ...base, resultsBucket: { mode: "create", bucketName: "xn--results" } }, /must not start with the reserved prefix "xn--"/],
    ["an existing bucket named like an IP address", { ...base, resultsBucket: { mode: "existing", bucketName: "192.168.1.1" } }, /resultsBucket\.bucketName = "192\.168\.1\.1": must not be formatted as an IP address/],
    ["an unknown bucket mode", { ...base, resultsBucket: { mode: "import" } as never }, /resultsBucket\.mode = "import": must be "create" or "existing"/],
    ["a results prefix without a trailing slash", { ...base, resultsPrefix: "results" }, /resultsPrefix = "results": must be 1–256 characters of non-empty path segments ending with '\/'/],
    ["a results prefix with a leading slash", { ...base, resultsPrefix: "/results/" }, /resultsPrefix = "\/results\/": must be/],
    ["a KMS key that is not an ARN", { ...base, encryption: { type: "SSE_KMS", kmsKeyArn: "alias/athena" } }, /encryption\.kmsKeyArn = "alias\/athena": must be a KMS key ARN/],
    ["CSE_KMS encryption", { ...base, encryption: { type: "CSE_KMS" } as never }, /encryption\.type = "CSE_KMS": must be one of "SSE_S3", "SSE_KMS"/],
    ["an expected owner that is not an account id", { ...base, expectedBucketOwner: "me" }, /expectedBucketOwner = "me": must be a 12-digit AWS account id/],
    ["a database name with a hyphen", { ...base, database: { name: "shop-db" } }, /database\.name = "shop-db": must be 1–255 characters of lowercase letters, digits and '_', starting with a letter/],
    ["tables without a database", { workgroupName: "analytics", tables: [table] }, /tables = \["orders"\]: need a database: set props\.database/],
    ["named queries without a database", { workgroupName: "analytics", namedQueries: [{ name: "q", query: "SELECT 1" }] }, /namedQueries = \["q"\]: need a database to run in/],
    ["an empty named query", { ...base, namedQueries: [{ name: "q", query: "" }] }, /namedQueries\[0\]\.query = "": must be a string of 1–262,144 characters/],
    [
      "two named queries whose names differ only in punctuation",
      { ...base, namedQueries: [{ name: "orders/day", query: "SELECT 1" }, { name: "orders day", query: "SELECT 2" }] },
      /namedQueries\[1\]\.name = "orders day": must be unique among the workgroup's named queries/,
    ],
    ["an uppercase table name", withTable({ name: "Orders" }), /tables\[0\]\.name = "Orders": must be 1–255 characters of lowercase letters/],
    ["two tables with one name", { ...base, tables: [table, table] }, /tables\[1\]\.name = "orders": must be unique in the database/],
    ["a table without columns", withTable({ columns: [] }), /tables\[0\]\.columns = \[\]: must list at least one column/],
    ["a column named in uppercase", withTable({ columns: [{ name: "OrderId", type: "string" }] }), /tables\[0\]\.columns\[0\]\.name = "OrderId": must be 1–255 characters of lowercase/],
    ["a duplicate column", withTable({ columns: [{ name: "a", type: "string" }, { name: "a", type: "int" }] }), /tables\[0\]\.columns\[1\]\.name = "a": must be unique in the table/],
    ["Athena's DML name integer", withTable({ columns: [{ name: "n", type: "integer" }] }), /tables\[0\]\.columns\[0\]\.type = "integer": "integer" is Athena's query \(DML\) name; the catalog needs the DDL name "int"/],
    ["a misspelt type", withTable({ columns: [{ name: "n", type: "strin" }] }), /tables\[0\]\.columns\[0\]\.type = "strin": unknown type "strin"; must be a Hive DDL type/],
    ["a decimal wider than 38 digits", withTable({ columns: [{ name: "n", type: "decimal(40,2)" }] }), /decimal precision 40 is outside 1–38/],
    ["a varchar over 65,535", withTable({ columns: [{ name: "n", type: "varchar(70000)" }] }), /length 70000 is outside 1–65,535/],
    ["a map keyed by an array", withTable({ columns: [{ name: "n", type: "map<array<string>,int>" }] }), /map key type at position 4 must be primitive/],
    ["an unclosed array", withTable({ columns: [{ name: "n", type: "array<string" }] }), /expected ">" at position 12/],
    [
      "a partition key that is also a column",
      withTable({ columns: [{ name: "order_id", type: "string" }, { name: "dt", type: "date" }] }),
      /tables\[0\]\.columns\[1\]\.name = "dt": is also a partition key; partition values come from the S3 path/,
    ],
    ["an https location", withTable({ location: "https://shop-data.s3.amazonaws.com/orders/" }), /tables\[0\]\.location = "https:\/\/shop-data\.s3\.amazonaws\.com\/orders\/": must be an S3 folder URI/],
    ["a location without a trailing slash", withTable({ location: "s3://shop-data/orders" }), /tables\[0\]\.location = "s3:\/\/shop-data\/orders": must be an S3 folder URI/],
    ["a location with an invalid bucket", withTable({ location: "s3://Shop_Data/orders/" }), /tables\[0\]\.location = "s3:\/\/Shop_Data\/orders\/"/],
    ["zstd in lowercase", withTable({ compression: "zstd" as never }), /tables\[0\]\.compression = "zstd": must be one of "ZSTD", "SNAPPY"/],
    ["a range written in another format", withDate({ range: "2024/01/01,NOW" }), /tables\[0\]\.partitioning\.range = "2024\/01\/01,NOW": start "2024\/01\/01" does not match the format "yyyy-MM-dd"/],
    ["a range with one value", withDate({ range: "2024-01-01" }), /partitioning\.range = "2024-01-01": must be two values separated by one comma/],
    ["a range that ends before it starts", withDate({ range: "2025-01-01,2024-01-01" }), /partitioning\.range = "2025-01-01,2024-01-01": start is after end/],
    ["a relative range that ends before it starts", withDate({ range: "NOW,NOW-3YEARS" }), /partitioning\.range = "NOW,NOW-3YEARS": start is after end/],
    ["a date that is not in the calendar", withDate({ range: "2023-02-29,NOW" }), /start "2023-02-29" is not a calendar date \(2023-02 has 28 days\)/],
    ["a month 13", withDate({ range: "2024-13-01,NOW" }), /start "2024-13-01": MM = 13 is outside 1–12/],
    ["a format Athena would read differently (MMM)", withDate({ format: "dd-MMM-yyyy" }), /partitioning\.format = "dd-MMM-yyyy": must be a DateTimeFormatter pattern built from yyyy, MM, dd, HH, mm, ss/],
    ["a format without a year", withDate({ format: "MM-dd", range: "01-01,NOW" }), /partitioning\.format = "MM-dd": must be a DateTimeFormatter pattern/],
    ["an hourly step on a daily format", withDate({ unit: "HOURS" }), /partitioning\.unit = "HOURS": is finer than the format "yyyy-MM-dd" \(finest field: DAYS\); allowed: YEARS, MONTHS, WEEKS, DAYS/],
    ["an unknown unit", withDate({ unit: "FORTNIGHTS" }), /partitioning\.unit = "FORTNIGHTS": must be one of YEARS, MONTHS, WEEKS, DAYS, HOURS, MINUTES, SECONDS/],
    ["an interval of 0", withDate({ interval: 0 }), /partitioning\.interval = 0: must be a whole number between 1 and 1,000,000/],
    ["a partition key with a hyphen", withDate({ key: "order-date" }), /partitioning\.key = "order-date": must be 1–255 characters/],
    [
      "a location template outside the table location",
      withDate({ locationTemplate: "s3://other-bucket/orders/dt=${dt}/" }),
      /partitioning\.locationTemplate = "s3:\/\/other-bucket\/orders\/dt=\$\{dt\}\/": must start with the table location s3:\/\/shop-data\/orders\//,
    ],
    [
      "a location template missing the key",
      withDate({ locationTemplate: "s3://shop-data/orders/${day}/" }),
      /partitioning\.locationTemplate = "s3:\/\/shop-data\/orders\/\$\{day\}\/": must contain \$\{dt\} exactly once each and no other placeholder/,
    ],
    ["ymd with the last year first", withTable({ partitioning: { kind: "ymd", firstYear: 2030, lastYear: 2024 } }), /partitioning\.lastYear = 2024: must be ≥ firstYear \(2030\)/],
    ["ymd spanning centuries", withTable({ partitioning: { kind: "ymd", firstYear: 1970, lastYear: 2500 } }), /partitioning\.lastYear = 2500: must be at most 200 years after firstYear/],
    ["an unknown partitioning kind", withTable({ partitioning: { kind: "hourly" } as never }), /partitioning\.kind = "hourly": must be "date" or "ymd"/],
    [
      "data inside the results location",
      { ...withTable({ location: "s3://shared-bucket/athena/analytics/orders/" }), resultsBucket: { mode: "existing", bucketName: "shared-bucket" }, resultsPrefix: "athena/" },
      /tables\[0\]\.location = "s3:\/\/shared-bucket\/athena\/analytics\/orders\/": must not overlap the results location s3:\/\/shared-bucket\/athena\/: queries would read their own results/,
    ],
    ["a missing workgroup name", { ...base, workgroupName: undefined } as never, /workgroupName = undefined: is required/],
    ["a database without a name", { ...base, database: {} } as never, /database\.name = undefined: is required/],
    ["a column without a type", withTable({ columns: [{ name: "n" } as never] }), /tables\[0\]\.columns\[0\]\.type = undefined: must be a Hive DDL type/],
    ["a date partitioning without a range", withTable({ partitioning: { kind: "date" } as never }), /partitioning\.range = undefined: must be "<start>,<end>"/],
    ["ymd without a last year", withTable({ partitioning: { kind: "ymd", firstYear: 2024 } as never }), /partitioning\.lastYear = undefined: is required/],
    ["a tag key with the aws: prefix", { ...base, tags: { "aws:x": "y" } }, /tags\.aws:x = "aws:x": tag keys must be 1–128 characters and not start with 'aws:'/],
  ];

  it.each(cases)("rejects %s", (_name, props, message) => {
    const error = errorOf(props);
    expect(error).toBeInstanceOf(PropValidationError);
    expect(error!.message).toMatch(message);
  });

  it("reports an invalid workgroup name once, not again through the results prefix derived from it", () => {
    expect((errorOf({ ...base, workgroupName: "my workgroup" }) as PropValidationError).problems).toEqual([
      `workgroupName = "my workgroup": must be 1–128 characters of letters, digits, '.', '_', '-'`,
    ]);
  });

  it("names the right table when an earlier one is invalid too", () => {
    const error = errorOf({
      ...base,
      resultsBucket: { mode: "existing", bucketName: "shared-bucket" },
      resultsPrefix: "athena/",
      tables: [{ ...table, name: "Bad" }, { ...table, name: "inside", location: "s3://shared-bucket/athena/x/" }],
    });
    expect(error!.message).toMatch(/tables\[1\]\.location = "s3:\/\/shared-bucket\/athena\/x\/": must not overlap/);
  });

  it("reports every problem at once, not just the first", () => {
    const error = errorOf({
      ...withTable({ name: "Orders", columns: [{ name: "n", type: "integer" }] }),
      bytesScannedCutoffPerQuery: 1,
      resultsPrefix: "x",
    });
    expect(error).toBeInstanceOf(PropValidationError);
    expect((error as PropValidationError).problems).toHaveLength(4);
    expect(error!.message).toMatch(/bytesScannedCutoffPerQuery[\s\S]*resultsPrefix[\s\S]*tables\[0\]\.name[\s\S]*tables\[0\]\.columns\[0\]\.type/);
  });

  const accepted: Array<[string, AthenaWorkgroupProps]> = [
    ["the 10 MB minimum cutoff exactly", { ...base, bytesScannedCutoffPerQuery: 10_485_760 }],
    ["result reuse turned off (0 minutes) and the 7-day maximum with 7-day expiration", { ...base, resultReuseMaxAgeMinutes: 10_080 }],
    ["an existing dotted bucket", { ...base, resultsBucket: { mode: "existing", bucketName: "legacy.athena.results" } }],
    ["a relative range", withDate({ range: "NOW-3YEARS,NOW" })],
    ["a future end", withDate({ range: "2024-01-01,NOW+1DAY" })],
    ["a monthly format stepping by months", withDate({ format: "yyyy-MM", range: "2020-01,NOW" })],
    ["a compact format with quoted text", withDate({ format: "'d'yyyyMMdd", range: "d20240101,d20241231" })],
    ["data in the bucket root", withTable({ location: "s3://shop-data/" })],
    ["data next to, not inside, the results", { ...withTable({ location: "s3://shared-bucket/data/" }), resultsBucket: { mode: "existing", bucketName: "shared-bucket" }, resultsPrefix: "results/" }],
    ["nested and spaced types", withTable({ columns: [{ name: "a", type: "MAP<STRING, ARRAY<STRUCT<x:INT, y:DECIMAL(5)>>>" }, { name: "b", type: "char(10)" }, { name: "c", type: "timestamp" }] })],
  ];

  it.each(accepted)("accepts %s", (_name, props) => {
    expect(errorOf(props)).toBeUndefined();
  });
});

describe("defaults", () => {
  it("resolves to a 1 GB cutoff, 60-minute reuse, SSE-S3, a created bucket keeping results 7 days, ZSTD tables", () => {
    const c = resolveAthenaWorkgroupProps(base);
    expect(c).toMatchObject({
      bytesScannedCutoffPerQuery: 1_073_741_824,
      resultReuseMaxAgeMinutes: 60,
      encryption: { type: "SSE_S3" },
      resultsBucket: { mode: "create", expirationDays: 7 },
      resultsPrefix: "analytics/",
      forceDestroy: false,
    });
    expect(c.tables[0]).toMatchObject({ compression: "ZSTD", partitionKeys: [{ name: "dt", type: "string" }], locationTemplate: "s3://shop-data/orders/dt=${dt}/" });
  });
});

describe("Hive column types", () => {
  it("normalizes case and spaces and keeps the structure", () => {
    expect(parseHiveType(" Array< Struct<a : BIGINT , b:decimal(10, 2)> > ")).toEqual({ ok: true, type: "array<struct<a:bigint,b:decimal(10,2)>>" });
    expect(parseHiveType("decimal")).toEqual({ ok: true, type: "decimal" });
    expect(parseHiveType("decimal(12)")).toEqual({ ok: true, type: "decimal(12,0)" });
  });

  it("rejects struct fields named twice, a scale larger than the precision and trailing text", () => {
    expect(parseHiveType("struct<a:int,a:string>")).toMatchObject({ ok: false, reason: expect.stringMatching(/struct field "a" appears twice/) });
    expect(parseHiveType("decimal(5,6)")).toMatchObject({ ok: false, reason: expect.stringMatching(/scale 6 is larger than its precision 5/) });
    expect(parseHiveType("string string")).toMatchObject({ ok: false, reason: expect.stringMatching(/unexpected "string"/) });
  });
});

describe("date projection formats and ranges", () => {
  it("knows the finest unit of a format", () => {
    expect(parseDateFormat("yyyy-MM-dd")?.finestUnit).toBe("DAYS");
    expect(parseDateFormat("yyyy/MM/dd/HH")?.finestUnit).toBe("HOURS");
    expect(parseDateFormat("yyyy-MM-dd'T'HH:mm:ss")?.finestUnit).toBe("SECONDS");
    expect(parseDateFormat("yyyy")?.finestUnit).toBe("YEARS");
    expect(parseDateFormat("yyyy-MM-dd-yyyy")).toBeUndefined();
  });

  it("checks ranges with times", () => {
    const f = parseDateFormat("yyyy-MM-dd-HH")!;
    expect(checkDateRange("2024-01-01-00,2024-01-01-23", f, "yyyy-MM-dd-HH")).toBeUndefined();
    expect(checkDateRange("2024-01-01-24,NOW", f, "yyyy-MM-dd-HH")).toMatch(/HH = 24 is outside 0–23/);
    expect(checkDateRange("2024-01-01-05,2024-01-01-04", f, "yyyy-MM-dd-HH")).toBe("start is after end");
    expect(checkDateRange("NOW-2HOURS,NOW+1HOUR", f, "yyyy-MM-dd-HH")).toBeUndefined();
    expect(checkDateRange("NOW-2FORTNIGHTS,NOW", f, "yyyy-MM-dd-HH")).toMatch(/start "NOW-2FORTNIGHTS" does not match/);
  });
});

describe("S3 names", () => {
  const account = "123456789012";
  const longestRegion = "us-isof-south-1";

  it("derives a valid bucket name of at most 63 characters even for long workgroup names and the longest regions", () => {
    for (const workgroup of ["analytics-prod", "Analytics_Prod.V2", "a".repeat(128), "-._-", "xn--punycode"]) {
      const name = derivedBucketName(workgroup, account, longestRegion);
      expect(name.length).toBeLessThanOrEqual(63);
      expect(bucketNameProblem(name, { allowDots: false })).toBeUndefined();
    }
    expect(derivedBucketName("Analytics_Prod.V2", account, "eu-west-1")).toBe("analytics-prod-v2-athena-123456789012-eu-west-1");
  });

  it("keeps two long workgroup names with one prefix apart with a hash", () => {
    const a = derivedBucketName(`${"x".repeat(40)}-orders`, account, "eu-west-1");
    const b = derivedBucketName(`${"x".repeat(40)}-events`, account, "eu-west-1");
    expect(a).not.toBe(b);
    expect(a).toMatch(/^x+-[0-9a-f]{6}-athena-123456789012-eu-west-1$/);
  });

  it("parses S3 folder URIs", () => {
    expect(parseS3Folder("s3://shop-data/orders/2024/")).toEqual({ bucket: "shop-data", prefix: "orders/2024/" });
    expect(parseS3Folder("s3://shop-data/")).toEqual({ bucket: "shop-data", prefix: "" });
    expect(parseS3Folder("s3://shop-data//orders/")).toBeUndefined();
    expect(parseS3Folder("s3://shop-data/ord*rs/")).toBeUndefined();
  });
});
