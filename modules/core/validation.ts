/**
 * Prop validation shared by every module.
 *
 * Modules validate their props in one function that collects every problem and throws a single
 * {@link PropValidationError}, so a user fixing a config sees all mistakes at once instead of one per synth.
 * Each message names the field (as a dotted path), the value received and what is allowed.
 */

export class PropValidationError extends Error {
  constructor(
    readonly construct: string,
    readonly problems: readonly string[],
  ) {
    super(`${construct}: invalid props:\n${problems.map((p) => `  - ${p}`).join("\n")}`);
    this.name = "PropValidationError";
  }
}

/** Collects problems for one construct's props; `throwIfAny()` raises them together. */
export class Problems {
  private readonly list: string[] = [];

  constructor(private readonly construct: string) {}

  add(field: string, value: unknown, allowed: string): void {
    this.list.push(`${field} = ${show(value)}: ${allowed}`);
  }

  /** Checks an integer or number is inside [min, max]; returns whether it passed. */
  range(field: string, value: number | undefined, min: number, max: number, opts: { integer?: boolean } = {}): boolean {
    if (value === undefined) return true;
    if (typeof value !== "number" || Number.isNaN(value)) {
      this.add(field, value, `must be a number between ${fmt(min)} and ${fmt(max)}`);
      return false;
    }
    if (opts.integer && !Number.isInteger(value)) {
      this.add(field, value, `must be a whole number between ${fmt(min)} and ${fmt(max)}`);
      return false;
    }
    if (value < min || value > max) {
      this.add(field, value, `must be between ${fmt(min)} and ${fmt(max)}${opts.integer ? " (whole number)" : ""}`);
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

  /** Records a problem when `ok` is false. */
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
    if (this.list.length > 0) throw new PropValidationError(this.construct, this.list);
  }
}

const SNS_TOPIC_ARN = /^(arn:aws[a-z-]*:sns:[a-z0-9-]+:\d{12}:[A-Za-z0-9_.-]+|\$\{.+\})$/;

function fmt(n: number): string {
  return Number.isFinite(n) ? n.toLocaleString("en-US") : String(n);
}

function show(value: unknown): string {
  if (typeof value === "string") return JSON.stringify(value);
  if (value === undefined) return "undefined";
  try {
    return JSON.stringify(value) ?? String(value);
  } catch {
    return String(value);
  }
}
