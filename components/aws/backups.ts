import * as pulumi from "@pulumi/pulumi";
import * as aws from "@pulumi/aws";
import { ArgumentChecks, requireArgs } from "../core/errors";
import { Transform, applyTransform } from "../core/transform";
import { checkedWhenKnown } from "./region";

const COMPONENT = "toucan:aws:Backups";
const BACKUP_VAULT_ARN =
  /^arn:aws[a-z-]*:backup:([a-z]{2}(?:-[a-z]+)+-\d):(\d{12}):backup-vault:[A-Za-z0-9_.-]{2,50}$/;
const KMS_KEY_ARN = /^arn:aws[a-z-]*:kms:([a-z]{2}(?:-[a-z]+)+-\d):(\d{12}):(key|alias)\/.+$/;

/** What is wrong with the vault's key, before anything registers or once another stack's ARN is known. */
function vaultKeyProblem(arn: string, region: string | undefined): string | undefined {
  const key = KMS_KEY_ARN.exec(arn);
  if (key === null) return "is not a KMS key ARN";
  if (region !== undefined && key[1] !== region)
    return `is a key of ${key[1]}, and a vault in ${region} can only use a key of its own region`;
  return undefined;
}

function vaultKeyFix(region: string | undefined): string {
  return `give the ARN of a key of ${region ?? "the stack's region"}, e.g. "arn:aws:kms:${region ?? "eu-west-1"}:123456789012:key/1234abcd-..."`;
}

export interface BackupsArgs {
  /**
   * ARNs of the resources to back up: the Mongo members' data volumes, the EFS file system, ...
   */
  resources: pulumi.Input<pulumi.Input<string>[]>;
  /**
   * Days each daily recovery point is kept.
   * @default 35
   */
  retentionDays?: number;
  /**
   * When the daily backup starts (an AWS Backup cron expression).
   * @default "cron(0 3 * * ? *)" (03:00)
   */
  schedule?: string;
  /**
   * Time zone of `schedule`.
   * @default "UTC"
   */
  scheduleTimezone?: string;
  /**
   * A customer-managed KMS key (ARN, in the stack's region) for the vault. EBS snapshots keep their
   * volume's key; the vault's key encrypts the resources AWS Backup fully manages (EFS). An Output (another
   * stack's key) is checked with the same messages once known, before the vault is created.
   * @default the AWS managed key `aws/backup`
   */
  kmsKeyArn?: pulumi.Input<string>;
  /**
   * Lock the vault (AWS Backup Vault Lock): recovery points cannot be deleted before `minRetentionDays`,
   * not even by an administrator. With `changeableForDays` the lock becomes immutable (compliance mode)
   * once those days pass: only use it when you mean it.
   * @default no lock
   */
  vaultLock?: { minRetentionDays: number; maxRetentionDays?: number; changeableForDays?: number };
  /**
   * Copy every recovery point to a vault in another region or account (disaster recovery). Copies out of
   * this region or account need recovery points encrypted with customer-managed keys: `kmsKeyArn` here,
   * and the Mongo data volumes' own key (`mongo.kmsKeyId`) for their snapshots.
   * @default no copy
   */
  copyTo?: {
    /** @example "arn:aws:backup:eu-central-1:123456789012:backup-vault:toucan-dr" */
    vaultArn: string;
    /** @default `retentionDays` */
    retentionDays?: number;
  };
  /**
   * Whether the resources' encryption keys are customer-managed (`copyTo` needs it). `Toucan` sets it from
   * `mongo.kmsKeyId`.
   * @default false
   */
  resourcesUseCustomerKeys?: boolean;
  /**
   * The stack's region, for the checks of `kmsKeyArn` and `copyTo`.
   * @default the stack's `aws:region`
   */
  region?: string;
  /**
   * Protect the vault (and its recovery points) from deletion.
   * @default true
   */
  protect?: boolean;
  /** Tags for every resource (and, through the plan, the recovery points). @default none */
  tags?: Record<string, string>;
  /** Change any child's arguments. @default none */
  transform?: { vault?: Transform<aws.backup.VaultArgs>; plan?: Transform<aws.backup.PlanArgs> };
}

