import { strict as assert } from "assert";
import { MongoCluster, MongoClusterArgs } from "../components/aws/mongo-cluster";
import { isDedicatedAtlasSize, privateEndpointSrv } from "../components/aws/atlas";
import { srvConnectionString } from "../components/core/mongo-uri";
import { ToucanArgumentError } from "../components/core/errors";
import { Recording, record, recordFailure, valueOf } from "../components/planner/recorder";
import { Secret, reveal } from "../components/planner/values";

const PROJECT = "mongodbatlas:index/project:Project";
const CLUSTER = "mongodbatlas:index/advancedCluster:AdvancedCluster";
const USER = "mongodbatlas:index/databaseUser:DatabaseUser";
const SERVICE = "mongodbatlas:index/privateLinkEndpoint:PrivateLinkEndpoint";
const REGISTRATION = "mongodbatlas:index/privateLinkEndpointService:PrivateLinkEndpointService";
const VPC_ENDPOINT = "aws:ec2/vpcEndpoint:VpcEndpoint";
const INGRESS = "aws:vpc/securityGroupIngressRule:SecurityGroupIngressRule";
const SECURITY_GROUP = "aws:ec2/securityGroup:SecurityGroup";
const SECRET = "aws:secretsmanager/secret:Secret";
const SECRET_VERSION = "aws:secretsmanager/secretVersion:SecretVersion";
const PASSWORD = "random:index/randomPassword:RandomPassword";
const ORG = "0123456789abcdef01234567";

const NETWORK = {
  vpcId: "vpc-0abc",
  subnetIds: ["subnet-a", "subnet-b", "subnet-c"],
  availabilityZones: ["eu-west-1a", "eu-west-1b", "eu-west-1c"],
  clientSecurityGroupIds: ["sg-backend"],
};

function atlasArgs(extra: Partial<MongoClusterArgs> = {}): MongoClusterArgs {
  return { engine: "atlas", ...NETWORK, atlas: { orgId: ORG }, ...extra };
}

async function build(args: MongoClusterArgs, preview = false) {
  const { result, recording } = await record(() => new MongoCluster("toucan-mongo", args), {
    preview,
    region: "eu-west-1",
    config: { "aws:region": "eu-west-1" },
  });
  return { mongo: result, recording };
}

async function refusal(args: MongoClusterArgs, region = "eu-west-1"): Promise<ToucanArgumentError> {
  const { error, recording } = await recordFailure(() => new MongoCluster("toucan-mongo", args), {
    region,
    config: { "aws:region": region },
  });
  assert.deepEqual(
    recording.resources.filter((r) => r.custom).map((r) => r.type),
    [],
    "nothing may be registered before the refusal",
  );
  assert.ok(error instanceof ToucanArgumentError, `expected a ToucanArgumentError, got ${String(error)}`);
  return error;
}

