import { Annotations, DISABLE_STACK_TRACE_IN_METADATA, TerraformElement } from "cdktn";
import type { TerraformResource } from "cdktn";
import type { Construct } from "constructs";
import type { ApiCache } from "../api-cache/index.js";
import type { AthenaWorkgroup } from "../athena-workgroup/index.js";
import { Problems } from "../core/validation.js";
import type { DynamoTable, ResolvedCapacity } from "../dynamodb-table/index.js";
import type { LambdaFunction } from "../lambda-function/index.js";
import type { RedisCache } from "../redis-cache/index.js";
import { checkCapacity, describeFinding } from "./check.js";
import type { Finding } from "./check.js";
import type { CapacityLimits, UnitsBound } from "./limits.js";
import { CAPACITY_RECORD_VERSION } from "./record.js";
import type { CapacityRecord } from "./record.js";
import { validateWorkload } from "./workload.js";
import type { Workload } from "./workload.js";

/** The config fields a finding tells the user to change (defaults name the module props). */
export interface CapacityFields {
  /** @default "workload" */
  readonly workload?: string;
  /** @default "DynamoTable billing.read" */
  readonly tableRead?: string;
  /** @default "DynamoTable billing.write" */
  readonly tableWrite?: string;
  /** @default "LambdaFunction reservedConcurrency" */
  readonly functionConcurrency?: string;
  /** @default "LambdaFunction timeout" */
  readonly functionTimeout?: string;
  /** @default "ApiCache throttling" */
  readonly apiThrottling?: string;
  /** @default "AthenaWorkgroup bytesScannedCutoffPerQuery" */
  readonly athenaCutoff?: string;
}

export interface CapacityCheckProps {
  /** The traffic the environment declares for this request path. */
  readonly workload: Workload;
  /**
   * `true`: a bound that cannot carry the declared peak fails synth (a construct validation error, so
   * `app.synth()` and every tool built on it fail). `false`: synth warns (a cdktn warning annotation).
   */
  readonly enforce: boolean;
  /** The API in front of the function. */
  readonly api: ApiCache;
  /** The function every stage-cache miss invokes. */
  readonly function: LambdaFunction;
  /** The table the function reads through its caches; requires `workload.table`. @default none */
  readonly table?: DynamoTable;
  /** The L2 cache in front of the table; without one, `workload.table.hitRatio.l2` must be 0. @default none */
  readonly l2?: RedisCache;
  /** The workgroup the function's queries run in; requires `workload.athena`. @default none */
  readonly athena?: AthenaWorkgroup;
  /** @default the module props' names */
  readonly fields?: CapacityFields;
}

/**
 * Checks at synth that the table's capacity bounds, the function's concurrency and timeout, the API's throttle and
 * the Athena scan cutoff can carry the workload's declared peak, and records the workload, the Terraform addresses
 * it flows through and the findings in the stack's JSON (`"//".capacity`, read by `npm run cost`). Creates no
 * resource: adding or removing it changes no Terraform address.
 */
export class CapacityCheck extends TerraformElement {
  readonly workload: Workload;
  readonly enforce: boolean;
  private readonly props: CapacityCheckProps;
  private computed?: CapacityRecord;
  private warned = false;

  constructor(scope: Construct, id: string, props: CapacityCheckProps) {
    super(scope, id);
    validateProps(this.node.path, props);
    this.props = props;
    this.workload = props.workload;
    this.enforce = props.enforce;
    // The warning's text says everything; a stack trace would put this checkout's absolute paths in manifest.json.
    this.node.setContext(DISABLE_STACK_TRACE_IN_METADATA, true);
    this.node.addValidation({
      validate: () => {
        const violations = this.findings.filter((f) => !f.ok).map(describeFinding);
        if (this.enforce) return violations.map((v) => `capacity (enforced in this environment): ${v}`);
        if (!this.warned) for (const v of violations) Annotations.of(this).addWarning(`capacity: ${v}`);
        this.warned = true;
        return [];
      },
    });
  }

  /** Every finding, passing or not (computed at synth, when every construct's logical id is final). */
  get findings(): readonly Finding[] {
    return this.record.findings;
  }

  get record(): CapacityRecord {
    this.computed ??= this.compute();
    return this.computed;
  }

