import { strict as assert } from "assert";
import { Toolbox, ToolboxArgs } from "../components/aws/toolbox";
import { Toucan } from "../components/aws/toucan";
import { SingleHost } from "../components/docker/single-host";
import { ToucanArgumentError } from "../components/core/errors";
import { dockerToolboxCommands, runTaskCommand, toolboxImage } from "../components/core/toolbox";
import {
  RecordedResource,
  Recording,
  isSecretOutput,
  record,
  recordFailure,
  valueOf,
} from "../components/planner/recorder";

const TASK = "aws:ecs/taskDefinition:TaskDefinition";
const BUCKET = "aws:s3/bucket:Bucket";
const LIFECYCLE = "aws:s3/bucketLifecycleConfiguration:BucketLifecycleConfiguration";
const PUBLIC_ACCESS = "aws:s3/bucketPublicAccessBlock:BucketPublicAccessBlock";
const ROLE_POLICY = "aws:iam/rolePolicy:RolePolicy";
const SCHEDULE = "aws:scheduler/schedule:Schedule";
const FILE_SYSTEM_POLICY = "aws:efs/fileSystemPolicy:FileSystemPolicy";

const MONGO_SECRET = "arn:aws:secretsmanager:eu-west-1:123456789012:secret:toucan-mongo-host-AbCdEf";
const ADMIN_SECRET = "arn:aws:secretsmanager:eu-west-1:123456789012:secret:toucan-admin-GhIjKl";
const ARGS: ToolboxArgs = {
  backendVersion: "v100.5.1",
  cluster: { arn: "arn:aws:ecs:eu-west-1:123456789012:cluster/toucan", name: "toucan" },
  subnetIds: ["subnet-a", "subnet-b"],
  securityGroupIds: ["sg-backend"],
  storage: {
    fileSystemId: "fs-0123",
    accessPointId: "fsap-0123",
    fileSystemArn: "arn:aws:elasticfilesystem:eu-west-1:123456789012:file-system/fs-0123",
    accessPointArn: "arn:aws:elasticfilesystem:eu-west-1:123456789012:access-point/fsap-0123",
  },
  mongoUriSecretArn: MONGO_SECRET,
  backendUrl: "https://api-toucan.example.com",
};

interface Container {
  name: string;
  image: string;
  essential: boolean;
  entryPoint?: string[];
  command?: string[];
  environment?: { name: string; value: string }[];
  secrets?: { name: string; valueFrom: string }[];
  mountPoints?: { sourceVolume: string; containerPath: string; readOnly: boolean }[];
  dependsOn?: { containerName: string; condition: string }[];
}

function containers(task: RecordedResource): Record<string, Container> {
  const list = JSON.parse(String(task.inputs.containerDefinitions)) as Container[];
  return Object.fromEntries(list.map((c) => [c.name, c]));
}

function statements(
  policy: RecordedResource,
): { Effect: string; Action: unknown; Resource: unknown; Condition?: unknown }[] {
  return (JSON.parse(String(policy.inputs.policy)) as { Statement: never[] }).Statement;
}

