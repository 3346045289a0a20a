import type { ITerraformDependable } from "cdktn";
import type { Construct } from "constructs";
import { AppautoscalingTarget } from "@cdktn/provider-aws/lib/appautoscaling-target/index.js";
import { AppautoscalingPolicy } from "@cdktn/provider-aws/lib/appautoscaling-policy/index.js";
import type { ResolvedAutoScaling } from "./resolve/capacity.js";

export type Dimension = "Read" | "Write";

/**
 * A scalable target plus its target-tracking policy for one capacity dimension of a table or index.
 *
 * No `role_arn`: Application Auto Scaling uses its service-linked role for DynamoDB, which AWS creates on first
 * use; a custom role would be one more thing to keep least-privileged.
 */
export function targetTracking(
  scope: Construct,
  id: string,
  args: {
    /** `table/<name>` or `table/<name>/index/<index>` */
    resourceId: string;
    kind: "table" | "index";
    dimension: Dimension;
    scaling: ResolvedAutoScaling;
    policyName: string;
    dependsOn: ITerraformDependable[];
  },
): { target: AppautoscalingTarget; policy: AppautoscalingPolicy } {
  const target = new AppautoscalingTarget(scope, `${id}-target`, {
    serviceNamespace: "dynamodb",
    resourceId: args.resourceId,
    scalableDimension: `dynamodb:${args.kind}:${args.dimension}CapacityUnits`,
    minCapacity: args.scaling.min,
    maxCapacity: args.scaling.max,
    dependsOn: args.dependsOn,
  });
  const policy = new AppautoscalingPolicy(scope, `${id}-policy`, {
    name: args.policyName,
    policyType: "TargetTrackingScaling",
    serviceNamespace: target.serviceNamespace,
    resourceId: target.resourceId,
    scalableDimension: target.scalableDimension,
    targetTrackingScalingPolicyConfiguration: {
      targetValue: args.scaling.targetUtilization,
      scaleInCooldown: args.scaling.scaleInCooldown,
      scaleOutCooldown: args.scaling.scaleOutCooldown,
      predefinedMetricSpecification: {
        predefinedMetricType: `DynamoDB${args.dimension}CapacityUtilization`,
      },
    },
  });
  return { target, policy };
}
