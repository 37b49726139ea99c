import { strict as assert } from "assert";
import * as fs from "fs";
import * as path from "path";
import type { PlanGraph, PlanResource } from "../components/planner/plan-runner";
import { diffPlans, PlanDiff } from "../components/review/plan-diff";
import { REPLACEMENT_RULES, ruleFor } from "../components/review/replacement-rules";
import { cloneGraph, demoConfig, planConfig } from "./support/review";

// The replacement table against what it stands for: every resource class the library constructs has a
// row, every property a row names is an input of that resource in the installed SDK, and the verdicts the
// provider schema gives (ForceNew, or a CustomizeDiff that forces a new resource only in some cases) come
// out of a before/after pair of plans.

const ROOT = path.resolve(__dirname, "..");
const SDKS: Record<string, string> = {
  aws: "@pulumi/aws",
  docker: "@pulumi/docker",
  tls: "@pulumi/tls",
  random: "@pulumi/random",
  mongodbatlas: "@pulumi/mongodbatlas",
};

function sourceFiles(dir: string): string[] {
  return fs.readdirSync(dir, { withFileTypes: true }).flatMap((e) => {
    const file = path.join(dir, e.name);
    if (e.isDirectory()) return sourceFiles(file);
    return e.name.endsWith(".ts") ? [file] : [];
  });
}

