import { strict as assert } from "assert";
import {
  DEFAULT_POSIX_USER,
  SharedStorage,
  SharedStorageArgs,
  rootDirectoryProblem,
} from "../components/aws/shared-storage";
import { ToucanArgumentError } from "../components/core/errors";
import { Recording, record, recordFailure, valueOf } from "../components/planner/recorder";
import { assertAdmitsOnly } from "./support/security-groups";

const COMPONENT = "toucan:aws:SharedStorage";
const FILE_SYSTEM = "aws:efs/fileSystem:FileSystem";
const MOUNT_TARGET = "aws:efs/mountTarget:MountTarget";
const ACCESS_POINT = "aws:efs/accessPoint:AccessPoint";
const POLICY = "aws:efs/fileSystemPolicy:FileSystemPolicy";
const BACKUP = "aws:efs/backupPolicy:BackupPolicy";
const SECURITY_GROUP = "aws:ec2/securityGroup:SecurityGroup";

const ROLES = [
  "arn:aws:iam::123456789012:role/toucan-backend-task",
  "arn:aws:iam::123456789012:role/toolbox",
];
const NETWORK: SharedStorageArgs = {
  vpcId: "vpc-0abc",
  subnetIds: ["subnet-a", "subnet-b", "subnet-c"],
  clientSecurityGroupIds: ["sg-backend", "sg-toolbox"],
  clientRoleArns: ROLES,
};

async function build(args: SharedStorageArgs, preview = false) {
  const { result, recording } = await record(() => new SharedStorage("files", args), {
    preview,
    region: "eu-west-1",
  });
  return { storage: result, recording };
}

let defaults: ReturnType<typeof build> | undefined;
/** The default storage, built once for the tests that only read it. */
function buildDefaults(): ReturnType<typeof build> {
  defaults ??= build(NETWORK);
  return defaults;
}

interface Statement {
  Sid?: string;
  Effect: string;
  Principal?: { AWS: string | string[] };
  Action: string | string[];
  Resource: string | string[];
  Condition?: Record<string, Record<string, string | string[]>>;
}

function policyOf(recording: Recording): Statement[] {
  const document = JSON.parse(recording.one(POLICY).inputs.policy as string) as { Statement: Statement[] };
  return document.Statement;
}

const list = (value: string | string[] | undefined) => (value === undefined ? [] : [value].flat());

