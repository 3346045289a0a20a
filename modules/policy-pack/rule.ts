/**
 * What a policy rule sees and answers. Dependency-free (no cdktn): rules are pure functions over a resource's
 * synthesized arguments, so each is tested on plain JSON, and the construct (`policy-check.ts`) only collects
 * resources and hands them over.
 */

/** One resource as the pack sees it. */
export interface PolicyResource {
  /** Terraform resource type, e.g. `aws_lambda_function`. */
  readonly type: string;
  /** `type.name`, its Terraform address in the stack. */
  readonly address: string;
  /** Construct path, e.g. `analytics-prod/query-function/function`. */
  readonly path: string;
  /**
   * Its arguments as synthesized: snake_case names, nested blocks as objects or one-element arrays (Terraform JSON
   * accepts both), values Terraform knows only at apply still as references (`${aws_kms_key.k.arn}`) or cdktn tokens.
   */
  readonly config: Readonly<Record<string, unknown>>;
}

/** The rest of the stack, for rules about how resources relate (a bucket and its versioning resource). */
export interface RuleContext {
  /** Every resource of a type in the stack. */
  ofType(type: string): readonly PolicyResource[];
  /** Whether `value` is a reference to the resource at `address` (any of its attributes). */
  refersTo(value: unknown, address: string): boolean;
  /**
   * The value with cdktn tokens rendered as Terraform expressions (`${aws_kms_key.k.arn}`), for rules that read
   * inside a value (a policy document built lazily). Literal values come back as they are.
   */
  resolve(value: unknown): unknown;
}

export type Verdict =
  | { readonly status: "pass" }
  | { readonly status: "fail"; readonly reason: string }
  /** The rule does not apply to this resource (say why). */
  | { readonly status: "n/a"; readonly reason: string };

export interface PolicyRule {
  /** checkov's id (`CKV_AWS_28`), or `KIT_…` for a rule of this kit with no checkov counterpart. */
  readonly id: string;
  /** The resource types it evaluates. */
  readonly types: readonly string[];
  /** Other types it looks at through `context.ofType` (a bucket's settings resources). @default none */
  readonly related?: readonly string[];
  /** checkov's name of the check (or the kit's). */
  readonly title: string;
  /** What this pack checks, where it differs from or refines checkov's check. */
  readonly checks: string;
  /** checkov's source of the check (or the AWS documentation a kit rule follows). */
  readonly source: string;
  evaluate(resource: PolicyResource, context: RuleContext): Verdict;
}

export const PASS: Verdict = { status: "pass" };
export const fail = (reason: string): Verdict => ({ status: "fail", reason });
export const notApplicable = (reason: string): Verdict => ({ status: "n/a", reason });
/** `ok` passes; otherwise fails with `reason`. */
export const expect = (ok: boolean, reason: string): Verdict => (ok ? PASS : fail(reason));

/** A nested block (`tracing_config`), whether synthesized as an object or as a one-element list. */
export function block(config: Readonly<Record<string, unknown>> | undefined, name: string): Readonly<Record<string, unknown>> | undefined {
  const value = config?.[name];
  const first = Array.isArray(value) ? value[0] : value;
  return first !== null && typeof first === "object" ? (first as Record<string, unknown>) : undefined;
}

/** Every element of a repeated block (`rule`), whether one object or a list. */
export function blocks(config: Readonly<Record<string, unknown>> | undefined, name: string): Readonly<Record<string, unknown>>[] {
  const value = config?.[name];
  const list = Array.isArray(value) ? value : value === undefined || value === null ? [] : [value];
  return list.filter((v): v is Record<string, unknown> => v !== null && typeof v === "object");
}

/** A value given at all: a non-empty string (literal or reference), a number, a non-empty list or object. */
export function isSet(value: unknown): boolean {
  if (value === undefined || value === null) return false;
  if (typeof value === "string") return value.length > 0;
  if (Array.isArray(value)) return value.length > 0;
  if (typeof value === "object") return Object.keys(value).length > 0;
  return true;
}

/** `true`, or its string form (a variable rendered as "true"). */
export function isTrue(value: unknown): boolean {
  return value === true || value === "true";
}

/** A Terraform reference or cdktn token: its value is known at apply only. */
export function isReference(value: unknown): boolean {
  return typeof value === "string" && /\$\{/.test(value);
}
