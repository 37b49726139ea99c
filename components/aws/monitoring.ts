import * as pulumi from "@pulumi/pulumi";
import * as aws from "@pulumi/aws";
import { ArgumentChecks } from "../core/errors";
import { checkedWhenKnown } from "./region";
import { usEast1Provider } from "./aws-provider";
import {
  MONGO_METRICS_NAMESPACE,
  mongoMetricsInstallCommands,
  renderMongoMetricsCollector,
} from "./mongo-metrics";

const COMPONENT = "toucan:aws:Monitoring";
const SNS_TOPIC_ARN = /^arn:aws[a-z-]*:sns:[a-z]{2}(?:-[a-z]+)+-\d:\d{12}:[A-Za-z0-9_-]{1,256}$/;
const KMS_KEY_ARN = /^arn:aws[a-z-]*:kms:[a-z]{2}(?:-[a-z]+)+-\d:\d{12}:(key|alias)\/.+$/;
const TOPIC_KEY_FIX = "give arn:aws:kms:<region>:<account>:key/<id>";

/** What is wrong with the topic's key, before anything registers or once another stack's ARN is known. */
function topicKeyProblem(arn: string): string | undefined {
  return KMS_KEY_ARN.test(arn) ? undefined : "is not a KMS key ARN";
}
const EMAIL = /^[^@\s]+@[^@\s]+\.[^@\s]+$/;

type Statistic = "Average" | "Sum" | "Maximum" | "Minimum";
type Comparison =
  | "GreaterThanOrEqualToThreshold"
  | "GreaterThanThreshold"
  | "LessThanThreshold"
  | "LessThanOrEqualToThreshold";

/** One alarm kind: the metric AWS publishes (or the rate built from two), its threshold and its source. */
export interface AlarmSpec {
  namespace: string;
  metric: string;
  /** A rate: `100 * metric / denominator` (metric math), both summed over the period. */
  denominator?: string;
  /** "running below desired": `denominatorMetric - metric` (metric math). */
  shortfallOf?: string;
  /** Dimension names, in the order AWS publishes them. */
  dimensions: string[];
  statistic: Statistic;
  /** An extended statistic (percentile) instead of `statistic`. */
  extendedStatistic?: string;
  period: number;
  evaluationPeriods: number;
  comparison: Comparison;
  threshold: number;
  unit: string;
  /** What to do first (the README's runbook line). */
  runbook: string;
  /** The AWS documentation page that lists the metric and its dimensions. */
  source: string;
}

/**
 * Every alarm the stack can have. Namespaces, metric names, dimensions and statistics are the ones the AWS
 * documentation at `source` lists; thresholds are this project's defaults (overridable per key).
 */
