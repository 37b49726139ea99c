import * as pulumi from "@pulumi/pulumi";
import * as aws from "@pulumi/aws";
import { ArgumentChecks, requireArgs } from "../core/errors";
import { Transform, applyTransform } from "../core/transform";
import {
  TOOLBOX_DUMP_PATH,
  TOOLBOX_ENV,
  TOOLBOX_STORAGE_PATH,
  containerOverrides,
  runTaskCommand,
  toolboxImage,
} from "../core/toolbox";
import { lockDownBucket } from "./private-bucket";
import { defaultFamily } from "./toucan-service";
import { LOG_KEY_FIX, logGroupKey, logKeyProblem } from "./log-group-key";

const COMPONENT = "toucan:aws:Toolbox";
/** A pinned AWS CLI image for the containers that move dumps to and from S3. */
export const DEFAULT_AWS_CLI_IMAGE = "public.ecr.aws/aws-cli/aws-cli:2.17.0";

/** The shared storage the toolbox mounts at `/storage` (the backend's `/app/storage`). */
export interface ToolboxStorage {
  fileSystemId: pulumi.Input<string>;
  accessPointId: pulumi.Input<string>;
  fileSystemArn: pulumi.Input<string>;
  accessPointArn: pulumi.Input<string>;
}

export interface ToolboxArgs {
  /**
   * The backend's version: the toolbox tag follows it (`v100.5.1` runs
   * `quay.io/toucantoco/backup:toucan_backend_toolbox_100.5.1-latest`). Required unless `image` is given.
   */
  backendVersion?: string;
  /**
   * A full toolbox image reference (a mirror, or a floating backend version's matching toolbox).
   * @default from `backendVersion`
   */
  image?: string;
  /**
   * The image of the containers that copy dumps to and from S3 (it needs `sh` and `aws`).
   * @default "public.ecr.aws/aws-cli/aws-cli:2.17.0"
   */
  awsCliImage?: string;
  /** The ECS cluster the tasks run in. */
  cluster: { arn: pulumi.Input<string>; name: pulumi.Input<string> };
  /** Private subnets of the tasks: a plain array or one Output (another stack's list, say). */
  subnetIds: pulumi.Input<pulumi.Input<string>[]>;
  /**
   * Security groups of the tasks: the backend's, so Mongo, EFS and the backend's URL admit them. A plain array
   * or one Output.
   */
  securityGroupIds: pulumi.Input<pulumi.Input<string>[]>;
  /** The stack's storage. */
  storage: ToolboxStorage;
  /** Secrets Manager ARN of `TOUCAN_MONGODB_HOST` (the read/write connection string): the toolbox's `MONGO_URI`. */
  mongoUriSecretArn: pulumi.Input<string>;
  /** The backend's public base URL (`API_BASEROUTE`): `BACKEND_URL_SPECIFIC`. */
  backendUrl: pulumi.Input<string>;
  /**
   * A Secrets Manager secret with `username` and `password` of a Toucan admin: `toucan_restore` needs them.
   * @default none: no restore task is created (the backup task still is)
   */
  adminCredentialsSecretArn?: pulumi.Input<string>;
  /**
   * KMS keys (ARNs) of the secrets above, when they are encrypted with customer-managed keys.
   * @default none: the AWS managed key
   */
  secretKmsKeyArns?: pulumi.Input<string>[];
  /**
   * An existing task role. It must be allowed to mount the storage (the file-system policy names the
   * roles it admits): `Toucan` creates one and grants it.
   * @default a role of its own (give it to the storage's `clientRoleArns`)
   */
  taskRole?: { arn: pulumi.Input<string>; name: pulumi.Input<string> };
  /**
   * Days the dumps are kept in the bucket.
   * @default 90
   */
  dumpRetentionDays?: number;
  /**
   * Export chosen small apps on a schedule (EventBridge Scheduler runs the backup task once per app).
   * @default none
   */
  schedule?: {
    /** The small apps to export. */
    smallApps: string[];
    /**
     * When, as an EventBridge Scheduler expression.
     * @default "cron(0 2 * * ? *)" (every night at 02:00)
     */
    expression?: string;
    /**
     * Time zone of the expression.
     * @default "UTC"
     */
    timezone?: string;
  };
  /**
   * Task size: CPU units and MiB.
   * @default { cpu: 1024, memory: 2048 }
   */
  size?: { cpu: number; memory: number };
  /**
   * Days the tasks' logs are kept.
   * @default 30
   */
  logRetentionDays?: number;
  /**
   * A customer-managed KMS key (ARN) the tasks' log group is encrypted with; its key policy must let
   * `logs.<region>.amazonaws.com` use it.
   * @default CloudWatch Logs' own encryption
   */
  logKmsKeyArn?: pulumi.Input<string>;
  /**
   * Protect the dumps bucket from deletion.
   * @default true
   */
  protect?: boolean;
  /** Tags for every resource. @default none */
  tags?: Record<string, string>;
  /** Change any child's arguments. @default none */
  transform?: {
    bucket?: Transform<aws.s3.BucketArgs>;
    backupTask?: Transform<aws.ecs.TaskDefinitionArgs>;
    restoreTask?: Transform<aws.ecs.TaskDefinitionArgs>;
    schedule?: Transform<aws.scheduler.ScheduleArgs>;
  };
}

