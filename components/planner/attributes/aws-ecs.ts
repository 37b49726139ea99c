/**
 * Computed attributes for the types ToucanService uses: ECS clusters, task definitions and services, and
 * Application Auto Scaling targets and policies.
 */
import type { AttributeModule } from "./types";
import { str } from "./types";

/** `arn:aws:ecs:eu-west-1:123456789012:cluster/toucan` -> `toucan`; a plain name is returned as is. */
function clusterNameOf(cluster: unknown): string {
  const text = str(cluster) ?? "default";
  return text.includes(":cluster/") ? text.slice(text.indexOf(":cluster/") + ":cluster/".length) : text;
}

export const module: AttributeModule = {
  attributes: {
    "aws:ecs/cluster:Cluster": ({ inputs, name, hex, region, accountId }) => {
      const clusterName = str(inputs.name) ?? `${name}-${hex(7)}`;
      return { name: clusterName, arn: `arn:aws:ecs:${region}:${accountId}:cluster/${clusterName}` };
    },
    "aws:ecs/taskDefinition:TaskDefinition": ({ inputs, region, accountId }) => {
      const family = str(inputs.family) ?? "family";
      const arnWithoutRevision = `arn:aws:ecs:${region}:${accountId}:task-definition/${family}`;
      return { arn: `${arnWithoutRevision}:1`, arnWithoutRevision, revision: 1 };
    },
    "aws:ecs/service:Service": ({ inputs, name, hex, region, accountId }) => {
      const serviceName = str(inputs.name) ?? `${name}-${hex(7)}`;
      const cluster = clusterNameOf(inputs.cluster);
      return {
        name: serviceName,
        arn: `arn:aws:ecs:${region}:${accountId}:service/${cluster}/${serviceName}`,
        cluster: inputs.cluster,
      };
    },
    "aws:appautoscaling/target:Target": ({ hex, region, accountId }) => ({
      arn: `arn:aws:application-autoscaling:${region}:${accountId}:scalable-target/0e${hex(30)}`,
      roleArn:
        `arn:aws:iam::${accountId}:role/aws-service-role/ecs.application-autoscaling.amazonaws.com/` +
        "AWSServiceRoleForApplicationAutoScaling_ECSService",
    }),
    "aws:appautoscaling/policy:Policy": ({ inputs, name, hex, region, accountId }) => {
      const policyName = str(inputs.name) ?? `${name}-${hex(7)}`;
      const uuid = `${hex(8)}-${hex(12).slice(8)}-4${hex(15).slice(12)}-a${hex(18).slice(15)}-${hex(30).slice(18)}`;
      return {
        name: policyName,
        arn:
          `arn:aws:autoscaling:${region}:${accountId}:scalingPolicy:${uuid}:resource/ecs/` +
          `${str(inputs.resourceId) ?? "service/default/service"}:policyName/${policyName}`,
        alarmArns: [
          `arn:aws:cloudwatch:${region}:${accountId}:alarm:TargetTracking-${str(inputs.resourceId)}-AlarmHigh-${uuid}`,
        ],
      };
    },
  },
};
