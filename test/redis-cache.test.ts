import { strict as assert } from "assert";
import {
  DEFAULT_ENGINE_VERSIONS,
  RedisCache,
  RedisCacheArgs,
  authTokenProblem,
  redisUrl,
  replicationGroupIdProblem,
} from "../components/aws/redis-cache";
import { ToucanArgumentError } from "../components/core/errors";
import { Recording, isSecretOutput, record, recordFailure, valueOf } from "../components/planner/recorder";
import { Secret, redact, reveal } from "../components/planner/values";
import { assertAdmitsOnly } from "./support/security-groups";

const COMPONENT = "toucan:aws:RedisCache";
const GROUP = "aws:elasticache/replicationGroup:ReplicationGroup";
const SUBNET_GROUP = "aws:elasticache/subnetGroup:SubnetGroup";
const SECURITY_GROUP = "aws:ec2/securityGroup:SecurityGroup";
const INGRESS = "aws:vpc/securityGroupIngressRule:SecurityGroupIngressRule";
const SECRET = "aws:secretsmanager/secret:Secret";
const SECRET_VERSION = "aws:secretsmanager/secretVersion:SecretVersion";
const PASSWORD = "random:index/randomPassword:RandomPassword";

const NETWORK: RedisCacheArgs = {
  vpcId: "vpc-0abc",
  subnetIds: ["subnet-a", "subnet-b", "subnet-c"],
  clientSecurityGroupIds: ["sg-backend", "sg-worker"],
};
const OWN_TOKEN = "Own-Token-0123456789abcdef";

async function build(args: RedisCacheArgs, preview = false) {
  const { result, recording } = await record(() => new RedisCache("cache", args), {
    preview,
    region: "eu-west-1",
  });
  return { redis: result, recording };
}

let defaults: ReturnType<typeof build> | undefined;
/** The default cache, built once for the tests that only read it. */
function buildDefaults(): ReturnType<typeof build> {
  defaults ??= build(NETWORK);
  return defaults;
}

function groupInputs(recording: Recording) {
  return recording.one(GROUP).inputs;
}

/** The value stored in the secret with this ARN (its one version's secretString). */
function secretValue(recording: Recording, arn: string): unknown {
  const secret = recording.byType(SECRET).find((s) => s.outputs.arn === arn);
  assert.ok(secret, `no secret with ARN ${arn}`);
  const versions = recording.byType(SECRET_VERSION).filter((v) => v.inputs.secretId === secret.outputs.id);
  assert.equal(versions.length, 1);
  return versions[0].inputs.secretString;
}

