import { Lazy } from "cdktn";
import { Construct } from "constructs";
import { IamRolePolicy } from "@cdktn/provider-aws/lib/iam-role-policy/index.js";

/** One IAM policy statement (Allow only: grants never deny). */
export interface PolicyStatement {
  /** Statement id; must be unique within the grantee's policy. Letters and digits only. */
  readonly sid: string;
  readonly actions: readonly string[];
  /** Resource ARNs (Terraform tokens allowed). Never `*` unless the action requires it. */
  readonly resources: readonly string[];
}

/**
 * Something that can receive permissions: a Lambda function's role, or any role wrapped in a
 * {@link RoleGrants}. Modules grant access with `resource.grantRead(grantee)` and never see the role.
 */
export interface IGrantable {
  addToPolicy(statement: PolicyStatement): void;
}

/**
 * Collects grants for one IAM role and renders them as a single inline policy at synth time.
 *
 * Inline (not managed) so that the policy lives and dies with the role and never needs its own name or
 * account-wide uniqueness. Statements with the same sid are merged so granting twice is harmless.
 */
export class RoleGrants extends Construct implements IGrantable {
  private readonly statements = new Map<string, { actions: Set<string>; resources: Set<string> }>();

  constructor(scope: Construct, id: string, props: { roleName: string; policyName?: string }) {
    super(scope, id);
    const policy = new IamRolePolicy(this, "policy", {
      role: props.roleName,
      name: props.policyName ?? "grants",
      policy: Lazy.stringValue({ produce: () => this.renderPolicy() }),
    });
    // An empty policy document is rejected by IAM: only emit the resource when something was granted.
    policy.count = Lazy.numberValue({ produce: () => (this.statements.size > 0 ? 1 : 0) });
  }

  addToPolicy(statement: PolicyStatement): void {
    if (!/^[A-Za-z0-9]+$/.test(statement.sid)) {
      throw new Error(`RoleGrants: statement sid ${JSON.stringify(statement.sid)} must be letters and digits only`);
    }
    const existing = this.statements.get(statement.sid) ?? { actions: new Set<string>(), resources: new Set<string>() };
    statement.actions.forEach((a) => existing.actions.add(a));
    statement.resources.forEach((r) => existing.resources.add(r));
    this.statements.set(statement.sid, existing);
  }

  /** The statements granted so far, in insertion order (for tests and documentation). */
  get policyStatements(): PolicyStatement[] {
    return [...this.statements].map(([sid, s]) => ({ sid, actions: [...s.actions].sort(), resources: [...s.resources] }));
  }

  private renderPolicy(): string {
    const Statement = this.policyStatements.map((s) => ({
      Sid: s.sid,
      Effect: "Allow",
      Action: s.actions,
      Resource: s.resources.length === 1 ? s.resources[0] : s.resources,
    }));
    // Tokens inside the JSON (ARNs of resources) are resolved by cdktn into Terraform interpolations.
    return JSON.stringify({ Version: "2012-10-17", Statement });
  }
}