interface Settings {
  image: string;
  awsCliImage: string;
  dumpRetentionDays: number;
  logRetentionDays: number;
  cpu: number;
  memory: number;
  protect: boolean;
  tags: Record<string, string>;
  schedule?: { smallApps: string[]; expression: string; timezone: string };
}

/** Fargate's CPU units and the memory sizes each allows (MiB). */
const FARGATE_SIZES: Record<number, [number, number, number]> = {
  256: [512, 2048, 1024],
  512: [1024, 4096, 1024],
  1024: [2048, 8192, 1024],
  2048: [4096, 16384, 1024],
  4096: [8192, 30720, 1024],
};

/** Checks the arguments; throws every problem at once, before anything is registered. */
export function validateToolboxArgs(name: string, args: ToolboxArgs): Settings {
  requireArgs(`Toolbox "${name}"`, args, "an object of ToolboxArgs");
  const checks = new ArgumentChecks(`Toolbox "${name}"`);
  const image = args.image ?? toolboxImage(args.backendVersion);
  checks.require(
    image !== undefined,
    args.image === undefined && args.backendVersion !== undefined ? "backendVersion" : "image",
    args.backendVersion ?? args.image,
    args.backendVersion !== undefined
      ? "has no matching toolbox image (the toolbox is tagged per pinned version, vMAJOR.MINOR.PATCH)"
      : "is needed to pick the toolbox image",
    'pin the backend version (e.g. "v100.5.1"), or give the toolbox `image` explicitly',
  );
  const dumpRetentionDays = args.dumpRetentionDays ?? 90;
  checks.require(
    Number.isInteger(dumpRetentionDays) && dumpRetentionDays >= 1,
    "dumpRetentionDays",
    dumpRetentionDays,
    "is not a whole number of days of at least 1",
    "keep dumps e.g. 90 days",
  );
  const logRetentionDays = args.logRetentionDays ?? 30;
  const cpu = args.size?.cpu ?? 1024;
  const memory = args.size?.memory ?? 2048;
  const sizes = FARGATE_SIZES[cpu];
  checks.require(
    sizes !== undefined && memory >= sizes[0] && memory <= sizes[1] && (memory - sizes[0]) % sizes[2] === 0,
    "size",
    { cpu, memory },
    "is not a Fargate task size",
    "use e.g. { cpu: 1024, memory: 2048 } (see the Fargate task sizes table)",
  );
  let schedule: Settings["schedule"];
  if (args.schedule) {
    const apps = args.schedule.smallApps ?? [];
    checks.require(
      apps.length > 0 && apps.every((a) => typeof a === "string" && /^[A-Za-z0-9_-]{1,64}$/.test(a)),
      "schedule.smallApps",
      apps,
      "is not a non-empty list of small app names",
      'list the small apps to export, e.g. ["sales-dashboard"]',
    );
    checks.require(
      new Set(apps).size === apps.length,
      "schedule.smallApps",
      apps,
      "lists a small app twice",
      "list each small app once",
    );
    const expression = args.schedule.expression ?? "cron(0 2 * * ? *)";
    checks.require(
      /^(cron|rate)\(.+\)$/.test(expression),
      "schedule.expression",
      expression,
      "is not an EventBridge Scheduler expression",
      'use e.g. "cron(0 2 * * ? *)" or "rate(1 day)"',
    );
    schedule = { smallApps: apps, expression, timezone: args.schedule.timezone ?? "UTC" };
  }
  checks.id("logKmsKeyArn", args.logKmsKeyArn, logKeyProblem, LOG_KEY_FIX);
  checks.throwIfAny();
  return {
    image: image!,
    awsCliImage: args.awsCliImage ?? DEFAULT_AWS_CLI_IMAGE,
    dumpRetentionDays,
    logRetentionDays,
    cpu,
    memory,
    protect: args.protect ?? true,
    tags: args.tags ?? {},
    schedule,
  };
}

