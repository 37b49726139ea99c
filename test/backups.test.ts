import { strict as assert } from "assert";
import { Backups, BackupsArgs } from "../components/aws/backups";
import { Toucan } from "../components/aws/toucan";
import { ToucanArgumentError } from "../components/core/errors";
import { Recording, record, recordFailure } from "../components/planner/recorder";

const VAULT = "aws:backup/vault:Vault";
const PLAN = "aws:backup/plan:Plan";
const SELECTION = "aws:backup/selection:Selection";
const LOCK = "aws:backup/vaultLockConfiguration:VaultLockConfiguration";
const ATTACHMENT = "aws:iam/rolePolicyAttachment:RolePolicyAttachment";
const VOLUME = "aws:ebs/volume:Volume";
const FILE_SYSTEM = "aws:efs/fileSystem:FileSystem";
const EFS_BACKUP_POLICY = "aws:efs/backupPolicy:BackupPolicy";

const RESOURCES = [
  "arn:aws:ec2:eu-west-1:123456789012:volume/vol-1",
  "arn:aws:elasticfilesystem:eu-west-1:123456789012:file-system/fs-1",
];
const KEY = "arn:aws:kms:eu-west-1:123456789012:key/1234abcd-12ab-34cd-56ef-1234567890ab";
const DR_VAULT = "arn:aws:backup:eu-central-1:210987654321:backup-vault:toucan-dr";

interface Rule {
  ruleName: string;
  targetVaultName: string;
  schedule: string;
  scheduleExpressionTimezone: string;
  lifecycle: { deleteAfter: number };
  copyActions?: { destinationVaultArn: string; lifecycle: { deleteAfter: number } }[];
}

async function build(args: Partial<BackupsArgs> = {}) {
  return record(() => new Backups("toucan-backups", { resources: RESOURCES, region: "eu-west-1", ...args }), {
    region: "eu-west-1",
  });
}

describe("Backups (AWS Backup)", () => {
  let recording: Recording;
  before(async () => {
    ({ recording } = await build());
  });

  it("backs up daily at 03:00 UTC into a protected vault, keeping 35 days", () => {
    const vault = recording.one(VAULT);
    assert.equal(vault.protect, true);
    assert.equal(vault.inputs.forceDestroy, false);
    assert.equal(vault.inputs.kmsKeyArn, undefined);
    const [rule] = recording.one(PLAN).inputs.rules as Rule[];
    assert.equal(rule.targetVaultName, vault.outputs.name);
    assert.equal(rule.schedule, "cron(0 3 * * ? *)");
    assert.equal(rule.scheduleExpressionTimezone, "UTC");
    assert.deepEqual(rule.lifecycle, { deleteAfter: 35 });
    assert.equal(rule.copyActions, undefined);
  });

  it("selects exactly the given resources, under a role with AWS's backup and restore policies", () => {
    const selection = recording.one(SELECTION);
    assert.deepEqual(selection.inputs.resources, RESOURCES);
    assert.equal(selection.inputs.planId, recording.one(PLAN).outputs.id);
    const policies = recording.byType(ATTACHMENT).map((a) => String(a.inputs.policyArn));
    assert.deepEqual(policies.sort(), [
      "arn:aws:iam::aws:policy/service-role/AWSBackupServiceRolePolicyForBackup",
      "arn:aws:iam::aws:policy/service-role/AWSBackupServiceRolePolicyForRestores",
    ]);
    const role = recording.one("aws:iam/role:Role");
    assert.equal(selection.inputs.iamRoleArn, role.outputs.arn);
    assert.match(String(role.inputs.assumeRolePolicy), /"Service":"backup.amazonaws.com"/);
    // The selection waits for the role's policies, or the first job could run without them.
    const attachmentUrns = recording.byType(ATTACHMENT).map((a) => a.urn);
    assert.ok(attachmentUrns.every((urn) => selection.dependencies.includes(urn)));
  });

  it("takes a customer key, a vault lock and a copy to another region and account", async () => {
    const { recording: r } = await build({
      retentionDays: 90,
      kmsKeyArn: KEY,
      resourcesUseCustomerKeys: true,
      vaultLock: { minRetentionDays: 30, maxRetentionDays: 365 },
      copyTo: { vaultArn: DR_VAULT, retentionDays: 30 },
    });
    assert.equal(r.one(VAULT).inputs.kmsKeyArn, KEY);
    const lock = r.one(LOCK);
    assert.equal(lock.inputs.backupVaultName, r.one(VAULT).outputs.name);
    assert.equal(lock.inputs.minRetentionDays, 30);
    assert.equal(lock.inputs.maxRetentionDays, 365);
    assert.equal(lock.inputs.changeableForDays, undefined, "governance mode: the lock can still be removed");
    const [rule] = r.one(PLAN).inputs.rules as Rule[];
    assert.deepEqual(rule.lifecycle, { deleteAfter: 90 });
    assert.deepEqual(rule.copyActions, [{ destinationVaultArn: DR_VAULT, lifecycle: { deleteAfter: 30 } }]);
  });
});

