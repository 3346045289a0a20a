import { createHash } from "node:crypto";
import { Fn } from "cdktn";
import type { ITerraformDependable } from "cdktn";
import { Construct } from "constructs";
import { ApiGatewayAccount } from "@cdktn/provider-aws/lib/api-gateway-account/index.js";
import { ApiGatewayDeployment } from "@cdktn/provider-aws/lib/api-gateway-deployment/index.js";
import { ApiGatewayIntegration } from "@cdktn/provider-aws/lib/api-gateway-integration/index.js";
import { ApiGatewayMethod } from "@cdktn/provider-aws/lib/api-gateway-method/index.js";
import { ApiGatewayMethodSettings } from "@cdktn/provider-aws/lib/api-gateway-method-settings/index.js";
import type { ApiGatewayMethodSettingsSettings } from "@cdktn/provider-aws/lib/api-gateway-method-settings/index.js";
import { ApiGatewayResource } from "@cdktn/provider-aws/lib/api-gateway-resource/index.js";
import { ApiGatewayRestApi } from "@cdktn/provider-aws/lib/api-gateway-rest-api/index.js";
import { ApiGatewayStage } from "@cdktn/provider-aws/lib/api-gateway-stage/index.js";
import { CloudwatchLogGroup } from "@cdktn/provider-aws/lib/cloudwatch-log-group/index.js";
import { IamRole } from "@cdktn/provider-aws/lib/iam-role/index.js";
import { IamRolePolicyAttachment } from "@cdktn/provider-aws/lib/iam-role-policy-attachment/index.js";
import { LambdaPermission } from "@cdktn/provider-aws/lib/lambda-permission/index.js";
import type { IGrantable } from "../core/grants.js";
import { suppress } from "../policy-pack/suppress.js";
import { ApiAlarms } from "./alarms.js";
import { executeApiRoute, methodSettingsPath, pathPrefixes } from "./paths.js";
import type { ApiCacheProps } from "./props.js";
import { resolveApiCacheProps } from "./resolve.js";
import type { ResolvedApiCacheConfig, ResolvedRoute } from "./resolve.js";
import { createUsagePlans } from "./usage-plans.js";
import type { UsagePlanResources } from "./usage-plans.js";
import { addOutput } from "../core/outputs.js";
import { API_OUTPUTS } from "./outputs.js";

/** AWS-managed policy that lets API Gateway write access and execution logs (the account-level role). */
const PUSH_TO_CLOUDWATCH_POLICY_ARN = "arn:aws:iam::aws:policy/service-role/AmazonAPIGatewayPushToCloudWatchLogs";

/**
 * A REST API whose routes are Lambda proxy integrations, deployed to one stage with a stage cache, throttling,
 * access logs and compression.
 *
 * Cache keys: every route's path parameters plus the query strings/headers it declares are emitted both as
 * method request parameters and as the integration's `cache_key_parameters`, so responses for different
 * cities never share an entry. Caching and throttling are set stage-wide (`*` / `*`) and overridden per route
 * with `aws_api_gateway_method_settings`.
 *
 * Authentication: every route is IAM (SigV4) unless the props say otherwise; API keys come with usage plans
 * (throttle and quota per key); a route left open carries its reason as a suppression of the policy pack's
 * CKV_AWS_59, which synth prints.
 */
export class ApiCache extends Construct {
  readonly config: ResolvedApiCacheConfig;
  readonly restApi: ApiGatewayRestApi;
  readonly stage: ApiGatewayStage;
  readonly deployment: ApiGatewayDeployment;
  /** `https://<id>.execute-api.<region>.amazonaws.com/<stage>` */
  readonly invokeUrl: string;
  readonly stageName: string;
  readonly restApiId: string;
  /** The hash in the deployment's triggers: changes exactly when routes or their cache keys change. */
  readonly configurationHash: string;
  /** `arn:aws:execute-api:<region>:<account>:<api id>`: what invoke grants are scoped under. */
  readonly executionArn: string;
  /** The access log group, when there are access logs. */
  readonly accessLogGroup: CloudwatchLogGroup | undefined;
  /** The usage plans and the keys Terraform created, by name (auth mode `apiKey`). */
  readonly usagePlans: UsagePlanResources;
  readonly alarms: ApiAlarms | undefined;
  private readonly routeSettings = new Map<string, ApiGatewayMethodSettings>();

