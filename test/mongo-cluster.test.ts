import { strict as assert } from "assert";
import { execFileSync } from "child_process";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import * as pulumi from "@pulumi/pulumi";
import {
  DEFAULT_TLS_CA_FILE,
  MongoCluster,
  MongoClusterArgs,
  amazonLinuxAmiParameter,
  checkMemberAzs,
  instanceArchitecture,
} from "../components/aws/mongo-cluster";
import { mongoUri, mongoUriHosts } from "../components/core/mongo-uri";
import { caBundleSource } from "../components/core/ca-bundle";
import { USER_DATA_LIMIT_BYTES, renderMongoUserData } from "../components/aws/mongo-user-data";
import { ToucanArgumentError } from "../components/core/errors";
import {
  RecordedResource,
  Recording,
  isSecretOutput,
  record,
  recordFailure,
  valueOf,
} from "../components/planner/recorder";
import { Secret, redact, reveal } from "../components/planner/values";

const COMPONENT = "toucan:aws:MongoCluster";
const INSTANCE = "aws:ec2/instance:Instance";
const VOLUME = "aws:ebs/volume:Volume";
const ATTACHMENT = "aws:ec2/volumeAttachment:VolumeAttachment";
const SECRET = "aws:secretsmanager/secret:Secret";
const SECRET_VERSION = "aws:secretsmanager/secretVersion:SecretVersion";
const PASSWORD = "random:index/randomPassword:RandomPassword";
const PRIVATE_KEY = "tls:index/privateKey:PrivateKey";
const INGRESS = "aws:vpc/securityGroupIngressRule:SecurityGroupIngressRule";
const EGRESS = "aws:vpc/securityGroupEgressRule:SecurityGroupEgressRule";
const SECURITY_GROUP = "aws:ec2/securityGroup:SecurityGroup";
const CLUSTER = "aws:docdb/cluster:Cluster";
const CLUSTER_INSTANCE = "aws:docdb/clusterInstance:ClusterInstance";

const AZS = ["eu-west-1a", "eu-west-1b", "eu-west-1c"];
const NETWORK = {
  vpcId: "vpc-0abc",
  subnetIds: ["subnet-a", "subnet-b", "subnet-c"],
  availabilityZones: AZS,
  clientSecurityGroupIds: ["sg-backend", "sg-worker"],
};
const HOSTS = [
  "mongo-1.mongo.toucan.internal",
  "mongo-2.mongo.toucan.internal",
  "mongo-3.mongo.toucan.internal",
];

let defaultCommunity: ReturnType<typeof build> | undefined;
/** The default community cluster, built once for the tests that only read it. */
function buildDefaultCommunity(): ReturnType<typeof build> {
  defaultCommunity ??= build(NETWORK);
  return defaultCommunity;
}

async function build(args: MongoClusterArgs, preview = false) {
  const { result, recording } = await record(() => new MongoCluster("db", args), {
    preview,
    region: "eu-west-1",
  });
  return { mongo: result, recording };
}

/** Parses a mongodb:// string with `new URL()`: the scheme and the host list are swapped for ones URL accepts. */
function parseMongoUri(uri: string) {
  const match = /^mongodb:\/\/([^@/]*)@([^/?]*)(\/[^?]*)?(\?.*)?$/.exec(uri);
  assert.ok(match, `not a mongodb:// string with credentials: ${uri.replace(/:[^@]*@/, ":***@")}`);
  const url = new URL(`http://${match[1]}@hosts${match[3] ?? "/"}${match[4] ?? ""}`);
  return {
    user: decodeURIComponent(url.username),
    password: decodeURIComponent(url.password),
    hosts: match[2].split(","),
    database: decodeURIComponent(url.pathname.slice(1)),
    options: Object.fromEntries(url.searchParams.entries()),
  };
}

function secretHolding(recording: Recording, arn: string): { secret: RecordedResource; value: unknown } {
  const secret = recording.byType(SECRET).find((s) => s.outputs.arn === arn);
  assert.ok(secret, `no secret with ARN ${arn}`);
  const versions = recording.byType(SECRET_VERSION).filter((v) => v.inputs.secretId === secret.outputs.id);
  assert.equal(versions.length, 1, `secret ${secret.name} has ${versions.length} versions`);
  return { secret, value: versions[0].inputs.secretString };
}

function passwordOf(recording: Recording, name: string): string {
  return reveal(recording.one(PASSWORD, name).outputs.result) as string;
}

function policyOf(recording: Recording, member: number) {
  const policy = recording.one("aws:iam/rolePolicy:RolePolicy", `db-member-${member}-secrets`);
  return JSON.parse(policy.inputs.policy as string) as {
    Statement: { Effect: string; Action: string; Resource: string[] }[];
  };
}

function shellcheck(scripts: string[]): void {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "mongo-user-data-"));
  const files = scripts.map((script, i) => {
    const file = path.join(dir, `member-${i + 1}.sh`);
    fs.writeFileSync(file, script);
    return file;
  });
  try {
    execFileSync("shellcheck", ["-s", "bash", ...files], { encoding: "utf8", stdio: "pipe" });
  } catch (error) {
    const e = error as NodeJS.ErrnoException & { stdout?: string };
    if (e.code === "ENOENT") {
      throw new Error("shellcheck is not installed: run `apt-get update && apt-get install -y shellcheck`");
    }
    throw new Error(`shellcheck found problems in the user data:\n${e.stdout}`);
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
}

