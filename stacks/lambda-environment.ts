/**
 * A Lambda function's `environment`, built from the function's own schema (functions/<name>/env.ts): a stack can
 * set only variables the function reads, with values of their declared types, rendered to strings in one place
 * (functions/lib/env.ts) and checked at synth by the rules the function's reader applies at run time. Values
 * Terraform knows only after apply (tokens) are rendered as references and checked by the tests instead
 * (tests/unit/stacks/function-environment.test.ts parses each stack's synthesized environment with the
 * function's readers).
 */
import { Token } from "cdktn";
import { checkEnvironment, renderEnvironment } from "../functions/lib/env.js";
import type { EnvInput, EnvSchema, RenderOptions } from "../functions/lib/env.js";

const tokens: RenderOptions = { isUnresolved: (value) => Token.isUnresolved(value), asString: (value) => Token.asString(value) };

/** The environment for `values`, every one a variable of `schema` with a value of its type. */
export function lambdaEnvironment<S extends EnvSchema>(functionName: string, schema: S, values: EnvInput<S>): Record<string, string> {
  return renderEnvironment(schema, values, { ...tokens, subject: functionName });
}

/** Variables rendered elsewhere (a module's connection variables), checked against `schema`. */
export function checkedEnvironment(functionName: string, schema: EnvSchema, rendered: Readonly<Record<string, string>>): Record<string, string> {
  return checkEnvironment(schema, rendered, { ...tokens, subject: functionName });
}
