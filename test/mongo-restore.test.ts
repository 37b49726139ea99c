import { strict as assert } from "assert";
import { MongoCluster, MongoClusterArgs } from "../components/aws/mongo-cluster";
import { SharedStorage } from "../components/aws/shared-storage";
import { ToucanArgumentError } from "../components/core/errors";
import { record, recordFailure } from "../components/planner/recorder";
import { Secret, reveal } from "../components/planner/values";
import { compareRecordings } from "./support/day2";

const VOLUME = "aws:ebs/volume:Volume";
const SECRET = "aws:secretsmanager/secret:Secret";
const SECRET_VERSION = "aws:secretsmanager/secretVersion:SecretVersion";
const PASSWORD = "random:index/randomPassword:RandomPassword";

const NETWORK: MongoClusterArgs = {
  vpcId: "vpc-0abc",
  subnetIds: ["subnet-a", "subnet-b", "subnet-c"],
  availabilityZones: ["eu-west-1a", "eu-west-1b", "eu-west-1c"],
  clientSecurityGroupIds: ["sg-backend"],
};
const SNAPSHOTS = ["snap-0123456789abcdef0", "snap-0123456789abcdef1", "snap-0123456789abcdef2"];

async function build(args: MongoClusterArgs) {
  return record(() => new MongoCluster("toucan-mongo", { ...NETWORK, ...args }), { region: "eu-west-1" });
}

describe("MongoCluster restored from snapshots", () => {
  it("builds each member's data volume from its snapshot, never replaced for a later snapshot change", async () => {
    const { recording } = await build({
      restoreFromSnapshots: { snapshotIds: SNAPSHOTS, adminPassword: "old-admin-password" },
    });
    const volumes = [...recording.byType(VOLUME)].sort((a, b) => a.name.localeCompare(b.name));
    assert.deepEqual(
      volumes.map((v) => [v.name, v.inputs.snapshotId]),
      [
        ["toucan-mongo-member-1-data", SNAPSHOTS[0]],
        ["toucan-mongo-member-2-data", SNAPSHOTS[1]],
        ["toucan-mongo-member-3-data", SNAPSHOTS[2]],
      ],
    );
    for (const v of volumes) {
      assert.ok(v.ignoreChanges.includes("snapshotId"), `${v.name} ignores snapshotId`);
      assert.equal(v.protect, true);
    }
  });

  it("restores all three members from one snapshot", async () => {
    const { recording } = await build({
      restoreFromSnapshots: { snapshotIds: [SNAPSHOTS[0]], adminPassword: "old-admin-password" },
    });
    assert.deepEqual(
      recording.byType(VOLUME).map((v) => v.inputs.snapshotId),
      [SNAPSHOTS[0], SNAPSHOTS[0], SNAPSHOTS[0]],
    );
  });

  it("keeps the old administrator password (the restored data's) and generates the application users' passwords", async () => {
    const { recording } = await build({
      restoreFromSnapshots: { snapshotIds: SNAPSHOTS, adminPassword: "old-admin-password" },
    });
    const adminSecret = recording.one(SECRET, "toucan-mongo-admin-password");
    const adminValue = recording
      .byType(SECRET_VERSION)
      .find((v) => v.inputs.secretId === adminSecret.outputs.id)!;
    assert.ok(adminValue.inputs.secretString instanceof Secret);
    assert.equal(reveal(adminValue.inputs.secretString), "old-admin-password");
    assert.deepEqual(
      recording
        .byType(PASSWORD)
        .map((p) => p.name)
        .sort(),
      [
        "toucan-mongo-keyfile-random",
        "toucan-mongo-readonly-password-random",
        "toucan-mongo-readwrite-password-random",
      ],
    );
  });

  it("a running stack that adds restoreFromSnapshots later replaces no volume (only the argument changes)", async () => {
    const before = (await build({})).recording;
    const after = (await build({ restoreFromSnapshots: { snapshotIds: SNAPSHOTS, adminPassword: "x" } }))
      .recording;
    const change = compareRecordings(before, after);
    const volumeChanges = Object.entries(change.changed).filter(([urn]) => urn.includes("ebs/volume"));
    // The engine sees snapshotId, but ignoreChanges keeps the volume: no replacement of data.
    for (const [urn, keys] of volumeChanges) {
      assert.deepEqual(keys, ["snapshotId"], urn);
      assert.ok(after.get(urn).ignoreChanges.includes("snapshotId"));
    }
  });

  const refusals: [string, MongoClusterArgs["restoreFromSnapshots"], string, RegExp][] = [
    [
      "two snapshots for three members",
      { snapshotIds: SNAPSHOTS.slice(0, 2), adminPassword: "x" },
      "restoreFromSnapshots.snapshotIds",
      /2 snapshot\(s\) for 3 members/,
    ],
    [
      "a volume id instead of a snapshot id",
      { snapshotIds: ["vol-0123456789abcdef0"], adminPassword: "x" },
      "restoreFromSnapshots.snapshotIds[0]",
      /not an EBS snapshot id/,
    ],
    [
      "no admin password",
      { snapshotIds: SNAPSHOTS } as never,
      "restoreFromSnapshots.adminPassword",
      /old stack's password/,
    ],
  ];
  for (const [label, restore, argument, problem] of refusals) {
    it(`refuses ${label} before anything registers`, async () => {
      const { error, recording } = await recordFailure(
        () => new MongoCluster("toucan-mongo", { ...NETWORK, restoreFromSnapshots: restore }),
      );
      assert.ok(error instanceof ToucanArgumentError, String(error));
      assert.ok(error.message.includes(`\`${argument}\``), error.message);
      assert.match(error.message, problem);
      assert.deepEqual(recording.built, []);
    });
  }

  it("refuses restoreFromSnapshots with another engine", async () => {
    const { error } = await recordFailure(
      () =>
        new MongoCluster("toucan-mongo", {
          ...NETWORK,
          engine: "documentdb",
          restoreFromSnapshots: { snapshotIds: SNAPSHOTS, adminPassword: "x" },
        }),
    );
    assert.ok(error instanceof ToucanArgumentError);
    assert.match(error.message, /`restoreFromSnapshots` .*has no effect with engine "documentdb"/);
  });
});

