import { TerraformStack, Token } from "cdktn";
import { Construct } from "constructs";
import { SecurityGroup } from "@cdktn/provider-aws/lib/security-group/index.js";
import { VpcSecurityGroupIngressRule } from "@cdktn/provider-aws/lib/vpc-security-group-ingress-rule/index.js";
import { ElasticacheSubnetGroup } from "@cdktn/provider-aws/lib/elasticache-subnet-group/index.js";
import { ElasticacheParameterGroup } from "@cdktn/provider-aws/lib/elasticache-parameter-group/index.js";
import { ElasticacheReplicationGroup } from "@cdktn/provider-aws/lib/elasticache-replication-group/index.js";
import type { ElasticacheReplicationGroupLogDeliveryConfiguration } from "@cdktn/provider-aws/lib/elasticache-replication-group/index.js";
import { ElasticacheServerlessCache } from "@cdktn/provider-aws/lib/elasticache-serverless-cache/index.js";
import { CloudwatchLogGroup } from "@cdktn/provider-aws/lib/cloudwatch-log-group/index.js";
import type { IConnectable } from "../core/connections.js";
import type { IGrantable } from "../core/grants.js";
import { RedisAuth } from "./auth.js";
import { ReplicationGroupAlarms, ServerlessAlarms, memberClusterIds } from "./alarms.js";
import type { RedisConnection } from "./connection.js";
import type { RedisCacheProps } from "./props.js";
import { resolveRedisCacheProps } from "./resolve.js";
import type { ResolvedRedisCache, ResolvedReplicationGroup, ResolvedServerless } from "./resolve.js";
import { addOutput } from "../core/outputs.js";
import { CACHE_OUTPUTS } from "./outputs.js";

/** Serverless caches listen on 6379 (primary) and 6380 (reader endpoint). */
const SERVERLESS_PORTS = { from: 6379, to: 6380 } as const;

/**
 * A Valkey (default) or Redis OSS cache on ElastiCache: a node-based replication group or a serverless cache,
 * secure by default (TLS required, encrypted at rest, generated credentials in Secrets Manager, no network access
 * until granted) with alarms, logs and least-privilege grants.
 *
 * Access is granted, never opened: `grantConnect(fn)` lets a function reach the cache port (security group rule
 * from the function's security group) and read the credentials secret; `allowFrom(peer)` gives network access only.
 */
export class RedisCache extends Construct implements IConnectable {
  readonly config: ResolvedRedisCache;
  /** Security group of the cache: ingress only from granted peers (and `ingressCidrs`), no egress. */
  readonly securityGroupId: string;
  /** Secrets Manager secret with the password, JSON `{"authToken"}`; undefined with IAM authentication (no secret exists). */
  readonly authSecretArn: string | undefined;
  /** ARN of the replication group or serverless cache (the resource of `elasticache:Connect`). */
  readonly arn: string;
  /** The ElastiCache user clients authenticate as (IAM, RBAC); undefined with an AUTH token. */
  readonly userName: string | undefined;
  /** ARN of that user. */
  readonly userArn: string | undefined;
  readonly primaryEndpoint: string;
  readonly readerEndpoint: string | undefined;
  readonly port: number;
  /** What the runtime needs to connect; see `redisConnectionEnv()` for the environment variables. */
  readonly connection: RedisConnection;
  readonly replicationGroup: ElasticacheReplicationGroup | undefined;
  readonly serverlessCache: ElasticacheServerlessCache | undefined;

  private readonly auth: RedisAuth;
  private readonly ports: { from: number; to: number };
  private readonly ingressRules = new Map<string, VpcSecurityGroupIngressRule>();