describe("mongoUri", () => {
  it("writes the vendor's form", () => {
    assert.equal(
      mongoUri({
        user: "rw",
        password: "pw",
        hosts: ["h1:27017", "h2", "h3:27018"],
        database: "api-toucan",
        retryWrites: true,
        authSource: "admin",
        replicaSet: "rs0",
        tls: true,
        tlsCAFile: "/etc/ssl/toucan/mongo-ca.pem",
      }),
      "mongodb://rw:pw@h1:27017,h2:27017,h3:27018/api-toucan?retryWrites=true&authSource=admin&replicaSet=rs0&tls=true&tlsCAFile=/etc/ssl/toucan/mongo-ca.pem",
    );
  });

  it("percent-encodes the user and the password", () => {
    const uri = mongoUri({ user: "a@b:c", password: "p@ss:w/rd%?#", hosts: ["h"], database: "api-toucan" });
    assert.equal(uri.split("@").length, 2, "an unencoded @ would end the credentials early");
    const parsed = parseMongoUri(uri);
    assert.equal(parsed.user, "a@b:c");
    assert.equal(parsed.password, "p@ss:w/rd%?#");
    assert.deepEqual(parsed.hosts, ["h:27017"]);
  });

  it("reads the host names of a connection string", () => {
    assert.deepEqual(mongoUriHosts("mongodb://u:p@h1:27017,h2:27018/db?tls=true"), ["h1", "h2"]);
    assert.deepEqual(mongoUriHosts("mongodb+srv://u:p@cluster0.ab1cd.mongodb.net/api-toucan"), [
      "cluster0.ab1cd.mongodb.net",
    ]);
    assert.deepEqual(mongoUriHosts("postgres://h/db"), []);
  });
});

describe("member instance architecture", () => {
  const cases: [string, string][] = [
    ["t4g.medium", "arm64"],
    ["m7g.large", "arm64"],
    ["m6gd.xlarge", "arm64"],
    ["c7gn.large", "arm64"],
    ["r8g.large", "arm64"],
    ["m7i.large", "x86_64"],
    ["t3.medium", "x86_64"],
    ["g5.xlarge", "x86_64"],
  ];
  for (const [type, arch] of cases) {
    it(`${type} runs the ${arch} Amazon Linux 2023 image`, () => {
      assert.equal(instanceArchitecture(type), arch);
      assert.equal(
        amazonLinuxAmiParameter(instanceArchitecture(type)),
        `/aws/service/ami-amazon-linux-latest/al2023-ami-kernel-default-${arch}`,
      );
    });
  }
});

