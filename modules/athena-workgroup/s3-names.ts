import { createHash } from "node:crypto";

/**
 * S3 naming rules (general purpose buckets) and `s3://bucket/prefix/` parsing.
 * https://docs.aws.amazon.com/AmazonS3/latest/userguide/bucketnamingrules.html
 */

const RESERVED_PREFIXES = ["xn--", "sthree-", "amzn-s3-demo-"];
const RESERVED_SUFFIXES = ["-s3alias", "--ol-s3", ".mrap", "--x-s3", "--table-s3"];

/**
 * Why a bucket name is invalid, or undefined when it is valid. With `allowDots: false` (buckets this module
 * creates) dots are refused too: a dotted name breaks TLS certificate matching for virtual-hosted-style requests.
 */
export function bucketNameProblem(name: string, opts: { allowDots: boolean }): string | undefined {
  if (typeof name !== "string" || name.length < 3 || name.length > 63) return "must be 3–63 characters";
  if (!/^[a-z0-9][a-z0-9.-]*[a-z0-9]$/.test(name)) {
    return "must be lowercase letters, digits, '-' and '.', starting and ending with a letter or digit";
  }
  if (!opts.allowDots && name.includes(".")) {
    return "must not contain '.': dotted bucket names break TLS for virtual-hosted-style requests (use '-')";
  }
  if (name.includes("..")) return "must not contain two adjacent periods";
  if (/^\d{1,3}(\.\d{1,3}){3}$/.test(name)) return "must not be formatted as an IP address";
  const prefix = RESERVED_PREFIXES.find((p) => name.startsWith(p));
  if (prefix) return `must not start with the reserved prefix "${prefix}"`;
  const suffix = RESERVED_SUFFIXES.find((s) => name.endsWith(s));
  if (suffix) return `must not end with the reserved suffix "${suffix}"`;
  return undefined;
}

/** Room left for the region in a derived name; the longest region names today are 15 characters. */
const REGION_RESERVE = 16;
const ACCOUNT_ID_LENGTH = 12;
const SUFFIX = "-athena";

/**
 * A bucket name for a workgroup's results: `<slug>-athena-<account>-<region>`, unique per account and region, and
 * at most 63 characters for any region. The account and region are Terraform references (known at apply time),
 * so the length budget is worked out here for their longest possible values. A slug too long for the budget is
 * shortened and made unique again with a hash of the full workgroup name.
 */
export function derivedBucketName(workgroupName: string, accountId: string, region: string): string {
  const budget = 63 - SUFFIX.length - 1 - ACCOUNT_ID_LENGTH - 1 - REGION_RESERVE;
  let slug = workgroupName.toLowerCase().replace(/[^a-z0-9-]+/g, "-").replace(/-+/g, "-").replace(/^-|-$/g, "");
  if (slug === "" || RESERVED_PREFIXES.some((p) => slug.startsWith(p))) slug = `wg-${slug}`.replace(/-$/, "");
  if (slug.length > budget) {
    const hash = createHash("sha256").update(workgroupName).digest("hex").slice(0, 6);
    slug = `${slug.slice(0, budget - hash.length - 1).replace(/-+$/, "")}-${hash}`;
  }
  return `${slug}${SUFFIX}-${accountId}-${region}`;
}

export interface S3Location {
  readonly bucket: string;
  /** Key prefix without the leading slash, ending with `/`, or "" for the bucket root. */
  readonly prefix: string;
}

export const S3_URI_RULE = "must be an S3 folder URI s3://<bucket>/<prefix>/ (ending with '/', no spaces, wildcards or empty path segments)";

/** Parses `s3://bucket/prefix/`; undefined when it is not a folder URI with a valid bucket name. */
export function parseS3Folder(uri: string): S3Location | undefined {
  if (typeof uri !== "string") return undefined;
  const m = /^s3:\/\/([^/]+)\/((?:[^/\s*?]+\/)*)$/.exec(uri);
  if (!m) return undefined;
  const bucket = m[1]!;
  if (bucketNameProblem(bucket, { allowDots: true })) return undefined;
  return { bucket, prefix: m[2]! };
}

/** True when one prefix of the same bucket contains the other (results written where data is read, or back). */
export function overlaps(a: S3Location, b: S3Location): boolean {
  return a.bucket === b.bucket && (a.prefix.startsWith(b.prefix) || b.prefix.startsWith(a.prefix));
}