  constructor(scope: Construct, id: string, props: RedisCacheProps) {
    super(scope, id);
    const c = resolveRedisCacheProps(props);
    this.config = c;
    const tags = Object.keys(c.tags).length ? c.tags : undefined;

    const sg = new SecurityGroup(this, "security-group", {
      namePrefix: `${c.name}-redis-`,
      description: `${c.name} ${c.engine} cache: ingress from granted security groups only`,
      vpcId: c.network.vpcId,
      // No egress blocks: Terraform then removes AWS's default allow-all egress; cache nodes start no connections.
      tags: { Name: `${c.name}-redis`, ...c.tags },
      lifecycle: { createBeforeDestroy: true },
    });
    this.securityGroupId = sg.id;
    this.ports = c.mode === "serverless" ? SERVERLESS_PORTS : { from: c.port, to: c.port };
    for (const cidr of c.ingressCidrs) {
      // Keyed by the CIDR, not its position, so reordering the list moves no rule.
      new VpcSecurityGroupIngressRule(this, `ingress-cidr-${cidr.replace(/[./]/g, "-")}`, {
        securityGroupId: sg.id,
        cidrIpv4: cidr,
        ipProtocol: "tcp",
        fromPort: this.ports.from,
        toPort: this.ports.to,
        description: `${c.name}: ${cidr} (ingressCidrs)`,
      });
    }

    const auth = new RedisAuth(this, "auth", { name: c.name, engine: c.engine, auth: c.auth, tags: c.tags });
    this.auth = auth;
    this.authSecretArn = auth.password?.secretArn;
    this.userName = auth.userName;
    this.userArn = auth.userArn;

    // Where clients connect: the mode decides the endpoints and whether a cluster client is needed.
    let endpoints: Pick<RedisConnection, "host" | "port" | "readerHost" | "readerPort" | "clusterMode">;
    if (c.mode === "serverless") {
      const cache = this.buildServerless(c, sg.id, auth, tags);
      this.serverlessCache = cache;
      this.replicationGroup = undefined;
      this.arn = cache.arn;
      const [primary, reader] = [cache.endpoint.get(0), cache.readerEndpoint.get(0)];
      endpoints = { host: primary.address, port: primary.port, readerHost: reader.address, readerPort: reader.port, clusterMode: true };
      if (c.alarms) {
        new ServerlessAlarms(this, "alarms", { name: c.name, alarms: c.alarms, maxDataStorageGb: c.maxDataStorageGb, maxEcpuPerSecond: c.maxEcpuPerSecond });
      }
    } else {
      const group = this.buildReplicationGroup(c, sg.id, auth, tags);
      this.replicationGroup = group;
      this.serverlessCache = undefined;
      this.arn = group.arn;
      const readerHost = c.clusterMode ? undefined : group.readerEndpointAddress;
      endpoints = {
        host: c.clusterMode ? group.configurationEndpointAddress : group.primaryEndpointAddress,
        port: c.port,
        readerHost,
        readerPort: readerHost === undefined ? undefined : c.port,
        clusterMode: c.clusterMode,
      };
      if (c.alarms) {
        new ReplicationGroupAlarms(this, "alarms", {
          name: c.name,
          memberClusterIds: memberClusterIds(c.name, c.shards, c.replicasPerShard, c.clusterMode),
          hasReplicas: c.replicasPerShard > 0,
          alarms: c.alarms,
        });
      }
    }
    this.primaryEndpoint = endpoints.host;
    this.port = endpoints.port;
    this.readerEndpoint = endpoints.readerHost;
    const credentials: RedisConnection["auth"] =
      c.auth.type === "iam" ? { mode: "iam", username: auth.userName!, cacheName: c.name } : { mode: "token", username: auth.userName, secretArn: this.authSecretArn! };
    this.connection = { mode: c.mode, engine: c.engine, ...endpoints, tls: true, auth: credentials };

    addOutput(this, CACHE_OUTPUTS.primaryEndpoint, this.primaryEndpoint);
    if (this.readerEndpoint !== undefined) addOutput(this, CACHE_OUTPUTS.readerEndpoint, this.readerEndpoint);
    addOutput(this, CACHE_OUTPUTS.port, this.port);
    addOutput(this, CACHE_OUTPUTS.arn, this.arn);
    if (this.userName !== undefined) {
      addOutput(this, CACHE_OUTPUTS.userName, this.userName);
      addOutput(this, CACHE_OUTPUTS.userArn, this.userArn);
    }
    if (this.authSecretArn !== undefined) addOutput(this, CACHE_OUTPUTS.authSecretArn, this.authSecretArn);
    addOutput(this, CACHE_OUTPUTS.securityGroupId, this.securityGroupId);
  }