describe("Backups: bad input is refused before anything registers", () => {
  const cases: [string, Partial<BackupsArgs>, string, RegExp][] = [
    ["a retention of 0 days", { retentionDays: 0 }, "retentionDays", /1 to 36500/],
    ["a five-field cron", { schedule: "cron(0 3 * * *)" }, "schedule", /six fields/],
    [
      "a key of another region",
      { kmsKeyArn: KEY.replace("eu-west-1", "us-east-1") },
      "kmsKeyArn",
      /only use a key of its own region/,
    ],
    ["a key that is not an ARN", { kmsKeyArn: "alias/backup" }, "kmsKeyArn", /not a KMS key ARN/],
    [
      "a copy to another vault without customer keys",
      { copyTo: { vaultArn: DR_VAULT } },
      "copyTo.vaultArn",
      /AWS managed keys/,
    ],
    [
      "a copy target that is not a vault ARN",
      { copyTo: { vaultArn: "toucan-dr" } },
      "copyTo.vaultArn",
      /not a backup vault ARN/,
    ],
    [
      "a lock longer than the retention",
      { vaultLock: { minRetentionDays: 60 } },
      "vaultLock.minRetentionDays",
      /retentionDays \(35\)/,
    ],
    [
      "a compliance lock with no grace",
      { vaultLock: { minRetentionDays: 7, changeableForDays: 1 } },
      "vaultLock.changeableForDays",
      /at least 3/,
    ],
  ];
  for (const [label, args, argument, problem] of cases) {
    it(`refuses ${label}`, async () => {
      const { error, recording } = await recordFailure(
        () => new Backups("toucan-backups", { resources: RESOURCES, region: "eu-west-1", ...args }),
      );
      assert.ok(error instanceof ToucanArgumentError, String(error));
      assert.ok(error.message.includes(`\`${argument}\``), error.message);
      assert.match(error.message, problem);
      assert.deepEqual(recording.built, []);
    });
  }
});

describe("Toucan with backups (on by default)", () => {
  it("backs up the three Mongo data volumes and the file system, and turns EFS's own automatic backup off", async () => {
    const { recording } = await record(
      () =>
        new Toucan("toucan", {
          version: "v100.5.1",
          frontendDomain: "toucan.example.com",
          zoneId: "Z0123456789EXAMPLE",
        }),
      { region: "eu-west-1", config: { "aws:region": "eu-west-1" } },
    );
    // Member 1's volume first (members register in rollout order, the ARNs come in member order).
    const volumes = [1, 2, 3].map((m) => recording.one(VOLUME, `toucan-mongo-member-${m}-data`).outputs.arn);
    assert.equal(volumes.length, 3);
    const fileSystem = recording.one(FILE_SYSTEM).outputs.arn;
    assert.deepEqual(recording.one(SELECTION).inputs.resources, [...volumes, fileSystem]);
    assert.deepEqual(recording.one(EFS_BACKUP_POLICY).inputs.backupPolicy, { status: "DISABLED" });
  });

  it("refuses bad backup settings before the first resource of the stack", async () => {
    const { error, recording } = await recordFailure(
      () =>
        new Toucan("toucan", {
          version: "v100.5.1",
          frontendDomain: "toucan.example.com",
          zoneId: "Z0123456789EXAMPLE",
          backups: { retentionDays: 0 },
        }),
      { region: "eu-west-1" },
    );
    assert.ok(error instanceof ToucanArgumentError, String(error));
    assert.match(error.message, /`retentionDays`/);
    assert.deepEqual(recording.built, []);
  });

  it("leaves AWS Backup out with backups: false, and EFS keeps its automatic backup", async () => {
    const { recording } = await record(
      () =>
        new Toucan("toucan", {
          version: "v100.5.1",
          frontendDomain: "toucan.example.com",
          zoneId: "Z0123456789EXAMPLE",
          backups: false,
        }),
      { region: "eu-west-1" },
    );
    assert.deepEqual(recording.byType(PLAN), []);
    assert.deepEqual(recording.one(EFS_BACKUP_POLICY).inputs.backupPolicy, { status: "ENABLED" });
  });
});
