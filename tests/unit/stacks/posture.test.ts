/**
 * What each environment promises (stacks/posture.ts), read off the synthesized stacks: staging and prod pass the
 * policy pack with no violation and no relaxation, dev records what it relaxes, every alarm reaches the
 * environment's topic, every route is authenticated, and data and logs use the stack's own keys.
 */
import { describe, expect, it } from "vitest";
import { Testing } from "cdktn";
import type { TerraformStack } from "cdktn";
import { KIT_RULES } from "../../../modules/policy-pack/index.js";
import type { PolicyCheck } from "../../../modules/policy-pack/index.js";
import { alarmRouting, alarmTopicArnOf } from "../../../stacks/alarms-config.js";
import { buildApp } from "../../../stacks/app.js";
import { ENVIRONMENTS, environments } from "../../../stacks/config.js";
import type { EnvironmentName } from "../../../stacks/config.js";
import { deployment } from "../../../stacks/deployment.js";
import { postures, RELAXATIONS } from "../../../stacks/posture.js";
import { ConversationMemoryStack } from "../../../stacks/conversation-memory-stack.js";
import { memoryEnvironments } from "../../../stacks/memory-config.js";
import { WeatherForecastStack } from "../../../stacks/weather-forecast-stack.js";
import { projectRoot } from "../../support/project-root.js";
import { resourcesOf } from "../../support/synth.js";
import type { SynthesizedStack } from "../../support/synth.js";

const app = buildApp({ outdir: Testing.app().outdir, projectRoot });
const stacks = app.node.children as TerraformStack[];
const byId = (id: string) => stacks.find((s) => s.node.id === id)!;
/** Synthesized with validations, as app.synth() runs them: an enforced violation throws here. */
const synthesized = new Map(stacks.map((s) => [s.node.id, JSON.parse(Testing.synth(s, true)) as SynthesizedStack]));
const policyOf = (id: string) => (byId(id).node.findChild("policy") as PolicyCheck).record;
const appStacks = (env: EnvironmentName) => [`weather-forecast-${env}`, `analytics-${env}`, `conversation-memory-${env}`];

describe("posture: the policy pack per environment", () => {
  it.each(["staging", "prod"] as const)("%s: every stack synthesizes enforced, with no violation, no relaxation and every suppression explained", (env) => {
    for (const id of appStacks(env)) {
      const record = policyOf(id);
      expect(record.enforce, id).toBe(true);
      expect(record.findings.filter((f) => f.status !== "suppressed"), id).toEqual([]);
      expect(record.problems, id).toEqual([]);
      expect(record.relaxations, id).toEqual([]);
      for (const s of record.suppressions) {
        expect(s.reason.length, `${id} ${s.rule}`).toBeGreaterThanOrEqual(20);
        expect(s.addresses.length, `${id} ${s.rule} at ${s.scope} waives nothing`).toBeGreaterThan(0);
      }
    }
  });

  it("both bootstrap stacks are enforced (each hosts an enforced environment) and pass", () => {
    for (const id of ["bootstrap-nonprod", "bootstrap-prod"]) {
      expect(policyOf(id)).toMatchObject({ enforce: true, problems: [] });
      expect(policyOf(id).findings.filter((f) => f.status === "violation")).toEqual([]);
    }
  });

  it("dev relaxes tracing, customer managed keys, PITR, the stage cache and the VPC, each with a reason, and nothing else fails", () => {
    for (const id of appStacks("dev")) {
      const record = policyOf(id);
      expect(record.enforce).toBe(false);
      expect(record.relaxations.map((r) => r.name)).toEqual(["tracing", "customerManagedKeys", "pointInTimeRecovery", "stageCache", "privateNetwork"]);
      expect(record.findings.filter((f) => f.status === "violation"), id).toEqual([]);
      expect(record.findings.filter((f) => f.status === "relaxed").length, id).toBeGreaterThan(0);
    }
  });

  it("only an environment that does not enforce may relax, and every relaxation names rules the pack has", () => {
    for (const env of ENVIRONMENTS) if (postures[env].enforce) expect(postures[env].relax, env).toEqual({});
    const ids = new Set(KIT_RULES.map((r) => r.id));
    for (const [name, x] of Object.entries(RELAXATIONS)) for (const rule of x.rules) expect(ids.has(rule), `${name}: ${rule}`).toBe(true);
  });

  it("an enforced environment fails synth on a violation: prod without point-in-time recovery", () => {
    const prod = environments.prod;
    const broken = { ...prod, forecastCache: { ...prod.forecastCache, pointInTimeRecovery: false } };
    const stack = new WeatherForecastStack(Testing.app(), "weather-forecast-prod", broken, { projectRoot });
    expect(() => Testing.synth(stack, true)).toThrow(/policy \(enforced in this environment\): CKV_AWS_28 aws_dynamodb_table\.forecast-cache_table_B14DFB63: point-in-time recovery is off/);
  });

  it("the memory stack too: prod without tracing (a posture that holds none of it, but still enforces) fails synth naming the function and the stage", () => {
    const stack = new ConversationMemoryStack(Testing.app(), "conversation-memory-prod", memoryEnvironments.prod, { projectRoot }, deployment, {
      environment: "prod",
      enforce: true,
      relax: { tracing: "a test of what enforcement does with a relaxation" },
    });
    expect(() => Testing.synth(stack, true)).toThrow(/relaxation "tracing" \(CKV_AWS_50, CKV_AWS_73\): an environment that enforces its posture relaxes nothing/);
    expect(() => Testing.synth(stack, true)).toThrow(/CKV_AWS_50 aws_lambda_function\.memory-function_ED3A4AAC: tracing_config\.mode is not Active/);
    expect(() => Testing.synth(stack, true)).toThrow(/CKV_AWS_73 aws_api_gateway_stage\.memory-api_stage_3E465E9E/);
  });

  it("an enforced environment may not relax: prod given dev's relaxations fails synth", () => {
    const stack = new WeatherForecastStack(Testing.app(), "weather-forecast-prod", environments.prod, { projectRoot }, deployment, { ...postures.dev, environment: "prod", enforce: true });
    expect(() => Testing.synth(stack, true)).toThrow(/relaxation "tracing" \(CKV_AWS_50, CKV_AWS_73\): an environment that enforces its posture relaxes nothing/);
  });
});

