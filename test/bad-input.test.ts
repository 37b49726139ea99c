import { strict as assert } from "assert";
import { spawnSync } from "child_process";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import * as YAML from "yaml";
import { LoadBalancer } from "../components/aws/load-balancer";
import { MongoCluster } from "../components/aws/mongo-cluster";
import { Network } from "../components/aws/network";
import { RedisCache } from "../components/aws/redis-cache";
import { StaticFrontend } from "../components/aws/static-frontend";
import { Toucan, ToucanArgs } from "../components/aws/toucan";
import { ToucanArgumentError } from "../components/core/errors";
import { readProject, readStackConfig } from "../components/planner/project";
import { RecordOptions, Recording, recordFailure, record } from "../components/planner/recorder";

// Every case is a bad input as a user types it. Each must be refused before any custom resource registers
// (the recording runtime counts them), in one message naming the config key or argument the user wrote,
// the value, and a fix that can be applied where the user is. README: "Bad input".

const ROOT = path.resolve(__dirname, "..");
const ENTRY = path.join(ROOT, "index.ts");
const DEMO = YAML.parse(fs.readFileSync(path.join(ROOT, "Pulumi.demo.yaml"), "utf8")).config as Record<
  string,
  unknown
>;

/** A stack file: the demo config with keys set (`toucan:` added) or removed (undefined). */
function stackFile(changes: Record<string, unknown>, text?: string): string {
  const config: Record<string, unknown> = { ...DEMO };
  for (const [key, value] of Object.entries(changes)) {
    const full = key.includes(":") ? key : `toucan:${key}`;
    if (value === undefined) delete config[full];
    else config[full] = value;
  }
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "bad-input-"));
  const file = path.join(dir, "Pulumi.dev.yaml");
  fs.writeFileSync(file, text ?? YAML.stringify({ config }));
  return file;
}

const customs = (recording: Recording) => recording.resources.filter((r) => r.custom).length;

/** Plans the root program on a stack file; returns the refusal's message and what registered before it. */
async function refusal(
  file: string,
  options: RecordOptions = {},
): Promise<{ message: string; registered: number }> {
  const project = readProject(ROOT);
  let stack;
  try {
    stack = readStackConfig(project, file);
  } catch (error) {
    assert.ok(error instanceof ToucanArgumentError, `a clear message, not ${String(error)}`);
    return { message: error.message, registered: 0 };
  }
  const { error, recording } = await recordFailure(
    () => {
      delete require.cache[ENTRY];
      return require(ENTRY);
    },
    {
      project: project.name,
      stack: stack.stack,
      config: stack.values,
      secretKeys: stack.secretKeys,
      ...options,
    },
  );
  assert.ok(error instanceof ToucanArgumentError, `a clear message, not ${error.stack}`);
  return { message: error.message, registered: customs(recording) };
}

interface Case {
  title: string;
  changes: Record<string, unknown>;
  /** The key or argument the message names. */
  names: string;
  /** The value shown, the problem and the fix. */
  says: RegExp;
  text?: string;
  options?: RecordOptions;
}

const SCRATCH_CERT = "arn:aws:acm:us-west-2:123456789012:certificate/1b2c3d4e-1111-4222-8333-123456789abc";
const EXISTING_VPC = {
  vpcId: "vpc-0a1b2c3d4e5f60718",
  publicSubnetIds: ["subnet-0000000000000000a", "subnet-0000000000000000b"],
  privateSubnetIds: ["subnet-1000000000000000a", "subnet-1000000000000000b"],
  availabilityZones: ["eu-west-1a", "eu-west-1b"],
  azCount: undefined,
  nat: undefined,
};