/** `new aws.ec2.FlowLog(` in the library's sources, resolved to its type token through the SDK class. */
function constructedTypes(): Map<string, string> {
  const types = new Map<string, string>();
  const files = [...sourceFiles(path.join(ROOT, "components")), path.join(ROOT, "index.ts")];
  for (const file of files) {
    const text = fs.readFileSync(file, "utf8");
    for (const m of text.matchAll(/\bnew (aws|docker|tls|random)((?:\.[A-Za-z0-9]+)+)\s*\(/g)) {
      const [sdk, member] = [m[1], m[2].slice(1)];
      let cls: unknown = require(SDKS[sdk]);
      for (const part of member.split(".")) cls = (cls as Record<string, unknown>)[part];
      const token = (cls as { __pulumiType?: string } | undefined)?.__pulumiType;
      assert.ok(token, `${m[0]} in ${path.relative(ROOT, file)}: no such SDK class`);
      types.set(member === "Provider" ? `pulumi:providers:${token}` : token, `${sdk}.${member}`);
    }
  }
  return types;
}

/** The input names of a resource type in its SDK's `.d.ts` (`aws:ec2/flowLog:FlowLog` -> FlowLogArgs). */
function sdkInputs(type: string): Set<string> | undefined {
  const m = /^(\w+):([\w/]+):(\w+)$/.exec(type);
  if (!m || !SDKS[m[1]]) return undefined;
  const [, pkg, module, name] = m;
  const [dir, file] = module.split("/");
  const sdk = path.join(ROOT, "node_modules", SDKS[pkg]);
  // @pulumi/mongodbatlas is an optional peer: without it, its rows are checked where it is installed.
  if (pkg === "mongodbatlas" && !fs.existsSync(sdk)) return undefined;
  const dts = path.join(sdk, dir === "index" ? "" : dir, `${file}.d.ts`);
  const text = fs.readFileSync(dts, "utf8");
  const start = text.indexOf(`export interface ${name}Args {`);
  assert.ok(start >= 0, `${type}: no ${name}Args in ${path.relative(ROOT, dts)}`);
  const body = text.slice(start, text.indexOf("\n}", start));
  return new Set([...body.matchAll(/^ {4}(?:readonly )?(\w+)\??:/gm)].map((p) => p[1]));
}

describe("review: replacement rules table", function () {
  this.timeout(60_000);

  it("has a row for every resource class the library constructs (demo configs or not)", () => {
    const types = constructedTypes();
    assert.ok(
      types.has("aws:ec2/flowLog:FlowLog") &&
        types.has("aws:backup/vaultLockConfiguration:VaultLockConfiguration"),
    );
    const missing = [...types].filter(([type]) => !ruleFor(type)).map(([type, cls]) => `${cls} (${type})`);
    assert.deepEqual(missing, []);
  });

  it("names only inputs the installed SDK has (Pulumi's camelCase names), once per row", () => {
    const wrong: string[] = [];
    for (const rule of REPLACEMENT_RULES) {
      const inputs = sdkInputs(rule.type);
      const listed = [
        ...(rule.forcesNew === "*"
          ? []
          : rule.forcesNew.map((f) => (typeof f === "string" ? f : f.property))),
        ...(rule.except ?? []),
      ];
      if (new Set(listed).size !== listed.length) wrong.push(`${rule.type}: a property listed twice`);
      if (!inputs) continue;
      for (const p of listed) if (!inputs.has(p)) wrong.push(`${rule.type}: ${p}`);
    }
    assert.deepEqual(wrong, []);
  });

  it("cites the provider schema file at a commit for the rows read from it", () => {
    const read = REPLACEMENT_RULES.filter((r) =>
      /github\.com\/hashicorp\/terraform-provider-aws\/blob\/[0-9a-f]{40}\//.test(r.source),
    );
    assert.ok(read.length >= 76, `${read.length} rows cite a schema file at a commit`);
    // The Docker, TLS, random and Atlas rows cite their own providers' schema files the same way.
    const others = REPLACEMENT_RULES.filter(
      (r) =>
        !r.type.startsWith("aws:") &&
        /github\.com\/[\w-]+\/terraform-provider-\w+\/blob\/[0-9a-f]{40}\//.test(r.source),
    );
    assert.ok(others.length >= 14, `${others.length} non-AWS rows cite a schema file at a commit`);
    for (const r of REPLACEMENT_RULES) assert.match(r.source, /^https:\/\//, r.type);
  });

  describe("verdicts on hand-made changes of the demo plan", () => {
    let base: PlanGraph;
    before(async () => {
      base = await planConfig(demoConfig());
    });

    const find = (graph: PlanGraph, type: string, name?: string): PlanResource => {
      const found = graph.resources.find((r) => r.type === type && (name === undefined || r.name === name));
      assert.ok(found, `${type} ${name ?? ""}`);
      return found;
    };

    /** The diff's verdict on one resource after `edit` changed its inputs. */
    function verdict(
      type: string,
      edit: (inputs: Record<string, unknown>) => void,
      name?: string,
      graph: PlanGraph = base,
    ): { action: string; forcedBy: string[] } {
      const after = cloneGraph(graph);
      const resource = find(after, type, name);
      edit(resource.inputs);
      const diff: PlanDiff = diffPlans(graph, after);
      const change = diff.changes.find((c) => c.urn === resource.urn);
      assert.ok(change, `${type}: no change`);
      return { action: change.action, forcedBy: change.forcedBy.map((f) => f.property) };
    }

    /** The demo plan with one more resource of `type`, made from a copy of an existing one. */
    function withResource(type: string, inputs: Record<string, unknown>): PlanGraph {
      const graph = cloneGraph(base);
      const model = JSON.parse(JSON.stringify(find(graph, "aws:ec2/subnet:Subnet"))) as PlanResource;
      const name = type.split(":").pop()!.toLowerCase();
      graph.resources.push({
        ...model,
        type,
        name,
        urn: `${model.urn.split("::").slice(0, 2).join("::")}::${type}::${name}`,
        inputs,
        dependencies: [],
        propertyDependencies: {},
        protect: false,
      });
      return graph;
    }

    const REPLACE = (...forcedBy: string[]) => ({ action: "replace", forcedBy });
    const UPDATE = { action: "update", forcedBy: [] };

    it("Route 53 record: a new set identifier or type updates it; a new name or zone replaces it", () => {
      const record = "aws:route53/record:Record";
      assert.deepEqual(
        verdict(record, (i) => (i.setIdentifier = "blue")),
        UPDATE,
      );
      assert.deepEqual(
        verdict(record, (i) => (i.type = "TXT")),
        UPDATE,
      );
      assert.deepEqual(
        verdict(record, (i) => (i.name = "other.toucan.example.com.")),
        REPLACE("name"),
      );
    });

    it("Elastic IP: a customer-owned pool updates it, a network border group replaces it", () => {
      const eip = "aws:ec2/eip:Eip";
      assert.deepEqual(
        verdict(eip, (i) => (i.customerOwnedIpv4Pool = "ipv4pool-coip-1234")),
        UPDATE,
      );
      assert.deepEqual(
        verdict(eip, (i) => (i.networkBorderGroup = "eu-west-1-lim-1")),
        REPLACE("networkBorderGroup"),
      );
    });

    it("subnet: IPv6-native and IPAM netmask replace it; public IPs on launch update it", () => {
      const subnet = "aws:ec2/subnet:Subnet";
      assert.deepEqual(
        verdict(subnet, (i) => (i.ipv6Native = true)),
        REPLACE("ipv6Native"),
      );
      assert.deepEqual(
        verdict(subnet, (i) => (i.ipv4NetmaskLength = 24)),
        REPLACE("ipv4NetmaskLength"),
      );
      assert.deepEqual(
        verdict(subnet, (i) => (i.mapPublicIpOnLaunch = true)),
        UPDATE,
      );
      // An IPv6 block changes in place, unless the subnet assigned IPv6 addresses on creation.
      assert.deepEqual(
        verdict(subnet, (i) => (i.ipv6CidrBlock = "2001:db8::/64")),
        UPDATE,
      );
      const assigning = cloneGraph(base);
      find(assigning, subnet).inputs.assignIpv6AddressOnCreation = true;
      assert.deepEqual(
        verdict(subnet, (i) => (i.ipv6CidrBlock = "2001:db8::/64"), undefined, assigning),
        REPLACE("ipv6CidrBlock"),
      );
    });

    it("VPC: an IPAM netmask length replaces it", () => {
      assert.deepEqual(
        verdict("aws:ec2/vpc:Vpc", (i) => (i.ipv4NetmaskLength = 20)),
        REPLACE("ipv4NetmaskLength"),
      );
    });

    it("Mongo member instance: EBS optimization, tenancy and EC2-Classic groups replace it; the type does not", () => {
      const instance = "aws:ec2/instance:Instance";
      const member = "toucan-mongo-member-2";
      assert.deepEqual(
        verdict(instance, (i) => (i.ebsOptimized = true), member),
        REPLACE("ebsOptimized"),
      );
      assert.deepEqual(
        verdict(instance, (i) => (i.tenancy = "dedicated"), member),
        REPLACE("tenancy"),
      );
      assert.deepEqual(
        verdict(instance, (i) => (i.securityGroups = ["default"]), member),
        REPLACE("securityGroups"),
      );
      assert.deepEqual(
        verdict(instance, (i) => (i.instanceType = "t4g.large"), member),
        UPDATE,
      );
    });

    it("Redis replication group: a version downgrade or Valkey back to Redis replaces it, an upgrade does not", () => {
      const group = "aws:elasticache/replicationGroup:ReplicationGroup";
      assert.deepEqual(
        verdict(group, (i) => (i.engineVersion = "7.2")),
        REPLACE("engineVersion"),
      );
      assert.deepEqual(
        verdict(group, (i) => (i.engineVersion = "8.2")),
        UPDATE,
      );
      assert.deepEqual(
        verdict(group, (i) => {
          i.engine = "redis";
          i.engineVersion = "8.1";
        }),
        REPLACE("engine"),
      );
      assert.deepEqual(
        verdict(group, (i) => (i.nodeType = "cache.t4g.medium")),
        UPDATE,
      );
      assert.deepEqual(
        verdict(group, (i) => (i.securityGroupNames = ["cache-sg"])),
        REPLACE("securityGroupNames"),
      );
    });

    it("security group rule: a new CIDR updates it; a security group instead of a CIDR is a new rule", () => {
      const rule = "aws:vpc/securityGroupIngressRule:SecurityGroupIngressRule";
      const https = "toucan-lb-alb-https-0.0.0.0-0";
      assert.deepEqual(
        verdict(rule, (i) => (i.cidrIpv4 = "10.0.0.0/8"), https),
        UPDATE,
      );
      assert.deepEqual(
        verdict(rule, (i) => (i.fromPort = 8443), https),
        UPDATE,
      );
      const swapped = verdict(
        rule,
        (i) => {
          delete i.cidrIpv4;
          i.referencedSecurityGroupId = "sg-0123456789abcdef0";
        },
        https,
      );
      assert.equal(swapped.action, "replace");
      assert.deepEqual(swapped.forcedBy.sort(), ["cidrIpv4", "referencedSecurityGroupId"]);
    });

    it("S3 gateway endpoint: private DNS replaces it; a route table updates it", () => {
      const endpoint = "aws:ec2/vpcEndpoint:VpcEndpoint";
      assert.deepEqual(
        verdict(endpoint, (i) => (i.privateDnsEnabled = true)),
        REPLACE("privateDnsEnabled"),
      );
      assert.deepEqual(
        verdict(endpoint, (i) => (i.routeTableIds = ["rtb-0123456789abcdef0"])),
        UPDATE,
      );
    });

    it("certificate: validation options replace it; a secret version's write-only version replaces it", () => {
      assert.deepEqual(
        verdict("aws:acm/certificate:Certificate", (i) => {
          i.validationOptions = [{ domainName: "toucan.example.com", validationDomain: "example.com" }];
        }),
        REPLACE("validationOptions"),
      );
      assert.deepEqual(
        verdict("aws:secretsmanager/secretVersion:SecretVersion", (i) => (i.secretStringWoVersion = 2)),
        REPLACE("secretStringWoVersion"),
      );
    });

    it("S3 bucket: Object Lock replaces it, its retention rule does not; a versioning MFA token updates", () => {
      const bucket = "aws:s3/bucket:Bucket";
      const lock = (objectLockEnabled?: string, days = 1) => ({
        ...(objectLockEnabled ? { objectLockEnabled } : {}),
        rule: { defaultRetention: { mode: "GOVERNANCE", days } },
      });
      const withBucket = withResource(bucket, { bucket: "toucan-assets", objectLockConfiguration: lock() });
      assert.deepEqual(
        verdict(bucket, (i) => (i.objectLockConfiguration = lock("Enabled")), "bucket", withBucket),
        REPLACE("objectLockConfiguration"),
      );
      assert.deepEqual(
        verdict(bucket, (i) => (i.objectLockConfiguration = lock(undefined, 30)), "bucket", withBucket),
        UPDATE,
      );
      assert.deepEqual(
        verdict(bucket, (i) => (i.bucketNamespace = "account-regional"), "bucket", withBucket),
        REPLACE("bucketNamespace"),
      );

      const versioning = "aws:s3/bucketVersioning:BucketVersioning";
      const withVersioning = withResource(versioning, {
        bucket: "toucan-assets",
        versioningConfiguration: { status: "Enabled" },
      });
      assert.deepEqual(
        verdict(
          versioning,
          (i) => (i.mfa = "arn:aws:iam::123456789012:mfa/ops 123456"),
          undefined,
          withVersioning,
        ),
        UPDATE,
      );
      assert.deepEqual(
        verdict(versioning, (i) => (i.bucket = "toucan-other"), "bucketversioning", withVersioning),
        REPLACE("bucket"),
      );
    });

    it("CloudFront, Cognito, ECR, Scheduler, SSM: the schema's verdicts where the pages were wrong", () => {
      const distribution = "aws:cloudfront/distribution:Distribution";
      const withDistribution = withResource(distribution, { enabled: true, comment: "site", staging: false });
      assert.deepEqual(
        verdict(distribution, (i) => (i.staging = true), "distribution", withDistribution),
        REPLACE("staging"),
      );
      assert.deepEqual(
        verdict(distribution, (i) => (i.comment = "static site"), "distribution", withDistribution),
        UPDATE,
      );

      const pool = "aws:cognito/userPool:UserPool";
      const schema = (name: string) => ({ name, attributeDataType: "String", mutable: true });
      const withPool = withResource(pool, { name: "toucan", schemas: [schema("email")] });
      assert.deepEqual(
        verdict(pool, (i) => (i.schemas = [schema("email"), schema("team")]), "userpool", withPool),
        UPDATE,
      );
      assert.deepEqual(
        verdict(pool, (i) => (i.usernameAttributes = ["email"]), "userpool", withPool),
        REPLACE("usernameAttributes"),
      );

      const lifecycle = "aws:ecr/lifecyclePolicy:LifecyclePolicy";
      const withLifecycle = withResource(lifecycle, { repository: "toucan", policy: '{"rules":[]}' });
      assert.deepEqual(
        verdict(
          lifecycle,
          (i) => (i.policy = '{"rules":[{"rulePriority":1}]}'),
          "lifecyclepolicy",
          withLifecycle,
        ),
        REPLACE("policy"),
      );

      const schedule = "aws:scheduler/schedule:Schedule";
      const withSchedule = withResource(schedule, { name: "backup", scheduleExpression: "rate(1 day)" });
      assert.deepEqual(
        verdict(schedule, (i) => (i.groupName = "toucan"), "schedule", withSchedule),
        REPLACE("groupName"),
      );
      assert.deepEqual(
        verdict(schedule, (i) => (i.scheduleExpression = "rate(2 days)"), "schedule", withSchedule),
        UPDATE,
      );

      const association = "aws:ssm/association:Association";
      const withAssociation = withResource(association, { name: "AWS-RunPatchBaseline" });
      assert.deepEqual(
        verdict(association, (i) => (i.name = "AWS-UpdateSSMAgent"), "association", withAssociation),
        REPLACE("name"),
      );
      assert.deepEqual(
        verdict(association, (i) => (i.scheduleExpression = "rate(7 days)"), "association", withAssociation),
        UPDATE,
      );

      const document = "aws:ssm/document:Document";
      const withDocument = withResource(document, {
        name: "toucan-backup",
        documentType: "Command",
        content: "{}",
      });
      assert.deepEqual(
        verdict(document, (i) => (i.documentType = "Automation"), "document", withDocument),
        UPDATE,
      );
    });

    it("Docker, TLS and Atlas: limits, health checks and the CA path length update; the environment replaces", () => {
      const container = "docker:index/container:Container";
      const withContainer = withResource(container, {
        name: "toucan",
        image: "sha256:0123",
        memory: 2048,
        envs: ["A=1"],
      });
      assert.deepEqual(
        verdict(container, (i) => (i.memorySwap = 4096), "container", withContainer),
        UPDATE,
      );
      assert.deepEqual(
        verdict(container, (i) => (i.healthcheck = { tests: ["CMD", "true"] }), "container", withContainer),
        UPDATE,
      );
      assert.deepEqual(
        verdict(container, (i) => (i.envs = ["A=2"]), "container", withContainer),
        REPLACE("envs"),
      );

      const cert = "tls:index/selfSignedCert:SelfSignedCert";
      const withCert = withResource(cert, {
        privateKeyPem: "pem",
        validityPeriodHours: 8760,
        allowedUses: [],
      });
      assert.deepEqual(
        verdict(cert, (i) => (i.maxPathLength = 0), "selfsignedcert", withCert),
        UPDATE,
      );
      assert.deepEqual(
        verdict(cert, (i) => (i.validityPeriodHours = 720), "selfsignedcert", withCert),
        REPLACE("validityPeriodHours"),
      );

      const user = "mongodbatlas:index/databaseUser:DatabaseUser";
      const withUser = withResource(user, { projectId: "p", username: "toucan", authDatabaseName: "admin" });
      assert.deepEqual(
        verdict(user, (i) => (i.authDatabaseName = "toucan"), "databaseuser", withUser),
        UPDATE,
      );
      assert.deepEqual(
        verdict(user, (i) => (i.username = "laputa"), "databaseuser", withUser),
        REPLACE("username"),
      );
    });

    it("any regional AWS resource: a new region replaces it", () => {
      const subnet = "aws:ec2/subnet:Subnet";
      const inRegion = cloneGraph(base);
      find(inRegion, subnet).inputs.region = "eu-west-1";
      assert.deepEqual(
        verdict(subnet, (i) => (i.region = "eu-west-3"), undefined, inRegion),
        REPLACE("region"),
      );
      // Setting a region where none was set may be the provider's own region: still reported, with a note.
      const after = cloneGraph(base);
      find(after, subnet).inputs.region = "eu-west-3";
      const change = diffPlans(base, after).changes.find((c) => c.urn === find(base, subnet).urn);
      assert.equal(change?.action, "replace");
      assert.match(change?.forcedBy[0].note ?? "", /provider's own region/);
    });

    it("NAT gateway: a regional availability mode or another VPC replaces it; secondary allocations update it", () => {
      const nat = "aws:ec2/natGateway:NatGateway";
      const withNat = withResource(nat, { subnetId: "subnet-1", allocationId: "eipalloc-1" });
      assert.deepEqual(
        verdict(nat, (i) => (i.availabilityMode = "regional"), "natgateway", withNat),
        REPLACE("availabilityMode"),
      );
      assert.deepEqual(
        verdict(nat, (i) => (i.vpcId = "vpc-2"), "natgateway", withNat),
        REPLACE("vpcId"),
      );
      assert.deepEqual(
        verdict(nat, (i) => (i.secondaryAllocationIds = ["eipalloc-2"]), "natgateway", withNat),
        UPDATE,
      );
    });

    it("types outside the demo: flow log, DocumentDB cluster, SNS subscription, Cloud Map service", () => {
      const flowLog = "aws:ec2/flowLog:FlowLog";
      const withFlowLog = withResource(flowLog, {
        vpcId: "vpc-1",
        trafficType: "ALL",
        logDestination: "arn:a",
      });
      assert.deepEqual(
        verdict(flowLog, (i) => (i.trafficType = "REJECT"), undefined, withFlowLog),
        REPLACE("trafficType"),
      );
      assert.deepEqual(
        verdict(flowLog, (i) => (i.tags = { team: "data" }), undefined, withFlowLog),
        UPDATE,
      );

      const cluster = "aws:docdb/cluster:Cluster";
      const withCluster = withResource(cluster, { port: 27017, backupRetentionPeriod: 7, engine: "docdb" });
      assert.deepEqual(
        verdict(cluster, (i) => (i.port = 27018), undefined, withCluster),
        REPLACE("port"),
      );
      assert.deepEqual(
        verdict(cluster, (i) => (i.backupRetentionPeriod = 14), undefined, withCluster),
        UPDATE,
      );

      const subscription = "aws:sns/topicSubscription:TopicSubscription";
      const withSubscription = withResource(subscription, {
        topic: "arn:aws:sns:eu-west-1:123456789012:alarms",
        protocol: "email",
        endpoint: "ops@example.com",
      });
      assert.deepEqual(
        verdict(subscription, (i) => (i.endpoint = "oncall@example.com"), undefined, withSubscription),
        REPLACE("endpoint"),
      );

      const service = "aws:servicediscovery/service:Service";
      const dnsConfig = (ttl: number, type: string) => ({
        namespaceId: "ns-1",
        routingPolicy: "MULTIVALUE",
        dnsRecords: [{ ttl, type }],
      });
      const withService = withResource(service, { name: "mongo", dnsConfig: dnsConfig(10, "A") });
      assert.deepEqual(
        verdict(service, (i) => (i.dnsConfig = dnsConfig(60, "A")), undefined, withService),
        UPDATE,
      );
      assert.deepEqual(
        verdict(service, (i) => (i.dnsConfig = dnsConfig(10, "SRV")), undefined, withService),
        REPLACE("dnsConfig"),
      );
    });
  });
});