describe("MongoCluster (community)", () => {
  let recording: Recording;
  let mongo: MongoCluster;
  let readWrite: string;
  let readOnly: string;
  let instances: RecordedResource[];

  before(async () => {
    ({ mongo, recording } = await buildDefaultCommunity());
    readWrite = (await valueOf(mongo.mongodbHost)) as string;
    readOnly = (await valueOf(mongo.mongodbReadonlyHost)) as string;
    instances = [1, 2, 3].map((i) => recording.one(INSTANCE, `db-member-${i}`));
  });

  it("runs 3 members, one in each subnet and its distinct AZ", () => {
    assert.equal(recording.byType(INSTANCE).length, 3);
    assert.deepEqual(
      instances.map((i) => i.inputs.availabilityZone),
      AZS,
    );
    assert.deepEqual(
      instances.map((i) => i.inputs.subnetId),
      NETWORK.subnetIds,
    );
  });

  it("keeps each member's data on its own encrypted gp3 volume in its AZ, protected and kept on delete", () => {
    const volumes = recording.byType(VOLUME);
    assert.equal(volumes.length, 3);
    instances.forEach((instance, i) => {
      const volume = recording.one(VOLUME, `db-member-${i + 1}-data`);
      assert.equal(volume.inputs.availabilityZone, instance.inputs.availabilityZone);
      assert.equal(volume.inputs.type, "gp3");
      assert.equal(volume.inputs.encrypted, true);
      assert.equal(volume.inputs.size, 50);
      assert.equal(volume.protect, true);
      assert.equal(volume.retainOnDelete, true);
    });
  });

  it("attaches each volume to its own member, detaching it first when the instance is replaced", () => {
    const attachments = recording.byType(ATTACHMENT);
    assert.equal(attachments.length, 3);
    instances.forEach((instance, i) => {
      const volume = recording.one(VOLUME, `db-member-${i + 1}-data`);
      const attachment = recording.one(ATTACHMENT, `db-member-${i + 1}-data-attachment`);
      assert.equal(attachment.inputs.volumeId, volume.outputs.id);
      assert.equal(attachment.inputs.instanceId, instance.outputs.id);
      assert.equal(attachment.inputs.stopInstanceBeforeDetaching, true);
      assert.equal(attachment.deleteBeforeReplace, true);
    });
  });

  it("requires IMDSv2, gives no public IP and no SSH key, and encrypts the root volume", () => {
    for (const instance of instances) {
      const metadata = instance.inputs.metadataOptions as Record<string, unknown>;
      assert.equal(metadata.httpTokens, "required");
      assert.equal(instance.inputs.associatePublicIpAddress, false);
      assert.equal(instance.inputs.keyName, undefined);
      assert.equal((instance.inputs.rootBlockDevice as Record<string, unknown>).encrypted, true);
      assert.deepEqual(instance.inputs.vpcSecurityGroupIds, [recording.one(SECURITY_GROUP).outputs.id]);
    }
  });

  it("lets each member be managed through SSM and read exactly its own secrets", () => {
    const arn = (name: string) => recording.one(SECRET, name).outputs.arn;
    // Every member reads the administrator's password: its rollout gate steps a primary down.
    const shared = [arn("db-keyfile"), arn("db-ca"), arn("db-admin-password")];
    const users = [arn("db-readwrite-password"), arn("db-readonly-password")];
    instances.forEach((instance, i) => {
      const member = i + 1;
      const profile = recording.one("aws:iam/instanceProfile:InstanceProfile", `db-member-${member}-profile`);
      const role = recording.one("aws:iam/role:Role", `db-member-${member}-role`);
      assert.equal(instance.inputs.iamInstanceProfile, profile.outputs.name);
      assert.equal(profile.inputs.role, role.outputs.name);
      const ssm = recording.one(
        "aws:iam/rolePolicyAttachment:RolePolicyAttachment",
        `db-member-${member}-ssm`,
      );
      assert.equal(ssm.inputs.role, role.outputs.name);
      assert.equal(ssm.inputs.policyArn, "arn:aws:iam::aws:policy/AmazonSSMManagedInstanceCore");
      const [statement, ...others] = policyOf(recording, member).Statement;
      assert.equal(others.length, 0);
      assert.equal(statement.Action, "secretsmanager:GetSecretValue");
      const expected = [...shared, arn(`db-member-${member}-tls`), ...(member === 1 ? users : [])];
      assert.deepEqual([...statement.Resource].sort(), [...expected].sort());
    });
  });

  it("names each member in a private zone of the VPC, pointing at its private IP", () => {
    const zone = recording.one("aws:route53/zone:Zone");
    assert.equal(zone.inputs.name, "mongo.toucan.internal");
    assert.deepEqual(zone.inputs.vpcs, [{ vpcId: NETWORK.vpcId }]);
    instances.forEach((instance, i) => {
      const dns = recording.one("aws:route53/record:Record", `db-member-${i + 1}-dns`);
      assert.equal(dns.inputs.zoneId, zone.outputs.zoneId);
      assert.equal(dns.inputs.name, HOSTS[i]);
      assert.equal(dns.inputs.type, "A");
      assert.deepEqual(dns.inputs.records, [instance.outputs.privateIp]);
    });
  });

  it("admits 27017 from exactly the client groups and the members themselves", () => {
    const group = recording.one(SECURITY_GROUP);
    assert.equal(group.inputs.vpcId, NETWORK.vpcId);
    assert.equal(group.inputs.ingress, undefined);
    const ingress = recording.byType(INGRESS);
    assert.ok(ingress.every((r) => r.inputs.securityGroupId === group.outputs.id));
    assert.deepEqual(
      ingress.map((r) => r.inputs.referencedSecurityGroupId).sort(),
      [...NETWORK.clientSecurityGroupIds, group.outputs.id].sort(),
    );
    for (const rule of ingress) {
      assert.deepEqual(
        [rule.inputs.ipProtocol, rule.inputs.fromPort, rule.inputs.toPort],
        ["tcp", 27017, 27017],
      );
      assert.equal(rule.inputs.cidrIpv4, undefined);
    }
  });

  it("lets members out only to each other on 27017 and to HTTPS", () => {
    const group = recording.one(SECURITY_GROUP);
    const egress = recording.byType(EGRESS).map((r) => ({
      group: r.inputs.securityGroupId,
      to: r.inputs.referencedSecurityGroupId ?? r.inputs.cidrIpv4,
      ports: [r.inputs.ipProtocol, r.inputs.fromPort, r.inputs.toPort],
    }));
    assert.deepEqual(
      egress.sort((a, b) => String(a.to).localeCompare(String(b.to))),
      [
        { group: group.outputs.id, to: "0.0.0.0/0", ports: ["tcp", 443, 443] },
        { group: group.outputs.id, to: group.outputs.id, ports: ["tcp", 27017, 27017] },
      ].sort((a, b) => String(a.to).localeCompare(String(b.to))),
    );
  });

  it("builds the read/write connection string in the vendor's form", () => {
    const password = passwordOf(recording, "db-readwrite-password-random");
    assert.equal(
      readWrite,
      `mongodb://toucan:${password}@${HOSTS.map((h) => `${h}:27017`).join(",")}/api-toucan` +
        `?retryWrites=true&authSource=admin&replicaSet=rs0&tls=true&tlsCAFile=${DEFAULT_TLS_CA_FILE}`,
    );
  });

  it("gives the read-only string its own user on the same replica set, database and TLS options", () => {
    const parsed = parseMongoUri(readOnly);
    assert.equal(parsed.user, "toucan-readonly");
    assert.equal(parsed.password, passwordOf(recording, "db-readonly-password-random"));
    assert.notEqual(parsed.password, parseMongoUri(readWrite).password);
    assert.deepEqual(
      parsed.hosts,
      HOSTS.map((h) => `${h}:27017`),
    );
    assert.equal(parsed.database, "api-toucan");
    assert.deepEqual(parsed.options, {
      retryWrites: "true",
      authSource: "admin",
      replicaSet: "rs0",
      tls: "true",
      tlsCAFile: DEFAULT_TLS_CA_FILE,
    });
  });

  it("marks the connection strings secret and stores them in Secrets Manager as secrets", async () => {
    assert.equal(await isSecretOutput(mongo.mongodbHost), true);
    assert.equal(await isSecretOutput(mongo.mongodbReadonlyHost), true);
    const rw = secretHolding(recording, (await valueOf(mongo.mongodbHostSecretArn)) as string);
    const ro = secretHolding(recording, (await valueOf(mongo.mongodbReadonlyHostSecretArn)) as string);
    assert.ok(rw.value instanceof Secret && ro.value instanceof Secret);
    assert.equal(reveal(rw.value), readWrite);
    assert.equal(reveal(ro.value), readOnly);
    assert.equal(rw.secret.protect, true);
  });

  it("never shows a password, the keyfile or a private key in clear in any resource's inputs", () => {
    const secrets = [
      ...recording.byType(PASSWORD).map((p) => reveal(p.outputs.result) as string),
      ...recording.byType(PRIVATE_KEY).map((k) => (reveal(k.outputs.privateKeyPem) as string).split("\n")[1]),
    ];
    assert.equal(secrets.length, 4 + 4);
    const everything = JSON.stringify(recording.resources.map((r) => reveal(r.inputs)));
    for (const value of secrets) assert.ok(everything.includes(value), "the check would be vacuous");
    for (const resource of recording.resources) {
      const shown =
        JSON.stringify(redact(resource.inputs)) +
        JSON.stringify(redact(resource.custom ? {} : resource.outputs));
      for (const value of secrets)
        assert.ok(!shown.includes(value), `${resource.name} shows a secret in clear`);
    }
  });

  it("protects the generated passwords, the CA and the secrets", () => {
    for (const p of recording.byType(PASSWORD)) assert.equal(p.protect, true, p.name);
    for (const s of recording.byType(SECRET)) assert.equal(s.protect, true, s.name);
    assert.equal(recording.one(PRIVATE_KEY, "db-ca-key").protect, true);
    assert.equal(recording.one("tls:index/selfSignedCert:SelfSignedCert").protect, true);
  });

  it("signs each member's certificate for its DNS name with a private CA the backend trusts", async () => {
    const ca = recording.one("tls:index/selfSignedCert:SelfSignedCert");
    assert.equal(ca.inputs.isCaCertificate, true);
    assert.ok(ca.inputs.privateKeyPem instanceof Secret);
    HOSTS.forEach((host, i) => {
      const request = recording.one("tls:index/certRequest:CertRequest", `db-member-${i + 1}-csr`);
      assert.deepEqual(request.inputs.dnsNames, [host]);
      assert.deepEqual(request.inputs.ipAddresses, ["127.0.0.1"]);
      const cert = recording.one("tls:index/locallySignedCert:LocallySignedCert", `db-member-${i + 1}-cert`);
      assert.equal(cert.inputs.certRequestPem, request.outputs.certRequestPem);
      assert.equal(cert.inputs.caCertPem, ca.outputs.certPem);
      assert.ok(cert.inputs.caPrivateKeyPem instanceof Secret);
      assert.deepEqual((cert.inputs.allowedUses as string[]).filter((u) => u.endsWith("_auth")).sort(), [
        "client_auth",
        "server_auth",
      ]);
      const key = recording.one(PRIVATE_KEY, `db-member-${i + 1}-key`);
      const stored = recording.one(SECRET_VERSION, `db-member-${i + 1}-tls-value`).inputs.secretString;
      assert.ok(stored instanceof Secret);
      assert.equal(
        reveal(stored),
        `${String(cert.outputs.certPem).trimEnd()}\n${String(key.outputs.privateKeyPem).trimEnd()}\n`,
      );
    });
    assert.equal(mongo.tlsCAFile, DEFAULT_TLS_CA_FILE);
    assert.equal(await valueOf(mongo.caCertificatePem!), ca.outputs.certPem);
    assert.equal(
      reveal(secretHolding(recording, (await valueOf(mongo.caSecretArn!)) as string).value),
      ca.outputs.certPem,
    );
    assert.equal(mongo.caBundleUrl, undefined);
  });

  it("exposes the members' host names and security group", async () => {
    assert.deepEqual(await valueOf(mongo.hosts), HOSTS);
    assert.equal(await valueOf(mongo.securityGroupId!), recording.one(SECURITY_GROUP).outputs.id);
    assert.equal(mongo.engine, "community");
  });

  it("boots each member from user data that names its volume and secrets and holds no secret", () => {
    const arn = (name: string) => String(recording.one(SECRET, name).outputs.arn);
    const passwords = recording.byType(PASSWORD).map((p) => reveal(p.outputs.result) as string);
    instances.forEach((instance, i) => {
      const script = instance.inputs.userData as string;
      assert.equal(typeof script, "string", "user data must not be a secret");
      assert.ok(Buffer.byteLength(script) <= USER_DATA_LIMIT_BYTES);
      assert.ok(
        script.includes(`DATA_VOLUME_ID='${recording.one(VOLUME, `db-member-${i + 1}-data`).outputs.id}'`),
      );
      assert.ok(script.includes(`MEMBER_TLS_SECRET='${arn(`db-member-${i + 1}-tls`)}'`));
      assert.ok(script.includes(`KEYFILE_SECRET='${arn("db-keyfile")}'`));
      assert.ok(script.includes(`MEMBER_INDEX=${i + 1}\n`));
      assert.ok(script.includes("mode: requireTLS"));
      if (i === 0) {
        assert.ok(
          script.includes("RW_ROLE='readWrite'\nRO_ROLE='read'\nROLE_DB='api-toucan'\n"),
          "users granted Toucan's database only",
        );
      }
      assert.equal(script.includes(arn("db-admin-password")), i === 0, "only member 1 creates the users");
      for (const p of passwords) assert.ok(!script.includes(p));
      assert.equal(instance.inputs.userDataReplaceOnChange, true);
    });
  });

  it("boots from user data that passes shellcheck", function () {
    this.timeout(20000);
    shellcheck(instances.map((i) => i.inputs.userData as string));
  });

  it("reads the newest Amazon Linux 2023 image for the members' architecture once, and ignores later releases", () => {
    // The t4g default is Graviton: the arm64 image's public parameter (AWS's documented name).
    const lookups = recording.invokes.filter((i) => i.token === "aws:ssm/getParameter:getParameter");
    assert.deepEqual(
      lookups.map((i) => i.inputs.name),
      ["/aws/service/ami-amazon-linux-latest/al2023-ami-kernel-default-arm64"],
    );
    for (const instance of instances) {
      assert.match(String(instance.inputs.ami), /^ami-[0-9a-f]{17}$/);
      assert.deepEqual(instance.ignoreChanges, ["ami"]);
      assert.equal(instance.inputs.instanceType, "t4g.medium");
    }
  });

  it("asks for the x86_64 image when the members are not Graviton", async () => {
    const { recording: r } = await build({ ...NETWORK, instanceType: "m7i.large" });
    const lookups = r.invokes.filter((i) => i.token === "aws:ssm/getParameter:getParameter");
    assert.deepEqual(
      lookups.map((i) => i.inputs.name),
      ["/aws/service/ami-amazon-linux-latest/al2023-ami-kernel-default-x86_64"],
    );
    const arm = instances[0].inputs.ami;
    assert.ok(
      r.byType(INSTANCE).every((i) => i.inputs.ami !== arm),
      "not the arm64 image",
    );
  });

  it("parents every child to the component under names that start with its name", () => {
    const component = recording.one(COMPONENT);
    for (const child of recording.built.filter((r) => r !== component)) {
      assert.equal(child.parent, component.urn, child.name);
      assert.ok(child.name.startsWith("db-"), child.name);
    }
  });
});