describe("MongoCluster (atlas)", () => {
  let recording: Recording;
  let mongo: MongoCluster;
  before(async () => {
    ({ recording, mongo } = await build(atlasArgs()));
  });

  it("creates a project in the given organization, protected", () => {
    const project = recording.one(PROJECT);
    assert.equal(project.inputs.orgId, ORG);
    assert.equal(project.inputs.name, "toucan-mongo");
    assert.equal(project.protect, true);
  });

  it("runs a dedicated M10 replica set of 3 electable nodes in the stack's region, backed up, termination-protected", () => {
    const cluster = recording.one(CLUSTER);
    assert.equal(cluster.inputs.clusterType, "REPLICASET");
    assert.equal(cluster.inputs.projectId, recording.one(PROJECT).outputs.id);
    assert.deepEqual(cluster.inputs.replicationSpecs, [
      {
        regionConfigs: [
          {
            providerName: "AWS",
            regionName: "EU_WEST_1",
            priority: 7,
            electableSpecs: { instanceSize: "M10", nodeCount: 3 },
          },
        ],
      },
    ]);
    assert.equal(cluster.inputs.mongoDbMajorVersion, "8.0");
    assert.equal(cluster.inputs.backupEnabled, true);
    assert.equal(cluster.inputs.pitEnabled, false);
    assert.equal(cluster.inputs.terminationProtectionEnabled, true);
    assert.equal(cluster.protect, true);
  });

  it("creates a read/write and a read-only user scoped to Toucan's database and this cluster", () => {
    const users = recording.byType(USER);
    const byName = Object.fromEntries(users.map((u) => [u.inputs.username, u.inputs]));
    assert.deepEqual(Object.keys(byName).sort(), ["toucan", "toucan-readonly"]);
    assert.deepEqual(byName["toucan"].roles, [{ roleName: "readWrite", databaseName: "api-toucan" }]);
    assert.deepEqual(byName["toucan-readonly"].roles, [{ roleName: "read", databaseName: "api-toucan" }]);
    for (const user of users) {
      assert.equal(user.inputs.authDatabaseName, "admin");
      assert.deepEqual(user.inputs.scopes, [{ name: "toucan-mongo", type: "CLUSTER" }]);
    }
    // Two generated passwords, protected like the other engines' secrets.
    const passwords = recording.byType(PASSWORD);
    assert.equal(passwords.length, 2);
    assert.ok(passwords.every((p) => p.protect));
  });

  it("creates no public IP access list entry", () => {
    assert.deepEqual(
      recording.resources.filter((r) => /projectIpAccessList|accessList/i.test(r.type)),
      [],
    );
  });

  it("connects over PrivateLink: Atlas's endpoint service, an interface endpoint in the private subnets, its registration", () => {
    const service = recording.one(SERVICE);
    assert.equal(service.inputs.providerName, "AWS");
    assert.equal(service.inputs.region, "eu-west-1", "the endpoint service takes AWS's spelling");
    const endpoint = recording.one(VPC_ENDPOINT);
    assert.equal(endpoint.inputs.vpcEndpointType, "Interface");
    assert.equal(endpoint.inputs.vpcId, NETWORK.vpcId);
    assert.deepEqual(endpoint.inputs.subnetIds, NETWORK.subnetIds);
    assert.equal(endpoint.inputs.serviceName, service.outputs.endpointServiceName);
    const group = recording.one(SECURITY_GROUP);
    assert.deepEqual(endpoint.inputs.securityGroupIds, [group.outputs.id]);
    const registration = recording.one(REGISTRATION);
    assert.equal(registration.inputs.endpointServiceId, endpoint.outputs.id);
    assert.equal(registration.inputs.privateLinkId, service.outputs.privateLinkId);
    assert.equal(registration.inputs.providerName, "AWS");
  });

  it("admits only the backend's group to the interface endpoint, on the ports PrivateLink maps nodes to", () => {
    const group = recording.one(SECURITY_GROUP);
    const rules = recording.byType(INGRESS);
    assert.equal(rules.length, 1);
    assert.equal(rules[0].inputs.securityGroupId, group.outputs.id);
    assert.equal(rules[0].inputs.referencedSecurityGroupId, "sg-backend");
    assert.deepEqual(
      [rules[0].inputs.ipProtocol, rules[0].inputs.fromPort, rules[0].inputs.toPort],
      ["tcp", 1024, 65535],
    );
    assert.equal(rules[0].inputs.cidrIpv4, undefined);
    assert.equal(group.inputs.ingress, undefined);
  });

  it("stores the private-endpoint connection strings as TOUCAN_MONGODB_HOST / _READONLY_HOST secrets", async () => {
    const versions = recording.byType(SECRET_VERSION);
    assert.equal(versions.length, 2);
    const strings = versions.map((v) => String(reveal(v.inputs.secretString)));
    const readWrite = strings.find((x) => x.startsWith("mongodb+srv://toucan:"));
    const readOnly = strings.find((x) => x.startsWith("mongodb+srv://toucan-readonly:"));
    // The seed list through the private endpoint (what Atlas reports after registration), with each user.
    assert.match(
      String(readWrite),
      /^mongodb\+srv:\/\/toucan:[A-Za-z0-9]{32}@toucan-mongo-pl-0\.a1b2c\.mongodb\.net\/api-toucan\?retryWrites=true&w=majority$/,
    );
    assert.match(
      String(readOnly),
      /^mongodb\+srv:\/\/toucan-readonly:[A-Za-z0-9]{32}@toucan-mongo-pl-0\.a1b2c\.mongodb\.net\/api-toucan\?retryWrites=true&w=majority$/,
    );
    assert.ok(
      versions.every((v) => v.inputs.secretString instanceof Secret),
      "stored as Pulumi secrets",
    );
    const descriptions = recording.byType(SECRET).map((s) => String(s.inputs.description));
    assert.ok(descriptions.some((d) => d.startsWith("TOUCAN_MONGODB_HOST")));
    assert.ok(descriptions.some((d) => d.startsWith("TOUCAN_MONGODB_READONLY_HOST")));
    assert.equal(mongo.tlsCAFile, undefined, "Atlas's certificates come from a public CA");
    assert.equal(await valueOf(mongo.securityGroupId!), recording.one(SECURITY_GROUP).outputs.id);
  });

  it("uses an existing project without creating one", async () => {
    const { recording: r } = await build(atlasArgs({ atlas: { projectId: "abcdefabcdefabcdefabcdef" } }));
    assert.deepEqual(r.byType(PROJECT), []);
    assert.equal(r.one(CLUSTER).inputs.projectId, "abcdefabcdefabcdefabcdef");
    assert.ok(r.byType(USER).every((u) => u.inputs.projectId === "abcdefabcdefabcdefabcdef"));
  });

  it("takes a larger tier and point-in-time restore, and lifts protection for throwaway stacks", async () => {
    const { recording: r } = await build(
      atlasArgs({ protect: false, atlas: { orgId: ORG, instanceSize: "M30", pointInTimeRestore: true } }),
    );
    const cluster = r.one(CLUSTER);
    assert.equal(
      (
        cluster.inputs.replicationSpecs as { regionConfigs: { electableSpecs: { instanceSize: string } }[] }[]
      )[0].regionConfigs[0].electableSpecs.instanceSize,
      "M30",
    );
    assert.equal(cluster.inputs.pitEnabled, true);
    assert.equal(cluster.inputs.terminationProtectionEnabled, false);
    assert.equal(cluster.protect, false);
  });

  it("plans in preview, where Atlas's outputs are unknown, with the same resources", async () => {
    const { recording: r } = await build(atlasArgs(), true);
    assert.deepEqual(r.resources.map((x) => x.type).sort(), recording.resources.map((x) => x.type).sort());
  });
});