describe("the vendor's toolbox (FAQ: migrate a small app)", () => {
  it("runs the toolbox tagged for the backend's pinned version", () => {
    assert.equal(toolboxImage("v100.5.1"), "quay.io/toucantoco/backup:toucan_backend_toolbox_100.5.1-latest");
    assert.equal(toolboxImage("v77.0.12"), "quay.io/toucantoco/backup:toucan_backend_toolbox_77.0.12-latest");
    assert.equal(toolboxImage("latest-monthly"), undefined);
    assert.equal(toolboxImage(undefined), undefined);
  });

  it("prints the exact run-task command, quoted for a shell", () => {
    assert.equal(
      runTaskCommand(
        {
          clusterArn: "arn:aws:ecs:eu-west-1:1:cluster/t",
          taskDefinitionArn: "arn:aws:ecs:eu-west-1:1:task-definition/t-backup:3",
          subnetIds: ["subnet-a", "subnet-b"],
          securityGroupIds: ["sg-1"],
        },
        ["toolbox", "upload"],
        { SMALL_APP_SPECIFIC: "SMALL_APP" },
      ),
      "aws ecs run-task --cluster arn:aws:ecs:eu-west-1:1:cluster/t --launch-type FARGATE " +
        "--task-definition arn:aws:ecs:eu-west-1:1:task-definition/t-backup:3 " +
        "--network-configuration 'awsvpcConfiguration={subnets=[subnet-a,subnet-b],securityGroups=[sg-1],assignPublicIp=DISABLED}' " +
        `--overrides '{"containerOverrides":[{"name":"toolbox","environment":[{"name":"SMALL_APP_SPECIFIC","value":"SMALL_APP"}]},` +
        `{"name":"upload","environment":[{"name":"SMALL_APP_SPECIFIC","value":"SMALL_APP"}]}]}'`,
    );
  });

  it("writes the FAQ's docker run commands for a single host", () => {
    const { backup, restore } = dockerToolboxCommands({
      image: "quay.io/toucantoco/backup:toucan_backend_toolbox_100.5.1-latest",
      network: "toucan",
      storageVolume: "toucan-storage",
      mongoUri: "mongodb://toucan:pw@mongo:27017/api-toucan?authSource=admin",
      backendUrl: "https://api-toucan.localhost",
    });
    assert.equal(
      backup,
      'docker run --rm --network toucan -v "$PWD/toucan-dumps:/tmp" -v toucan-storage:/storage ' +
        "-e 'MONGO_URI=mongodb://toucan:pw@mongo:27017/api-toucan?authSource=admin' " +
        "-e BACKEND_URL_SPECIFIC=https://api-toucan.localhost -e SMALL_APP_SPECIFIC=SMALL_APP " +
        "quay.io/toucantoco/backup:toucan_backend_toolbox_100.5.1-latest toucan_backup",
    );
    assert.equal(
      restore,
      'docker run --rm --network toucan -v "$PWD/toucan-dumps/on-premise_backup-XXXXXXXX:/tmp/on-premise_backup-XXXXXXXX" ' +
        "-v toucan-storage:/storage -e 'MONGO_URI=mongodb://toucan:pw@mongo:27017/api-toucan?authSource=admin' " +
        "-e BACKEND_URL_SPECIFIC=https://api-toucan.localhost -e BACKEND_USER_SPECIFIC=ADMIN_USER " +
        "-e BACKEND_PASSWORD_SPECIFIC=ADMIN_PASSWORD -e SMALL_APPS_SPECIFIC=SMALL_APP " +
        "quay.io/toucantoco/backup:toucan_backend_toolbox_100.5.1-latest toucan_restore /tmp/on-premise_backup-XXXXXXXX /storage",
    );
  });

  it("matches the toolbox only to a plain vendor version, MINOR of any length", () => {
    assert.equal(
      toolboxImage("v100.55.1"),
      "quay.io/toucantoco/backup:toucan_backend_toolbox_100.55.1-latest",
    );
    assert.equal(toolboxImage("v100.5.1-hotfix1"), undefined);
    assert.equal(toolboxImage("xv100.5.1"), undefined);
  });

  it("single-quotes a shell word with a quote in it", () => {
    const { backup } = dockerToolboxCommands({
      image: "registry.example.com/backup:1",
      network: "it's",
      storageVolume: "v",
      mongoUri: "mongodb://m/db",
      backendUrl: "https://b",
    });
    assert.ok(backup.startsWith("docker run --rm --network 'it'\\''s' -v "), backup);
  });
});

