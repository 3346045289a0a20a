/**
 * What `tf:validate` changes in a copy of the synthesized JSON to validate it against another provider version than
 * the one the kit pins (the machines here only have hashicorp/aws 5.100.0 offline; the kit generates for 6.66.0).
 * Every change is returned, with where it was made, for the report: nothing is rewritten silently. A 6.x
 * construct with no known 5.x equivalent is left alone, so validation fails on it and says so.
 */

export interface Rewrite {
  /** Stable id of the rule, e.g. `aws-region-attribute`. */
  readonly rule: string;
  /** What was changed and why, e.g. `data.aws_region.*.region → .name (AWS provider < 6 calls it name)`. */
  readonly description: string;
  /** JSON paths of the changed values. */
  readonly locations: readonly string[];
}

export interface Rewritten {
  readonly json: Record<string, unknown>;
  readonly rewrites: readonly Rewrite[];
}

/** `{ aws: "5.100.0" }`: provider local names → the version to validate against. */
export type ProviderVersions = Readonly<Record<string, string>>;

const major = (v: string) => Number(/^\D*(\d+)/.exec(v)?.[1] ?? NaN);

/** Rewrites `json` (a stack's or an exported module's Terraform JSON) for `versions`; returns a new object. */
export function rewriteForProviders(json: Record<string, unknown>, versions: ProviderVersions): Rewritten {
  const out = structuredClone(json);
  const rewrites: Rewrite[] = [];
  const terraform = (out.terraform ?? {}) as { required_providers?: Record<string, { source?: string; version?: string }> };
  for (const [name, version] of Object.entries(versions)) {
    const req = terraform.required_providers?.[name];
    if (!req || req.version === version) continue;
    rewrites.push({ rule: "provider-version", description: `required_providers.${name}.version ${JSON.stringify(req.version)} → "${version}" (the version validated against)`, locations: [`terraform.required_providers.${name}.version`] });
    const pinned = req.version ?? "";
    req.version = version;
    if (name === "aws" && major(pinned) >= 6 && major(version) < 6) rewrites.push(...awsV6ToV5(out));
  }
  return { json: out, rewrites };
}

/**
 * AWS provider 6.0 added `region` to `data.aws_region` and deprecated `name`; 5.x has only `name`, with the same
 * value (https://registry.terraform.io/providers/hashicorp/aws/6.0.0/docs/data-sources/region,
 * hashicorp/terraform-provider-aws#42131).
 */
function awsV6ToV5(json: Record<string, unknown>): Rewrite[] {
  const locations: string[] = [];
  const re = /\b(data\.aws_region\.[A-Za-z0-9_-]+)\.region\b/g;
  visitStrings(json, [], (value, path) => {
    if (!re.test(value)) return value;
    re.lastIndex = 0;
    locations.push(path.join("."));
    return value.replace(re, "$1.name");
  });
  return locations.length ? [{ rule: "aws-region-attribute", description: "data.aws_region.<name>.region → .name (AWS provider 5.x has no `region` attribute there; `name` holds the same value)", locations }] : [];
}

/** Calls `fn` on every string value (not keys), replacing it with what `fn` returns. `//` metadata is skipped. */
function visitStrings(node: unknown, path: string[], fn: (value: string, path: string[]) => string): unknown {
  if (typeof node === "string") return fn(node, path);
  if (Array.isArray(node)) {
    node.forEach((v, i) => (node[i] = visitStrings(v, [...path, String(i)], fn)));
  } else if (node && typeof node === "object") {
    for (const [k, v] of Object.entries(node)) if (k !== "//") (node as Record<string, unknown>)[k] = visitStrings(v, [...path, k], fn);
  }
  return node;
}
