/**
 * The environment contract of a Lambda function, typed once: an {@link EnvSchema} names each variable with its
 * type, range, default and meaning. From it come
 * - the runtime's reader ({@link EnvReader.read} / {@link EnvReader.readAll}), which collects every problem
 *   instead of stopping at the first, so a deployment with three bad variables is fixed in one round — each
 *   problem names the variable, the value seen and what is allowed;
 * - the environment a stack gives the function ({@link renderEnvironment}): typed by {@link EnvInput}, so a stack
 *   cannot set an unknown variable or a value of the wrong type, rendered to strings here and checked by the same
 *   rules the reader applies (stacks/lambda-environment.ts adds Terraform token handling);
 * - the variable tables of the docs (scripts/docs/env-tables.ts).
 *
 * An empty string counts as unset: Terraform often renders an optional variable as "".
 */
import { Problems, ValidationError } from "./validate.js";

export class ConfigError extends ValidationError {
  constructor(problems: readonly string[]) {
    super(`invalid runtime configuration (${problems.length} problem${problems.length === 1 ? "" : "s"})`, problems, "");
    this.name = "ConfigError";
  }
}

export type Env = Readonly<Record<string, string | undefined>>;

/** A string rule: the regular expression and how a problem describes it ("must be …"). */
export interface Pattern {
  readonly re: RegExp;
  readonly description: string;
}

interface VarBase {
  /** What the variable means (docs). */
  readonly description: string;
  /** How the docs show the default when it is not a plain value (e.g. "the function name, else `local`"). */
  readonly defaultText?: string;
  /** The Lambda runtime sets it: a stack must not (and cannot, by type). */
  readonly setBy?: "lambda";
}

export interface StringVar extends VarBase {
  readonly type: "string";
  readonly default?: string;
  readonly pattern?: Pattern;
  /** Makes the variable required; the problem text when it is unset, e.g. "is required: the table". */
  readonly required?: string;
}

export interface IntVar extends VarBase {
  readonly type: "int";
  readonly default: number;
  readonly min: number;
  readonly max: number;
}

export interface BoolVar extends VarBase {
  readonly type: "bool";
  readonly default: boolean;
}

export interface EnumVar<T extends string = string> extends VarBase {
  readonly type: "enum";
  readonly values: readonly T[];
  readonly default: T;
}

export interface UrlVar extends VarBase {
  readonly type: "url";
  /** Allowed schemes, with the colon: `["http:", "https:"]`. */
  readonly schemes: readonly string[];
  readonly required?: string;
}

export type VarSpec = StringVar | IntVar | BoolVar | EnumVar | UrlVar;
export type EnvSchema = Readonly<Record<string, VarSpec>>;

/** What the reader gives for a variable: required or defaulted strings are strings, URLs come parsed. */
export type EnvValue<S extends VarSpec> = S extends IntVar
  ? number
  : S extends BoolVar
    ? boolean
    : S extends EnumVar<infer T>
      ? T
      : S extends UrlVar
        ? URL | undefined
        : S extends { readonly default: string } | { readonly required: string }
          ? string
          : string | undefined;

export type EnvConfig<S extends EnvSchema> = { -readonly [K in keyof S]: EnvValue<S[K]> };

/** What a stack may set for a variable (before rendering to a string). */
export type EnvInputValue<S extends VarSpec> = S extends IntVar ? number : S extends BoolVar ? boolean : S extends EnumVar<infer T> ? T : string;

type Settable<S extends EnvSchema> = { [K in keyof S]: S[K] extends { readonly setBy: "lambda" } ? never : K }[keyof S];
type RequiredKeys<S extends EnvSchema> = { [K in Settable<S>]: S[K] extends { readonly required: string } ? K : never }[Settable<S>];
type OptionalKeys<S extends EnvSchema> = Exclude<Settable<S>, RequiredKeys<S>>;

