import * as pulumi from "@pulumi/pulumi";
import * as fs from "fs";
import * as path from "path";
import * as aws from "@pulumi/aws";
import * as docker from "@pulumi/docker";
import { certificateArnProblem, zoneIdFix, zoneIdProblem } from "../core/aws-ids";
import { checkedWhenKnown, configuredRegion } from "./region";
import {
  ArgumentChecks,
  ToucanArgumentError,
  checkAll,
  combineArgumentErrors,
  requireArgs,
} from "../core/errors";
import { Network, NetworkArgs, NatStrategy, existingAzCount, validateNetworkArgs } from "./network";
import { noNatImageFix, noNatImageProblem } from "./private-registry";
import {
  StaticFrontend,
  StaticAssets,
  validateStaticFrontendArgs,
  StaticFrontendArgs,
  CLOUDFRONT_HOSTED_ZONE_ID,
  STATIC_FRONTEND_TYPE,
} from "./static-frontend";
import { MongoCluster, MongoClusterArgs, validateMongoClusterArgs } from "./mongo-cluster";
import { RedisCache, RedisCacheArgs, validateRedisCacheArgs } from "./redis-cache";
import { SharedStorage, SharedStorageArgs, validateSharedStorageArgs } from "./shared-storage";
import { Certificate, CertificateArgs, validateCertificateArgs } from "./certificate";
import { LoadBalancer, LoadBalancerArgs, LoadBalancerMode, validateLoadBalancerArgs } from "./load-balancer";
import {
  ToucanService,
  ToucanServiceArgs,
  InitContainer,
  ServiceVolume,
  ContainerMount,
  validateToucanServiceArgs,
} from "./toucan-service";
import { certificateCovers } from "../core/hostnames";
import {
  SingleSignOn,
  SingleSignOnArgs,
  SsoProviderOutputs,
  validateSingleSignOnArgs,
} from "./single-sign-on";
import { DEFAULT_AWS_CLI_IMAGE, Toolbox, ToolboxArgs, validateToolboxArgs } from "./toolbox";
import { Backups, BackupsArgs, validateBackupsArgs } from "./backups";
import { FlowLogsArgs, createFlowLogs, validateFlowLogsArgs } from "./flow-logs";
import { Monitoring, MonitoringArgs, MonitoredResources, validateMonitoringArgs } from "./monitoring";
import { toolboxImage } from "../core/toolbox";
import { ResourceTransform, transformingChildren } from "../core/transform";
import { createPreUpgradeBackup } from "./pre-upgrade-backup";
import {
  API_PATH_PREFIX,
  apiBaseRoute,
  backendEnvironment,
  gunicornWorkers,
  redisVariableNames,
  resolveImages,
  vcpuFromCpuUnits,
  RedisVariableNames,
  ToucanVersionArgs,
} from "../core/toucan-config";

/** Where the Mongo CA file lives inside the backend container (named by `tlsCAFile`). */
const CA_VOLUME = "mongo-ca";
const STORAGE_VOLUME = "storage";
/** Small pinned images for the init container that writes the Mongo CA before the backend starts. */
const CA_WRITER_IMAGE = "public.ecr.aws/docker/library/busybox:1.36.1";
/** The image of the readiness init container: MongoDB's official image ships mongosh. */
const MONGO_READY_IMAGE = "public.ecr.aws/docker/library/mongo:7.0";
/** How long the backend's readiness step waits for a primary and the application user (30 minutes). */
const MONGO_READY_ATTEMPTS = 180;
const MONGO_READY_DELAY_SECONDS = 10;

/** Sizing and settings of one Fargate tier. */
export interface TierArgs {
  /**
   * Fargate CPU units.
   * @default 1024 (1 vCPU) for the backend, 256 for the frontend
   */
  cpu?: number;
  /**
   * Memory in MiB.
   * @default 2048 for the backend, 512 for the frontend
   */
  memory?: number;
  /**
   * Number of tasks; at least 2 so the tier survives the loss of an AZ.
   * @default 2
   */
  desiredCount?: number;
  /**
   * Extra plain environment variables (never credentials: use `secrets`).
   * @default none
   */
  environment?: Record<string, pulumi.Input<string>>;
  /**
   * Extra secrets: environment variable name -> Secrets Manager secret ARN.
   * @default none
   */
  secrets?: Record<string, pulumi.Input<string>>;
}

export interface BackendArgs extends TierArgs {
  /**
   * `TOUCAN_GUNICORN_WORKERS`.
   * @default 2 * vCPU + 1 from the task's CPU, the vendor's formula
   */
  gunicornWorkers?: number;
  /**
   * Connectors whose dependencies the backend installs at start (`TOUCAN_EXTRA_CONNECTORS`).
   * @example ["azure_mssql", "oracle"]
   * @default none (`TOUCAN_EXTRA_CONNECTORS` unset)
   */
  extraConnectors?: string[];
  /**
   * Small apps that keep the old augment syntax (`TOUCAN_OLD_AUGMENT_WHITELIST`).
   * @default none (`TOUCAN_OLD_AUGMENT_WHITELIST` unset)
   */
  oldAugmentWhitelist?: string[];
  /**
   * The environment variable names under which the backend receives Redis. The vendor does not
   * document them: see `RedisVariableNames` for the defaults, an assumption you can change.
   */
  redisVariables?: Partial<RedisVariableNames>;
  /**
   * Build the `extraConnectors` into a derived image instead of installing them at every start: the
   * vendor's "override the image" recipe (`FROM quay.io/toucantoco/backend:<version>` +
   * `RUN toucan-ctl install_connectors ...`), built with Docker where `pulumi up` runs and pushed to
   * an ECR repository this component creates. The tasks then run it by digest.
   * @default false: the backend installs them at start (`TOUCAN_EXTRA_CONNECTORS`)
   */
  bakeConnectors?: boolean;
}

export interface StaticFrontendSettings {
  /**
   * Where the files come from.
   * @default the frontend image of the configured version, read from its registry at deployment
   */
  assets?: StaticAssets;
  /** Extra keys of `scripts/tc-params.js`, and the Mixpanel id. */
  tcParams?: StaticFrontendArgs["tcParams"];
  mixpanelAnalyticsId?: string;
  /** Other StaticFrontend settings. */
  priceClass?: StaticFrontendArgs["priceClass"];
  gracePeriodSeconds?: number;
  /**
   * The us-east-1 provider for the CloudFront certificate.
   * @default a copy, for us-east-1, of the provider around Toucan (the explicit `aws` provider given to it,
   * else the stack's `aws:` config): same account, credentials, assumed roles and default tags
   */
  usEast1Provider?: StaticFrontendArgs["usEast1Provider"];
  /** An existing us-east-1 certificate for the frontend's name. */
  certificateArn?: StaticFrontendArgs["certificateArn"];
  /**
   * The X-Frame-Options header CloudFront sends with every page (see `StaticFrontendArgs.frameOptions`).
   * @default "SAMEORIGIN", or "none" with `frameAncestors`
   */
  frameOptions?: StaticFrontendArgs["frameOptions"];
  /**
   * Sites allowed to embed the app (the vendor's embeds are iframes), sent as a `frame-ancestors`
   * Content-Security-Policy.
   * @default none
   * @example ["https://intranet.example.com"]
   */
  frameAncestors?: string[];
}

export interface ScreenshotArgs {
  /** The screenshot service's image. */
  image: string;
  /**
   * Port it listens on. The vendor documents neither the image nor its port: check yours. It is not
   * behind the load balancer: the backend calls it by its private name (`screenshot.<namespace>`), and
   * it reaches the frontend and backend through their public names, as the vendor requires.
   * @default 80
   */
  port?: number;
  /**
   * The backend variable that carries the service's URL (`http://screenshot.<namespace>:<port>`). The
   * vendor does not document its name: the default is an assumption you can change.
   * @default "TOUCAN_SCREENSHOT_URL"
   */
  urlVariable?: string;
  /**
   * The private DNS namespace (Cloud Map, a Route 53 private zone of the VPC) the tasks register in. A VPC
   * takes one private zone per name: two stacks sharing a VPC (staging and production in an existing VPC)
   * need different namespaces, or the second fails with ConflictingDomainExists. Changing it on a running
   * stack replaces the namespace and the screenshot service's registry.
   * @default "<component name>.internal", e.g. "toucan.internal"
   */
  namespace?: string;
  /**
   * Fargate CPU units.
   * @default 1024 (1 vCPU)
   */
  cpu?: number;
  /**
   * Memory in MiB.
   * @default 2048
   */
  memory?: number;
  /** @default 2 */
  desiredCount?: number;
  /**
   * Extra plain environment variables (never credentials: use `secrets`).
   * @default none
   */
  environment?: Record<string, pulumi.Input<string>>;
  /**
   * Extra secrets: environment variable name -> Secrets Manager secret ARN.
   * @default none
   */
  secrets?: Record<string, pulumi.Input<string>>;
}

export interface ToucanArgs extends ToucanVersionArgs {
  /**
   * Public name of the frontend.
   * @example "toucan.example.com"
   */
  frontendDomain: string;
  /**
   * Public name of the backend. Leave it out (or set `sameDomain`) to serve the backend under
   * `https://<frontendDomain>/_api`, the prefix stripped before it reaches the backend.
   * @default same-domain mode
   * @example "api-toucan.example.com"
   */
  backendDomain?: string;
  /**
   * Serve the backend under `/_api` on the frontend's name.
   * @default true when `backendDomain` is not set
   */
  sameDomain?: boolean;
  /**
   * Route 53 hosted zone of the names: validates the certificate and gets alias records.
   * Required unless `certificateArn` is given (and then no DNS record is created). An Output (another
   * stack's zone) is checked with the same message once known, before any record uses it.
   * @default none (then `certificateArn` is required)
   */
  zoneId?: pulumi.Input<string>;
  /**
   * An existing ACM certificate (in the stack's region) instead of a DNS-validated one. An Output (another
   * stack's wildcard certificate, say) is checked with the same message once known, before the HTTPS
   * listener uses it.
   * @default none: a DNS-validated certificate for the names, in `zoneId`
   */
  certificateArn?: pulumi.Input<string>;
  /**
   * The names the existing certificate covers, so the component can check they cover the Toucan names. A
   * plain list is checked before anything registers; an Output (another stack's) once known, with the same
   * message, before the HTTPS listener uses the certificate.
   * @default not checked
   */
  certificateDomains?: pulumi.Input<string[]>;

