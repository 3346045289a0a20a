/**
 * Reads a Terraform plan in JSON (`terraform show -json <planfile>`) and writes the pull-request comment for one
 * stack: replacements and destroys in bold at the top, Terraform's add/change/destroy counts, a table of every
 * change, then optional sections (the human-readable plan, the cost diff of `npm run cost`), behind a hidden
 * marker that finds the comment again on the next push. Format of the JSON:
 * https://developer.hashicorp.com/terraform/internals/json-format#plan-representation
 */

/** One entry of `resource_changes`. */
export interface ResourceChange {
  readonly address: string;
  readonly mode?: "managed" | "data";
  readonly type?: string;
  readonly previous_address?: string;
  readonly action_reason?: string;
  readonly change: { readonly actions: readonly string[]; readonly importing?: unknown };
}

export interface PlanJson {
  readonly format_version?: string;
  readonly terraform_version?: string;
  readonly resource_changes?: readonly ResourceChange[];
  readonly output_changes?: Readonly<Record<string, { readonly actions: readonly string[] }>>;
  readonly errored?: boolean;
}

export class PlanFormatError extends Error {
  constructor(message: string) {
    super(message);
    this.name = "PlanFormatError";
  }
}

/**
 * Parses a plan: the output of `terraform show -json <planfile>`, or the JSON-lines stream of
 * `terraform test -json -verbose` (its `test_plan` message carries the same `resource_changes`, written by the
 * same marshaller), whose first plan is taken.
 */
export function parsePlan(text: string): PlanJson {
  const trimmed = text.trim();
  if (!trimmed) throw new PlanFormatError("empty plan: expected the output of `terraform show -json <planfile>`");
  try {
    const json = JSON.parse(trimmed) as PlanJson & { test_plan?: PlanJson };
    if (json.test_plan) return json.test_plan;
    if (!Array.isArray(json.resource_changes) && !json.format_version) throw new PlanFormatError("not a Terraform plan: no format_version or resource_changes (is this `terraform show -json` of a plan file, not of state?)");
    return json;
  } catch (error) {
    if (error instanceof PlanFormatError) throw error;
    for (const line of trimmed.split("\n")) {
      if (!line.includes('"test_plan"')) continue;
      const message = JSON.parse(line) as { test_plan?: PlanJson };
      if (message.test_plan) return message.test_plan;
    }
    throw new PlanFormatError(`not JSON and no test_plan message: ${(error as Error).message}`);
  }
}

export interface PlanSummary {
  readonly add: number;
  readonly change: number;
  readonly destroy: number;
  readonly imports: number;
  /** Addresses replaced (destroyed and created), with Terraform's reason when it gives one. */
  readonly replaced: ReadonlyArray<{ address: string; reason?: string; createFirst: boolean }>;
  /** Addresses destroyed and not re-created. */
  readonly destroyed: readonly string[];
  readonly created: readonly string[];
  readonly updated: readonly string[];
  readonly moved: ReadonlyArray<{ from: string; to: string }>;
  readonly outputChanges: number;
}

/** Counts the way `terraform plan` does: a replacement is one to add and one to destroy. Data sources do not count. */
export function summarize(plan: PlanJson): PlanSummary {
  const created: string[] = [];
  const updated: string[] = [];
  const destroyed: string[] = [];
  const replaced: Array<{ address: string; reason?: string; createFirst: boolean }> = [];
  const moved: Array<{ from: string; to: string }> = [];
  let imports = 0;
  for (const rc of plan.resource_changes ?? []) {
    if (rc.mode === "data") continue;
    const a = rc.change.actions.join(",");
    if (rc.change.importing) imports++;
    if (rc.previous_address && rc.previous_address !== rc.address) moved.push({ from: rc.previous_address, to: rc.address });
    if (a === "create") created.push(rc.address);
    else if (a === "update") updated.push(rc.address);
    else if (a === "delete") destroyed.push(rc.address);
    else if (a === "delete,create" || a === "create,delete") replaced.push({ address: rc.address, reason: rc.action_reason, createFirst: a === "create,delete" });
    else if (a !== "no-op" && a !== "read" && a !== "forget") throw new PlanFormatError(`${rc.address}: unknown actions [${a}]`);
  }
  const outputChanges = Object.values(plan.output_changes ?? {}).filter((o) => o.actions.join(",") !== "no-op").length;
  return {
    add: created.length + replaced.length,
    change: updated.length,
    destroy: destroyed.length + replaced.length,
    imports,
    replaced,
    destroyed,
    created,
    updated,
    moved,
    outputChanges,
  };
}