describe("RedisCache by default", () => {
  it("is a replication group of a primary and one replica with automatic failover across AZs", async () => {
    const { recording } = await buildDefaults();
    const inputs = groupInputs(recording);
    assert.equal(inputs.numCacheClusters, 2);
    assert.equal(inputs.automaticFailoverEnabled, true);
    assert.equal(inputs.multiAzEnabled, true);
  });

  it("runs Valkey at the default version on cache.t4g.small, port 6379", async () => {
    const { recording } = await buildDefaults();
    const inputs = groupInputs(recording);
    assert.equal(inputs.engine, "valkey");
    assert.equal(inputs.engineVersion, DEFAULT_ENGINE_VERSIONS.valkey);
    assert.equal(inputs.nodeType, "cache.t4g.small");
    assert.equal(inputs.port, 6379);
  });

  it("encrypts at rest and in transit, with an AUTH token", async () => {
    const { recording } = await buildDefaults();
    const inputs = groupInputs(recording);
    assert.equal(inputs.atRestEncryptionEnabled, true);
    assert.equal(inputs.transitEncryptionEnabled, true);
    assert.ok(inputs.authToken instanceof Secret, "the AUTH token reaches AWS as a secret");
  });

  it("generates a token ElastiCache accepts and keeps it as a secret in Secrets Manager", async () => {
    const { redis, recording } = await buildDefaults();
    const generated = reveal(recording.one(PASSWORD).outputs.result) as string;
    assert.equal(authTokenProblem(generated), undefined);
    assert.equal(reveal(groupInputs(recording).authToken), generated);
    assert.ok(await isSecretOutput(redis.authToken!));
    assert.equal(await valueOf(redis.authToken!), generated);
    const stored = secretValue(recording, (await valueOf(redis.authTokenSecretArn!)) as string);
    assert.ok(stored instanceof Secret);
    assert.equal(reveal(stored), generated);
  });

  it("never puts the AUTH token in clear in any resource's inputs or the component's outputs", async () => {
    const { recording } = await buildDefaults();
    const token = reveal(recording.one(PASSWORD).outputs.result) as string;
    assert.ok(token.length >= 16);
    // The check below can find the token: it is in the replication group's inputs, wrapped as a secret.
    assert.ok(JSON.stringify(reveal(groupInputs(recording))).includes(token));
    for (const resource of recording.resources) {
      assert.ok(
        !JSON.stringify(redact(resource.inputs)).includes(token),
        `${resource.type} ${resource.name} has the token in clear in its inputs`,
      );
    }
    const component = recording.one(COMPONENT);
    assert.ok(
      !JSON.stringify(redact(component.outputs)).includes(token),
      "the component's outputs show the token",
    );
  });

  it("exposes a rediss:// URL with the token, as a secret, stored in Secrets Manager", async () => {
    const { redis, recording } = await buildDefaults();
    const token = reveal(recording.one(PASSWORD).outputs.result) as string;
    const group = recording.one(GROUP).outputs;
    const url = (await valueOf(redis.url)) as string;
    assert.equal(url, `rediss://:${token}@${group.primaryEndpointAddress}:6379/0`);
    assert.ok(await isSecretOutput(redis.url));
    const stored = secretValue(recording, (await valueOf(redis.urlSecretArn)) as string);
    assert.ok(stored instanceof Secret);
    assert.equal(reveal(stored), url);
    assert.equal(redis.tls, true);
  });

  it("exposes the primary and reader endpoints and the port", async () => {
    const { redis, recording } = await buildDefaults();
    const group = recording.one(GROUP).outputs;
    assert.equal(await valueOf(redis.primaryEndpoint), group.primaryEndpointAddress);
    assert.equal(await valueOf(redis.readerEndpoint), group.readerEndpointAddress);
    assert.notEqual(group.primaryEndpointAddress, group.readerEndpointAddress);
    assert.equal(await valueOf(redis.port), 6379);
  });

  it("admits exactly port 6379 from exactly the client groups, one rule each, and opens no egress", async () => {
    const { redis, recording } = await buildDefaults();
    const group = recording.one(SECURITY_GROUP);
    assert.equal(await valueOf(redis.securityGroupId!), group.outputs.id);
    assert.deepEqual(groupInputs(recording).securityGroupIds, [group.outputs.id]);
    assertAdmitsOnly(recording, group, 6379, ["sg-backend", "sg-worker"]);
  });

  it("puts the cache in a subnet group of the given private subnets", async () => {
    const { recording } = await buildDefaults();
    const subnetGroup = recording.one(SUBNET_GROUP);
    assert.deepEqual(subnetGroup.inputs.subnetIds, NETWORK.subnetIds);
    assert.equal(groupInputs(recording).subnetGroupName, subnetGroup.outputs.name);
  });

  it("keeps snapshots 7 days, takes a final snapshot and waits for the maintenance window", async () => {
    const { recording } = await buildDefaults();
    const inputs = groupInputs(recording);
    assert.equal(inputs.snapshotRetentionLimit, 7);
    assert.match(inputs.finalSnapshotIdentifier as string, /^cache-rg-final-[0-9a-f]{7}$/);
    assert.equal(inputs.applyImmediately, false);
    assert.match(inputs.snapshotWindow as string, /^\d\d:\d\d-\d\d:\d\d$/);
    assert.match(inputs.maintenanceWindow as string, /^[a-z]{3}:\d\d:\d\d-[a-z]{3}:\d\d:\d\d$/);
  });

  it("protects the replication group, the generated token and the secrets", async () => {
    const { recording } = await buildDefaults();
    assert.equal(recording.one(GROUP).protect, true);
    assert.equal(recording.one(PASSWORD).protect, true);
    const secrets = recording.byType(SECRET);
    assert.equal(secrets.length, 2);
    for (const secret of secrets) assert.equal(secret.protect, true, secret.name);
  });

  it("leaves the replication group id to autonaming, within ElastiCache's 40 characters", async () => {
    const { recording } = await buildDefaults();
    const group = recording.one(GROUP);
    assert.equal(group.inputs.replicationGroupId, undefined);
    assert.equal(group.name, "cache-rg");
    // What Pulumi would generate: the logical name, "-" and 7 characters, lower-cased.
    assert.equal(replicationGroupIdProblem(`${group.name}-abcdef1`), undefined);
  });

  it("parents every child to the component with names starting with the component's", async () => {
    const { recording } = await buildDefaults();
    const component = recording.one(COMPONENT);
    const built = recording.built.filter((r) => r !== component);
    assert.deepEqual(recording.children(component).length, built.length);
    for (const r of built) assert.ok(r.name.startsWith("cache-"), r.name);
  });
});