interface Settings {
  retentionDays: number;
  schedule: string;
  timezone: string;
  protect: boolean;
  tags: Record<string, string>;
  copyTo?: { vaultArn: string; retentionDays: number };
}

/** Checks the arguments; throws every problem at once, before anything is registered. */
export function validateBackupsArgs(name: string, args: BackupsArgs): Settings {
  requireArgs(`Backups "${name}"`, args, "an object of BackupsArgs");
  const checks = new ArgumentChecks(`Backups "${name}"`);
  const retentionDays = args.retentionDays ?? 35;
  checks.require(
    Number.isInteger(retentionDays) && retentionDays >= 1 && retentionDays <= 36500,
    "retentionDays",
    retentionDays,
    "is not a whole number of days from 1 to 36500",
    "keep recovery points e.g. 35 days",
  );
  const schedule = args.schedule ?? "cron(0 3 * * ? *)";
  checks.require(
    /^cron\(\S+ \S+ \S+ \S+ \S+ \S+\)$/.test(schedule),
    "schedule",
    schedule,
    "is not an AWS Backup cron expression (six fields)",
    'use e.g. "cron(0 3 * * ? *)"',
  );
  const region = args.region ?? aws.config.region;
  checks.id("kmsKeyArn", args.kmsKeyArn, (arn) => vaultKeyProblem(arn, region), vaultKeyFix(region));
  const lock = args.vaultLock;
  if (lock) {
    checks.require(
      Number.isInteger(lock.minRetentionDays) &&
        lock.minRetentionDays >= 1 &&
        lock.minRetentionDays <= retentionDays,
      "vaultLock.minRetentionDays",
      lock.minRetentionDays,
      `is not a whole number of days from 1 to retentionDays (${retentionDays})`,
      "lock recovery points for at most as long as they are kept",
    );
    checks.require(
      lock.maxRetentionDays === undefined || lock.maxRetentionDays >= retentionDays,
      "vaultLock.maxRetentionDays",
      lock.maxRetentionDays,
      `is shorter than retentionDays (${retentionDays}): AWS Backup would refuse the plan's recovery points`,
      "raise it, or leave it out",
    );
    checks.require(
      lock.changeableForDays === undefined ||
        (Number.isInteger(lock.changeableForDays) && lock.changeableForDays >= 3),
      "vaultLock.changeableForDays",
      lock.changeableForDays,
      "is not a whole number of days of at least 3 (AWS's minimum grace time before the lock is immutable)",
      "use 3 or more, or leave it out for a lock you can still remove (governance mode)",
    );
  }
  let copyTo: Settings["copyTo"];
  if (args.copyTo) {
    const vault = BACKUP_VAULT_ARN.exec(args.copyTo.vaultArn);
    checks.require(
      vault !== null,
      "copyTo.vaultArn",
      args.copyTo.vaultArn,
      "is not a backup vault ARN",
      'give e.g. "arn:aws:backup:eu-central-1:123456789012:backup-vault:toucan-dr"',
    );
    checks.require(
      args.kmsKeyArn !== undefined && args.resourcesUseCustomerKeys === true,
      "copyTo.vaultArn",
      args.copyTo.vaultArn,
      "is a vault in another region or account, and the recovery points are encrypted with AWS managed keys, " +
        "which cannot be used there",
      "give `kmsKeyArn` (a customer-managed key for the vault) and encrypt the Mongo volumes with one " +
        "(`mongo.kmsKeyId`), or leave `copyTo` out",
    );
    copyTo = { vaultArn: args.copyTo.vaultArn, retentionDays: args.copyTo.retentionDays ?? retentionDays };
    checks.require(
      Number.isInteger(copyTo.retentionDays) && copyTo.retentionDays >= 1,
      "copyTo.retentionDays",
      copyTo.retentionDays,
      "is not a whole number of days of at least 1",
      "keep copies e.g. 35 days",
    );
  }
  checks.throwIfAny();
  return {
    retentionDays,
    schedule,
    timezone: args.scheduleTimezone ?? "UTC",
    protect: args.protect ?? true,
    tags: args.tags ?? {},
    copyTo,
  };
}