  constructor(scope: Construct, id: string, props: ApiCacheProps) {
    super(scope, id);
    const c = resolveApiCacheProps(props);
    this.config = c;
    const tags = Object.keys(c.tags).length ? c.tags : undefined;

    this.restApi = new ApiGatewayRestApi(this, "api", {
      name: c.name,
      description: c.description,
      endpointConfiguration: { types: [c.endpointType] },
      minimumCompressionSize: c.minimumCompressionSize === false ? undefined : String(c.minimumCompressionSize),
      binaryMediaTypes: c.binaryMediaTypes.length ? c.binaryMediaTypes : undefined,
      tags,
    });

    const resources = this.createResources(c);
    const dependables: ITerraformDependable[] = [];
    const integrationUris: string[] = [];
    for (const route of c.routes) {
      const { method, integration } = this.createRoute(route, resources.get(route.path)!);
      dependables.push(method, integration);
      integrationUris.push(integration.uri);
    }

    this.configurationHash = deploymentHash(c);
    this.deployment = new ApiGatewayDeployment(this, "deployment", {
      restApiId: this.restApi.id,
      description: `Routes and cache keys ${this.configurationHash.slice(0, 12)}`,
      triggers: {
        // Routes, methods and cache keys (literal config, hashed here) and the integration targets (Terraform
        // references, hashed by Terraform): a change to either must publish a new deployment to the stage.
        configuration: this.configurationHash,
        integrations: Fn.sha1(Fn.jsonencode(integrationUris)),
      },
      // The stage points at the deployment: create the new one before destroying the old one.
      lifecycle: { createBeforeDestroy: true },
      dependsOn: dependables,
    });

    const stageDependsOn: ITerraformDependable[] = [];
    if (c.createAccountCloudWatchRole) stageDependsOn.push(this.createAccountRole(c));
    const accessLogGroup = c.accessLogs
      ? new CloudwatchLogGroup(this, "access-logs", {
          name: `/aws/apigateway/${c.name}/${c.stageName}/access`,
          retentionInDays: c.accessLogs.retentionDays,
          kmsKeyId: c.accessLogs.kmsKeyArn,
          tags,
        })
      : undefined;
    this.accessLogGroup = accessLogGroup;

    this.stage = new ApiGatewayStage(this, "stage", {
      restApiId: this.restApi.id,
      deploymentId: this.deployment.id,
      stageName: c.stageName,
      cacheClusterEnabled: c.cache !== false,
      cacheClusterSize: c.cache ? String(c.cache.sizeGb) : undefined,
      xrayTracingEnabled: c.tracing,
      accessLogSettings: accessLogGroup && c.accessLogs ? { destinationArn: accessLogGroup.arn, format: c.accessLogs.format } : undefined,
      tags,
      dependsOn: stageDependsOn.length ? stageDependsOn : undefined,
    });

    const stageSettings = this.stageSettings(c);
    new ApiGatewayMethodSettings(this, "settings-all", {
      restApiId: this.restApi.id,
      stageName: this.stage.stageName,
      methodPath: "*/*",
      settings: stageSettings,
    });
    for (const route of c.routes) {
      if (!route.overridesStage) continue;
      // A route's settings replace the stage-wide ones for that method: repeat everything (encryption and the
      // invalidation rules included), not just what differs.
      const settings = new ApiGatewayMethodSettings(this, `settings-${routeId(route)}`, {
        restApiId: this.restApi.id,
        stageName: this.stage.stageName,
        methodPath: methodSettingsPath(route.path, route.method),
        settings: {
          ...stageSettings,
          cachingEnabled: route.cachingEnabled,
          cacheTtlInSeconds: c.cache ? route.ttlSeconds : undefined,
          throttlingRateLimit: route.throttling.rateLimit,
          throttlingBurstLimit: route.throttling.burstLimit,
        },
      });
      this.routeSettings.set(`${route.method} ${route.path}`, settings);
    }

    this.usagePlans = createUsagePlans(this, {
      apiName: c.name,
      restApiId: this.restApi.id,
      stageName: this.stage.stageName,
      plans: c.auth.mode === "apiKey" ? c.auth.usagePlans : [],
      tags,
    });
    this.alarms = c.alarms ? new ApiAlarms(this, "alarms", { apiName: c.name, stageName: c.stageName, alarms: c.alarms }) : undefined;

    this.executionArn = this.restApi.executionArn;
    this.invokeUrl = this.stage.invokeUrl;
    this.stageName = this.stage.stageName;
    this.restApiId = this.restApi.id;
    addOutput(this, API_OUTPUTS.invokeUrl, this.stage.invokeUrl);
    addOutput(this, API_OUTPUTS.stageName, this.stage.stageName);
    addOutput(this, API_OUTPUTS.restApiId, this.restApi.id);
  }