export const ALARM_SPECS = {
  loadBalancer5xxRate: {
    namespace: "AWS/ApplicationELB",
    metric: "HTTPCode_ELB_5XX_Count",
    denominator: "RequestCount",
    dimensions: ["LoadBalancer"],
    statistic: "Sum",
    period: 300,
    evaluationPeriods: 2,
    comparison: "GreaterThanThreshold",
    threshold: 5,
    unit: "percent of requests",
    runbook:
      "the load balancer answers 5xx itself: check that the targets are healthy and that their security group admits the load balancer",
    source:
      "https://docs.aws.amazon.com/elasticloadbalancing/latest/application/load-balancer-cloudwatch-metrics.html",
  },
  target5xxRate: {
    namespace: "AWS/ApplicationELB",
    metric: "HTTPCode_Target_5XX_Count",
    denominator: "RequestCount",
    dimensions: ["TargetGroup", "LoadBalancer"],
    statistic: "Sum",
    period: 300,
    evaluationPeriods: 2,
    comparison: "GreaterThanThreshold",
    threshold: 5,
    unit: "percent of requests",
    runbook: "the tier's containers answer 5xx: read the service's log group, then Mongo and Redis alarms",
    source:
      "https://docs.aws.amazon.com/elasticloadbalancing/latest/application/load-balancer-cloudwatch-metrics.html",
  },
  unhealthyHosts: {
    namespace: "AWS/ApplicationELB",
    metric: "UnHealthyHostCount",
    dimensions: ["TargetGroup", "LoadBalancer"],
    statistic: "Maximum",
    period: 60,
    evaluationPeriods: 3,
    comparison: "GreaterThanOrEqualToThreshold",
    threshold: 1,
    unit: "targets",
    runbook: "a task fails its health check: look at the ECS service's events and the task's stopped reason",
    source:
      "https://docs.aws.amazon.com/elasticloadbalancing/latest/application/load-balancer-cloudwatch-metrics.html",
  },
  backendResponseTime: {
    namespace: "AWS/ApplicationELB",
    metric: "TargetResponseTime",
    dimensions: ["TargetGroup", "LoadBalancer"],
    statistic: "Average",
    extendedStatistic: "p95",
    period: 300,
    evaluationPeriods: 3,
    comparison: "GreaterThanThreshold",
    threshold: 5,
    unit: "seconds (p95)",
    runbook:
      "the backend is slow: check its CPU and memory alarms, Mongo's member state and Redis's engine CPU",
    source:
      "https://docs.aws.amazon.com/elasticloadbalancing/latest/application/load-balancer-cloudwatch-metrics.html",
  },
  runningTasks: {
    namespace: "ECS/ContainerInsights",
    metric: "RunningTaskCount",
    shortfallOf: "DesiredTaskCount",
    dimensions: ["ClusterName", "ServiceName"],
    statistic: "Average",
    period: 60,
    evaluationPeriods: 5,
    comparison: "GreaterThanOrEqualToThreshold",
    threshold: 1,
    unit: "tasks missing",
    runbook:
      "tasks do not stay up: read the service's events and the stopped tasks' reasons (image pull, secrets, health check)",
    source:
      "https://docs.aws.amazon.com/AmazonCloudWatch/latest/monitoring/Container-Insights-metrics-ECS.html",
  },
  serviceCpu: {
    namespace: "AWS/ECS",
    metric: "CPUUtilization",
    dimensions: ["ClusterName", "ServiceName"],
    statistic: "Average",
    period: 300,
    evaluationPeriods: 3,
    comparison: "GreaterThanThreshold",
    threshold: 85,
    unit: "percent",
    runbook: "the tier is CPU-bound: raise its task count or cpu",
    source: "https://docs.aws.amazon.com/AmazonECS/latest/developerguide/available-metrics.html",
  },
  serviceMemory: {
    namespace: "AWS/ECS",
    metric: "MemoryUtilization",
    dimensions: ["ClusterName", "ServiceName"],
    statistic: "Average",
    period: 300,
    evaluationPeriods: 3,
    comparison: "GreaterThanThreshold",
    threshold: 85,
    unit: "percent",
    runbook:
      "the tier is close to its memory limit (tasks get killed at 100%): raise its memory or lower gunicorn workers",
    source: "https://docs.aws.amazon.com/AmazonECS/latest/developerguide/available-metrics.html",
  },
  redisCpu: {
    namespace: "AWS/ElastiCache",
    metric: "CPUUtilization",
    dimensions: ["CacheClusterId"],
    statistic: "Average",
    period: 300,
    evaluationPeriods: 3,
    comparison: "GreaterThanThreshold",
    threshold: 90,
    unit: "percent",
    runbook: "the cache node's host is busy: a bigger node type (redisNodeType)",
    source: "https://docs.aws.amazon.com/AmazonElastiCache/latest/dg/CacheMetrics.HostLevel.html",
  },
  redisEngineCpu: {
    namespace: "AWS/ElastiCache",
    metric: "EngineCPUUtilization",
    dimensions: ["CacheClusterId"],
    statistic: "Average",
    period: 300,
    evaluationPeriods: 3,
    comparison: "GreaterThanThreshold",
    threshold: 90,
    unit: "percent",
    runbook: "the Redis thread is saturated: look for slow commands (SLOWLOG), then a faster node type",
    source: "https://docs.aws.amazon.com/AmazonElastiCache/latest/dg/CacheMetrics.Redis.html",
  },
  redisMemory: {
    namespace: "AWS/ElastiCache",
    metric: "DatabaseMemoryUsagePercentage",
    dimensions: ["CacheClusterId"],
    statistic: "Average",
    period: 300,
    evaluationPeriods: 3,
    comparison: "GreaterThanThreshold",
    threshold: 90,
    unit: "percent",
    runbook: "the cache is nearly full and will evict: a node type with more memory",
    source: "https://docs.aws.amazon.com/AmazonElastiCache/latest/dg/CacheMetrics.Redis.html",
  },
  redisEvictions: {
    namespace: "AWS/ElastiCache",
    metric: "Evictions",
    dimensions: ["CacheClusterId"],
    statistic: "Sum",
    period: 300,
    evaluationPeriods: 1,
    comparison: "GreaterThanThreshold",
    threshold: 100,
    unit: "keys per 5 minutes",
    runbook: "keys are evicted for lack of memory (sessions and caches lost): a node type with more memory",
    source: "https://docs.aws.amazon.com/AmazonElastiCache/latest/dg/CacheMetrics.Redis.html",
  },
  redisReplicationLag: {
    namespace: "AWS/ElastiCache",
    metric: "ReplicationLag",
    dimensions: ["CacheClusterId"],
    statistic: "Maximum",
    period: 60,
    evaluationPeriods: 5,
    comparison: "GreaterThanThreshold",
    threshold: 30,
    unit: "seconds",
    runbook: "the replica falls behind the primary: check the primary's engine CPU and network",
    source: "https://docs.aws.amazon.com/AmazonElastiCache/latest/dg/CacheMetrics.Redis.html",
  },
  storageIoLimit: {
    namespace: "AWS/EFS",
    metric: "PercentIOLimit",
    dimensions: ["FileSystemId"],
    statistic: "Maximum",
    period: 300,
    evaluationPeriods: 3,
    comparison: "GreaterThanThreshold",
    threshold: 95,
    unit: "percent",
    runbook:
      "the file system is at the General Purpose I/O limit: find the busy client (backend uploads, toolbox backups)",
    source: "https://docs.aws.amazon.com/efs/latest/ug/efs-metrics.html",
  },
  storageBurstCredits: {
    namespace: "AWS/EFS",
    metric: "BurstCreditBalance",
    dimensions: ["FileSystemId"],
    statistic: "Minimum",
    period: 300,
    evaluationPeriods: 3,
    comparison: "LessThanThreshold",
    threshold: 1_000_000_000_000,
    unit: "bytes of burst credit",
    runbook: "bursting throughput is running out of credits: switch storage to elastic throughput",
    source: "https://docs.aws.amazon.com/efs/latest/ug/efs-metrics.html",
  },
  mongoSystemCheck: {
    namespace: "AWS/EC2",
    metric: "StatusCheckFailed_System",
    dimensions: ["InstanceId"],
    statistic: "Maximum",
    period: 60,
    evaluationPeriods: 2,
    comparison: "GreaterThanOrEqualToThreshold",
    threshold: 1,
    unit: "failed checks",
    runbook:
      "AWS recovers the member onto new hardware automatically (same id, IP and volumes): watch it rejoin the replica set",
    source: "https://docs.aws.amazon.com/AWSEC2/latest/UserGuide/viewing_metrics_with_cloudwatch.html",
  },
  mongoInstanceCheck: {
    namespace: "AWS/EC2",
    metric: "StatusCheckFailed_Instance",
    dimensions: ["InstanceId"],
    statistic: "Maximum",
    period: 60,
    evaluationPeriods: 3,
    comparison: "GreaterThanOrEqualToThreshold",
    threshold: 1,
    unit: "failed checks",
    runbook:
      "the member's OS does not answer: read its console output, then reboot it (the replica set keeps a majority)",
    source: "https://docs.aws.amazon.com/AWSEC2/latest/UserGuide/viewing_metrics_with_cloudwatch.html",
  },
  mongoDiskUsed: {
    namespace: MONGO_METRICS_NAMESPACE,
    metric: "DataVolumeUsedPercent",
    dimensions: ["InstanceId"],
    statistic: "Maximum",
    period: 300,
    evaluationPeriods: 1,
    comparison: "GreaterThanThreshold",
    threshold: 80,
    unit: "percent of the data volume",
    runbook:
      "the member's data volume fills up: raise mongoVolumeSizeGiB (an in-place EBS resize), then grow the filesystem with xfs_growfs",
    source: "published by the members' collector (components/aws/mongo-metrics.ts)",
  },
  mongoMemberState: {
    namespace: MONGO_METRICS_NAMESPACE,
    metric: "MemberHealthy",
    dimensions: ["InstanceId"],
    statistic: "Minimum",
    period: 60,
    evaluationPeriods: 5,
    comparison: "LessThanThreshold",
    threshold: 1,
    unit: "1 = primary or secondary",
    runbook:
      "the member is neither primary nor secondary (or silent): on it, journalctl -u mongod and rs.status() from mongosh",
    source: "published by the members' collector (components/aws/mongo-metrics.ts)",
  },
  mongoReplicationLag: {
    namespace: MONGO_METRICS_NAMESPACE,
    metric: "ReplicationLagSeconds",
    dimensions: ["InstanceId"],
    statistic: "Maximum",
    period: 60,
    evaluationPeriods: 5,
    comparison: "GreaterThanThreshold",
    threshold: 60,
    unit: "seconds",
    runbook: "a secondary lags the primary: check its disk and CPU, and rs.printSecondaryReplicationInfo()",
    source: "published by the members' collector (components/aws/mongo-metrics.ts)",
  },
  documentdbCpu: {
    namespace: "AWS/DocDB",
    metric: "CPUUtilization",
    dimensions: ["DBInstanceIdentifier"],
    statistic: "Average",
    period: 300,
    evaluationPeriods: 3,
    comparison: "GreaterThanThreshold",
    threshold: 90,
    unit: "percent",
    runbook:
      "the DocumentDB instance is CPU-bound: look at its profiler for slow queries, then a bigger instance class",
    source: "https://docs.aws.amazon.com/documentdb/latest/developerguide/cloud_watch.html",
  },
  documentdbFreeableMemory: {
    namespace: "AWS/DocDB",
    metric: "FreeableMemory",
    dimensions: ["DBInstanceIdentifier"],
    statistic: "Average",
    period: 300,
    evaluationPeriods: 3,
    comparison: "LessThanThreshold",
    threshold: 256 * 1024 * 1024,
    unit: "bytes",
    runbook: "the DocumentDB instance is short of memory: a bigger instance class (documentdbInstanceClass)",
    source: "https://docs.aws.amazon.com/documentdb/latest/developerguide/cloud_watch.html",
  },
  documentdbReplicaLag: {
    namespace: "AWS/DocDB",
    metric: "DBInstanceReplicaLag",
    dimensions: ["DBInstanceIdentifier"],
    statistic: "Maximum",
    period: 60,
    evaluationPeriods: 5,
    comparison: "GreaterThanThreshold",
    threshold: 10_000,
    unit: "milliseconds",
    runbook: "a DocumentDB replica lags the writer: check the writer's write load and the replica's CPU",
    source: "https://docs.aws.amazon.com/documentdb/latest/developerguide/cloud_watch.html",
  },
  cdn5xxRate: {
    namespace: "AWS/CloudFront",
    metric: "5xxErrorRate",
    dimensions: ["DistributionId", "Region"],
    statistic: "Average",
    period: 300,
    evaluationPeriods: 2,
    comparison: "GreaterThanThreshold",
    threshold: 5,
    unit: "percent of requests",
    runbook:
      "CloudFront answers 5xx: in same-domain mode the /_api origin (the load balancer) is failing; otherwise check the S3 origin",
    source:
      "https://docs.aws.amazon.com/AmazonCloudFront/latest/DeveloperGuide/programming-cloudwatch-metrics.html",
  },
  backupJobsFailed: {
    namespace: "AWS/Backup",
    metric: "NumberOfBackupJobsFailed",
    dimensions: ["BackupVaultName"],
    statistic: "Sum",
    period: 3600,
    evaluationPeriods: 1,
    comparison: "GreaterThanOrEqualToThreshold",
    threshold: 1,
    unit: "jobs",
    runbook:
      "a backup job failed: read its status message in the AWS Backup console (Jobs) and run it again on demand",
    source: "https://docs.aws.amazon.com/aws-backup/latest/devguide/cloudwatch.html",
  },
} satisfies Record<string, AlarmSpec>;