/** Terraform's own summary sentence. */
export function planLine(s: PlanSummary): string {
  if (s.add + s.change + s.destroy + s.imports === 0) return s.outputChanges > 0 ? "No resource changes; outputs change." : "No changes.";
  return `Plan: ${s.imports > 0 ? `${s.imports} to import, ` : ""}${s.add} to add, ${s.change} to change, ${s.destroy} to destroy.`;
}

/** The hidden first line that identifies a stack's comment on a pull request. */
export function commentMarker(stack: string): string {
  return `<!-- aws-data-access-kit:terraform-plan:${stack} -->`;
}

/** GitHub refuses comment bodies over 65,536 characters. */
export const MAX_COMMENT_CHARS = 65_536;

export interface CommentInput {
  readonly stack: string;
  readonly summary: PlanSummary;
  /** `terraform show -no-color <planfile>`: shown folded, cut (saying so) when the comment would be too long. */
  readonly planText?: string;
  /** Markdown from `npm run cost -- --base <dir> --format markdown`, when the project has that script. */
  readonly costMarkdown?: string;
  /** Shown under the title: commit, workflow run link. */
  readonly footer?: string;
}

const REASONS: Record<string, string> = {
  replace_because_cannot_update: "an argument that cannot change in place changed",
  replace_because_tainted: "tainted",
  replace_by_request: "-replace requested",
  replace_by_triggers: "replace_triggered_by",
};

const code = (s: string) => `\`${s.replace(/`/g, "'")}\``;

export function renderComment(input: CommentInput): string {
  const s = input.summary;
  const top: string[] = [];
  if (s.replaced.length > 0) {
    top.push(`**⚠️ ${s.replaced.length} to replace (destroyed and re-created${s.replaced.every((r) => r.createFirst) ? ", new one first" : ""}):**`);
    for (const r of s.replaced) top.push(`- **${code(r.address)}**${r.reason ? ` (${REASONS[r.reason] ?? r.reason})` : ""}`);
    top.push("");
  }
  if (s.destroyed.length > 0) {
    top.push(`**⚠️ ${s.destroyed.length} to destroy:**`);
    for (const d of s.destroyed) top.push(`- **${code(d)}**`);
    top.push("");
  }
  const rows = [
    ...s.replaced.map((r) => `| replace | ${code(r.address)} |`),
    ...s.destroyed.map((d) => `| destroy | ${code(d)} |`),
    ...s.updated.map((u) => `| update | ${code(u)} |`),
    ...s.created.map((c) => `| create | ${code(c)} |`),
    ...s.moved.map((m) => `| moved | ${code(m.from)} → ${code(m.to)} |`),
  ];
  const head = [
    commentMarker(input.stack),
    `### Terraform plan: ${code(input.stack)}`,
    "",
    ...top,
    `**${planLine(s)}**`,
    "",
    ...(rows.length ? ["<details><summary>Every change</summary>", "", "| action | address |", "|---|---|", ...rows, "", "</details>", ""] : []),
    ...(input.costMarkdown ? ["<details><summary>Cost (npm run cost, base branch → this pull request)</summary>", "", input.costMarkdown.trim(), "", "</details>", ""] : []),
  ].join("\n");
  const footer = input.footer ? `\n${input.footer}\n` : "";
  if (!input.planText) return `${head}${footer}`;
  const open = "<details><summary>terraform show</summary>\n\n```text\n";
  const close = "\n```\n</details>\n";
  const room = MAX_COMMENT_CHARS - head.length - footer.length - open.length - close.length - 200;
  const text = input.planText.replace(/```/g, "ˋˋˋ");
  const shown = text.length <= room ? text : `${text.slice(0, Math.max(0, room))}\n… cut: ${text.length - Math.max(0, room)} more characters (GitHub's comment limit); the whole plan is in the workflow run's log.`;
  return `${head}${open}${shown}${close}${footer}`;
}

/**
 * The part of `npm run cost -- --base <dir> --format markdown` about one stack: the section whose heading names
 * it (up to the next heading of the same or a higher level), or the whole text when no heading does.
 */
export function costSectionFor(markdown: string | undefined, stack: string): string | undefined {
  if (!markdown?.trim()) return undefined;
  const lines = markdown.split("\n");
  const names = new RegExp(`^#+\\s(.*[^\\w-])?${stack.replace(/[.*+?^${}()|[\]\\]/g, "\\$&")}($|[^\\w-])`);
  const start = lines.findIndex((l) => names.test(l));
  if (start < 0) return markdown;
  const level = /^#+/.exec(lines[start]!)![0].length;
  const end = lines.findIndex((l, i) => i > start && /^#+\s/.test(l) && /^#+/.exec(l)![0].length <= level);
  return lines.slice(start, end < 0 ? undefined : end).join("\n");
}
