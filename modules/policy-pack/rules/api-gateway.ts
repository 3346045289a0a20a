import { block, expect, isSet, isTrue, notApplicable } from "../rule.js";
import type { PolicyRule } from "../rule.js";
import { resourceCheck } from "./sources.js";

const STAGE = ["aws_api_gateway_stage"];
const METHOD_SETTINGS = ["aws_api_gateway_method_settings"];

export const API_GATEWAY_RULES: readonly PolicyRule[] = [
  {
    id: "CKV_AWS_59",
    types: ["aws_api_gateway_method"],
    title: "Ensure there is no open access to back-end resources through API",
    checks:
      'authorization is not "NONE" (OPTIONS excepted), or the method requires an API key (api_key_required, enforced by a usage plan); ' +
      "checkov counts only authorization. A route the kit leaves open on purpose carries a suppression with its reason",
    source: resourceCheck("APIGatewayAuthorization"),
    evaluate(r) {
      if (r.config.http_method === "OPTIONS") return notApplicable("OPTIONS (CORS preflight) carries no credentials");
      const open = r.config.authorization === "NONE" && !isTrue(r.config.api_key_required);
      return expect(!open, 'authorization = "NONE" and no API key required: anyone can invoke the integration');
    },
  },
  {
    id: "CKV_AWS_73",
    types: STAGE,
    title: "Ensure API Gateway has X-Ray Tracing enabled",
    checks: "xray_tracing_enabled is true",
    source: resourceCheck("APIGatewayXray"),
    evaluate: (r) => expect(isTrue(r.config.xray_tracing_enabled), "xray_tracing_enabled is not true"),
  },
  {
    id: "CKV_AWS_76",
    types: STAGE,
    title: "Ensure API Gateway has Access Logging enabled",
    checks: "access_log_settings has a destination_arn",
    source: resourceCheck("APIGatewayAccessLogging"),
    evaluate: (r) => expect(isSet(block(r.config, "access_log_settings")?.destination_arn), "no access_log_settings.destination_arn"),
  },
  {
    id: "CKV_AWS_120",
    types: STAGE,
    title: "Ensure API Gateway caching is enabled",
    checks: "cache_cluster_enabled is true",
    source: resourceCheck("APIGatewayCacheEnable"),
    evaluate: (r) => expect(isTrue(r.config.cache_cluster_enabled), "cache_cluster_enabled is not true"),
  },
  {
    id: "CKV_AWS_225",
    types: METHOD_SETTINGS,
    title: "Ensure API Gateway method setting caching is enabled",
    // checkov's implementation inspects settings.cache_data_encrypted under this name (a copy of CKV_AWS_308);
    // the pack checks what the name says.
    checks: "settings.caching_enabled is true",
    source: resourceCheck("APIGatewayMethodSettingsCacheEnabled"),
    evaluate: (r) => expect(isTrue(block(r.config, "settings")?.caching_enabled), `caching is off for ${String(r.config.method_path)}`),
  },
  {
    id: "CKV_AWS_308",
    types: METHOD_SETTINGS,
    title: "Ensure API Gateway method setting caching is set to encrypted",
    checks: "where settings.caching_enabled is true, settings.cache_data_encrypted is true",
    source: resourceCheck("APIGatewayMethodSettingsCacheEncrypted"),
    evaluate(r) {
      const s = block(r.config, "settings");
      if (!isTrue(s?.caching_enabled)) return notApplicable("caching is off");
      return expect(isTrue(s?.cache_data_encrypted), "cached responses are not encrypted (settings.cache_data_encrypted)");
    },
  },
];