  /** Network settings, or an existing Network component. @default a new 3-AZ VPC with a NAT per AZ */
  network?: NetworkArgs | Network;
  /**
   * Mongo settings (the network, clients and protection are filled in), or an existing MongoCluster.
   * @default a `community` replica set with the defaults of {@link MongoClusterArgs}
   */
  mongo?:
    | Omit<MongoClusterArgs, "vpcId" | "subnetIds" | "availabilityZones" | "clientSecurityGroupIds">
    | MongoCluster;
  /**
   * Redis settings, or an existing RedisCache.
   * @default a new RedisCache with the defaults of {@link RedisCacheArgs}
   */
  redis?: Omit<RedisCacheArgs, "vpcId" | "subnetIds" | "clientSecurityGroupIds"> | RedisCache;
  /**
   * Shared storage settings, or an existing SharedStorage.
   * @default a new SharedStorage with the defaults of {@link SharedStorageArgs}
   */
  storage?:
    | Omit<SharedStorageArgs, "vpcId" | "subnetIds" | "clientSecurityGroupIds" | "clientRoleArns">
    | SharedStorage;
  /**
   * Load balancer settings.
   * @default one `shared` load balancer with the defaults below
   */
  loadBalancer?: Pick<
    LoadBalancerArgs,
    "idleTimeoutSeconds" | "ingressCidrs" | "sslPolicy" | "deletionProtection" | "accessLogs"
  > & {
    /**
     * `shared`: one ALB routes both names (cheaper); `dedicated`: one ALB per tier (the vendor's layout).
     * @default "shared"
     */
    mode?: LoadBalancerMode;
    /**
     * Switching `mode` on a running stack, first step: the mode being left. Its ALB keeps serving next to
     * the new one(s), the services register in both, and the DNS records move once the services are steady.
     * Remove it in a second `pulumi up` (after the records' 60 s TTL) to delete the old ALB. README:
     * "Changing a running stack".
     * @default none
     */
    retiringMode?: LoadBalancerMode;
  };
  /** An existing ECS cluster. @default one is created, with Container Insights */
  cluster?: { arn: pulumi.Input<string>; name: pulumi.Input<string> };
  /**
   * Backend tier.
   * @default each setting's own default (see {@link BackendArgs})
   */
  backend?: BackendArgs;
  /**
   * Frontend tier (containers behind the load balancer).
   * @default each setting's own default (see {@link TierArgs})
   */
  frontend?: TierArgs;
  /**
   * Serve the frontend's static files from S3 through CloudFront instead of frontend containers
   * (the vendor's "I do not use Nginx in production" setup). In same-domain mode CloudFront also
   * sends `/_api/*` to the backend's load balancer.
   * @default frontend containers
   */
  staticFrontend?: StaticFrontendSettings;
  /**
   * An optional screenshot service.
   * @default none: no screenshot service
   */
  screenshot?: ScreenshotArgs;
  /**
   * The images of the backend's init containers: `mongoCa` writes the Mongo CA file (needs `sh`,
   * `printf`, `chmod`), `mongoReady` waits for a writable primary (needs `sh` and `mongosh`). With
   * `network.nat: "none"` they must be mirrors in the stack's private ECR, like every image.
   * @default `mongoCa` "public.ecr.aws/docker/library/busybox:1.36.1", `mongoReady`
   *   "public.ecr.aws/docker/library/mongo:7.0"
   */
  initImages?: { mongoCa?: string; mongoReady?: string };
  /**
   * Single sign-on (SAML2 and OpenID Connect providers, optionally an Amazon Cognito user pool): the
   * URLs each identity provider needs, a SAML2 service-provider key and certificate per SAML2 provider,
   * and each provider's block for the instance settings (outputs `ssoProviders`, `ssoProviderBlocks`).
   * @default none
   */
  sso?: Omit<SingleSignOnArgs, "backendUrl" | "frontendUrl" | "protect" | "tags">;
  /**
   * Daily AWS Backup of the Mongo members' data volumes (`community`) and the EFS storage: a vault
   * (customer key, Vault Lock optional), a plan kept `retentionDays` (35 by default) with an optional copy
   * to another region or account. It replaces EFS's automatic backups (`storage.backups`) unless those are
   * set explicitly. `false` leaves it out (DocumentDB, Redis and Atlas keep their own snapshots).
   * @default on
   */
  backups?: false | Omit<BackupsArgs, "resources" | "protect" | "tags" | "resourcesUseCustomerKeys">;
  /**
   * Before a backend version change (the backend migrates the database at boot), back up the Mongo data
   * (and with `{ storage: true }` the EFS file system too: large file systems take long) into the backup
   * vault; the new backend tasks start only once the backups completed, and `pulumi up` shows how long
   * they took. Community engine with `backups` on (DocumentDB, Redis and Atlas keep their own snapshots).
   * `false` upgrades without it.
   * @default true with the community engine and backups on
   */
  preUpgradeBackup?: boolean | { storage?: boolean };
  /**
   * The vendor's backup toolbox as ECS tasks: `toucan_backup` of one small app to a private S3 bucket and
   * `toucan_restore` from it (with `adminCredentialsSecretArn`), with the storage mounted at `/storage`;
   * outputs `toolboxCommands` (the `aws ecs run-task` commands). `false` leaves it out.
   * @default on when the backend version is pinned (the toolbox is tagged per version) or `image` is given
   */
  toolbox?:
    | false
    | Pick<
        ToolboxArgs,
        | "image"
        | "awsCliImage"
        | "adminCredentialsSecretArn"
        | "dumpRetentionDays"
        | "schedule"
        | "size"
        | "logRetentionDays"
        | "transform"
      >;
  /**
   * CloudWatch alarms on every tier (load balancer, services, cache, storage, Mongo members or DocumentDB,
   * CloudFront, backups) notifying an SNS topic (subscriptions from `emails` / `httpsEndpoints`, or an
   * existing `topicArn`), and one dashboard laid out by tier. `false` leaves them out.
   * @default on
   */
  monitoring?: false | Omit<MonitoringArgs, "resources" | "tags">;
  /**
   * The services' log groups (backend, frontend, screenshot, toolbox): days CloudWatch keeps them (one of
   * its values, 0 keeps them forever) and an optional customer-managed KMS key (ARN; its key policy must let
   * `logs.<region>.amazonaws.com` use it).
   * @default 30 days, CloudWatch Logs' own encryption
   */
  logs?: { retentionDays?: number; kmsKeyArn?: pulumi.Input<string> };
  /**
   * VPC flow logs of the stack's VPC (every accepted and rejected connection): to a CloudWatch log group
   * (with a delivery role) or to an existing S3 bucket.
   * @default none
   */
  flowLogs?: FlowLogsArgs;
  /**
   * Private registry credentials (a Secrets Manager secret with `username` and `password`) for custom images.
   * @default none: public images
   */
  registryCredentialsSecretArn?: pulumi.Input<string>;
  /**
   * Protect stateful resources (Mongo data, EFS, Redis, secrets) from deletion and replacement.
   * @default true
   */
  protect?: boolean;
  /**
   * Tags for every resource that takes tags, the children's included.
   * @default no tags
   */
  tags?: Record<string, string>;
  /**
   * A function run on every resource the topology creates (the children's included: network, load balancer,
   * listeners and rules, services, task definitions, log groups, roles, security groups, certificate,
   * cluster, static frontend, data tier, backups, monitoring), before it registers: edit its `props` and
   * `opts` in place. The children's own `transform` arguments (e.g. `mongo.transform`) run first.
   * @default none
   * @example
   * ```ts
   * transform: ({ type, props }) => {
   *   if (type === "aws:ecs/service:Service") props.propagateTags = "SERVICE";
   * }
   * ```
   */
  transform?: ResourceTransform;
}

const COMPONENT = "toucan:aws:Toucan";

/** A map of outputs as one output, for stack outputs other stacks read with a StackReference. */
function recordOutput(values: Record<string, pulumi.Input<string>>): pulumi.Output<Record<string, string>> {
  return pulumi.output(values) as pulumi.Output<Record<string, string>>;
}

/**
 * ECS `maximumPercent` that lets exactly one new task start at a time during a deployment: the backend
 * runs its database migrations at boot, so a version change must not start several new tasks at once.
 * ECS allows floor(desired * max / 100) tasks in all, so 100 + ceil(100 / desired) gives desired + 1.
 */
export function oneAtATimeMaximumPercent(desiredCount: number): number {
  return 100 + Math.ceil(100 / desiredCount);
}

/** What the plain arguments decide, before anything exists. */
interface Plan {
  sameDomain: boolean;
  staticFrontend: boolean;
  backendImage: string;
  frontendImage: string;
  apiBaseRoute: string;
  frontendUrl: string;
  /** The names the load balancer's certificate must cover. */
  names: string[];
  /** The backend's declared version (undefined for a custom image given without one). */
  backendVersion?: string;
  /** Whether the toolbox's tasks are made. */
  toolbox: boolean;
  azCount: number;
}

