/**
 * Reads what `npm run synth` wrote: `<outdir>/manifest.json` and each stack's `cdk.tf.json`, as the resources the
 * cost model prices, the stack's provider region and environment, and its capacity record (modules/capacity).
 */
import { existsSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { capacityRecordOf } from "../../modules/capacity/record.js";
import type { CapacityRecord } from "../../modules/capacity/record.js";

export interface TfResource {
  readonly type: string;
  readonly name: string;
  /** `type.name`: the Terraform address in its stack. */
  readonly address: string;
  readonly values: Readonly<Record<string, unknown>>;
}

export interface SynthStack {
  readonly name: string;
  /** The default AWS provider's region; undefined when it is not a literal. */
  readonly region: string | undefined;
  /** The provider's `default_tags` `environment`, else the stack name's last `-` part. */
  readonly environment: string;
  readonly resources: readonly TfResource[];
  readonly record: CapacityRecord | undefined;
}

interface StackJson {
  resource?: Record<string, Record<string, Record<string, unknown>>>;
  provider?: { aws?: Array<{ alias?: string; region?: string; default_tags?: Array<{ tags?: Record<string, string> }> }> };
}

/** Every stack of a synth output directory, in the manifest's order. */
export function readSynthOutput(outdir: string): SynthStack[] {
  const manifestFile = join(outdir, "manifest.json");
  if (!existsSync(manifestFile)) throw new Error(`no synth output in ${outdir} (no manifest.json): run \`npm run synth\` first, or pass the directory it wrote`);
  const manifest = JSON.parse(readFileSync(manifestFile, "utf8")) as { stacks: Record<string, { synthesizedStackPath: string }> };
  return Object.entries(manifest.stacks).map(([name, s]) => parseStack(name, JSON.parse(readFileSync(join(outdir, s.synthesizedStackPath), "utf8"))));
}

/** One stack from its parsed `cdk.tf.json`. */
export function parseStack(name: string, json: unknown): SynthStack {
  const tf = json as StackJson;
  const resources: TfResource[] = [];
  for (const [type, byName] of Object.entries(tf.resource ?? {})) {
    for (const [resourceName, values] of Object.entries(byName)) resources.push({ type, name: resourceName, address: `${type}.${resourceName}`, values });
  }
  resources.sort((a, b) => a.address.localeCompare(b.address));
  const provider = (tf.provider?.aws ?? []).find((p) => p.alias === undefined);
  const region = typeof provider?.region === "string" && !provider.region.includes("${") ? provider.region : undefined;
  const environment = provider?.default_tags?.[0]?.tags?.environment ?? name.slice(name.lastIndexOf("-") + 1);
  return { name, region, environment, resources, record: capacityRecordOf(json) };
}

/** The resource addresses (`type.name`) a value refers to through `${type.name.attr…}` expressions. */
export function referencesIn(value: unknown): string[] {
  const text = typeof value === "string" ? value : JSON.stringify(value ?? "");
  return [...text.matchAll(/\$\{([a-z0-9_]+)\.([A-Za-z0-9_-]+)[.}[]/g)].map((m) => `${m[1]}.${m[2]}`);
}

/** Whether `value` refers to the resource at `address`. */
export function refersTo(value: unknown, address: string): boolean {
  return referencesIn(value).includes(address);
}
