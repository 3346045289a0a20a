import type { Problems } from "../../core/validation.js";

const IDENTIFIER_RE = /^[a-z][a-z0-9_]{0,254}$/;

/** Database, table, column and partition key names: Athena identifiers that never need quoting. */
export function checkIdentifier(p: Problems, field: string, name: string | undefined): void {
  p.pattern(field, name, IDENTIFIER_RE, "must be 1–255 characters of lowercase letters, digits and '_', starting with a letter (Athena identifiers)");
}

/** `Problems.pattern` and `range` accept undefined (optional props); required ones are checked here first. */
export function required(p: Problems, field: string, value: unknown): boolean {
  return p.check(value !== undefined && value !== null, field, value, "is required");
}

export function checkLength(p: Problems, field: string, value: string | undefined, min: number, max: number): void {
  if (value === undefined && min === 0) return;
  // The message is built only on failure: the first toLocaleString of a process costs ~20 ms of synth.
  if (typeof value === "string" && value.length >= min && value.length <= max) return;
  p.add(field, value, `must be a string of ${min.toLocaleString("en-US")}–${max.toLocaleString("en-US")} characters`);
}