describe("SharedStorage by default", () => {
  it("creates an encrypted file system with elastic throughput", async () => {
    const { storage, recording } = await buildDefaults();
    const fs = recording.one(FILE_SYSTEM);
    assert.equal(fs.inputs.encrypted, true);
    assert.equal(fs.inputs.throughputMode, "elastic");
    assert.equal(fs.inputs.performanceMode, "generalPurpose");
    assert.equal(await valueOf(storage.fileSystemId), fs.outputs.id);
    assert.equal(await valueOf(storage.fileSystemArn), fs.outputs.arn);
  });

  it("moves cold files to Infrequent Access after 30 days and back on first access", async () => {
    const { recording } = await buildDefaults();
    assert.deepEqual(recording.one(FILE_SYSTEM).inputs.lifecyclePolicies, [
      { transitionToIa: "AFTER_30_DAYS" },
      { transitionToPrimaryStorageClass: "AFTER_1_ACCESS" },
    ]);
  });

  it("puts a mount target in every private subnet, all in the storage's security group", async () => {
    const { recording } = await buildDefaults();
    const fs = recording.one(FILE_SYSTEM);
    const group = recording.one(SECURITY_GROUP);
    const targets = recording.byType(MOUNT_TARGET);
    assert.equal(targets.length, NETWORK.subnetIds!.length);
    assert.deepEqual(
      targets.map((t) => t.inputs.subnetId),
      NETWORK.subnetIds,
    );
    for (const target of targets) {
      assert.equal(target.inputs.fileSystemId, fs.outputs.id);
      assert.deepEqual(target.inputs.securityGroups, [group.outputs.id]);
    }
  });

  it("admits exactly NFS (2049) from exactly the client groups, one rule each, and opens no egress", async () => {
    const { storage, recording } = await buildDefaults();
    const group = recording.one(SECURITY_GROUP);
    assert.equal(await valueOf(storage.securityGroupId!), group.outputs.id);
    assert.equal(group.inputs.vpcId, "vpc-0abc");
    assertAdmitsOnly(recording, group, 2049, ["sg-backend", "sg-toolbox"]);
  });

  it("mounts through an access point that pins the POSIX user and creates the root directory 0750", async () => {
    const { storage, recording } = await buildDefaults();
    const ap = recording.one(ACCESS_POINT);
    assert.equal(ap.inputs.fileSystemId, recording.one(FILE_SYSTEM).outputs.id);
    assert.deepEqual(ap.inputs.posixUser, { uid: 1000, gid: 1000 });
    assert.deepEqual(ap.inputs.rootDirectory, {
      path: "/toucan-storage",
      creationInfo: { ownerUid: 1000, ownerGid: 1000, permissions: "0750" },
    });
    assert.equal(await valueOf(storage.accessPointId), ap.outputs.id);
    assert.equal(await valueOf(storage.accessPointArn), ap.outputs.arn);
  });

  it("creates the access point after the mount targets, so its users can mount at once", async () => {
    const { recording } = await buildDefaults();
    const ap = recording.one(ACCESS_POINT);
    for (const target of recording.byType(MOUNT_TARGET)) {
      assert.ok(ap.dependencies.includes(target.urn), `${target.name} is not a dependency`);
    }
  });

  it("has a policy that denies every access without TLS", async () => {
    const { recording } = await buildDefaults();
    const fsArn = recording.one(FILE_SYSTEM).outputs.arn;
    const deny = policyOf(recording).filter(
      (s) => s.Effect === "Deny" && s.Condition?.Bool?.["aws:SecureTransport"] !== undefined,
    );
    assert.equal(deny.length, 1);
    assert.deepEqual(list(deny[0].Condition!.Bool["aws:SecureTransport"]), ["false"]);
    assert.deepEqual(list(deny[0].Action), ["*"]);
    assert.deepEqual(list(deny[0].Principal!.AWS), ["*"]);
    assert.deepEqual(list(deny[0].Resource), [fsArn]);
    assert.equal(recording.one(POLICY).inputs.fileSystemId, recording.one(FILE_SYSTEM).outputs.id);
  });

  it("grants mount and write to exactly the client roles, through the access point only", async () => {
    const { recording } = await buildDefaults();
    const allows = policyOf(recording).filter((s) => s.Effect === "Allow");
    assert.equal(allows.length, 1);
    const [allow] = allows;
    assert.deepEqual(list(allow.Principal!.AWS).sort(), [...ROLES].sort());
    assert.deepEqual(list(allow.Action).sort(), [
      "elasticfilesystem:ClientMount",
      "elasticfilesystem:ClientWrite",
    ]);
    assert.deepEqual(list(allow.Resource), [recording.one(FILE_SYSTEM).outputs.arn]);
    assert.deepEqual(list(allow.Condition!.StringEquals["elasticfilesystem:AccessPointArn"]), [
      recording.one(ACCESS_POINT).outputs.arn,
    ]);
  });

  it("grants root access to nobody", async () => {
    const { recording } = await buildDefaults();
    const statements = policyOf(recording);
    assert.ok(
      statements
        .filter((s) => s.Effect === "Allow")
        .every(
          (s) => !list(s.Action).some((a) => a === "*" || /ClientRootAccess|elasticfilesystem:\*/.test(a)),
        ),
      "an Allow statement grants root access",
    );
    const denyRoot = statements.filter(
      (s) => s.Effect === "Deny" && list(s.Action).includes("elasticfilesystem:ClientRootAccess"),
    );
    assert.equal(denyRoot.length, 1);
    assert.deepEqual(list(denyRoot[0].Principal!.AWS), ["*"]);
    assert.equal(denyRoot[0].Condition, undefined);
  });

  it("turns automatic backups on", async () => {
    const { recording } = await buildDefaults();
    const backup = recording.one(BACKUP);
    assert.deepEqual(backup.inputs.backupPolicy, { status: "ENABLED" });
    assert.equal(backup.inputs.fileSystemId, recording.one(FILE_SYSTEM).outputs.id);
  });

  it("protects the file system and keeps it when removed from the program", async () => {
    const { recording } = await buildDefaults();
    const fs = recording.one(FILE_SYSTEM);
    assert.equal(fs.protect, true);
    assert.equal(fs.retainOnDelete, true);
  });

  it("parents every child to the component with names starting with the component's", async () => {
    const { recording } = await buildDefaults();
    const component = recording.one(COMPONENT);
    const built = recording.built.filter((r) => r !== component);
    assert.equal(recording.children(component).length, built.length);
    for (const r of built) assert.ok(r.name.startsWith("files-"), r.name);
  });
});

