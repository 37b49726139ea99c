import { strict as assert } from "assert";
import * as pulumi from "@pulumi/pulumi";
import * as aws from "@pulumi/aws";
import { ToucanArgumentError } from "../components/core/errors";
import { UNKNOWN } from "../components/planner/values";
import { Toucan, ToucanArgs } from "../components/aws/toucan";
import { record, recordFailure, Recording } from "../components/planner/recorder";
import { takesTags } from "./support/taggable";
import { LoadBalancer, LoadBalancerArgs } from "../components/aws/load-balancer";
import { ToucanService, ToucanServiceArgs } from "../components/aws/toucan-service";
import { RedisCache, RedisCacheArgs } from "../components/aws/redis-cache";

const BASE: ToucanArgs = {
  version: "v100.5.1",
  frontendDomain: "toucan.example.com",
  backendDomain: "api-toucan.example.com",
  zoneId: "Z0123456789EXAMPLE",
};

const TAGS = { costCenter: "bi-42", owner: "platform" };

/** The topologies a company composes: every optional piece on, in each frontend and database mode. */
const MODES: Record<string, ToucanArgs> = {
  containers: {
    ...BASE,
    loadBalancer: { mode: "dedicated" },
    screenshot: { image: "registry.example.com/screenshot:1.0.0" },
    monitoring: { emails: ["ops@example.com"] },
    flowLogs: { destination: "cloudWatch" },
    sso: { providers: [{ id: "okta", type: "SAML2", name: "Okta" }] },
  },
  static: {
    ...BASE,
    backendDomain: undefined,
    staticFrontend: {},
    monitoring: { emails: ["ops@example.com"] },
  },
  documentdb: { ...BASE, mongo: { engine: "documentdb" }, backups: false },
};

/** Records a mode with a transform that notes every resource it is run on. */
async function recordMarked(args: ToucanArgs): Promise<{ recording: Recording; seen: Set<string> }> {
  const seen = new Set<string>();
  const { recording } = await record(
    () =>
      new Toucan("t", {
        ...args,
        tags: TAGS,
        transform: ({ type, name }) => {
          seen.add(`${type}::${name}`);
        },
      }),
  );
  return { recording, seen };
}

describe("Composition: transform and tags reach every resource", function () {
  this.timeout(30_000);

  for (const [mode, args] of Object.entries(MODES)) {
    describe(`${mode} mode`, () => {
      let recording: Recording;
      let seen: Set<string>;
      before(async () => {
        ({ recording, seen } = await recordMarked(args));
      });

      it("runs the transform on every resource below the component, and not on the component", () => {
        const below = recording.resources.filter(
          (r) => r.type !== "toucan:aws:Toucan" && r.type !== "pulumi:pulumi:Stack",
        );
        assert.ok(below.length > 50, `a full topology (${below.length} resources)`);
        const missed = below
          .filter((r) => !seen.has(`${r.type}::${r.name}`))
          .map((r) => `${r.type} ${r.name}`);
        assert.deepEqual(missed, [], "resources the transform never saw");
        assert.ok(!seen.has("toucan:aws:Toucan::t"));
      });

      it("tags every AWS resource that takes tags", () => {
        const taggable = recording.resources.filter(
          (r) => r.custom && r.type.startsWith("aws:") && takesTags(r.type),
        );
        assert.ok(taggable.length > 20, `taggable resources found (${taggable.length})`);
        const untagged = taggable
          .filter((r) => {
            const tags = (r.inputs.tags ?? {}) as Record<string, unknown>;
            return Object.entries(TAGS).some(([k, v]) => tags[k] !== v);
          })
          .map((r) => `${r.type} ${r.name}`);
        assert.deepEqual(untagged, [], "taggable resources without the stack's tags");
      });
    });
  }

  it("finds the taggable types in the SDK's declarations", () => {
    // Known from the AWS provider's docs: a VPC and a log group take tags; a listener rule's target
    // attachment and a route do not.
    assert.equal(takesTags("aws:ec2/vpc:Vpc"), true);
    assert.equal(takesTags("aws:cloudwatch/logGroup:LogGroup"), true);
    assert.equal(takesTags("aws:ec2/route:Route"), false);
    assert.equal(takesTags("aws:iam/rolePolicy:RolePolicy"), false);
    // A list of tag blocks, not a map.
    assert.equal(takesTags("aws:autoscaling/group:Group"), false);
  });

  it("lets the transform change what AWS receives", async () => {
    const { recording } = await record(
      () =>
        new Toucan("t", {
          ...BASE,
          transform: ({ type, props, opts }) => {
            if (type === "aws:ecs/service:Service") props.propagateTags = "SERVICE";
            if (type === "aws:ecs/cluster:Cluster") opts.ignoreChanges = ["settings"];
          },
        }),
    );
    const services = recording.byType("aws:ecs/service:Service");
    assert.equal(services.length, 2);
    for (const s of services) assert.equal(s.inputs.propagateTags, "SERVICE");
    assert.deepEqual(recording.one("aws:ecs/cluster:Cluster").ignoreChanges, ["settings"]);
    // An edit of one resource's options does not leak into a sibling sharing the component's options.
    const roles = recording.byType("aws:iam/role:Role");
    for (const r of roles) assert.deepEqual(r.ignoreChanges, []);
  });

  it("refuses a transform that is not a function before anything registers", async () => {
    const { error, recording } = await recordFailure(
      () => new Toucan("t", { ...BASE, transform: { vpc: {} } as unknown as ToucanArgs["transform"] }),
    );
    assert.match(error.message, /`transform` is .*: is not a function/);
    assert.deepEqual(recording.built, [], "nothing registered before the error");
  });
});