describe("RedisCache options", () => {
  it("without transit encryption: no token, a plain redis:// URL, still stored for ECS", async () => {
    const { redis, recording } = await build({ ...NETWORK, transitEncryption: false });
    const inputs = groupInputs(recording);
    assert.equal(inputs.transitEncryptionEnabled, false);
    assert.equal(inputs.authToken, undefined);
    assert.equal(inputs.atRestEncryptionEnabled, true);
    assert.deepEqual(recording.byType(PASSWORD), []);
    assert.equal(redis.authToken, undefined);
    assert.equal(redis.authTokenSecretArn, undefined);
    assert.equal(redis.tls, false);
    const host = recording.one(GROUP).outputs.primaryEndpointAddress;
    assert.equal(await valueOf(redis.url), `redis://${host}:6379/0`);
    assert.equal(
      reveal(secretValue(recording, (await valueOf(redis.urlSecretArn)) as string)),
      `redis://${host}:6379/0`,
    );
  });

  it("uses the token given instead of generating one", async () => {
    const { redis, recording } = await build({ ...NETWORK, authToken: OWN_TOKEN });
    assert.deepEqual(recording.byType(PASSWORD), []);
    assert.ok(groupInputs(recording).authToken instanceof Secret);
    assert.equal(reveal(groupInputs(recording).authToken), OWN_TOKEN);
    assert.ok(await isSecretOutput(redis.authToken!));
    for (const resource of recording.resources) {
      assert.ok(!JSON.stringify(redact(resource.inputs)).includes(OWN_TOKEN), resource.name);
    }
  });

  it("percent-encodes a token's special characters in the URL", () => {
    const url = redisUrl({ host: "h.example", port: 6379, tls: true, authToken: "a#b&c$d^e<f>g-h!i0123" });
    assert.equal(url, "rediss://:a%23b%26c%24d%5Ee%3Cf%3Eg-h!i0123@h.example:6379/0");
    assert.equal(decodeURIComponent(new URL(url).password), "a#b&c$d^e<f>g-h!i0123");
  });

  it("builds Redis OSS at its default version when asked", async () => {
    const { recording } = await build({ ...NETWORK, engine: "redis" });
    assert.equal(groupInputs(recording).engine, "redis");
    assert.equal(groupInputs(recording).engineVersion, DEFAULT_ENGINE_VERSIONS.redis);
  });

  it("sizes the group as 1 + numReplicas and a single node without failover when asked", async () => {
    const three = await build({ ...NETWORK, numReplicas: 3 });
    assert.equal(groupInputs(three.recording).numCacheClusters, 4);
    const single = await build({ ...NETWORK, numReplicas: 0, automaticFailover: false });
    assert.equal(groupInputs(single.recording).numCacheClusters, 1);
    assert.equal(groupInputs(single.recording).automaticFailoverEnabled, false);
    assert.equal(groupInputs(single.recording).multiAzEnabled, false);
  });

  it("admits no one without client groups", async () => {
    const { recording } = await build({ ...NETWORK, clientSecurityGroupIds: undefined });
    assert.deepEqual(recording.byType(INGRESS), []);
  });

  it("can be unprotected for throwaway stacks", async () => {
    const { recording } = await build({ ...NETWORK, protect: false });
    assert.equal(recording.one(GROUP).protect, false);
    assert.ok(recording.byType(SECRET).every((s) => !s.protect));
  });

  it("uses an explicit replication group id and names the final snapshot after it", async () => {
    const { recording } = await build({ ...NETWORK, replicationGroupId: "toucan-prod-cache" });
    assert.equal(groupInputs(recording).replicationGroupId, "toucan-prod-cache");
    assert.match(groupInputs(recording).finalSnapshotIdentifier as string, /^toucan-prod-cache-final-/);
  });

  it("applies a transform to the replication group", async () => {
    const { recording } = await build({
      ...NETWORK,
      transform: { replicationGroup: { nodeType: "cache.r7g.large" } },
    });
    assert.equal(groupInputs(recording).nodeType, "cache.r7g.large");
  });
});