  /**
   * Network access to the cache port from a peer's security group (one ingress rule per peer; granting the same
   * peer twice is harmless). `id` names the rule's construct; it defaults to the peer's construct path, or to its
   * security group id when that is a literal. Terraform addresses derive from it, so keep it stable.
   */
  allowFrom(peer: IConnectable, opts: { id?: string; description?: string } = {}): void {
    const key = opts.id ?? ruleIdFor(peer);
    if (this.ingressRules.has(key)) return;
    const rule = new VpcSecurityGroupIngressRule(this, `ingress-peer-${key}`, {
      securityGroupId: this.securityGroupId,
      referencedSecurityGroupId: peer.securityGroupId,
      ipProtocol: "tcp",
      fromPort: this.ports.from,
      toPort: this.ports.to,
      description: opts.description ?? `${this.config.name}: from ${key}`,
    });
    this.ingressRules.set(key, rule);
  }

  /**
   * Everything a function needs to use the cache: network access from its security group, and
   * - IAM: `elasticache:Connect` on the cache (replication group or serverless cache) and on its user — both, as
   *   https://docs.aws.amazon.com/AmazonElastiCache/latest/dg/auth-iam.html (Setup) grants it;
   * - password modes: `secretsmanager:GetSecretValue` on this cache's secret only, plus `kms:Decrypt` on the
   *   secret's customer managed key, if any (a key ARN: a grant on an alias ARN would not authorize the key).
   */
  grantConnect(fn: IGrantable & IConnectable, opts: { id?: string } = {}): void {
    this.allowFrom(fn, opts);
    const password = this.auth.password;
    if (!password) {
      fn.addToPolicy({ sid: this.sid("Connect"), actions: ["elasticache:Connect"], resources: [this.arn, this.userArn!] });
      return;
    }
    fn.addToPolicy({ sid: this.sid("Secret"), actions: ["secretsmanager:GetSecretValue"], resources: [password.secretArn] });
    if (password.kmsKeyArn) fn.addToPolicy({ sid: this.sid("Kms"), actions: ["kms:Decrypt"], resources: [password.kmsKeyArn] });
  }

