/**
 * The backup taken before a backend version change: the backend runs irreversible database migrations at
 * boot, so the Mongo data (and the storage, when asked) are backed up into the stack's AWS Backup vault,
 * and the new backend tasks start only once every job completed. An SSM association on one Mongo member
 * (a secondary) starts the jobs and waits; a new backend version replaces the association, which runs
 * again, and `pulumi up` shows how long it took.
 */
import * as pulumi from "@pulumi/pulumi";
import * as aws from "@pulumi/aws";
import type { BackupAgent } from "./mongo-cluster";

/** The script: starts one AWS Backup job per resource ARN and waits for all of them. */
export function renderPreUpgradeBackupScript(): string {
  return `#!/bin/bash
# Backup before a Toucan backend version change (components/aws/pre-upgrade-backup.ts).
set -euo pipefail
REGION=$1 VAULT=$2 ROLE=$3 VERSION=$4
shift 4
POLL=\${TOUCAN_BACKUP_POLL_SECONDS:-30}
started=$SECONDS
log() { echo "toucan-pre-upgrade-backup: $*"; }
die() {
  echo "toucan-pre-upgrade-backup: $*" >&2
  exit 1
}

jobs=()
for arn in "$@"; do
  id=$(aws backup start-backup-job --region "$REGION" --backup-vault-name "$VAULT" --resource-arn "$arn" \\
    --iam-role-arn "$ROLE" --query BackupJobId --output text) ||
    die "could not start a backup of $arn; the backend stays on its version until one completes"
  log "backup job $id of $arn, before the backend moves to $VERSION"
  jobs+=("$id")
done

for id in "\${jobs[@]}"; do
  while true; do
    state=$(aws backup describe-backup-job --region "$REGION" --backup-job-id "$id" --query State --output text)
    case $state in
      COMPLETED) break ;;
      FAILED | ABORTED | EXPIRED)
        reason=$(aws backup describe-backup-job --region "$REGION" --backup-job-id "$id" \\
          --query StatusMessage --output text || true)
        die "backup job $id ended $state ($reason): the backend stays on its version. Fix the cause and run pulumi up again, or set preUpgradeBackup to false to upgrade without a backup"
        ;;
    esac
    sleep "$POLL"
  done
done
log "\${#jobs[@]} backup(s) completed in $((SECONDS - started)) s: the backend can move to $VERSION"
`;
}

const PATTERNS = {
  region: "^[a-z0-9-]+$",
  vaultName: "^[A-Za-z0-9_.-]+$",
  roleArn: "^arn:[a-z-]+:iam::\\d{12}:role/[A-Za-z0-9+=,.@_/-]+$",
  version: "^[A-Za-z0-9._:/@-]+$",
  resourceArns: "^(arn:[a-z-]+:[a-z0-9-]+:[a-z0-9-]*:\\d{12}:[A-Za-z0-9:/._-]+ ?)+$",
};

export function preUpgradeBackupDocument(): string {
  return JSON.stringify({
    schemaVersion: "2.2",
    description: "Backs up Toucan's data into the stack's AWS Backup vault before a backend version change",
    parameters: Object.fromEntries(
      Object.entries(PATTERNS).map(([name, allowedPattern]) => [name, { type: "String", allowedPattern }]),
    ),
    mainSteps: [
      {
        action: "aws:runShellScript",
        name: "backup",
        inputs: {
          timeoutSeconds: "14400",
          runCommand: [
            `cat >/usr/local/sbin/toucan-pre-upgrade-backup <<'SCRIPT'\n${renderPreUpgradeBackupScript()}SCRIPT`,
            "chmod 0700 /usr/local/sbin/toucan-pre-upgrade-backup",
            "/usr/local/sbin/toucan-pre-upgrade-backup '{{ region }}' '{{ vaultName }}' '{{ roleArn }}' '{{ version }}' {{ resourceArns }}",
          ],
        },
      },
    ],
  });
}

/** How long `pulumi up` waits for the backups: EFS backups of large file systems take hours. */
export const PRE_UPGRADE_BACKUP_TIMEOUT_SECONDS = 4 * 3600;

export interface PreUpgradeBackupArgs {
  agent: BackupAgent;
  /** The backend version (or image): a new one runs the backup again. */
  version: string;
  vaultName: pulumi.Input<string>;
  vaultArn: pulumi.Input<string>;
  /** The role AWS Backup uses (the backup plan's). */
  roleArn: pulumi.Input<string>;
  resourceArns: pulumi.Input<pulumi.Input<string>[]>;
  tags: Record<string, string>;
}

/** The document, the agent's permissions and the association; returns what the backend must wait for. */
export function createPreUpgradeBackup(
  parent: pulumi.Resource,
  name: string,
  args: PreUpgradeBackupArgs,
): aws.ssm.Association {
  const document = new aws.ssm.Document(
    `${name}-pre-upgrade-backup`,
    { documentType: "Command", documentFormat: "JSON", content: preUpgradeBackupDocument(), tags: args.tags },
    { parent },
  );
  const grant = new aws.iam.RolePolicy(
    `${name}-pre-upgrade-backup`,
    {
      role: args.agent.roleName,
      policy: pulumi.all([args.vaultArn, args.roleArn]).apply(([vaultArn, roleArn]) =>
        JSON.stringify({
          Version: "2012-10-17",
          Statement: [
            { Sid: "StartBackups", Effect: "Allow", Action: "backup:StartBackupJob", Resource: vaultArn },
            { Sid: "FollowBackups", Effect: "Allow", Action: "backup:DescribeBackupJob", Resource: "*" },
            {
              Sid: "PassTheBackupRole",
              Effect: "Allow",
              Action: "iam:PassRole",
              Resource: roleArn,
              Condition: { StringEquals: { "iam:PassedToService": "backup.amazonaws.com" } },
            },
          ],
        }),
      ),
    },
    { parent },
  );
  const region = aws.getRegionOutput({}, { parent }).region;
  return new aws.ssm.Association(
    `${name}-pre-upgrade-backup`,
    {
      name: document.name,
      documentVersion: document.latestVersion,
      targets: [{ key: "InstanceIds", values: [args.agent.instanceId] }],
      parameters: pulumi
        .all([region, args.vaultName, args.roleArn, pulumi.output(args.resourceArns)])
        .apply(([r, vault, role, arns]) => ({
          region: r,
          vaultName: vault,
          roleArn: role,
          version: args.version,
          resourceArns: arns.join(" "),
        })),
      maxConcurrency: "1",
      maxErrors: "0",
      waitForSuccessTimeoutSeconds: PRE_UPGRADE_BACKUP_TIMEOUT_SECONDS,
      tags: args.tags,
    },
    { parent, dependsOn: [grant], replaceOnChanges: ["parameters", "targets"] },
  );
}
