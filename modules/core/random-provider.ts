import { TerraformProvider, TerraformStack } from "cdktn";
import type { IConstruct } from "constructs";
import { RandomProvider } from "@cdktn/provider-random/lib/provider/index.js";

/**
 * Makes sure the stack that holds `scope` configures the `random` provider (hashicorp/random), adding one with
 * construct id `random` at stack level when none exists yet.
 *
 * Modules that generate secrets with `random_password` call this, so a stack author does not have to know which
 * modules need which provider. Terraform allows only one default configuration per provider, so a stack that
 * wants to configure `random` itself must do so before constructing such a module.
 */
export function ensureRandomProvider(scope: IConstruct): void {
  const stack = TerraformStack.of(scope);
  const existing = stack.node
    .findAll()
    .some((c) => TerraformProvider.isTerraformProvider(c) && c.terraformResourceType === RandomProvider.tfResourceType && !c.alias);
  if (existing) return;
  const id = stack.node.tryFindChild("random") ? "random-provider" : "random";
  new RandomProvider(stack, id);
}
