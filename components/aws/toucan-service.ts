import { createHash } from "crypto";
import * as pulumi from "@pulumi/pulumi";
import * as aws from "@pulumi/aws";
import { ArgumentChecks, ToucanArgumentError, requireArgs } from "../core/errors";
import { isIntegerIn } from "../core/numbers";
import { Transform, applyTransform } from "../core/transform";
import { checkedListWhenKnown, plainList } from "./region";
import { LOG_KEY_FIX, logGroupKey, logKeyProblem } from "./log-group-key";

/** The subnet list's checks, run before anything registers or once another stack's list is known. */
const SUBNET_CHECKS = {
  few: {
    problem: (ids: unknown[]) =>
      ids.length >= 2
        ? undefined
        : "names fewer than 2 subnets, so the service cannot survive the loss of an Availability Zone",
    fix: "pass private subnets in at least 2 AZs (e.g. network.privateSubnetIdList)",
  },
  repeated: {
    problem: (ids: unknown[]) => (new Set(ids).size === ids.length ? undefined : "repeats a subnet"),
    fix: "list each private subnet once",
  },
};

/** The subnets, a list that is an Output checked with the same messages once known. */
function checkedSubnets(
  name: string,
  subnetIds: pulumi.Input<pulumi.Input<string>[]>,
): pulumi.Input<pulumi.Input<string>[]> {
  const where = (fix: string) => ({ component: `ToucanService "${name}"`, argument: "subnetIds", fix });
  const { few, repeated } = SUBNET_CHECKS;
  const counted = checkedListWhenKnown(subnetIds, where(few.fix), few.problem);
  return checkedListWhenKnown(counted, where(repeated.fix), repeated.problem);
}

const COMPONENT = "toucan:aws:ToucanService";

/**
 * A volume of the task.
 *
 * @example
 * ```ts
 * { name: "storage", efs: { fileSystemId: storage.fileSystemId, accessPointId: storage.accessPointId } }
 * { name: "mongo-ca" } // an empty scratch volume, shared by the containers of one task
 * ```
 */
export interface ServiceVolume {
  /** Name referenced by `mounts[].volume`: letters, numbers, hyphens and underscores. */
  name: string;
  /**
   * An EFS file system, always mounted through an access point with TLS in transit and the task role's IAM
   * authorization (`transitEncryption: "ENABLED"`, `authorizationConfig.iam: "ENABLED"`). The task role is
   * granted `elasticfilesystem:ClientMount` (and `ClientWrite` unless every mount of the volume is read-only)
   * on the file system, restricted to the access point.
   * @default none: an ephemeral task volume, empty at start and gone with the task (e.g. an init container
   * writes a CA file there for the main container)
   */
  efs?: {
    /** @example "fs-0123456789abcdef0" */
    fileSystemId: pulumi.Input<string>;
    /** @example "fsap-0123456789abcdef0" */
    accessPointId: pulumi.Input<string>;
    /** @default built from the region, the account and `fileSystemId` */
    fileSystemArn?: pulumi.Input<string>;
    /** @default built from the region, the account and `accessPointId` */
    accessPointArn?: pulumi.Input<string>;
  };
}

/**
 * Where a container sees a volume.
 *
 * @example
 * ```ts
 * { volume: "storage", containerPath: "/app/storage" }
 * ```
 */
export interface ContainerMount {
  /** Name of one of `volumes`. */
  volume: string;
  /** Absolute path inside the container. */
  containerPath: string;
  /** @default false */
  readOnly?: boolean;
}

/**
 * A container that runs to completion before the main container starts (the main container waits for it
 * with `dependsOn: [{ condition: "SUCCESS" }]`; it is `essential: false`, so its exit does not stop the task).
 *
 * @example
 * ```ts
 * {
 *   name: "mongo-ca",
 *   image: "public.ecr.aws/docker/library/busybox:1.36.1",
 *   command: ["sh", "-c", 'printf "%s\\n" "$CA_PEM" > /ca/ca.crt'],
 *   secrets: { CA_PEM: caSecretArn },
 *   mounts: [{ volume: "mongo-ca", containerPath: "/ca" }],
 * }
 * ```
 */
export interface InitContainer {
  /** Container name: letters, numbers, hyphens and underscores; distinct from the main container's. */
  name: string;
  /** Image reference. */
  image: string;
  /** The command, as an argument list. */
  command: string[];
  /**
   * Plain environment variables; credential-like values are rejected, as for the main container.
   * @default none
   */
  environment?: Record<string, pulumi.Input<string>>;
  /**
   * Environment variable name -> Secrets Manager secret ARN (optionally `ARN:json-key:version-stage:version-id`).
   * @default none
   */
  secrets?: Record<string, pulumi.Input<string>>;
  /** @default none */
  mounts?: ContainerMount[];
}

/** An ALB target group to register the tasks in (made by the LoadBalancer component). */
export interface ServiceLoadBalancerAttachment {
  /** ARN of the target group (target type `ip`). */
  targetGroupArn: pulumi.Input<string>;
  /**
   * More target groups the tasks register in, on the container port: those of a load balancer being retired
   * (`LoadBalancer.retiringTargetGroupArns`), so it keeps serving until its DNS records have moved. ECS takes
   * 5 target groups per service in all.
   * @default none
   */
  retiringTargetGroupArns?: pulumi.Input<string>[];
  /**
   * The load balancer's security group. The service's security group admits it on `containerPort`, and this
   * component adds the matching egress rule to it (the ALB has no other egress).
   */
  securityGroupId: pulumi.Input<string>;
  /**
   * `targetgroup/<name>/<id>`: with `loadBalancerArnSuffix`, enables request-count autoscaling.
   * @default no request-count scaling policy
   */
  targetGroupArnSuffix?: pulumi.Input<string>;
  /**
   * `app/<name>/<id>`: with `targetGroupArnSuffix`, enables request-count autoscaling.
   * @default no request-count scaling policy
   */
  loadBalancerArnSuffix?: pulumi.Input<string>;
  /**
   * Resources the ECS service waits for (the listener rules that forward to the target group: ECS refuses a
   * target group that no load balancer uses yet).
   * @default none
   */
  readyResources?: pulumi.Resource[];
}

/** Autoscaling of the desired task count with target tracking. */
export interface ServiceAutoscaling {
  /**
   * Fewest tasks. Below 2 needs `allowSingleTask`.
   * @default `desiredCount`
   */
  minCount?: number;
  /**
   * Most tasks.
   * @default twice `desiredCount`
   */
  maxCount?: number;
  /**
   * Average CPU utilisation (percent) the service is kept at.
   * @default 60
   */
  cpuTargetPercent?: number;
  /**
   * Requests per task per minute the service is kept at; only used when `loadBalancer` gives both ARN suffixes.
   * @default 1000
   */
  requestsPerTarget?: number;
}

/** An existing IAM role. */
export interface ExistingServiceRole {
  /** @example "arn:aws:iam::123456789012:role/toucan-backend-task" */
  arn: pulumi.Input<string>;
  /** @example "toucan-backend-task" */
  name: pulumi.Input<string>;
}

/** Container Insights setting of an ECS cluster. */
export type ContainerInsights = "enhanced" | "enabled" | "disabled";

