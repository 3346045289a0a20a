import { mkdtempSync, readFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { CliConfigError, missingProviders, providerInstallation, terraformEnv } from "../../../scripts/terraform/cli.js";
import { exportModule, toModule, widen } from "../../../scripts/terraform/export-module.js";
import { EXPORT_SPECS } from "../../../scripts/terraform/export-specs.js";
import { mockTestFile } from "../../../scripts/terraform/mock-test.js";
import { rewriteForProviders } from "../../../scripts/terraform/provider-compat.js";
import { rewriteLines } from "../../../scripts/terraform/report.js";
import type { CheckResult } from "../../../scripts/terraform/validate-config.js";

/** The pure parts of npm run tf:validate; the Terraform runs themselves are in .ci/run (needs the binary). */
const stack = () => ({
  terraform: { required_providers: { aws: { source: "hashicorp/aws", version: "6.66.0" }, random: { source: "hashicorp/random", version: "3.9.1" } } },
  data: { aws_region: { r: {} } },
  resource: {
    aws_vpc_endpoint: { e: { service_name: "com.amazonaws.${data.aws_region.r.region}.dynamodb" } },
    aws_s3_bucket: { b: { bucket: "x-${data.aws_region.r.region}-${data.aws_region.r.region}", "//": { note: "data.aws_region.r.region" } } },
  },
});

describe("provider rewrites for validating 6.x output on another provider version", () => {
  it("lists every change with its place, and changes nothing when the versions match", () => {
    const { json, rewrites } = rewriteForProviders(stack(), { aws: "5.100.0" });
    expect(rewrites).toEqual([
      { rule: "provider-version", description: 'required_providers.aws.version "6.66.0" → "5.100.0" (the version validated against)', locations: ["terraform.required_providers.aws.version"] },
      expect.objectContaining({ rule: "aws-region-attribute", locations: ["resource.aws_vpc_endpoint.e.service_name", "resource.aws_s3_bucket.b.bucket"] }),
    ]);
    expect(JSON.stringify(json)).not.toMatch(/aws_region\.r\.region\}/);
    expect((json as ReturnType<typeof stack>).resource.aws_s3_bucket.b.bucket).toBe("x-${data.aws_region.r.name}-${data.aws_region.r.name}");
    expect(rewriteForProviders(stack(), { aws: "6.66.0" }).rewrites).toEqual([]);
    expect(rewriteForProviders(stack(), { aws: "6.70.0" }).rewrites.map((r) => r.rule)).toEqual(["provider-version"]); // same major: no attribute shim
  });

  it("leaves the original alone (the synthesized output is never modified)", () => {
    const original = stack();
    rewriteForProviders(original, { aws: "5.100.0" });
    expect(original.terraform.required_providers.aws.version).toBe("6.66.0");
  });

  it("are all printed, grouped by rule, one line per place", () => {
    const result = { config: { kind: "stack", name: "s", dir: "" }, rewrites: rewriteForProviders(stack(), { aws: "5.100.0" }).rewrites } as unknown as CheckResult;
    const lines = rewriteLines([result]);
    expect(lines.filter((l) => l.startsWith("      stack s: "))).toHaveLength(3);
    expect(lines[0]).toMatch(/^ {2}\[provider-version\] .* — 1 place:$/);
  });
});

