import { Lazy } from "cdktn";
import { Construct } from "constructs";
import { KmsAlias } from "@cdktn/provider-aws/lib/kms-alias/index.js";
import { KmsKey as KmsKeyResource } from "@cdktn/provider-aws/lib/kms-key/index.js";
import { Problems } from "../core/validation.js";
import { keyPolicy } from "./policy.js";
import type { KmsKeyProps } from "./props.js";
import { LOG_GROUP_PATTERN, resolveKmsKeyProps } from "./resolve.js";
import type { ResolvedKmsKey } from "./resolve.js";

/**
 * A customer managed KMS key (symmetric, rotated yearly) with an alias and a key policy scoped to the services that
 * use it (see `policy.ts`). Grant use with the key ARN (`keyArn`), never the alias ARN: an alias in an IAM policy
 * authorizes nothing on the key (https://docs.aws.amazon.com/kms/latest/developerguide/cmks-in-iam-policies.html).
 */
export class KmsKey extends Construct {
  readonly config: ResolvedKmsKey;
  readonly key: KmsKeyResource;
  /** `arn:aws:kms:<region>:<account>:key/<id>`: what resources and IAM grants take. */
  readonly keyArn: string;
  readonly keyId: string;
  /** `alias/<alias>` */
  readonly aliasName: string;
  private readonly logGroups: string[];

  constructor(scope: Construct, id: string, props: KmsKeyProps) {
    super(scope, id);
    const c = resolveKmsKeyProps(props);
    this.config = c;
    this.logGroups = [...c.logGroups];
    this.key = new KmsKeyResource(this, "key", {
      description: c.description,
      enableKeyRotation: true,
      deletionWindowInDays: c.deletionWindowDays,
      // Rendered at synth: log groups may be added after construction (allowLogGroups).
      policy: Lazy.stringValue({ produce: () => JSON.stringify(keyPolicy({ ...c, logGroups: this.checkedLogGroups() })) }),
      tags: Object.keys(c.tags).length ? c.tags : undefined,
    });
    this.aliasName = `alias/${c.alias}`;
    new KmsAlias(this, "alias", { name: this.aliasName, targetKeyId: this.key.keyId });
    this.keyArn = this.key.arn;
    this.keyId = this.key.keyId;
  }

  /** Lets CloudWatch Logs encrypt these log groups (names, or `prefix*`) with the key. */
  allowLogGroups(names: readonly string[]): this {
    const p = new Problems(`KmsKey(${JSON.stringify(this.config.alias)}).allowLogGroups`);
    p.check(this.config.services.includes("logs"), "services", this.config.services, 'must include "logs" to encrypt log groups');
    names.forEach((n, i) => p.pattern(`names[${i}]`, n, LOG_GROUP_PATTERN, "must be a log group name (letters, digits, . - _ / #), optionally ending in * for a prefix"));
    p.throwIfAny();
    for (const n of names) if (!this.logGroups.includes(n)) this.logGroups.push(n);
    return this;
  }

  private checkedLogGroups(): string[] {
    if (this.config.services.includes("logs") && this.logGroups.length === 0) {
      throw new Error(`KmsKey(${JSON.stringify(this.config.alias)}): serves "logs" but names no log group; pass logGroups or call allowLogGroups`);
    }
    return this.logGroups;
  }
}