export interface ToucanServiceArgs {
  /**
   * An existing ECS cluster.
   * @default a cluster is created, with Container Insights (see `containerInsights`)
   * @example { arn: cluster.arn, name: cluster.name }
   */
  cluster?: { arn: pulumi.Input<string>; name: pulumi.Input<string> };
  /**
   * Container Insights setting of the created cluster: `"enhanced"` adds task- and container-level metrics
   * (at a higher CloudWatch cost).
   * @default "enabled"
   */
  containerInsights?: ContainerInsights;
  /** VPC of the subnets (the created security group lives there). */
  vpcId: pulumi.Input<string>;
  /**
   * Private subnets, at least 2 in distinct AZs. Tasks never get a public IP. Fargate spreads the tasks of a
   * service across the Availability Zones of these subnets by itself (Fargate has no placement strategies),
   * and AZ rebalancing is on so the spread is restored after an AZ outage. A plain array (checked before
   * anything registers) or one Output, e.g. another stack's list (checked with the same messages once known).
   * @example network.privateSubnetIdList
   */
  subnetIds: pulumi.Input<pulumi.Input<string>[]>;
  /**
   * Image of the main container.
   * @example "quay.io/toucantoco/backend:v100.5.1"
   */
  image: pulumi.Input<string>;
  /**
   * Secrets Manager secret with `{"username": ..., "password": ...}` for a private registry; the execution
   * role may read it.
   * @default the image is pulled anonymously
   */
  repositoryCredentialsSecretArn?: pulumi.Input<string>;
  /**
   * Name of the main container.
   * @default "app"
   */
  containerName?: string;
  /**
   * Port the main container listens on.
   * @default 80 (Toucan's backend and frontend images)
   */
  containerPort?: number;
  /**
   * Fargate CPU units of the task (1024 = 1 vCPU): 256, 512, 1024, 2048, 4096, 8192 or 16384.
   * @default 1024
   */
  cpu?: number;
  /**
   * Memory of the task in MiB; must be a Fargate size for `cpu` (see {@link fargateMemoryOptions}).
   * @default 2048
   */
  memory?: number;
  /**
   * CPU architecture of the task.
   * @default "X86_64" (Toucan's images are published for amd64 only)
   */
  cpuArchitecture?: "X86_64" | "ARM64";
  /**
   * Tasks to run. Fewer than 2 loses redundancy and is refused unless `allowSingleTask` is set.
   * @default 2
   */
  desiredCount?: number;
  /**
   * Accept `desiredCount` (and `autoscaling.minCount`) below 2, e.g. for a development stack.
   * @default false
   */
  allowSingleTask?: boolean;
  /**
   * Plain environment variables of the main container, visible to anyone who can read the task definition.
   * Credential-like values are refused (a URI with `user:password@`, a variable whose name contains
   * PASSWORD, SECRET, TOKEN, API_KEY, PRIVATE_KEY or CREDENTIAL with a value, a Pulumi secret): pass them in
   * `secrets`.
   * @default none
   * @example { API_BASEROUTE: "https://api-toucan.example.com" }
   */
  environment?: Record<string, pulumi.Input<string>>;
  /**
   * Names in `environment` that look like credentials but are not (e.g. `TOKEN_TTL_SECONDS`).
   * @default none
   */
  allowPlainEnvironment?: string[];
  /**
   * Environment variable name -> Secrets Manager secret ARN, injected by ECS at start
   * (`ARN:json-key:version-stage:version-id` selects one JSON key). The execution role may read exactly
   * these secrets.
   * @default none
   * @example { TOUCAN_MONGODB_HOST: mongo.mongodbHostSecretArn }
   */
  secrets?: Record<string, pulumi.Input<string>>;
  /**
   * Customer-managed KMS keys that encrypt `secrets`; the execution role may decrypt with them through
   * Secrets Manager only.
   * @default none (secrets encrypted with the AWS-managed key need no grant)
   */
  secretsKmsKeyArns?: pulumi.Input<string>[];
  /** Volumes of the task. @default none */
  volumes?: ServiceVolume[];
  /** Mounts of the main container. @default none */
  mounts?: ContainerMount[];
  /** Containers that run to completion, in order of the list, before the main container starts. @default none */
  initContainers?: InitContainer[];
  /**
   * A container-level health check command (`["CMD-SHELL", "curl -fs http://localhost/ || exit 1"]`). Toucan's
   * images are not known to ship curl or wget, so none is set unless given; the ALB's target group health check
   * is what replaces unhealthy tasks.
   * @default none
   */
  containerHealthCheck?: string[];
  /**
   * The main container's root file system is read-only. Toucan's images write to theirs.
   * @default false
   */
  readonlyRootFilesystem?: boolean;
  /**
   * Register the tasks in an ALB target group.
   * @default not behind a load balancer (e.g. the screenshot service): the security group admits nothing
   */
  loadBalancer?: ServiceLoadBalancerAttachment;
  /**
   * Security groups whose members may reach the tasks on `containerPort` (e.g. the backend's, for a service
   * it calls by its private name). One ingress rule per group, on that port only.
   * @default none
   */
  clientSecurityGroupIds?: pulumi.Input<string>[];
  /**
   * A Cloud Map service (`aws.servicediscovery.Service` with A records in a private DNS namespace) the tasks
   * register in, so that other tasks of the VPC reach them by a private name.
   * @default not registered
   */
  serviceRegistryArn?: pulumi.Input<string>;
  /**
   * An existing security group for the tasks: none is created, but the rule admitting the load balancer is
   * still added to it.
   * @default one is created: ingress only on `containerPort` from the load balancer's group; egress to
   * anywhere, because the tasks pull images from public registries (quay.io) and Toucan's connectors reach
   * customers' databases and APIs wherever they are
   */
  securityGroupId?: pulumi.Input<string>;
  /**
   * An existing task role (what the containers' AWS calls run as). The grants volumes and ECS Exec need are
   * still attached to it as inline policies.
   * @default one is created, with no permission but what the EFS volumes and ECS Exec need
   */
  taskRole?: ExistingServiceRole;
  /**
   * An existing execution role (what ECS pulls images, writes logs and reads secrets as). The grant to read
   * `secrets` is still attached to it as an inline policy.
   * @default one is created with AmazonECSTaskExecutionRolePolicy and the grant to read `secrets`
   */
  executionRole?: ExistingServiceRole;
  /**
   * Days CloudWatch keeps the containers' logs; one of CloudWatch's values (0 keeps them forever).
   * @default 30
   */
  logRetentionDays?: number;
  /**
   * A customer-managed KMS key (ARN) for the log group. Its key policy must let
   * `logs.<region>.amazonaws.com` use it. An Output (another stack's key) is checked with the same message
   * once known, before the log group is created.
   * @default CloudWatch Logs' own encryption
   */
  logKmsKeyArn?: pulumi.Input<string>;
  /**
   * Rolling deployment bounds, in percent of `desiredCount`. The deployment circuit breaker (with rollback
   * to the last completed deployment) is always on.
   * @default { minimumHealthyPercent: 100, maximumPercent: 200 }
   */
  deployment?: { minimumHealthyPercent?: number; maximumPercent?: number };
  /**
   * Seconds ECS ignores failing load balancer health checks of a new task (only with `loadBalancer`).
   * @default 120 (the backend runs its migrations at boot)
   */
  healthCheckGracePeriodSeconds?: number;
  /**
   * Target-tracking autoscaling on CPU (and on requests per target when the ALB suffixes are given), or `false`.
   * When on, the service's `desiredCount` is left to the autoscaler after creation.
   * @default { minCount: desiredCount, maxCount: 2 * desiredCount, cpuTargetPercent: 60, requestsPerTarget: 1000 }
   */
  autoscaling?: ServiceAutoscaling | false;
  /**
   * Allow `aws ecs execute-command` into the tasks (adds the ssmmessages permissions to the task role).
   * @default false
   */
  enableExecuteCommand?: boolean;
  /**
   * Make `pulumi up` wait until the service is stable (up to 45 minutes), so a deployment the circuit
   * breaker rolled back fails `pulumi up` loudly instead of passing silently.
   * @default true
   */
  waitForSteadyState?: boolean;
  /**
   * Task definition family: up to 255 letters, numbers, hyphens and underscores.
   * @default `<project>-<stack>-<name>`
   */
  family?: string;
  /** Tags for every resource. @default none */
  tags?: Record<string, string>;
  /**
   * Protect the created cluster, the log group and the service from deletion. Nothing here holds data.
   * @default false
   */
  protect?: boolean;
  /**
   * Change any child resource's arguments.
   * @default none: the arguments as built
   */
  transform?: {
    taskDefinition?: Transform<aws.ecs.TaskDefinitionArgs>;
    service?: Transform<aws.ecs.ServiceArgs>;
    securityGroup?: Transform<aws.ec2.SecurityGroupArgs>;
    logGroup?: Transform<aws.cloudwatch.LogGroupArgs>;
    cluster?: Transform<aws.ecs.ClusterArgs>;
    taskRole?: Transform<aws.iam.RoleArgs>;
    executionRole?: Transform<aws.iam.RoleArgs>;
  };
}

// ---------------------------------------------------------------------------------------------------------
// Pure rules (exported for table tests)

/** Fargate's task sizes: memory (MiB) allowed for each CPU value (Linux). */
const FARGATE_SIZES: Record<number, { from: number; to: number; step: number } | number[]> = {
  256: [512, 1024, 2048],
  512: { from: 1024, to: 4096, step: 1024 },
  1024: { from: 2048, to: 8192, step: 1024 },
  2048: { from: 4096, to: 16384, step: 1024 },
  4096: { from: 8192, to: 30720, step: 1024 },
  8192: { from: 16384, to: 61440, step: 4096 },
  16384: { from: 32768, to: 122880, step: 8192 },
};