describe("MongoCluster (atlas): bad input is refused before anything registers", () => {
  const cases: [string, MongoClusterArgs, string, RegExp][] = [
    [
      "a shared tier",
      atlasArgs({ atlas: { orgId: ORG, instanceSize: "M0" } }),
      "atlas.instanceSize",
      /shared tier/,
    ],
    ["M2", atlasArgs({ atlas: { orgId: ORG, instanceSize: "M2" } }), "atlas.instanceSize", /shared tier/],
    ["M5", atlasArgs({ atlas: { orgId: ORG, instanceSize: "M5" } }), "atlas.instanceSize", /shared tier/],
    [
      "a size below M10",
      atlasArgs({ atlas: { orgId: ORG, instanceSize: "M8" } }),
      "atlas.instanceSize",
      /M10 or larger/,
    ],
    [
      "a made-up size",
      atlasArgs({ atlas: { orgId: ORG, instanceSize: "large" } }),
      "atlas.instanceSize",
      /M10 or larger/,
    ],
    ["neither project nor org", atlasArgs({ atlas: {} }), "atlas.orgId", /required/],
    [
      "both project and org",
      atlasArgs({ atlas: { orgId: ORG, projectId: "abcdefabcdefabcdefabcdef" } }),
      "atlas.projectId",
      /both given/,
    ],
    [
      "an org id that is a name",
      atlasArgs({ atlas: { orgId: "my-company" } }),
      "atlas.orgId",
      /24 hexadecimal/,
    ],
    [
      "a bad cluster name",
      atlasArgs({ atlas: { orgId: ORG, clusterName: "-bad_name" } }),
      "atlas.clusterName",
      /not a valid/,
    ],
    [
      "an old major version",
      atlasArgs({ atlas: { orgId: ORG, mongoDbMajorVersion: "5.0" } }),
      "atlas.mongoDbMajorVersion",
      /not a MongoDB major/,
    ],
    [
      "a region Atlas lacks",
      atlasArgs({ atlas: { orgId: ORG, region: "cn-north-1" } }),
      "atlas.region",
      /not an AWS region where Atlas/,
    ],
    [
      "a kms key (Atlas encrypts with its own)",
      atlasArgs({ kmsKeyId: "arn:aws:kms:eu-west-1:1:key/x" }),
      "kmsKeyId",
      /has no effect/,
    ],
    ["no VPC", { engine: "atlas", atlas: { orgId: ORG } }, "vpcId", /required/],
  ];
  for (const [label, args, argument, problem] of cases) {
    it(`refuses ${label}, naming \`${argument}\``, async () => {
      const error = await refusal(args);
      assert.ok(error.message.includes(`\`${argument}\``), error.message);
      assert.match(error.message, problem);
      assert.match(error.message, /Fix: /);
    });
  }

  it("accepts Atlas's own name of a region this library does not list", async () => {
    const { recording } = await build(
      atlasArgs({ atlas: { orgId: ORG, region: "mx-central-1", regionName: "MX_CENTRAL_1" } }),
    );
    assert.equal(recording.one(SERVICE).inputs.region, "mx-central-1");
    const cluster = recording.one(CLUSTER);
    assert.match(JSON.stringify(cluster.inputs.replicationSpecs), /"regionName":"MX_CENTRAL_1"/);
  });
});