/** A container of the toolbox's task definitions, as ECS reads it. */
interface ContainerDefinition {
  name: string;
  image: string;
  essential: boolean;
  entryPoint?: string[];
  command?: string[];
  environment?: { name: string; value: string }[];
  secrets?: { name: string; valueFrom: string }[];
  mountPoints?: { sourceVolume: string; containerPath: string; readOnly: boolean }[];
  dependsOn?: { containerName: string; condition: string }[];
  logConfiguration: object;
}

/**
 * The vendor's backup toolbox on ECS: a `backup` task that runs `toucan_backup` for one small app and
 * copies the dump to a private, encrypted S3 bucket, and a `restore` task that fetches a dump from the
 * bucket and runs `toucan_restore` into this stack. Both mount the stack's storage at `/storage` and read
 * `MONGO_URI` from Secrets Manager. Outputs give the exact `aws ecs run-task` commands; an optional
 * schedule exports chosen small apps every night.
 */
export class Toolbox extends pulumi.ComponentResource {
  /** The bucket the dumps go to (`s3://<bucket>/<time>-<small app>/on-premise_backup-XXXXXXXX/`). */
  readonly dumpsBucketName: pulumi.Output<string>;
  readonly backupTaskDefinitionArn: pulumi.Output<string>;
  /** Undefined without `adminCredentialsSecretArn`. */
  readonly restoreTaskDefinitionArn?: pulumi.Output<string>;
  /** `aws ecs run-task ...` exporting one small app (replace SMALL_APP). */
  readonly backupCommand: pulumi.Output<string>;
  /** `aws ecs run-task ...` restoring one dump (replace DUMP and SMALL_APP). Undefined without admin credentials. */
  readonly restoreCommand?: pulumi.Output<string>;
  /** The role the tasks run as: the storage's file-system policy must admit it. */
  readonly taskRoleArn: pulumi.Output<string>;

