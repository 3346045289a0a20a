import { AssetType, Fn, TerraformAsset } from "cdktn";
import { Construct } from "constructs";
import { CloudwatchLogGroup } from "@cdktn/provider-aws/lib/cloudwatch-log-group/index.js";
import { IamRole } from "@cdktn/provider-aws/lib/iam-role/index.js";
import { LambdaAlias } from "@cdktn/provider-aws/lib/lambda-alias/index.js";
import { LambdaFunction as LambdaFunctionResource } from "@cdktn/provider-aws/lib/lambda-function/index.js";
import { LambdaProvisionedConcurrencyConfig } from "@cdktn/provider-aws/lib/lambda-provisioned-concurrency-config/index.js";
import { SecurityGroup } from "@cdktn/provider-aws/lib/security-group/index.js";
import { VpcSecurityGroupEgressRule } from "@cdktn/provider-aws/lib/vpc-security-group-egress-rule/index.js";
import type { IConnectable } from "../core/connections.js";
import { RoleGrants } from "../core/grants.js";
import type { IGrantable, PolicyStatement } from "../core/grants.js";
import { Problems } from "../core/validation.js";
import { FunctionAlarms } from "./alarms.js";
import { prepareCode } from "./code.js";
import type { LambdaFunctionProps } from "./props.js";
import { checkEnvironmentSize, checkEnvironmentVariable, resolveLambdaFunctionProps } from "./resolve.js";
import type { ResolvedFunctionConfig } from "./resolve.js";
import { addOutput } from "../core/outputs.js";
import { FUNCTION_OUTPUTS } from "./outputs.js";

export const ALIAS_NAME = "live";

const ASSUME_ROLE_POLICY = JSON.stringify({
  Version: "2012-10-17",
  Statement: [{ Effect: "Allow", Principal: { Service: "lambda.amazonaws.com" }, Action: "sts:AssumeRole" }],
});

/**
 * A Node.js Lambda function from a deployment package built by anything (a zip or a directory, see `FunctionCode`;
 * `NodejsBundle.code` bundles an entry file with esbuild), with its own least-privilege role, a log group with
 * retention, alarms, and optional VPC placement, alias and provisioned concurrency.
 *
 * Callers grant it access with `table.grantRead(fn)` (it is an {@link IGrantable}) and, in a VPC, open network
 * paths with `cache.allowFrom(fn)` (it is an {@link IConnectable}).
 */
export class LambdaFunction extends Construct implements IGrantable, IConnectable {
  readonly config: ResolvedFunctionConfig;
  readonly resource: LambdaFunctionResource;
  readonly role: IamRole;
  readonly logGroup: CloudwatchLogGroup;
  readonly alias: LambdaAlias | undefined;
  /** Function name (a Terraform reference, so dependents are ordered after the function). */
  readonly functionName: string;
  readonly functionArn: string;
  /** What callers invoke: the `live` alias when there is one, else the unqualified function. */
  readonly invokeArn: string;
  /** `live` when callers invoke the alias (their invoke permission must name it), else undefined. */
  readonly qualifier: string | undefined;
  readonly roleArn: string;
  /** Errors, throttles and P99 duration (unless `alarms: false`). */
  readonly alarms: FunctionAlarms | undefined;
  private readonly grants: RoleGrants;
  private readonly environment: Record<string, string>;
  private readonly securityGroup: string | undefined;