export type AlarmKind = keyof typeof ALARM_SPECS;

/** What the alarms watch: ids AWS uses as metric dimensions. */
export interface MonitoredResources {
  /** Per tier with its own load balancer (or `shared`): the ALB's ARN suffix (`app/<name>/<id>`). */
  loadBalancers?: Record<string, pulumi.Input<string>>;
  /** Per tier behind a load balancer: its target group's and load balancer's ARN suffixes. */
  targetGroups?: Record<string, { targetGroup: pulumi.Input<string>; loadBalancer: pulumi.Input<string> }>;
  /** The tier whose target response time is watched. @default "backend" */
  responseTimeTier?: string;
  /** Per tier: its ECS cluster and service names. */
  services?: Record<string, { clusterName: pulumi.Input<string>; serviceName: pulumi.Input<string> }>;
  /** The cache's member clusters (`<replication group id>-001`, ...); the first is the primary. */
  redisClusterIds?: pulumi.Input<string>[];
  /** The EFS file system, with its modes (the I/O limit exists in generalPurpose, credits in bursting). */
  fileSystem?: { id: pulumi.Input<string>; performanceMode?: string; throughputMode?: string };
  /** The Mongo members' EC2 instance ids (`community`). */
  mongoInstanceIds?: pulumi.Input<string>[];
  /**
   * The Mongo members' instance roles, in the order of `mongoInstanceIds`: each may then put metrics into
   * `Toucan/MongoDB`, and an SSM association installs the collector (disk used, member state, lag).
   */
  mongoRoleNames?: pulumi.Input<string>[];
  /** The DocumentDB instances' identifiers. */
  documentdbInstanceIds?: pulumi.Input<string>[];
  /** The CloudFront distribution (static mode); its metrics and alarms live in us-east-1. */
  distributionId?: pulumi.Input<string>;
  /** The AWS Backup vault of the daily plan. */
  backupVaultName?: pulumi.Input<string>;
}