describe("SharedStorage around a file system AWS Backup restored", () => {
  const STORAGE = {
    vpcId: "vpc-0abc",
    subnetIds: ["subnet-a", "subnet-b", "subnet-c"],
    clientSecurityGroupIds: ["sg-backend"],
    clientRoleArns: ["arn:aws:iam::123456789012:role/backend"],
  };

  it("adds mount targets, access point and the TLS-only policy to it, but creates no file system", async () => {
    const { recording } = await record(
      () => new SharedStorage("toucan-storage", { ...STORAGE, restoredFileSystemId: "fs-0123456789abcdef0" }),
      { region: "eu-west-1" },
    );
    assert.deepEqual(recording.byType("aws:efs/fileSystem:FileSystem"), []);
    const targets = recording.byType("aws:efs/mountTarget:MountTarget");
    assert.deepEqual(
      targets.map((t) => [t.inputs.fileSystemId, t.inputs.subnetId]),
      STORAGE.subnetIds.map((subnet) => ["fs-0123456789abcdef0", subnet]),
    );
    assert.equal(
      recording.one("aws:efs/accessPoint:AccessPoint").inputs.fileSystemId,
      "fs-0123456789abcdef0",
    );
    const policy = recording.one("aws:efs/fileSystemPolicy:FileSystemPolicy");
    assert.equal(policy.inputs.fileSystemId, "fs-0123456789abcdef0");
    assert.match(String(policy.inputs.policy), /file-system\/fs-0123456789abcdef0/);
    assert.match(String(policy.inputs.policy), /"aws:SecureTransport"/);
  });

  for (const [label, args, problem] of [
    [
      "an id that is not a file system",
      { restoredFileSystemId: "fsap-0123456789abcdef0" },
      /not an EFS file system id/,
    ],
    [
      "a restored file system together with existing",
      { restoredFileSystemId: "fs-0123456789abcdef0", existing: { fileSystemId: "fs-0123456789abcdef0" } },
      /together with `existing`/,
    ],
  ] as const) {
    it(`refuses ${label}`, async () => {
      const { error, recording } = await recordFailure(
        () => new SharedStorage("toucan-storage", { ...STORAGE, ...args }),
      );
      assert.ok(error instanceof ToucanArgumentError, String(error));
      assert.match(error.message, /`restoredFileSystemId`/);
      assert.match(error.message, problem);
      assert.deepEqual(recording.built, []);
    });
  }
});