  constructor(scope: Construct, id: string, props: LambdaFunctionProps) {
    super(scope, id);
    const c = resolveLambdaFunctionProps(props);
    this.config = c;
    // A zip is deployed as is; a directory is zipped reproducibly first. Either way the asset is named by the
    // zip's bytes alone (not its mode on this machine): an unchanged package gives an unchanged plan.
    const code = prepareCode(c.code, c.handler, c.runtime, c.functionName);
    const asset = new TerraformAsset(this, "code", { path: code.zipFile, type: AssetType.FILE, assetHash: code.assetHash });

    this.role = new IamRole(this, "role", {
      name: c.roleName,
      assumeRolePolicy: ASSUME_ROLE_POLICY,
      description: `Execution role of the ${c.functionName} Lambda function`,
      tags: Object.keys(c.tags).length ? c.tags : undefined,
    });
    this.grants = new RoleGrants(this, "grants", { roleName: this.role.name });

    // Created by Terraform (not by Lambda on first write), so retention applies from the first log line and the
    // role needs no logs:CreateLogGroup.
    this.logGroup = new CloudwatchLogGroup(this, "log-group", {
      name: `/aws/lambda/${c.functionName}`,
      retentionInDays: c.logRetentionDays,
      kmsKeyId: c.logGroupKmsKeyArn,
      tags: Object.keys(c.tags).length ? c.tags : undefined,
    });
    // The equivalent of AWSLambdaBasicExecutionRole, scoped to this function's log group instead of `*`.
    this.grants.addToPolicy({ sid: "Logs", actions: ["logs:CreateLogStream", "logs:PutLogEvents"], resources: [`${this.logGroup.arn}:*`] });
    if (c.environmentKmsKeyArn) {
      // Lambda decrypts the variables with the function's role when an environment starts.
      this.grants.addToPolicy({ sid: "EnvironmentKey", actions: ["kms:Decrypt"], resources: [c.environmentKmsKeyArn] });
    }
    if (c.tracing) {
      // X-Ray's write actions have no resource-level permissions: AWS requires Resource "*".
      this.grants.addToPolicy({ sid: "XRay", actions: ["xray:PutTelemetryRecords", "xray:PutTraceSegments"], resources: ["*"] });
    }

    let vpcConfig: { subnetIds: string[]; securityGroupIds: string[] } | undefined;
    if (c.vpc) {
      const groups = c.vpc.securityGroupIds ?? [this.createSecurityGroup(c)];
      this.securityGroup = groups[0];
      vpcConfig = { subnetIds: c.vpc.subnetIds, securityGroupIds: groups };
      // The equivalent of AWSLambdaVPCAccessExecutionRole. Lambda manages the function's network interfaces with
      // these; the Describe* actions have no resource-level permissions and Create/Delete are checked against
      // interfaces that do not exist yet, so AWS requires Resource "*".
      this.grants.addToPolicy({
        sid: "VpcNetworkInterfaces",
        actions: [
          "ec2:AssignPrivateIpAddresses",
          "ec2:CreateNetworkInterface",
          "ec2:DeleteNetworkInterface",
          "ec2:DescribeNetworkInterfaces",
          "ec2:DescribeSubnets",
          "ec2:UnassignPrivateIpAddresses",
        ],
        resources: ["*"],
      });
    }

    this.environment = { ...c.environment };
    this.resource = new LambdaFunctionResource(this, "function", {
      functionName: c.functionName,
      description: c.description,
      role: this.role.arn,
      runtime: c.runtime,
      architectures: [c.architecture],
      handler: c.handler,
      filename: asset.path,
      // Terraform hashes the zip itself, the value Lambda reports as CodeSha256. The zip's path embeds the asset
      // hash, so this expression (and the plan) only changes when the bundle does.
      sourceCodeHash: Fn.filebase64sha256(asset.path),
      memorySize: c.memorySize,
      timeout: c.timeout,
      environment: Object.keys(this.environment).length ? { variables: { ...this.environment } } : undefined,
      kmsKeyArn: c.environmentKmsKeyArn,
      tracingConfig: c.tracing ? { mode: "Active" } : undefined,
      reservedConcurrentExecutions: c.reservedConcurrency,
      publish: c.alias ? true : undefined,
      vpcConfig,
      tags: Object.keys(c.tags).length ? c.tags : undefined,
      // Lambda would create the group itself on the first invocation, without retention, and Terraform's
      // create would then fail with "already exists".
      dependsOn: [this.logGroup],
    });

    this.functionName = this.resource.functionName;
    this.functionArn = this.resource.arn;
    this.roleArn = this.role.arn;

    if (c.alias) {
      this.alias = new LambdaAlias(this, "alias", {
        name: ALIAS_NAME,
        functionName: this.resource.functionName,
        functionVersion: this.resource.version,
        description: "What callers invoke; moves to each newly published version",
      });
      if (c.provisionedConcurrency !== undefined) {
        new LambdaProvisionedConcurrencyConfig(this, "provisioned-concurrency", {
          functionName: this.alias.functionName,
          qualifier: this.alias.name,
          provisionedConcurrentExecutions: c.provisionedConcurrency,
        });
      }
      this.invokeArn = this.alias.invokeArn;
      this.qualifier = ALIAS_NAME;
    } else {
      this.alias = undefined;
      this.invokeArn = this.resource.invokeArn;
      this.qualifier = undefined;
    }

    this.alarms = c.alarms ? new FunctionAlarms(this, "alarms", { functionName: c.functionName, alarms: c.alarms }) : undefined;

    addOutput(this, FUNCTION_OUTPUTS.functionName, this.resource.functionName);
    addOutput(this, FUNCTION_OUTPUTS.functionArn, this.resource.arn);
    if (this.alias) addOutput(this, FUNCTION_OUTPUTS.aliasArn, this.alias.arn);
  }