export interface MonitoringArgs {
  /**
   * An existing SNS topic the alarms notify (then no topic is created).
   * @default none: a topic is created
   */
  topicArn?: string;
  /**
   * Email addresses subscribed to the created topic (each confirms by email).
   * @default none
   */
  emails?: string[];
  /**
   * HTTPS endpoints subscribed to the created topic (PagerDuty, Opsgenie, a chat webhook...).
   * @default none
   */
  httpsEndpoints?: string[];
  /**
   * With `topicArn` outside us-east-1 and a CloudFront distribution: the us-east-1 topic its alarm notifies
   * (an alarm notifies topics of its own region only).
   * @default none (required in that case; without `topicArn`, a us-east-1 topic is created)
   */
  usEast1TopicArn?: string;
  /**
   * A customer-managed KMS key (ARN) for the created topic. An Output (another stack's key) is checked with
   * the same message once known, before the topic is created.
   * @default not encrypted with a customer key
   */
  kmsKeyArn?: pulumi.Input<string>;
  /** Overrides of the default thresholds, per alarm kind (see `ALARM_SPECS`). */
  thresholds?: Partial<Record<AlarmKind, number>>;
  /** The dashboard (one per stack). @default true */
  dashboard?: boolean;
  /**
   * The resources to watch: each alarm is created for the ones given.
   */
  resources: MonitoredResources;
  /**
   * Tags for every resource.
   * @default no tags
   */
  tags?: Record<string, string>;
}

/** One alarm as created: kept for the dashboard and for callers. */
export interface CreatedAlarm {
  kind: AlarmKind;
  alarm: aws.cloudwatch.MetricAlarm;
}