  override toTerraform(): Record<string, unknown> {
    return { "//": { capacity: this.record } };
  }

  private compute(): CapacityRecord {
    const { api, function: fn, table, l2, athena } = this.props;
    const f = this.props.fields ?? {};
    const limits: CapacityLimits = {
      api: {
        resource: `API Gateway stage ${api.config.name}/${api.config.stageName} (${address(api.stage)})`,
        rateLimit: api.config.throttling.rateLimit,
        burstLimit: api.config.throttling.burstLimit,
        field: f.apiThrottling ?? "ApiCache throttling",
      },
      function: {
        resource: `Lambda function ${fn.config.functionName} (${address(fn.resource)})`,
        reservedConcurrency: fn.config.reservedConcurrency,
        timeoutSeconds: fn.config.timeout,
        fields: { concurrency: f.functionConcurrency ?? "LambdaFunction reservedConcurrency", timeout: f.functionTimeout ?? "LambdaFunction timeout" },
      },
      table: table && {
        resource: `DynamoDB table ${table.config.tableName} (${address(table.table)})`,
        read: bound(table.config.billing, "read"),
        write: bound(table.config.billing, "write"),
        fields: { read: f.tableRead ?? "DynamoTable billing.read", write: f.tableWrite ?? "DynamoTable billing.write" },
      },
      athena: athena && {
        resource: `Athena workgroup ${athena.config.workgroupName} (${address(athena.workgroup)})`,
        bytesScannedCutoffPerQuery: athena.bytesScannedCutoffPerQuery,
        field: f.athenaCutoff ?? "AthenaWorkgroup bytesScannedCutoffPerQuery",
      },
    };
    return {
      version: CAPACITY_RECORD_VERSION,
      enforce: this.enforce,
      workload: this.workload,
      path: {
        api: address(api.stage),
        function: address(fn.resource),
        ...(table ? { table: address(table.table) } : {}),
        ...(l2?.replicationGroup ? { l2: address(l2.replicationGroup) } : l2?.serverlessCache ? { l2: address(l2.serverlessCache) } : {}),
        ...(athena ? { athena: address(athena.workgroup) } : {}),
      },
      findings: checkCapacity(this.workload, limits, f.workload ?? "workload"),
    };
  }
}

function validateProps(path: string, props: CapacityCheckProps): void {
  const p = new Problems(`CapacityCheck(${JSON.stringify(path)})`);
  p.check(typeof props.enforce === "boolean", "enforce", props.enforce, "must be true (fail synth) or false (warn)");
  validateWorkload(p, "workload", props.workload);
  const w = props.workload;
  p.check(!w.table || props.table !== undefined, "workload.table", w.table, "describes table reads, but no table was given (prop `table`)");
  p.check(!props.table || w.table !== undefined, "workload.table", undefined, "is required when a table is given: keys per request, item size and hit ratios size its capacity");
  p.check(!w.table || w.table.hitRatio?.l2 === 0 || props.l2 !== undefined, "workload.table.hitRatio.l2", w.table?.hitRatio?.l2, "must be 0 when the stack has no L2 cache (prop `l2`)");
  p.check(!w.athena || props.athena !== undefined, "workload.athena", w.athena, "describes Athena queries, but no workgroup was given (prop `athena`)");
  p.check(!props.athena || w.athena !== undefined, "workload.athena", undefined, "is required when a workgroup is given: queries per invocation and bytes scanned");
  p.throwIfAny();
}

function bound(billing: DynamoTable["config"]["billing"], dimension: "read" | "write"): UnitsBound {
  if (billing.mode === "onDemand") {
    const max = dimension === "read" ? billing.maxReadRequestUnits : billing.maxWriteRequestUnits;
    return max === undefined ? { kind: "onDemand" } : { kind: "onDemand", maxRequestUnits: max };
  }
  const c: ResolvedCapacity = billing[dimension];
  return c.autoScaling
    ? { kind: "autoScaled", min: c.autoScaling.min, max: c.autoScaling.max, targetUtilization: c.autoScaling.targetUtilization }
    : { kind: "fixed", units: c.units };
}

/** `type.name`, the resource's Terraform address in its stack. */
function address(resource: TerraformResource): string {
  return `${resource.terraformResourceType}.${resource.friendlyUniqueId}`;
}