  /** One `aws_api_gateway_resource` per distinct path prefix, shared by the routes below it. */
  private createResources(c: ResolvedApiCacheConfig): Map<string, ApiGatewayResource> {
    const byPath = new Map<string, ApiGatewayResource>();
    for (const route of c.routes) {
      for (const prefix of pathPrefixes(route.path)) {
        if (byPath.has(prefix)) continue;
        const parentPath = prefix.slice(0, prefix.lastIndexOf("/"));
        const parentId = parentPath ? byPath.get(parentPath)!.id : this.restApi.rootResourceId;
        byPath.set(prefix, new ApiGatewayResource(this, `resource-${prefix.slice(1).split("/").join("~")}`, {
          restApiId: this.restApi.id,
          parentId,
          pathPart: prefix.slice(prefix.lastIndexOf("/") + 1),
        }));
      }
    }
    return byPath;
  }

  private createRoute(route: ResolvedRoute, resource: ApiGatewayResource): { method: ApiGatewayMethod; integration: ApiGatewayIntegration } {
    const scope = new Construct(this, `route-${routeId(route)}`);
    const hasParams = Object.keys(route.requestParameters).length > 0;
    const method = new ApiGatewayMethod(scope, "method", {
      restApiId: this.restApi.id,
      resourceId: resource.id,
      httpMethod: route.method,
      authorization: route.auth.authorization,
      apiKeyRequired: route.auth.apiKeyRequired || undefined,
      // `true` marks a parameter required; API Gateway enforces that only with a request validator, the handler
      // validates anyway. Declaring it is what allows it to be a cache key.
      requestParameters: hasParams ? route.requestParameters : undefined,
    });
    const integration = new ApiGatewayIntegration(scope, "integration", {
      restApiId: this.restApi.id,
      resourceId: resource.id,
      httpMethod: method.httpMethod,
      type: "AWS_PROXY",
      // Lambda's Invoke API is always a POST, whatever the route's method.
      integrationHttpMethod: "POST",
      uri: route.function.invokeArn,
      cacheKeyParameters: route.cacheKeyParameters.length ? route.cacheKeyParameters : undefined,
    });
    new LambdaPermission(scope, "permission", {
      action: "lambda:InvokeFunction",
      functionName: route.function.functionName,
      qualifier: route.function.qualifier,
      principal: "apigateway.amazonaws.com",
      // This route of this API only (any stage, so console test invocations work too); never `*`.
      sourceArn: `${this.restApi.executionArn}/*/${executeApiRoute(route.path, route.method)}`,
    });
    // Open on purpose: the reason travels with the method, and synth prints it with the pack's suppressions.
    if (route.auth.mode === "none") suppress(method, "CKV_AWS_59", `auth none: ${route.auth.reason}`);
    return { method, integration };
  }

