/**
 * The one problem-collecting validator of the kit, used by the modules (props, at synth) and by the Lambda runtime
 * (options passed in code, environment variables): every problem is collected and thrown once, each naming the
 * field (a dotted path), the value received and what is allowed, so a user fixing a config sees all mistakes at
 * once instead of one per run.
 *
 * Dependency-free on purpose: the runtime (functions/lib/validate.ts) imports this file, and a Lambda bundle must
 * not pull in cdktn or constructs. Keep it that way.
 */

/** The error {@link Problems.throwIfAny} raises: the subject and every problem, one per line. */
export class ValidationError extends Error {
  constructor(
    readonly subject: string,
    readonly problems: readonly string[],
    heading = "invalid",
  ) {
    super(`${subject}${heading ? `: ${heading}` : ""}:\n${problems.map((p) => `  - ${p}`).join("\n")}`);
    this.name = "ValidationError";
  }
}

/** Invalid construct props, raised at synth. */
export class PropValidationError extends ValidationError {
  constructor(construct: string, problems: readonly string[]) {
    super(construct, problems, "invalid props");
    this.name = "PropValidationError";
  }

  get construct(): string {
    return this.subject;
  }
}

/** Invalid options passed in code to a runtime class or function (cache, batch, strategy options). */
export class OptionsError extends ValidationError {
  constructor(subject: string, problems: readonly string[]) {
    super(subject, problems, "invalid options");
    this.name = "OptionsError";
  }
}

export type ProblemsErrorFactory = (subject: string, problems: readonly string[]) => Error;

/** Collects problems for one subject; `throwIfAny()` raises them together. */
export class Problems {
  private readonly list: string[] = [];
  private readonly makeError: ProblemsErrorFactory;

  /** @param error builds the error thrown by `throwIfAny` (default: a {@link PropValidationError}). */
  constructor(
    private readonly subject: string,
    error: ProblemsErrorFactory = (s, p) => new PropValidationError(s, p),
  ) {
    this.makeError = error;
  }

  add(field: string, value: unknown, allowed: string): void {
    this.list.push(`${field} = ${show(value)}: ${allowed}`);
  }

  /** A required field that was not given: `field = (unset): allowed`. */
  unset(field: string, allowed: string): void {
    this.list.push(`${field} = (unset): ${allowed}`);
  }

  /** Checks an optional number lies in [min, max]; `integer` also requires a whole number. Returns whether it passed. */
  range(field: string, value: number | undefined, min: number, max: number, opts: { integer?: boolean } = {}): boolean {
    if (value === undefined) return true;
    const whole = opts.integer ? " whole" : "";
    if (typeof value !== "number" || Number.isNaN(value) || (opts.integer && !Number.isInteger(value)) || value < min || value > max) {
      this.add(field, value, `must be a${whole} number between ${fmt(min)} and ${fmt(max)}`);
      return false;
    }
    return true;
  }

  oneOf<T>(field: string, value: T | undefined, allowed: readonly T[]): boolean {
    if (value === undefined || allowed.includes(value)) return true;
    this.add(field, value, `must be one of ${allowed.map(show).join(", ")}`);
    return false;
  }

  pattern(field: string, value: string | undefined, re: RegExp, description: string): boolean {
    if (value === undefined) return true;
    if (typeof value === "string" && re.test(value)) return true;
    this.add(field, value, description);
    return false;
  }

  /** Records a problem when `ok` is false; returns `ok`. */
  check(ok: boolean, field: string, value: unknown, allowed: string): boolean {
    if (!ok) this.add(field, value, allowed);
    return ok;
  }

  /** AWS tag rules, for every module's `tags` prop: keys 1–128 characters and not `aws:`, values ≤ 256. */
  tags(tags: Record<string, string> | undefined, field = "tags"): void {
    for (const [k, v] of Object.entries(tags ?? {})) {
      this.check(k.length >= 1 && k.length <= 128 && !k.startsWith("aws:"), `${field}.${k}`, k, "tag keys must be 1–128 characters and not start with 'aws:'");
      this.check(typeof v === "string" && v.length <= 256, `${field}.${k}`, v, "tag values must be strings of at most 256 characters");
    }
  }

  /** An SNS topic ARN (or a Terraform reference to one), where alarms send notifications. */
  snsTopicArn(field: string, value: string | undefined): boolean {
    return this.pattern(field, value, SNS_TOPIC_ARN, "must be an SNS topic ARN");
  }

  /** A CloudWatch alarm period: 60 s or a multiple of 60, up to one day. */
  alarmPeriod(field: string, value: number): boolean {
    return this.check(Number.isInteger(value) && value >= 60 && value <= 86_400 && value % 60 === 0, field, value, "must be 60 or a multiple of 60, up to 86,400");
  }

  get count(): number {
    return this.list.length;
  }

  throwIfAny(): void {
    if (this.list.length > 0) throw this.makeError(this.subject, [...this.list]);
  }
}

const SNS_TOPIC_ARN = /^(arn:aws[a-z-]*:sns:[a-z0-9-]+:\d{12}:[A-Za-z0-9_.-]+|\$\{.+\})$/;

function fmt(n: number): string {
  return Number.isFinite(n) ? n.toLocaleString("en-US") : String(n);
}

function show(value: unknown): string {
  if (typeof value === "string") return JSON.stringify(value);
  if (value === undefined) return "undefined";
  if (typeof value === "function") return "[function]";
  try {
    return JSON.stringify(value) ?? String(value);
  } catch {
    return String(value);
  }
}
