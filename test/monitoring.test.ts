import { strict as assert } from "assert";
import * as fs from "fs";
import * as path from "path";
import { ALARM_SPECS, Monitoring } from "../components/aws/monitoring";
import { Toucan, ToucanArgs } from "../components/aws/toucan";
import { ToucanArgumentError } from "../components/core/errors";
import { Recording, RecordedResource, record, recordFailure } from "../components/planner/recorder";
import { ConfigReader, toucanArgsFromConfig } from "../components/stack-config";

const ALARM = "aws:cloudwatch/metricAlarm:MetricAlarm";
const TOPIC = "aws:sns/topic:Topic";
const SUBSCRIPTION = "aws:sns/topicSubscription:TopicSubscription";
const DASHBOARD = "aws:cloudwatch/dashboard:Dashboard";
const REGION = "eu-west-1";
const KEY = "arn:aws:kms:eu-west-1:123456789012:key/1234abcd-12ab-34cd-56ef-1234567890ab";
const EXISTING_TOPIC = "arn:aws:sns:eu-west-1:123456789012:ops-pager";

const BASE: ToucanArgs = {
  version: "v100.5.1",
  frontendDomain: "toucan.example.com",
  backendDomain: "api-toucan.example.com",
  zoneId: "Z0123456789EXAMPLE",
};

/**
 * The alarms the issue asks for, written from the AWS documentation (metric name, dimensions, statistic)
 * and the thresholds documented in the README's Monitoring section.
 */
const EXPECTED: Record<
  string,
  { namespace: string; metric: string; dims: string[]; stat: string; period: number; threshold: number }
> = {
  loadBalancer5xxRate: {
    namespace: "AWS/ApplicationELB",
    metric: "HTTPCode_ELB_5XX_Count",
    dims: ["LoadBalancer"],
    stat: "Sum",
    period: 300,
    threshold: 5,
  },
  target5xxRate: {
    namespace: "AWS/ApplicationELB",
    metric: "HTTPCode_Target_5XX_Count",
    dims: ["TargetGroup", "LoadBalancer"],
    stat: "Sum",
    period: 300,
    threshold: 5,
  },
  unhealthyHosts: {
    namespace: "AWS/ApplicationELB",
    metric: "UnHealthyHostCount",
    dims: ["TargetGroup", "LoadBalancer"],
    stat: "Maximum",
    period: 60,
    threshold: 1,
  },
  backendResponseTime: {
    namespace: "AWS/ApplicationELB",
    metric: "TargetResponseTime",
    dims: ["TargetGroup", "LoadBalancer"],
    stat: "p95",
    period: 300,
    threshold: 5,
  },
  runningTasks: {
    namespace: "ECS/ContainerInsights",
    metric: "RunningTaskCount",
    dims: ["ClusterName", "ServiceName"],
    stat: "Average",
    period: 60,
    threshold: 1,
  },
  serviceCpu: {
    namespace: "AWS/ECS",
    metric: "CPUUtilization",
    dims: ["ClusterName", "ServiceName"],
    stat: "Average",
    period: 300,
    threshold: 85,
  },
  serviceMemory: {
    namespace: "AWS/ECS",
    metric: "MemoryUtilization",
    dims: ["ClusterName", "ServiceName"],
    stat: "Average",
    period: 300,
    threshold: 85,
  },
  redisCpu: {
    namespace: "AWS/ElastiCache",
    metric: "CPUUtilization",
    dims: ["CacheClusterId"],
    stat: "Average",
    period: 300,
    threshold: 90,
  },
  redisEngineCpu: {
    namespace: "AWS/ElastiCache",
    metric: "EngineCPUUtilization",
    dims: ["CacheClusterId"],
    stat: "Average",
    period: 300,
    threshold: 90,
  },
  redisMemory: {
    namespace: "AWS/ElastiCache",
    metric: "DatabaseMemoryUsagePercentage",
    dims: ["CacheClusterId"],
    stat: "Average",
    period: 300,
    threshold: 90,
  },
  redisEvictions: {
    namespace: "AWS/ElastiCache",
    metric: "Evictions",
    dims: ["CacheClusterId"],
    stat: "Sum",
    period: 300,
    threshold: 100,
  },
  redisReplicationLag: {
    namespace: "AWS/ElastiCache",
    metric: "ReplicationLag",
    dims: ["CacheClusterId"],
    stat: "Maximum",
    period: 60,
    threshold: 30,
  },
  storageIoLimit: {
    namespace: "AWS/EFS",
    metric: "PercentIOLimit",
    dims: ["FileSystemId"],
    stat: "Maximum",
    period: 300,
    threshold: 95,
  },
  storageBurstCredits: {
    namespace: "AWS/EFS",
    metric: "BurstCreditBalance",
    dims: ["FileSystemId"],
    stat: "Minimum",
    period: 300,
    threshold: 1e12,
  },
  mongoSystemCheck: {
    namespace: "AWS/EC2",
    metric: "StatusCheckFailed_System",
    dims: ["InstanceId"],
    stat: "Maximum",
    period: 60,
    threshold: 1,
  },
  mongoInstanceCheck: {
    namespace: "AWS/EC2",
    metric: "StatusCheckFailed_Instance",
    dims: ["InstanceId"],
    stat: "Maximum",
    period: 60,
    threshold: 1,
  },
  mongoDiskUsed: {
    namespace: "Toucan/MongoDB",
    metric: "DataVolumeUsedPercent",
    dims: ["InstanceId"],
    stat: "Maximum",
    period: 300,
    threshold: 80,
  },
  mongoMemberState: {
    namespace: "Toucan/MongoDB",
    metric: "MemberHealthy",
    dims: ["InstanceId"],
    stat: "Minimum",
    period: 60,
    threshold: 1,
  },
  mongoReplicationLag: {
    namespace: "Toucan/MongoDB",
    metric: "ReplicationLagSeconds",
    dims: ["InstanceId"],
    stat: "Maximum",
    period: 60,
    threshold: 60,
  },
  documentdbCpu: {
    namespace: "AWS/DocDB",
    metric: "CPUUtilization",
    dims: ["DBInstanceIdentifier"],
    stat: "Average",
    period: 300,
    threshold: 90,
  },
  documentdbFreeableMemory: {
    namespace: "AWS/DocDB",
    metric: "FreeableMemory",
    dims: ["DBInstanceIdentifier"],
    stat: "Average",
    period: 300,
    threshold: 268435456,
  },
  documentdbReplicaLag: {
    namespace: "AWS/DocDB",
    metric: "DBInstanceReplicaLag",
    dims: ["DBInstanceIdentifier"],
    stat: "Maximum",
    period: 60,
    threshold: 10000,
  },
  cdn5xxRate: {
    namespace: "AWS/CloudFront",
    metric: "5xxErrorRate",
    dims: ["DistributionId", "Region"],
    stat: "Average",
    period: 300,
    threshold: 5,
  },
  backupJobsFailed: {
    namespace: "AWS/Backup",
    metric: "NumberOfBackupJobsFailed",
    dims: ["BackupVaultName"],
    stat: "Sum",
    period: 3600,
    threshold: 1,
  },
};

