/**
 * Terraform outputs with static, documented names. cdktn names an output after its construct path plus a hash
 * (`forecast-cache_table-name_7F924A92`) unless it is given a static id; `terraform output`, remote-state readers
 * and CI scripts would then have to know the hash. Every module declares its outputs in its `outputs.ts` as
 * {@link OutputSpec}s and adds them through {@link addOutput}: the Terraform name is the module instance's path
 * below its stack (construct ids joined by `-`) followed by the spec's name, `orders-table-name` for a
 * `DynamoTable` with id `orders` in a stack. The module READMEs' output tables are generated from the same specs
 * (`npm run docs`).
 */
import { TerraformOutput, TerraformStack } from "cdktn";
import type { Construct } from "constructs";

export interface OutputSpec {
  /** The name after the instance prefix: `table-name`. A `<…>` part is filled in per output (`usage-plan-<plan>-id`). */
  readonly name: string;
  readonly description: string;
  /** When the module adds it, for the README ("with `stream`"); absent: always. */
  readonly when?: string;
}

/** Terraform's identifier rule for output names: a letter or `_` first, then letters, digits, `_` and `-`. */
const TERRAFORM_NAME = /^[A-Za-z_][A-Za-z0-9_-]*$/;

/** Output names taken in each stack, with the construct path that took each: two instances must not collide silently. */
const taken = new WeakMap<TerraformStack, Map<string, string>>();

/** The instance prefix of a module: its construct ids below the stack, joined by `-` (`api`, `forecast-api`, `app-orders`). */
export function outputPrefix(scope: Construct): string {
  const stack = TerraformStack.of(scope);
  const below = scope.node.scopes.slice(scope.node.scopes.indexOf(stack) + 1);
  return below.map((c) => c.node.id).join("-");
}

/** The Terraform name of `spec` on the module instance `scope`; `parts` fills the spec's `<…>` placeholders in order. */
export function outputName(scope: Construct, spec: OutputSpec, ...parts: string[]): string {
  let i = 0;
  const name = spec.name.replace(/<[^>]+>/g, () => parts[i++] ?? missingPart(spec));
  const prefix = outputPrefix(scope);
  return prefix === "" ? name : `${prefix}-${name}`;
}

/**
 * Adds the output `spec` to the module instance `scope` under its static name ({@link outputName}). Throws when
 * the name is not a valid Terraform identifier (a construct id with a `.` or a leading digit) or another construct
 * of the stack already declared it (two instances whose paths join to the same prefix: `a-b`/`c` and `a`/`b-c`).
 */
export function addOutput(scope: Construct, spec: OutputSpec, value: unknown, options: { parts?: readonly string[]; sensitive?: boolean } = {}): TerraformOutput {
  const name = outputName(scope, spec, ...(options.parts ?? []));
  if (!TERRAFORM_NAME.test(name)) {
    throw new Error(
      `${scope.node.path}: Terraform output name ${JSON.stringify(name)} (construct path below the stack + "-${spec.name}") is not a valid Terraform identifier: ` +
        "give the construct (and its parents) ids of letters, digits, - and _ that start with a letter",
    );
  }
  const stack = TerraformStack.of(scope);
  const names = taken.get(stack) ?? new Map<string, string>();
  taken.set(stack, names);
  const owner = names.get(name);
  if (owner !== undefined) {
    throw new Error(`${scope.node.path}: Terraform output ${JSON.stringify(name)} is already declared by ${owner} in stack ${stack.node.id}: give one of the two constructs another id`);
  }
  names.set(name, scope.node.path);
  return new TerraformOutput(scope, name, {
    value,
    description: spec.description,
    staticId: true,
    ...(options.sensitive === undefined ? {} : { sensitive: options.sensitive }),
  });
}

function missingPart(spec: OutputSpec): never {
  throw new Error(`output ${spec.name}: a <…> part has no value`);
}