/** The variables a stack sets on a function with schema `S`: required ones must be given, Lambda's may not be. */
export type EnvInput<S extends EnvSchema> = { readonly [K in RequiredKeys<S>]: EnvInputValue<S[K]> } & { readonly [K in OptionalKeys<S>]?: EnvInputValue<S[K]> };

/** Declares a schema, keeping each variable's literal type (its enum values, whether it is required). */
export function envSchema<const S extends EnvSchema>(schema: S): S {
  return schema;
}

export class EnvReader {
  private readonly problems = new Problems("environment", (_subject, list) => new ConfigError(list));

  constructor(private readonly env: Env) {}

  /** The raw value, or undefined when unset or empty. */
  raw(name: string): string | undefined {
    const value = this.env[name];
    return value === undefined || value === "" ? undefined : value;
  }

  has(name: string): boolean {
    return this.raw(name) !== undefined;
  }

  problem(name: string, value: unknown, allowed: string): void {
    if (value === undefined) this.problems.unset(name, allowed);
    else this.problems.add(name, value, allowed);
  }

  /** Reads one variable of `schema` by its rules (a bad value is a problem, and the default is returned). */
  read<S extends EnvSchema, K extends keyof S & string>(schema: S, name: K): EnvValue<S[K]> {
    return this.readSpec(name, schema[name]!) as EnvValue<S[K]>;
  }

  /** Reads every variable of `schema`, in its order. */
  readAll<S extends EnvSchema>(schema: S): EnvConfig<S> {
    const out: Record<string, unknown> = {};
    for (const name of Object.keys(schema)) out[name] = this.readSpec(name, schema[name]!);
    return out as EnvConfig<S>;
  }

  throwIfAny(): void {
    this.problems.throwIfAny();
  }

  private readSpec(name: string, spec: VarSpec): unknown {
    switch (spec.type) {
      case "string": {
        const value = this.string(name, spec.default, spec.pattern);
        if (spec.required === undefined) return value;
        if (!this.has(name)) this.problem(name, undefined, spec.required);
        return value ?? "";
      }
      case "int":
        return this.int(name, spec.default, spec.min, spec.max);
      case "bool":
        return this.bool(name, spec.default);
      case "enum":
        return this.oneOf(name, spec.default, spec.values);
      case "url": {
        const url = this.url(name, spec.schemes);
        if (spec.required !== undefined && !this.has(name)) this.problem(name, undefined, spec.required);
        return url;
      }
    }
  }

  private string(name: string, fallback: string | undefined, pattern: Pattern | undefined): string | undefined {
    const value = this.raw(name);
    if (value === undefined) return fallback;
    if (pattern && !pattern.re.test(value)) {
      this.problem(name, value, pattern.description);
      return fallback;
    }
    return value;
  }

  /** A whole number in [min, max]. */
  private int(name: string, fallback: number, min: number, max: number): number {
    const value = this.raw(name);
    if (value === undefined) return fallback;
    const n = /^-?\d+$/.test(value.trim()) ? Number(value) : Number.NaN;
    if (!Number.isSafeInteger(n) || n < min || n > max) {
      this.problem(name, value, `must be a whole number between ${fmt(min)} and ${fmt(max)}`);
      return fallback;
    }
    return n;
  }

  private bool(name: string, fallback: boolean): boolean {
    const value = this.raw(name);
    if (value === undefined) return fallback;
    const lower = value.trim().toLowerCase();
    if (lower === "true" || lower === "1") return true;
    if (lower === "false" || lower === "0") return false;
    this.problem(name, value, `must be one of "true", "false", "1", "0"`);
    return fallback;
  }

  private oneOf<T extends string>(name: string, fallback: T, allowed: readonly T[]): T {
    const value = this.raw(name);
    if (value === undefined) return fallback;
    if ((allowed as readonly string[]).includes(value)) return value as T;
    this.problem(name, value, `must be one of ${allowed.map((a) => JSON.stringify(a)).join(", ")}`);
    return fallback;
  }