/**
 * Daily AWS Backup of the stack's stateful resources: a vault (customer key and Vault Lock optional), a
 * plan with a daily rule kept `retentionDays` (35 by default) and an optional copy to another region or
 * account, and a selection of exactly the resources given, backed up under a role of their own.
 */
export class Backups extends pulumi.ComponentResource {
  readonly vaultName: pulumi.Output<string>;
  readonly vaultArn: pulumi.Output<string>;
  readonly planId: pulumi.Output<string>;
  /** The role AWS Backup runs as (for on-demand jobs too). */
  readonly roleArn: pulumi.Output<string>;

  constructor(name: string, args: BackupsArgs, opts: pulumi.ComponentResourceOptions = {}) {
    const s = validateBackupsArgs(name, args);
    super(COMPONENT, name, {}, opts);
    const region = args.region ?? aws.config.region;
    const vault = new aws.backup.Vault(
      ...applyTransform(
        args.transform?.vault,
        `${name}-vault`,
        {
          kmsKeyArn:
            args.kmsKeyArn === undefined
              ? undefined
              : checkedWhenKnown(
                  args.kmsKeyArn,
                  { component: `Backups "${name}"`, argument: "kmsKeyArn", fix: vaultKeyFix(region) },
                  (arn) => vaultKeyProblem(arn, region),
                ),
          forceDestroy: !s.protect,
          tags: s.tags,
        },
        { parent: this, protect: s.protect },
      ),
    );
    if (args.vaultLock) {
      new aws.backup.VaultLockConfiguration(
        `${name}-lock`,
        {
          backupVaultName: vault.name,
          minRetentionDays: args.vaultLock.minRetentionDays,
          maxRetentionDays: args.vaultLock.maxRetentionDays,
          changeableForDays: args.vaultLock.changeableForDays,
        },
        { parent: this, protect: s.protect },
      );
    }
    const plan = new aws.backup.Plan(
      ...applyTransform(
        args.transform?.plan,
        `${name}-plan`,
        {
          rules: [
            {
              ruleName: "daily",
              targetVaultName: vault.name,
              schedule: s.schedule,
              scheduleExpressionTimezone: s.timezone,
              startWindow: 60,
              completionWindow: 24 * 60,
              lifecycle: { deleteAfter: s.retentionDays },
              recoveryPointTags: s.tags,
              copyActions: s.copyTo
                ? [
                    {
                      destinationVaultArn: s.copyTo.vaultArn,
                      lifecycle: { deleteAfter: s.copyTo.retentionDays },
                    },
                  ]
                : undefined,
            },
          ],
          tags: s.tags,
        },
        { parent: this },
      ),
    );
    const role = new aws.iam.Role(
      `${name}-role`,
      {
        description: `AWS Backup for ${name}: backs up and restores the stack's stateful resources`,
        assumeRolePolicy: JSON.stringify({
          Version: "2012-10-17",
          Statement: [
            { Effect: "Allow", Principal: { Service: "backup.amazonaws.com" }, Action: "sts:AssumeRole" },
          ],
        }),
        tags: s.tags,
      },
      { parent: this },
    );
    const partition = aws.getPartitionOutput({}, { parent: this }).partition;
    const attachments = ["AWSBackupServiceRolePolicyForBackup", "AWSBackupServiceRolePolicyForRestores"].map(
      (policy) =>
        new aws.iam.RolePolicyAttachment(
          `${name}-${policy.endsWith("Backup") ? "backup" : "restores"}`,
          {
            role: role.name,
            policyArn: pulumi.interpolate`arn:${partition}:iam::aws:policy/service-role/${policy}`,
          },
          { parent: this },
        ),
    );
    new aws.backup.Selection(
      `${name}-selection`,
      {
        name: `${name}-resources`.slice(0, 50),
        planId: plan.id,
        iamRoleArn: role.arn,
        resources: args.resources,
      },
      { parent: this, dependsOn: attachments },
    );
    this.vaultName = vault.name;
    this.vaultArn = vault.arn;
    this.planId = plan.id;
    this.roleArn = role.arn;
    this.registerOutputs({ vaultName: this.vaultName, vaultArn: this.vaultArn, planId: this.planId });
  }
}
