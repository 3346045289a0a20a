/**
 * Validation of options passed in code (cache, batch and strategy options). Like the modules' prop
 * validation: every problem is collected and thrown once, each naming the field, the value and the range.
 * (functions/ may not import modules/, so this is the runtime's own copy of that small idea.)
 */

export class OptionsError extends Error {
  constructor(
    readonly subject: string,
    readonly problems: readonly string[],
  ) {
    super(`${subject}: invalid options:\n${problems.map((p) => `  - ${p}`).join("\n")}`);
    this.name = "OptionsError";
  }
}

export class OptionProblems {
  private readonly list: string[] = [];

  constructor(private readonly subject: string) {}

  add(field: string, value: unknown, allowed: string): void {
    this.list.push(`${field} = ${show(value)}: ${allowed}`);
  }

  /** Checks an optional number lies in [min, max]; `integer` also requires a whole number. */
  range(field: string, value: number | undefined, min: number, max: number, opts: { integer?: boolean } = {}): void {
    if (value === undefined) return;
    const whole = opts.integer ? " whole" : "";
    if (typeof value !== "number" || Number.isNaN(value) || (opts.integer && !Number.isInteger(value)) || value < min || value > max) {
      this.add(field, value, `must be a${whole} number between ${fmt(min)} and ${fmt(max)}`);
    }
  }

  check(ok: boolean, field: string, value: unknown, allowed: string): void {
    if (!ok) this.add(field, value, allowed);
  }

  throwIfAny(): void {
    if (this.list.length > 0) throw new OptionsError(this.subject, this.list);
  }
}

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