describe("SharedStorage options", () => {
  it("uses the POSIX user, root directory and permissions given", async () => {
    const { recording } = await build({
      ...NETWORK,
      posixUser: { uid: 33, gid: 33 },
      rootDirectory: "/toucan/prod",
      rootDirectoryPermissions: "0770",
    });
    const ap = recording.one(ACCESS_POINT);
    assert.deepEqual(ap.inputs.posixUser, { uid: 33, gid: 33 });
    assert.deepEqual(ap.inputs.rootDirectory, {
      path: "/toucan/prod",
      creationInfo: { ownerUid: 33, ownerGid: 33, permissions: "0770" },
    });
  });

  it("writes the lifecycle asked for, and none when every transition is NONE", async () => {
    const archive = await build({
      ...NETWORK,
      lifecycle: { transitionToIA: "AFTER_7_DAYS", transitionToArchive: "AFTER_90_DAYS" },
    });
    assert.deepEqual(archive.recording.one(FILE_SYSTEM).inputs.lifecyclePolicies, [
      { transitionToIa: "AFTER_7_DAYS" },
      { transitionToPrimaryStorageClass: "AFTER_1_ACCESS" },
      { transitionToArchive: "AFTER_90_DAYS" },
    ]);
    const none = await build({
      ...NETWORK,
      lifecycle: { transitionToIA: "NONE", transitionToPrimaryStorageClass: "NONE" },
    });
    assert.deepEqual(none.recording.one(FILE_SYSTEM).inputs.lifecyclePolicies, []);
  });

  it("disables backups explicitly when asked", async () => {
    const { recording } = await build({ ...NETWORK, backups: false });
    assert.deepEqual(recording.one(BACKUP).inputs.backupPolicy, { status: "DISABLED" });
  });

  it("provisions throughput and a KMS key when asked", async () => {
    const key = "arn:aws:kms:eu-west-1:123456789012:key/abc";
    const { recording } = await build({
      ...NETWORK,
      throughputMode: "provisioned",
      provisionedThroughputInMibps: 64,
      kmsKeyArn: key,
    });
    const fs = recording.one(FILE_SYSTEM).inputs;
    assert.equal(fs.throughputMode, "provisioned");
    assert.equal(fs.provisionedThroughputInMibps, 64);
    assert.equal(fs.kmsKeyId, key);
    assert.equal(fs.encrypted, true);
  });

  it("grants no role without client roles, and still denies non-TLS access", async () => {
    const { recording } = await build({ ...NETWORK, clientRoleArns: undefined });
    const statements = policyOf(recording);
    assert.deepEqual(
      statements.filter((s) => s.Effect === "Allow"),
      [],
    );
    assert.ok(statements.some((s) => s.Effect === "Deny" && s.Condition?.Bool?.["aws:SecureTransport"]));
  });

  it("can be unprotected for throwaway stacks", async () => {
    const { recording } = await build({ ...NETWORK, protect: false });
    assert.equal(recording.one(FILE_SYSTEM).protect, false);
    assert.equal(recording.one(FILE_SYSTEM).retainOnDelete, false);
  });
});

describe("SharedStorage with an existing file system", () => {
  it("creates only an access point on it and computes the ARNs", async () => {
    const { storage, recording } = await build({ existing: { fileSystemId: "fs-0123456789abcdef0" } });
    const custom = recording.built.filter((r) => r.custom);
    assert.deepEqual(
      custom.map((r) => r.type),
      [ACCESS_POINT],
    );
    assert.equal(custom[0].inputs.fileSystemId, "fs-0123456789abcdef0");
    assert.deepEqual(custom[0].inputs.posixUser, { ...DEFAULT_POSIX_USER });
    assert.equal(await valueOf(storage.fileSystemId), "fs-0123456789abcdef0");
    assert.equal(
      await valueOf(storage.fileSystemArn),
      "arn:aws:elasticfilesystem:eu-west-1:123456789012:file-system/fs-0123456789abcdef0",
    );
    assert.equal(await valueOf(storage.accessPointId), custom[0].outputs.id);
    assert.equal(storage.securityGroupId, undefined);
  });

  it("creates nothing with an existing access point, and ignores the network the composite passes", async () => {
    const { storage, recording } = await build({
      ...NETWORK,
      existing: { fileSystemId: "fs-0abc", accessPointId: "fsap-0abc", securityGroupId: "sg-efs" },
    });
    assert.deepEqual(
      recording.built.filter((r) => r.custom),
      [],
    );
    assert.equal(await valueOf(storage.accessPointId), "fsap-0abc");
    assert.equal(
      await valueOf(storage.accessPointArn),
      "arn:aws:elasticfilesystem:eu-west-1:123456789012:access-point/fsap-0abc",
    );
    assert.equal(await valueOf(storage.securityGroupId!), "sg-efs");
  });
});

