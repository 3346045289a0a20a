/** Numbers, money and tables for the cost reports, as aligned text or GitHub-flavoured markdown. */

export type Format = "text" | "markdown";
export type Align = "left" | "right";

/** `$1,234.56`; amounts under a cent as `<$0.01`, zero as `$0.00`. */
export function usd(n: number): string {
  if (n !== 0 && Math.abs(n) < 0.005) return n < 0 ? "-<$0.01" : "<$0.01";
  const text = Math.abs(n).toLocaleString("en-US", { minimumFractionDigits: 2, maximumFractionDigits: 2 });
  return `${n < 0 ? "-" : ""}$${text}`;
}

/** `+$12.30`, `-$4.00`, `$0.00`. */
export function signedUsd(n: number): string {
  if (Math.abs(n) < 0.005) return "$0.00";
  return `${n > 0 ? "+" : ""}${usd(n)}`;
}

/** Up to 2 decimals, thousands separated: `31,536,000`, `0.25`. */
export function quantity(n: number): string {
  const digits = Math.abs(n) >= 1000 ? 0 : Math.abs(n) >= 1 ? 2 : 4;
  return n.toLocaleString("en-US", { maximumFractionDigits: digits });
}

/** Rows as a table; the first row is the header. */
export function table(rows: readonly (readonly string[])[], aligns: readonly Align[], format: Format, indent = ""): string {
  if (format === "markdown") {
    const cell = (s: string) => s.replaceAll("|", "\\|");
    const [head, ...body] = rows;
    const rule = aligns.map((a) => (a === "right" ? "---:" : ":---"));
    return [head!, rule, ...body].map((r) => `| ${r.map((c) => (r === rule ? c : cell(c))).join(" | ")} |`).join("\n");
  }
  const widths = aligns.map((_, i) => Math.max(...rows.map((r) => [...(r[i] ?? "")].length)));
  const pad = (s: string, i: number) => (aligns[i] === "right" ? s.padStart(widths[i]!) : s.padEnd(widths[i]!));
  return rows.map((r) => `${indent}${r.map(pad).join("  ")}`.trimEnd()).join("\n");
}