/** The memory sizes (MiB) Fargate accepts with a CPU value, or undefined when the CPU value is not a Fargate size. */
export function fargateMemoryOptions(cpu: number): number[] | undefined {
  const size = FARGATE_SIZES[cpu];
  if (size === undefined) return undefined;
  if (Array.isArray(size)) return size;
  const out: number[] = [];
  for (let m = size.from; m <= size.to; m += size.step) out.push(m);
  return out;
}

/** CloudWatch Logs retention values (days); 0 = never expire. */
export const CLOUDWATCH_RETENTION_DAYS = [
  0, 1, 3, 5, 7, 14, 30, 60, 90, 120, 150, 180, 365, 400, 545, 731, 1096, 1827, 2192, 2557, 2922, 3288, 3653,
];

const CREDENTIAL_NAME = /PASSWORD|PASSWD|SECRET|TOKEN|API_?KEY|PRIVATE_?KEY|CREDENTIAL/i;
/** `scheme://user:password@` (the user may be empty, as in `redis://:password@`). */
const URI_WITH_PASSWORD = /[a-z][a-z0-9+.-]*:\/\/[^\s/@:]*:[^\s/@]+@/i;

/**
 * Why a plain environment variable looks like a credential, or undefined. `value` undefined means the value
 * is not known yet (an Output): then only the name is judged.
 */
export function credentialProblem(name: string, value: string | undefined): string | undefined {
  if (value !== undefined && URI_WITH_PASSWORD.test(value)) return "holds a URI with a password";
  if (CREDENTIAL_NAME.test(name) && value !== "") {
    return value === undefined
      ? "is named like a credential and its value is not known before deployment"
      : "is named like a credential and has a value";
  }
  return undefined;
}

const SECRET_ARN =
  /^(arn:aws[a-z-]*:secretsmanager:[a-z0-9-]+:\d{12}:secret:[A-Za-z0-9/_+=.@-]+)(:[^:]*:[^:]*:[^:]*)?$/;

/**
 * The secret ARN an ECS `valueFrom` reads: `arn:...:secret:name-AbCdEf:json-key:stage:version` ->
 * `arn:...:secret:name-AbCdEf`. Undefined when `valueFrom` is not a Secrets Manager reference.
 */
export function secretArnOf(valueFrom: string): string | undefined {
  return SECRET_ARN.exec(valueFrom)?.[1];
}

/** The default task definition family: `<project>-<stack>-<name>`, made valid and at most 255 characters. */
export function defaultFamily(project: string, stack: string, name: string): string {
  const family = `${project}-${stack}-${name}`.replace(/[^A-Za-z0-9_-]/g, "-");
  if (family.length <= 255) return family;
  const hash = createHash("sha256").update(family).digest("hex").slice(0, 8);
  return `${family.slice(0, 246)}-${hash}`;
}

const NAME = /^[A-Za-z0-9_-]{1,255}$/;
const ENV_NAME = /^[A-Za-z_][A-Za-z0-9_]*$/;
/** IAM role names are at most 64 characters; Pulumi appends `-` and 7 characters to `<name>-execution`. */
const MAX_NAME_WITH_ROLES = 64 - "-execution".length - 8;

// ---------------------------------------------------------------------------------------------------------
// Validation

/** The arguments with every default applied. */
export interface ToucanServiceSettings {
  containerName: string;
  containerPort: number;
  cpu: number;
  memory: number;
  cpuArchitecture: "X86_64" | "ARM64";
  desiredCount: number;
  environment: Record<string, pulumi.Input<string>>;
  secrets: Record<string, pulumi.Input<string>>;
  volumes: ServiceVolume[];
  mounts: ContainerMount[];
  initContainers: InitContainer[];
  logRetentionDays: number;
  minimumHealthyPercent: number;
  maximumPercent: number;
  healthCheckGracePeriodSeconds: number;
  autoscaling?: { minCount: number; maxCount: number; cpuTargetPercent: number; requestsPerTarget: number };
  requestScaling: boolean;
  family: string;
  readonlyRootFilesystem: boolean;
  enableExecuteCommand: boolean;
  protect: boolean;
}

/** Checks the arguments; throws before anything is registered. Exported for table tests. */
export function validateToucanServiceArgs(name: string, args: ToucanServiceArgs): ToucanServiceSettings {
  requireArgs(`ToucanService "${name}"`, args, "an object of ToucanServiceArgs");
  const checks = new ArgumentChecks(`ToucanService "${name}"`);
  checkServiceName(checks, name, args);
  checkSubnets(checks, args);
  const { containerName, containerPort } = checkMainContainer(checks, args);
  const { cpu, memory, cpuArchitecture } = checkTaskSize(checks, args);
  const { desiredCount, allowSingleTask } = checkTaskCount(checks, args);
  const volumes = args.volumes ?? [];
  const checkContainer = containerChecker(checks, args, checkVolumes(checks, volumes));
  const environment = args.environment ?? {};
  const secrets = args.secrets ?? {};
  const mounts = args.mounts ?? [];
  checkContainer("", environment, secrets, mounts);
  const initContainers = checkInitContainers(checks, args, containerName, checkContainer);
  const lb = checkLoadBalancer(checks, args);
  const logRetentionDays = checkLogRetention(checks, args);
  checks.id("logKmsKeyArn", args.logKmsKeyArn, logKeyProblem, LOG_KEY_FIX);
  const { minimumHealthyPercent, maximumPercent } = checkDeployment(checks, args, desiredCount);
  const healthCheckGracePeriodSeconds = checkHealthChecks(checks, args);
  const autoscaling = checkAutoscaling(checks, args, desiredCount, allowSingleTask);
  const family = checkFamilyAndCluster(checks, name, args);

  checks.throwIfAny();
  return {
    containerName,
    containerPort,
    cpu,
    memory,
    cpuArchitecture,
    desiredCount,
    environment,
    secrets,
    volumes,
    mounts,
    initContainers,
    logRetentionDays,
    minimumHealthyPercent,
    maximumPercent,
    healthCheckGracePeriodSeconds,
    autoscaling,
    requestScaling: lb?.targetGroupArnSuffix !== undefined && lb?.loadBalancerArnSuffix !== undefined,
    family,
    readonlyRootFilesystem: args.readonlyRootFilesystem ?? false,
    enableExecuteCommand: args.enableExecuteCommand ?? false,
    protect: args.protect ?? false,
  };
}

// The steps of validateToucanServiceArgs, in the order of the task definition and the service.
type Checks = ArgumentChecks;
type ContainerCheck = (
  where: string,
  environment: Record<string, pulumi.Input<string>>,
  secrets: Record<string, pulumi.Input<string>>,
  mounts: ContainerMount[],
) => void;

/** The name becomes ECS and IAM names (with the generated roles', within IAM's 64 characters). */
function checkServiceName(checks: Checks, name: string, args: ToucanServiceArgs): void {
  checks.require(
    /^[A-Za-z0-9_-]+$/.test(name),
    "name",
    name,
    "is not usable in ECS and IAM names",
    "use letters, numbers, hyphens and underscores only",
  );
  if (!args.taskRole || !args.executionRole) {
    checks.require(
      name.length <= MAX_NAME_WITH_ROLES,
      "name",
      name,
      `is longer than ${MAX_NAME_WITH_ROLES} characters, so the generated IAM role names would pass AWS's 64`,
      `use a shorter name, or pass both \`taskRole\` and \`executionRole\``,
    );
  }
}

/** At least two distinct subnets (a list that is an Output is checked once known). */
function checkSubnets(checks: Checks, args: ToucanServiceArgs): void {
  // A list that is an Output is checked once known (checkedSubnets, where the service uses it).
  const subnets = plainList(args.subnetIds);
  if (subnets !== undefined || args.subnetIds === undefined) {
    const listed = subnets ?? [];
    const few = SUBNET_CHECKS.few;
    checks.require(
      few.problem(listed) === undefined,
      "subnetIds",
      listed.map((s) => (typeof s === "string" ? s : "<output>")),
      few.problem(listed) ?? "",
      few.fix,
    );
    const plainSubnets = listed.filter((s): s is string => typeof s === "string");
    const repeated = SUBNET_CHECKS.repeated;
    checks.require(
      repeated.problem(plainSubnets) === undefined,
      "subnetIds",
      plainSubnets,
      repeated.problem(plainSubnets) ?? "",
      repeated.fix,
    );
  }
}

