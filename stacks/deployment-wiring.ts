/**
 * Turns stacks/deployment.ts into Terraform: the AWS provider's account guard (and role to assume) and each stack's
 * state backend. Every stack of the app goes through here, so every one is locked to its account and none falls
 * back to cdktn's default local backend (an absolute path of the checkout, different in every clone).
 */
import { LocalBackend, S3Backend } from "cdktn";
import type { TerraformStack } from "cdktn";
import type { AwsProviderConfig } from "@cdktn/provider-aws/lib/provider/index.js";
import { localStatePath, stateBucketName, stateKey, targetOf } from "./deployment.js";
import type { DeploymentConfig, DeploymentTarget, StateBackendConfig } from "./deployment.js";
import type { EnvironmentName } from "./config.js";

/**
 * Terraform ≥ 1.10: the S3 backend's native lock file (`use_lockfile`) arrived in 1.10; older versions would
 * ignore locking silently. https://developer.hashicorp.com/terraform/language/backend/s3
 */
export const REQUIRED_TERRAFORM_VERSION = ">= 1.10.0";
/**
 * The same floor as cdktn's `targetVersions` (App context; cdktf.json has the same for the CLI): cdktn refuses
 * to synthesize S3 native locking for a project that claims to support older Terraform or OpenTofu (1.10 both).
 */
export const TARGET_VERSIONS = { terraform: ">=1.10.0", opentofu: ">=1.10.0" } as const;
/** The role session name Terraform uses when it assumes `assumeRoleArn` (shows in CloudTrail). */
const SESSION_NAME = "terraform";

/** Region, account guard and optional role for an environment's AWS provider (`defaultTags` are the stack's). */
export function awsProviderSettings(config: DeploymentConfig, environment: EnvironmentName): Pick<AwsProviderConfig, "region" | "allowedAccountIds" | "assumeRole"> {
  const target = targetOf(config, environment);
  return providerSettingsFor(target, config.environments[environment].assumeRoleArn);
}

/** The same for a target (the bootstrap stacks, which no environment owns). */
export function providerSettingsFor(target: DeploymentTarget, assumeRoleArn?: string): Pick<AwsProviderConfig, "region" | "allowedAccountIds" | "assumeRole"> {
  return {
    region: target.region,
    // The provider refuses to plan or apply when the credentials belong to any other account.
    allowedAccountIds: [target.accountId],
    ...(assumeRoleArn ? { assumeRole: [{ roleArn: assumeRoleArn, sessionName: SESSION_NAME }] } : {}),
  };
}

/** An app stack's backend, as its environment asks. */
export function useEnvironmentState(stack: TerraformStack, config: DeploymentConfig, environment: EnvironmentName): void {
  const d = config.environments[environment];
  useStateBackend(stack, config, targetOf(config, environment), d.state, d.assumeRoleArn);
}

/**
 * Declares the stack's backend and the Terraform version it needs. S3: the target's bucket, one key per stack,
 * encrypted (with the target's KMS key when it has one), locked with a lock file, and guarded by account like the
 * provider. Local: a path relative to the stack's working directory.
 */
export function useStateBackend(stack: TerraformStack, config: DeploymentConfig, target: DeploymentTarget, state: StateBackendConfig, assumeRoleArn?: string): void {
  const stackId = stack.node.id;
  if (state.backend === "local") {
    new LocalBackend(stack, { path: localStatePath(state, stackId) });
  } else {
    new S3Backend(stack, {
      bucket: stateBucketName(config, target),
      key: stateKey(stackId),
      region: target.region,
      encrypt: true,
      ...(target.stateKmsKeyArn ? { kmsKeyId: target.stateKmsKeyArn } : {}),
      useLockfile: true,
      allowedAccountIds: [target.accountId],
      ...(assumeRoleArn ? { assumeRole: { roleArn: assumeRoleArn, sessionName: SESSION_NAME } } : {}),
    });
  }
  stack.addOverride("terraform.required_version", REQUIRED_TERRAFORM_VERSION);
}