const PRIVATE = ["subnet-1000000000000000a", "subnet-1000000000000000b", "subnet-1000000000000000c"];
const PUBLIC = ["subnet-0000000000000000a", "subnet-0000000000000000b", "subnet-0000000000000000c"];
const AZS = ["us-east-1a", "us-east-1b", "us-east-1c"];
const VPC = "vpc-0a1b2c3d4e5f60718";

/** What a platform stack exports, read here as Outputs (a StackReference's `getOutput` gives the same). */
function platformOutputs(overrides: Partial<Record<"private" | "public" | "azs", string[]>> = {}) {
  return {
    vpcId: pulumi.output(VPC),
    privateSubnetIds: pulumi.output(overrides.private ?? PRIVATE),
    publicSubnetIds: pulumi.output(overrides.public ?? PUBLIC),
    availabilityZones: pulumi.output(overrides.azs ?? AZS),
    azCount: 3,
    cidrBlock: "10.20.0.0/16",
  };
}

describe("Composition: arguments from another stack's outputs", function () {
  this.timeout(30_000);

  it("builds on an existing VPC whose ids are Outputs, each AZ's resources in its subnet", async () => {
    const { recording } = await record(
      () => new Toucan("t", { ...BASE, network: { existing: platformOutputs() } }),
    );
    assert.equal(recording.byType("aws:ec2/vpc:Vpc").length, 0, "no VPC of its own");
    const targets = recording.byType("aws:efs/mountTarget:MountTarget");
    assert.deepEqual(
      targets.map((t) => t.inputs.subnetId),
      PRIVATE,
      "one EFS mount target per private subnet, in order",
    );
    const members = recording.byType("aws:ec2/instance:Instance").filter((i) => i.name.includes("mongo"));
    assert.deepEqual(
      members.map((m) => [m.inputs.subnetId, m.inputs.availabilityZone]).sort(),
      PRIVATE.map((s, i) => [s, AZS[i]]),
      "a Mongo member per AZ, in its private subnet",
    );
    assert.deepEqual(recording.one("aws:elasticache/subnetGroup:SubnetGroup").inputs.subnetIds, PRIVATE);
    assert.equal(recording.byType("aws:ecs/service:Service").length, 2);
    assert.ok(recording.byType("aws:ec2/securityGroup:SecurityGroup").length > 0);
    for (const service of recording.byType("aws:ecs/service:Service")) {
      const network = service.inputs.networkConfiguration as { subnets: string[]; assignPublicIp?: boolean };
      assert.deepEqual(network.subnets, PRIVATE, `${service.name} runs in the private subnets`);
    }
    assert.deepEqual(recording.one("aws:lb/loadBalancer:LoadBalancer").inputs.subnets, PUBLIC);
    for (const group of recording.byType("aws:ec2/securityGroup:SecurityGroup")) {
      assert.equal(group.inputs.vpcId, VPC, `${group.name} in the platform's VPC`);
    }
  });

  it("needs azCount when the AZ list is an Output, before anything registers", async () => {
    const { azCount: _, ...existing } = platformOutputs();
    const { error, recording } = await recordFailure(
      () => new Toucan("t", { ...BASE, network: { existing } }),
    );
    assert.match(
      error.message,
      /`existing.azCount` is not set and is needed: existing.availabilityZones is an Output/,
    );
    assert.deepEqual(recording.built, [], "nothing registered before the error");
  });

  for (const c of [
    {
      title: "a CIDR block given as a subnet id",
      overrides: { private: ["10.0.1.0/24", ...PRIVATE.slice(1)] },
    },
    { title: "fewer subnets than azCount", overrides: { public: PUBLIC.slice(0, 2) } },
    { title: "a subnet both private and public", overrides: { public: [PRIVATE[0], ...PUBLIC.slice(1)] } },
    { title: "an AZ id in place of its name", overrides: { azs: ["use1-az1", ...AZS.slice(1)] } },
    { title: "a repeated AZ", overrides: { azs: [AZS[0], AZS[0], AZS[2]] } },
  ]) {
    it(`refuses ${c.title} arriving as an Output, with the message a plain value gets`, async () => {
      const plain = {
        vpcId: VPC,
        privateSubnetIds: c.overrides.private ?? PRIVATE,
        publicSubnetIds: c.overrides.public ?? PUBLIC,
        availabilityZones: c.overrides.azs ?? AZS,
      };
      const { error, recording } = await recordFailure(
        () => new Toucan("t", { ...BASE, network: { existing: plain } }),
      );
      assert.ok(error instanceof ToucanArgumentError);
      assert.deepEqual(recording.built, [], "nothing registered before the error");
      const expected = error.errors.find((e) => e.argument.startsWith("existing."));
      assert.ok(expected, error.message);
      await assert.rejects(
        record(() => new Toucan("t", { ...BASE, network: { existing: platformOutputs(c.overrides) } })),
        (err: Error) => err.message.includes(expected.message),
      );
    });
  }

  it("refuses a VPC id arriving as an Output that is not one, with the plain value's message", async () => {
    const { error } = await recordFailure(
      () =>
        new Toucan("t", { ...BASE, network: { existing: { ...platformOutputs(), vpcId: "10.0.0.0/16" } } }),
    );
    await assert.rejects(
      record(
        () =>
          new Toucan("t", {
            ...BASE,
            network: { existing: { ...platformOutputs(), vpcId: pulumi.output("10.0.0.0/16") } },
          }),
      ),
      (err: Error) => err.message.includes(error.message),
    );
  });

  it("plans in preview with ids not known yet, the same resources as with known ids", async () => {
    const program = () => {
      // The platform's own VPC and subnets, made in the same program: their ids are unknown in a preview.
      const vpc = new aws.ec2.Vpc("platform", { cidrBlock: "10.20.0.0/16" });
      const subnets = (tier: string, offset: number) =>
        AZS.map(
          (az, i) =>
            new aws.ec2.Subnet(`platform-${tier}-${i}`, {
              vpcId: vpc.id,
              availabilityZone: az,
              cidrBlock: `10.20.${offset + i}.0/24`,
            }).id,
        );
      return new Toucan("t", {
        ...BASE,
        network: {
          existing: {
            vpcId: vpc.id,
            privateSubnetIds: pulumi.all(subnets("private", 0)),
            publicSubnetIds: pulumi.all(subnets("public", 10)),
            availabilityZones: pulumi.output(AZS),
            azCount: 3,
          },
        },
      });
    };
    const preview = await record(program, { preview: true });
    const update = await record(program);
    assert.deepEqual(
      preview.recording.resources.map((r) => r.urn).sort(),
      update.recording.resources.map((r) => r.urn).sort(),
    );
    const targets = preview.recording.byType("aws:efs/mountTarget:MountTarget");
    assert.equal(targets.length, 3);
    for (const t of targets) assert.equal(t.inputs.subnetId, UNKNOWN, "a subnet id not known in a preview");
    const known = update.recording.byType("aws:efs/mountTarget:MountTarget").map((t) => t.inputs.subnetId);
    const privateSubnets = update.recording.resources
      .filter((r) => r.name.startsWith("platform-private-"))
      .map((r) => r.outputs.id);
    assert.deepEqual(known, privateSubnets);
  });
});