/** Ids of the pieces built before each child: real Outputs when building, placeholders when validating. */
interface Refs {
  vpcId: pulumi.Input<string>;
  privateSubnetIds: pulumi.Input<string>[];
  /** What each private subnet's egress needs (the Network's `privateEgress`). */
  privateEgress?: pulumi.Resource[][];
  publicSubnetIds: pulumi.Input<string>[];
  availabilityZones: pulumi.Input<string>[];
  backendSecurityGroupId: pulumi.Input<string>;
  /** The Cloud Map service the screenshot tasks register in. */
  screenshotRegistryArn?: pulumi.Input<string>;
  backendTaskRole: { arn: pulumi.Input<string>; name: pulumi.Input<string> };
  /** The toolbox's task role, made before the storage so its file-system policy admits it. */
  toolboxTaskRole?: { arn: pulumi.Input<string>; name: pulumi.Input<string> };
  certificateArn: pulumi.Input<string>;
  /** The validation records of the regional certificate, when Toucan requests it. */
  certificateValidationRecords?: Record<string, aws.route53.Record>;
  cluster: { arn: pulumi.Input<string>; name: pulumi.Input<string> };
  /** The backend's image when it is built here (connectors baked in). */
  backendImage?: pulumi.Input<string>;
  /** What the backend waits for before its first task starts (the data tier). */
  dataTier: pulumi.Resource[];
  mongo: {
    hostSecretArn: pulumi.Input<string>;
    readonlyHostSecretArn: pulumi.Input<string>;
    tlsCAFile?: string;
    caSecretArn?: pulumi.Input<string>;
  };
  redis: {
    host: pulumi.Input<string>;
    port: pulumi.Input<number>;
    tls: boolean;
    urlSecretArn: pulumi.Input<string>;
    authTokenSecretArn?: pulumi.Input<string>;
  };
  storage: {
    fileSystemId: pulumi.Input<string>;
    accessPointId: pulumi.Input<string>;
    fileSystemArn: pulumi.Input<string>;
    accessPointArn: pulumi.Input<string>;
  };
  loadBalancer?: LoadBalancer;
}

type Tier = "frontend" | "backend";

const PLANNED = "planned-by-toucan";

/** Placeholder ids: the children's own checks run on them before anything is registered. */
function placeholderRefs(plan: Plan, azs: string[] | undefined): Refs {
  const arn = (service: string, resource: string) => `arn:aws:${service}:us-east-1:123456789012:${resource}`;
  const list = (prefix: string) =>
    Array.from({ length: plan.azCount }, (_, i) => `${prefix}-${PLANNED}-${i + 1}`);
  return {
    vpcId: `vpc-${PLANNED}`,
    privateSubnetIds: list("subnet-private"),
    publicSubnetIds: list("subnet-public"),
    availabilityZones: azs ?? list("az"),
    backendSecurityGroupId: `sg-${PLANNED}`,
    backendTaskRole: { arn: arn("iam", `role/${PLANNED}`), name: PLANNED },
    // Well-formed, in the stack's region: the load balancer checks its certificate's ARN.
    certificateArn: `arn:aws:acm:${configuredRegion() ?? "us-east-1"}:123456789012:certificate/00000000-0000-4000-8000-000000000000`,
    dataTier: [],
    cluster: { arn: arn("ecs", `cluster/${PLANNED}`), name: PLANNED },
    mongo: {
      hostSecretArn: arn("secretsmanager", `secret:${PLANNED}-host`),
      readonlyHostSecretArn: arn("secretsmanager", `secret:${PLANNED}-readonly`),
      tlsCAFile: "/etc/ssl/toucan/mongo-ca.pem",
      caSecretArn: arn("secretsmanager", `secret:${PLANNED}-ca`),
    },
    redis: {
      host: PLANNED,
      port: 6379,
      tls: true,
      urlSecretArn: arn("secretsmanager", `secret:${PLANNED}-redis`),
    },
    storage: {
      fileSystemId: `fs-${PLANNED}`,
      accessPointId: `fsap-${PLANNED}`,
      fileSystemArn: arn("elasticfilesystem", `file-system/fs-${PLANNED}`),
      accessPointArn: arn("elasticfilesystem", `access-point/fsap-${PLANNED}`),
    },
  };
}

function networkArgsFor(args: ToucanArgs, tags: Record<string, string>): NetworkArgs {
  const network = args.network instanceof Network ? {} : args.network;
  const extra = network?.nat === "none" ? noNatExtraEndpoints(args) : [];
  return {
    tags,
    ...network,
    ...(extra.length > 0 ? { interfaceEndpoints: [...(network?.interfaceEndpoints ?? []), ...extra] } : {}),
  };
}

/** The network's NAT strategy: undefined for an existing VPC, whose egress is not known here. */
function natOf(args: ToucanArgs): NatStrategy | undefined {
  if (args.network instanceof Network) return args.network.nat;
  return args.network?.existing ? args.network.existing.nat : (args.network?.nat ?? "perAz");
}

/**
 * Interface endpoints beyond the Network's own set that this topology calls without NAT: AWS Backup, which
 * the second Mongo member calls for the backup before a backend upgrade.
 */
function noNatExtraEndpoints(args: ToucanArgs): string[] {
  const upgradeBackup =
    mongoEngineOf(args) === "community" && args.backups !== false && args.preUpgradeBackup !== false;
  return upgradeBackup ? ["backup"] : [];
}

function mongoArgsFor(
  args: ToucanArgs,
  refs: Refs,
  protect: boolean,
  tags: Record<string, string>,
): MongoClusterArgs {
  const settings = (args.mongo instanceof MongoCluster ? {} : args.mongo) ?? {};
  if (settings.engine === "external") return { protect, tags, ...settings };
  const nat = natOf(args);
  return {
    protect,
    tags,
    // The members download MongoDB unless the network has no NAT (then an AMI or a packages bucket).
    ...((settings.engine ?? "community") === "community" && nat !== undefined
      ? { natAvailable: nat !== "none" }
      : {}),
    ...settings,
    vpcId: refs.vpcId,
    subnetIds: refs.privateSubnetIds,
    ...((settings.engine ?? "community") === "community" ? { subnetEgress: refs.privateEgress } : {}),
    availabilityZones: refs.availabilityZones,
    clientSecurityGroupIds: [refs.backendSecurityGroupId],
  };
}

function ssoArgsFor(
  sso: NonNullable<ToucanArgs["sso"]>,
  plan: Plan,
  protect: boolean,
  tags: Record<string, string>,
): SingleSignOnArgs {
  return { protect, tags, ...sso, backendUrl: plan.apiBaseRoute, frontendUrl: plan.frontendUrl };
}

function backupsArgsFor(
  args: ToucanArgs,
  resources: pulumi.Input<pulumi.Input<string>[]>,
  protect: boolean,
  tags: Record<string, string>,
): BackupsArgs {
  const mongoKey = args.mongo instanceof MongoCluster ? undefined : args.mongo?.kmsKeyId;
  return {
    protect,
    tags,
    ...(args.backups || {}),
    resources,
    resourcesUseCustomerKeys: mongoKey !== undefined,
  };
}

function toolboxArgsFor(
  args: ToucanArgs,
  plan: Plan,
  refs: Refs,
  protect: boolean,
  tags: Record<string, string>,
): ToolboxArgs {
  return {
    protect,
    tags,
    ...(args.logs?.retentionDays !== undefined ? { logRetentionDays: args.logs.retentionDays } : {}),
    ...(args.logs?.kmsKeyArn !== undefined ? { logKmsKeyArn: args.logs.kmsKeyArn } : {}),
    ...(args.toolbox || {}),
    backendVersion: plan.backendVersion,
    cluster: refs.cluster,
    subnetIds: refs.privateSubnetIds,
    securityGroupIds: [refs.backendSecurityGroupId],
    storage: refs.storage,
    mongoUriSecretArn: refs.mongo.hostSecretArn,
    backendUrl: plan.apiBaseRoute,
    taskRole: refs.toolboxTaskRole,
  };
}

function redisArgsFor(
  args: ToucanArgs,
  refs: Refs,
  protect: boolean,
  tags: Record<string, string>,
): RedisCacheArgs {
  return {
    protect,
    tags,
    ...(args.redis instanceof RedisCache ? {} : args.redis),
    vpcId: refs.vpcId,
    subnetIds: refs.privateSubnetIds,
    clientSecurityGroupIds: [refs.backendSecurityGroupId],
  };
}

function storageArgsFor(
  args: ToucanArgs,
  refs: Refs,
  protect: boolean,
  tags: Record<string, string>,
): SharedStorageArgs {
  return {
    protect,
    tags,
    // AWS Backup's plan covers the file system: no second, automatic backup of it.
    ...(args.backups !== false ? { backups: false } : {}),
    ...(args.storage instanceof SharedStorage ? {} : args.storage),
    vpcId: refs.vpcId,
    subnetIds: refs.privateSubnetIds,
    clientSecurityGroupIds: [refs.backendSecurityGroupId],
    clientRoleArns: [refs.backendTaskRole.arn, ...(refs.toolboxTaskRole ? [refs.toolboxTaskRole.arn] : [])],
  };
}

function certificateArgsFor(args: ToucanArgs, plan: Plan, tags: Record<string, string>): CertificateArgs {
  return { domainNames: plan.names, zoneId: args.zoneId, tags };
}

/**
 * The load balancer's targets. With a static frontend only the backend is behind it; in same-domain
 * mode CloudFront strips `/_api` and forwards the frontend's Host, so the backend answers that name.
 */
function loadBalancerArgsFor(
  args: ToucanArgs,
  plan: Plan,
  refs: Refs,
  tags: Record<string, string>,
): LoadBalancerArgs {
  // Fixed rule slots: the frontend target coming or going (frontendMode) moves no backend rule. In same-domain
  // mode the backend's path rule is the same whichever serves the frontend's name: CloudFront sends `/_api/*`
  // here unchanged (the rule strips it), so the name can move between the two without misrouting.
  const backendTarget = plan.sameDomain
    ? plan.staticFrontend
      ? { pathPrefix: API_PATH_PREFIX, pathHostnames: [args.frontendDomain] }
      : { pathPrefix: API_PATH_PREFIX }
    : { hostnames: [args.backendDomain!] };
  const { mode, ...settings } = args.loadBalancer ?? {};
  return {
    ...settings,
    mode: plan.staticFrontend ? "shared" : mode,
    vpcId: refs.vpcId,
    publicSubnetIds: refs.publicSubnetIds,
    certificateArn: refs.certificateArn,
    // The public records are Toucan's own (publishRecords): one owner per name in every mode.
    zoneId: undefined,
    targets: {
      ...(plan.staticFrontend
        ? {}
        : {
            frontend: {
              hostnames: [args.frontendDomain],
              healthCheckPath: "/tucana-version.txt",
              port: 80,
              ruleIndex: 0,
            },
          }),
      backend: { ...backendTarget, healthCheckPath: "/", port: 80, ruleIndex: 1 },
    },
    tags,
  };
}