export function validateMonitoringArgs(name: string, args: MonitoringArgs) {
  const checks = new ArgumentChecks(`Monitoring "${name}"`);
  checks.require(
    args.topicArn === undefined || SNS_TOPIC_ARN.test(args.topicArn),
    "topicArn",
    args.topicArn,
    "is not an SNS topic ARN",
    "give arn:aws:sns:<region>:<account>:<topic>",
  );
  checks.require(
    args.topicArn === undefined ||
      ((args.emails ?? []).length === 0 &&
        (args.httpsEndpoints ?? []).length === 0 &&
        args.kmsKeyArn === undefined),
    "topicArn",
    args.topicArn,
    "is an existing topic: subscriptions and its key are managed where it was made",
    "remove `emails`, `httpsEndpoints` and `kmsKeyArn`, or `topicArn`",
  );
  checks.id("kmsKeyArn", args.kmsKeyArn, topicKeyProblem, TOPIC_KEY_FIX);
  checks.require(
    args.usEast1TopicArn === undefined ||
      (SNS_TOPIC_ARN.test(args.usEast1TopicArn) && args.usEast1TopicArn.split(":")[3] === "us-east-1"),
    "usEast1TopicArn",
    args.usEast1TopicArn,
    "is not an SNS topic ARN in us-east-1",
    "give arn:aws:sns:us-east-1:<account>:<topic>",
  );
  checks.require(
    !(
      args.resources.distributionId !== undefined &&
      args.topicArn !== undefined &&
      args.topicArn.split(":")[3] !== "us-east-1" &&
      args.usEast1TopicArn === undefined
    ),
    "topicArn",
    args.topicArn,
    "is not in us-east-1, where CloudFront's alarm must notify a topic",
    "also give `usEast1TopicArn` (a topic in us-east-1)",
  );
  (args.emails ?? []).forEach((email, i) =>
    checks.require(
      EMAIL.test(email),
      `emails[${i}]`,
      email,
      "is not an email address",
      "give name@example.com",
    ),
  );
  (args.httpsEndpoints ?? []).forEach((url, i) =>
    checks.require(
      /^https:\/\/[^\s/]+/.test(url),
      `httpsEndpoints[${i}]`,
      url,
      "is not an HTTPS URL",
      "give https://...",
    ),
  );
  for (const [kind, value] of Object.entries(args.thresholds ?? {})) {
    checks.require(
      kind in ALARM_SPECS,
      `thresholds.${kind}`,
      value,
      "is not an alarm",
      `use one of ${Object.keys(ALARM_SPECS).join(", ")}`,
    );
    checks.require(
      typeof value === "number" && Number.isFinite(value) && value >= 0,
      `thresholds.${kind}`,
      value,
      "must be a number of at least 0",
      "give the threshold in the alarm's unit",
    );
  }
  checks.throwIfAny();
}

/** Alarm name suffix for AWS: letters, digits and dashes. */
function slug(value: string): string {
  return value.replace(/[^A-Za-z0-9-]+/g, "-");
}

/**
 * Alarms for every tier of a Toucan stack, an SNS topic they notify (or an existing one) and one CloudWatch
 * dashboard laid out by tier. EC2 system status check alarms also recover the Mongo member
 * (`arn:aws:automate:<region>:ec2:recover`).
 */
export class Monitoring extends pulumi.ComponentResource {
  /** The topic the alarms notify. */
  readonly topicArn: pulumi.Output<string>;
  /** Every alarm, in creation order. */
  readonly alarms: CreatedAlarm[] = [];
  readonly dashboardName: pulumi.Output<string> | undefined;

  private readonly name: string;
  private readonly thresholds: Partial<Record<AlarmKind, number>>;
  private readonly tags: Record<string, string>;
  private usEast1?: { provider: aws.Provider; topicArn: pulumi.Output<string> };

  constructor(name: string, args: MonitoringArgs, opts: pulumi.ComponentResourceOptions = {}) {
    validateMonitoringArgs(name, args);
    super(COMPONENT, name, {}, opts);
    this.name = name;
    this.thresholds = args.thresholds ?? {};
    this.tags = args.tags ?? {};
    const r = args.resources;
    const region = aws.getRegionOutput({}, { parent: this }).region;

    this.topicArn = args.topicArn ? pulumi.output(args.topicArn) : this.createTopic(args, name);
    const notify = [this.topicArn];

    for (const [key, lb] of Object.entries(r.loadBalancers ?? {})) {
      this.alarm("loadBalancer5xxRate", `${key}`, { LoadBalancer: lb }, notify);
    }
    for (const [tier, tg] of Object.entries(r.targetGroups ?? {})) {
      const dims = { TargetGroup: tg.targetGroup, LoadBalancer: tg.loadBalancer };
      this.alarm("target5xxRate", tier, dims, notify);
      this.alarm("unhealthyHosts", tier, dims, notify);
      if (tier === (r.responseTimeTier ?? "backend")) this.alarm("backendResponseTime", tier, dims, notify);
    }
    for (const [tier, svc] of Object.entries(r.services ?? {})) {
      const dims = { ClusterName: svc.clusterName, ServiceName: svc.serviceName };
      this.alarm("runningTasks", tier, dims, notify);
      this.alarm("serviceCpu", tier, dims, notify);
      this.alarm("serviceMemory", tier, dims, notify);
    }
    (r.redisClusterIds ?? []).forEach((id, i) => {
      const key = `node-${i + 1}`;
      for (const kind of ["redisCpu", "redisEngineCpu", "redisMemory", "redisEvictions"] as const) {
        this.alarm(kind, key, { CacheClusterId: id }, notify);
      }
      // Only replicas publish ReplicationLag.
      if (i > 0) this.alarm("redisReplicationLag", key, { CacheClusterId: id }, notify);
    });
    if (r.fileSystem) {
      const dims = { FileSystemId: r.fileSystem.id };
      if ((r.fileSystem.performanceMode ?? "generalPurpose") === "generalPurpose") {
        this.alarm("storageIoLimit", "efs", dims, notify);
      }
      if (r.fileSystem.throughputMode === "bursting") this.alarm("storageBurstCredits", "efs", dims, notify);
    }
    const recover = pulumi.interpolate`arn:aws:automate:${region}:ec2:recover`;
    (r.mongoInstanceIds ?? []).forEach((id, i) => {
      const key = `member-${i + 1}`;
      this.alarm("mongoSystemCheck", key, { InstanceId: id }, [recover, ...notify], undefined, notify);
      this.alarm("mongoInstanceCheck", key, { InstanceId: id }, notify);
      if (r.mongoRoleNames) {
        this.alarm("mongoDiskUsed", key, { InstanceId: id }, notify);
        this.alarm("mongoMemberState", key, { InstanceId: id }, notify, undefined, undefined, "breaching");
        this.alarm("mongoReplicationLag", key, { InstanceId: id }, notify);
      }
    });
    if (r.mongoRoleNames && (r.mongoInstanceIds ?? []).length > 0) {
      this.installMongoCollector(name, region, r.mongoInstanceIds!, r.mongoRoleNames);
    }
    (r.documentdbInstanceIds ?? []).forEach((id, i) => {
      const key = `instance-${i + 1}`;
      for (const kind of ["documentdbCpu", "documentdbFreeableMemory", "documentdbReplicaLag"] as const) {
        this.alarm(kind, key, { DBInstanceIdentifier: id }, notify);
      }
    });
    if (r.distributionId !== undefined) {
      const east = this.usEast1Resources(args);
      this.alarm(
        "cdn5xxRate",
        "cdn",
        { DistributionId: r.distributionId, Region: "Global" },
        [east.topicArn],
        east.provider,
      );
    }
    if (r.backupVaultName !== undefined) {
      this.alarm("backupJobsFailed", "vault", { BackupVaultName: r.backupVaultName }, notify);
    }

    this.dashboardName =
      args.dashboard === false ? undefined : this.createDashboard(name, region, r).dashboardName;
    this.registerOutputs({ topicArn: this.topicArn, dashboardName: this.dashboardName });
  }