interface Query {
  id: string;
  expression?: string;
  returnData?: boolean;
  metric?: {
    namespace: string;
    metricName: string;
    dimensions: Record<string, string>;
    period: number;
    stat: string;
  };
}

/** The alarm's watched metric, whether plain or the first metric of a metric-math query. */
function watched(alarm: RecordedResource) {
  const i = alarm.inputs;
  if (i.metricQueries) {
    const queries = i.metricQueries as Query[];
    const first = queries.find((q) => q.metric)!.metric!;
    return {
      namespace: first.namespace,
      metric: first.metricName,
      dims: first.dimensions,
      stat: first.stat,
      period: first.period,
      queries,
    };
  }
  return {
    namespace: i.namespace as string,
    metric: i.metricName as string,
    dims: i.dimensions as Record<string, string>,
    stat: (i.extendedStatistic ?? i.statistic) as string,
    period: i.period as number,
    queries: undefined,
  };
}

function alarm(recording: Recording, logicalName: string): RecordedResource {
  return recording.one(ALARM, logicalName);
}

function assertSpec(a: RecordedResource, kind: string, dims: Record<string, unknown>, actions: unknown[]) {
  const e = EXPECTED[kind];
  const w = watched(a);
  assert.equal(w.namespace, e.namespace, `${a.name} namespace`);
  assert.equal(w.metric, e.metric, `${a.name} metric`);
  assert.deepEqual(Object.keys(w.dims).sort(), [...e.dims].sort(), `${a.name} dimension names`);
  assert.deepEqual(w.dims, dims, `${a.name} dimensions`);
  assert.equal(w.stat, e.stat, `${a.name} statistic`);
  assert.equal(w.period, e.period, `${a.name} period`);
  assert.equal(a.inputs.threshold, e.threshold, `${a.name} threshold`);
  assert.deepEqual(a.inputs.alarmActions, actions, `${a.name} actions`);
}

