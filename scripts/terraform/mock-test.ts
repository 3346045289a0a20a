/**
 * The `terraform test` file `tf:validate` writes next to a copy of each stack or module: every provider mocked
 * (`mock_provider`, Terraform ≥ 1.7: no credentials, no network; schemas still come from the real provider binary),
 * and one `run` that plans the configuration. Data sources get realistic mock values where the configuration needs
 * them (a mocked `aws_availability_zones` would otherwise return an empty list and `element()` would fail).
 * https://developer.hashicorp.com/terraform/language/tests/mocking
 */

export interface MockTestInput {
  /** Provider local names the configuration requires (`aws`, `random`, …). */
  readonly providers: readonly string[];
  /** Region the mocked AWS data sources answer with. */
  readonly region: string;
  /** Account id `aws_caller_identity` answers with. */
  readonly accountId: string;
  /** Major version of the AWS provider validated against: the `aws_region` attributes differ (6.x adds `region`). */
  readonly awsMajor: number;
  /** Values for the configuration's variables that have no default (exported modules). */
  readonly variables?: Readonly<Record<string, unknown>>;
}

export const MOCK_TEST_FILE = "kit-validate.tftest.hcl";

export function mockTestFile(input: MockTestInput): string {
  const hcl = (v: unknown) => JSON.stringify(v); // JSON scalars and lists are valid HCL expressions
  const zones = ["a", "b", "c"].map((z) => `${input.region}${z}`);
  const region = input.awsMajor >= 6 ? `{ name = ${hcl(input.region)}, region = ${hcl(input.region)} }` : `{ name = ${hcl(input.region)} }`;
  const lines = ["# Written by npm run tf:validate: plans this configuration with mocked providers (no credentials, no network).", ""];
  for (const provider of input.providers) {
    if (provider !== "aws") {
      lines.push(`mock_provider ${hcl(provider)} {}`, "");
      continue;
    }
    lines.push(
      `mock_provider "aws" {`,
      `  mock_data "aws_availability_zones" {`,
      `    defaults = { names = ${hcl(zones)}, zone_ids = ${hcl(zones.map((_, i) => `use1-az${i + 1}`))} }`,
      `  }`,
      `  mock_data "aws_region" {`,
      `    defaults = ${region}`,
      `  }`,
      `  mock_data "aws_caller_identity" {`,
      `    defaults = { account_id = ${hcl(input.accountId)}, arn = ${hcl(`arn:aws:iam::${input.accountId}:root`)} }`,
      `  }`,
      `  mock_data "aws_partition" {`,
      `    defaults = { partition = "aws", dns_suffix = "amazonaws.com" }`,
      `  }`,
      `}`,
      "",
    );
  }
  const vars = Object.entries(input.variables ?? {});
  if (vars.length) lines.push("variables {", ...vars.map(([k, v]) => `  ${k} = ${hcl(v)}`), "}", "");
  lines.push(`run "plan" {`, "  command = plan", "}", "");
  return lines.join("\n");
}