  /** Adds a statement to the function's inline policy (how other modules grant access). */
  addToPolicy(statement: PolicyStatement): void {
    this.grants.addToPolicy(statement);
  }

  /** The statements granted so far (for tests and reviews). */
  get policyStatements(): PolicyStatement[] {
    return this.grants.policyStatements;
  }

  /**
   * Adds an environment variable after construction (modules wiring a cache endpoint, stacks adding settings).
   * Setting a variable again to the same value is harmless; to a different value it is an error, so two
   * modules can never silently overwrite each other's configuration.
   */
  addEnvironment(key: string, value: string): this {
    const p = new Problems(`LambdaFunction(${JSON.stringify(this.config.functionName)}).addEnvironment`);
    checkEnvironmentVariable(p, key, value);
    const existing = this.environment[key];
    if (existing !== undefined && existing !== value) {
      p.add(`environment.${key}`, value, `is already set to ${JSON.stringify(existing)}; a variable is set once`);
    }
    checkEnvironmentSize(p, { ...this.environment, [key]: value });
    p.throwIfAny();
    this.environment[key] = value;
    this.resource.putEnvironment({ variables: { ...this.environment } });
    return this;
  }

  /** The function's environment variables so far. */
  get environmentVariables(): Readonly<Record<string, string>> {
    return { ...this.environment };
  }

  /** The security group peers reference in their ingress rules; only for a function in a VPC. */
  get securityGroupId(): string {
    if (this.securityGroup === undefined) {
      throw new Error(`LambdaFunction(${JSON.stringify(this.config.functionName)}) is not in a VPC, so it has no security group: set props.vpc to reach resources inside a VPC`);
    }
    return this.securityGroup;
  }

  private createSecurityGroup(c: ResolvedFunctionConfig): string {
    const group = new SecurityGroup(this, "security-group", {
      name: `${c.functionName}-lambda`,
      description: `Network interfaces of the ${c.functionName} Lambda function (egress only)`,
      vpcId: c.vpc!.vpcId,
      tags: Object.keys(c.tags).length ? c.tags : undefined,
    });
    // No ingress: nothing connects to a Lambda function's interfaces. Peers (a cache cluster) add ingress
    // rules on THEIR groups with this group as source.
    new VpcSecurityGroupEgressRule(this, "security-group-egress", {
      securityGroupId: group.id,
      ipProtocol: "-1",
      cidrIpv4: "0.0.0.0/0",
      description: "All outbound: AWS APIs (through NAT or VPC endpoints) and caches in the VPC",
    });
    return group.id;
  }
}
