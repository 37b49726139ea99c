/**
 * The vendor's backup toolbox ("How to migrate a small app from a stack to another one" in the sysadmin
 * FAQ): `toucan_backup` exports one small app (its Mongo data and its storage) as a directory
 * `on-premise_backup-XXXXXXXX`; `toucan_restore <dir> /storage` brings it back, into the same or another
 * stack. Pure: the image name and the commands both variants print.
 */

/** The toolbox's repository; its tags follow the backend's version. */
export const TOOLBOX_REPOSITORY = "quay.io/toucantoco/backup";

/** Where the toolbox expects the stack's storage (the backend's `/app/storage`). */
export const TOOLBOX_STORAGE_PATH = "/storage";
/** Where `toucan_backup` writes its dump directory, and `toucan_restore` reads it from. */
export const TOOLBOX_DUMP_PATH = "/tmp";

/** The environment variables the toolbox reads (FAQ). */
export const TOOLBOX_ENV = {
  mongoUri: "MONGO_URI",
  backendUrl: "BACKEND_URL_SPECIFIC",
  smallApp: "SMALL_APP_SPECIFIC",
  backendUser: "BACKEND_USER_SPECIFIC",
  backendPassword: "BACKEND_PASSWORD_SPECIFIC",
  smallApps: "SMALL_APPS_SPECIFIC",
  newName: "SMALL_APPS_NEW_NAME_SPECIFIC",
} as const;

/**
 * The toolbox image matched to a pinned backend version: `v100.5.1` ->
 * `quay.io/toucantoco/backup:toucan_backend_toolbox_100.5.1-latest`. `undefined` for anything else
 * (a floating tag has no matching toolbox).
 */
export function toolboxImage(backendVersion: string | undefined): string | undefined {
  const match = /^v(\d+\.\d+\.\d+)$/.exec(backendVersion ?? "");
  return match ? `${TOOLBOX_REPOSITORY}:toucan_backend_toolbox_${match[1]}-latest` : undefined;
}

/** A shell word, single-quoted. */
export function shellQuote(word: string): string {
  return /^[A-Za-z0-9_./:=@%+-]+$/.test(word) ? word : `'${word.replace(/'/g, `'\\''`)}'`;
}

export interface RunTaskTarget {
  clusterArn: string;
  taskDefinitionArn: string;
  subnetIds: string[];
  securityGroupIds: string[];
}

/** ECS `overrides`: the same environment on each named container. */
export function containerOverrides(
  containers: string[],
  environment: Record<string, string>,
): { containerOverrides: { name: string; environment: { name: string; value: string }[] }[] } {
  const env = Object.entries(environment).map(([name, value]) => ({ name, value }));
  return { containerOverrides: containers.map((name) => ({ name, environment: env })) };
}

/**
 * The exact `aws ecs run-task` command for one toolbox run: Fargate, the stack's private subnets and
 * the backend's security group, the given environment overridden on the named containers.
 */
export function runTaskCommand(
  target: RunTaskTarget,
  containers: string[],
  environment: Record<string, string>,
): string {
  const network =
    `awsvpcConfiguration={subnets=[${target.subnetIds.join(",")}],` +
    `securityGroups=[${target.securityGroupIds.join(",")}],assignPublicIp=DISABLED}`;
  const overrides = containerOverrides(containers, environment);
  return [
    "aws ecs run-task",
    `--cluster ${shellQuote(target.clusterArn)}`,
    "--launch-type FARGATE",
    `--task-definition ${shellQuote(target.taskDefinitionArn)}`,
    `--network-configuration ${shellQuote(network)}`,
    `--overrides ${shellQuote(JSON.stringify(overrides))}`,
  ].join(" ");
}

export interface DockerToolboxTarget {
  image: string;
  network: string;
  storageVolume: string;
  mongoUri: string;
  backendUrl: string;
}

/** The FAQ's `docker run` commands for a single host, with the stack's network, volume and URLs. */
export function dockerToolboxCommands(t: DockerToolboxTarget): { backup: string; restore: string } {
  const common = [
    "docker run --rm",
    `--network ${shellQuote(t.network)}`,
    `-v ${shellQuote(`${t.storageVolume}:${TOOLBOX_STORAGE_PATH}`)}`,
    `-e ${shellQuote(`${TOOLBOX_ENV.mongoUri}=${t.mongoUri}`)}`,
    `-e ${shellQuote(`${TOOLBOX_ENV.backendUrl}=${t.backendUrl}`)}`,
  ];
  return {
    backup: [
      ...common.slice(0, 2),
      `-v "$PWD/toucan-dumps:${TOOLBOX_DUMP_PATH}"`,
      ...common.slice(2),
      `-e ${TOOLBOX_ENV.smallApp}=SMALL_APP`,
      shellQuote(t.image),
      "toucan_backup",
    ].join(" "),
    restore: [
      ...common.slice(0, 2),
      `-v "$PWD/toucan-dumps/on-premise_backup-XXXXXXXX:${TOOLBOX_DUMP_PATH}/on-premise_backup-XXXXXXXX"`,
      ...common.slice(2),
      `-e ${TOOLBOX_ENV.backendUser}=ADMIN_USER`,
      `-e ${TOOLBOX_ENV.backendPassword}=ADMIN_PASSWORD`,
      `-e ${TOOLBOX_ENV.smallApps}=SMALL_APP`,
      shellQuote(t.image),
      "toucan_restore",
      `${TOOLBOX_DUMP_PATH}/on-premise_backup-XXXXXXXX`,
      TOOLBOX_STORAGE_PATH,
    ].join(" "),
  };
}
