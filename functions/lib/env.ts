/**
 * Typed reads of environment variables that collect every problem instead of stopping at the first, so a
 * deployment with three bad variables is fixed in one round. Each problem names the variable, the value seen
 * and what is allowed. An empty string counts as unset: Terraform often renders an optional variable as "".
 */
import { Problems, ValidationError } from "./validate.js";

export class ConfigError extends ValidationError {
  constructor(problems: readonly string[]) {
    super(`invalid runtime configuration (${problems.length} problem${problems.length === 1 ? "" : "s"})`, problems, "");
    this.name = "ConfigError";
  }
}

export type Env = Readonly<Record<string, string | undefined>>;

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

  string(name: string, fallback: string, pattern?: { re: RegExp; description: string }): string;
  string(name: string, fallback?: undefined, pattern?: { re: RegExp; description: string }): string | undefined;
  string(name: string, fallback?: string, pattern?: { re: RegExp; description: string }): string | undefined {
    const value = this.raw(name);
    if (value === undefined) return fallback;
    if (pattern && !pattern.re.test(value)) {
      this.problem(name, value, pattern.description);
      return fallback;
    }
    return value;
  }

  /** A whole number in [min, max]. */
  int(name: string, fallback: number, min: number, max: number): number {
    const value = this.raw(name);
    if (value === undefined) return fallback;
    const n = /^-?\d+$/.test(value.trim()) ? Number(value) : Number.NaN;
    if (!Number.isSafeInteger(n) || n < min || n > max) {
      this.problem(name, value, `must be a whole number between ${fmt(min)} and ${fmt(max)}`);
      return fallback;
    }
    return n;
  }

  bool(name: string, fallback: boolean): boolean {
    const value = this.raw(name);
    if (value === undefined) return fallback;
    const lower = value.trim().toLowerCase();
    if (lower === "true" || lower === "1") return true;
    if (lower === "false" || lower === "0") return false;
    this.problem(name, value, `must be one of "true", "false", "1", "0"`);
    return fallback;
  }

  oneOf<T extends string>(name: string, fallback: T, allowed: readonly T[]): T {
    const value = this.raw(name);
    if (value === undefined) return fallback;
    if ((allowed as readonly string[]).includes(value)) return value as T;
    this.problem(name, value, `must be one of ${allowed.map((a) => JSON.stringify(a)).join(", ")}`);
    return fallback;
  }

  /** An absolute URL whose scheme is one of `schemes` (e.g. ["http:", "https:"]). */
  url(name: string, schemes: readonly string[]): URL | undefined {
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

  throwIfAny(): void {
    this.problems.throwIfAny();
  }
}

function fmt(n: number): string {
  return n.toLocaleString("en-US");
}