describe("MongoCluster (community options)", () => {
  describe("given every option", () => {
    let recording: Recording;
    let mongo: MongoCluster;

    before(async () => {
      ({ mongo, recording } = await build({
        ...NETWORK,
        availabilityZones: AZS.map((az) => pulumi.output(az)),
        amiId: "ami-0fedcba9876543210",
        natAvailable: false,
        protect: false,
        transform: { instance: { monitoring: true } },
        replicaSetName: "toucan",
        database: "toucan-db",
        tlsCAFile: "/certs/ca.pem",
        version: "8.0",
        volumeSizeGiB: 200,
        instanceType: "m7i.large",
        dnsZoneName: "db.corp.internal",
        grantAllDatabases: true,
      }));
    });

    it("runs the AMI, installs nothing, and rolls the members when the AMI changes", () => {
      for (const instance of recording.byType(INSTANCE)) {
        assert.equal(instance.inputs.ami, "ami-0fedcba9876543210");
        assert.deepEqual(instance.ignoreChanges, []);
        assert.ok((instance.inputs.userData as string).includes("INSTALL_PACKAGES=false"));
      }
    });

    it("lets the data volumes, secrets and passwords be deleted", () => {
      for (const r of [
        ...recording.byType(VOLUME),
        ...recording.byType(SECRET),
        ...recording.byType(PASSWORD),
      ]) {
        assert.equal(r.protect, false, r.name);
        assert.equal(r.retainOnDelete, false, r.name);
      }
    });

    it("applies the transform to each member's instance", () => {
      assert.equal(recording.byType(INSTANCE).length, 3);
      assert.ok(recording.byType(INSTANCE).every((i) => i.inputs.monitoring === true));
    });

    it("uses the replica set name, database, CA path, zone and version in the strings and the script", async () => {
      const parsed = parseMongoUri((await valueOf(mongo.mongodbHost)) as string);
      assert.equal(parsed.options.replicaSet, "toucan");
      assert.equal(parsed.options.tlsCAFile, "/certs/ca.pem");
      assert.equal(parsed.database, "toucan-db");
      assert.deepEqual(
        parsed.hosts,
        [1, 2, 3].map((i) => `mongo-${i}.db.corp.internal:27017`),
      );
      assert.equal(mongo.tlsCAFile, "/certs/ca.pem");
      // m7i.large: an x86_64 member, named so.
      const script = recording.one(INSTANCE, "db-member-1-x86_64").inputs.userData as string;
      assert.ok(script.includes("REPLICA_SET='toucan'"));
      assert.ok(
        script.includes("RW_ROLE='readWriteAnyDatabase'") && script.includes("RO_ROLE='readAnyDatabase'"),
      );
      assert.ok(
        script.includes("MONGO_PACKAGE='mongodb-org-server'") && script.includes("MONGO_SERIES='8.0'"),
      );
    });

    it("sizes the members and their volumes, in the AZs known at deployment", () => {
      assert.deepEqual(
        [...recording.byType(VOLUME)]
          .sort((a, b) => a.name.localeCompare(b.name))
          .map((v) => [v.inputs.availabilityZone, v.inputs.size]),
        AZS.map((az) => [az, 200]),
      );
      assert.ok(recording.byType(INSTANCE).every((i) => i.inputs.instanceType === "m7i.large"));
    });
  });

  describe("without NAT, with MongoDB's RPMs in a private bucket", () => {
    let recording: Recording;
    before(async () => {
      ({ recording } = await build({
        ...NETWORK,
        natAvailable: false,
        packages: { bucket: "acme-mirror", prefix: "/mongodb/" },
        version: "8.0.17",
      }));
    });

    it("lets each member list and read that prefix of the bucket only, besides its own secrets", () => {
      for (const member of [1, 2, 3]) {
        const statements = policyOf(recording, member).Statement as {
          Sid?: string;
          Action: string;
          Resource: string | string[];
          Condition?: unknown;
        }[];
        assert.deepEqual(
          statements.map((st) => st.Action),
          ["secretsmanager:GetSecretValue", "s3:GetObject", "s3:ListBucket"],
        );
        assert.equal(statements[1].Resource, "arn:aws:s3:::acme-mirror/mongodb/*");
        assert.equal(statements[2].Resource, "arn:aws:s3:::acme-mirror");
        assert.deepEqual(statements[2].Condition, { StringLike: { "s3:prefix": ["mongodb/*"] } });
      }
    });

    it("boots from user data that installs from the bucket, and passes shellcheck", function () {
      this.timeout(30_000);
      const scripts = recording.byType(INSTANCE).map((i) => i.inputs.userData as string);
      for (const script of scripts) {
        assert.match(script, /^PACKAGES_S3='s3:\/\/acme-mirror\/mongodb'$/m);
        assert.match(script, /^MONGO_VERSION='8\.0\.17'$/m);
        assert.match(script, /^INSTALL_PACKAGES=false$/m);
      }
      shellcheck(scripts);
    });
  });

  it("with acceptQuorumLossOnAzFailure and one subnet, puts the 3 members in it", async () => {
    const { recording } = await build({
      vpcId: "vpc-0abc",
      subnetIds: ["subnet-a"],
      availabilityZones: ["eu-west-1a"],
      acceptQuorumLossOnAzFailure: true,
    });
    const instances = recording.byType(INSTANCE);
    assert.equal(instances.length, 3);
    assert.ok(
      instances.every((i) => i.inputs.subnetId === "subnet-a" && i.inputs.availabilityZone === "eu-west-1a"),
    );
    assert.ok(recording.byType(VOLUME).every((v) => v.inputs.availabilityZone === "eu-west-1a"));
  });

  it("refuses, at deployment, AZs known only then that put two members in one AZ", async () => {
    assert.throws(
      () => checkMemberAzs("db", ["eu-west-1a", "eu-west-1a", "eu-west-1b"]),
      /`availabilityZones` is \["eu-west-1a","eu-west-1a","eu-west-1b"\]: puts two of the 3 members in one AZ/,
    );
    // The deployment fails (the harness reports the failed input) instead of building a volume.
    await assert.rejects(
      build({
        ...NETWORK,
        availabilityZones: ["eu-west-1a", "eu-west-1a", "eu-west-1b"].map((az) => pulumi.output(az)),
      }),
      /an input failed to resolve: .*puts two of the 3 members in one AZ/s,
    );
  });
});