  constructor(name: string, args: ToolboxArgs, opts: pulumi.ComponentResourceOptions = {}) {
    const s = validateToolboxArgs(name, args);
    super(COMPONENT, name, {}, opts);
    const region = aws.getRegionOutput({}, { parent: this }).region;

    const bucket = this.createDumpsBucket(name, args, s);
    const logGroup = new aws.cloudwatch.LogGroup(
      `${name}-logs`,
      {
        retentionInDays: s.logRetentionDays,
        ...logGroupKey(args.logKmsKeyArn, `Toolbox "${name}"`, "logKmsKeyArn"),
        tags: s.tags,
      },
      { parent: this },
    );
    const executionRole = this.createExecutionRole(name, args, s);
    const taskRole = args.taskRole ?? this.createTaskRole(name, s);
    this.grantTaskRole(name, args, taskRole, bucket);
    const log = (prefix: string) => ({
      logDriver: "awslogs",
      options: { "awslogs-group": logGroup.name, "awslogs-region": region, "awslogs-stream-prefix": prefix },
    });
    const volumes = [
      {
        name: "storage",
        efsVolumeConfiguration: {
          fileSystemId: args.storage.fileSystemId,
          transitEncryption: "ENABLED",
          authorizationConfig: { accessPointId: args.storage.accessPointId, iam: "ENABLED" },
        },
      },
      { name: "dumps" },
    ];
    const taskDefinition = (kind: "backup" | "restore", containers: pulumi.Output<ContainerDefinition[]>) =>
      new aws.ecs.TaskDefinition(
        ...applyTransform(
          kind === "backup" ? args.transform?.backupTask : args.transform?.restoreTask,
          `${name}-${kind}`,
          {
            family: defaultFamily(pulumi.getProject(), pulumi.getStack(), `${name}-${kind}`),
            requiresCompatibilities: ["FARGATE"],
            networkMode: "awsvpc",
            cpu: String(s.cpu),
            memory: String(s.memory),
            executionRoleArn: executionRole.arn,
            taskRoleArn: taskRole.arn,
            runtimePlatform: { operatingSystemFamily: "LINUX", cpuArchitecture: "X86_64" },
            volumes,
            containerDefinitions: pulumi.jsonStringify(containers),
            tags: s.tags,
          },
          { parent: this },
        ),
      );

    const backup = taskDefinition("backup", this.backupContainers(args, s, bucket.bucket, log));
    this.backupTaskDefinitionArn = backup.arn;
    const target = {
      clusterArn: args.cluster.arn,
      subnetIds: args.subnetIds,
      securityGroupIds: args.securityGroupIds,
    };
    this.backupCommand = pulumi
      .all([target.clusterArn, backup.arn, target.subnetIds, target.securityGroupIds])
      .apply(([clusterArn, taskDefinitionArn, subnetIds, securityGroupIds]) =>
        runTaskCommand(
          { clusterArn, taskDefinitionArn, subnetIds, securityGroupIds },
          ["toolbox", "upload"],
          { [TOOLBOX_ENV.smallApp]: "SMALL_APP" },
        ),
      );
    if (args.adminCredentialsSecretArn !== undefined) {
      const restore = taskDefinition(
        "restore",
        this.restoreContainers(args, s, args.adminCredentialsSecretArn, bucket.bucket, log),
      );
      this.restoreTaskDefinitionArn = restore.arn;
      this.restoreCommand = pulumi
        .all([target.clusterArn, restore.arn, target.subnetIds, target.securityGroupIds])
        .apply(([clusterArn, taskDefinitionArn, subnetIds, securityGroupIds]) =>
          runTaskCommand(
            { clusterArn, taskDefinitionArn, subnetIds, securityGroupIds },
            ["download", "toolbox"],
            { DUMP: "DUMP", [TOOLBOX_ENV.smallApps]: "SMALL_APP" },
          ),
        );
    }
    if (s.schedule) this.scheduleExports(name, args, s, s.schedule, backup, executionRole, taskRole);

    this.dumpsBucketName = bucket.bucket;
    this.taskRoleArn = pulumi.output(taskRole.arn);
    this.registerOutputs({
      dumpsBucketName: this.dumpsBucketName,
      backupCommand: this.backupCommand,
      restoreCommand: this.restoreCommand,
    });
  }

  /** `toucan_backup` writes the dump to the shared `dumps` volume; `upload` copies it to S3 when it succeeded. */
  private backupContainers(
    args: ToolboxArgs,
    s: Settings,
    bucket: pulumi.Output<string>,
    log: (prefix: string) => object,
  ): pulumi.Output<ContainerDefinition[]> {
    return pulumi
      .all([args.backendUrl, args.mongoUriSecretArn, bucket])
      .apply(([backendUrl, mongoUri, b]) => [
        {
          name: "toolbox",
          image: s.image,
          essential: false,
          command: ["toucan_backup"],
          environment: [{ name: TOOLBOX_ENV.backendUrl, value: backendUrl }],
          secrets: [{ name: TOOLBOX_ENV.mongoUri, valueFrom: mongoUri }],
          mountPoints: [
            { sourceVolume: "storage", containerPath: TOOLBOX_STORAGE_PATH, readOnly: true },
            { sourceVolume: "dumps", containerPath: TOOLBOX_DUMP_PATH, readOnly: false },
          ],
          logConfiguration: log("backup"),
        },
        {
          name: "upload",
          image: s.awsCliImage,
          essential: true,
          dependsOn: [{ containerName: "toolbox", condition: "SUCCESS" }],
          entryPoint: ["/bin/sh", "-c"],
          command: [
            `set -eu; dest="s3://${b}/$(date -u +%Y%m%dT%H%M%SZ)-$${TOOLBOX_ENV.smallApp}/"; ` +
              `aws s3 cp --recursive --only-show-errors ${TOOLBOX_DUMP_PATH}/ "$dest"; echo "dump stored at $dest"`,
          ],
          mountPoints: [{ sourceVolume: "dumps", containerPath: TOOLBOX_DUMP_PATH, readOnly: true }],
          logConfiguration: log("upload"),
        },
      ]);
  }