describe("Composition: child components take another stack's subnet lists", function () {
  this.timeout(30_000);
  const region = "eu-west-1";
  const CERT = "arn:aws:acm:eu-west-1:123456789012:certificate/0a1b2c3d-1111-2222-3333-444455556666";
  const lbArgs = (publicSubnetIds: pulumi.Input<pulumi.Input<string>[]>): LoadBalancerArgs => ({
    vpcId: VPC,
    publicSubnetIds,
    certificateArn: CERT,
    targets: { backend: { hostnames: ["api-toucan.example.com"], healthCheckPath: "/" } },
  });
  const serviceArgs = (subnetIds: pulumi.Input<pulumi.Input<string>[]>): ToucanServiceArgs => ({
    vpcId: VPC,
    subnetIds,
    image: "quay.io/toucantoco/backend:v100.5.1",
  });
  const redisArgs = (subnetIds: pulumi.Input<pulumi.Input<string>[]>): RedisCacheArgs => ({
    vpcId: VPC,
    subnetIds,
    clientSecurityGroupIds: ["sg-0a1b2c3d4e5f60718"],
  });

  const cases = [
    {
      component: "LoadBalancer",
      build: (ids: pulumi.Input<pulumi.Input<string>[]>) => new LoadBalancer("lb", lbArgs(ids)),
      received: (r: Recording) => r.one("aws:lb/loadBalancer:LoadBalancer").inputs.subnets,
      bad: [PUBLIC[0]],
    },
    {
      component: "ToucanService",
      build: (ids: pulumi.Input<pulumi.Input<string>[]>) => new ToucanService("svc", serviceArgs(ids)),
      received: (r: Recording) =>
        (r.one("aws:ecs/service:Service").inputs.networkConfiguration as { subnets: unknown }).subnets,
      bad: [PRIVATE[0], PRIVATE[0], PRIVATE[1]],
    },
    {
      component: "ToucanService (too few)",
      build: (ids: pulumi.Input<pulumi.Input<string>[]>) => new ToucanService("svc", serviceArgs(ids)),
      received: (r: Recording) =>
        (r.one("aws:ecs/service:Service").inputs.networkConfiguration as { subnets: unknown }).subnets,
      bad: [PRIVATE[0]],
    },
    {
      component: "RedisCache",
      build: (ids: pulumi.Input<pulumi.Input<string>[]>) => new RedisCache("cache", redisArgs(ids)),
      received: (r: Recording) => r.one("aws:elasticache/subnetGroup:SubnetGroup").inputs.subnetIds,
      bad: [PRIVATE[0]],
    },
  ];
  for (const c of cases) {
    const ids = c.component === "LoadBalancer" ? PUBLIC : PRIVATE;
    it(`${c.component}: a list that is an Output reaches AWS as given`, async () => {
      const { recording } = await record(() => c.build(pulumi.output(ids)), { region });
      assert.deepEqual(c.received(recording), ids);
    });
    it(`${c.component}: a bad list arriving as an Output fails with the plain list's message`, async () => {
      const { error, recording } = await recordFailure(() => c.build(c.bad), { region });
      assert.ok(error instanceof ToucanArgumentError, String(error));
      assert.deepEqual(recording.built, [], "nothing registered before the error");
      await assert.rejects(
        record(() => c.build(pulumi.output(c.bad)), { region }),
        (err: Error) => err.message.includes(error.errors[0].message),
      );
    });
    it(`${c.component}: a list unknown in a preview registers the same resources`, async () => {
      const program = () => {
        const ids = pulumi.all(
          [0, 1, 2].map((i) => new aws.ec2.Subnet(`s${i}`, { vpcId: VPC, cidrBlock: `10.0.${i}.0/24` }).id),
        );
        return c.build(ids);
      };
      const preview = await record(program, { region, preview: true });
      const update = await record(program, { region });
      assert.equal(c.received(preview.recording), UNKNOWN);
      assert.deepEqual(
        preview.recording.resources.map((r) => r.urn).sort(),
        update.recording.resources.map((r) => r.urn).sort(),
      );
    });
  }
});