/** The image, the main container's name and port. */
function checkMainContainer(checks: Checks, args: ToucanServiceArgs) {
  if (typeof args.image === "string") {
    checks.require(
      args.image.trim() !== "",
      "image",
      args.image,
      "is empty",
      'pass an image reference, e.g. "quay.io/toucantoco/backend:v100.5.1"',
    );
  }

  const containerName = args.containerName ?? "app";
  checks.require(
    NAME.test(containerName),
    "containerName",
    containerName,
    "is not a valid container name",
    "use up to 255 letters, numbers, hyphens and underscores",
  );
  const containerPort = args.containerPort ?? 80;
  checks.require(
    isIntegerIn(containerPort, 1, 65535),
    "containerPort",
    containerPort,
    "is not a TCP port",
    "use 1-65535",
  );
  return { containerName, containerPort };
}

/** A Fargate CPU and memory pair, and the CPU architecture. */
function checkTaskSize(checks: Checks, args: ToucanServiceArgs) {
  const cpu = args.cpu ?? 1024;
  const memory = args.memory ?? 2048;
  const memoryOptions = fargateMemoryOptions(cpu);
  if (memoryOptions === undefined) {
    checks.fail("cpu", cpu, "is not a Fargate CPU size", "use 256, 512, 1024, 2048, 4096, 8192 or 16384");
  } else {
    const first = memoryOptions[0];
    const last = memoryOptions[memoryOptions.length - 1];
    checks.require(
      memoryOptions.includes(memory),
      "memory",
      memory,
      `is not a Fargate memory size for cpu ${cpu}`,
      memoryOptions.length <= 8
        ? `use one of ${memoryOptions.join(", ")} MiB`
        : `use ${first} to ${last} MiB in steps of ${memoryOptions[1] - first}`,
    );
  }
  const cpuArchitecture = args.cpuArchitecture ?? "X86_64";
  checks.require(
    cpuArchitecture === "X86_64" || cpuArchitecture === "ARM64",
    "cpuArchitecture",
    cpuArchitecture,
    "is not a Fargate CPU architecture",
    'use "X86_64" or "ARM64"',
  );
  return { cpu, memory, cpuArchitecture };
}

/** Two tasks or more, unless a single task is asked for explicitly. */
function checkTaskCount(checks: Checks, args: ToucanServiceArgs) {
  const allowSingleTask = args.allowSingleTask ?? false;
  const desiredCount = args.desiredCount ?? 2;
  checks.require(
    isIntegerIn(desiredCount, 0),
    "desiredCount",
    desiredCount,
    "is not a task count",
    "use a whole number",
  );
  checks.require(
    !isIntegerIn(desiredCount, 0) || desiredCount >= 2 || allowSingleTask,
    "desiredCount",
    desiredCount,
    "leaves the service without a second task, so losing one task or one AZ takes it down",
    "use 2 or more, or set `allowSingleTask: true` for a non-redundant (development) service",
  );
  return { desiredCount, allowSingleTask };
}

/** Volume names and EFS volumes; returns the names mounts may use. */
function checkVolumes(checks: Checks, volumes: NonNullable<ToucanServiceArgs["volumes"]>): string[] {
  const volumeNames = volumes.map((v) => v.name);
  volumes.forEach((v, i) => {
    checks.require(
      NAME.test(v.name ?? ""),
      `volumes[${i}].name`,
      v.name,
      "is not a valid volume name",
      "use up to 255 letters, numbers, hyphens and underscores",
    );
    if (v.efs) {
      checks.require(
        v.efs.fileSystemId !== undefined && v.efs.accessPointId !== undefined,
        `volumes[${i}].efs`,
        v.name,
        "needs both fileSystemId and accessPointId (EFS volumes are always mounted through an access point)",
        "pass the SharedStorage's fileSystemId and accessPointId",
      );
    }
  });
  checks.require(
    new Set(volumeNames).size === volumeNames.length,
    "volumes",
    volumeNames,
    "repeats a volume name",
    "give each volume a distinct name",
  );
  return volumeNames;
}

/** The check of one container's environment (no credential in plain text), secrets and mounts. */
function containerChecker(checks: Checks, args: ToucanServiceArgs, volumeNames: string[]): ContainerCheck {
  const allowPlain = new Set(args.allowPlainEnvironment ?? []);
  return (
    where: string,
    environment: Record<string, pulumi.Input<string>>,
    secrets: Record<string, pulumi.Input<string>>,
    mounts: ContainerMount[],
  ) => {
    for (const [key, value] of Object.entries(environment)) {
      checks.require(
        ENV_NAME.test(key),
        `${where}environment`,
        key,
        "is not an environment variable name",
        "use letters, digits and underscores, not starting with a digit",
      );
      // A listed name escapes the judgement on names, never the one on values.
      const byName = !allowPlain.has(key);
      const problem = credentialProblem(byName ? key : "", typeof value === "string" ? value : undefined);
      if (problem) {
        const namedOnly = credentialProblem("", typeof value === "string" ? value : undefined) === undefined;
        checks.fail(
          `${where}environment.${key}`,
          typeof value === "string" ? redactValue(value) : "<output>",
          `${problem}: a credential in plain environment is readable by anyone who can describe the task definition`,
          `store it in Secrets Manager and pass the secret ARN in \`${where}secrets\` instead` +
            (namedOnly ? ` (or list ${key} in \`allowPlainEnvironment\` if it is not a credential)` : ""),
        );
      }
    }
    for (const [key, value] of Object.entries(secrets)) {
      checks.require(
        ENV_NAME.test(key),
        `${where}secrets`,
        key,
        "is not an environment variable name",
        "use letters, digits and underscores, not starting with a digit",
      );
      checks.require(
        !(key in environment),
        `${where}secrets.${key}`,
        key,
        "is also set in plain environment; ECS would refuse the task definition",
        `remove ${key} from \`${where}environment\``,
      );
      if (typeof value === "string") {
        checks.require(
          secretArnOf(value) !== undefined,
          `${where}secrets.${key}`,
          redactValue(value),
          "is not a Secrets Manager secret ARN",
          'pass "arn:aws:secretsmanager:<region>:<account>:secret:<name>-<suffix>", optionally followed by ":<json-key>::"',
        );
      } else if (value === undefined) {
        checks.fail(
          `${where}secrets.${key}`,
          value,
          "has no secret ARN",
          "pass a Secrets Manager secret ARN or remove the entry",
        );
      }
    }
    const paths = new Set<string>();
    mounts.forEach((m, i) => {
      checks.require(
        volumeNames.includes(m.volume),
        `${where}mounts[${i}].volume`,
        m.volume,
        "is not one of `volumes`",
        volumeNames.length > 0
          ? `use one of ${volumeNames.join(", ")}, or add it to \`volumes\``
          : "add the volume to `volumes`",
      );
      checks.require(
        typeof m.containerPath === "string" && m.containerPath.startsWith("/"),
        `${where}mounts[${i}].containerPath`,
        m.containerPath,
        "is not an absolute path",
        'use a path such as "/app/storage"',
      );
      checks.require(
        !paths.has(m.containerPath),
        `${where}mounts[${i}].containerPath`,
        m.containerPath,
        "is mounted twice",
        "mount one volume per path",
      );
      paths.add(m.containerPath);
    });
  };
}

/** Init containers: distinct names, an image and a command each, and their own environment checked. */
function checkInitContainers(
  checks: Checks,
  args: ToucanServiceArgs,
  containerName: string,
  checkContainer: ContainerCheck,
) {
  const initContainers = args.initContainers ?? [];
  const containerNames = [containerName];
  initContainers.forEach((c, i) => {
    const where = `initContainers[${i}].`;
    checks.require(
      NAME.test(c.name ?? ""),
      `${where}name`,
      c.name,
      "is not a valid container name",
      "use up to 255 letters, numbers, hyphens and underscores",
    );
    checks.require(
      !containerNames.includes(c.name),
      `${where}name`,
      c.name,
      "is already the name of another container of the task",
      "give every container a distinct name",
    );
    containerNames.push(c.name);
    checks.require(
      typeof c.image === "string" && c.image.trim() !== "",
      `${where}image`,
      c.image,
      "is empty",
      "pass an image reference",
    );
    checks.require(
      Array.isArray(c.command) && c.command.length > 0,
      `${where}command`,
      c.command,
      "is empty",
      "pass the command that prepares the task, as an argument list",
    );
    checkContainer(where, c.environment ?? {}, c.secrets ?? {}, c.mounts ?? []);
  });
  return initContainers;
}