describe("provider installation", () => {
  const work = mkdtempSync(join(tmpdir(), "kit-tfv-"));
  it("refuses a TF_CLI_CONFIG_FILE that does not exist, instead of letting Terraform go to the registry", () => {
    expect(() => providerInstallation({ workDir: work, env: { TF_CLI_CONFIG_FILE: "/nowhere/.terraformrc" } })).toThrow(CliConfigError);
    expect(() => providerInstallation({ workDir: work, env: { TF_CLI_CONFIG_FILE: "/nowhere/.terraformrc" } })).toThrow(/TF_CLI_CONFIG_FILE=\/nowhere\/\.terraformrc does not exist.*--mirror/);
  });

  it("writes a CLI config that installs from a filesystem mirror only", () => {
    const installation = providerInstallation({ workDir: work, mirror: work });
    expect(installation.kind).toBe("mirror");
    const file = (installation as { file: string }).file;
    expect(readFileSync(file, "utf8")).toMatch(/filesystem_mirror \{\n {4}path = ".*"\n {2}\}\n {2}direct \{\n {4}exclude = \["\*\/\*\/\*"\]/);
    expect(terraformEnv(installation, {})).toMatchObject({ TF_CLI_CONFIG_FILE: file, CHECKPOINT_DISABLE: "1", TF_IN_AUTOMATION: "1", TF_INPUT: "0" });
  });

  it("names the providers terraform init could not install", () => {
    const offline = `Error: Failed to query available provider packages\n\nCould not retrieve the list of available versions for provider\nhashicorp/random: provider registry.terraform.io/hashicorp/random was not found\nin any of the search locations`;
    expect(missingProviders(offline)).toEqual(["hashicorp/random"]);
    expect(missingProviders("Could not retrieve the list of available versions for provider hashicorp/aws:\nno available releases match the given constraints 6.66.0")).toEqual(["hashicorp/aws"]);
    expect(missingProviders("Error: Invalid resource type")).toEqual([]);
  });
});

describe("the generated mock-provider test", () => {
  it("mocks every provider, answers data sources with realistic values, and plans", () => {
    const file = mockTestFile({ providers: ["aws", "random"], region: "eu-west-1", accountId: "111122223333", awsMajor: 5, variables: { name: "orders" } });
    expect(file).toContain('mock_provider "aws" {');
    expect(file).toContain('mock_provider "random" {}');
    expect(file).toContain('defaults = { names = ["eu-west-1a","eu-west-1b","eu-west-1c"]');
    expect(file).toContain('defaults = { name = "eu-west-1" }'); // 5.x: no `region` attribute to mock
    expect(mockTestFile({ providers: ["aws"], region: "eu-west-1", accountId: "1", awsMajor: 6 })).toContain('defaults = { name = "eu-west-1", region = "eu-west-1" }');
    expect(file).toContain('variables {\n  name = "orders"\n}');
    expect(file).toMatch(/run "plan" \{\n {2}command = plan\n\}/);
  });
});

describe("npm run export:tf", () => {
  it("turns a stack's JSON into a module: no provider, no backend, no metadata, outputs by their construct ids", () => {
    const module = toModule(
      {
        "//": { outputs: { m: { table: { "table-name": "table_table-name_7F924A92" } } } },
        provider: { aws: [{ region: "us-east-1" }] },
        terraform: { backend: { local: { path: "/abs/terraform.tfstate" } }, required_providers: { aws: { source: "hashicorp/aws", version: "6.66.0" } } },
        variable: { name: { type: "string" } },
        resource: { aws_dynamodb_table: { t: { "//": { metadata: {} }, name: "${var.name}" } } },
        output: { "table_table-name_7F924A92": { value: "${aws_dynamodb_table.t.name}", description: "Table name" } },
      },
      "m",
    );
    expect(module.json).toEqual({
      terraform: { required_providers: { aws: { source: "hashicorp/aws", version: "~> 6.66" } } },
      variable: { name: { type: "string" } },
      resource: { aws_dynamodb_table: { t: { name: "${var.name}" } } },
      output: { "table-name": { value: "${aws_dynamodb_table.t.name}", description: "Table name" } },
    });
    expect(widen("6.66.0")).toBe("~> 6.66");
  });

  it("refuses a module that still points at a cdktn asset", () => {
    expect(() => toModule({ terraform: {}, resource: { aws_lambda_function: { f: { filename: "assets/code/x.zip" } } } }, "f")).toThrow(/still refers to a cdktn asset/);
  });

  it.each(EXPORT_SPECS.map((s) => s.name))("exports %s with variables for names and references, no provider or backend", (name) => {
    const out = mkdtempSync(join(tmpdir(), "kit-export-"));
    const spec = EXPORT_SPECS.find((s) => s.name === name)!;
    const exported = exportModule(spec, out);
    const json = JSON.parse(readFileSync(join(exported.dir, "main.tf.json"), "utf8")) as Record<string, Record<string, unknown>>;
    expect(Object.keys(json).sort()).toEqual(expect.arrayContaining(["output", "resource", "terraform", "variable"]));
    expect(json).not.toHaveProperty("provider");
    expect(json.terraform).not.toHaveProperty("backend");
    expect(Object.keys(json.variable!).sort()).toEqual(spec.variables.map((v) => v.name).sort());
    const text = JSON.stringify(json);
    expect(text).not.toContain("kitexportnameplaceholder"); // every stand-in became ${var.name}
    expect(text).not.toContain('"//"');
    expect(text).toContain("${var.name}");
    expect(readFileSync(join(exported.dir, "README.md"), "utf8")).toContain(`source = "./${name}"`);
  });
});