describe("MongoCluster (documentdb)", () => {
  let recording: Recording;
  let mongo: MongoCluster;
  let cluster: RecordedResource;

  before(async () => {
    ({ mongo, recording } = await build({ ...NETWORK, engine: "documentdb" }));
    cluster = recording.one(CLUSTER);
  });

  it("builds an encrypted cluster with deletion protection, backups and a final snapshot", () => {
    assert.equal(cluster.inputs.engine, "docdb");
    assert.equal(cluster.inputs.engineVersion, "5.0.0");
    assert.equal(cluster.inputs.storageEncrypted, true);
    assert.equal(cluster.inputs.deletionProtection, true);
    assert.equal(cluster.inputs.backupRetentionPeriod, 7);
    assert.equal(cluster.inputs.skipFinalSnapshot, false);
    // Unique per project, stack and name (DocumentDB refuses a second snapshot of the same name).
    assert.match(cluster.inputs.finalSnapshotIdentifier as string, /^db-final-[0-9a-f]{7}$/);
    assert.equal(cluster.protect, true);
    assert.ok(cluster.inputs.masterPassword instanceof Secret);
    assert.equal(reveal(cluster.inputs.masterPassword), passwordOf(recording, "db-master-password-random"));
  });

  it("requires TLS through its parameter group and lives in the given subnets and group", () => {
    const params = recording.one("aws:docdb/clusterParameterGroup:ClusterParameterGroup");
    assert.equal(params.inputs.family, "docdb5.0");
    assert.deepEqual(params.inputs.parameters, [{ name: "tls", value: "enabled" }]);
    assert.equal(cluster.inputs.dbClusterParameterGroupName, params.outputs.name);
    const subnets = recording.one("aws:docdb/subnetGroup:SubnetGroup");
    assert.deepEqual(subnets.inputs.subnetIds, NETWORK.subnetIds);
    assert.equal(cluster.inputs.dbSubnetGroupName, subnets.outputs.name);
    assert.deepEqual(cluster.inputs.vpcSecurityGroupIds, [recording.one(SECURITY_GROUP).outputs.id]);
  });

  it("runs 2 instances of the cluster in different AZs", () => {
    const instances = recording.byType(CLUSTER_INSTANCE);
    assert.equal(instances.length, 2);
    assert.deepEqual(
      instances.map((i) => i.inputs.availabilityZone),
      ["eu-west-1a", "eu-west-1b"],
    );
    for (const instance of instances) {
      assert.equal(instance.inputs.clusterIdentifier, cluster.outputs.id);
      assert.equal(instance.inputs.instanceClass, "db.t4g.medium");
    }
  });

  it("connects read/write as the master user to the cluster endpoint, without retryable writes", async () => {
    const parsed = parseMongoUri((await valueOf(mongo.mongodbHost)) as string);
    assert.equal(parsed.user, "toucan");
    assert.equal(parsed.password, passwordOf(recording, "db-master-password-random"));
    assert.deepEqual(parsed.hosts, [`${cluster.outputs.endpoint}:27017`]);
    assert.equal(parsed.database, "api-toucan");
    assert.deepEqual(parsed.options, {
      retryWrites: "false",
      authSource: "admin",
      replicaSet: "rs0",
      tls: "true",
      tlsCAFile: DEFAULT_TLS_CA_FILE,
    });
  });

  it("reads through the reader endpoint, preferring secondaries", async () => {
    const parsed = parseMongoUri((await valueOf(mongo.mongodbReadonlyHost)) as string);
    assert.deepEqual(parsed.hosts, [`${cluster.outputs.readerEndpoint}:27017`]);
    assert.equal(parsed.options.readPreference, "secondaryPreferred");
    assert.equal(parsed.options.replicaSet, "rs0");
    assert.equal(parsed.options.retryWrites, "false");
    assert.equal(parsed.options.tls, "true");
    assert.equal(parsed.options.tlsCAFile, DEFAULT_TLS_CA_FILE);
  });

  it("stores both strings as secrets and never shows the master password in clear", async () => {
    assert.equal(await isSecretOutput(mongo.mongodbHost), true);
    assert.equal(await isSecretOutput(mongo.mongodbReadonlyHost), true);
    const rw = secretHolding(recording, (await valueOf(mongo.mongodbHostSecretArn)) as string);
    assert.equal(reveal(rw.value), await valueOf(mongo.mongodbHost));
    const password = passwordOf(recording, "db-master-password-random");
    for (const resource of recording.resources) {
      assert.ok(!JSON.stringify(redact(resource.inputs)).includes(password), `${resource.name} shows it`);
    }
  });

  it("trusts the region's Amazon RDS CA bundle, read at deployment and kept in a secret (nothing downloads at start)", async () => {
    const BUNDLE =
      "-----BEGIN CERTIFICATE-----\nMIIEBjCCAu6gAwIBAgIJAMc0ZzaSUK51\n-----END CERTIFICATE-----\n";
    const asked: string[] = [];
    const previous = caBundleSource.read;
    caBundleSource.read = async (url) => (asked.push(url), BUNDLE);
    try {
      const { mongo: db, recording: r } = await build({ ...NETWORK, engine: "documentdb" });
      assert.deepEqual(asked, ["https://truststore.pki.rds.amazonaws.com/eu-west-1/eu-west-1-bundle.pem"]);
      assert.equal(db.tlsCAFile, DEFAULT_TLS_CA_FILE);
      const held = secretHolding(r, (await valueOf(db.caSecretArn!)) as string);
      assert.equal(reveal(held.value), BUNDLE);
      assert.equal(held.secret.protect, true);
      assert.equal(await valueOf(db.caCertificatePem!), BUNDLE);
    } finally {
      caBundleSource.read = previous;
    }
  });

  it("GIVEN caPem THEN that bundle is kept, and nothing is read from the network", async () => {
    const previous = caBundleSource.read;
    caBundleSource.read = async (url) => assert.fail(`read ${url}`);
    try {
      const pem = "-----BEGIN CERTIFICATE-----\nMIIBown\n-----END CERTIFICATE-----\n";
      const { mongo: db, recording: r } = await build({ ...NETWORK, engine: "documentdb", caPem: pem });
      assert.equal(reveal(secretHolding(r, (await valueOf(db.caSecretArn!)) as string).value), pem);
    } finally {
      caBundleSource.read = previous;
    }
  });

  it("admits 27017 from exactly the client groups", () => {
    const group = recording.one(SECURITY_GROUP);
    const ingress = recording.byType(INGRESS);
    assert.deepEqual(
      ingress.map((r) => [
        r.inputs.securityGroupId,
        r.inputs.referencedSecurityGroupId,
        r.inputs.fromPort,
        r.inputs.toPort,
      ]),
      NETWORK.clientSecurityGroupIds.map((id) => [group.outputs.id, id, 27017, 27017]),
    );
    assert.equal(recording.byType(EGRESS).length, 0);
  });

  it("exposes the cluster and reader endpoints as hosts", async () => {
    assert.deepEqual(await valueOf(mongo.hosts), [cluster.outputs.endpoint, cluster.outputs.readerEndpoint]);
  });

  it("spreads more instances over the AZs in turn and uses a hand-made read-only user", async () => {
    const { mongo: docdb, recording: r } = await build({
      ...NETWORK,
      engine: "documentdb",
      instanceCount: 4,
      readOnlyUser: { name: "reader", password: pulumi.secret("r3ad-0nly") },
    });
    assert.deepEqual(
      r.byType(CLUSTER_INSTANCE).map((i) => i.inputs.availabilityZone),
      [...AZS, AZS[0]],
    );
    const parsed = parseMongoUri((await valueOf(docdb.mongodbReadonlyHost)) as string);
    assert.equal(parsed.user, "reader");
    assert.equal(parsed.password, "r3ad-0nly");
  });
});