describe("posture: alarms reach someone", () => {
  it.each(ENVIRONMENTS)("%s: every alarm of the three app stacks notifies the environment's topic on ALARM and on OK", (env) => {
    const topic = alarmTopicArnOf(deployment, env);
    for (const id of appStacks(env)) {
      const json = synthesized.get(id)!;
      const alarms = [...Object.values(resourcesOf(json, "aws_cloudwatch_metric_alarm")), ...Object.values(resourcesOf(json, "aws_cloudwatch_composite_alarm"))];
      expect(alarms.length, id).toBeGreaterThan(4);
      for (const a of alarms) expect(a, `${id} ${String(a.alarm_name)}`).toMatchObject({ alarm_actions: [topic], ok_actions: [topic] });
    }
  });

  it.each(ENVIRONMENTS)("%s: one composite unhealthy-<api> alarm per API, following the stage's 5XX rate and latency and the function's errors and throttles", (env) => {
    const follows = (json: SynthesizedStack) => {
      const composite = Object.values(resourcesOf(json, "aws_cloudwatch_composite_alarm"));
      expect(composite).toHaveLength(1);
      const names = [...String(composite[0]!.alarm_rule).matchAll(/ALARM\("\$\{aws_cloudwatch_metric_alarm\.([^.]+)\.arn\}"\)/g)].map((m) => m[1]!);
      return { name: composite[0]!.alarm_name, children: names.map((n) => resourcesOf(json, "aws_cloudwatch_metric_alarm")[n]!.alarm_name) };
    };
    expect(follows(synthesized.get(`weather-forecast-${env}`)!)).toEqual({
      name: `unhealthy-weather-forecast-${env}`,
      children: [
        `weather-forecast-${env}-5xx-rate`, `weather-forecast-${env}-latency-p99`, `weather-forecast-api-${env}-errors`, `weather-forecast-api-${env}-throttles`,
        `weather-forecast-cache-${env}-read-throttles`, `weather-forecast-cache-${env}-write-throttles`,
      ],
    });
    expect(follows(synthesized.get(`analytics-${env}`)!)).toEqual({
      name: `unhealthy-analytics-${env}`,
      children: [`analytics-${env}-5xx-rate`, `analytics-${env}-latency-p99`, `analytics-query-${env}-errors`, `analytics-query-${env}-throttles`],
    });
    // Both tables and every index: a throttled index throttles the table's writes, and UserTimeIndex serves /context.
    const history = `ConversationHistoryV2-${env}`;
    const embeddings = `ConversationEmbeddings-${env}`;
    expect(follows(synthesized.get(`conversation-memory-${env}`)!)).toEqual({
      name: `unhealthy-conversation-memory-${env}`,
      children: [
        `conversation-memory-${env}-5xx-rate`, `conversation-memory-${env}-latency-p99`, `conversation-memory-api-${env}-errors`, `conversation-memory-api-${env}-throttles`,
        `${history}-read-throttles`, `${history}-write-throttles`,
        `${history}-UserTimeIndex-read-throttles`, `${history}-UserTimeIndex-write-throttles`, `${history}-SessionIndex-read-throttles`, `${history}-SessionIndex-write-throttles`,
        `${embeddings}-read-throttles`, `${embeddings}-write-throttles`, `${embeddings}-SimilarityIndex-read-throttles`, `${embeddings}-SimilarityIndex-write-throttles`,
      ],
    });
  });

  it("the bootstrap of each target creates its environments' encrypted topics with their subscriptions; prod's pager hears only the composite alarms", () => {
    const prod = synthesized.get("bootstrap-prod")!;
    const key = Object.keys(resourcesOf(prod, "aws_kms_key"))[0];
    expect(Object.values(resourcesOf(prod, "aws_sns_topic"))).toEqual([expect.objectContaining({ name: "data-access-kit-prod-alarms", kms_master_key_id: `\${aws_kms_key.${key}.arn}` })]);
    const subs = Object.values(resourcesOf(prod, "aws_sns_topic_subscription"));
    expect(subs.map((s) => [s.protocol, s.endpoint, s.filter_policy ?? "all"])).toEqual(
      alarmRouting.prod.subscriptions.map((s) => [s.protocol, s.endpoint, s.notify === "unhealthy" ? JSON.stringify({ AlarmName: [{ prefix: "unhealthy-" }] }) : "all"]),
    );
    expect(Object.values(resourcesOf(synthesized.get("bootstrap-nonprod")!, "aws_sns_topic")).map((t) => t.name)).toEqual(["data-access-kit-dev-alarms", "data-access-kit-staging-alarms"]);
  });
});