  /**
   * Lets the grantee call the IAM-authenticated routes (`execute-api:Invoke` on this stage), all of them or those
   * given as `"GET /analytics/queries"`. Scoped to the stage and the routes' paths (parameters as `*`).
   */
  grantInvoke(grantee: IGrantable, routes?: readonly string[]): void {
    const chosen = this.config.routes.filter((r) => r.auth.mode === "iam" && (!routes || routes.includes(`${r.method} ${r.path}`)));
    const unknown = (routes ?? []).filter((x) => !this.config.routes.some((r) => `${r.method} ${r.path}` === x));
    if (unknown.length > 0) throw new Error(`ApiCache(${JSON.stringify(this.config.name)}).grantInvoke: no route ${unknown.join(", ")}; routes are ${this.config.routes.map((r) => `${r.method} ${r.path}`).join(", ")}`);
    if (chosen.length === 0) throw new Error(`ApiCache(${JSON.stringify(this.config.name)}).grantInvoke: none of the routes uses IAM authentication`);
    const sid = `Invoke${this.config.name.replace(/[^A-Za-z0-9]/g, "")}`;
    grantee.addToPolicy({ sid, actions: ["execute-api:Invoke"], resources: chosen.map((r) => `${this.executionArn}/${this.config.stageName}/${executeApiRoute(r.path, r.method)}`) });
  }

  /** The method settings of one route (`"GET /analytics/executions/{id}"`), when it overrides the stage's. */
  settingsOf(route: string): ApiGatewayMethodSettings | undefined {
    return this.routeSettings.get(route);
  }

  private stageSettings(c: ResolvedApiCacheConfig): ApiGatewayMethodSettingsSettings {
    return {
      cachingEnabled: c.cache !== false,
      cacheTtlInSeconds: c.cache ? c.cache.ttlSeconds : undefined,
      cacheDataEncrypted: c.cache ? c.cache.encrypted : undefined,
      requireAuthorizationForCacheControl: c.cache ? c.cache.requireAuthorizationForInvalidation : undefined,
      unauthorizedCacheControlHeaderStrategy: c.cache ? c.cache.unauthorizedInvalidation : undefined,
      throttlingRateLimit: c.throttling.rateLimit,
      throttlingBurstLimit: c.throttling.burstLimit,
      metricsEnabled: c.detailedMetrics,
      loggingLevel: c.executionLogging,
      dataTraceEnabled: false,
    };
  }

  /**
   * The account-level CloudWatch role of API Gateway. It is a per-region singleton shared by every API of the
   * account: only one stack may own it.
   */
  private createAccountRole(c: ResolvedApiCacheConfig): ApiGatewayAccount {
    const role = new IamRole(this, "cloudwatch-role", {
      name: `${c.name}-apigateway-cloudwatch`.slice(0, 64),
      description: "API Gateway account-level role for writing access and execution logs",
      assumeRolePolicy: JSON.stringify({
        Version: "2012-10-17",
        Statement: [{ Effect: "Allow", Principal: { Service: "apigateway.amazonaws.com" }, Action: "sts:AssumeRole" }],
      }),
    });
    new IamRolePolicyAttachment(this, "cloudwatch-role-policy", { role: role.name, policyArn: PUSH_TO_CLOUDWATCH_POLICY_ARN });
    return new ApiGatewayAccount(this, "account", { cloudwatchRoleArn: role.arn });
  }
}

/** `GET-forecast~{cityId}`: unique per route, stable while the route exists (it names Terraform addresses). */
function routeId(route: ResolvedRoute): string {
  return `${route.method}-${route.path.slice(1).split("/").join("~")}`;
}

/** SHA-256 of everything that shapes the deployed API except integration targets (those are Terraform references). */
function deploymentHash(c: ResolvedApiCacheConfig): string {
  const shape = {
    endpointType: c.endpointType,
    minimumCompressionSize: c.minimumCompressionSize,
    // Only when set, so APIs without binary media types keep the hash (and deployment) they had.
    ...(c.binaryMediaTypes.length ? { binaryMediaTypes: c.binaryMediaTypes } : {}),
    routes: c.routes
      .map((r) => ({
        method: r.method,
        path: r.path,
        authorization: r.auth.authorization,
        apiKeyRequired: r.auth.apiKeyRequired,
        requestParameters: r.requestParameters,
        cacheKeyParameters: r.cacheKeyParameters,
      }))
      .sort((a, b) => `${a.path} ${a.method}`.localeCompare(`${b.path} ${b.method}`)),
  };
  return createHash("sha256").update(JSON.stringify(shape)).digest("hex");
}