  /** `download` fetches the dump named by `DUMP` (a key prefix in the bucket); then `toucan_restore` runs. */
  private restoreContainers(
    args: ToolboxArgs,
    s: Settings,
    adminCredentials: pulumi.Input<string>,
    bucket: pulumi.Output<string>,
    log: (prefix: string) => object,
  ): pulumi.Output<ContainerDefinition[]> {
    return pulumi
      .all([args.backendUrl, args.mongoUriSecretArn, adminCredentials, bucket])
      .apply(([backendUrl, mongoUri, admin, b]) => [
        {
          name: "download",
          image: s.awsCliImage,
          essential: false,
          entryPoint: ["/bin/sh", "-c"],
          command: [
            `set -eu; dir="${TOOLBOX_DUMP_PATH}/$(basename "$DUMP")"; ` +
              `aws s3 cp --recursive --only-show-errors "s3://${b}/$DUMP" "$dir"`,
          ],
          mountPoints: [{ sourceVolume: "dumps", containerPath: TOOLBOX_DUMP_PATH, readOnly: false }],
          logConfiguration: log("download"),
        },
        {
          name: "toolbox",
          image: s.image,
          essential: true,
          dependsOn: [{ containerName: "download", condition: "SUCCESS" }],
          entryPoint: ["/bin/sh", "-c"],
          command: [`toucan_restore "${TOOLBOX_DUMP_PATH}/$(basename "$DUMP")" ${TOOLBOX_STORAGE_PATH}`],
          environment: [{ name: TOOLBOX_ENV.backendUrl, value: backendUrl }],
          secrets: [
            { name: TOOLBOX_ENV.mongoUri, valueFrom: mongoUri },
            { name: TOOLBOX_ENV.backendUser, valueFrom: `${admin}:username::` },
            { name: TOOLBOX_ENV.backendPassword, valueFrom: `${admin}:password::` },
          ],
          mountPoints: [
            { sourceVolume: "storage", containerPath: TOOLBOX_STORAGE_PATH, readOnly: false },
            { sourceVolume: "dumps", containerPath: TOOLBOX_DUMP_PATH, readOnly: false },
          ],
          logConfiguration: log("restore"),
        },
      ]);
  }

  private createDumpsBucket(name: string, args: ToolboxArgs, s: Settings): aws.s3.Bucket {
    const bucket = new aws.s3.Bucket(
      ...applyTransform(
        args.transform?.bucket,
        `${name}-dumps`,
        { forceDestroy: !s.protect, tags: s.tags },
        { parent: this, protect: s.protect },
      ),
    );
    lockDownBucket(`${name}-dumps`, bucket, this);
    new aws.s3.BucketLifecycleConfiguration(
      `${name}-dumps`,
      {
        bucket: bucket.id,
        rules: [
          {
            id: "expire-dumps",
            status: "Enabled",
            filter: {},
            expiration: { days: s.dumpRetentionDays },
            abortIncompleteMultipartUpload: { daysAfterInitiation: 1 },
          },
        ],
      },
      { parent: this },
    );
    return bucket;
  }

  private createExecutionRole(name: string, args: ToolboxArgs, s: Settings): aws.iam.Role {
    const role = new aws.iam.Role(
      `${name}-execution`,
      {
        description: `ECS on behalf of the toolbox ${name}: image pulls, logs and secrets`,
        assumeRolePolicy: assumedBy("ecs-tasks.amazonaws.com"),
        tags: s.tags,
      },
      { parent: this },
    );
    new aws.iam.RolePolicyAttachment(
      `${name}-execution-managed`,
      { role: role.name, policyArn: "arn:aws:iam::aws:policy/service-role/AmazonECSTaskExecutionRolePolicy" },
      { parent: this },
    );
    const secrets = [
      args.mongoUriSecretArn,
      ...(args.adminCredentialsSecretArn ? [args.adminCredentialsSecretArn] : []),
    ];
    new aws.iam.RolePolicy(
      `${name}-execution-secrets`,
      {
        role: role.name,
        policy: pulumi.jsonStringify({
          Version: "2012-10-17",
          Statement: [
            { Effect: "Allow", Action: "secretsmanager:GetSecretValue", Resource: secrets },
            ...((args.secretKmsKeyArns ?? []).length > 0
              ? [{ Effect: "Allow", Action: "kms:Decrypt", Resource: args.secretKmsKeyArns }]
              : []),
          ],
        }),
      },
      { parent: this },
    );
    return role;
  }