function attachmentFor(
  refs: Refs,
  tier: Tier,
  waitFor: pulumi.Resource[] = [],
): ToucanServiceArgs["loadBalancer"] {
  const lb = refs.loadBalancer;
  if (!lb) {
    return { targetGroupArn: `arn:aws:elasticloadbalancing:${PLANNED}`, securityGroupId: `sg-${PLANNED}-lb` };
  }
  return {
    targetGroupArn: lb.targetGroupArns[tier],
    retiringTargetGroupArns: lb.retiringTargetGroupArns[tier]
      ? [lb.retiringTargetGroupArns[tier]]
      : undefined,
    securityGroupId: lb.securityGroupIds[tier],
    targetGroupArnSuffix: lb.targetGroupArnSuffixes[tier],
    loadBalancerArnSuffix: lb.loadBalancerArnSuffixes[tier],
    readyResources: [...lb.readyResources, ...waitFor],
  };
}

/**
 * Seconds the load balancer's health checks are ignored after a backend task starts: it runs its
 * migrations at boot, and installs extra connectors' dependencies when asked to.
 */
/** The Dockerfile of the vendor's "override the image" recipe. */
export function connectorsDockerfile(baseImage: string, connectors: string[]): string {
  return [`FROM ${baseImage}`, `RUN toucan-ctl install_connectors ${connectors.join(" ")}`, ""].join("\n");
}

export function backendGracePeriodSeconds(extraConnectors: string[] | undefined): number {
  return extraConnectors && extraConnectors.length > 0 ? 600 : 300;
}

/**
 * The backend's readiness step: an init container that connects with the application's own connection
 * string (the replica set, its user, TLS with the CA the CA container writes) until the connection reaches
 * a writable primary, then exits 0; the backend container starts only after it succeeded (`dependsOn`
 * SUCCESS). On a new stack that is once the first member has initiated the replica set and created the
 * users; on a running stack it passes at once. It gives up after 30 minutes, and ECS starts a new task.
 */
export function mongoReadinessContainer(
  hostSecretArn: pulumi.Input<string>,
  mounts: ContainerMount[],
  image: string = MONGO_READY_IMAGE,
): InitContainer {
  const check = "if (!db.hello().isWritablePrimary) quit(1)";
  return {
    name: "mongo-ready",
    image,
    command: [
      "sh",
      "-c",
      [
        "n=0",
        `until mongosh "$TOUCAN_MONGODB_HOST" --quiet --norc --eval '${check}' >/dev/null 2>&1; do`,
        "  n=$((n + 1))",
        `  if [ "$n" -ge ${MONGO_READY_ATTEMPTS} ]; then echo "no MongoDB primary accepting the application user" >&2; exit 1; fi`,
        `  sleep ${MONGO_READY_DELAY_SECONDS}`,
        "done",
      ].join("\n"),
    ],
    secrets: { TOUCAN_MONGODB_HOST: hostSecretArn },
    mounts: mounts.map((m) => ({ ...m, readOnly: true })),
  };
}

/** The services' log settings from `logs`. */
function logSettings(logs: ToucanArgs["logs"]): {
  logRetentionDays?: number;
  logKmsKeyArn?: pulumi.Input<string>;
} {
  return {
    ...(logs?.retentionDays !== undefined ? { logRetentionDays: logs.retentionDays } : {}),
    ...(logs?.kmsKeyArn !== undefined ? { logKmsKeyArn: logs.kmsKeyArn } : {}),
  };
}

/** The Mongo engine the stack uses. */
function mongoEngineOf(args: ToucanArgs): string {
  return args.mongo instanceof MongoCluster ? args.mongo.engine : (args.mongo?.engine ?? "community");
}

/** The CA file named in `tlsCAFile`, written into a shared task volume by an init container. */
function mongoCaDelivery(
  refs: Refs,
  writerImage: string = CA_WRITER_IMAGE,
): {
  volumes: ServiceVolume[];
  mounts: ContainerMount[];
  initContainers: InitContainer[];
} {
  const { tlsCAFile, caSecretArn } = refs.mongo;
  if (tlsCAFile === undefined || caSecretArn === undefined) {
    return { volumes: [], mounts: [], initContainers: [] };
  }
  const dir = tlsCAFile.slice(0, tlsCAFile.lastIndexOf("/")) || "/";
  const target = `/ca/${tlsCAFile.slice(tlsCAFile.lastIndexOf("/") + 1)}`;
  // The CA (community), the region's bundle read at deployment (documentdb) or caPem (external), from its
  // secret: no network call at task start.
  const writer: InitContainer = {
    name: "mongo-ca",
    image: writerImage,
    command: ["sh", "-c", `printf '%s\\n' "$MONGO_CA_PEM" > ${target} && chmod 0444 ${target}`],
    secrets: { MONGO_CA_PEM: caSecretArn },
    mounts: [{ volume: CA_VOLUME, containerPath: "/ca" }],
  };
  return {
    volumes: [{ name: CA_VOLUME }],
    mounts: [{ volume: CA_VOLUME, containerPath: dir, readOnly: true }],
    initContainers: [writer],
  };
}

function backendArgsFor(
  name: string,
  args: ToucanArgs,
  plan: Plan,
  refs: Refs,
  tags: Record<string, string>,
): ToucanServiceArgs {
  const component = `Toucan "${name}"`;
  const backend = args.backend ?? {};
  const cpu = backend.cpu ?? 1024;
  const desiredCount = backend.desiredCount ?? 2;
  const ca = mongoCaDelivery(refs, args.initImages?.mongoCa);
  const redisNames = redisVariableNames(backend.redisVariables);
  const environment = backendEnvironment(
    {
      workers: backend.gunicornWorkers ?? gunicornWorkers(vcpuFromCpuUnits(cpu, component), component),
      // Baked into the image: nothing to install at start.
      extraConnectors: backend.bakeConnectors ? undefined : backend.extraConnectors,
      oldAugmentWhitelist: backend.oldAugmentWhitelist,
      redis: { host: refs.redis.host, port: refs.redis.port, tls: refs.redis.tls },
      redisVariables: backend.redisVariables,
      screenshot: args.screenshot
        ? { url: screenshotAddress(name, args.screenshot).url, variable: args.screenshot.urlVariable }
        : undefined,
      extra: backend.environment,
    },
    component,
  );
  return {
    cluster: refs.cluster,
    vpcId: refs.vpcId,
    subnetIds: refs.privateSubnetIds,
    image: refs.backendImage ?? plan.backendImage,
    repositoryCredentialsSecretArn: args.registryCredentialsSecretArn,
    cpu,
    memory: backend.memory ?? 2048,
    desiredCount,
    environment,
    secrets: {
      TOUCAN_MONGODB_HOST: refs.mongo.hostSecretArn,
      TOUCAN_MONGODB_READONLY_HOST: refs.mongo.readonlyHostSecretArn,
      [redisNames.url]: refs.redis.urlSecretArn,
      ...(refs.redis.authTokenSecretArn ? { [redisNames.password]: refs.redis.authTokenSecretArn } : {}),
      ...backend.secrets,
    },
    volumes: [
      {
        name: STORAGE_VOLUME,
        efs: {
          fileSystemId: refs.storage.fileSystemId,
          accessPointId: refs.storage.accessPointId,
          fileSystemArn: refs.storage.fileSystemArn,
          accessPointArn: refs.storage.accessPointArn,
        },
      },
      ...ca.volumes,
    ],
    mounts: [{ volume: STORAGE_VOLUME, containerPath: "/app/storage" }, ...ca.mounts],
    initContainers: [
      ...ca.initContainers,
      ...(mongoEngineOf(args) === "community"
        ? [mongoReadinessContainer(refs.mongo.hostSecretArn, ca.mounts, args.initImages?.mongoReady)]
        : []),
    ],
    loadBalancer: attachmentFor(refs, "backend", refs.dataTier),
    healthCheckGracePeriodSeconds: backendGracePeriodSeconds(
      backend.bakeConnectors ? [] : backend.extraConnectors,
    ),
    secretsKmsKeyArns: secretKeyArns(args),
    securityGroupId: refs.backendSecurityGroupId,
    taskRole: refs.backendTaskRole,
    deployment: { minimumHealthyPercent: 100, maximumPercent: oneAtATimeMaximumPercent(desiredCount) },
    ...logSettings(args.logs),
    tags,
  };
}

function frontendArgsFor(
  args: ToucanArgs,
  plan: Plan,
  refs: Refs,
  tags: Record<string, string>,
): ToucanServiceArgs {
  const frontend = args.frontend ?? {};
  return {
    cluster: refs.cluster,
    vpcId: refs.vpcId,
    subnetIds: refs.privateSubnetIds,
    image: plan.frontendImage,
    repositoryCredentialsSecretArn: args.registryCredentialsSecretArn,
    cpu: frontend.cpu ?? 256,
    memory: frontend.memory ?? 512,
    desiredCount: frontend.desiredCount ?? 2,
    environment: { API_BASEROUTE: plan.apiBaseRoute, ...frontend.environment },
    secrets: frontend.secrets,
    loadBalancer: attachmentFor(refs, "frontend"),
    ...logSettings(args.logs),
    tags,
  };
}