  /** The threshold of `kind`: the override, or the documented default. */
  threshold(kind: AlarmKind): number {
    return this.thresholds[kind] ?? ALARM_SPECS[kind].threshold;
  }

  private createTopic(
    args: MonitoringArgs,
    logicalName: string,
    provider?: aws.Provider,
  ): pulumi.Output<string> {
    const opts = { parent: this, ...(provider ? { provider } : {}) };
    const topic = new aws.sns.Topic(
      logicalName,
      {
        displayName: "Toucan alarms",
        ...(args.kmsKeyArn
          ? {
              kmsMasterKeyId: checkedWhenKnown(
                args.kmsKeyArn,
                { component: `Monitoring "${this.name}"`, argument: "kmsKeyArn", fix: TOPIC_KEY_FIX },
                topicKeyProblem,
              ),
            }
          : {}),
        tags: this.tags,
      },
      opts,
    );
    // CloudWatch publishes to the topic as cloudwatch.amazonaws.com (needed with a customer key too), only
    // for alarms of this account and region (the topic's): the service principal acts for every account.
    const [partition, region, account] = [1, 3, 4].map((i) => topic.arn.apply((arn) => arn.split(":")[i]));
    new aws.sns.TopicPolicy(
      `${logicalName}-policy`,
      {
        arn: topic.arn,
        policy: pulumi.jsonStringify({
          Version: "2012-10-17",
          Statement: [
            {
              Sid: "CloudWatchAlarms",
              Effect: "Allow",
              Principal: { Service: "cloudwatch.amazonaws.com" },
              Action: "sns:Publish",
              Resource: topic.arn,
              Condition: {
                StringEquals: { "aws:SourceAccount": account },
                ArnLike: {
                  "aws:SourceArn": pulumi.interpolate`arn:${partition}:cloudwatch:${region}:${account}:alarm:*`,
                },
              },
            },
          ],
        }),
      },
      opts,
    );
    (args.emails ?? []).forEach(
      (email, i) =>
        new aws.sns.TopicSubscription(
          `${logicalName}-email-${i + 1}`,
          { topic: topic.arn, protocol: "email", endpoint: email },
          opts,
        ),
    );
    (args.httpsEndpoints ?? []).forEach(
      (url, i) =>
        new aws.sns.TopicSubscription(
          `${logicalName}-https-${i + 1}`,
          { topic: topic.arn, protocol: "https", endpoint: url, endpointAutoConfirms: true },
          opts,
        ),
    );
    return topic.arn;
  }

  /** CloudFront's metrics live in us-east-1, and an alarm's SNS action must be in the alarm's region. */
  private usEast1Resources(args: MonitoringArgs): {
    provider: aws.Provider;
    topicArn: pulumi.Output<string>;
  } {
    if (this.usEast1) return this.usEast1;
    const provider = usEast1Provider(this, `${this.name}-us-east-1`);
    const given =
      args.usEast1TopicArn ??
      (args.topicArn !== undefined && args.topicArn.split(":")[3] === "us-east-1"
        ? args.topicArn
        : undefined);
    const topicArn =
      given !== undefined
        ? pulumi.output(given)
        : this.createTopic({ ...args, kmsKeyArn: undefined }, `${this.name}-us-east-1`, provider);
    this.usEast1 = { provider, topicArn };
    return this.usEast1;
  }

