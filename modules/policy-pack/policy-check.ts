import { Aspects, DefaultTokenResolver, DISABLE_STACK_TRACE_IN_METADATA, StringConcat, TerraformElement, TerraformResource, Tokenization } from "cdktn";
import type { IAspect, TerraformStack } from "cdktn";
import type { IConstruct } from "constructs";
import { evaluatePolicy, typesRead, violations } from "./evaluate.js";
import type { PolicyRecord, Relaxation } from "./evaluate.js";
import type { PolicyResource, PolicyRule } from "./rule.js";
import { KIT_RULES } from "./rules/index.js";
import { suppressionsUnder } from "./suppress.js";

export interface PolicyCheckProps {
  /**
   * `true`: any violation fails synth (a construct validation error, so `app.synth()` and every tool built on it
   * fail), and so does any relaxation. `false`: violations are recorded and printed, synth goes on.
   */
  readonly enforce: boolean;
  /** Rules this environment does not hold itself to, each named and explained (only where `enforce` is false). @default none */
  readonly relaxations?: readonly Relaxation[];
  /** @default the kit's rules (`KIT_RULES`) */
  readonly rules?: readonly PolicyRule[];
}

const RESOLVER = new DefaultTokenResolver(new StringConcat());

/**
 * The policy pack of one stack: a cdktn Aspect that visits every construct at synth, evaluates each resource
 * against the rules (modelled on checkov's AWS checks), and records the outcome in the stack's JSON
 * (`"//".policy`, which Terraform ignores), where `npm run synth` reads it to print a table per stack. Where the
 * environment enforces its posture, any violation is a construct validation error. Creates no resource: adding it
 * moves no address.
 *
 * Cheap by design: each resource's arguments are read once, unresolved; only the few values a rule reads inside
 * (a bucket a setting points at, a key policy) are resolved.
 */
export class PolicyCheck extends TerraformElement implements IAspect {
  readonly enforce: boolean;
  private readonly rules: readonly PolicyRule[];
  private readonly relaxations: readonly Relaxation[];
  private readonly stackScope: TerraformStack;
  private collected: TerraformResource[] = [];
  private computed?: PolicyRecord;

  constructor(scope: TerraformStack, id: string, props: PolicyCheckProps) {
    super(scope, id);
    this.stackScope = scope;
    this.enforce = props.enforce;
    this.rules = props.rules ?? KIT_RULES;
    this.relaxations = props.relaxations ?? [];
    // The messages say everything; a stack trace would put this checkout's absolute paths in manifest.json.
    this.node.setContext(DISABLE_STACK_TRACE_IN_METADATA, true);
    Aspects.of(scope).add(this);
    this.node.addValidation({
      validate: () => (this.enforce ? violations(this.record).map((v) => `policy (enforced in this environment): ${v}`) : []),
    });
  }

  /** Called by cdktn for every construct of the stack, the stack itself first, before validation and output. */
  visit(node: IConstruct): void {
    if (node === this.stackScope) {
      this.collected = [];
      this.computed = undefined;
    }
    if (TerraformResource.isTerraformResource(node)) this.collected.push(node);
  }

  /** The outcome of the last synthesis pass (its aspects must have run). */
  get record(): PolicyRecord {
    this.computed ??= this.evaluate();
    return this.computed;
  }

  override toTerraform(): Record<string, unknown> {
    return { "//": { policy: this.record } };
  }

  private evaluate(): PolicyRecord {
    // Reading a resource's arguments costs about as much as synthesizing it: only the types the rules read.
    const read = typesRead(this.rules);
    const resources: PolicyResource[] = this.collected.filter((r) => read.has(r.terraformResourceType)).map((r) => {
      const tf = r.toTerraform() as { resource?: Record<string, Record<string, Record<string, unknown>>> };
      const config = tf.resource?.[r.terraformResourceType]?.[r.friendlyUniqueId] ?? {};
      return { type: r.terraformResourceType, address: `${r.terraformResourceType}.${r.friendlyUniqueId}`, path: r.node.path, config };
    });
    return evaluatePolicy({
      rules: this.rules,
      resources,
      resourceCount: this.collected.length,
      suppressions: suppressionsUnder(this.stackScope),
      relaxations: this.relaxations,
      enforce: this.enforce,
      resolve: (value) => Tokenization.resolve(value, { scope: this.stackScope, preparing: false, resolver: RESOLVER }),
    });
  }
}

/** Adds the policy pack to a stack (construct id `policy`). */
export function checkPolicy(stack: TerraformStack, props: PolicyCheckProps): PolicyCheck {
  return new PolicyCheck(stack, "policy", props);
}