describe("posture: every route authenticated", () => {
  it.each(ENVIRONMENTS)("%s: the forecast API requires an API key on every method, the analytics and memory APIs IAM (SigV4)", (env) => {
    const methods = (id: string) => Object.values(resourcesOf(synthesized.get(id)!, "aws_api_gateway_method")).map((m) => [m.authorization, m.api_key_required ?? false]);
    expect(new Set(methods(`weather-forecast-${env}`).map(String))).toEqual(new Set(["NONE,true"]));
    expect(new Set(methods(`analytics-${env}`).map(String))).toEqual(new Set(["AWS_IAM,false"]));
    expect(new Set(methods(`conversation-memory-${env}`).map(String))).toEqual(new Set(["AWS_IAM,false"]));
  });

  it("staging and prod keep API key values out of Terraform state (keys made outside it); dev has one Terraform-managed key", () => {
    expect(Object.keys(resourcesOf(synthesized.get("weather-forecast-dev")!, "aws_api_gateway_api_key"))).toHaveLength(1);
    for (const env of ["staging", "prod"]) {
      const json = synthesized.get(`weather-forecast-${env}`)!;
      expect(resourcesOf(json, "aws_api_gateway_api_key"), env).toEqual({});
      expect(Object.values(resourcesOf(json, "aws_api_gateway_usage_plan"))[0], env).toMatchObject({ throttle_settings: expect.any(Object), quota_settings: expect.any(Object) });
    }
  });
});