describe("Toolbox (ECS)", () => {
  let recording: Recording;
  let toolbox: Toolbox;
  before(async () => {
    ({ recording, result: toolbox } = await record(
      () => new Toolbox("toucan-toolbox", { ...ARGS, adminCredentialsSecretArn: ADMIN_SECRET }),
      { region: "eu-west-1" },
    ));
  });

  it("backs up one small app with the toolbox, the storage read-only at /storage and MONGO_URI from Secrets Manager", () => {
    const task = recording.one(TASK, "toucan-toolbox-backup");
    const { toolbox: main, upload } = containers(task);
    assert.equal(main.image, "quay.io/toucantoco/backup:toucan_backend_toolbox_100.5.1-latest");
    assert.deepEqual(main.command, ["toucan_backup"]);
    assert.deepEqual(main.environment, [
      { name: "BACKEND_URL_SPECIFIC", value: "https://api-toucan.example.com" },
    ]);
    assert.deepEqual(main.secrets, [{ name: "MONGO_URI", valueFrom: MONGO_SECRET }]);
    assert.deepEqual(main.mountPoints, [
      { sourceVolume: "storage", containerPath: "/storage", readOnly: true },
      { sourceVolume: "dumps", containerPath: "/tmp", readOnly: false },
    ]);
    // The dump reaches S3 only when the toolbox succeeded.
    assert.deepEqual(upload.dependsOn, [{ containerName: "toolbox", condition: "SUCCESS" }]);
    assert.equal(upload.essential, true);
    assert.equal(main.essential, false);
    const bucket = recording.one(BUCKET).outputs.bucket;
    assert.match(upload.command![0], new RegExp(`aws s3 cp --recursive --only-show-errors /tmp/ "\\$dest"`));
    assert.ok(upload.command![0].includes(`s3://${bucket}/`));
    assert.ok(upload.command![0].includes("$SMALL_APP_SPECIFIC"));
  });

  it("mounts the storage through its access point with TLS and IAM, as a Fargate task", () => {
    const task = recording.one(TASK, "toucan-toolbox-backup");
    assert.deepEqual(task.inputs.requiresCompatibilities, ["FARGATE"]);
    assert.equal(task.inputs.networkMode, "awsvpc");
    assert.deepEqual(task.inputs.volumes, [
      {
        name: "storage",
        efsVolumeConfiguration: {
          fileSystemId: "fs-0123",
          transitEncryption: "ENABLED",
          authorizationConfig: { accessPointId: "fsap-0123", iam: "ENABLED" },
        },
      },
      { name: "dumps" },
    ]);
  });

  it("restores a dump from the bucket with the admin's credentials, the storage writable", () => {
    const { download, toolbox: main } = containers(recording.one(TASK, "toucan-toolbox-restore"));
    assert.deepEqual(main.dependsOn, [{ containerName: "download", condition: "SUCCESS" }]);
    assert.deepEqual(main.command, ['toucan_restore "/tmp/$(basename "$DUMP")" /storage']);
    assert.deepEqual(main.secrets, [
      { name: "MONGO_URI", valueFrom: MONGO_SECRET },
      { name: "BACKEND_USER_SPECIFIC", valueFrom: `${ADMIN_SECRET}:username::` },
      { name: "BACKEND_PASSWORD_SPECIFIC", valueFrom: `${ADMIN_SECRET}:password::` },
    ]);
    assert.deepEqual(main.mountPoints![0], {
      sourceVolume: "storage",
      containerPath: "/storage",
      readOnly: false,
    });
    assert.match(
      download.command![0],
      /aws s3 cp --recursive --only-show-errors "s3:\/\/[^/]+\/\$DUMP" "\$dir"/,
    );
  });

  it("keeps dumps in a private, encrypted, protected bucket that expires them after 90 days", () => {
    const bucket = recording.one(BUCKET);
    assert.equal(bucket.protect, true);
    assert.equal(bucket.inputs.forceDestroy, false);
    const block = recording.one(PUBLIC_ACCESS);
    assert.equal(block.inputs.bucket, bucket.outputs.id);
    assert.equal(block.inputs.restrictPublicBuckets, true);
    const lifecycle = recording.one(LIFECYCLE);
    assert.equal(lifecycle.inputs.bucket, bucket.outputs.id);
    assert.deepEqual((lifecycle.inputs.rules as { expiration: unknown }[])[0].expiration, { days: 90 });
  });

  it("lets the task role use the bucket and mount the storage only through its access point", () => {
    const policy = recording.one(ROLE_POLICY, "toucan-toolbox-task-access");
    const bucketArn = recording.one(BUCKET).outputs.arn;
    assert.deepEqual(statements(policy), [
      { Effect: "Allow", Action: "s3:ListBucket", Resource: bucketArn },
      { Effect: "Allow", Action: ["s3:GetObject", "s3:PutObject"], Resource: `${bucketArn}/*` },
      {
        Effect: "Allow",
        Action: ["elasticfilesystem:ClientMount", "elasticfilesystem:ClientWrite"],
        Resource: ARGS.storage.fileSystemArn,
        Condition: { StringEquals: { "elasticfilesystem:AccessPointArn": ARGS.storage.accessPointArn } },
      },
    ]);
  });

  it("lets ECS read exactly the two secrets the containers name", () => {
    const policy = recording.one(ROLE_POLICY, "toucan-toolbox-execution-secrets");
    assert.deepEqual(statements(policy), [
      { Effect: "Allow", Action: "secretsmanager:GetSecretValue", Resource: [MONGO_SECRET, ADMIN_SECRET] },
    ]);
  });

  it("outputs the run-task commands with the cluster, the subnets and the backend's group", async () => {
    const backup = String(await valueOf(toolbox.backupCommand));
    assert.ok(
      backup.startsWith("aws ecs run-task --cluster arn:aws:ecs:eu-west-1:123456789012:cluster/toucan "),
    );
    assert.ok(backup.includes(String(recording.one(TASK, "toucan-toolbox-backup").outputs.arn)));
    assert.ok(backup.includes("subnets=[subnet-a,subnet-b],securityGroups=[sg-backend]"));
    const restore = String(await valueOf(toolbox.restoreCommand!));
    assert.ok(restore.includes('"name":"DUMP","value":"DUMP"'));
  });

  it("makes no restore task without admin credentials", async () => {
    const { recording: r, result } = await record(() => new Toolbox("toucan-toolbox", ARGS));
    assert.deepEqual(
      r.byType(TASK).map((t) => t.name),
      ["toucan-toolbox-backup"],
    );
    assert.equal(result.restoreCommand, undefined);
  });

  it("exports chosen small apps every night, one schedule each, allowed to run only the backup family", async () => {
    const { recording: r } = await record(
      () => new Toolbox("toucan-toolbox", { ...ARGS, schedule: { smallApps: ["sales", "hr"] } }),
    );
    const schedules = r.byType(SCHEDULE);
    assert.deepEqual(schedules.map((x) => x.name).sort(), [
      "toucan-toolbox-export-hr",
      "toucan-toolbox-export-sales",
    ]);
    const sales = schedules.find((x) => x.name.endsWith("sales"))!;
    assert.equal(sales.inputs.scheduleExpression, "cron(0 2 * * ? *)");
    assert.equal(sales.inputs.scheduleExpressionTimezone, "UTC");
    const target = sales.inputs.target as {
      arn: string;
      input: string;
      ecsParameters: { taskDefinitionArn: string; launchType: string; networkConfiguration: unknown };
    };
    assert.equal(target.arn, ARGS.cluster.arn);
    assert.equal(target.ecsParameters.taskDefinitionArn, r.one(TASK).outputs.arn);
    assert.equal(target.ecsParameters.launchType, "FARGATE");
    assert.deepEqual(target.ecsParameters.networkConfiguration, {
      subnets: ["subnet-a", "subnet-b"],
      securityGroups: ["sg-backend"],
      assignPublicIp: false,
    });
    assert.deepEqual(JSON.parse(target.input), {
      containerOverrides: [
        { name: "toolbox", environment: [{ name: "SMALL_APP_SPECIFIC", value: "sales" }] },
        { name: "upload", environment: [{ name: "SMALL_APP_SPECIFIC", value: "sales" }] },
      ],
    });
    const run = statements(r.one(ROLE_POLICY, "toucan-toolbox-scheduler-run"));
    assert.equal(run[0].Action, "ecs:RunTask");
    assert.match(String(run[0].Resource), /task-definition\/.*:\*$/);
    assert.deepEqual(run[0].Condition, { ArnLike: { "ecs:cluster": ARGS.cluster.arn } });
    assert.equal(run[1].Action, "iam:PassRole");
  });
});