describe("MongoCluster (external)", () => {
  const uris = {
    readWrite: "mongodb+srv://rw:s3cret-rw@cluster0.ab1cd.mongodb.net/api-toucan?retryWrites=true",
    readOnly: "mongodb+srv://ro:s3cret-ro@cluster0.ab1cd.mongodb.net/api-toucan?retryWrites=true",
  };

  it("creates only the two secrets and passes the strings through as secrets", async () => {
    const { mongo, recording } = await build({ engine: "external", uris });
    assert.deepEqual(
      recording.built.map((r) => r.type).sort(),
      [SECRET, SECRET, SECRET_VERSION, SECRET_VERSION, COMPONENT].sort(),
    );
    assert.equal(await valueOf(mongo.mongodbHost), uris.readWrite);
    assert.equal(await isSecretOutput(mongo.mongodbHost), true);
    assert.equal(await isSecretOutput(mongo.mongodbReadonlyHost), true);
    assert.equal(
      reveal(secretHolding(recording, (await valueOf(mongo.mongodbReadonlyHostSecretArn)) as string).value),
      uris.readOnly,
    );
    for (const r of recording.resources) {
      const shown = JSON.stringify(redact(r.inputs));
      assert.ok(!shown.includes("s3cret"), `${r.name} shows a password`);
    }
    assert.equal(mongo.tlsCAFile, undefined);
    assert.equal(mongo.caSecretArn, undefined);
    assert.equal(mongo.securityGroupId, undefined);
    assert.deepEqual(await valueOf(mongo.hosts), ["cluster0.ab1cd.mongodb.net"]);
  });

  it("with a CA, stores it and names the CA file", async () => {
    const caPem = "-----BEGIN CERTIFICATE-----\nMIIB\n-----END CERTIFICATE-----\n";
    const withCa = {
      readWrite: `mongodb://rw:pw@db1.corp:27017,db2.corp:27017/api-toucan?tls=true&tlsCAFile=${DEFAULT_TLS_CA_FILE}`,
      readOnly: `mongodb://ro:pw@db1.corp:27017,db2.corp:27017/api-toucan?tls=true&tlsCAFile=${DEFAULT_TLS_CA_FILE}`,
    };
    const { mongo, recording } = await build({ engine: "external", uris: withCa, caPem });
    assert.equal(recording.byType(SECRET).length, 3);
    assert.equal(mongo.tlsCAFile, DEFAULT_TLS_CA_FILE);
    assert.equal(
      reveal(secretHolding(recording, (await valueOf(mongo.caSecretArn!)) as string).value),
      caPem,
    );
    assert.equal(await valueOf(mongo.caCertificatePem!), caPem);
    assert.deepEqual(await valueOf(mongo.hosts), ["db1.corp", "db2.corp"]);
  });
});