describe("RedisCache with an existing server", () => {
  const existing = {
    primaryEndpoint: "master.shared.abc123.euw1.cache.amazonaws.com",
    readerEndpoint: "replica.shared.abc123.euw1.cache.amazonaws.com",
    tls: true,
    authToken: OWN_TOKEN,
  };

  it("builds no cache, only the secrets, and exposes the endpoint", async () => {
    const { redis, recording } = await build({ existing });
    const types = recording.built.filter((r) => r.custom).map((r) => r.type);
    assert.deepEqual([...new Set(types)].sort(), [SECRET, SECRET_VERSION].sort());
    assert.equal(await valueOf(redis.primaryEndpoint), existing.primaryEndpoint);
    assert.equal(await valueOf(redis.readerEndpoint), existing.readerEndpoint);
    assert.equal(await valueOf(redis.port), 6379);
    assert.equal(redis.securityGroupId, undefined);
    assert.equal(
      reveal(secretValue(recording, (await valueOf(redis.urlSecretArn)) as string)),
      `rediss://:${OWN_TOKEN}@${existing.primaryEndpoint}:6379/0`,
    );
    assert.equal(
      reveal(secretValue(recording, (await valueOf(redis.authTokenSecretArn!)) as string)),
      OWN_TOKEN,
    );
    for (const resource of recording.resources) {
      assert.ok(!JSON.stringify(redact(resource.inputs)).includes(OWN_TOKEN), resource.name);
    }
  });

  it("ignores the network arguments the Toucan composite always passes", async () => {
    const { recording } = await build({
      ...NETWORK,
      existing: { primaryEndpoint: "redis.corp", tls: false },
    });
    assert.deepEqual(recording.byType(SECURITY_GROUP), []);
    assert.deepEqual(recording.byType(INGRESS), []);
  });

  it("exposes a plain redis:// URL for a server without TLS or password", async () => {
    const { redis } = await build({ existing: { primaryEndpoint: "redis.corp", port: 6380, tls: false } });
    assert.equal(await valueOf(redis.url), "redis://redis.corp:6380/0");
    assert.equal(await valueOf(redis.readerEndpoint), "redis.corp");
    assert.equal(redis.authTokenSecretArn, undefined);
  });
});

describe("RedisCache in preview", () => {
  const variants: [string, RedisCacheArgs][] = [
    ["default", NETWORK],
    ["no TLS", { ...NETWORK, transitEncryption: false }],
    ["existing", { existing: { primaryEndpoint: "redis.corp", tls: true, authToken: OWN_TOKEN } }],
  ];
  for (const [title, args] of variants) {
    it(`registers the same resources as an update (${title})`, async () => {
      const update = title === "default" ? await buildDefaults() : await build(args);
      const preview = await build(args, true);
      assert.deepEqual(
        preview.recording.resources.map((r) => r.urn),
        update.recording.resources.map((r) => r.urn),
      );
    });
  }
});

