import type { Problems } from "../../core/validation.js";
import type { NetworkEndpointsProps } from "../props.js";

export interface ResolvedEndpoints {
  dynamodb: boolean;
  s3: boolean;
  interfaces: string[];
}

const SERVICE_RE = /^[a-z0-9][a-z0-9.-]*$/;

/** Gateway endpoints (DynamoDB, S3: free) and interface endpoints by service name, each listed once. */
export function resolveEndpoints(p: Problems, e: NetworkEndpointsProps | undefined, dynamodbDefault: boolean): ResolvedEndpoints {
  const interfaces = [...(e?.interfaces ?? [])];
  interfaces.forEach((s, i) => {
    if (!p.pattern(`endpoints.interfaces[${i}]`, s, SERVICE_RE, "must be a service name as in com.amazonaws.<region>.<service>, e.g. \"secretsmanager\"")) return;
    if (interfaces.indexOf(s) !== i) p.add(`endpoints.interfaces[${i}]`, s, "is listed twice");
    if (s === "dynamodb" || s === "s3") p.add(`endpoints.interfaces[${i}]`, s, `has a free gateway endpoint; set endpoints.${s}: true instead`);
  });
  return { dynamodb: e?.dynamodb ?? dynamodbDefault, s3: e?.s3 ?? false, interfaces };
}