/** Both ARN suffixes or neither, and room for the retiring target groups. */
function checkLoadBalancer(checks: Checks, args: ToucanServiceArgs) {
  const lb = args.loadBalancer;
  if (lb) {
    checks.require(
      (lb.targetGroupArnSuffix === undefined) === (lb.loadBalancerArnSuffix === undefined),
      "loadBalancer",
      lb.targetGroupArnSuffix === undefined ? "loadBalancerArnSuffix only" : "targetGroupArnSuffix only",
      "has one ARN suffix without the other; request-count scaling needs both",
      "pass both targetGroupArnSuffix and loadBalancerArnSuffix, or neither",
    );
    const retiring = lb.retiringTargetGroupArns ?? [];
    checks.require(
      retiring.length <= 4,
      "loadBalancer.retiringTargetGroupArns",
      `${retiring.length} target groups`,
      "with targetGroupArn exceeds the 5 target groups ECS attaches to a service",
      "retire one load balancer at a time",
    );
  }
  return lb;
}

function checkLogRetention(checks: Checks, args: ToucanServiceArgs): number {
  const logRetentionDays = args.logRetentionDays ?? 30;
  checks.require(
    CLOUDWATCH_RETENTION_DAYS.includes(logRetentionDays),
    "logRetentionDays",
    logRetentionDays,
    "is not a CloudWatch Logs retention",
    `use one of ${CLOUDWATCH_RETENTION_DAYS.join(", ")}`,
  );
  return logRetentionDays;
}

/** Deployment bounds that let a rolling deployment progress. */
function checkDeployment(checks: Checks, args: ToucanServiceArgs, desiredCount: number) {
  const minimumHealthyPercent = args.deployment?.minimumHealthyPercent ?? 100;
  const maximumPercent = args.deployment?.maximumPercent ?? 200;
  checks.require(
    isIntegerIn(minimumHealthyPercent, 0, 100),
    "deployment.minimumHealthyPercent",
    minimumHealthyPercent,
    "is not a percentage of 0-100",
    "use e.g. 100 (never fewer healthy tasks than desired)",
  );
  checks.require(
    isIntegerIn(maximumPercent, 100, 400),
    "deployment.maximumPercent",
    maximumPercent,
    "is not between 100 and 400",
    "use e.g. 200",
  );
  if (
    isIntegerIn(desiredCount, 1) &&
    isIntegerIn(minimumHealthyPercent, 0, 100) &&
    isIntegerIn(maximumPercent, 100, 400)
  ) {
    // ECS rounds the lower bound up and the upper bound down: a deployment must be able to start one new
    // task or stop one old one.
    const canStart = Math.floor((desiredCount * maximumPercent) / 100) > desiredCount;
    const canStop = Math.ceil((desiredCount * minimumHealthyPercent) / 100) < desiredCount;
    checks.require(
      canStart || canStop,
      "deployment",
      { minimumHealthyPercent, maximumPercent, desiredCount },
      "lets a deployment neither start a new task nor stop an old one, so it would never progress",
      `raise maximumPercent to at least ${100 + Math.ceil(100 / desiredCount)}`,
    );
  }
  return { minimumHealthyPercent, maximumPercent };
}

/** The load balancer's grace period and the container's own health check. */
function checkHealthChecks(checks: Checks, args: ToucanServiceArgs): number {
  const lb = args.loadBalancer;
  const healthCheckGracePeriodSeconds = args.healthCheckGracePeriodSeconds ?? 120;
  checks.require(
    isIntegerIn(healthCheckGracePeriodSeconds, 0, 2147483647),
    "healthCheckGracePeriodSeconds",
    healthCheckGracePeriodSeconds,
    "is not a number of seconds",
    "use a whole number, e.g. 120",
  );
  checks.require(
    args.healthCheckGracePeriodSeconds === undefined || lb !== undefined,
    "healthCheckGracePeriodSeconds",
    args.healthCheckGracePeriodSeconds,
    "has no effect without `loadBalancer` (ECS accepts it only for load-balanced services)",
    "remove it, or attach the service to a target group",
  );
  if (args.containerHealthCheck !== undefined) {
    const command = args.containerHealthCheck;
    checks.require(
      command.length >= 2 && (command[0] === "CMD" || command[0] === "CMD-SHELL"),
      "containerHealthCheck",
      command,
      'does not start with "CMD" or "CMD-SHELL" followed by the command',
      'use e.g. ["CMD-SHELL", "curl -fs http://localhost/ || exit 1"]',
    );
  }
  return healthCheckGracePeriodSeconds;
}

/** Autoscaling bounds around the desired count, and its targets. */
function checkAutoscaling(
  checks: Checks,
  args: ToucanServiceArgs,
  desiredCount: number,
  allowSingleTask: boolean,
): ToucanServiceSettings["autoscaling"] {
  let autoscaling: ToucanServiceSettings["autoscaling"];
  if (args.autoscaling !== false) {
    const a = args.autoscaling ?? {};
    const minCount = a.minCount ?? desiredCount;
    const maxCount = a.maxCount ?? 2 * desiredCount;
    const cpuTargetPercent = a.cpuTargetPercent ?? 60;
    const requestsPerTarget = a.requestsPerTarget ?? 1000;
    autoscaling = { minCount, maxCount, cpuTargetPercent, requestsPerTarget };
    checks.require(
      isIntegerIn(minCount, 0),
      "autoscaling.minCount",
      minCount,
      "is not a task count",
      "use a whole number",
    );
    // A minCount defaulted from desiredCount is already judged as desiredCount.
    checks.require(
      a.minCount === undefined || !isIntegerIn(minCount, 0) || minCount >= 2 || allowSingleTask,
      "autoscaling.minCount",
      minCount,
      "lets the autoscaler scale in to a single task, losing redundancy",
      "use 2 or more, or set `allowSingleTask: true`",
    );
    checks.require(
      isIntegerIn(maxCount, 1) && maxCount >= minCount,
      "autoscaling.maxCount",
      maxCount,
      `is not a task count of at least 1 and at least minCount (${minCount})`,
      "raise maxCount, or set `autoscaling: false` for a service kept at zero tasks",
    );
    checks.require(
      isIntegerIn(desiredCount, 0) && desiredCount >= minCount && desiredCount <= maxCount,
      "desiredCount",
      desiredCount,
      `is outside autoscaling's range ${minCount}-${maxCount}`,
      "set desiredCount between autoscaling.minCount and autoscaling.maxCount",
    );
    checks.require(
      typeof cpuTargetPercent === "number" && cpuTargetPercent > 0 && cpuTargetPercent <= 100,
      "autoscaling.cpuTargetPercent",
      cpuTargetPercent,
      "is not a percentage above 0",
      "use e.g. 60",
    );
    checks.require(
      typeof requestsPerTarget === "number" && requestsPerTarget > 0,
      "autoscaling.requestsPerTarget",
      requestsPerTarget,
      "is not a positive request count",
      "use e.g. 1000",
    );
  }
  return autoscaling;
}

/** The task definition family, and Container Insights only on a cluster the component creates. */
function checkFamilyAndCluster(checks: Checks, name: string, args: ToucanServiceArgs): string {
  const family = args.family ?? defaultFamily(pulumi.getProject(), pulumi.getStack(), name);
  checks.require(
    NAME.test(family),
    "family",
    family,
    "is not a valid task definition family",
    "use up to 255 letters, numbers, hyphens and underscores",
  );

  checks.require(
    args.containerInsights === undefined ||
      ["enhanced", "enabled", "disabled"].includes(args.containerInsights),
    "containerInsights",
    args.containerInsights,
    "is not a Container Insights setting",
    'use "enhanced", "enabled" or "disabled"',
  );
  checks.require(
    args.containerInsights === undefined || args.cluster === undefined,
    "containerInsights",
    args.containerInsights,
    "has no effect on an existing `cluster`",
    "set Container Insights on the cluster itself, or remove `containerInsights`",
  );
  return family;
}