  private createTaskRole(name: string, s: Settings): aws.iam.Role {
    return new aws.iam.Role(
      `${name}-task`,
      {
        description: `Tasks of the toolbox ${name}: dumps to S3, the stack's storage`,
        assumeRolePolicy: assumedBy("ecs-tasks.amazonaws.com"),
        tags: s.tags,
      },
      { parent: this },
    );
  }

  /** The task role may read and write dumps in its bucket, and mount the storage through its access point. */
  private grantTaskRole(
    name: string,
    args: ToolboxArgs,
    role: { name: pulumi.Input<string> },
    bucket: aws.s3.Bucket,
  ): void {
    new aws.iam.RolePolicy(
      `${name}-task-access`,
      {
        role: role.name,
        policy: pulumi.jsonStringify({
          Version: "2012-10-17",
          Statement: [
            { Effect: "Allow", Action: "s3:ListBucket", Resource: bucket.arn },
            {
              Effect: "Allow",
              Action: ["s3:GetObject", "s3:PutObject"],
              Resource: pulumi.interpolate`${bucket.arn}/*`,
            },
            {
              Effect: "Allow",
              Action: ["elasticfilesystem:ClientMount", "elasticfilesystem:ClientWrite"],
              Resource: args.storage.fileSystemArn,
              Condition: {
                StringEquals: { "elasticfilesystem:AccessPointArn": args.storage.accessPointArn },
              },
            },
          ],
        }),
      },
      { parent: this },
    );
  }

  /** One EventBridge Scheduler schedule per small app, running the backup task with that app. */
  private scheduleExports(
    name: string,
    args: ToolboxArgs,
    s: Settings,
    schedule: NonNullable<Settings["schedule"]>,
    backup: aws.ecs.TaskDefinition,
    executionRole: aws.iam.Role,
    taskRole: { arn: pulumi.Input<string> },
  ): void {
    const role = new aws.iam.Role(
      `${name}-scheduler`,
      {
        description: `EventBridge Scheduler runs the toolbox ${name}'s backup task`,
        assumeRolePolicy: assumedBy("scheduler.amazonaws.com"),
        tags: s.tags,
      },
      { parent: this },
    );
    new aws.iam.RolePolicy(
      `${name}-scheduler-run`,
      {
        role: role.name,
        policy: pulumi.jsonStringify({
          Version: "2012-10-17",
          Statement: [
            {
              Effect: "Allow",
              Action: "ecs:RunTask",
              // Any revision of the backup family, in this cluster only.
              Resource: backup.arn.apply((arn) => arn.replace(/:\d+$/, ":*")),
              Condition: { ArnLike: { "ecs:cluster": args.cluster.arn } },
            },
            { Effect: "Allow", Action: "iam:PassRole", Resource: [executionRole.arn, taskRole.arn] },
          ],
        }),
      },
      { parent: this },
    );
    for (const app of schedule.smallApps) {
      new aws.scheduler.Schedule(
        ...applyTransform(
          args.transform?.schedule,
          `${name}-export-${app}`,
          {
            description: `Nightly export of the small app ${app}`,
            scheduleExpression: schedule.expression,
            scheduleExpressionTimezone: schedule.timezone,
            flexibleTimeWindow: { mode: "OFF" },
            target: {
              arn: args.cluster.arn,
              roleArn: role.arn,
              ecsParameters: {
                taskDefinitionArn: backup.arn,
                launchType: "FARGATE",
                networkConfiguration: {
                  subnets: args.subnetIds,
                  securityGroups: args.securityGroupIds,
                  assignPublicIp: false,
                },
              },
              input: JSON.stringify(
                containerOverrides(["toolbox", "upload"], { [TOOLBOX_ENV.smallApp]: app }),
              ),
              retryPolicy: { maximumRetryAttempts: 2 },
            },
          },
          { parent: this },
        ),
      );
    }
  }
}

function assumedBy(service: string): string {
  return JSON.stringify({
    Version: "2012-10-17",
    Statement: [{ Effect: "Allow", Principal: { Service: service }, Action: "sts:AssumeRole" }],
  });
}