  /** An absolute URL whose scheme is one of `schemes` (e.g. ["http:", "https:"]). */
  private url(name: string, schemes: readonly string[]): URL | undefined {
    const value = this.raw(name);
    if (value === undefined) return undefined;
    let url: URL;
    try {
      url = new URL(value);
    } catch {
      this.problem(name, value, `must be an absolute URL (${schemes.map((s) => `${s}//…`).join(" or ")})`);
      return undefined;
    }
    if (!schemes.includes(url.protocol)) {
      this.problem(name, value, `must use ${schemes.map((s) => `${s}//`).join(" or ")}`);
      return undefined;
    }
    return url;
  }
}

/** Invalid Lambda environment given by a stack, raised at synth. */
export class EnvironmentError extends ValidationError {
  constructor(subject: string, problems: readonly string[]) {
    super(subject, problems, "invalid Lambda environment");
    this.name = "EnvironmentError";
  }
}

export interface RenderOptions {
  /** Names the function in errors. @default "function" */
  readonly subject?: string;
  /** True for a value known only after apply (a Terraform token): rendered by `asString` and not checked. @default never */
  readonly isUnresolved?: (value: unknown) => boolean;
  /** @default String */
  readonly asString?: (value: unknown) => string;
}

/**
 * The Lambda `environment` for `values`: each value rendered to its string (numbers as digits, booleans as
 * "true"/"false"), then checked like {@link checkEnvironment}; a required variable left out is a problem too.
 */
export function renderEnvironment<S extends EnvSchema>(schema: S, values: EnvInput<S>, options: RenderOptions = {}): Record<string, string> {
  const unresolved = options.isUnresolved ?? (() => false);
  const asString = options.asString ?? String;
  const rendered: Record<string, string> = {};
  for (const [name, value] of Object.entries(values as Record<string, unknown>)) {
    if (value === undefined) continue;
    rendered[name] = unresolved(value) ? asString(value) : String(value);
  }
  const missing = Object.entries(schema)
    .filter(([name, spec]) => "required" in spec && spec.required !== undefined && spec.setBy === undefined && rendered[name] === undefined)
    .map(([name, spec]) => `${name} = (unset): ${(spec as StringVar | UrlVar).required}`);
  return checkEnvironment(schema, rendered, options, missing);
}

/**
 * Checks already rendered variables (e.g. a module's connection variables) against `schema`: every name must be
 * a variable of it that a stack may set, and every resolved value must pass the reader's rule. Returns them.
 */
export function checkEnvironment(schema: EnvSchema, rendered: Readonly<Record<string, string>>, options: RenderOptions = {}, extra: readonly string[] = []): Record<string, string> {
  const unresolved = options.isUnresolved ?? (() => false);
  const known: string[] = [...extra];
  const resolved: Record<string, string> = {};
  const present: Record<string, VarSpec> = {};
  for (const [name, text] of Object.entries(rendered)) {
    const spec = Object.hasOwn(schema, name) ? schema[name] : undefined;
    if (!spec) known.push(`${name} = ${JSON.stringify(text)}: is not a variable of this function (${Object.keys(schema).join(", ")})`);
    else if (spec.setBy === "lambda") known.push(`${name} = ${JSON.stringify(text)}: is set by the Lambda runtime, not by the stack`);
    else if (!unresolved(text)) {
      resolved[name] = text;
      present[name] = spec;
    }
  }
  const reader = new EnvReader(resolved);
  reader.readAll(present);
  try {
    reader.throwIfAny();
  } catch (err) {
    if (!(err instanceof ConfigError)) throw err;
    known.push(...err.problems);
  }
  if (known.length > 0) throw new EnvironmentError(options.subject ?? "function", known);
  return { ...rendered };
}

function fmt(n: number): string {
  return n.toLocaleString("en-US");
}