const CASES: Record<string, Case[]> = {
  "1. AZs the region lacks, found before anything registers": [
    {
      title: "azCount above the region's AZs",
      changes: { azCount: 4 },
      names: "toucan:azCount",
      says: /is 4: is more than the 3 available AZs of eu-west-1 \(eu-west-1a, eu-west-1b, eu-west-1c\).*Fix: set azCount to 3 or less/s,
    },
    {
      title: "azCount above the AZs of a 2-AZ answer",
      changes: { azCount: 3 },
      options: { availabilityZones: ["eu-west-1a", "eu-west-1b"] },
      names: "toucan:azCount",
      says: /more than the 2 available AZs of eu-west-1 \(eu-west-1a, eu-west-1b\)/,
    },
    {
      title: "azCount below 2",
      changes: { azCount: 1 },
      names: "toucan:azCount",
      says: /is 1: spreads the network over fewer than 2/,
    },
    {
      title: "leaving an AZ the stack recorded",
      changes: { azCount: 2 },
      options: {
        stackOutputs: {
          "organization/toucan/dev": { availabilityZones: ["eu-west-1a", "eu-west-1b", "eu-west-1c"] },
        },
      },
      names: "toucan:azCount",
      says: /leaves eu-west-1c, where the stack's EFS mount targets.*Fix: keep eu-west-1a, eu-west-1b, eu-west-1c/s,
    },
  ],
  "2. ids and ARNs checked for form, region and consistency": [
    {
      title: "a certificate of another region",
      changes: { certificateArn: SCRATCH_CERT },
      names: "toucan:certificateArn",
      says: /is a certificate of us-west-2, and this one must be in eu-west-1.*Fix: give an ACM certificate of the stack's region \(eu-west-1\)/s,
    },
    {
      title: "an IAM server certificate",
      changes: { certificateArn: "arn:aws:iam::123456789012:server-certificate/toucan" },
      names: "toucan:certificateArn",
      says: /is an IAM server certificate, not an ACM certificate/,
    },
    {
      title: "a certificate name instead of an ARN",
      changes: { certificateArn: "toucan-cert" },
      names: "toucan:certificateArn",
      says: /"toucan-cert": is not an ACM certificate ARN/,
    },
    {
      title: "a zone id written as the domain",
      changes: { zoneId: "example.com" },
      names: "toucan:zoneId",
      says: /"example.com": is a domain name, not a hosted zone id.*list-hosted-zones-by-name/s,
    },
    {
      title: "a zone id with /hostedzone/",
      changes: { zoneId: "/hostedzone/Z0123456789EXAMPLE" },
      names: "toucan:zoneId",
      says: /is the API path form of a zone id.*give "Z0123456789EXAMPLE" \(without \/hostedzone\/\)/s,
    },
    {
      title: "a zone id in lowercase",
      changes: { zoneId: "z0123456789example" },
      names: "toucan:zoneId",
      says: /is not a Route 53 hosted zone id/,
    },
    {
      title: "a VPC id that is not vpc-",
      changes: { ...EXISTING_VPC, vpcId: "toucan-vpc" },
      names: "toucan:vpcId",
      says: /"toucan-vpc": is not a VPC id/,
    },
    {
      title: "subnet ids given as CIDR blocks",
      changes: { ...EXISTING_VPC, privateSubnetIds: ["10.0.1.0/24", "10.0.2.0/24"] },
      names: "toucan:privateSubnetIds",
      says: /"10.0.1.0\/24": is a CIDR block, not a subnet id.*not their CIDR blocks/s,
    },
    {
      title: "the same subnet public and private",
      changes: {
        ...EXISTING_VPC,
        privateSubnetIds: ["subnet-0000000000000000a", "subnet-1000000000000000b"],
      },
      names: "toucan:privateSubnetIds",
      says: /\["subnet-0000000000000000a"\]: are also public subnets/,
    },
    {
      title: "AZs of another region",
      changes: { ...EXISTING_VPC, availabilityZones: ["us-east-1a", "us-east-1b"] },
      names: "toucan:availabilityZones",
      says: /"us-east-1a": is an Availability Zone of us-east-1, not of eu-west-1/,
    },
    {
      title: "an AZ that is not an AZ name",
      changes: { ...EXISTING_VPC, availabilityZones: ["a", "b"] },
      names: "toucan:availabilityZones",
      says: /"a": is not an Availability Zone name/,
    },
    {
      title: "a Redis node family ElastiCache lacks",
      changes: { redisNodeType: "cache.x9.large" },
      names: "toucan:redisNodeType",
      says: /is not a node family ElastiCache offers/,
    },
    {
      title: "a Redis node type without cache.",
      changes: { redisNodeType: "t4g.small" },
      names: "toucan:redisNodeType",
      says: /"t4g.small": is not an ElastiCache node type \(cache.family.size/,
    },
    {
      title: "a DocumentDB class of an impossible size",
      changes: { mongoEngine: "documentdb", documentdbInstanceClass: "db.r6g.huge" },
      names: "toucan:documentdbInstanceClass",
      says: /is not a DocumentDB instance class/,
    },
    {
      title: "a DocumentDB class of a family DocumentDB lacks",
      changes: { mongoEngine: "documentdb", documentdbInstanceClass: "db.m7i.large" },
      names: "toucan:documentdbInstanceClass",
      says: /is not an instance family DocumentDB offers/,
    },
    {
      title: "a Mongo instance type without a size",
      changes: { mongoInstanceType: "t4g" },
      names: "toucan:mongoInstanceType",
      says: /"t4g": is not an EC2 instance type \(family.size/,
    },
    {
      title: "a Mongo instance type of an impossible size",
      changes: { mongoInstanceType: "m7g.giant" },
      names: "toucan:mongoInstanceType",
      says: /is not an EC2 instance type/,
    },
  ],
  "3. config that would be silently ignored": [
    {
      title: "a misspelled key (backendCPU)",
      changes: { backendCPU: 2048 },
      names: "toucan:backendCPU",
      says: /is not a setting of this project.*did you mean `toucan:backendCpu`/s,
    },
    {
      title: "a misspelled key (zoneID)",
      changes: { zoneID: "Z0123456789EXAMPLE" },
      names: "toucan:zoneID",
      says: /did you mean `toucan:zoneId`/,
    },
    {
      title: "a misspelled key (frontendcount)",
      changes: { frontendcount: 3 },
      names: "toucan:frontendcount",
      says: /did you mean `toucan:frontendCount`/,
    },
    {
      title: "a key of no setting at all",
      changes: { colourScheme: "dark" },
      names: "toucan:colourScheme",
      says: /is not a setting of this project.*Configuration reference/s,
    },
    {
      title: "frontend sizing in static mode",
      changes: { frontendMode: "static", frontendCpu: 1024 },
      names: "toucan:frontendCpu",
      says: /only applies with frontendMode: containers.*set frontendMode: containers/s,
    },
    {
      title: "frontendAssetsDir with frontend containers",
      changes: { frontendAssetsDir: "./dist" },
      names: "toucan:frontendAssetsDir",
      says: /only applies with frontendMode: static/,
    },
    {
      title: "a docker key on AWS",
      changes: { dockerHost: "ssh://me@host" },
      names: "toucan:dockerHost",
      says: /only applies with platform: docker/,
    },
    {
      title: "a TLS mode on AWS",
      changes: { tlsMode: "acme" },
      names: "toucan:tlsMode",
      says: /only applies with platform: docker/,
    },
    {
      title: "mongoUri with the community engine",
      changes: { mongoUri: { secure: "AAABAJx1enc=" } },
      names: "toucan:mongoUri",
      says: /only applies with mongoEngine: external.*set mongoEngine: external/s,
    },
    {
      title: "a DocumentDB class with the community engine",
      changes: { documentdbInstanceClass: "db.r6g.large" },
      names: "toucan:documentdbInstanceClass",
      says: /only applies with mongoEngine: documentdb/,
    },
    {
      title: "an Atlas org with the community engine",
      changes: { atlasOrgId: "5f1a2b3c4d5e6f7a8b9c0d1e" },
      names: "toucan:atlasOrgId",
      says: /only applies with mongoEngine: atlas/,
    },
    {
      title: "a Mongo version with DocumentDB",
      changes: { mongoEngine: "documentdb", mongoVersion: "8.0" },
      names: "toucan:mongoVersion",
      says: /only applies with mongoEngine: community/,
    },
    {
      title: "subnet ids without vpcId",
      changes: { publicSubnetIds: ["subnet-0000000000000000a", "subnet-0000000000000000b"] },
      names: "toucan:publicSubnetIds",
      says: /only applies with vpcId \(an existing VPC\)/,
    },
    {
      title: "a NAT strategy with an existing VPC",
      changes: { ...EXISTING_VPC, nat: "single" },
      names: "toucan:nat",
      says: /only applies with a new VPC \(no vpcId\)/,
    },
    {
      title: "an AWS key on a single host",
      changes: { platform: "docker", redisReplicas: 2, nat: undefined, azCount: undefined },
      names: "toucan:redisReplicas",
      says: /only applies with platform: aws/,
    },
  ],
  "4. messages in the terms of the config": [
    {
      title: "one backend task",
      changes: { backendCount: 1 },
      names: "toucan:backendCount",
      says: /is 1: .*pulumi config set backendCount/s,
    },
    {
      title: "one frontend task",
      changes: { frontendCount: 1 },
      names: "toucan:frontendCount",
      says: /is 1: .*pulumi config set frontendCount/s,
    },
    {
      title: "a Fargate CPU that does not exist",
      changes: { backendCpu: 333 },
      names: "toucan:backendCpu",
      says: /is 333: .*pulumi config set backendCpu/s,
    },
    {
      title: "too many Redis replicas",
      changes: { redisReplicas: 9 },
      names: "toucan:redisReplicas",
      says: /is 9: .*pulumi config set redisReplicas/s,
    },
    {
      title: "an idle timeout beyond the ALB's",
      changes: { idleTimeoutSeconds: 5000 },
      names: "toucan:idleTimeoutSeconds",
      says: /is 5000: is outside the 1-4000 seconds/,
    },
    {
      title: "a tiny Mongo volume",
      changes: { mongoVolumeSizeGiB: 0 },
      names: "toucan:mongoVolumeSizeGiB",
      says: /is 0: /,
    },
    {
      title: "a VPC block too large",
      changes: { vpcCidr: "10.0.0.0/8" },
      names: "toucan:vpcCidr",
      says: /"10.0.0.0\/8": /,
    },
    {
      title: "a Mongo engine that does not exist",
      changes: { mongoEngine: "mongo" },
      names: "toucan:mongoEngine",
      says: /"mongo": is not an allowed value.*"community", "documentdb", "atlas", "external"/s,
    },
    {
      title: "a load balancer mode that does not exist",
      changes: { loadBalancerMode: "single" },
      names: "toucan:loadBalancerMode",
      says: /"single": is not an allowed value.*"shared", "dedicated"/s,
    },
    {
      title: "a word for an integer",
      changes: { backendCount: "two" },
      names: "toucan:backendCount",
      says: /^Pulumi\.dev\.yaml: `toucan:backendCount` is "two": is not an integer, as Pulumi.yaml declares it\. Fix: `pulumi config set backendCount 3`$/,
    },
    {
      title: "a word for a boolean",
      changes: { sameDomain: "yes" },
      names: "toucan:sameDomain",
      says: /is "yes": is not a boolean.*pulumi config set sameDomain true/s,
    },
    {
      title: "a string for a list",
      changes: { extraConnectors: "oracle" },
      names: "toucan:extraConnectors",
      says: /is "oracle": is not a array.*--path 'extraConnectors\[0\]'/s,
    },
    {
      title: "a key set twice",
      changes: {},
      text: "config:\n  aws:region: eu-west-1\n  toucan:version: v100.5.1\n  toucan:azCount: 3\n  toucan:azCount: 2\n",
      names: "toucan:azCount",
      says: /^Pulumi\.dev\.yaml: `toucan:azCount` is not set and is set twice \(line 5\).*keep one/s,
    },
    {
      title: "a YAML syntax error",
      changes: {},
      text: "config:\n  toucan:version: [v100\n",
      names: "line 3",
      says: /^Pulumi\.dev\.yaml: `line \d+`.*is not valid YAML/s,
    },
    {
      title: "two bad keys at once",
      changes: { backendCount: 1, redisReplicas: 9 },
      names: "toucan:redisReplicas",
      says: /toucan:backendCount[\s\S]*\n[\s\S]*toucan:redisReplicas|toucan:redisReplicas[\s\S]*\n[\s\S]*toucan:backendCount/,
    },
    {
      title: "the required name missing",
      changes: { frontendDomain: undefined },
      names: "toucan:frontendDomain",
      says: /is not set and is required.*pulumi config set frontendDomain/s,
    },
  ],
  "5. secrets as the CLI treats them": [
    {
      title: "a Mongo URI with its password in plain text",
      changes: {
        mongoEngine: "external",
        mongoUri: "mongodb://toucan:hunter2@db.example.com:27017/api-toucan",
        mongoReadonlyUri: { secure: "AAABAJx1enc=" },
      },
      names: "toucan:mongoUri",
      says: /"\(plain text, not shown\)": is declared secret in Pulumi.yaml but written in plain text.*pulumi config set --secret mongoUri/s,
    },
    {
      title: "an encrypted value that does not fit its key never shows the plan's placeholder",
      changes: { zoneId: { secure: "AAABAHZvbmU=" } },
      names: "toucan:zoneId",
      says: /is an encrypted \(secure:\) value that is not a Route 53 hosted zone id/,
    },
  ],
};

describe("Bad input never reaches AWS (root program, as users type it)", function () {
  this.timeout(20_000);
  for (const [group, cases] of Object.entries(CASES)) {
    describe(group, () => {
      for (const c of cases) {
        it(`refuses ${c.title}`, async () => {
          const { message, registered } = await refusal(stackFile(c.changes, c.text), c.options);
          assert.equal(registered, 0, "no custom resource registered before the refusal");
          assert.ok(message.includes(`\`${c.names}\``), `names ${c.names}: ${message}`);
          assert.match(message, c.says);
          assert.ok(!message.includes("plan-placeholder"), message);
          assert.ok(!message.includes(ROOT) && !message.includes(os.tmpdir()), `no machine path: ${message}`);
          assert.match(message, /Fix: /);
        });
      }
    });
  }

  it("plans an encrypted Mongo URI (secure:) with the external engine", async () => {
    const file = stackFile({
      mongoEngine: "external",
      mongoUri: { secure: "AAABAJx1enc=" },
      mongoReadonlyUri: { secure: "AAABAHJlYWQ=" },
    });
    const project = readProject(ROOT);
    const stack = readStackConfig(project, file);
    const { recording } = await record(
      () => {
        delete require.cache[ENTRY];
        return require(ENTRY);
      },
      { project: project.name, stack: stack.stack, config: stack.values, secretKeys: stack.secretKeys },
    );
    assert.ok(customs(recording) > 50, "the whole topology is planned");
  });

  it("exits 1 with the message alone from the planner's command", () => {
    const file = stackFile({ backendCPU: 2048 });
    const run = spawnSync(
      process.execPath,
      ["-r", "ts-node/register", path.join(ROOT, "components", "planner", "cli.ts"), "--config", file],
      { cwd: ROOT, env: { ...process.env, TS_NODE_TRANSPILE_ONLY: "1" }, encoding: "utf8", timeout: 60_000 },
    );
    assert.equal(run.status, 1, run.stderr);
    assert.equal(run.stdout, "");
    assert.match(run.stderr.trim(), /^stack config: `toucan:backendCPU` .*did you mean `toucan:backendCpu`/);
  });
});

const BASE: ToucanArgs = {
  version: "v100.5.1",
  frontendDomain: "toucan.example.com",
  backendDomain: "api-toucan.example.com",
  zoneId: "Z0123456789EXAMPLE",
};

describe("Bad input never reaches AWS (components, as a program calls them)", () => {
  const cases: { title: string; build: () => unknown; names: string; says: RegExp; region?: string }[] = [
    {
      title: "Toucan without arguments",
      build: () => new Toucan("t", undefined as unknown as ToucanArgs),
      names: "args",
      says: /Toucan "t": `args` is not set and is not an object of arguments/,
    },
    {
      title: "LoadBalancer without arguments",
      build: () => new LoadBalancer("lb", undefined as never),
      names: "args",
      says: /LoadBalancer "lb": `args`/,
    },
    {
      title: "a number given as a string",
      build: () => new Toucan("t", { ...BASE, backend: { desiredCount: "2" as never } }),
      names: "desiredCount",
      says: /is "2": .*\(it is a string: give the number without quotes\)/,
    },
    {
      title: "a zone id with /hostedzone/",
      build: () => new Toucan("t", { ...BASE, zoneId: "/hostedzone/Z0123456789EXAMPLE" }),
      names: "zoneId",
      says: /give "Z0123456789EXAMPLE"/,
    },
    {
      title: "two children's problems at once",
      build: () => new Toucan("t", { ...BASE, redis: { numReplicas: 9 }, backend: { desiredCount: 1 } }),
      names: "numReplicas",
      says: /RedisCache "t-redis"[\s\S]*\n[\s\S]*ToucanService "t-backend"|ToucanService "t-backend"[\s\S]*\n[\s\S]*RedisCache "t-redis"/,
    },
    {
      title: "a load balancer certificate of another region",
      region: "eu-west-1",
      build: () =>
        new LoadBalancer("lb", {
          vpcId: "vpc-0a1b2c3d4e5f60718",
          publicSubnetIds: ["subnet-0000000000000000a", "subnet-0000000000000000b"],
          certificateArn: SCRATCH_CERT,
          targets: { web: { hostnames: ["toucan.example.com"], healthCheckPath: "/" } },
        }),
      names: "certificateArn",
      says: /is a certificate of us-west-2, and this one must be in eu-west-1/,
    },
    {
      title: "a CloudFront certificate outside us-east-1",
      build: () =>
        new StaticFrontend("site", {
          domainName: "toucan.example.com",
          certificateArn: SCRATCH_CERT,
          assets: { directory: ROOT },
        }),
      names: "certificateArn",
      says: /us-east-1/,
    },
    {
      title: "a Network azCount above the region's AZs (no lookup needed)",
      region: "eu-west-3",
      build: () => new Network("n", { azCount: 4 }),
      names: "azCount",
      says: /is 4: is more than the 3 Availability Zones of eu-west-3.*set azCount to 3 or less/s,
    },
    {
      title: "a Toucan whose network asks more AZs than the region has",
      region: "eu-west-1",
      build: () => new Toucan("t", { ...BASE, network: { azCount: 5 } }),
      names: "azCount",
      says: /is more than the 3 Availability Zones of eu-west-1/,
    },
    {
      title: "an existing VPC's AZs of another region",
      region: "eu-west-1",
      build: () =>
        new Network("n", { existing: { ...EXISTING_VPC, availabilityZones: ["us-east-1a", "us-east-1b"] } }),
      names: "existing.availabilityZones[0]",
      says: /is an Availability Zone of us-east-1, not of eu-west-1/,
    },
    {
      title: "a DocumentDB class that does not exist",
      build: () =>
        new MongoCluster("m", {
          engine: "documentdb",
          instanceClass: "db.r6g.enormous",
          vpcId: "vpc-0a1b2c3d4e5f60718",
          subnetIds: ["subnet-1000000000000000a", "subnet-1000000000000000b"],
          clientSecurityGroupIds: ["sg-0123456789abcdef0"],
        } as never),
      names: "instanceClass",
      says: /is not a DocumentDB instance class/,
    },
    {
      title: "a Redis node type that does not exist",
      build: () =>
        new RedisCache("r", {
          nodeType: "cache.q1.large",
          vpcId: "vpc-0a1b2c3d4e5f60718",
          subnetIds: ["subnet-1000000000000000a", "subnet-1000000000000000b"],
          clientSecurityGroupIds: ["sg-0123456789abcdef0"],
        } as never),
      names: "nodeType",
      says: /is not a node family ElastiCache offers/,
    },
  ];
  for (const c of cases) {
    it(`refuses ${c.title}`, async () => {
      const { error, recording } = await recordFailure(
        c.build,
        c.region ? { config: { "aws:region": c.region } } : {},
      );
      assert.ok(error instanceof ToucanArgumentError, String(error));
      assert.equal(customs(recording), 0);
      assert.ok(error.message.includes(`\`${c.names}\``), error.message);
      assert.match(error.message, c.says);
      assert.match(error.message, /Fix: /);
    });
  }
});

describe("Bad ids that arrive as Outputs (another stack's, say)", () => {
  it("are refused with the same message, the listener that uses them never created", async () => {
    await assert.rejects(
      record(
        () =>
          new LoadBalancer("lb", {
            vpcId: "vpc-0a1b2c3d4e5f60718",
            publicSubnetIds: ["subnet-0000000000000000a", "subnet-0000000000000000b"],
            certificateArn: Promise.resolve("arn:aws:iam::123456789012:server-certificate/toucan") as never,
            targets: { web: { hostnames: ["toucan.example.com"], healthCheckPath: "/" } },
          }),
        { config: { "aws:region": "eu-west-1" } },
      ),
      /LoadBalancer "lb": `certificateArn` is "arn:aws:iam::123456789012:server-certificate\/toucan": is an IAM server certificate, not an ACM certificate/,
    );
  });
});