/** Shows the shape of a refused value without its secret part. */
function redactValue(value: string): string {
  const masked = value.replace(/(:\/\/[^\s/@:]*:)[^\s/@]+@/g, "$1***@");
  if (masked !== value) return masked;
  return value.length > 8 ? `${value.slice(0, 2)}***` : "***";
}

// ---------------------------------------------------------------------------------------------------------
// Component

/** Names of the environment variables and their values, sorted by name (stable task definitions). */
function sortedEntries<T>(record: Record<string, T>): [string, T][] {
  return Object.entries(record).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
}

/**
 * One ECS Fargate service and its task definition: Toucan's backend, frontend or screenshot service. Tasks run
 * in private subnets without public IPs, behind an ALB target group when given, with a deployment circuit
 * breaker that rolls failed deployments back, CPU (and request) autoscaling, logs in CloudWatch, secrets
 * injected by ECS from Secrets Manager, and EFS volumes mounted with TLS and IAM authorization.
 *
 * @example
 * ```ts
 * const backend = new ToucanService("toucan-backend", {
 *   cluster: { arn: cluster.arn, name: cluster.name },
 *   vpcId: network.vpcId,
 *   subnetIds: network.privateSubnetIdList,
 *   image: "quay.io/toucantoco/backend:v100.5.1",
 *   environment: { TOUCAN_GUNICORN_WORKERS: "3" },
 *   secrets: { TOUCAN_MONGODB_HOST: mongo.mongodbHostSecretArn },
 *   volumes: [{ name: "storage", efs: { fileSystemId: efs.fileSystemId, accessPointId: efs.accessPointId } }],
 *   mounts: [{ volume: "storage", containerPath: "/app/storage" }],
 *   loadBalancer: { targetGroupArn: tg.arn, securityGroupId: alb.securityGroupId },
 * });
 * ```
 */
export class ToucanService extends pulumi.ComponentResource {
  /** Name of the ECS service. */
  readonly serviceName: pulumi.Output<string>;
  /** ARN of the ECS service. */
  readonly serviceArn: pulumi.Output<string>;
  /** ARN of the cluster the service runs in (created or given). */
  readonly clusterArn: pulumi.Output<string>;
  /** Name of the cluster the service runs in. */
  readonly clusterName: pulumi.Output<string>;
  /** The tasks' security group (created or given): allow it in databases, caches and file systems. */
  readonly securityGroupId: pulumi.Output<string>;
  /** ARN of the task role (created or given). */
  readonly taskRoleArn: pulumi.Output<string>;
  /** ARN of the execution role (created or given). */
  readonly executionRoleArn: pulumi.Output<string>;
  /** ARN of the task definition revision the service runs. */
  readonly taskDefinitionArn: pulumi.Output<string>;
  /** CloudWatch log group of every container of the task. */
  readonly logGroupName: pulumi.Output<string>;

  constructor(name: string, args: ToucanServiceArgs, opts: pulumi.ComponentResourceOptions = {}) {
    const s = validateToucanServiceArgs(name, args);
    super(COMPONENT, name, {}, opts);
    const tags = args.tags ?? {};
    const region = aws.getRegionOutput({}, { parent: this }).region;
    const partition = aws.getPartitionOutput({}, { parent: this }).partition;
    const accountId = aws.getCallerIdentityOutput({}, { parent: this }).accountId;

    const cluster = this.resolveCluster(name, args, s, tags);
    const securityGroupId = this.resolveSecurityGroup(name, args, tags);
    const loadBalancerRules = this.admitLoadBalancer(name, args, s, securityGroupId);
    const clientRules = (args.clientSecurityGroupIds ?? []).map(
      (client, i) =>
        new aws.vpc.SecurityGroupIngressRule(
          `${name}-from-client-${i}`,
          {
            securityGroupId,
            referencedSecurityGroupId: client,
            ipProtocol: "tcp",
            fromPort: s.containerPort,
            toPort: s.containerPort,
            description: `Clients of ${name} on ${s.containerPort}`,
            tags,
          },
          { parent: this },
        ),
    );
    const logGroup = this.createLogGroup(name, args, s, tags);
    const executionRole = this.resolveRole(
      name,
      "execution",
      args.executionRole,
      args.transform?.executionRole,
      accountId,
      tags,
    );
    const executionGrants = this.grantExecution(name, args, s, executionRole, partition, region);
    const taskRole = this.resolveRole(name, "task", args.taskRole, args.transform?.taskRole, accountId, tags);
    const taskGrants = this.grantTask(name, s, taskRole, partition, region, accountId);
    const taskDefinition = this.createTaskDefinition(name, args, s, {
      logGroup: logGroup.name,
      region,
      taskRoleArn: taskRole.arn,
      executionRoleArn: executionRole.arn,
      tags,
    });
    const service = this.createService(name, args, s, cluster.arn, securityGroupId, taskDefinition, tags, [
      ...(args.loadBalancer?.readyResources ?? []),
      ...loadBalancerRules,
      ...clientRules,
      ...executionGrants,
      ...taskGrants,
    ]);
    if (s.autoscaling) this.createAutoscaling(name, args, s, s.autoscaling, cluster.name, service, tags);

    this.serviceName = service.name;
    this.serviceArn = service.arn;
    this.clusterArn = pulumi.output(cluster.arn);
    this.clusterName = pulumi.output(cluster.name);
    this.securityGroupId = pulumi.output(securityGroupId);
    this.taskRoleArn = pulumi.output(taskRole.arn);
    this.executionRoleArn = pulumi.output(executionRole.arn);
    this.taskDefinitionArn = taskDefinition.arn;
    this.logGroupName = logGroup.name;
    this.registerOutputs({
      serviceName: this.serviceName,
      serviceArn: this.serviceArn,
      clusterArn: this.clusterArn,
      clusterName: this.clusterName,
      securityGroupId: this.securityGroupId,
      taskRoleArn: this.taskRoleArn,
      executionRoleArn: this.executionRoleArn,
      taskDefinitionArn: this.taskDefinitionArn,
      logGroupName: this.logGroupName,
    });
  }

  private resolveCluster(
    name: string,
    args: ToucanServiceArgs,
    s: ToucanServiceSettings,
    tags: Record<string, string>,
  ): { arn: pulumi.Input<string>; name: pulumi.Input<string> } {
    if (args.cluster) return args.cluster;
    const cluster = new aws.ecs.Cluster(
      ...applyTransform(
        args.transform?.cluster,
        `${name}-cluster`,
        { settings: [{ name: "containerInsights", value: args.containerInsights ?? "enabled" }], tags },
        { parent: this, protect: s.protect },
      ),
    );
    return { arn: cluster.arn, name: cluster.name };
  }

  /**
   * The tasks' security group. Egress is open on purpose: the tasks pull images from public registries
   * (quay.io) and Toucan's connectors reach customers' databases and APIs, wherever those are.
   */
  private resolveSecurityGroup(
    name: string,
    args: ToucanServiceArgs,
    tags: Record<string, string>,
  ): pulumi.Input<string> {
    if (args.securityGroupId !== undefined) return args.securityGroupId;
    const group = new aws.ec2.SecurityGroup(
      ...applyTransform(
        args.transform?.securityGroup,
        `${name}-sg`,
        {
          vpcId: args.vpcId,
          description: `Tasks of ${name}: ${args.loadBalancer ? "ingress from its load balancer only" : args.clientSecurityGroupIds?.length ? "ingress from its clients only" : "no ingress"}`,
          tags: { ...tags, Name: name },
        },
        { parent: this },
      ),
    );
    new aws.vpc.SecurityGroupEgressRule(
      `${name}-egress-all`,
      {
        securityGroupId: group.id,
        ipProtocol: "-1",
        cidrIpv4: "0.0.0.0/0",
        // Rule descriptions allow no apostrophe.
        description: "Image pulls (quay.io), AWS APIs and Toucan connectors to customer data sources",
        tags,
      },
      { parent: this },
    );
    return group.id;
  }

