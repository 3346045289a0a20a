import { readFileSync } from "node:fs";
import { join } from "node:path";
import { App, TerraformStack, Testing } from "cdktn";
import type { Construct } from "constructs";
import { AwsProvider } from "@cdktn/provider-aws/lib/provider/index.js";

export interface SynthesizedStack {
  resource?: Record<string, Record<string, Record<string, unknown>>>;
  data?: Record<string, Record<string, Record<string, unknown>>>;
  output?: Record<string, { value: unknown; sensitive?: boolean; description?: string }>;
  provider?: Record<string, unknown[]>;
}

/** Synthesizes whatever `build` adds to a fresh stack (with an AWS provider) and returns the parsed JSON. */
export function synthStack<T>(build: (stack: TerraformStack) => T): { json: SynthesizedStack; built: T; text: string } {
  const app = Testing.app();
  const stack = new TerraformStack(app, "test");
  new AwsProvider(stack, "aws", { region: "eu-west-1" });
  const built = build(stack);
  const text = Testing.synth(stack);
  return { json: JSON.parse(text) as SynthesizedStack, built, text };
}

/** Resources of one Terraform type, by logical name (empty object when there are none). */
export function resourcesOf(json: SynthesizedStack, type: string): Record<string, Record<string, unknown>> {
  return json.resource?.[type] ?? {};
}

/** The only resource of a type; fails the test when there are zero or several. */
export function onlyResource(json: SynthesizedStack, type: string): Record<string, unknown> {
  const all = Object.values(resourcesOf(json, type));
  if (all.length !== 1) throw new Error(`expected exactly one ${type}, found ${all.length}`);
  return all[0]!;
}

/** `type.name` of every resource, sorted: the Terraform addresses a refactor must not move. */
export function addresses(json: SynthesizedStack): string[] {
  return Object.entries(json.resource ?? {})
    .flatMap(([type, byName]) => Object.keys(byName).map((name) => `${type}.${name}`))
    .sort();
}

/**
 * Synthesizes whatever `build` adds to a stack `s` (with an AWS provider) into `outdir`, as `cdktn synth` does (assets
 * written), and returns the parsed JSON and the stack's directory (asset paths in the JSON are relative to it).
 */
export function synthToDisk(outdir: string, build: (stack: TerraformStack) => void): { json: SynthesizedStack; stackDir: string } {
  const app = new App({ outdir });
  const stack = new TerraformStack(app, "s");
  new AwsProvider(stack, "aws", { region: "eu-west-1" });
  build(stack);
  app.synth();
  const stackDir = join(outdir, "stacks", "s");
  return { json: JSON.parse(readFileSync(join(stackDir, "cdk.tf.json"), "utf8")) as SynthesizedStack, stackDir };
}

export type { Construct };