  private alarm(
    kind: AlarmKind,
    key: string,
    dimensions: Record<string, pulumi.Input<string>>,
    actions: pulumi.Input<string>[],
    provider?: aws.Provider,
    okActions?: pulumi.Input<string>[],
    treatMissingData: "notBreaching" | "breaching" = "notBreaching",
  ): aws.cloudwatch.MetricAlarm {
    const spec: AlarmSpec = ALARM_SPECS[kind];
    const logicalName = `${this.name}-${kind}-${slug(key)}`;
    const common = {
      alarmDescription: `${spec.metric} (${spec.unit}) — ${spec.runbook}. Source: ${spec.source}`,
      comparisonOperator: spec.comparison,
      evaluationPeriods: spec.evaluationPeriods,
      threshold: this.threshold(kind),
      treatMissingData,
      alarmActions: actions,
      okActions: okActions ?? actions,
      tags: this.tags,
    };
    const metric = (id: string, metricName: string, stat: string) => ({
      id,
      returnData: false,
      metric: { namespace: spec.namespace, metricName, dimensions, period: spec.period, stat },
    });
    let inputs: aws.cloudwatch.MetricAlarmArgs;
    if (spec.denominator) {
      inputs = {
        ...common,
        metricQueries: [
          metric("errors", spec.metric, spec.statistic),
          metric("requests", spec.denominator, spec.statistic),
          {
            id: "rate",
            label: `${spec.metric} per ${spec.denominator} (%)`,
            expression: "100 * FILL(errors, 0) / requests",
            returnData: true,
          },
        ],
      };
    } else if (spec.shortfallOf) {
      inputs = {
        ...common,
        metricQueries: [
          metric("running", spec.metric, spec.statistic),
          metric("desired", spec.shortfallOf, spec.statistic),
          { id: "missing", label: "tasks below desired", expression: "desired - running", returnData: true },
        ],
      };
    } else {
      inputs = {
        ...common,
        namespace: spec.namespace,
        metricName: spec.metric,
        dimensions,
        period: spec.period,
        ...(spec.extendedStatistic
          ? { extendedStatistic: spec.extendedStatistic }
          : { statistic: spec.statistic }),
      };
    }
    const alarm = new aws.cloudwatch.MetricAlarm(logicalName, inputs, {
      parent: this,
      ...(provider ? { provider } : {}),
    });
    this.alarms.push({ kind, alarm });
    return alarm;
  }

  /**
   * The members' collector: PutMetricData into its namespace only (PutMetricData takes no resource, the
   * `cloudwatch:namespace` condition key scopes it), and an SSM association that installs it as a timer.
   */
  private installMongoCollector(
    name: string,
    region: pulumi.Output<string>,
    instanceIds: pulumi.Input<string>[],
    roleNames: pulumi.Input<string>[],
  ): void {
    roleNames.forEach((role, i) => {
      new aws.iam.RolePolicy(
        `${name}-mongo-metrics-${i + 1}`,
        {
          role,
          policy: JSON.stringify({
            Version: "2012-10-17",
            Statement: [
              {
                Sid: "PutMemberMetrics",
                Effect: "Allow",
                Action: "cloudwatch:PutMetricData",
                Resource: "*",
                Condition: { StringEquals: { "cloudwatch:namespace": MONGO_METRICS_NAMESPACE } },
              },
            ],
          }),
        },
        { parent: this },
      );
    });
    const document = new aws.ssm.Document(
      `${name}-mongo-metrics`,
      {
        documentType: "Command",
        documentFormat: "JSON",
        content: region.apply((r) =>
          JSON.stringify({
            schemaVersion: "2.2",
            description: "Install the Toucan MongoDB member metrics collector (a systemd timer)",
            mainSteps: [
              {
                action: "aws:runShellScript",
                name: "installCollector",
                inputs: { runCommand: mongoMetricsInstallCommands(renderMongoMetricsCollector(r)) },
              },
            ],
          }),
        ),
        tags: this.tags,
      },
      { parent: this },
    );
    new aws.ssm.Association(
      `${name}-mongo-metrics`,
      { name: document.name, targets: [{ key: "InstanceIds", values: instanceIds }], tags: this.tags },
      { parent: this },
    );
  }