describe("Composition: KMS keys from another stack's outputs", function () {
  this.timeout(30_000);
  const KEY = "arn:aws:kms:us-east-1:123456789012:key/1234abcd-12ab-34cd-56ef-1234567890ab";
  const OTHER_REGION = KEY.replace("us-east-1", "eu-west-1");
  const options = { config: { "aws:region": "us-east-1" } };
  const cases: {
    argument: string;
    args: (key: pulumi.Input<string>) => Partial<ToucanArgs>;
    received: (r: Recording) => unknown;
    bad: string;
  }[] = [
    {
      argument: "backups.kmsKeyArn",
      args: (key) => ({ backups: { kmsKeyArn: key } }),
      received: (r) => r.one("aws:backup/vault:Vault").inputs.kmsKeyArn,
      bad: OTHER_REGION,
    },
    {
      argument: "flowLogs.kmsKeyArn",
      args: (key) => ({ flowLogs: { destination: "cloudWatch", kmsKeyArn: key } }),
      received: (r) => r.one("aws:cloudwatch/logGroup:LogGroup", "t-flow-logs").inputs.kmsKeyId,
      bad: "alias/flow-logs",
    },
    {
      argument: "logs.kmsKeyArn (the services' log groups)",
      args: (key) => ({ logs: { kmsKeyArn: key } }),
      received: (r) => r.one("aws:cloudwatch/logGroup:LogGroup", "t-backend-logs").inputs.kmsKeyId,
      bad: "alias/logs",
    },
    {
      argument: "monitoring.kmsKeyArn",
      args: (key) => ({ monitoring: { emails: ["ops@example.com"], kmsKeyArn: key } }),
      received: (r) => r.one("aws:sns/topic:Topic").inputs.kmsMasterKeyId,
      bad: "1234abcd-12ab-34cd-56ef-1234567890ab",
    },
  ];
  for (const c of cases) {
    it(`${c.argument}: an Output reaches AWS as given`, async () => {
      const { recording } = await record(
        () => new Toucan("t", { ...BASE, ...c.args(pulumi.output(KEY)) }),
        options,
      );
      assert.equal(c.received(recording), KEY);
    });
    it(`${c.argument}: a bad key arriving as an Output fails with the plain key's message`, async () => {
      const { error, recording } = await recordFailure(
        () => new Toucan("t", { ...BASE, ...c.args(c.bad) }),
        options,
      );
      assert.ok(error instanceof ToucanArgumentError, String(error));
      assert.deepEqual(recording.built, [], "nothing registered before the error");
      const expected = error.errors.find((e) => /kmsKeyArn$|KmsKeyArn$/.test(e.argument));
      assert.ok(expected, error.message);
      await assert.rejects(
        record(() => new Toucan("t", { ...BASE, ...c.args(pulumi.output(c.bad)) }), options),
        (err: Error) => err.message.includes(expected.message),
      );
    });
  }
});