describe("posture: customer managed keys in staging and prod", () => {
  it.each(["staging", "prod"] as const)("%s: the table, the cache, the function's environment and every log group use the stack's keys (Redis authenticates with IAM: no secret)", (env) => {
    const json = synthesized.get(`weather-forecast-${env}`)!;
    const keys = Object.keys(resourcesOf(json, "aws_kms_key"));
    const data = `\${aws_kms_key.${keys.find((k) => k.startsWith("data-key"))}.arn}`;
    const logs = `\${aws_kms_key.${keys.find((k) => k.startsWith("logs-key"))}.arn}`;
    expect(Object.values(resourcesOf(json, "aws_dynamodb_table"))[0]!.server_side_encryption).toEqual({ enabled: true, kms_key_arn: data });
    expect(Object.values(resourcesOf(json, "aws_elasticache_replication_group"))[0]!.kms_key_id).toBe(data);
    expect(resourcesOf(json, "aws_secretsmanager_secret")).toEqual({});
    expect(Object.values(resourcesOf(json, "aws_lambda_function"))[0]!.kms_key_arn).toBe(data);
    const groups = Object.values(resourcesOf(json, "aws_cloudwatch_log_group"));
    expect(groups.map((g) => g.kms_key_id)).toEqual(groups.map(() => logs));
  });

  it("the logs key lets CloudWatch Logs use it for exactly the stack's log groups", () => {
    const json = synthesized.get("weather-forecast-prod")!;
    const key = Object.entries(resourcesOf(json, "aws_kms_key")).find(([k]) => k.startsWith("logs-key"))![1];
    const statement = (JSON.parse(key.policy as string) as { Statement: Array<{ Sid: string; Condition: { ArnLike: Record<string, string[]> } }> }).Statement.find((s) => s.Sid === "CloudWatchLogsEncryptsItsGroups")!;
    const names = Object.values(resourcesOf(json, "aws_cloudwatch_log_group")).map((g) => `arn:aws:logs:us-east-1:444455556666:log-group:${String(g.name)}`);
    expect([...statement.Condition.ArnLike["kms:EncryptionContext:aws:logs:arn"]!].sort()).toEqual(names.sort());
  });

  it.each(["staging", "prod"] as const)("%s: the memory stack's two tables, its cache, the function's environment and every log group use the stack's keys", (env) => {
    const json = synthesized.get(`conversation-memory-${env}`)!;
    const keys = Object.keys(resourcesOf(json, "aws_kms_key"));
    const data = `\${aws_kms_key.${keys.find((k) => k.startsWith("data-key"))}.arn}`;
    const logs = `\${aws_kms_key.${keys.find((k) => k.startsWith("logs-key"))}.arn}`;
    const tables = Object.values(resourcesOf(json, "aws_dynamodb_table"));
    expect(tables.map((t) => String(t.name)).sort()).toEqual([`ConversationEmbeddings-${env}`, `ConversationHistoryV2-${env}`]);
    for (const t of tables) expect(t.server_side_encryption, String(t.name)).toEqual({ enabled: true, kms_key_arn: data });
    expect(Object.values(resourcesOf(json, "aws_elasticache_replication_group"))[0]!.kms_key_id).toBe(data);
    expect(resourcesOf(json, "aws_secretsmanager_secret")).toEqual({});
    expect(Object.values(resourcesOf(json, "aws_lambda_function"))[0]!.kms_key_arn).toBe(data);
    const groups = Object.values(resourcesOf(json, "aws_cloudwatch_log_group"));
    expect(groups).toHaveLength(4); // function, access logs, Redis slow and engine logs
    expect(groups.map((g) => g.kms_key_id)).toEqual(groups.map(() => logs));
    // Least privilege on the data key: no Secrets Manager (Redis authenticates with IAM), nothing the stack does not use.
    const policy = JSON.parse(String(resourcesOf(json, "aws_kms_key")[keys.find((k) => k.startsWith("data-key"))!]!.policy)) as { Statement: Array<{ Condition?: { StringEquals?: Record<string, unknown> } }> };
    const via = policy.Statement.flatMap((s) => [s.Condition?.StringEquals?.["kms:ViaService"] ?? []].flat()).map((v) => String(v).split(".")[0]);
    expect(new Set(via)).toEqual(new Set(["dynamodb", "lambda", "elasticache"]));
  });

  it("dev uses AWS owned and managed keys (the relaxation): no customer managed key encrypts anything, the memory stack keeps only its HMAC cursor key", () => {
    for (const id of appStacks("dev")) {
      const keys = resourcesOf(synthesized.get(id)!, "aws_kms_key");
      if (id.startsWith("conversation-memory")) expect(Object.values(keys).map((k) => k.key_usage), id).toEqual(["GENERATE_VERIFY_MAC"]);
      else expect(keys, id).toEqual({});
    }
  });
});