  /** One dashboard: a row per tier (edge, services, cache, storage, database, backups). */
  private createDashboard(
    name: string,
    region: pulumi.Output<string>,
    r: MonitoredResources,
  ): aws.cloudwatch.Dashboard {
    const rows: { title: string; widgets: { title: string; metrics: unknown[][]; region?: string }[] }[] = [];
    const m = (kind: AlarmKind, metricName: string, dims: Record<string, pulumi.Input<string>>) => {
      const spec: AlarmSpec = ALARM_SPECS[kind];
      const line: unknown[] = [spec.namespace, metricName];
      for (const d of spec.dimensions) line.push(d, dims[d]);
      line.push({ stat: spec.extendedStatistic ?? spec.statistic, period: spec.period });
      return line;
    };
    /** A widget of one alarm's metric, a line per resource (its id under `dimension`). */
    const perResource = (title: string, kind: AlarmKind, dimension: string, ids: pulumi.Input<string>[]) => ({
      title,
      metrics: ids.map((id) => m(kind, ALARM_SPECS[kind].metric, { [dimension]: id })),
    });
    const edge: (typeof rows)[number]["widgets"] = [];
    for (const [key, lb] of Object.entries(r.loadBalancers ?? {})) {
      edge.push({
        title: `Load balancer ${key}: requests and 5xx`,
        metrics: [
          m("loadBalancer5xxRate", "RequestCount", { LoadBalancer: lb }),
          m("loadBalancer5xxRate", "HTTPCode_ELB_5XX_Count", { LoadBalancer: lb }),
        ],
      });
    }
    for (const [tier, tg] of Object.entries(r.targetGroups ?? {})) {
      const dims = { TargetGroup: tg.targetGroup, LoadBalancer: tg.loadBalancer };
      edge.push({
        title: `${tier}: target 5xx and unhealthy hosts`,
        metrics: [
          m("target5xxRate", "HTTPCode_Target_5XX_Count", dims),
          m("unhealthyHosts", "UnHealthyHostCount", dims),
        ],
      });
      if (tier === (r.responseTimeTier ?? "backend")) {
        edge.push({
          title: `${tier}: response time p95`,
          metrics: [m("backendResponseTime", "TargetResponseTime", dims)],
        });
      }
    }
    if (r.distributionId !== undefined) {
      edge.push({
        title: "CloudFront 5xx rate",
        region: "us-east-1",
        metrics: [m("cdn5xxRate", "5xxErrorRate", { DistributionId: r.distributionId, Region: "Global" })],
      });
    }
    if (edge.length) rows.push({ title: "Edge", widgets: edge });
    const services = Object.entries(r.services ?? {}).map(([tier, svc]) => {
      const dims = { ClusterName: svc.clusterName, ServiceName: svc.serviceName };
      return [
        {
          title: `${tier}: running and desired tasks`,
          metrics: [m("runningTasks", "RunningTaskCount", dims), m("runningTasks", "DesiredTaskCount", dims)],
        },
        {
          title: `${tier}: CPU and memory`,
          metrics: [m("serviceCpu", "CPUUtilization", dims), m("serviceMemory", "MemoryUtilization", dims)],
        },
      ];
    });
    if (services.length) rows.push({ title: "Services", widgets: services.flat() });
    const ids = r.redisClusterIds ?? [];
    if (ids.length) {
      rows.push({
        title: "Cache",
        widgets: [
          perResource("Redis engine CPU", "redisEngineCpu", "CacheClusterId", ids),
          perResource("Redis memory used", "redisMemory", "CacheClusterId", ids),
          perResource("Redis evictions", "redisEvictions", "CacheClusterId", ids),
          perResource("Redis replication lag", "redisReplicationLag", "CacheClusterId", ids.slice(1)),
        ].filter((w) => w.metrics.length > 0),
      });
    }
    if (r.fileSystem) {
      const dims = { FileSystemId: r.fileSystem.id };
      const widgets = [];
      if ((r.fileSystem.performanceMode ?? "generalPurpose") === "generalPurpose") {
        widgets.push({
          title: "EFS percent I/O limit",
          metrics: [m("storageIoLimit", "PercentIOLimit", dims)],
        });
      }
      if (r.fileSystem.throughputMode === "bursting") {
        widgets.push({
          title: "EFS burst credits",
          metrics: [m("storageBurstCredits", "BurstCreditBalance", dims)],
        });
      }
      if (widgets.length) rows.push({ title: "Storage", widgets });
    }
    const members = r.mongoInstanceIds ?? [];
    const docdb = r.documentdbInstanceIds ?? [];
    if (members.length) {
      rows.push({
        title: "Database",
        widgets: [
          {
            title: "Mongo members: failed status checks",
            metrics: members.flatMap((id) => [
              m("mongoSystemCheck", "StatusCheckFailed_System", { InstanceId: id }),
              m("mongoInstanceCheck", "StatusCheckFailed_Instance", { InstanceId: id }),
            ]),
          },
          ...(r.mongoRoleNames
            ? [
                perResource("Mongo members: data volume used (%)", "mongoDiskUsed", "InstanceId", members),
                perResource(
                  "Mongo members: healthy (primary or secondary)",
                  "mongoMemberState",
                  "InstanceId",
                  members,
                ),
                perResource(
                  "Mongo members: replication lag (s)",
                  "mongoReplicationLag",
                  "InstanceId",
                  members,
                ),
              ]
            : []),
        ],
      });
    } else if (docdb.length) {
      rows.push({
        title: "Database",
        widgets: [
          perResource("DocumentDB CPU", "documentdbCpu", "DBInstanceIdentifier", docdb),
          perResource(
            "DocumentDB freeable memory",
            "documentdbFreeableMemory",
            "DBInstanceIdentifier",
            docdb,
          ),
          perResource("DocumentDB replica lag", "documentdbReplicaLag", "DBInstanceIdentifier", docdb),
        ],
      });
    }
    if (r.backupVaultName !== undefined) {
      rows.push({
        title: "Backups",
        widgets: [
          {
            title: "Failed backup jobs",
            metrics: [
              m("backupJobsFailed", "NumberOfBackupJobsFailed", { BackupVaultName: r.backupVaultName }),
            ],
          },
        ],
      });
    }

    const widgets: unknown[] = [];
    let y = 0;
    for (const row of rows) {
      widgets.push({
        type: "text",
        x: 0,
        y,
        width: 24,
        height: 1,
        properties: { markdown: `## ${row.title}` },
      });
      y += 1;
      row.widgets.forEach((w, i) => {
        widgets.push({
          type: "metric",
          x: (i % 3) * 8,
          y: y + Math.floor(i / 3) * 6,
          width: 8,
          height: 6,
          properties: { title: w.title, view: "timeSeries", region: w.region ?? region, metrics: w.metrics },
        });
      });
      y += Math.ceil(row.widgets.length / 3) * 6;
    }
    return new aws.cloudwatch.Dashboard(
      `${name}-dashboard`,
      {
        dashboardName: `${slug(pulumi.getProject())}-${slug(name)}-${slug(pulumi.getStack())}`,
        dashboardBody: pulumi.jsonStringify({ widgets }),
      },
      { parent: this },
    );
  }
}