/** Lower-case DNS labels, at least two. */
const DNS_NAMESPACE = /^([a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?\.)+[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?$/;

/** The screenshot service's private name: a Cloud Map A record in a private DNS namespace of the VPC. */
export function screenshotAddress(
  name: string,
  screenshot: ScreenshotArgs,
): { namespace: string; host: string; url: string } {
  const namespace = screenshot.namespace ?? `${name.toLowerCase()}.internal`;
  const host = `screenshot.${namespace}`;
  return { namespace, host, url: `http://${host}:${screenshot.port ?? 80}` };
}

function screenshotArgsFor(
  screenshot: ScreenshotArgs,
  refs: Refs,
  tags: Record<string, string>,
  logs?: ToucanArgs["logs"],
): ToucanServiceArgs {
  return {
    cluster: refs.cluster,
    vpcId: refs.vpcId,
    subnetIds: refs.privateSubnetIds,
    image: screenshot.image,
    containerPort: screenshot.port ?? 80,
    // The backend calls it by its private name, on its port only.
    clientSecurityGroupIds: [refs.backendSecurityGroupId],
    serviceRegistryArn:
      refs.screenshotRegistryArn ?? `arn:aws:servicediscovery:us-east-1:123456789012:service/srv-${PLANNED}`,
    cpu: screenshot.cpu ?? 1024,
    memory: screenshot.memory ?? 2048,
    desiredCount: screenshot.desiredCount ?? 2,
    environment: screenshot.environment,
    secrets: screenshot.secrets,
    ...logSettings(logs),
    tags,
  };
}

function staticFrontendArgsFor(
  args: ToucanArgs,
  plan: Plan,
  refs: Refs,
  tags: Record<string, string>,
): StaticFrontendArgs {
  const settings = args.staticFrontend ?? {};
  return {
    domainName: args.frontendDomain,
    zoneId: args.zoneId,
    aliasRecords: false, // Toucan's own (publishRecords)
    assets: settings.assets ?? { image: plan.frontendImage },
    ...(plan.sameDomain
      ? {
          api: {
            originDomainName: refs.loadBalancer?.dnsNames.backend ?? `${PLANNED}.elb.amazonaws.com`,
            stripPrefix: false, // the load balancer's path rule strips it (loadBalancerArgsFor)
            originReady: refs.loadBalancer?.readyResources,
          },
        }
      : { apiBaseRoute: plan.apiBaseRoute }),
    tcParams: settings.tcParams,
    mixpanelAnalyticsId: settings.mixpanelAnalyticsId,
    priceClass: settings.priceClass,
    frameOptions: settings.frameOptions,
    frameAncestors: settings.frameAncestors,
    gracePeriodSeconds: settings.gracePeriodSeconds,
    usEast1Provider: settings.usEast1Provider,
    certificateArn: settings.certificateArn,
    // The regional certificate's records validate the same names: one owner per record.
    certificateValidationRecords: refs.certificateValidationRecords,
    // The site bucket holds only what the frontend image builds, published again by every deploy; switching
    // back to frontend containers must be able to delete it.
    protect: false,
    tags,
  };
}

/** Customer-managed keys of the data tier's secrets: the backend's execution role must decrypt them. */
function secretKeyArns(args: ToucanArgs): pulumi.Input<string>[] | undefined {
  const mongo = args.mongo instanceof MongoCluster ? undefined : args.mongo?.kmsKeyId;
  const redis = args.redis instanceof RedisCache ? undefined : args.redis?.kmsKeyArn;
  const keys = [mongo, redis].filter((k): k is pulumi.Input<string> => k !== undefined);
  return keys.length > 0 ? keys : undefined;
}

/** Directories a CA volume must never hide: the container's system certificates, its root, its data. */
const SYSTEM_DIRECTORIES = [
  "/",
  "/etc",
  "/etc/ssl",
  "/etc/ssl/certs",
  "/etc/pki",
  "/usr",
  "/usr/local",
  "/app",
  "/app/storage",
  "/tmp",
  "/var",
  "/bin",
  "/lib",
];

/**
 * With `nat: "none"`: every image the tasks pull is a mirror in the stack's private ECR (the names are
 * the arguments to set), the Mongo members' `natAvailable` follows the network, and a Network passed in
 * has the interface endpoints the topology calls.
 */
function checkNoNat(checks: ArgumentChecks, args: ToucanArgs): void {
  const nat = natOf(args);
  const mongo = args.mongo instanceof MongoCluster ? undefined : args.mongo;
  checks.require(
    nat === undefined || mongo?.natAvailable === undefined || mongo.natAvailable === (nat !== "none"),
    "mongo.natAvailable",
    mongo?.natAvailable,
    `contradicts \`network.nat\` (${nat}), which decides it`,
    "remove mongo.natAvailable (it is only for an existing VPC, whose egress the stack does not know)",
  );
  if (nat !== "none") return;
  // The vendor's FAQ: the screenshot container reaches the frontend and the backend through their DNS names,
  // like a browser; they are public (load balancer, CloudFront), and without NAT nothing routes to them.
  checks.require(
    args.screenshot === undefined,
    "screenshot",
    args.screenshot?.image,
    'must reach the frontend and the backend through their public names, which a network with `nat: "none"` has no route to',
    'use network.nat "single" or "perAz" for the screenshot service, or leave screenshot out',
  );
  const region = configuredRegion();
  const images: [string, string | undefined][] = [
    // A baked backend is built here and pushed to this stack's ECR repository.
    ["backendImage", args.backend?.bakeConnectors ? undefined : resolveImagesQuietly(args)?.backendImage],
    // A static frontend's files are read from the image where `pulumi up` runs, not from the VPC.
    ["frontendImage", args.staticFrontend ? undefined : resolveImagesQuietly(args)?.frontendImage],
    ["initImages.mongoCa", args.initImages?.mongoCa ?? CA_WRITER_IMAGE],
    [
      "initImages.mongoReady",
      mongoEngineOf(args) === "community" ? (args.initImages?.mongoReady ?? MONGO_READY_IMAGE) : undefined,
    ],
  ];
  const toolbox = args.toolbox === false ? undefined : args.toolbox;
  const backendVersion = resolveImagesQuietly(args)?.backendVersion;
  if (
    args.toolbox !== false &&
    (toolbox?.image !== undefined || toolboxImage(backendVersion) !== undefined)
  ) {
    images.push(["toolbox.image", toolbox?.image ?? toolboxImage(backendVersion)]);
    images.push(["toolbox.awsCliImage", toolbox?.awsCliImage ?? DEFAULT_AWS_CLI_IMAGE]);
  }
  for (const [argument, image] of images) {
    if (image === undefined) continue;
    const problem = noNatImageProblem(image, region);
    checks.require(problem === undefined, argument, image, problem ?? "", noNatImageFix(image, region));
  }
  // A Network built with nat none (an existing VPC's endpoints are the owner's).
  if (args.network instanceof Network && args.network.interfaceEndpointServices.length > 0) {
    const have = args.network.interfaceEndpointServices;
    const missing = noNatExtraEndpoints(args).filter((s) => !have.includes(s));
    checks.require(
      missing.length === 0,
      "network",
      args.network.interfaceEndpointServices,
      `has no interface endpoint for ${missing.join(", ")}, which the stack calls without NAT`,
      `add ${missing.map((m) => `"${m}"`).join(", ")} to the Network's interfaceEndpoints`,
    );
  }
}

/** The images, or undefined when the version arguments are wrong (reported by their own check). */
function resolveImagesQuietly(args: ToucanArgs): ReturnType<typeof resolveImages> | undefined {
  try {
    return resolveImages(args, "Toucan");
  } catch {
    return undefined;
  }
}

/** The first Toucan name the certificate's names do not cover. */
function uncoveredName(domains: string[], names: string[]): string | undefined {
  const host = names.find((h) => !domains.some((n) => certificateCovers([n], h)));
  return host === undefined ? undefined : `do not cover ${host}`;
}

function certificateDomainsFix(names: string[]): string {
  return `use a certificate for ${names.join(" and ")} (or a wildcard that covers them)`;
}

/**
 * The ids given as Outputs (another stack's), checked with the messages plain values get, once known: the
 * zone before any record or certificate validation uses it, the certificate's names before the listener
 * uses the certificate.
 */
function checkedWhenKnownIds(name: string, args: ToucanArgs, plan: Plan): ToucanArgs {
  const component = `Toucan "${name}"`;
  const zoneId =
    args.zoneId === undefined
      ? undefined
      : checkedWhenKnown(args.zoneId, { component, argument: "zoneId", fix: zoneIdFix }, zoneIdProblem);
  const domains = args.certificateDomains;
  const certificateArn =
    args.certificateArn === undefined || domains === undefined || Array.isArray(domains)
      ? args.certificateArn
      : pulumi.all([args.certificateArn, domains]).apply(([arn, known]) => {
          const problem = uncoveredName(known, plan.names);
          if (problem) {
            const fix = certificateDomainsFix(plan.names);
            throw new ToucanArgumentError(component, "certificateDomains", known, problem, fix);
          }
          return arn;
        });
  return { ...args, zoneId, certificateArn };
}

/** Checks the arguments of the whole topology, children included, before anything is registered. */
export function validateToucanArgs(name: string, args: ToucanArgs): Plan {
  requireArgs(`Toucan "${name}"`, args, "an object of ToucanArgs");
  const component = `Toucan "${name}"`;
  const checks = new ArgumentChecks(component);
  const images = resolveImages(args, component);
  const sameDomain = args.sameDomain ?? args.backendDomain === undefined;
  checks.require(
    !(args.sameDomain === true && args.backendDomain !== undefined),
    "backendDomain",
    args.backendDomain,
    "is set together with `sameDomain: true`",
    "remove backendDomain to serve the backend under /_api, or remove sameDomain",
  );
  const route = apiBaseRoute(
    {
      frontendName: args.frontendDomain,
      backendName: sameDomain ? undefined : args.backendDomain,
      sameDomain,
    },
    component,
  );
  const names = sameDomain ? [args.frontendDomain] : [args.frontendDomain, args.backendDomain!];
  checks.id("zoneId", args.zoneId, zoneIdProblem, zoneIdFix(String(args.zoneId)));
  const region = configuredRegion();
  checks.id(
    "certificateArn",
    args.certificateArn,
    (arn) => certificateArnProblem(arn, region),
    `give an ACM certificate of the stack's region${region ? ` (${region})` : ""} covering ${names.join(" and ")}, or leave it unset to have one made`,
  );
  checks.require(
    args.zoneId !== undefined || args.certificateArn !== undefined,
    "zoneId",
    undefined,
    "is needed to validate a certificate for the Toucan names",
    "give the Route 53 hosted zone id of the names, or an existing certificateArn",
  );
  if (Array.isArray(args.certificateDomains)) {
    for (const host of names) {
      const problem = uncoveredName(args.certificateDomains, [host]);
      checks.require(
        problem === undefined,
        "certificateDomains",
        args.certificateDomains,
        problem ?? "",
        certificateDomainsFix(names),
      );
    }
  }
  for (const [tier, desired] of [
    ["backend", args.backend?.desiredCount],
    ["frontend", args.frontend?.desiredCount],
  ] as const) {
    checks.require(
      desired === undefined || (Number.isInteger(desired) && desired >= 2),
      `${tier}.desiredCount`,
      desired,
      "runs fewer than 2 tasks, so the tier does not survive the loss of an AZ",
      "run at least 2 tasks",
    );
  }
  checks.require(
    args.transform === undefined || typeof args.transform === "function",
    "transform",
    args.transform,
    "is not a function",
    "give a function of ({ type, name, props, opts }) that edits props and opts in place",
  );
  if (args.screenshot) {
    const { namespace } = screenshotAddress(name, args.screenshot);
    checks.require(
      // The registered name is "screenshot." + the namespace: 253 characters at most in all.
      DNS_NAMESPACE.test(namespace) && namespace.length <= 253 - "screenshot.".length,
      "screenshot.namespace",
      namespace,
      "is not a DNS name of lower-case labels, at most 242 characters (the default is the component's name + .internal)",
      'set it, e.g. "toucan.internal"',
    );
  }
  checks.require(
    !(args.staticFrontend && args.frontend),
    "frontend",
    args.frontend,
    "sizes frontend containers, but `staticFrontend` serves the frontend from S3 and CloudFront",
    "remove `frontend`, or remove `staticFrontend` to run frontend containers",
  );
  const mongoSettings = args.mongo instanceof MongoCluster ? undefined : args.mongo;
  const caFile = args.mongo instanceof MongoCluster ? args.mongo.tlsCAFile : mongoSettings?.tlsCAFile;
  if (caFile !== undefined) {
    const caDir = caFile.slice(0, caFile.lastIndexOf("/")) || "/";
    checks.require(
      caFile.startsWith("/") && !SYSTEM_DIRECTORIES.includes(caDir.replace(/\/+$/, "") || "/"),
      "mongo.tlsCAFile",
      caFile,
      `puts the CA in ${caDir}, which the CA volume would hide in the backend container (system certificates or data)`,
      'use a file in a directory of its own, e.g. "/etc/ssl/toucan/mongo-ca.pem" (the default)',
    );
  }
  for (const [argument, key] of [
    ["mongo.kmsKeyId", mongoSettings?.kmsKeyId],
    ["redis.kmsKeyArn", args.redis instanceof RedisCache ? undefined : args.redis?.kmsKeyArn],
  ] as const) {
    checks.require(
      typeof key !== "string" || key.startsWith("arn:"),
      argument,
      key,
      "is not a key ARN, and the backend's execution role is granted kms:Decrypt on it by ARN",
      "give the key's ARN (arn:aws:kms:REGION:ACCOUNT:key/ID)",
    );
  }
  checks.require(
    !args.backend?.bakeConnectors || (args.backend.extraConnectors ?? []).length > 0,
    "backend.bakeConnectors",
    true,
    "has no connector to bake: `backend.extraConnectors` is empty",
    'list the connectors, e.g. extraConnectors: ["azure_mssql", "oracle"], or drop bakeConnectors',
  );
  checkNoNat(checks, args);
  // The children's checks need the plan; with problems of its own found, they still run as far as they
  // can, so every problem is reported at once.
  const planAndCheckChildren = (): Plan => {
    // The network decides how many subnets the children get.
    let azCount: number;
    let azs: string[] | undefined;
    if (args.network instanceof Network) {
      azCount = args.network.azCount;
    } else {
      const network = networkArgsFor(args, args.tags ?? {});
      const normalized = validateNetworkArgs(name, network);
      azCount = normalized?.azCount ?? existingAzCount(network.existing!);
      const listed = network.existing ? network.existing.availabilityZones : network.availabilityZones;
      // The children check plain AZ names; Outputs are checked by the Network once known.
      azs = Array.isArray(listed) && listed.every((az) => typeof az === "string") ? listed : undefined;
    }
    const plan: Plan = {
      sameDomain,
      staticFrontend: args.staticFrontend !== undefined,
      backendImage: images.backendImage,
      frontendImage: images.frontendImage,
      backendVersion: images.backendVersion,
      toolbox:
        args.toolbox !== false &&
        (args.toolbox?.image !== undefined || toolboxImage(images.backendVersion) !== undefined),
      apiBaseRoute: route,
      frontendUrl: `https://${args.frontendDomain}`,
      names,
      azCount,
    };

    // Every child's own checks, on placeholder ids, so a bad child argument registers nothing.
    const refs = placeholderRefs(plan, azs);
    const tags = args.tags ?? {};
    const protect = args.protect ?? true;
    // Every child's problems at once: a user fixes them all in one round trip.
    checkAll([
      () => {
        if (!(args.mongo instanceof MongoCluster))
          validateMongoClusterArgs(`${name}-mongo`, mongoArgsFor(args, refs, protect, tags));
      },
      () => {
        if (!(args.redis instanceof RedisCache))
          validateRedisCacheArgs(`${name}-redis`, redisArgsFor(args, refs, protect, tags));
      },
      () => {
        if (!(args.storage instanceof SharedStorage))
          validateSharedStorageArgs(`${name}-storage`, storageArgsFor(args, refs, protect, tags));
      },
      () => {
        if (args.certificateArn === undefined)
          validateCertificateArgs(`${name}-cert`, certificateArgsFor(args, plan, tags));
      },
      () => validateLoadBalancerArgs(`${name}-lb`, loadBalancerArgsFor(args, plan, refs, tags)),
      () => validateToucanServiceArgs(`${name}-backend`, backendArgsFor(name, args, plan, refs, tags)),
      () =>
        plan.staticFrontend
          ? validateStaticFrontendArgs(`${name}-static`, staticFrontendArgsFor(args, plan, refs, tags))
          : validateToucanServiceArgs(`${name}-frontend`, frontendArgsFor(args, plan, refs, tags)),
      () => {
        if (args.screenshot)
          validateToucanServiceArgs(
            `${name}-screenshot`,
            screenshotArgsFor(args.screenshot, refs, tags, args.logs),
          );
      },
      () => {
        if (args.sso) validateSingleSignOnArgs(`${name}-sso`, ssoArgsFor(args.sso, plan, protect, tags));
      },
      () => {
        if (args.backups !== false)
          validateBackupsArgs(`${name}-backups`, backupsArgsFor(args, [], protect, tags));
      },
      () => {
        if (plan.toolbox)
          validateToolboxArgs(`${name}-toolbox`, toolboxArgsFor(args, plan, refs, protect, tags));
      },
      () => {
        if (args.flowLogs) validateFlowLogsArgs(component, args.flowLogs);
      },
      () => {
        if (args.monitoring !== undefined && args.monitoring !== false) {
          validateMonitoringArgs(`${name}-monitoring`, {
            ...args.monitoring,
            resources: plan.staticFrontend ? { distributionId: "planned" } : {},
          });
        }
      },
    ]);
    return plan;
  };
  const own = checks.error();
  if (!own) return planAndCheckChildren();
  let children: ToucanArgumentError[] = [];
  try {
    planAndCheckChildren();
  } catch (error) {
    if (error instanceof ToucanArgumentError) children = error.errors;
  }
  throw combineArgumentErrors([own, ...children]);
}

/**
 * The whole redundant Toucan topology on AWS: a 3-AZ network, a MongoDB replica set, Redis with a
 * replica, EFS for the backend's storage, an HTTPS load balancer and two Fargate services of at least
 * two tasks each (or the frontend on S3 + CloudFront). Every piece can be replaced by an existing one.
 *
 * @example
 * ```ts
 * const toucan = new Toucan("toucan", {
 *   version: "v100.5.1",
 *   frontendDomain: "toucan.example.com",
 *   backendDomain: "api-toucan.example.com",
 *   zoneId: "Z0123456789ABCDEFGHIJ",
 * });
 * export const url = toucan.frontendUrl;
 * ```
 */
export class Toucan extends pulumi.ComponentResource {
  /** The frontend's public URL. */
  readonly frontendUrl: pulumi.Output<string>;
  /** The backend's public base URL (`API_BASEROUTE`). */
  readonly backendUrl: pulumi.Output<string>;
  /** DNS names of the load balancer(s), per tier (`frontend`, `backend`). */
  readonly loadBalancerDnsNames: pulumi.Output<Record<string, string>>;
  /** Security groups: `loadBalancer`, `backend`, `frontend` (containers only), `mongo`, `redis`, `storage`. */
  readonly securityGroupIds: pulumi.Output<Record<string, string>>;
  /** ECS service names, per tier. */
  readonly serviceNames: pulumi.Output<Record<string, string>>;
  /** Secrets Manager ARNs of the connection strings: `mongodbHost`, `mongodbReadonlyHost`, `redisUrl`. */
  readonly connectionSecretArns: pulumi.Output<Record<string, string>>;
  /** The VPC. */
  /** The NAT gateways' public egress addresses (and the kept ones with `network.keepNatIps`). */
  readonly natPublicIps: pulumi.Output<string[]>;
  readonly vpcId: pulumi.Output<string>;
  /** With a static frontend: the CloudFront distribution's id. */
  readonly distributionId?: pulumi.Output<string>;

  readonly network: Network;
  readonly mongo: MongoCluster;
  readonly redis: RedisCache;
  readonly storage: SharedStorage;
  readonly loadBalancer: LoadBalancer;
  readonly backend: ToucanService;
  readonly frontend?: ToucanService;
  readonly staticFrontend?: StaticFrontend;
  readonly screenshot?: ToucanService;
  /** The AWS Backup vault and plan (see `backups`). */
  readonly backups?: Backups;
  /** Alarms, their SNS topic and the dashboard (unless `monitoring: false`). */
  readonly monitoring?: Monitoring;
  /** The backup toolbox's tasks (see `toolbox`). */
  readonly toolbox?: Toolbox;
  /** `backup`, `list` (and `restore`): the commands that run the toolbox and list its dumps. */
  readonly toolboxCommands?: pulumi.Output<Record<string, string>>;
  /** The single sign-on wiring, when `sso` is set. */
  readonly sso?: SingleSignOn;
  /** Per SSO provider id: the URLs its identity provider needs (entity id, ACS, metadata, or callback). */
  readonly ssoProviders?: pulumi.Output<Record<string, SsoProviderOutputs>>;
  /** Per SSO provider id: the block for the instance settings (YAML, a secret). */
  readonly ssoProviderBlocks?: pulumi.Output<Record<string, string>>;

  constructor(name: string, given: ToucanArgs, opts: pulumi.ComponentResourceOptions = {}) {
    const plan = validateToucanArgs(name, given);
    super(COMPONENT, name, {}, transformingChildren(opts, given.transform, { type: COMPONENT, name }));
    const args = checkedWhenKnownIds(name, given, plan);
    const tags = args.tags ?? {};
    const protect = args.protect ?? true;
    const child = { parent: this };

    this.network =
      args.network instanceof Network ? args.network : new Network(name, networkArgsFor(args, tags), child);
    const backendSecurityGroup = this.createBackendSecurityGroup(name, tags);
    const backendTaskRole = this.createBackendTaskRole(name, tags);
    const refs: Refs = {
      ...placeholderRefs(plan, undefined),
      vpcId: this.network.vpcId,
      privateSubnetIds: this.network.privateSubnetIdList,
      privateEgress: this.network.privateEgress,
      publicSubnetIds: this.network.publicSubnetIdList,
      availabilityZones: this.network.availabilityZoneList,
      backendSecurityGroupId: backendSecurityGroup.id,
      backendTaskRole: { arn: backendTaskRole.arn, name: backendTaskRole.name },
    };
    if (plan.toolbox) {
      const role = this.createTaskRole(`${name}-toolbox-task`, "Toucan backup toolbox tasks", tags);
      refs.toolboxTaskRole = { arn: role.arn, name: role.name };
    }
    this.mongo =
      args.mongo instanceof MongoCluster
        ? args.mongo
        : new MongoCluster(`${name}-mongo`, mongoArgsFor(args, refs, protect, tags), child);
    this.redis =
      args.redis instanceof RedisCache
        ? args.redis
        : new RedisCache(`${name}-redis`, redisArgsFor(args, refs, protect, tags), child);
    this.storage =
      args.storage instanceof SharedStorage
        ? args.storage
        : new SharedStorage(`${name}-storage`, storageArgsFor(args, refs, protect, tags), child);
    refs.mongo = {
      hostSecretArn: this.mongo.mongodbHostSecretArn,
      readonlyHostSecretArn: this.mongo.mongodbReadonlyHostSecretArn,
      tlsCAFile: this.mongo.tlsCAFile,
      caSecretArn: this.mongo.caSecretArn,
    };
    refs.redis = {
      host: this.redis.primaryEndpoint,
      port: this.redis.port,
      tls: this.redis.tls,
      urlSecretArn: this.redis.urlSecretArn,
      authTokenSecretArn: this.redis.authTokenSecretArn,
    };
    refs.storage = {
      fileSystemId: this.storage.fileSystemId,
      accessPointId: this.storage.accessPointId,
      fileSystemArn: this.storage.fileSystemArn,
      accessPointArn: this.storage.accessPointArn,
    };
    refs.dataTier = [this.mongo, this.redis, this.storage];
    if (args.certificateArn !== undefined) {
      refs.certificateArn = args.certificateArn;
    } else {
      const certificate = new Certificate(`${name}-cert`, certificateArgsFor(args, plan, tags), child);
      refs.certificateArn = certificate.arn;
      refs.certificateValidationRecords = certificate.validationRecords;
    }
    const cloudFrontGroup =
      plan.staticFrontend && plan.sameDomain ? this.admitCloudFront(name, refs.vpcId, tags) : undefined;
    this.loadBalancer = new LoadBalancer(
      `${name}-lb`,
      { ...loadBalancerArgsFor(args, plan, refs, tags), additionalSecurityGroupIds: cloudFrontGroup },
      child,
    );
    refs.loadBalancer = this.loadBalancer;
    refs.cluster = args.cluster ?? this.createCluster(name, tags);
    if (args.backend?.bakeConnectors)
      refs.backendImage = this.bakeConnectors(name, plan, args.backend.extraConnectors!, tags);
    if (args.backups !== false) {
      const volumes = this.mongo.dataVolumeArns ?? pulumi.output([] as string[]);
      const resources = pulumi
        .all([volumes, this.storage.fileSystemArn])
        .apply(([arns, fileSystem]) => [...arns, fileSystem]);
      this.backups = new Backups(`${name}-backups`, backupsArgsFor(args, resources, protect, tags), child);
    }
    // The backend's service waits for the backup taken before a version change, as for the data tier.
    const preUpgradeBackup = this.backupBeforeUpgrade(name, args, plan, tags);
    if (preUpgradeBackup) refs.dataTier = [...refs.dataTier, preUpgradeBackup];
    this.backend = new ToucanService(`${name}-backend`, backendArgsFor(name, args, plan, refs, tags), child);
    if (plan.staticFrontend) {
      this.staticFrontend = new StaticFrontend(
        `${name}-static`,
        staticFrontendArgsFor(args, plan, refs, tags),
        child,
      );
      this.distributionId = this.staticFrontend.distributionId;
    } else {
      this.frontend = new ToucanService(`${name}-frontend`, frontendArgsFor(args, plan, refs, tags), child);
    }
    if (args.screenshot) {
      refs.screenshotRegistryArn = this.screenshotRegistry(name, args.screenshot, refs.vpcId, tags);
      this.screenshot = new ToucanService(
        `${name}-screenshot`,
        screenshotArgsFor(args.screenshot, refs, tags, args.logs),
        child,
      );
    }

    if (args.zoneId !== undefined) this.publishRecords(name, args, plan, args.zoneId);

    if (plan.toolbox) {
      refs.storage = {
        fileSystemId: this.storage.fileSystemId,
        accessPointId: this.storage.accessPointId,
        fileSystemArn: this.storage.fileSystemArn,
        accessPointArn: this.storage.accessPointArn,
      };
      this.toolbox = new Toolbox(`${name}-toolbox`, toolboxArgsFor(args, plan, refs, protect, tags), child);
      this.toolboxCommands = recordOutput({
        backup: this.toolbox.backupCommand,
        list: pulumi.interpolate`aws s3 ls --recursive s3://${this.toolbox.dumpsBucketName}/`,
        ...(this.toolbox.restoreCommand ? { restore: this.toolbox.restoreCommand } : {}),
      });
    }
    if (args.flowLogs) createFlowLogs(this, name, this.network.vpcId, args.flowLogs, tags);
    if (args.monitoring !== false) {
      this.monitoring = new Monitoring(
        `${name}-monitoring`,
        { ...(args.monitoring ?? {}), resources: this.monitoredResources(args, plan), tags },
        child,
      );
    }
    if (args.sso) {
      this.sso = new SingleSignOn(`${name}-sso`, ssoArgsFor(args.sso, plan, protect, tags), child);
      this.ssoProviders = this.sso.providers;
      this.ssoProviderBlocks = this.sso.providerBlocks;
    }

    this.frontendUrl = pulumi.output(plan.frontendUrl);
    this.backendUrl = pulumi.output(plan.apiBaseRoute);
    this.vpcId = this.network.vpcId;
    this.natPublicIps = this.network.natPublicIps;
    this.loadBalancerDnsNames = recordOutput(this.loadBalancer.dnsNames);
    const optional = (key: string, value: pulumi.Output<string> | undefined) =>
      value ? { [key]: value } : {};
    this.securityGroupIds = recordOutput({
      loadBalancer: this.loadBalancer.securityGroupIds.backend,
      backend: this.backend.securityGroupId,
      ...optional("frontend", this.frontend?.securityGroupId),
      ...optional("mongo", this.mongo.securityGroupId),
      ...optional("redis", this.redis.securityGroupId),
      ...optional("storage", this.storage.securityGroupId),
    });
    this.serviceNames = recordOutput({
      backend: this.backend.serviceName,
      ...optional("frontend", this.frontend?.serviceName),
      ...optional("screenshot", this.screenshot?.serviceName),
    });
    this.connectionSecretArns = recordOutput({
      mongodbHost: this.mongo.mongodbHostSecretArn,
      mongodbReadonlyHost: this.mongo.mongodbReadonlyHostSecretArn,
      redisUrl: this.redis.urlSecretArn,
    });
    this.registerOutputs({
      frontendUrl: this.frontendUrl,
      backendUrl: this.backendUrl,
      loadBalancerDnsNames: this.loadBalancerDnsNames,
      securityGroupIds: this.securityGroupIds,
      serviceNames: this.serviceNames,
      connectionSecretArns: this.connectionSecretArns,
      vpcId: this.vpcId,
      natPublicIps: this.natPublicIps,
      distributionId: this.distributionId,
      ssoProviders: this.ssoProviders,
      ssoProviderBlocks: this.ssoProviderBlocks,
      toolboxCommands: this.toolboxCommands,
    });
  }

  /** The backup before a backend version change (pre-upgrade-backup.ts), when it applies. */
  private backupBeforeUpgrade(
    name: string,
    args: ToucanArgs,
    plan: Plan,
    tags: Record<string, string>,
  ): pulumi.Resource | undefined {
    const agent = this.mongo.backupAgent;
    if (args.preUpgradeBackup === false || !this.backups || !agent || !this.mongo.dataVolumeArns)
      return undefined;
    const withStorage = typeof args.preUpgradeBackup === "object" && args.preUpgradeBackup.storage === true;
    const resourceArns = pulumi
      .all([this.mongo.dataVolumeArns, this.storage.fileSystemArn])
      // One member's volume holds all the data; the journal is on it, so its snapshot is crash-consistent.
      .apply(([volumes, fileSystem]) => [volumes[1], ...(withStorage ? [fileSystem] : [])]);
    return createPreUpgradeBackup(this, name, {
      agent,
      version: plan.backendVersion ?? plan.backendImage,
      vaultName: this.backups.vaultName,
      vaultArn: this.backups.vaultArn,
      roleArn: this.backups.roleArn,
      resourceArns,
      tags,
    });
  }

  /**
   * One alias record per public name and type, owned here whatever serves the name. A switch of
   * `frontendMode` or of the load balancer mode then moves a name by updating its record (an UPSERT),
   * never by deleting one owner's record and creating another's, which Route 53 refuses while both exist.
   * A record moves to a new target only once that target serves: the ECS services behind the ALB are
   * steady, or the site is published behind CloudFront. The aliases adopt the records the load balancer
   * and the static frontend owned in stacks made before.
   */
  private publishRecords(name: string, args: ToucanArgs, plan: Plan, zoneId: pulumi.Input<string>): void {
    const lb = this.loadBalancer;
    const staticUrn = pulumi.createUrn(`${name}-static`, STATIC_FRONTEND_TYPE, this);
    const names: { host: string; tier: Tier }[] = [
      { host: args.frontendDomain, tier: "frontend" },
      ...(plan.sameDomain ? [] : [{ host: args.backendDomain!, tier: "backend" as const }]),
    ];
    for (const { host, tier } of names) {
      const cdn = tier === "frontend" ? this.staticFrontend : undefined;
      const target = cdn
        ? { name: cdn.distributionDomainName, zoneId: CLOUDFRONT_HOSTED_ZONE_ID, evaluateTargetHealth: false }
        : { name: lb.dnsNames[tier], zoneId: lb.zoneIds[tier], evaluateTargetHealth: true };
      const servedBy: pulumi.Resource[] = cdn
        ? [cdn]
        : tier === "frontend"
          ? [this.frontend!]
          : [this.backend];
      // CloudFront answers IPv6 too; the load balancers are IPv4 only.
      for (const type of cdn ? (["A", "AAAA"] as const) : (["A"] as const)) {
        const suffix = type === "AAAA" ? "-aaaa" : "";
        const previous: pulumi.Alias[] = [{ name: `${name}-lb-${host}${suffix}`, parent: lb }];
        if (tier === "frontend") {
          previous.push({ name: `${name}-static-${type.toLowerCase()}`, parent: staticUrn });
        }
        new aws.route53.Record(
          `${name}-${host}${suffix}`,
          { zoneId, name: host, type, aliases: [target] },
          { parent: this, dependsOn: servedBy, aliases: previous },
        );
      }
    }
  }

  /** What the alarms watch: the ids CloudWatch uses as dimensions, per tier. */
  private monitoredResources(args: ToucanArgs, plan: Plan): MonitoredResources {
    const lb = this.loadBalancer;
    const dedicated = !plan.staticFrontend && (args.loadBalancer?.mode ?? "shared") === "dedicated";
    const tiers = Object.keys(lb.targetGroupArnSuffixes);
    const services: MonitoredResources["services"] = {};
    for (const [tier, service] of Object.entries({
      backend: this.backend,
      frontend: this.frontend,
      screenshot: this.screenshot,
    })) {
      if (service) services[tier] = { clusterName: service.clusterName, serviceName: service.serviceName };
    }
    return {
      loadBalancers: dedicated
        ? Object.fromEntries(tiers.map((t) => [t, lb.loadBalancerArnSuffixes[t]]))
        : // Keyed by the backend's tier either way: a switch of mode updates that alarm instead of replacing it.
          { [tiers.includes("backend") ? "backend" : tiers[0]]: lb.loadBalancerArnSuffixes[tiers[0]] },
      targetGroups: Object.fromEntries(
        tiers.map((t) => [
          t,
          { targetGroup: lb.targetGroupArnSuffixes[t], loadBalancer: lb.loadBalancerArnSuffixes[t] },
        ]),
      ),
      services,
      redisClusterIds: this.redis.memberClusterIds,
      fileSystem: this.storage.modes ? { id: this.storage.fileSystemId, ...this.storage.modes } : undefined,
      mongoInstanceIds: this.mongo.memberInstanceIds,
      ...(this.mongo.memberRoleNames.length > 0 ? { mongoRoleNames: this.mongo.memberRoleNames } : {}),
      documentdbInstanceIds: this.mongo.documentdbInstanceIds,
      distributionId: this.staticFrontend?.distributionId,
      backupVaultName: this.backups?.vaultName,
    };
  }

  /**
   * The backend's security group is made here, before the data tier, so Mongo, Redis and EFS can admit
   * it; the backend service adds the load balancer's ingress to it.
   */
  private createBackendSecurityGroup(name: string, tags: Record<string, string>): aws.ec2.SecurityGroup {
    const group = new aws.ec2.SecurityGroup(
      `${name}-backend`,
      {
        vpcId: this.network.vpcId,
        description: "Toucan backend tasks",
        tags: { ...tags, Name: `${name}-backend` },
      },
      { parent: this },
    );
    // All egress: the backend pulls from quay.io, installs extra connectors at start and its
    // connectors reach the customers' own databases and APIs on any port.
    new aws.vpc.SecurityGroupEgressRule(
      `${name}-backend-all`,
      {
        securityGroupId: group.id,
        ipProtocol: "-1",
        cidrIpv4: "0.0.0.0/0",
        description: "image pulls, connectors, AWS APIs",
        tags,
      },
      { parent: this },
    );
    return group;
  }

  /** Made here so the EFS file-system policy can grant it before the service exists. */
  private createBackendTaskRole(name: string, tags: Record<string, string>): aws.iam.Role {
    return this.createTaskRole(`${name}-backend-task`, "Toucan backend tasks", tags);
  }

  /** A role ECS tasks assume; made here when another child's policy must name it first. */
  private createTaskRole(
    logicalName: string,
    description: string,
    tags: Record<string, string>,
  ): aws.iam.Role {
    return new aws.iam.Role(
      logicalName,
      {
        description,
        assumeRolePolicy: aws.iam.assumeRolePolicyForPrincipal({ Service: "ecs-tasks.amazonaws.com" }),
        tags,
      },
      { parent: this },
    );
  }

  /** The derived backend image with the connectors installed, pushed to a new ECR repository. */
  private bakeConnectors(
    name: string,
    plan: Plan,
    connectors: string[],
    tags: Record<string, string>,
  ): pulumi.Output<string> {
    const repository = new aws.ecr.Repository(
      `${name}-backend`,
      {
        imageScanningConfiguration: { scanOnPush: true },
        encryptionConfigurations: [{ encryptionType: "AES256" }],
        tags,
      },
      { parent: this },
    );
    new aws.ecr.LifecyclePolicy(
      `${name}-backend`,
      {
        repository: repository.name,
        policy: JSON.stringify({
          rules: [
            {
              rulePriority: 1,
              description: "keep the 20 newest images",
              selection: { tagStatus: "any", countType: "imageCountMoreThan", countNumber: 20 },
              action: { type: "expire" },
            },
          ],
        }),
      },
      { parent: this },
    );
    // A stable build context next to the program, so a rerun with the same connectors changes nothing.
    const context = path.join(process.cwd(), ".pulumi-toucan", name);
    fs.mkdirSync(context, { recursive: true });
    fs.writeFileSync(path.join(context, "Dockerfile"), connectorsDockerfile(plan.backendImage, connectors));
    const token = aws.ecr.getAuthorizationTokenOutput(
      { registryId: repository.registryId },
      { parent: this },
    );
    const tag = `${plan.backendImage.split(":").pop()}-${connectors.join("-")}`
      .replace(/[^A-Za-z0-9_.-]/g, "-")
      .slice(0, 128);
    const image = new docker.Image(
      `${name}-backend`,
      {
        imageName: pulumi.interpolate`${repository.repositoryUrl}:${tag}`,
        build: { context, dockerfile: path.join(context, "Dockerfile"), platform: "linux/amd64" },
        registry: {
          server: repository.repositoryUrl,
          username: token.userName,
          password: pulumi.secret(token.password),
        },
      },
      { parent: this },
    );
    return image.repoDigest;
  }

  /**
   * CloudFront reaches the load balancer from its origin-facing ranges, whatever `ingressCidrs` allow. The
   * rule lives in a group of its own attached to the ALB: the prefix list counts as 55 rules (its weight), so
   * next to 2 rules per `ingressCidrs` block it would pass the default quota of 60 inbound rules per group.
   * (CloudFront waits at most 60 s for the origin without a quota increase, less than the ALB's 120 s.)
   * Returns the group's id, for the ALB's security groups.
   */
  private admitCloudFront(
    name: string,
    vpcId: pulumi.Input<string>,
    tags: Record<string, string>,
  ): pulumi.Output<string>[] {
    const prefixList = aws.ec2.getManagedPrefixListOutput(
      { name: "com.amazonaws.global.cloudfront.origin-facing" },
      { parent: this },
    );
    const group = new aws.ec2.SecurityGroup(
      `${name}-lb-cloudfront`,
      {
        vpcId,
        description: "Load balancer: HTTPS from CloudFront origin-facing ranges",
        tags: { ...tags, Name: `${name}-lb-cloudfront` },
      },
      { parent: this },
    );
    new aws.vpc.SecurityGroupIngressRule(
      `${name}-lb-cloudfront`,
      {
        securityGroupId: group.id,
        ipProtocol: "tcp",
        fromPort: 443,
        toPort: 443,
        prefixListId: prefixList.id,
        description: "CloudFront origin-facing ranges (the /_api behaviour)",
        tags,
      },
      { parent: this },
    );
    return [group.id];
  }

  /**
   * The screenshot service's private name: a Cloud Map private DNS namespace (a Route 53 private zone of
   * the VPC) and a service whose A records ECS keeps to the running tasks' addresses.
   */
  private screenshotRegistry(
    name: string,
    screenshot: ScreenshotArgs,
    vpcId: pulumi.Input<string>,
    tags: Record<string, string>,
  ): pulumi.Output<string> {
    const { namespace } = screenshotAddress(name, screenshot);
    const zone = new aws.servicediscovery.PrivateDnsNamespace(
      `${name}-namespace`,
      { name: namespace, vpc: vpcId, description: `Private names of ${name}`, tags },
      { parent: this },
    );
    const service = new aws.servicediscovery.Service(
      `${name}-screenshot-discovery`,
      {
        name: "screenshot",
        dnsConfig: {
          namespaceId: zone.id,
          dnsRecords: [{ type: "A", ttl: 10 }],
          routingPolicy: "MULTIVALUE",
        },
        // ECS deregisters stopped tasks; a retired service's leftover instances must not block its deletion.
        forceDestroy: true,
        tags,
      },
      { parent: this },
    );
    return service.arn;
  }

  private createCluster(name: string, tags: Record<string, string>) {
    const cluster = new aws.ecs.Cluster(
      `${name}-cluster`,
      { settings: [{ name: "containerInsights", value: "enabled" }], tags },
      { parent: this },
    );
    return { arn: cluster.arn, name: cluster.name };
  }
}
