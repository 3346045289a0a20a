import { Problems } from "../core/validation.js";
import { KEY_SERVICES } from "./props.js";
import type { KeyService, KmsKeyProps } from "./props.js";

export interface ResolvedKmsKey {
  alias: string;
  description: string;
  services: KeyService[];
  logGroups: string[];
  accountId: string;
  region: string;
  partition: string;
  deletionWindowDays: number;
  tags: Record<string, string>;
}

const ALIAS_RE = /^[A-Za-z0-9/_-]{1,250}$/;
const ACCOUNT_RE = /^\d{12}$/;
const REGION_RE = /^[a-z]{2}(-gov|-iso[a-z]?)?-[a-z]+-\d$/;
/** CloudWatch Logs group names: 1–512 of `[.\-_/#A-Za-z0-9]`; here with an optional trailing `*` for a prefix. */
export const LOG_GROUP_PATTERN = /^[.\-_/#A-Za-z0-9]{1,512}\*?$/;

/** The ARN partition of a region: `aws`, `aws-us-gov` or `aws-cn`. */
export function partitionOfRegion(region: string): string {
  if (region.startsWith("us-gov-")) return "aws-us-gov";
  if (region.startsWith("cn-")) return "aws-cn";
  return "aws";
}

/** Validates props and applies defaults; throws one PropValidationError listing every problem. */
export function resolveKmsKeyProps(props: KmsKeyProps): ResolvedKmsKey {
  const p = new Problems(`KmsKey(${JSON.stringify(props.alias)})`);
  if (p.pattern("alias", props.alias, ALIAS_RE, "must be 1–250 letters, digits, '/', '_' or '-' (without the alias/ prefix)")) {
    p.check(!props.alias.startsWith("aws/"), "alias", props.alias, "must not start with aws/ (reserved for AWS managed keys)");
  }
  p.check(typeof props.description === "string" && props.description.length >= 1 && props.description.length <= 8192, "description", props.description, "must be 1–8,192 characters");
  const services = [...(props.services ?? [])];
  p.check(services.length >= 1, "services", props.services, `must name at least one service of ${KEY_SERVICES.join(", ")}: a key no service may use protects nothing`);
  services.forEach((s, i) => p.oneOf(`services[${i}]`, s, KEY_SERVICES));
  const dup = services.find((s, i) => services.indexOf(s) !== i);
  if (dup !== undefined) p.add("services", services, `lists "${dup}" twice`);
  const logGroups = [...(props.logGroups ?? [])];
  logGroups.forEach((g, i) => p.pattern(`logGroups[${i}]`, g, LOG_GROUP_PATTERN, "must be a log group name (letters, digits, . - _ / #), optionally ending in * for a prefix"));
  if (logGroups.length > 0) p.check(services.includes("logs"), "logGroups", logGroups, 'name log groups only for a key whose services include "logs"');
  p.pattern("accountId", props.accountId, ACCOUNT_RE, "must be a 12-digit AWS account id");
  p.pattern("region", props.region, REGION_RE, "must be an AWS region code such as us-east-1");
  const deletionWindowDays = props.deletionWindowDays ?? 30;
  p.range("deletionWindowDays", deletionWindowDays, 7, 30, { integer: true });
  p.tags(props.tags);
  p.throwIfAny();
  return {
    alias: props.alias,
    description: props.description,
    services,
    logGroups,
    accountId: props.accountId,
    region: props.region,
    partition: partitionOfRegion(props.region),
    deletionWindowDays,
    tags: { ...(props.tags ?? {}) },
  };
}