describe("Monitoring (alarms, topic, dashboard)", () => {
  let recording: Recording;
  let topicArn: string;
  before(async () => {
    ({ recording } = await record(() => new Toucan("t", { ...BASE, redis: { numReplicas: 1 } }), {
      region: REGION,
    }));
    topicArn = String(recording.one(TOPIC).outputs.arn);
  });

  it("is a toucan:aws:Monitoring component with one topic CloudWatch may publish to", () => {
    const component = recording.one("toucan:aws:Monitoring");
    assert.equal(recording.one(TOPIC).parent, component.urn);
    const policy = JSON.parse(String(recording.one("aws:sns/topicPolicy:TopicPolicy").inputs.policy));
    assert.deepEqual(policy.Statement[0].Principal, { Service: "cloudwatch.amazonaws.com" });
    assert.equal(policy.Statement[0].Action, "sns:Publish");
    assert.equal(policy.Statement[0].Resource, topicArn);
    // Only for this account's alarms in the topic's region (the service principal acts for every account).
    assert.deepEqual(policy.Statement[0].Condition, {
      StringEquals: { "aws:SourceAccount": "123456789012" },
      ArnLike: { "aws:SourceArn": "arn:aws:cloudwatch:eu-west-1:123456789012:alarm:*" },
    });
  });

  it("watches the load balancer and every target group with their own ARN suffixes", () => {
    const lb = recording.one("aws:lb/loadBalancer:LoadBalancer");
    const lbSuffix = String(lb.outputs.arnSuffix);
    assert.match(lbSuffix, /^app\//);
    assertSpec(
      alarm(recording, "t-monitoring-loadBalancer5xxRate-backend"),
      "loadBalancer5xxRate",
      { LoadBalancer: lbSuffix },
      [topicArn],
    );
    const groups = recording.byType("aws:lb/targetGroup:TargetGroup");
    assert.equal(groups.length, 2);
    for (const tier of ["backend", "frontend"]) {
      const tg = groups.find((g) => g.name.includes(tier))!;
      const dims = { TargetGroup: String(tg.outputs.arnSuffix), LoadBalancer: lbSuffix };
      assertSpec(alarm(recording, `t-monitoring-target5xxRate-${tier}`), "target5xxRate", dims, [topicArn]);
      assertSpec(alarm(recording, `t-monitoring-unhealthyHosts-${tier}`), "unhealthyHosts", dims, [topicArn]);
    }
    const backendTg = groups.find((g) => g.name.includes("backend"))!;
    assertSpec(
      alarm(recording, "t-monitoring-backendResponseTime-backend"),
      "backendResponseTime",
      { TargetGroup: String(backendTg.outputs.arnSuffix), LoadBalancer: lbSuffix },
      [topicArn],
    );
    assert.equal(
      alarm(recording, "t-monitoring-backendResponseTime-backend").inputs.extendedStatistic,
      "p95",
    );
    assert.equal(recording.byType(ALARM).filter((a) => a.name.includes("backendResponseTime")).length, 1);
  });

  it("computes the 5xx rates with metric math over RequestCount", () => {
    const q = watched(alarm(recording, "t-monitoring-target5xxRate-backend")).queries!;
    assert.deepEqual(
      q.map((x) => x.metric?.metricName ?? x.expression),
      ["HTTPCode_Target_5XX_Count", "RequestCount", "100 * FILL(errors, 0) / requests"],
    );
    assert.deepEqual(
      q.map((x) => x.returnData),
      [false, false, true],
    );
    assert.deepEqual(q[1].metric!.dimensions, q[0].metric!.dimensions);
    assert.equal(q[1].metric!.stat, "Sum");
  });

  it("watches each ECS service: running below desired (Container Insights), CPU and memory", () => {
    const cluster = recording.one("aws:ecs/cluster:Cluster");
    const settings = cluster.inputs.settings as { name: string; value: string }[];
    assert.deepEqual(settings, [{ name: "containerInsights", value: "enabled" }]);
    for (const tier of ["backend", "frontend"]) {
      const service = recording.byType("aws:ecs/service:Service").find((s) => s.name.includes(tier))!;
      const dims = { ClusterName: String(cluster.outputs.name), ServiceName: String(service.outputs.name) };
      const running = alarm(recording, `t-monitoring-runningTasks-${tier}`);
      assertSpec(running, "runningTasks", dims, [topicArn]);
      const q = watched(running).queries!;
      assert.deepEqual(
        q.map((x) => x.metric?.metricName ?? x.expression),
        ["RunningTaskCount", "DesiredTaskCount", "desired - running"],
      );
      assert.equal(running.inputs.comparisonOperator, "GreaterThanOrEqualToThreshold");
      assertSpec(alarm(recording, `t-monitoring-serviceCpu-${tier}`), "serviceCpu", dims, [topicArn]);
      assertSpec(alarm(recording, `t-monitoring-serviceMemory-${tier}`), "serviceMemory", dims, [topicArn]);
    }
  });

  it("watches every Redis node by its member cluster id, replication lag on the replica only", () => {
    const rg = recording.one("aws:elasticache/replicationGroup:ReplicationGroup");
    const id = String(rg.outputs.id);
    for (const [n, member] of [
      [1, `${id}-001`],
      [2, `${id}-002`],
    ] as const) {
      for (const kind of ["redisCpu", "redisEngineCpu", "redisMemory", "redisEvictions"]) {
        assertSpec(alarm(recording, `t-monitoring-${kind}-node-${n}`), kind, { CacheClusterId: member }, [
          topicArn,
        ]);
      }
    }
    assertSpec(
      alarm(recording, "t-monitoring-redisReplicationLag-node-2"),
      "redisReplicationLag",
      { CacheClusterId: `${id}-002` },
      [topicArn],
    );
    assert.equal(recording.byType(ALARM).filter((a) => a.name.includes("redisReplicationLag")).length, 1);
  });

  it("watches EFS's I/O limit (generalPurpose) but no burst credits with elastic throughput", async () => {
    const fs = recording.one("aws:efs/fileSystem:FileSystem");
    assertSpec(
      alarm(recording, "t-monitoring-storageIoLimit-efs"),
      "storageIoLimit",
      { FileSystemId: String(fs.outputs.id) },
      [topicArn],
    );
    assert.equal(recording.byType(ALARM).filter((a) => a.name.includes("storageBurstCredits")).length, 0);
    const { recording: bursting } = await record(
      () => new Toucan("t", { ...BASE, storage: { throughputMode: "bursting" } }),
      { region: REGION },
    );
    const topic = String(bursting.one(TOPIC).outputs.arn);
    assertSpec(
      alarm(bursting, "t-monitoring-storageBurstCredits-efs"),
      "storageBurstCredits",
      { FileSystemId: String(bursting.one("aws:efs/fileSystem:FileSystem").outputs.id) },
      [topic],
    );
    assert.equal(
      alarm(bursting, "t-monitoring-storageBurstCredits-efs").inputs.comparisonOperator,
      "LessThanThreshold",
    );
  });

  it("recovers a Mongo member on a failed system check and pages on a failed instance check", () => {
    const instances = recording.byType("aws:ec2/instance:Instance");
    assert.equal(instances.length, 3);
    instances.forEach((instance, i) => {
      const dims = { InstanceId: String(instance.outputs.id) };
      const system = alarm(recording, `t-monitoring-mongoSystemCheck-member-${i + 1}`);
      assertSpec(system, "mongoSystemCheck", dims, [`arn:aws:automate:${REGION}:ec2:recover`, topicArn]);
      assert.deepEqual(system.inputs.okActions, [topicArn]);
      assertSpec(
        alarm(recording, `t-monitoring-mongoInstanceCheck-member-${i + 1}`),
        "mongoInstanceCheck",
        dims,
        [topicArn],
      );
    });
  });

  it("watches disk used, member state and replication lag the members publish, with least privilege", () => {
    const instances = recording.byType("aws:ec2/instance:Instance");
    const roles = recording.byType("aws:iam/role:Role").filter((r) => /member-\d-role$/.test(r.name));
    assert.equal(roles.length, 3);
    instances.forEach((instance, i) => {
      const dims = { InstanceId: String(instance.outputs.id) };
      const key = `member-${i + 1}`;
      assertSpec(alarm(recording, `t-monitoring-mongoDiskUsed-${key}`), "mongoDiskUsed", dims, [topicArn]);
      assertSpec(alarm(recording, `t-monitoring-mongoMemberState-${key}`), "mongoMemberState", dims, [
        topicArn,
      ]);
      assert.equal(
        alarm(recording, `t-monitoring-mongoMemberState-${key}`).inputs.comparisonOperator,
        "LessThanThreshold",
      );
      assertSpec(alarm(recording, `t-monitoring-mongoReplicationLag-${key}`), "mongoReplicationLag", dims, [
        topicArn,
      ]);
      // The member's own role (the instance profile's) may put metrics into Toucan/MongoDB only.
      const profile = recording
        .byType("aws:iam/instanceProfile:InstanceProfile")
        .find((p) => p.outputs.name === instance.inputs.iamInstanceProfile)!;
      const grant = recording.one("aws:iam/rolePolicy:RolePolicy", `t-monitoring-mongo-metrics-${i + 1}`);
      assert.equal(grant.inputs.role, profile.inputs.role);
      assert.deepEqual(JSON.parse(String(grant.inputs.policy)).Statement, [
        {
          Sid: "PutMemberMetrics",
          Effect: "Allow",
          Action: "cloudwatch:PutMetricData",
          Resource: "*",
          Condition: { StringEquals: { "cloudwatch:namespace": "Toucan/MongoDB" } },
        },
      ]);
    });
    const document = recording.one("aws:ssm/document:Document", "t-monitoring-mongo-metrics");
    assert.equal(document.inputs.documentType, "Command");
    const content = JSON.parse(String(document.inputs.content));
    assert.equal(content.schemaVersion, "2.2");
    assert.equal(content.mainSteps[0].action, "aws:runShellScript");
    const commands = (content.mainSteps[0].inputs.runCommand as string[]).join("\n");
    assert.match(commands, /REGION='eu-west-1'/);
    assert.match(commands, /systemctl enable --now toucan-mongo-metrics.timer/);
    const association = recording.one("aws:ssm/association:Association", "t-monitoring-mongo-metrics");
    assert.equal(association.inputs.name, document.outputs.name);
    assert.deepEqual(association.inputs.targets, [
      { key: "InstanceIds", values: instances.map((x) => x.outputs.id) },
    ]);
  });

  it("watches failed backup jobs of the stack's vault", () => {
    const vault = recording.one("aws:backup/vault:Vault");
    assertSpec(
      alarm(recording, "t-monitoring-backupJobsFailed-vault"),
      "backupJobsFailed",
      { BackupVaultName: String(vault.outputs.name) },
      [topicArn],
    );
  });

  it("has no alarm the stack cannot feed (no DocumentDB, no CloudFront here)", () => {
    const names = recording.byType(ALARM).map((a) => a.name);
    assert.equal(names.filter((n) => /documentdb|cdn5xx/.test(n)).length, 0);
    // 1 ALB + 2 target groups x 2 + response time + 2 services x 3 + Redis 2 x 4 + lag + EFS
    // + 3 members x (2 status checks + 3 collector metrics) + backups
    assert.equal(names.length, 1 + 4 + 1 + 6 + 8 + 1 + 1 + 15 + 1);
    for (const a of recording.byType(ALARM)) {
      // A silent member is not a healthy one; everything else is quiet without data.
      const expected = a.name.includes("mongoMemberState") ? "breaching" : "notBreaching";
      assert.equal(a.inputs.treatMissingData, expected, a.name);
      assert.match(
        String(a.inputs.alarmDescription),
        /Source: (https:\/\/docs\.aws\.amazon\.com\/|published by the members' collector)/,
      );
    }
  });

  it("draws one dashboard whose widgets reference only the stack's metrics", () => {
    const dashboards = recording.byType(DASHBOARD);
    assert.equal(dashboards.length, 1);
    assert.equal(
      dashboards[0].inputs.dashboardName,
      "toucan-t-monitoring-test",
      "project, component and stack: unique in the account and region",
    );
    const body = JSON.parse(String(dashboards[0].inputs.dashboardBody)) as {
      widgets: {
        type: string;
        x: number;
        y: number;
        width: number;
        height: number;
        properties: Record<string, unknown>;
      }[];
    };
    const headers = body.widgets.filter((w) => w.type === "text").map((w) => w.properties.markdown);
    assert.deepEqual(headers, [
      "## Edge",
      "## Services",
      "## Cache",
      "## Storage",
      "## Database",
      "## Backups",
    ]);
    // Every dimension value in a widget is an id of a resource of this stack.
    const ids = new Set<string>();
    for (const r of recording.resources) {
      for (const key of ["id", "name", "arnSuffix"])
        if (typeof r.outputs[key] === "string") ids.add(r.outputs[key] as string);
    }
    const rg = String(recording.one("aws:elasticache/replicationGroup:ReplicationGroup").outputs.id);
    ids.add(`${rg}-001`).add(`${rg}-002`);
    const alarmed = new Set(
      recording.byType(ALARM).flatMap((a) => {
        const w = watched(a);
        return (w.queries ?? [{ metric: { namespace: w.namespace, metricName: w.metric } }])
          .filter((q) => q.metric)
          .map((q) => `${q.metric!.namespace} ${q.metric!.metricName}`);
      }),
    );
    const metricWidgets = body.widgets.filter((x) => x.type === "metric");
    assert.ok(metricWidgets.length >= 6, `${metricWidgets.length} metric widgets`);
    for (const w of metricWidgets) {
      assert.ok((w.properties.metrics as unknown[][]).length > 0, `${w.properties.title} has lines`);
      assert.ok(w.x + w.width <= 24 && w.width > 0 && w.height > 0);
      assert.equal(w.properties.region, REGION);
      for (const line of w.properties.metrics as unknown[][]) {
        const [namespace, metric, ...rest] = line;
        assert.ok(
          alarmed.has(`${namespace} ${metric}`),
          `${namespace} ${metric} is a metric an alarm watches`,
        );
        const pairs = rest.filter((x) => typeof x === "string");
        assert.equal(pairs.length % 2, 0);
        for (let i = 1; i < pairs.length; i += 2)
          assert.ok(ids.has(pairs[i] as string), `${pairs[i - 1]}=${pairs[i]} is this stack's`);
      }
    }
  });

  it("watches DocumentDB instances by identifier instead of EC2 members", async () => {
    const { recording: r } = await record(
      () => new Toucan("t", { ...BASE, mongo: { engine: "documentdb" } }),
      { region: REGION },
    );
    const topic = String(r.one(TOPIC).outputs.arn);
    const instances = r.byType("aws:docdb/clusterInstance:ClusterInstance");
    assert.equal(instances.length, 2);
    instances.forEach((instance, i) => {
      const dims = { DBInstanceIdentifier: String(instance.outputs.identifier) };
      for (const kind of ["documentdbCpu", "documentdbFreeableMemory", "documentdbReplicaLag"]) {
        assertSpec(alarm(r, `t-monitoring-${kind}-instance-${i + 1}`), kind, dims, [topic]);
      }
    });
    assert.equal(
      alarm(r, "t-monitoring-documentdbFreeableMemory-instance-1").inputs.comparisonOperator,
      "LessThanThreshold",
    );
    assert.equal(r.byType(ALARM).filter((a) => a.name.includes("mongo")).length, 0);
  });

  it("in static mode alarms on CloudFront's 5xx rate in us-east-1 (Region=Global) through a us-east-1 topic", async () => {
    const { recording: r } = await record(
      () => new Toucan("t", { ...BASE, backendDomain: undefined, staticFrontend: {} }),
      { region: REGION },
    );
    const cdn = alarm(r, "t-monitoring-cdn5xxRate-cdn");
    const provider = r.byType("pulumi:providers:aws").find((p) => p.name === "t-monitoring-us-east-1")!;
    assert.equal(provider.inputs.region, "us-east-1");
    assert.ok(cdn.provider?.startsWith(provider.urn));
    const eastTopic = r.byType(TOPIC).find((t) => t.name === "t-monitoring-us-east-1")!;
    assert.ok(eastTopic.provider?.startsWith(provider.urn));
    const eastPolicy = r
      .byType("aws:sns/topicPolicy:TopicPolicy")
      .find((p) => p.inputs.arn === eastTopic.outputs.arn)!;
    assert.deepEqual(JSON.parse(String(eastPolicy.inputs.policy)).Statement[0].Condition.ArnLike, {
      "aws:SourceArn": "arn:aws:cloudwatch:us-east-1:123456789012:alarm:*",
    });
    const distribution = r.one("aws:cloudfront/distribution:Distribution");
    assertSpec(cdn, "cdn5xxRate", { DistributionId: String(distribution.outputs.id), Region: "Global" }, [
      String(eastTopic.outputs.arn),
    ]);
    assert.equal(r.byType(ALARM).filter((a) => a.name.includes("frontend")).length, 0);
  });

  it("subscribes emails and HTTPS endpoints, encrypts with a customer key and takes threshold overrides", async () => {
    const { recording: r } = await record(
      () =>
        new Toucan("t", {
          ...BASE,
          monitoring: {
            emails: ["ops@example.com"],
            httpsEndpoints: ["https://events.example.com/hook"],
            kmsKeyArn: KEY,
            thresholds: { serviceCpu: 70 },
          },
        }),
      { region: REGION },
    );
    const topic = r.one(TOPIC);
    assert.equal(topic.inputs.kmsMasterKeyId, KEY);
    const subs = r.byType(SUBSCRIPTION).map((s) => [s.inputs.protocol, s.inputs.endpoint, s.inputs.topic]);
    assert.deepEqual(subs, [
      ["email", "ops@example.com", topic.outputs.arn],
      ["https", "https://events.example.com/hook", topic.outputs.arn],
    ]);
    assert.equal(alarm(r, "t-monitoring-serviceCpu-backend").inputs.threshold, 70);
    assert.equal(alarm(r, "t-monitoring-serviceMemory-backend").inputs.threshold, 85);
  });

  it("notifies an existing topic without making one, and is left out with monitoring: false", async () => {
    const { recording: r } = await record(
      () => new Toucan("t", { ...BASE, monitoring: { topicArn: EXISTING_TOPIC } }),
      { region: REGION },
    );
    assert.equal(r.byType(TOPIC).length, 0);
    assert.equal(r.byType(ALARM).length, 38, "every alarm of the default topology");
    for (const a of r.byType(ALARM))
      assert.ok((a.inputs.alarmActions as string[]).includes(EXISTING_TOPIC), a.name);
    const { recording: off } = await record(() => new Toucan("t", { ...BASE, monitoring: false }), {
      region: REGION,
    });
    assert.equal(off.byType(ALARM).length + off.byType(TOPIC).length + off.byType(DASHBOARD).length, 0);
  });

  it("refuses bad settings before anything is registered", async () => {
    for (const [monitoring, pattern] of [
      [{ topicArn: "ops-pager" }, /`topicArn` is "ops-pager": is not an SNS topic ARN/],
      [{ emails: ["not-an-email"] }, /`emails\[0\]` is "not-an-email": is not an email address/],
      [{ thresholds: { nope: 1 } }, /`thresholds.nope` is 1: is not an alarm/],
      [
        { topicArn: EXISTING_TOPIC, emails: ["ops@example.com"] },
        /subscriptions and its key are managed where it was made/,
      ],
      [{ thresholds: { serviceCpu: -1 } }, /`thresholds.serviceCpu` is -1: must be a number of at least 0/],
    ] as const) {
      const { error, recording: r } = await recordFailure(
        () => new Toucan("t", { ...BASE, monitoring: monitoring as ToucanArgs["monitoring"] }),
      );
      assert.ok(error instanceof ToucanArgumentError);
      assert.match(error.message, pattern);
      assert.deepEqual(r.built, []);
    }
  });

  it("refuses, in static mode, an existing topic outside us-east-1 without a us-east-1 topic", async () => {
    const { error, recording: r } = await recordFailure(
      () =>
        new Toucan("t", {
          ...BASE,
          backendDomain: undefined,
          staticFrontend: {},
          monitoring: { topicArn: EXISTING_TOPIC },
        }),
    );
    assert.match(error.message, /is not in us-east-1, where CloudFront's alarm must notify a topic/);
    assert.deepEqual(r.built, []);
    const east = "arn:aws:sns:us-east-1:123456789012:ops-pager";
    const { recording: ok } = await record(
      () =>
        new Toucan("t", {
          ...BASE,
          backendDomain: undefined,
          staticFrontend: {},
          monitoring: { topicArn: EXISTING_TOPIC, usEast1TopicArn: east },
        }),
      { region: REGION },
    );
    assert.equal(ok.byType(TOPIC).length, 0);
    assert.deepEqual(alarm(ok, "t-monitoring-cdn5xxRate-cdn").inputs.alarmActions, [east]);
  });

  it("has a README runbook line per alarm", () => {
    const readme = fs.readFileSync(path.join(__dirname, "..", "README.md"), "utf8");
    const start = readme.indexOf("### Monitoring");
    const section = readme.slice(start, readme.indexOf("### ", start + 5));
    const rows = section.split("\n").filter((l) => l.startsWith("| `"));
    for (const kind of Object.keys(EXPECTED)) {
      assert.ok(
        rows.some((row) => row.includes(`\`${kind}\``)),
        `README runbook row for ${kind}`,
      );
    }
    assert.deepEqual(Object.keys(ALARM_SPECS).sort(), Object.keys(EXPECTED).sort());
  });

  it("keeps the services' and toolbox's logs the configured days, under a customer key", async () => {
    const { recording: r } = await record(
      () => new Toucan("t", { ...BASE, logs: { retentionDays: 90, kmsKeyArn: KEY } }),
      { region: REGION },
    );
    const groups = r.byType("aws:cloudwatch/logGroup:LogGroup");
    const services = groups.filter((g) => /-(backend|frontend)-logs$/.test(g.name));
    assert.equal(services.length, 2);
    for (const g of services) {
      assert.equal(g.inputs.retentionInDays, 90, g.name);
      assert.equal(g.inputs.kmsKeyId, KEY, g.name);
    }
    const toolbox = groups.filter((g) => g.name.includes("toolbox"));
    assert.ok(toolbox.length > 0);
    for (const g of toolbox) assert.equal(g.inputs.retentionInDays, 90, g.name);
    const { recording: d } = await record(() => new Toucan("t", BASE), { region: REGION });
    const serviceGroups = d
      .byType("aws:cloudwatch/logGroup:LogGroup")
      .filter((x) => /-(backend|frontend)-logs$/.test(x.name));
    assert.equal(serviceGroups.length, 2);
    for (const g of serviceGroups) {
      assert.equal(g.inputs.retentionInDays, 30);
      assert.equal(g.inputs.kmsKeyId, undefined);
    }
  });

  it("writes VPC flow logs to a CloudWatch log group through a delivery role, or to a given bucket", async () => {
    const { recording: r } = await record(
      () =>
        new Toucan("t", {
          ...BASE,
          flowLogs: { destination: "cloudWatch", retentionDays: 14, kmsKeyArn: KEY },
        }),
      { region: REGION },
    );
    const vpc = r.one("aws:ec2/vpc:Vpc");
    const flow = r.one("aws:ec2/flowLog:FlowLog");
    const group = r.one("aws:cloudwatch/logGroup:LogGroup", "t-flow-logs");
    const role = r.one("aws:iam/role:Role", "t-flow-logs");
    assert.equal(flow.inputs.vpcId, vpc.outputs.id);
    assert.equal(flow.inputs.trafficType, "ALL");
    assert.equal(flow.inputs.logDestinationType, "cloud-watch-logs");
    assert.equal(flow.inputs.logDestination, group.outputs.arn);
    assert.equal(flow.inputs.iamRoleArn, role.outputs.arn);
    assert.equal(group.inputs.retentionInDays, 14);
    assert.equal(group.inputs.kmsKeyId, KEY);
    assert.match(String(role.inputs.assumeRolePolicy), /"Service":"vpc-flow-logs.amazonaws.com"/);
    const policy = JSON.parse(String(r.one("aws:iam/rolePolicy:RolePolicy", "t-flow-logs").inputs.policy));
    assert.deepEqual(policy.Statement[0].Resource, [group.outputs.arn, `${group.outputs.arn}:*`]);
    assert.ok(flow.dependencies.includes(r.one("aws:iam/rolePolicy:RolePolicy", "t-flow-logs").urn));

    const bucket = "arn:aws:s3:::acme-flow-logs/toucan";
    const { recording: s3 } = await record(
      () => new Toucan("t", { ...BASE, flowLogs: { destination: "s3", bucketArn: bucket } }),
      { region: REGION },
    );
    const s3flow = s3.one("aws:ec2/flowLog:FlowLog");
    assert.equal(s3flow.inputs.logDestinationType, "s3");
    assert.equal(s3flow.inputs.logDestination, bucket);
    assert.equal(s3flow.inputs.iamRoleArn, undefined);
    const { recording: none } = await record(() => new Toucan("t", BASE), { region: REGION });
    assert.equal(none.byType("aws:ec2/flowLog:FlowLog").length, 0);
    const { error, recording: bad } = await recordFailure(
      () => new Toucan("t", { ...BASE, flowLogs: { destination: "s3" } }),
    );
    assert.match(
      error.message,
      /`flowLogs.bucketArn` is not set and must be an S3 bucket ARN with destination s3/,
    );
    assert.deepEqual(bad.built, []);
  });

  it("refuses flow log settings S3 would not honour, before anything registers", async () => {
    const cases: [Partial<ToucanArgs["flowLogs"]> & { destination: "cloudWatch" | "s3" }, RegExp][] = [
      // VPC Flow Logs: "You can't use AWSLogs as a subfolder name. This is a reserved term."
      [
        { destination: "s3", bucketArn: "arn:aws:s3:::acme-logs/AWSLogs" },
        /`flowLogs.bucketArn` .*uses the folder AWSLogs, which VPC Flow Logs reserves/,
      ],
      [
        { destination: "s3", bucketArn: "arn:aws:s3:::acme-logs/vpc/AWSLogs/toucan" },
        /uses the folder AWSLogs/,
      ],
      [
        { destination: "s3", bucketArn: "arn:aws:s3:::acme-logs", retentionDays: 14 },
        /`flowLogs.retentionDays` .*applies to the CloudWatch log group only.*remove retentionDays/,
      ],
      [
        { destination: "s3", bucketArn: "arn:aws:s3:::acme-logs", kmsKeyArn: KEY },
        /`flowLogs.kmsKeyArn` .*applies to the CloudWatch log group only/,
      ],
      // CloudWatch Logs takes the key's ARN, not an alias (the services' log groups say the same).
      [
        { destination: "cloudWatch", kmsKeyArn: "arn:aws:kms:eu-west-1:123456789012:alias/flow-logs" },
        /`flowLogs.kmsKeyArn` .*is not a KMS key ARN \(CloudWatch Logs takes the key's ARN, not its id or an alias\)/,
      ],
      [
        { destination: "cloudWatch", bucketArn: "arn:aws:s3:::acme-logs" },
        /`flowLogs.bucketArn` .*is only read with destination s3, and destination is cloudWatch/,
      ],
    ];
    for (const [flowLogs, message] of cases) {
      const { error, recording } = await recordFailure(
        () => new Toucan("t", { ...BASE, flowLogs: flowLogs as ToucanArgs["flowLogs"] }),
      );
      assert.match(error.message, message, JSON.stringify(flowLogs));
      assert.deepEqual(recording.built, []);
    }
    // A folder that merely contains the word is accepted.
    const { recording } = await record(
      () =>
        new Toucan("t", {
          ...BASE,
          flowLogs: { destination: "s3", bucketArn: "arn:aws:s3:::acme-logs/AWSLogs-vpc" },
        }),
      { region: REGION },
    );
    assert.equal(
      recording.one("aws:ec2/flowLog:FlowLog").inputs.logDestination,
      "arn:aws:s3:::acme-logs/AWSLogs-vpc",
    );
  });

  it("reads its root config keys", () => {
    const args = (values: Record<string, string>) =>
      toucanArgsFromConfig(
        new ConfigReader({
          name: "toucan",
          get: (key) => ({ version: "v100.5.1", frontendDomain: "toucan.example.com", ...values })[key],
        }),
      );
    assert.deepEqual(args({}).monitoring, {
      emails: undefined,
      httpsEndpoints: undefined,
      topicArn: undefined,
    });
    assert.equal(args({ monitoring: "false" }).monitoring, false);
    assert.deepEqual(
      args({ alarmEmails: '["ops@example.com"]', alarmHttpsEndpoints: '["https://x.example.com/h"]' })
        .monitoring,
      { emails: ["ops@example.com"], httpsEndpoints: ["https://x.example.com/h"], topicArn: undefined },
    );
    assert.deepEqual(args({ logRetentionDays: "90" }).logs, { retentionDays: 90, kmsKeyArn: undefined });
    // logRetentionDays is the flow log group's retention too, and is not passed on to a bucket destination.
    assert.deepEqual(
      args({ flowLogs: "s3", flowLogsBucketArn: "arn:aws:s3:::b", logRetentionDays: "14" }).flowLogs,
      { destination: "s3", bucketArn: "arn:aws:s3:::b" },
    );
    assert.deepEqual(args({ flowLogs: "cloudWatch", logRetentionDays: "14" }).flowLogs, {
      destination: "cloudWatch",
      bucketArn: undefined,
      retentionDays: 14,
    });
  });

  it("works alone on given ids", async () => {
    const { recording: r } = await record(
      () =>
        new Monitoring("m", {
          topicArn: EXISTING_TOPIC,
          dashboard: false,
          resources: { mongoInstanceIds: ["i-0abc"] },
        }),
      { region: REGION },
    );
    assert.deepEqual(
      r
        .byType(ALARM)
        .map((a) => [a.name, watched(a).dims])
        .sort(),
      [
        ["m-mongoInstanceCheck-member-1", { InstanceId: "i-0abc" }],
        ["m-mongoSystemCheck-member-1", { InstanceId: "i-0abc" }],
      ],
    );
    assert.equal(r.byType(DASHBOARD).length, 0);
  });
});
