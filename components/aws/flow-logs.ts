import * as pulumi from "@pulumi/pulumi";
import * as aws from "@pulumi/aws";
import { ArgumentChecks } from "../core/errors";
import { LOG_KEY_FIX, logGroupKey, logKeyProblem } from "./log-group-key";

const S3_BUCKET_ARN = /^arn:aws[a-z-]*:s3:::[a-z0-9][a-z0-9.-]{1,61}[a-z0-9](\/.*)?$/;

const RETENTION_DAYS = [
  0, 1, 3, 5, 7, 14, 30, 60, 90, 120, 150, 180, 365, 400, 545, 731, 1096, 1827, 2192, 2557, 2922, 3288, 3653,
];

/** VPC flow logs (every accepted and rejected connection of the VPC). */
export interface FlowLogsArgs {
  /** `cloudWatch`: a log group (with a role VPC Flow Logs delivers as); `s3`: an existing bucket. */
  destination: "cloudWatch" | "s3";
  /**
   * With `s3`: the bucket's ARN, optionally with a folder (`arn:aws:s3:::bucket/folder`; not `AWSLogs`, which
   * VPC Flow Logs reserves). The bucket's lifecycle rules and encryption apply to the logs.
   */
  bucketArn?: string;
  /** With `cloudWatch`: days the log group keeps them. @default 30 */
  retentionDays?: number;
  /**
   * With `cloudWatch`: a customer-managed key (ARN) for the log group. An Output (another stack's key) is
   * checked with the same message once known, before the log group is created.
   * @default CloudWatch Logs' own
   */
  kmsKeyArn?: pulumi.Input<string>;
}

export function validateFlowLogsArgs(component: string, args: FlowLogsArgs): void {
  const checks = new ArgumentChecks(component);
  checks.require(
    ["cloudWatch", "s3"].includes(args.destination),
    "flowLogs.destination",
    args.destination,
    "is not a flow log destination",
    'use "cloudWatch" or "s3"',
  );
  checks.require(
    args.destination !== "s3" || (args.bucketArn !== undefined && S3_BUCKET_ARN.test(args.bucketArn)),
    "flowLogs.bucketArn",
    args.bucketArn,
    "must be an S3 bucket ARN with destination s3",
    "give arn:aws:s3:::<bucket>[/<folder>]",
  );
  const folders = args.bucketArn?.split(":::")[1]?.split("/").slice(1) ?? [];
  checks.require(
    !folders.includes("AWSLogs"),
    "flowLogs.bucketArn",
    args.bucketArn,
    "uses the folder AWSLogs, which VPC Flow Logs reserves for its own prefix",
    "name the folder otherwise, e.g. arn:aws:s3:::<bucket>/flow-logs",
  );
  checks.require(
    args.destination === "s3" || args.bucketArn === undefined,
    "flowLogs.bucketArn",
    args.bucketArn,
    `is only read with destination s3, and destination is ${args.destination}`,
    'remove bucketArn, or set destination "s3"',
  );
  for (const [key, value] of [
    ["retentionDays", args.retentionDays],
    ["kmsKeyArn", args.kmsKeyArn],
  ] as const) {
    checks.require(
      args.destination !== "s3" || value === undefined,
      `flowLogs.${key}`,
      value,
      "applies to the CloudWatch log group only: with destination s3 the bucket's lifecycle rules and encryption apply",
      `remove ${key}, and set the retention and the key on the bucket`,
    );
  }
  checks.require(
    args.retentionDays === undefined || RETENTION_DAYS.includes(args.retentionDays),
    "flowLogs.retentionDays",
    args.retentionDays,
    "is not one of CloudWatch Logs' retention values",
    `use one of ${RETENTION_DAYS.join(", ")}`,
  );
  checks.id("flowLogs.kmsKeyArn", args.kmsKeyArn, logKeyProblem, LOG_KEY_FIX);
  checks.throwIfAny();
}

/** The VPC's flow log and, for CloudWatch, its log group and delivery role. Returns the flow log. */
export function createFlowLogs(
  parent: pulumi.Resource,
  name: string,
  vpcId: pulumi.Input<string>,
  args: FlowLogsArgs,
  tags: Record<string, string>,
): aws.ec2.FlowLog {
  const opts = { parent };
  if (args.destination === "s3") {
    return new aws.ec2.FlowLog(
      `${name}-flow-logs`,
      { vpcId, trafficType: "ALL", logDestinationType: "s3", logDestination: args.bucketArn!, tags },
      opts,
    );
  }
  const group = new aws.cloudwatch.LogGroup(
    `${name}-flow-logs`,
    {
      retentionInDays: args.retentionDays ?? 30,
      ...logGroupKey(args.kmsKeyArn, `Toucan "${name}"`, "flowLogs.kmsKeyArn"),
      tags,
    },
    opts,
  );
  const role = new aws.iam.Role(
    `${name}-flow-logs`,
    {
      description: "VPC Flow Logs delivery to the stack's flow log group",
      assumeRolePolicy: JSON.stringify({
        Version: "2012-10-17",
        Statement: [
          {
            Effect: "Allow",
            Principal: { Service: "vpc-flow-logs.amazonaws.com" },
            Action: "sts:AssumeRole",
          },
        ],
      }),
      tags,
    },
    opts,
  );
  const policy = new aws.iam.RolePolicy(
    `${name}-flow-logs`,
    {
      role: role.name,
      policy: pulumi.jsonStringify({
        Version: "2012-10-17",
        Statement: [
          {
            Effect: "Allow",
            Action: [
              "logs:CreateLogStream",
              "logs:PutLogEvents",
              "logs:DescribeLogGroups",
              "logs:DescribeLogStreams",
            ],
            Resource: [group.arn, pulumi.interpolate`${group.arn}:*`],
          },
        ],
      }),
    },
    opts,
  );
  return new aws.ec2.FlowLog(
    `${name}-flow-logs`,
    {
      vpcId,
      trafficType: "ALL",
      logDestinationType: "cloud-watch-logs",
      logDestination: group.arn,
      iamRoleArn: role.arn,
      tags,
    },
    { parent, dependsOn: [policy] },
  );
}