describe("MongoCluster in preview", () => {
  const engines: [string, MongoClusterArgs][] = [
    ["community", NETWORK],
    ["documentdb", { ...NETWORK, engine: "documentdb" }],
    [
      "external",
      { engine: "external", uris: { readWrite: "mongodb://u:p@h/db", readOnly: "mongodb://r:p@h/db" } },
    ],
  ];
  for (const [engine, args] of engines) {
    it(`registers the same resources as an update (${engine})`, async () => {
      const update = engine === "community" ? await buildDefaultCommunity() : await build(args);
      const preview = await build(args, true);
      assert.deepEqual(
        preview.recording.resources.map((r) => r.urn),
        update.recording.resources.map((r) => r.urn),
      );
    });
  }
});

describe("MongoCluster rejects bad input before registering anything", () => {
  const cases: { title: string; args: MongoClusterArgs; argument: string; message: RegExp }[] = [
    {
      title: "community over 2 AZs",
      args: { ...NETWORK, subnetIds: ["subnet-a", "subnet-b"], availabilityZones: AZS.slice(0, 2) },
      argument: "subnetIds",
      message: /fewer than 3 Availability Zones.*acceptQuorumLossOnAzFailure/,
    },
    {
      title: "community with two members in one AZ",
      args: { ...NETWORK, availabilityZones: ["eu-west-1a", "eu-west-1a", "eu-west-1b"] },
      argument: "availabilityZones",
      message: /puts two of the 3 members in one AZ/,
    },
    {
      title: "documentdb in 1 AZ",
      args: { ...NETWORK, engine: "documentdb", subnetIds: ["subnet-a"], availabilityZones: ["eu-west-1a"] },
      argument: "subnetIds",
      message: /fewer than 2 Availability Zones/,
    },
    {
      title: "an unknown engine",
      args: { ...NETWORK, engine: "mongo-atlas" as never },
      argument: "engine",
      message: /is not an engine.*"external"/,
    },
    {
      title: "external without URIs",
      args: { engine: "external" },
      argument: "uris",
      message: /is required with engine "external"/,
    },
    {
      title: "external with half the URIs",
      args: { engine: "external", uris: { readWrite: "mongodb://u:p@h/db" } as never },
      argument: "uris",
      message: /needs both `readWrite` and `readOnly`/,
    },
    {
      title: "a transform for a child of another engine",
      args: { ...NETWORK, transform: { cluster: { port: 27018 } } },
      argument: "transform.cluster",
      message: /engine "community" does not create/,
    },
    {
      title: "an argument of another engine",
      args: { ...NETWORK, instanceCount: 3 },
      argument: "instanceCount",
      message: /has no effect with engine "community"/,
    },
    {
      title: "network arguments with external",
      args: {
        ...NETWORK,
        engine: "external",
        uris: { readWrite: "mongodb://u:p@h/db", readOnly: "mongodb://r:p@h/db" },
      },
      argument: "vpcId",
      message: /has no effect with engine "external"/,
    },
    {
      title: "documentdb with one instance",
      args: { ...NETWORK, engine: "documentdb", instanceCount: 1 },
      argument: "instanceCount",
      message: /between 2 and 16/,
    },
    {
      title: "community without NAT and without an AMI",
      args: { ...NETWORK, natAvailable: false },
      argument: "packages",
      message:
        /is needed without NAT \(`natAvailable: false`\): the members have no way to download MongoDB, and no `amiId`/,
    },
    {
      title: "a packages bucket given as a URL",
      args: { ...NETWORK, natAvailable: false, packages: { bucket: "s3://acme-mirror" } },
      argument: "packages.bucket",
      message: /is not an S3 bucket name/,
    },
    {
      title: "a packages prefix with a wildcard",
      args: { ...NETWORK, natAvailable: false, packages: { bucket: "acme-mirror", prefix: "mongodb/*" } },
      argument: "packages.prefix",
      message: /is not a key prefix/,
    },
    {
      title: "subnets and AZs of different lengths",
      args: { ...NETWORK, subnetIds: ["subnet-a", "subnet-b", "subnet-c", "subnet-d"] },
      argument: "availabilityZones",
      message: /does not match subnetIds \(4 subnet\(s\)\)/,
    },
    {
      title: "no VPC",
      args: { ...NETWORK, vpcId: undefined },
      argument: "vpcId",
      message: /is required with engine "community"/,
    },
    {
      title: "an unsupported MongoDB version",
      args: { ...NETWORK, version: "6.0.20" },
      argument: "version",
      message: /supported series \(7\.0, 8\.0\)/,
    },
    {
      title: "a relative CA file path",
      args: { ...NETWORK, tlsCAFile: "ca.pem" },
      argument: "tlsCAFile",
      message: /absolute file path/,
    },
    {
      title: "a DocumentDB name with upper-case letters",
      args: { ...NETWORK, engine: "documentdb" },
      argument: "name",
      message: /DocumentDB identifiers/,
    },
  ];
  for (const c of cases) {
    it(c.title, async () => {
      const name = c.title.startsWith("a DocumentDB name") ? "ToucanDb" : "db";
      const { error, recording } = await recordFailure(() => new MongoCluster(name, c.args));
      assert.ok(error instanceof ToucanArgumentError, String(error));
      assert.match(error.message, new RegExp(`\`${c.argument.replace(/\./g, "\\.")}\``));
      assert.match(error.message, c.message);
      assert.match(error.message, /Fix: /);
      assert.deepEqual(recording.built, [], "resources were registered before the error");
    });
  }

  it("never repeats a bad connection string, which holds a password", async () => {
    const { error, recording } = await recordFailure(
      () =>
        new MongoCluster("db", {
          engine: "external",
          uris: { readWrite: "http://user:hunter2@h/db", readOnly: "mongodb://u:hunter2@h/db" },
          caPem: "-----BEGIN CERTIFICATE-----\n-----END CERTIFICATE-----\n",
        }),
    );
    assert.match(error.message, /`uris\.readWrite`.*not a mongodb:\/\//);
    assert.match(error.message, /`uris\.readOnly`.*does not name the CA file/);
    assert.ok(!error.message.includes("hunter2"));
    assert.deepEqual(recording.built, []);
  });
});

describe("renderMongoUserData", () => {
  const base = {
    memberIndex: 1,
    memberHosts: HOSTS,
    replicaSetName: "rs0",
    mongoVersion: "7.0.30",
    installPackages: true,
    region: "eu-west-1",
    dataVolumeId: "vol-0123456789abcdef0",
    secretArns: { keyFile: "arn:k", caCertificate: "arn:c", memberCertificate: "arn:m" },
  };

  it("quotes values so that none can break out of the script", () => {
    const script = renderMongoUserData({
      ...base,
      secretArns: { ...base.secretArns, keyFile: "arn:'$(reboot)'" },
    });
    assert.ok(script.includes(`KEYFILE_SECRET='arn:'\\''$(reboot)'\\'''`));
  });

  it("refuses a member index outside the member list", () => {
    assert.throws(() => renderMongoUserData({ ...base, memberIndex: 4 }), /memberIndex 4/);
  });
});

describe("DocumentDB final snapshot names", () => {
  it("differ between two stacks of the same project and component name", async () => {
    const name = async (stack: string) =>
      (
        await record(() => new MongoCluster("db", { ...NETWORK, engine: "documentdb" }), { stack })
      ).recording.one("aws:docdb/cluster:Cluster").inputs.finalSnapshotIdentifier;
    const [a, b] = [await name("staging"), await name("production")];
    assert.notEqual(a, b);
    assert.match(String(a), /^db-final-[0-9a-f]{7}$/);
  });
});