describe("Composition: the zone and certificate from another stack's outputs", function () {
  this.timeout(30_000);
  const CERT = "arn:aws:acm:us-east-1:123456789012:certificate/0a1b2c3d-1111-2222-3333-444455556666";

  it("a zone id that is an Output reaches the records and the certificate's validation", async () => {
    const { recording } = await record(
      () => new Toucan("t", { ...BASE, zoneId: pulumi.output("Z0123456789EXAMPLE") }),
    );
    // (The Mongo members' names live in a private zone of their own.)
    const records = recording.byType("aws:route53/record:Record").filter((r) => !r.name.includes("-mongo-"));
    assert.ok(records.length >= 3, "alias and validation records");
    for (const r of records) assert.equal(r.inputs.zoneId, "Z0123456789EXAMPLE", r.name);
  });

  it("a wildcard certificate and its names as Outputs reach the HTTPS listener", async () => {
    const { recording } = await record(
      () =>
        new Toucan("t", {
          ...BASE,
          zoneId: undefined,
          certificateArn: pulumi.output(CERT),
          certificateDomains: pulumi.output(["*.example.com"]),
        }),
    );
    const https = recording.byType("aws:lb/listener:Listener").filter((l) => l.inputs.port === 443);
    assert.equal(https.length, 1);
    assert.equal(https[0].inputs.certificateArn, CERT);
    assert.equal(recording.byType("aws:acm/certificate:Certificate").length, 0);
  });

  for (const c of [
    {
      title: "a zone id in its API path form",
      args: (o: boolean): Partial<ToucanArgs> => ({
        zoneId: o ? pulumi.output("/hostedzone/Z0123456789EXAMPLE") : "/hostedzone/Z0123456789EXAMPLE",
      }),
      argument: "zoneId",
    },
    {
      title: "certificate names that do not cover the backend's",
      args: (o: boolean): Partial<ToucanArgs> => ({
        zoneId: undefined,
        certificateArn: CERT,
        certificateDomains: o ? pulumi.output(["toucan.example.com"]) : ["toucan.example.com"],
      }),
      argument: "certificateDomains",
    },
  ]) {
    it(`refuses ${c.title} arriving as an Output, with the plain value's message`, async () => {
      const { error, recording } = await recordFailure(() => new Toucan("t", { ...BASE, ...c.args(false) }));
      assert.ok(error instanceof ToucanArgumentError, String(error));
      assert.deepEqual(recording.built, [], "nothing registered before the error");
      const expected = error.errors.find((e) => e.argument === c.argument);
      assert.ok(expected, error.message);
      await assert.rejects(
        record(() => new Toucan("t", { ...BASE, ...c.args(true) })),
        (err: Error) => err.message.includes(expected.message),
      );
    });
  }
});