  private buildReplicationGroup(c: ResolvedReplicationGroup, securityGroupId: string, auth: RedisAuth, tags: Record<string, string> | undefined): ElasticacheReplicationGroup {
    const subnetGroup = new ElasticacheSubnetGroup(this, "subnet-group", {
      name: `${c.name}-subnets`,
      description: `Private subnets of the ${c.name} cache`,
      subnetIds: c.network.subnetIds,
      tags,
    });

    const parameters: Record<string, string> = { "maxmemory-policy": c.maxmemoryPolicy, ...c.parameters };
    if (c.clusterMode) parameters["cluster-enabled"] = "yes";
    const parameterGroup = new ElasticacheParameterGroup(this, "parameter-group", {
      // The family is part of the name, and the group is created before the old one is destroyed: an engine
      // upgrade that changes family then swaps groups in place instead of failing on "parameter group in use".
      name: `${c.name}-${c.family.replace(/\./g, "-")}`,
      family: c.family,
      description: `${c.name}: ${c.engine} ${c.engineVersion} parameters`,
      parameter: Object.entries(parameters).map(([name, value]) => ({ name, value })),
      tags,
      lifecycle: { createBeforeDestroy: true },
    });

    const logDelivery: ElasticacheReplicationGroupLogDeliveryConfiguration[] = [];
    if (c.logs) {
      for (const [type, on] of [["slow-log", c.logs.slowLog], ["engine-log", c.logs.engineLog]] as const) {
        if (!on) continue;
        const group = new CloudwatchLogGroup(this, type, { name: `/aws/elasticache/${c.name}/${type}`, retentionInDays: c.logs.retentionDays, tags });
        logDelivery.push({ destination: group.name, destinationType: "cloudwatch-logs", logFormat: c.logs.format, logType: type });
      }
    }

    return new ElasticacheReplicationGroup(this, "replication-group", {
      replicationGroupId: c.name,
      description: c.description,
      engine: c.engine,
      engineVersion: c.engineVersion,
      nodeType: c.nodeType,
      port: c.port,
      ...(c.clusterMode
        ? { clusterMode: "enabled", numNodeGroups: c.shards, replicasPerNodeGroup: c.replicasPerShard }
        : { clusterMode: "disabled", numCacheClusters: 1 + c.replicasPerShard }),
      automaticFailoverEnabled: c.automaticFailover,
      multiAzEnabled: c.multiAz,
      subnetGroupName: subnetGroup.name,
      securityGroupIds: [securityGroupId],
      parameterGroupName: parameterGroup.name,
      atRestEncryptionEnabled: "true",
      kmsKeyId: c.kmsKeyArn,
      transitEncryptionEnabled: true,
      transitEncryptionMode: "required",
      // An AUTH token only as a write-only value (never in state), rotated with ROTATE: old and new both work until
      // the next rotation. With a user group (IAM, RBAC) there is no token.
      ...(c.auth.type === "token"
        ? { authTokenWo: auth.password!.ephemeralValue, authTokenWoVersion: auth.password!.version, authTokenUpdateStrategy: "ROTATE" }
        : { userGroupIds: [auth.userGroupId!] }),
      snapshotRetentionLimit: c.snapshotRetentionDays,
      snapshotWindow: c.snapshotWindow,
      maintenanceWindow: c.maintenanceWindow,
      autoMinorVersionUpgrade: String(c.autoMinorVersionUpgrade),
      applyImmediately: c.applyImmediately,
      logDeliveryConfiguration: logDelivery.length ? logDelivery : undefined,
      tags,
    });
  }

  private buildServerless(c: ResolvedServerless, securityGroupId: string, auth: RedisAuth, tags: Record<string, string> | undefined): ElasticacheServerlessCache {
    return new ElasticacheServerlessCache(this, "serverless-cache", {
      name: c.name,
      description: c.description,
      engine: c.engine,
      majorEngineVersion: c.engineVersion,
      subnetIds: c.network.subnetIds,
      securityGroupIds: [securityGroupId],
      kmsKeyId: c.kmsKeyArn,
      userGroupId: auth.userGroupId,
      cacheUsageLimits: [
        {
          dataStorage: [{ unit: "GB", maximum: c.maxDataStorageGb, minimum: c.minDataStorageGb }],
          ecpuPerSecond: [{ maximum: c.maxEcpuPerSecond, minimum: c.minEcpuPerSecond }],
        },
      ],
      snapshotRetentionLimit: c.snapshotRetentionDays,
      dailySnapshotTime: c.dailySnapshotTime,
      tags,
    });
  }

  /** Statement ids unique per cache, so one role can hold grants on several caches. */
  private sid(suffix: string): string {
    const base = this.config.name.replace(/(?:^|-)([a-z0-9])/g, (_, ch: string) => ch.toUpperCase());
    return `Redis${base}${suffix}`;
  }
}

function ruleIdFor(peer: IConnectable): string {
  if (Construct.isConstruct(peer)) {
    // The path below the stack: stable, readable, and unique per peer.
    const stackPath = TerraformStack.of(peer).node.path;
    return peer.node.path.slice(stackPath.length).replace(/[^A-Za-z0-9]+/g, "-").replace(/^-|-$/g, "");
  }
  if (!Token.isUnresolved(peer.securityGroupId)) return peer.securityGroupId;
  throw new Error("RedisCache.allowFrom: the peer is not a construct and its securityGroupId is a token; pass opts.id to name the ingress rule");
}
