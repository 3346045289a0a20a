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

  get count(): number {
    return this.list.length;
  }

  throwIfAny(): void {
    if (this.list.length > 0) throw new PropValidationError(this.construct, this.list);
  }
}

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