describe("Atlas helpers", () => {
  it("knows the dedicated tiers from the shared ones", () => {
    for (const size of ["M10", "M20", "M30", "M40_NVME", "R40", "M700"])
      assert.ok(isDedicatedAtlasSize(size), size);
    for (const size of ["M0", "M2", "M5", "FLEX", "M8", "m10", "R5", ""])
      assert.ok(!isDedicatedAtlasSize(size), size);
  });

  it("writes credentials and the database into the seed list Atlas reports", () => {
    assert.equal(
      srvConnectionString("mongodb+srv://c0-pl-0.ab12c.mongodb.net", {
        user: "toucan",
        password: "p@ss/w",
        database: "api-toucan",
      }),
      "mongodb+srv://toucan:p%40ss%2Fw@c0-pl-0.ab12c.mongodb.net/api-toucan?retryWrites=true&w=majority",
    );
    // Options Atlas already put in the string are kept, not repeated.
    assert.equal(
      srvConnectionString("mongodb+srv://c0.ab12c.mongodb.net/?w=1", {
        user: "u",
        password: "p",
        database: "d",
      }),
      "mongodb+srv://u:p@c0.ab12c.mongodb.net/d?w=1&retryWrites=true",
    );
    assert.throws(() =>
      srvConnectionString("mongodb://h:27017", { user: "u", password: "p", database: "d" }),
    );
  });

  it("picks the private-endpoint string of our interface endpoint", () => {
    const ours = { srvConnectionString: "mongodb+srv://ours", endpoints: [{ endpointId: "vpce-ours" }] };
    const theirs = {
      srvConnectionString: "mongodb+srv://theirs",
      endpoints: [{ endpointId: "vpce-theirs" }],
    };
    assert.equal(privateEndpointSrv([theirs, ours], "vpce-ours"), "mongodb+srv://ours");
    assert.equal(
      privateEndpointSrv([theirs], "vpce-ours"),
      "mongodb+srv://theirs",
      "a single endpoint is ours",
    );
    assert.throws(() => privateEndpointSrv([], "vpce-ours"), /no private-endpoint connection string/);
    assert.throws(() => privateEndpointSrv([theirs, { ...theirs }], "vpce-ours"), /no private-endpoint/);
  });
});