describe("Toolbox: bad input is refused before anything registers", () => {
  const cases: [string, Partial<ToolboxArgs>, string, RegExp][] = [
    [
      "a floating version without an image",
      { backendVersion: "latest-monthly" },
      "backendVersion",
      /no matching toolbox/,
    ],
    ["a dump retention of 0 days", { dumpRetentionDays: 0 }, "dumpRetentionDays", /at least 1/],
    ["a schedule without small apps", { schedule: { smallApps: [] } }, "schedule.smallApps", /non-empty/],
    [
      "a schedule listing an app twice",
      { schedule: { smallApps: ["a", "a"] } },
      "schedule.smallApps",
      /twice/,
    ],
    [
      "a schedule that is not an expression",
      { schedule: { smallApps: ["a"], expression: "0 2 * * *" } },
      "schedule.expression",
      /EventBridge Scheduler/,
    ],
    ["a size Fargate lacks", { size: { cpu: 1024, memory: 1000 } }, "size", /Fargate task size/],
    [
      "a log key given by its alias",
      { logKmsKeyArn: "alias/toucan-logs" },
      "logKmsKeyArn",
      /is not a KMS key ARN \(CloudWatch Logs takes the key's ARN, not its id or an alias\)\. Fix: give arn:aws:kms:/,
    ],
  ];
  for (const [label, extra, argument, problem] of cases) {
    it(`refuses ${label}`, async () => {
      const { error, recording } = await recordFailure(
        () => new Toolbox("toucan-toolbox", { ...ARGS, ...extra }),
      );
      assert.ok(error instanceof ToucanArgumentError, String(error));
      assert.ok(error.message.includes(`\`${argument}\``), error.message);
      assert.match(error.message, problem);
      assert.deepEqual(recording.built, []);
    });
  }
});

describe("Toucan with the toolbox", () => {
  it("admits the toolbox's own task role to the storage and outputs the commands", async () => {
    const { recording, result } = await record(
      () =>
        new Toucan("toucan", {
          version: "v100.5.1",
          frontendDomain: "toucan.example.com",
          zoneId: "Z0123456789EXAMPLE",
          toolbox: { adminCredentialsSecretArn: ADMIN_SECRET },
        }),
      { region: "eu-west-1" },
    );
    const role = recording.one("aws:iam/role:Role", "toucan-toolbox-task");
    const policy = JSON.parse(String(recording.one(FILE_SYSTEM_POLICY).inputs.policy)) as {
      Statement: { Principal?: { AWS?: unknown } }[];
    };
    const principals = JSON.stringify(policy.Statement.map((st) => st.Principal));
    assert.ok(principals.includes(String(role.outputs.arn)), principals);
    const task = recording.one(TASK, "toucan-toolbox-backup");
    assert.equal(task.inputs.taskRoleArn, role.outputs.arn);
    const commands = (await valueOf(result.toolboxCommands!)) as Record<string, string>;
    assert.deepEqual(Object.keys(commands).sort(), ["backup", "list", "restore"]);
    assert.equal(
      commands.list,
      `aws s3 ls --recursive s3://${String(recording.one(BUCKET).outputs.bucket)}/`,
    );
    // The toolbox runs with the backend's group, which the data tier admits.
    const backendGroup = recording.one("aws:ec2/securityGroup:SecurityGroup", "toucan-backend");
    assert.ok(commands.backup.includes(`securityGroups=[${String(backendGroup.outputs.id)}]`));
  });

  it("leaves the toolbox out with toolbox: false, and for a floating version", async () => {
    for (const args of [
      { version: "v100.5.1", toolbox: false as const },
      { version: "latest-monthly", allowFloatingVersion: true },
    ]) {
      const { recording } = await record(
        () =>
          new Toucan("toucan", {
            frontendDomain: "toucan.example.com",
            zoneId: "Z0123456789EXAMPLE",
            ...args,
          }),
        { region: "eu-west-1" },
      );
      assert.deepEqual(recording.byType("toucan:aws:Toolbox"), []);
    }
  });
});

describe("SingleHost: the toolbox's docker run commands", () => {
  it("fills in the host's network, storage volume, MONGO_URI and backend URL, as a secret", async () => {
    const { result } = await record(
      () =>
        new SingleHost("toucan", {
          version: "v100.5.1",
          frontendDomain: "toucan.localhost",
          backendDomain: "api-toucan.localhost",
        }),
    );
    assert.equal(await isSecretOutput(result.toolboxCommands!), true);
    const commands = (await valueOf(result.toolboxCommands!)) as { backup: string; restore: string };
    const network = String(await valueOf(result.networkName));
    const storage = String(((await valueOf(result.volumeNames)) as Record<string, string>).storage);
    const mongoUri = String(await valueOf(result.mongodbHost));
    assert.ok(commands.backup.startsWith(`docker run --rm --network ${network} `), commands.backup);
    assert.ok(commands.backup.includes(`-v ${storage}:/storage`));
    assert.ok(commands.backup.includes(`'MONGO_URI=${mongoUri}'`));
    assert.ok(commands.backup.includes("-e BACKEND_URL_SPECIFIC=https://api-toucan.localhost "));
    assert.ok(
      commands.backup.endsWith(
        "quay.io/toucantoco/backup:toucan_backend_toolbox_100.5.1-latest toucan_backup",
      ),
    );
    assert.ok(commands.restore.includes(" toucan_restore /tmp/on-premise_backup-XXXXXXXX /storage"));
  });
});