describe("SharedStorage in preview", () => {
  const variants: [string, SharedStorageArgs][] = [
    ["default", NETWORK],
    ["existing", { existing: { fileSystemId: "fs-0abc" } }],
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

describe("rootDirectoryProblem", () => {
  const cases: [string, RegExp | undefined][] = [
    ["/toucan-storage", undefined],
    ["/a/b/c/d", undefined],
    ["toucan-storage", /absolute/],
    ["/", /root/],
    ["/a/b/c/d/e", /4/],
    ["/a//b", /empty/],
    ["/a/../b", /dot/],
    ["/a/", /slash/],
    ["/a;rm", /character/],
    [`/${"x".repeat(100)}`, /100/],
  ];
  for (const [path, problem] of cases) {
    it(`${JSON.stringify(path.length > 20 ? `${path.slice(0, 20)}...` : path)} -> ${problem ?? "ok"}`, () => {
      const found = rootDirectoryProblem(path);
      if (problem === undefined) assert.equal(found, undefined);
      else assert.match(found ?? "", problem);
    });
  }
});

describe("SharedStorage rejects bad input before registering anything", () => {
  const cases: { title: string; args: SharedStorageArgs; argument: string; message: RegExp }[] = [
    {
      title: "a single subnet",
      args: { ...NETWORK, subnetIds: ["subnet-a"] },
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
      title: "a relative root directory",
      args: { ...NETWORK, rootDirectory: "toucan-storage" },
      argument: "rootDirectory",
      message: /not an absolute path/,
    },
    {
      title: "the file system's root as root directory",
      args: { ...NETWORK, rootDirectory: "/" },
      argument: "rootDirectory",
      message: /file system's root/,
    },
    {
      title: "a negative uid",
      args: { ...NETWORK, posixUser: { uid: -1, gid: 1000 } },
      argument: "posixUser.uid",
      message: /1 to 4294967295/,
    },
    {
      title: "a gid above 2^32 - 1",
      args: { ...NETWORK, posixUser: { uid: 1000, gid: 4294967296 } },
      argument: "posixUser.gid",
      message: /1 to 4294967295/,
    },
    {
      title: "root as the POSIX user",
      args: { ...NETWORK, posixUser: { uid: 0, gid: 1000 } },
      argument: "posixUser.uid",
      message: /root/,
    },
    {
      title: "a fractional uid",
      args: { ...NETWORK, posixUser: { uid: 1000.5, gid: 1000 } },
      argument: "posixUser.uid",
      message: /whole number/,
    },
    {
      title: "permissions that are not octal",
      args: { ...NETWORK, rootDirectoryPermissions: "rwxr-x---" },
      argument: "rootDirectoryPermissions",
      message: /octal/,
    },
    {
      title: "an unknown transition age",
      args: { ...NETWORK, lifecycle: { transitionToIA: "AFTER_2_DAYS" as "AFTER_1_DAY" } },
      argument: "lifecycle.transitionToIA",
      message: /not an EFS transition age/,
    },
    {
      title: "an Archive transition before the Infrequent Access one",
      args: {
        ...NETWORK,
        lifecycle: { transitionToIA: "AFTER_90_DAYS", transitionToArchive: "AFTER_30_DAYS" },
      },
      argument: "lifecycle.transitionToArchive",
      message: /after the transition to Infrequent Access/,
    },
    {
      title: "maxIO with elastic throughput",
      args: { ...NETWORK, performanceMode: "maxIO" },
      argument: "performanceMode",
      message: /elastic throughput/,
    },
    {
      title: "provisioned throughput without a rate",
      args: { ...NETWORK, throughputMode: "provisioned" },
      argument: "provisionedThroughputInMibps",
      message: /required/,
    },
    {
      title: "existing with a lifecycle",
      args: { existing: { fileSystemId: "fs-0abc" }, lifecycle: { transitionToIA: "AFTER_7_DAYS" } },
      argument: "lifecycle",
      message: /not built with `existing`/,
    },
    {
      title: "existing with backups",
      args: { existing: { fileSystemId: "fs-0abc" }, backups: false },
      argument: "backups",
      message: /not built with `existing`/,
    },
    {
      title: "an existing access point with a root directory",
      args: { existing: { fileSystemId: "fs-0abc", accessPointId: "fsap-0abc" }, rootDirectory: "/data" },
      argument: "rootDirectory",
      message: /`existing\.accessPointId` is given/,
    },
    {
      title: "an existing access point with a POSIX user",
      args: {
        existing: { fileSystemId: "fs-0abc", accessPointId: "fsap-0abc" },
        posixUser: { uid: 1, gid: 1 },
      },
      argument: "posixUser",
      message: /`existing\.accessPointId` is given/,
    },
  ];
  for (const c of cases) {
    it(c.title, async () => {
      const { error, recording } = await recordFailure(() => new SharedStorage("files", c.args));
      assert.ok(error instanceof ToucanArgumentError, String(error));
      assert.match(error.message, new RegExp(`\`${c.argument.replace(/\./g, "\\.")}\``));
      assert.match(error.message, c.message);
      assert.match(error.message, /Fix: /);
      assert.deepEqual(recording.built, [], "resources were registered before the error");
    });
  }
});