  /** The load balancer may reach the container port, and only that; and it may send there (its only egress). */
  private admitLoadBalancer(
    name: string,
    args: ToucanServiceArgs,
    s: ToucanServiceSettings,
    securityGroupId: pulumi.Input<string>,
  ): pulumi.Resource[] {
    const lb = args.loadBalancer;
    if (!lb) return [];
    const port = { ipProtocol: "tcp", fromPort: s.containerPort, toPort: s.containerPort };
    const ingress = new aws.vpc.SecurityGroupIngressRule(
      `${name}-from-alb`,
      {
        securityGroupId,
        referencedSecurityGroupId: lb.securityGroupId,
        ...port,
        description: `Load balancer to ${name} on ${s.containerPort}`,
        tags: args.tags,
      },
      { parent: this },
    );
    const egress = new aws.vpc.SecurityGroupEgressRule(
      `${name}-alb-to-tasks`,
      {
        securityGroupId: lb.securityGroupId,
        referencedSecurityGroupId: securityGroupId,
        ...port,
        description: `Load balancer to ${name} on ${s.containerPort}`,
        tags: args.tags,
      },
      { parent: this },
    );
    return [ingress, egress];
  }

  private createLogGroup(
    name: string,
    args: ToucanServiceArgs,
    s: ToucanServiceSettings,
    tags: Record<string, string>,
  ) {
    return new aws.cloudwatch.LogGroup(
      ...applyTransform(
        args.transform?.logGroup,
        `${name}-logs`,
        {
          retentionInDays: s.logRetentionDays,
          ...logGroupKey(args.logKmsKeyArn, `ToucanService "${name}"`, "logKmsKeyArn"),
          tags,
        },
        { parent: this, protect: s.protect },
      ),
    );
  }

  /** A role ECS tasks assume (only from this account), or the one given. */
  private resolveRole(
    name: string,
    kind: "task" | "execution",
    existing: ExistingServiceRole | undefined,
    transform: Transform<aws.iam.RoleArgs> | undefined,
    accountId: pulumi.Output<string>,
    tags: Record<string, string>,
  ): ExistingServiceRole {
    if (existing) return existing;
    const role = new aws.iam.Role(
      ...applyTransform(
        transform,
        `${name}-${kind}`,
        {
          description:
            kind === "task"
              ? `Tasks of ${name}: what the containers' AWS calls run as`
              : `ECS on behalf of ${name}: image pulls, logs and secrets`,
          assumeRolePolicy: pulumi.jsonStringify({
            Version: "2012-10-17",
            Statement: [
              {
                Effect: "Allow",
                Principal: { Service: "ecs-tasks.amazonaws.com" },
                Action: "sts:AssumeRole",
                Condition: { StringEquals: { "aws:SourceAccount": accountId } },
              },
            ],
          }),
          tags,
        },
        { parent: this },
      ),
    );
    return { arn: role.arn, name: role.name };
  }

  /** The execution role pulls images, writes logs and reads exactly the secrets the containers name. */
  private grantExecution(
    name: string,
    args: ToucanServiceArgs,
    s: ToucanServiceSettings,
    role: ExistingServiceRole,
    partition: pulumi.Output<string>,
    region: pulumi.Output<string>,
  ): pulumi.Resource[] {
    const grants: pulumi.Resource[] = [];
    if (!args.executionRole) {
      grants.push(
        new aws.iam.RolePolicyAttachment(
          `${name}-execution-managed`,
          {
            role: role.name,
            policyArn: pulumi.interpolate`arn:${partition}:iam::aws:policy/service-role/AmazonECSTaskExecutionRolePolicy`,
          },
          { parent: this },
        ),
      );
    }
    const references: pulumi.Input<string>[] = [
      ...Object.values(s.secrets),
      ...s.initContainers.flatMap((c) => Object.values(c.secrets ?? {})),
      ...(args.repositoryCredentialsSecretArn !== undefined ? [args.repositoryCredentialsSecretArn] : []),
    ];
    if (references.length === 0) return grants;
    const secretArns = pulumi.all(references).apply((values) => {
      const arns = values.map((value) => {
        const arn = typeof value === "string" ? secretArnOf(value) : undefined;
        if (arn === undefined) {
          throw new ToucanArgumentError(
            `ToucanService "${name}"`,
            "secrets",
            value,
            "holds a value that is not a Secrets Manager secret ARN",
            "pass secret ARNs (optionally followed by :json-key::)",
          );
        }
        return arn;
      });
      return [...new Set(arns)].sort();
    });
    const statements: object[] = [
      {
        Sid: "ReadTaskSecrets",
        Effect: "Allow",
        Action: "secretsmanager:GetSecretValue",
        Resource: secretArns,
      },
    ];
    if ((args.secretsKmsKeyArns ?? []).length > 0) {
      statements.push({
        Sid: "DecryptTaskSecrets",
        Effect: "Allow",
        Action: "kms:Decrypt",
        Resource: args.secretsKmsKeyArns,
        Condition: {
          StringEquals: { "kms:ViaService": pulumi.interpolate`secretsmanager.${region}.amazonaws.com` },
        },
      });
    }
    grants.push(
      new aws.iam.RolePolicy(
        `${name}-secrets`,
        { role: role.name, policy: pulumi.jsonStringify({ Version: "2012-10-17", Statement: statements }) },
        { parent: this },
      ),
    );
    return grants;
  }

  /** The task role gets nothing but what the EFS volumes and ECS Exec need. */
  private grantTask(
    name: string,
    s: ToucanServiceSettings,
    role: ExistingServiceRole,
    partition: pulumi.Output<string>,
    region: pulumi.Output<string>,
    accountId: pulumi.Output<string>,
  ): pulumi.Resource[] {
    const grants: pulumi.Resource[] = [];
    const efsVolumes = s.volumes.filter((v) => v.efs !== undefined);
    if (efsVolumes.length > 0) {
      const allMounts = [...s.mounts, ...s.initContainers.flatMap((c) => c.mounts ?? [])];
      const statements = efsVolumes.map((v, i) => {
        const efs = v.efs!;
        const writes = allMounts.some((m) => m.volume === v.name && !m.readOnly);
        const fileSystemArn =
          efs.fileSystemArn ??
          pulumi.interpolate`arn:${partition}:elasticfilesystem:${region}:${accountId}:file-system/${efs.fileSystemId}`;
        const accessPointArn =
          efs.accessPointArn ??
          pulumi.interpolate`arn:${partition}:elasticfilesystem:${region}:${accountId}:access-point/${efs.accessPointId}`;
        return {
          Sid: `Mount${v.name.replace(/[^A-Za-z0-9]/g, "") || i + 1}`,
          Effect: "Allow",
          Action: writes
            ? ["elasticfilesystem:ClientMount", "elasticfilesystem:ClientWrite"]
            : ["elasticfilesystem:ClientMount"],
          Resource: fileSystemArn,
          Condition: { StringEquals: { "elasticfilesystem:AccessPointArn": accessPointArn } },
        };
      });
      grants.push(
        new aws.iam.RolePolicy(
          `${name}-efs`,
          { role: role.name, policy: pulumi.jsonStringify({ Version: "2012-10-17", Statement: statements }) },
          { parent: this },
        ),
      );
    }
    if (s.enableExecuteCommand) {
      grants.push(
        new aws.iam.RolePolicy(
          `${name}-ecs-exec`,
          {
            role: role.name,
            policy: JSON.stringify({
              Version: "2012-10-17",
              Statement: [
                {
                  Sid: "EcsExec",
                  Effect: "Allow",
                  Action: [
                    "ssmmessages:CreateControlChannel",
                    "ssmmessages:CreateDataChannel",
                    "ssmmessages:OpenControlChannel",
                    "ssmmessages:OpenDataChannel",
                  ],
                  Resource: "*",
                },
              ],
            }),
          },
          { parent: this },
        ),
      );
    }
    return grants;
  }