describe("RedisCache rejects bad input before registering anything", () => {
  const cases: { title: string; args: RedisCacheArgs; name?: string; argument: string; message: RegExp }[] = [
    {
      title: "automatic failover with no replica",
      args: { ...NETWORK, numReplicas: 0 },
      argument: "numReplicas",
      message: /no replica to promote/,
    },
    {
      title: "an AUTH token without transit encryption",
      args: { ...NETWORK, transitEncryption: false, authToken: OWN_TOKEN },
      argument: "authToken",
      message: /needs TLS/,
    },
    {
      title: "a single subnet",
      args: { ...NETWORK, subnetIds: ["subnet-a"] },
      argument: "subnetIds",
      message: /fewer than 2 subnets/,
    },
    {
      title: "no subnets",
      args: { vpcId: "vpc-0abc" },
      argument: "subnetIds",
      message: /fewer than 2 subnets/,
    },
    {
      title: "no VPC",
      args: { subnetIds: ["subnet-a", "subnet-b"] },
      argument: "vpcId",
      message: /required/,
    },
    {
      title: "more than 5 replicas",
      args: { ...NETWORK, numReplicas: 6 },
      argument: "numReplicas",
      message: /0 to 5/,
    },
    {
      title: "a fractional replica count",
      args: { ...NETWORK, numReplicas: 1.5 },
      argument: "numReplicas",
      message: /whole number/,
    },
    {
      title: "a token that is too short",
      args: { ...NETWORK, authToken: "short-Token-1" },
      argument: "authToken",
      message: /16 to 128/,
    },
    {
      title: "a token with a character ElastiCache refuses",
      args: { ...NETWORK, authToken: "has@an-at-sign-0123456789" },
      argument: "authToken",
      message: /character ElastiCache refuses/,
    },
    {
      title: "an unknown engine",
      args: { ...NETWORK, engine: "memcached" as "redis" },
      argument: "engine",
      message: /not an ElastiCache engine/,
    },
    {
      title: "a Valkey version older than Valkey",
      args: { ...NETWORK, engineVersion: "6.2" },
      argument: "engineVersion",
      message: /older than Valkey/,
    },
    {
      title: "a version that is not major.minor",
      args: { ...NETWORK, engineVersion: "8" },
      argument: "engineVersion",
      message: /major\.minor/,
    },
    {
      title: "a node type that is not a cache node type",
      args: { ...NETWORK, nodeType: "t4g.small" },
      argument: "nodeType",
      message: /not an ElastiCache node type/,
    },
    {
      title: "snapshots kept longer than 35 days",
      args: { ...NETWORK, snapshotRetentionLimit: 36 },
      argument: "snapshotRetentionLimit",
      message: /0 to 35/,
    },
    {
      title: "a malformed maintenance window",
      args: { ...NETWORK, maintenanceWindow: "sunday 4am" },
      argument: "maintenanceWindow",
      message: /weekly UTC time range/,
    },
    {
      title: "a component name too long for the autonamed replication group id",
      name: "toucan-production-redis-cache-eu",
      args: NETWORK,
      argument: "name",
      message: /too long.*40/,
    },
    {
      title: "a component name ElastiCache cannot use",
      name: "toucan_redis",
      args: NETWORK,
      argument: "name",
      message: /not usable in ElastiCache names/,
    },
    {
      title: "an explicit replication group id with two hyphens",
      args: { ...NETWORK, replicationGroupId: "toucan--cache" },
      argument: "replicationGroupId",
      message: /two consecutive hyphens/,
    },
    {
      title: "existing with cache settings",
      args: { existing: { primaryEndpoint: "redis.corp", tls: true }, nodeType: "cache.m7g.large" },
      argument: "nodeType",
      message: /no effect with `existing`/,
    },
    {
      title: "existing with a URL instead of a host name",
      args: { existing: { primaryEndpoint: "rediss://redis.corp:6379", tls: true } },
      argument: "existing.primaryEndpoint",
      message: /bare host name/,
    },
  ];
  for (const c of cases) {
    it(c.title, async () => {
      const { error, recording } = await recordFailure(() => new RedisCache(c.name ?? "cache", c.args));
      assert.ok(error instanceof ToucanArgumentError, String(error));
      assert.match(error.message, new RegExp(`\`${c.argument.replace(/\./g, "\\.")}\``));
      assert.match(error.message, c.message);
      assert.match(error.message, /Fix: /);
      assert.deepEqual(recording.built, [], "resources were registered before the error");
    });
  }

  it("never repeats a bad token, which is a credential", async () => {
    const { error } = await recordFailure(
      () => new RedisCache("cache", { ...NETWORK, authToken: "hunter2/hunter2/hunter2" }),
    );
    assert.match(error.message, /`authToken`/);
    assert.ok(!error.message.includes("hunter2"));
  });

  it("reports every problem at once", async () => {
    const { error } = await recordFailure(
      () => new RedisCache("cache", { subnetIds: ["subnet-a"], numReplicas: 9, snapshotRetentionLimit: -1 }),
    );
    for (const argument of ["subnetIds", "numReplicas", "snapshotRetentionLimit", "vpcId"]) {
      assert.match(error.message, new RegExp(`\`${argument}\``));
    }
  });
});

describe("RedisCache applyImmediately", () => {
  it("holds changes for the maintenance window by default, applies them at once when asked", async () => {
    const held = await build(NETWORK);
    assert.equal(groupInputs(held.recording).applyImmediately, false);
    const now = await build({ ...NETWORK, applyImmediately: true });
    assert.equal(groupInputs(now.recording).applyImmediately, true);
  });
});