  private createTaskDefinition(
    name: string,
    args: ToucanServiceArgs,
    s: ToucanServiceSettings,
    refs: {
      logGroup: pulumi.Output<string>;
      region: pulumi.Output<string>;
      taskRoleArn: pulumi.Input<string>;
      executionRoleArn: pulumi.Input<string>;
      tags: Record<string, string>;
    },
  ): aws.ecs.TaskDefinition {
    const component = `ToucanService "${name}"`;
    const logConfiguration = {
      logDriver: "awslogs",
      options: {
        "awslogs-group": refs.logGroup,
        "awslogs-region": refs.region,
        "awslogs-stream-prefix": "ecs",
      },
    };
    const common = (
      where: string,
      environment: Record<string, pulumi.Input<string>>,
      secrets: Record<string, pulumi.Input<string>>,
      mounts: ContainerMount[],
    ) => ({
      ...(Object.keys(environment).length > 0
        ? {
            environment: sortedEntries(environment).map(([key, value]) => ({
              name: key,
              value: guardPlainValue(component, where, key, value),
            })),
          }
        : {}),
      ...(Object.keys(secrets).length > 0
        ? { secrets: sortedEntries(secrets).map(([key, valueFrom]) => ({ name: key, valueFrom })) }
        : {}),
      ...(mounts.length > 0
        ? {
            mountPoints: mounts.map((m) => ({
              sourceVolume: m.volume,
              containerPath: m.containerPath,
              readOnly: m.readOnly ?? false,
            })),
          }
        : {}),
      logConfiguration,
    });

    const initContainers = s.initContainers.map((c, i) => ({
      name: c.name,
      image: c.image,
      essential: false,
      command: c.command,
      readonlyRootFilesystem: false,
      ...common(`initContainers[${i}].`, c.environment ?? {}, c.secrets ?? {}, c.mounts ?? []),
    }));
    const main = {
      name: s.containerName,
      image: args.image,
      essential: true,
      portMappings: [{ containerPort: s.containerPort, protocol: "tcp" }],
      readonlyRootFilesystem: s.readonlyRootFilesystem,
      ...common("", s.environment, s.secrets, s.mounts),
      ...(s.initContainers.length > 0
        ? { dependsOn: s.initContainers.map((c) => ({ containerName: c.name, condition: "SUCCESS" })) }
        : {}),
      ...(args.repositoryCredentialsSecretArn !== undefined
        ? { repositoryCredentials: { credentialsParameter: args.repositoryCredentialsSecretArn } }
        : {}),
      ...(args.containerHealthCheck
        ? {
            healthCheck: {
              command: args.containerHealthCheck,
              interval: 30,
              timeout: 5,
              retries: 3,
              startPeriod: Math.min(300, s.healthCheckGracePeriodSeconds),
            },
          }
        : {}),
      // ECS Exec wants an init process to reap the sessions' children.
      ...(s.enableExecuteCommand ? { linuxParameters: { initProcessEnabled: true } } : {}),
    };

    return new aws.ecs.TaskDefinition(
      ...applyTransform(
        args.transform?.taskDefinition,
        `${name}-task`,
        {
          family: s.family,
          networkMode: "awsvpc",
          requiresCompatibilities: ["FARGATE"],
          cpu: String(s.cpu),
          memory: String(s.memory),
          runtimePlatform: { operatingSystemFamily: "LINUX", cpuArchitecture: s.cpuArchitecture },
          executionRoleArn: refs.executionRoleArn,
          taskRoleArn: refs.taskRoleArn,
          containerDefinitions: pulumi.jsonStringify([...initContainers, main]),
          volumes: s.volumes.map((v) =>
            v.efs
              ? {
                  name: v.name,
                  efsVolumeConfiguration: {
                    fileSystemId: v.efs.fileSystemId,
                    transitEncryption: "ENABLED",
                    authorizationConfig: { accessPointId: v.efs.accessPointId, iam: "ENABLED" },
                  },
                }
              : { name: v.name },
          ),
          tags: refs.tags,
        },
        { parent: this },
      ),
    );
  }

  private createService(
    name: string,
    args: ToucanServiceArgs,
    s: ToucanServiceSettings,
    clusterArn: pulumi.Input<string>,
    securityGroupId: pulumi.Input<string>,
    taskDefinition: aws.ecs.TaskDefinition,
    tags: Record<string, string>,
    dependsOn: pulumi.Resource[],
  ): aws.ecs.Service {
    const lb = args.loadBalancer;
    return new aws.ecs.Service(
      ...applyTransform(
        args.transform?.service,
        `${name}-service`,
        {
          cluster: clusterArn,
          taskDefinition: taskDefinition.arn,
          desiredCount: s.desiredCount,
          launchType: "FARGATE",
          platformVersion: "LATEST",
          networkConfiguration: {
            subnets: checkedSubnets(name, args.subnetIds),
            securityGroups: [securityGroupId],
            assignPublicIp: false,
          },
          loadBalancers: lb
            ? [lb.targetGroupArn, ...(lb.retiringTargetGroupArns ?? [])].map((targetGroupArn) => ({
                targetGroupArn,
                containerName: s.containerName,
                containerPort: s.containerPort,
              }))
            : undefined,
          healthCheckGracePeriodSeconds: lb ? s.healthCheckGracePeriodSeconds : undefined,
          serviceRegistries: args.serviceRegistryArn ? { registryArn: args.serviceRegistryArn } : undefined,
          deploymentCircuitBreaker: { enable: true, rollback: true },
          deploymentMinimumHealthyPercent: s.minimumHealthyPercent,
          deploymentMaximumPercent: s.maximumPercent,
          // Fargate spreads a service's tasks over the subnets' AZs by itself; rebalancing restores the
          // spread after an AZ comes back.
          availabilityZoneRebalancing: "ENABLED",
          propagateTags: "SERVICE",
          enableEcsManagedTags: true,
          enableExecuteCommand: s.enableExecuteCommand,
          // `pulumi up` fails when the circuit breaker rolled the deployment back, instead of reporting success.
          waitForSteadyState: args.waitForSteadyState ?? true,
          tags,
        },
        {
          parent: this,
          dependsOn,
          protect: s.protect,
          // The autoscaler owns the task count once the service exists.
          ignoreChanges: s.autoscaling ? ["desiredCount"] : undefined,
          // A first boot (or a version's migrations) can outlast the provider's default 20 minutes.
          customTimeouts: { create: "45m", update: "45m" },
        },
      ),
    );
  }

  private createAutoscaling(
    name: string,
    args: ToucanServiceArgs,
    s: ToucanServiceSettings,
    scaling: NonNullable<ToucanServiceSettings["autoscaling"]>,
    clusterName: pulumi.Input<string>,
    service: aws.ecs.Service,
    tags: Record<string, string>,
  ) {
    const target = new aws.appautoscaling.Target(
      `${name}-scaling`,
      {
        serviceNamespace: "ecs",
        scalableDimension: "ecs:service:DesiredCount",
        resourceId: pulumi.interpolate`service/${clusterName}/${service.name}`,
        minCapacity: scaling.minCount,
        maxCapacity: scaling.maxCount,
        tags,
      },
      { parent: this },
    );
    const policy = (
      suffix: string,
      metric: string,
      targetValue: number,
      resourceLabel?: pulumi.Input<string>,
    ) =>
      new aws.appautoscaling.Policy(
        `${name}-${suffix}`,
        {
          policyType: "TargetTrackingScaling",
          serviceNamespace: target.serviceNamespace,
          scalableDimension: target.scalableDimension,
          resourceId: target.resourceId,
          targetTrackingScalingPolicyConfiguration: {
            targetValue,
            predefinedMetricSpecification: { predefinedMetricType: metric, resourceLabel },
            scaleInCooldown: 300,
            scaleOutCooldown: 60,
          },
        },
        { parent: this },
      );
    policy("cpu-scaling", "ECSServiceAverageCPUUtilization", scaling.cpuTargetPercent);
    if (s.requestScaling) {
      const lb = args.loadBalancer!;
      policy(
        "request-scaling",
        "ALBRequestCountPerTarget",
        scaling.requestsPerTarget,
        pulumi.interpolate`${lb.loadBalancerArnSuffix!}/${lb.targetGroupArnSuffix!}`,
      );
    }
  }
}

/**
 * A plain environment value set from an Output is judged once it is known: a Pulumi secret or a URI with a
 * password fails the deployment instead of landing in the task definition in clear.
 */
function guardPlainValue(
  component: string,
  where: string,
  key: string,
  value: pulumi.Input<string>,
): pulumi.Input<string> {
  if (!pulumi.Output.isInstance(value)) return value;
  const output = pulumi.output(value);
  return output.apply(async (resolved) => {
    const secret = await pulumi.isSecret(output);
    const problem = secret ? "is a Pulumi secret" : credentialProblem("", resolved);
    if (problem) {
      throw new ToucanArgumentError(
        component,
        `${where}environment.${key}`,
        "<output>",
        `${problem}: a credential in plain environment is readable by anyone who can describe the task definition`,
        `store it in Secrets Manager and pass the secret ARN in \`${where}secrets\` instead`,
      );
    }
    return resolved;
  });
}
