import * as crypto from "crypto";
import { stackHash } from "./stack-names";
import { DEFAULT_GATE, ROLLOUT_ORDER, gateDocument, gateParameters } from "./mongo-rollout";
import * as pulumi from "@pulumi/pulumi";
import * as aws from "@pulumi/aws";
import * as random from "@pulumi/random";
import * as tls from "@pulumi/tls";
import { documentDbInstanceClassProblem, instanceTypeProblem } from "../core/aws-ids";
import { ArgumentChecks, ToucanArgumentError, requireArgs } from "../core/errors";
import { Transform, applyTransform } from "../core/transform";
import { MONGO_PORT, isMongoUri, mongoUri, mongoUriHosts } from "../core/mongo-uri";
import { caBundleSource, documentDbCaBundleUrl } from "../core/ca-bundle";
import { AtlasArgs, AtlasSettings, createAtlasDeployment, validateAtlasArgs } from "./atlas";
import {
  MONGO_VERSION,
  REPLICA_SET_NAME,
  SUPPORTED_MONGO_SERIES,
  isDnsName,
  mongoSeries,
  renderMongoUserData,
} from "./mongo-user-data";

/**
 * Where the database runs.
 * - `community`: MongoDB Community Edition, the vendor's choice: a 3-member replica set on EC2, one
 *   member per Availability Zone, data on EBS volumes that outlive the instances, keyfile
 *   authentication between members and TLS from a private CA.
 * - `documentdb`: Amazon DocumentDB. It is only MongoDB-*compatible*: Toucan's vendor supports MongoDB,
 *   and some features Toucan uses may behave differently or be missing. Test your apps before relying on it.
 * - `atlas`: a dedicated MongoDB Atlas cluster (M10+, 3 nodes over the region's AZs, cloud backup)
 *   created by the stack with `@pulumi/mongodbatlas`, reached only through AWS PrivateLink.
 * - `external`: a database you run elsewhere (another team's cluster, an Atlas cluster you manage
 *   yourself): you give the two connection strings and, when its CA is private, the CA certificate.
 */
export type MongoEngine = "community" | "documentdb" | "atlas" | "external";

/** The two connection strings Toucan's backend needs. */
export interface MongoClusterUris {
  /** `TOUCAN_MONGODB_HOST`: a user with read/write access to Toucan's database. */
  readWrite: pulumi.Input<string>;
  /** `TOUCAN_MONGODB_READONLY_HOST`: a user with read access only. */
  readOnly: pulumi.Input<string>;
}

/** A DocumentDB user created by hand (DocumentDB users cannot be created through its AWS API). */
export interface DocumentDbUser {
  /** @example "toucan-readonly" */
  name: string;
  /** Its password; pass a secret (e.g. `config.requireSecret("mongoReadonlyPassword")`). */
  password: pulumi.Input<string>;
}

export interface MongoClusterArgs {
  /**
   * Where the database runs: see {@link MongoEngine}.
   * @default "community"
   */
  engine?: MongoEngine;
  /**
   * VPC of the database. Required unless `engine` is `"external"`.
   * @example network.vpcId
   * @default none (required unless `engine` is `"external"`)
   */
  vpcId?: pulumi.Input<string>;
  /**
   * Private subnets, one per Availability Zone. A plain array: its length (the number of AZs) must be
   * known before deployment. `community` puts one member in each of the first three; `documentdb`
   * spreads its instances over all of them. Required unless `engine` is `"external"`.
   * @example network.privateSubnetIdList
   * @default none (required unless `engine` is `"external"`)
   */
  subnetIds?: pulumi.Input<string>[];
  /**
   * `community`: per subnet (same order as `subnetIds`), the resources its egress needs, e.g. a Network's
   * `privateEgress` (NAT gateway, route table, association). A member boots only once they exist: its
   * bootstrap downloads MongoDB and reads Secrets Manager right away.
   * @default none: the subnets have egress already
   * @example network.privateEgress
   */
  subnetEgress?: pulumi.Resource[][];
  /**
   * The Availability Zone of each subnet, in the same order (a data volume must be created in its
   * member's AZ before the instance exists). Required with `subnetIds`.
   * @example ["eu-west-1a", "eu-west-1b", "eu-west-1c"]
   * @default none (required with `subnetIds`)
   */
  availabilityZones?: pulumi.Input<string>[];
  /**
   * Security groups allowed to connect on port 27017 (one ingress rule each).
   * @default none: nothing can connect until you add a rule to `securityGroupId`
   * @example [backendSecurityGroup.id]
   */
  clientSecurityGroupIds?: pulumi.Input<string>[];
  /**
   * Toucan's database: the path of the connection strings and the database the users are granted.
   * @default "api-toucan"
   */
  database?: string;
  /**
   * Where the backend container finds the CA file named by `tlsCAFile=` in the connection strings.
   * Used by `community`, `documentdb`, and `external` when `caPem` is given.
   * @default "/etc/ssl/toucan/mongo-ca.pem"
   */
  tlsCAFile?: string;
  /**
   * KMS key (ARN) for the data and root volumes, the secrets and DocumentDB's storage.
   * @default the AWS managed keys (`aws/ebs`, `aws/secretsmanager`, `aws/rds`)
   */
  kmsKeyId?: pulumi.Input<string>;
  /**
   * Protect the data: stateful resources (data volumes, the DocumentDB cluster, secrets, generated
   * passwords and the CA) get `protect`, data volumes are kept when removed from the program
   * (`retainOnDelete`), and DocumentDB gets deletion protection. `false` is for tests and throwaway stacks.
   * @default true
   */
  protect?: boolean;

  // community
  /**
   * `community`: MongoDB version: a pinned `major.minor.patch` (every member, including a replaced one,
   * installs exactly this) or a `major.minor` series (the newest patch at install time). Series 7.0 and
   * 8.0 are supported. Changing it replaces the members, one data volume each kept (see README "Upgrading").
   * Pin it: a newer library may default to a newer version (7.0.30 before 8.0.17 became the default).
   * @default "8.0.17"
   */
  version?: string;
  /**
   * `community`: EC2 instance type of each member. Graviton (arm64) types pick the arm64 Amazon Linux
   * image; others the x86_64 one. The default, 2 vCPUs and 4 GiB with unlimited burst, fits Toucan's
   * own metadata and small apps' data cheaply; use `m7g.large` or `r7g.large` for large datasets.
   * @default "t4g.medium"
   */
  instanceType?: string;
  /**
   * `community`: size of each member's data volume (gp3, encrypted), in GiB. It can grow later in place:
   * EBS enlarges the volume online and each member grows its file system within 5 minutes (a timer).
   * EBS waits 6 hours between two modifications of a volume, and never shrinks one.
   * @default 50
   */
  volumeSizeGiB?: number;
  /**
   * `community`: name of the replica set (`replicaSet=` in the connection strings).
   * @default "rs0"
   */
  replicaSetName?: string;
  /**
   * `community`: AMI of the members (Amazon Linux 2023 or compatible, with `dnf`, the AWS CLI and the SSM
   * agent). Setting or changing it replaces the members (their data volumes are kept).
   * @default the newest Amazon Linux 2023 image at creation, read from the public SSM parameter; later
   *   releases are ignored (they would replace every member at once): set `amiId` to move on
   */
  amiId?: pulumi.Input<string>;
  /**
   * `community`: the members can reach the internet (through NAT) to download MongoDB. When `false`,
   * `packages` (MongoDB's RPMs in a private bucket) or `amiId` (an image with MongoDB preinstalled) is
   * required, and the VPC needs interface endpoints for Secrets Manager and SSM (a Network with
   * `nat: "none"` has them). `Toucan` sets it from its network's `nat`.
   * @default true
   */
  natAvailable?: boolean;
  /**
   * `community`: install MongoDB from RPMs in a private S3 bucket instead of MongoDB's repository: each
   * member copies `s3://<bucket>/<prefix>/<version>/<arch>/*.rpm` (`<version>` as in `version`, `<arch>`
   * `x86_64` or `aarch64` as `uname -m` prints) and installs them with dnf; their dependencies come from
   * the Amazon Linux repositories, which are on S3 too. Without NAT both go through the VPC's S3 gateway
   * endpoint. The members' role may list and read that prefix only. README: "No NAT (private registries)".
   * @default MongoDB's repository (needs NAT)
   * @example { bucket: "acme-mirror", prefix: "mongodb" }
   */
  packages?: { bucket: string; prefix?: string };
  /**
   * `community`: grant the read/write and read-only users every database (`readWriteAnyDatabase`,
   * `readAnyDatabase`) instead of `database` alone. The vendor documents no roles; granting only
   * Toucan's database is an assumption: set this if the backend reports authorization errors on
   * another database (e.g. one per small app).
   * @default false: `readWrite` and `read` on `database`
   */
  grantAllDatabases?: boolean;
  /**
   * `community`: accept fewer than 3 Availability Zones. The 3 members then share AZs, and losing the
   * AZ that holds two of them loses the majority: the database stops accepting writes.
   * @default false: 3 subnets in 3 distinct AZs are required
   */
  acceptQuorumLossOnAzFailure?: boolean;
  /**
   * `community`: private Route 53 zone created for the members' stable names (`mongo-1.<zone>` ...),
   * associated with the VPC. One VPC cannot hold two private zones of the same name: give each cluster
   * in a VPC its own.
   * @default "mongo.toucan.internal"
   */
  dnsZoneName?: string;
  /**
   * `community`: build the members' data volumes from EBS snapshots (AWS Backup recovery points of the data
   * volumes are EBS snapshots): one snapshot id per member, or one for all three (every member holds the
   * whole data set). The restored data keeps its users, so give the administrator password of the stack the
   * snapshots come from (its `adminPasswordSecretArn`); the read/write and read-only users get this stack's
   * passwords at first boot. Keep `dnsZoneName` as it was (the replica set's configuration names its
   * members). The snapshots are read only when a volume is created: later changes to this argument are
   * ignored, never a replacement.
   * @default empty volumes (a new replica set)
   */
  restoreFromSnapshots?: {
    /** @example ["snap-0123456789abcdef0"] */
    snapshotIds: string[];
    /** The administrator password of the stack the snapshots come from (a secret). */
    adminPassword: pulumi.Input<string>;
  };

  // documentdb
  /**
   * `documentdb`: instance class.
   * @default "db.t4g.medium"
   */
  instanceClass?: string;
  /**
   * `documentdb`: number of instances (one writer, the rest readers), spread over the AZs in turn. At
   * least 2, so a reader in another AZ takes over when the writer's AZ fails.
   * @default 2
   */
  instanceCount?: number;
  /**
   * `documentdb`: engine version.
   * @default "5.0.0"
   */
  engineVersion?: string;
  /**
   * `documentdb`: days of automated backups (1 to 35).
   * @default 7
   */
  backupRetentionDays?: number;
  /**
   * `documentdb`: delete the cluster without a final snapshot (for throwaway stacks).
   * @default false: a final snapshot `<name>-final-<7 hex digits of project, stack and name>` is taken
   */
  skipFinalSnapshot?: boolean;
  /**
   * `documentdb`: a read-only user you created by hand (`db.createUser({ user, pwd, roles: [{ role:
   * "read", db: "api-toucan" }] })`) for `TOUCAN_MONGODB_READONLY_HOST`.
   * @default the master user (DocumentDB users cannot be created through its AWS API)
   */
  readOnlyUser?: DocumentDbUser;

  // external
  /**
   * `external`: the connection strings (required). Pass secrets, e.g. `config.requireSecret(...)`.
   * @default none (required with `external`)
   */
  uris?: MongoClusterUris;
  /**
   * `external`: the CA certificate (PEM) the backend must trust, when the database's CA is private. The
   * connection strings must then name it: `tlsCAFile=<tlsCAFile>`. `documentdb`: the CA bundle to trust
   * instead of the region's Amazon RDS bundle read at deployment (e.g. where `pulumi up` runs offline).
   * @default `external`: none (the backend trusts its image's public CAs, enough for Atlas); `documentdb`:
   * the region's bundle, read from truststore.pki.rds.amazonaws.com when the program runs
   */
  caPem?: pulumi.Input<string>;

  // atlas
  /**
   * `atlas`: the Atlas project, cluster and region settings (see {@link AtlasArgs}). `vpcId`,
   * `subnetIds` (where the PrivateLink interface endpoint goes) and `clientSecurityGroupIds` are used
   * as for the other engines. Atlas credentials come from the `mongodbatlas` provider's config.
   * @default none (required with `atlas`)
   */
  atlas?: AtlasArgs;

  /**
   * Tags for every resource.
   * @default no tags
   */
  tags?: Record<string, string>;
  /**
   * Change any child resource's arguments (only the children of the chosen engine).
   * @default none: the arguments as built
   */
  transform?: {
    /** `community`, `documentdb` */
    securityGroup?: Transform<aws.ec2.SecurityGroupArgs>;
    /** every engine: each Secrets Manager secret */
    secret?: Transform<aws.secretsmanager.SecretArgs>;
    /** `community`: each member's instance */
    instance?: Transform<aws.ec2.InstanceArgs>;
    /** `community`: each member's data volume */
    volume?: Transform<aws.ebs.VolumeArgs>;
    /** `community`: the private DNS zone */
    zone?: Transform<aws.route53.ZoneArgs>;
    /** `community`: each member's IAM role */
    role?: Transform<aws.iam.RoleArgs>;
    /** `documentdb` */
    cluster?: Transform<aws.docdb.ClusterArgs>;
    /** `documentdb`: each instance */
    clusterInstance?: Transform<aws.docdb.ClusterInstanceArgs>;
    /** `documentdb` */
    subnetGroup?: Transform<aws.docdb.SubnetGroupArgs>;
    /** `documentdb` */
    parameterGroup?: Transform<aws.docdb.ClusterParameterGroupArgs>;
  };
}

/** What the rollout needs of a member. */
interface MemberResources {
  volume: aws.ebs.Volume;
  instance: aws.ec2.Instance;
  /** Its data volume attached and its name resolving: the member can run. */
  ready: pulumi.Resource[];
  revision: pulumi.Output<string>;
  roleName: pulumi.Output<string>;
}

const COMPONENT = "toucan:aws:MongoCluster";
export const DEFAULT_TLS_CA_FILE = "/etc/ssl/toucan/mongo-ca.pem";
export const DEFAULT_MONGO_VERSION = "8.0.17";
/** The default of earlier versions of this library: what a stack deployed with them runs. */
export const LEGACY_DEFAULT_MONGO_VERSION = "7.0.30";
export const DEFAULT_DATABASE = "api-toucan";
/** Users of a `community` cluster (all authenticate against `admin`). */
export const COMMUNITY_USERS = { admin: "toucan-admin", readWrite: "toucan", readOnly: "toucan-readonly" };
/** Master user of a `documentdb` cluster. */
export const DOCUMENTDB_MASTER_USER = "toucan";
/** DocumentDB presents itself as replica set `rs0`. */
const DOCUMENTDB_REPLICA_SET = "rs0";
const MEMBER_COUNT = 3;
const MEMBER_CERT_HOURS = 5 * 365 * 24;
const CA_CERT_HOURS = 10 * 365 * 24;

const ENGINES: MongoEngine[] = ["community", "documentdb", "atlas", "external"];
type ArgKey = keyof MongoClusterArgs;
const ENGINE_ARGS: Record<MongoEngine, ArgKey[]> = {
  community: [
    "vpcId",
    "subnetIds",
    "subnetEgress",
    "availabilityZones",
    "clientSecurityGroupIds",
    "kmsKeyId",
    "database",
    "version",
    "instanceType",
    "volumeSizeGiB",
    "replicaSetName",
    "amiId",
    "natAvailable",
    "packages",
    "acceptQuorumLossOnAzFailure",
    "dnsZoneName",
    "grantAllDatabases",
    "restoreFromSnapshots",
  ],
  documentdb: [
    "vpcId",
    "subnetIds",
    "availabilityZones",
    "clientSecurityGroupIds",
    "kmsKeyId",
    "database",
    "instanceClass",
    "instanceCount",
    "engineVersion",
    "backupRetentionDays",
    "skipFinalSnapshot",
    "readOnlyUser",
    "caPem",
  ],
  atlas: ["vpcId", "subnetIds", "availabilityZones", "clientSecurityGroupIds", "database", "atlas"],
  external: ["uris", "caPem"],
};
const ALL_ENGINE_ARGS = [...new Set(Object.values(ENGINE_ARGS).flat())];
type TransformKey = keyof NonNullable<MongoClusterArgs["transform"]>;
const ENGINE_TRANSFORMS: Record<MongoEngine, TransformKey[]> = {
  community: ["securityGroup", "secret", "instance", "volume", "zone", "role"],
  documentdb: ["securityGroup", "secret", "cluster", "clusterInstance", "subnetGroup", "parameterGroup"],
  atlas: ["secret"],
  external: ["secret"],
};

interface Common {
  name: string;
  protect: boolean;
  kmsKeyId?: pulumi.Input<string>;
  tags: Record<string, string>;
  tlsCAFile: string;
}
interface CommunitySettings extends Common {
  engine: "community";
  database: string;
  version: string;
  instanceType: string;
  volumeSizeGiB: number;
  replicaSetName: string;
  installPackages: boolean;
  /** `s3://bucket/prefix` of the RPMs, when they come from a private bucket. */
  packagesS3?: string;
  /** The bucket and key prefix (no trailing slash, may be empty) of the RPMs. */
  packages?: { bucket: string; prefix: string };
  acceptQuorumLoss: boolean;
  grantAllDatabases: boolean;
  zoneName: string;
  /** The snapshot of each member's data volume, and the restored data's administrator password. */
  restore?: { snapshotIds: string[]; adminPassword: pulumi.Input<string> };
  /** DNS name of each member. */
  memberHosts: string[];
  /** Index into subnetIds/availabilityZones of each member. */
  memberSlots: number[];
}
interface DocumentDbSettings extends Common {
  engine: "documentdb";
  database: string;
  instanceClass: string;
  instanceCount: number;
  engineVersion: string;
  parameterGroupFamily: string;
  backupRetentionDays: number;
  skipFinalSnapshot: boolean;
  finalSnapshotIdentifier: string;
}
interface ExternalSettings extends Common {
  engine: "external";
}
interface AtlasEngineSettings extends Common {
  engine: "atlas";
  database: string;
  atlas: AtlasSettings;
}
type Settings = CommunitySettings | DocumentDbSettings | AtlasEngineSettings | ExternalSettings;

/** `arm64` for Graviton instance types (`t4g`, `m7g`, `c7gn`, `r8g`, `m6gd` ...), else `x86_64`. */
export function instanceArchitecture(instanceType: string): "arm64" | "x86_64" {
  return /^[a-z]+\d+g[a-z-]*\./.test(instanceType) ? "arm64" : "x86_64";
}

/** Public SSM parameter holding the newest Amazon Linux 2023 AMI for an architecture. */
export function amazonLinuxAmiParameter(architecture: "arm64" | "x86_64"): string {
  return `/aws/service/ami-amazon-linux-latest/al2023-ami-kernel-default-${architecture}`;
}

export { documentDbCaBundleUrl };

function isPlainString(value: unknown): value is string {
  return typeof value === "string";
}

function distinctPlain(values: pulumi.Input<string>[]): boolean {
  const plain = values.filter(isPlainString);
  return new Set(plain).size === plain.length;
}

/**
 * Throws unless the 3 members' AZs are distinct. Run at deployment when the AZs are outputs (then
 * `validateMongoClusterArgs` cannot see them).
 */
export function checkMemberAzs(name: string, azs: string[]): void {
  if (new Set(azs.slice(0, MEMBER_COUNT)).size < MEMBER_COUNT) {
    throw new ToucanArgumentError(
      `MongoCluster "${name}"`,
      "availabilityZones",
      azs,
      "puts two of the 3 members in one AZ",
      "give subnets in 3 distinct AZs first, or set `acceptQuorumLossOnAzFailure: true`",
    );
  }
}

/** Checks the arguments; throws before anything is registered. Exported for table tests. */
export function validateMongoClusterArgs(name: string, args: MongoClusterArgs): Settings {
  requireArgs(`MongoCluster "${name}"`, args, "an object of MongoClusterArgs");
  const checks = new ArgumentChecks(`MongoCluster "${name}"`);
  const engine = args.engine ?? "community";
  if (!ENGINES.includes(engine)) {
    checks.fail("engine", engine, "is not an engine", 'use "community", "documentdb", "atlas" or "external"');
    checks.throwIfAny();
  }
  const own = new Set<ArgKey>(ENGINE_ARGS[engine]);
  for (const key of ALL_ENGINE_ARGS) {
    if (own.has(key) || args[key] === undefined) continue;
    const owners = ENGINES.filter((e) => ENGINE_ARGS[e].includes(key));
    checks.fail(
      key,
      key === "uris" || key === "caPem" || key === "readOnlyUser" ? "(given)" : args[key],
      `has no effect with engine "${engine}" (it is for ${owners.map((e) => `"${e}"`).join(" and ")})`,
      `remove \`${key}\`, or set \`engine\` to ${owners.map((e) => `"${e}"`).join(" or ")}`,
    );
  }
  for (const [key, value] of Object.entries(args.transform ?? {})) {
    if (value === undefined || ENGINE_TRANSFORMS[engine].includes(key as TransformKey)) continue;
    const owners = ENGINES.filter((e) => ENGINE_TRANSFORMS[e].includes(key as TransformKey));
    checks.fail(
      `transform.${key}`,
      "(given)",
      owners.length === 0
        ? "names no child of this component"
        : `changes a child that engine "${engine}" does not create (it is for ${owners.join(" and ")})`,
      `remove \`transform.${key}\`; engine "${engine}" accepts transform.${ENGINE_TRANSFORMS[engine].join(", transform.")}`,
    );
  }
  const tlsCAFile = args.tlsCAFile ?? DEFAULT_TLS_CA_FILE;
  checks.require(
    /^\/[A-Za-z0-9._/-]+$/.test(tlsCAFile) && !tlsCAFile.endsWith("/"),
    "tlsCAFile",
    tlsCAFile,
    "is not an absolute file path of letters, digits, '.', '_', '-' and '/'",
    'use e.g. "/etc/ssl/toucan/mongo-ca.pem"',
  );
  const common: Common = {
    name,
    protect: args.protect ?? true,
    kmsKeyId: engine === "external" || engine === "atlas" ? undefined : args.kmsKeyId,
    tags: args.tags ?? {},
    tlsCAFile,
  };

  if (engine === "external") {
    validateExternal(checks, args, tlsCAFile);
    checks.throwIfAny();
    return { ...common, engine };
  }

  const database = args.database ?? DEFAULT_DATABASE;
  checks.require(
    /^[^/\\. "$*<>:|?]{1,63}$/.test(database),
    "database",
    database,
    "is not a valid MongoDB database name",
    'use letters, digits, "-" and "_" (the vendor\'s is "api-toucan")',
  );
  checks.require(
    args.vpcId !== undefined,
    "vpcId",
    args.vpcId,
    `is required with engine "${engine}"`,
    "pass the VPC id (e.g. network.vpcId)",
  );
  const subnets = args.subnetIds ?? [];
  const azs = args.availabilityZones ?? [];
  checks.require(
    args.subnetIds !== undefined,
    "subnetIds",
    args.subnetIds,
    `is required with engine "${engine}"`,
    "pass one private subnet id per AZ (e.g. network.privateSubnetIdList)",
  );
  checks.require(
    args.availabilityZones !== undefined,
    "availabilityZones",
    args.availabilityZones,
    `is required with engine "${engine}"`,
    "pass the AZ of each subnet, in the same order (e.g. network.availabilityZoneList)",
  );
  if (args.subnetIds !== undefined && args.availabilityZones !== undefined) {
    checks.require(
      subnets.length === azs.length,
      "availabilityZones",
      `${azs.length} AZ(s)`,
      `does not match subnetIds (${subnets.length} subnet(s))`,
      "give the AZ of each subnet, in the same order as subnetIds",
    );
  }
  checks.require(
    name.length <= 40,
    "name",
    name,
    "is longer than 40 characters, too long for the IAM and DocumentDB names derived from it",
    "use a shorter component name",
  );

  if (engine === "atlas") {
    const atlas = validateAtlasArgs(checks, name, args.atlas, aws.config.region);
    checks.throwIfAny();
    return { ...common, engine, database, atlas };
  }
  if (engine === "community") {
    const settings = validateCommunity(checks, args, common, database, subnets, azs);
    checks.throwIfAny();
    return settings;
  }
  const settings = validateDocumentDb(checks, args, common, database, subnets, azs);
  checks.throwIfAny();
  return settings;
}

function validateExternal(checks: ArgumentChecks, args: MongoClusterArgs, tlsCAFile: string): void {
  const uris = args.uris;
  checks.require(
    uris !== undefined && uris.readWrite !== undefined && uris.readOnly !== undefined,
    "uris",
    uris === undefined ? undefined : "(incomplete)",
    'is required with engine "external" and needs both `readWrite` and `readOnly`',
    "pass { readWrite, readOnly } connection strings, e.g. from config.requireSecret(...)",
  );
  for (const key of ["readWrite", "readOnly"] as const) {
    const uri = uris?.[key];
    if (!isPlainString(uri)) continue;
    // The value is a credential: never echo it in the message.
    checks.require(
      isMongoUri(uri),
      `uris.${key}`,
      "(a string)",
      "is not a mongodb:// or mongodb+srv:// connection string with a host",
      'use e.g. "mongodb+srv://user:password@cluster0.example.mongodb.net/api-toucan?retryWrites=true"',
    );
    if (args.caPem !== undefined && isMongoUri(uri)) {
      checks.require(
        safeDecode(uri).includes(`tlsCAFile=${tlsCAFile}`),
        `uris.${key}`,
        "(a string)",
        `does not name the CA file: caPem is given, so the backend finds it at ${tlsCAFile}`,
        `add tlsCAFile=${tlsCAFile} (and tls=true) to the connection string, or set tlsCAFile to the path it names`,
      );
    }
  }
}

function safeDecode(value: string): string {
  try {
    return decodeURIComponent(value);
  } catch {
    return value;
  }
}

function validateCommunity(
  checks: ArgumentChecks,
  args: MongoClusterArgs,
  common: Common,
  database: string,
  subnets: pulumi.Input<string>[],
  azs: pulumi.Input<string>[],
): CommunitySettings {
  const acceptQuorumLoss = args.acceptQuorumLossOnAzFailure ?? false;
  if (args.subnetIds !== undefined) {
    checks.require(
      acceptQuorumLoss ? subnets.length >= 1 : subnets.length >= MEMBER_COUNT,
      "subnetIds",
      `${subnets.length} subnet(s)`,
      acceptQuorumLoss
        ? "is empty"
        : "spreads the 3 replica-set members over fewer than 3 Availability Zones, so losing one AZ can " +
            "lose the majority and stop writes",
      acceptQuorumLoss
        ? "pass at least one private subnet"
        : "pass private subnets in 3 AZs, or set `acceptQuorumLossOnAzFailure: true` to accept the risk",
    );
  }
  if (!acceptQuorumLoss && subnets.length >= MEMBER_COUNT && azs.length === subnets.length) {
    checks.require(
      distinctPlain(azs.slice(0, MEMBER_COUNT)),
      "availabilityZones",
      azs.slice(0, MEMBER_COUNT),
      "puts two of the 3 members in one AZ",
      "give subnets in 3 distinct AZs first, or set `acceptQuorumLossOnAzFailure: true`",
    );
  }
  const version = args.version ?? DEFAULT_MONGO_VERSION;
  const series = mongoSeries(version);
  checks.require(
    series !== undefined && SUPPORTED_MONGO_SERIES.includes(series) && MONGO_VERSION.test(version),
    "version",
    version,
    `is not a MongoDB version of a supported series (${SUPPORTED_MONGO_SERIES.join(", ")}) for Amazon Linux 2023`,
    `use e.g. "${DEFAULT_MONGO_VERSION}" (pinned) or "8.0" (newest 8.0.x)`,
  );
  const instanceType = args.instanceType ?? "t4g.medium";
  checks.id("instanceType", instanceType, instanceTypeProblem, 'use e.g. "t4g.medium" or "m7g.large"');
  const volumeSizeGiB = args.volumeSizeGiB ?? 50;
  checks.require(
    Number.isInteger(volumeSizeGiB) && volumeSizeGiB >= 1 && volumeSizeGiB <= 16384,
    "volumeSizeGiB",
    volumeSizeGiB,
    "is not a gp3 volume size (1 to 16384 GiB)",
    "use a whole number of GiB, e.g. 50",
  );
  const replicaSetName = args.replicaSetName ?? "rs0";
  checks.require(
    REPLICA_SET_NAME.test(replicaSetName),
    "replicaSetName",
    replicaSetName,
    "is not a replica set name",
    'use letters, digits, "-" and "_", e.g. "rs0"',
  );
  const installPackages = args.natAvailable ?? true;
  const packages = args.packages
    ? { bucket: args.packages.bucket, prefix: (args.packages.prefix ?? "").replace(/^\/+|\/+$/g, "") }
    : undefined;
  if (packages) {
    checks.require(
      S3_BUCKET.test(packages.bucket ?? "") && !/\.\.|^\d+\.\d+\.\d+\.\d+$/.test(packages.bucket),
      "packages.bucket",
      packages.bucket,
      "is not an S3 bucket name",
      'give the bucket\'s name (not an ARN or URL), e.g. "acme-mirror"',
    );
    checks.require(
      !/[*?]|\/\//.test(packages.prefix),
      "packages.prefix",
      args.packages?.prefix,
      "is not a key prefix (no wildcards, no empty path segment)",
      'give the folder of the RPMs, e.g. "mongodb"',
    );
  }
  checks.require(
    installPackages || args.amiId !== undefined || packages !== undefined,
    "packages",
    undefined,
    "is needed without NAT (`natAvailable: false`): the members have no way to download MongoDB, and no `amiId` with MongoDB preinstalled is given",
    "set `packages` to the bucket you mirrored MongoDB's RPMs to (README: No NAT), or `amiId` to an Amazon Linux 2023 image with mongod and mongosh installed, or give the subnets NAT",
  );
  const zoneName = (args.dnsZoneName ?? "mongo.toucan.internal").replace(/\.$/, "");
  checks.require(
    isDnsName(zoneName) && zoneName.includes("."),
    "dnsZoneName",
    args.dnsZoneName,
    "is not a lowercase DNS domain name",
    'use e.g. "mongo.toucan.internal"',
  );
  const memberSlots = Array.from({ length: MEMBER_COUNT }, (_, i) => i % Math.max(subnets.length, 1));
  const restore = validateRestore(checks, args.restoreFromSnapshots);
  return {
    ...common,
    engine: "community",
    database,
    version,
    instanceType,
    volumeSizeGiB,
    replicaSetName,
    installPackages,
    packages,
    packagesS3: packages
      ? `s3://${packages.bucket}${packages.prefix ? `/${packages.prefix}` : ""}`
      : undefined,
    acceptQuorumLoss,
    grantAllDatabases: args.grantAllDatabases ?? false,
    zoneName,
    memberHosts: memberSlots.map((_, i) => `mongo-${i + 1}.${zoneName}`),
    memberSlots,
    restore,
  };
}

/** S3 bucket naming rules (general purpose buckets): 3 to 63 lowercase letters, digits, dots and hyphens. */
const S3_BUCKET = /^[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]$/;

const SNAPSHOT_ID = /^snap-(?:[0-9a-f]{8}|[0-9a-f]{17})$/;

/** `restoreFromSnapshots`: one snapshot per member or one for all, and the restored admin password. */
function validateRestore(
  checks: ArgumentChecks,
  restore: MongoClusterArgs["restoreFromSnapshots"],
): CommunitySettings["restore"] {
  if (restore === undefined) return undefined;
  const ids = restore.snapshotIds ?? [];
  checks.require(
    ids.length === 1 || ids.length === MEMBER_COUNT,
    "restoreFromSnapshots.snapshotIds",
    ids,
    `has ${ids.length} snapshot(s) for ${MEMBER_COUNT} members`,
    `give one snapshot per member (${MEMBER_COUNT}), or one for all`,
  );
  ids.forEach((id, i) =>
    checks.require(
      SNAPSHOT_ID.test(id),
      `restoreFromSnapshots.snapshotIds[${i}]`,
      id,
      "is not an EBS snapshot id",
      'give the snapshot id of the recovery point (its ARN ends in "snapshot/snap-...")',
    ),
  );
  checks.require(
    restore.adminPassword !== undefined && restore.adminPassword !== "",
    "restoreFromSnapshots.adminPassword",
    undefined,
    "is required: the restored data's administrator has the old stack's password",
    "pass the old stack's admin password as a secret (read it from its adminPasswordSecretArn)",
  );
  const snapshotIds = ids.length === 1 ? Array.from({ length: MEMBER_COUNT }, () => ids[0]) : ids;
  return { snapshotIds, adminPassword: restore.adminPassword };
}

function validateDocumentDb(
  checks: ArgumentChecks,
  args: MongoClusterArgs,
  common: Common,
  database: string,
  subnets: pulumi.Input<string>[],
  azs: pulumi.Input<string>[],
): DocumentDbSettings {
  const name = common.name;
  checks.require(
    /^[a-z][a-z0-9-]*$/.test(name) && !name.includes("--") && !name.endsWith("-"),
    "name",
    name,
    "cannot prefix DocumentDB identifiers (lowercase letter first, then lowercase letters, digits and single hyphens)",
    'use e.g. "toucan-mongo"',
  );
  if (args.subnetIds !== undefined) {
    checks.require(
      subnets.length >= 2,
      "subnetIds",
      `${subnets.length} subnet(s)`,
      "spans fewer than 2 Availability Zones: DocumentDB needs 2, and a reader in a second AZ to survive losing one",
      "pass private subnets in at least 2 AZs",
    );
  }
  if (azs.length === subnets.length) {
    checks.require(distinctPlain(azs), "availabilityZones", azs, "repeats an AZ", "give one subnet per AZ");
  }
  const instanceCount = args.instanceCount ?? 2;
  checks.require(
    Number.isInteger(instanceCount) && instanceCount >= 2 && instanceCount <= 16,
    "instanceCount",
    instanceCount,
    "must be between 2 and 16: with one instance, losing its AZ stops the database",
    "use 2 or more (one writer, readers in other AZs)",
  );
  const engineVersion = args.engineVersion ?? "5.0.0";
  const family = /^(\d+)\.(\d+)\.\d+$/.exec(engineVersion);
  checks.require(
    family !== null,
    "engineVersion",
    engineVersion,
    "is not a DocumentDB engine version",
    'use e.g. "5.0.0"',
  );
  checks.id(
    "instanceClass",
    args.instanceClass,
    documentDbInstanceClassProblem,
    'use e.g. "db.t4g.medium" (default) or "db.r6g.large"',
  );
  const backupRetentionDays = args.backupRetentionDays ?? 7;
  checks.require(
    Number.isInteger(backupRetentionDays) && backupRetentionDays >= 1 && backupRetentionDays <= 35,
    "backupRetentionDays",
    backupRetentionDays,
    "is outside what DocumentDB accepts (1 to 35 days)",
    "use e.g. 7",
  );
  if (args.readOnlyUser) {
    checks.require(
      /^[A-Za-z][A-Za-z0-9_-]{0,62}$/.test(args.readOnlyUser.name),
      "readOnlyUser.name",
      args.readOnlyUser.name,
      "is not a DocumentDB user name",
      'use e.g. "toucan-readonly"',
    );
  }
  return {
    ...common,
    engine: "documentdb",
    database,
    instanceClass: args.instanceClass ?? "db.t4g.medium",
    instanceCount,
    engineVersion,
    parameterGroupFamily: family ? `docdb${family[1]}.${family[2]}` : "",
    backupRetentionDays,
    skipFinalSnapshot: args.skipFinalSnapshot ?? false,
    // Unique per stack: a second stack of the same name, or this one deployed again, would collide.
    finalSnapshotIdentifier: `${name}-final-${stackHash(name)}`,
  };
}

/** What every engine exposes. */
interface Exposed {
  mongodbHost: pulumi.Output<string>;
  mongodbReadonlyHost: pulumi.Output<string>;
  mongodbHostSecretArn: pulumi.Output<string>;
  mongodbReadonlyHostSecretArn: pulumi.Output<string>;
  tlsCAFile: string | undefined;
  caSecretArn: pulumi.Output<string> | undefined;
  caCertificatePem: pulumi.Output<string> | undefined;
  caBundleUrl: pulumi.Output<string> | undefined;
  securityGroupId: pulumi.Output<string> | undefined;
  hosts: pulumi.Output<string[]>;
  adminPasswordSecretArn: pulumi.Output<string> | undefined;
  /** `community`: ARNs of the members' data volumes (what a backup plan selects). */
  dataVolumeArns?: pulumi.Output<string[]>;
  backupAgent?: BackupAgent;
}

/** The member that starts on-demand backups (through SSM), and its instance role. */
export interface BackupAgent {
  instanceId: pulumi.Output<string>;
  roleName: pulumi.Output<string>;
}

interface StoredSecret {
  secret: aws.secretsmanager.Secret;
  version: aws.secretsmanager.SecretVersion;
}

interface GeneratedPassword extends StoredSecret {
  /** The password, as a Pulumi secret. */
  value: pulumi.Output<string>;
}

interface CertificateAuthority {
  key: tls.PrivateKey;
  cert: tls.SelfSignedCert;
}

/**
 * Toucan's MongoDB: a 3-member replica set across 3 AZs (`community`, the default), Amazon DocumentDB, or
 * an external database. Whatever the engine, it exposes the backend's two connection strings
 * (`TOUCAN_MONGODB_HOST`, `TOUCAN_MONGODB_READONLY_HOST`) as secrets, both as Pulumi outputs and in
 * Secrets Manager, and says which CA the backend must trust.
 *
 * @example
 * ```ts
 * const mongo = new MongoCluster("toucan-mongo", {
 *   vpcId: network.vpcId,
 *   subnetIds: network.privateSubnetIdList,
 *   availabilityZones: network.availabilityZoneList,
 *   clientSecurityGroupIds: [backendSecurityGroup.id],
 * });
 * ```
 * @example
 * ```ts
 * const atlas = new MongoCluster("toucan-mongo", {
 *   engine: "external",
 *   uris: { readWrite: config.requireSecret("mongoUri"), readOnly: config.requireSecret("mongoReadonlyUri") },
 * });
 * ```
 */
export class MongoCluster extends pulumi.ComponentResource {
  /** Where the database runs. */
  readonly engine: MongoEngine;
  /** `TOUCAN_MONGODB_HOST`: connection string of the read/write user (secret). */
  readonly mongodbHost: pulumi.Output<string>;
  /** `TOUCAN_MONGODB_READONLY_HOST`: connection string of the read-only user (secret). */
  readonly mongodbReadonlyHost: pulumi.Output<string>;
  /** Secrets Manager ARN holding `mongodbHost` (the ECS task injects it as a secret). */
  readonly mongodbHostSecretArn: pulumi.Output<string>;
  /** Secrets Manager ARN holding `mongodbReadonlyHost`. */
  readonly mongodbReadonlyHostSecretArn: pulumi.Output<string>;
  /**
   * Path of the CA file named by `tlsCAFile=` inside the backend container, or undefined when no CA
   * file is needed (`external` without `caPem`). Known at construction.
   */
  readonly tlsCAFile: string | undefined;
  /**
   * Secrets Manager ARN of the CA certificate (PEM) the backend must trust: the generated CA
   * (`community`), the region's bundle read at deployment or `caPem` (`documentdb`), or `caPem`
   * (`external`); undefined otherwise. Whether it exists is known at construction.
   */
  readonly caSecretArn: pulumi.Output<string> | undefined;
  /** The CA certificate itself (`community`, `documentdb`, or `external` with `caPem`), else undefined. */
  readonly caCertificatePem: pulumi.Output<string> | undefined;
  /**
   * Where the CA bundle kept in `caSecretArn` was read from at deployment (`documentdb`: the region's
   * Amazon RDS/DocumentDB bundle), else undefined. Nothing downloads it at task start.
   */
  readonly caBundleUrl: pulumi.Output<string> | undefined;
  /** Security group of the database (undefined for `external`). */
  readonly securityGroupId: pulumi.Output<string> | undefined;
  /** Host names of the members (`community`), of the cluster and reader endpoints (`documentdb`), or in `uris.readWrite` (`external`). */
  readonly hosts: pulumi.Output<string[]>;
  /**
   * Secrets Manager ARN of the generated administrator password: the `toucan-admin` user (`community`)
   * or the master user (`documentdb`); undefined for `external`. For operators and backups.
   */
  readonly adminPasswordSecretArn: pulumi.Output<string> | undefined;

  /** `community`: ARNs of the members' data volumes, for a backup plan; undefined for other engines. */
  readonly dataVolumeArns: pulumi.Output<string[]> | undefined;
  /** `community`: the member that runs on-demand backups (a secondary), for the pre-upgrade backup. */
  readonly backupAgent: BackupAgent | undefined;
  /** `community`: the members' EC2 instance ids (alarms watch their status checks). */
  readonly memberInstanceIds: pulumi.Output<string>[] = [];
  /** `community`: the members' instance roles (monitoring grants its collector there). */
  readonly memberRoleNames: pulumi.Output<string>[] = [];
  /** `documentdb`: the instances' identifiers (alarms watch their CPU, memory and replica lag). */
  readonly documentdbInstanceIds: pulumi.Output<string>[] = [];

  private readonly transforms: NonNullable<MongoClusterArgs["transform"]>;

  constructor(name: string, args: MongoClusterArgs = {}, opts: pulumi.ComponentResourceOptions = {}) {
    const settings = validateMongoClusterArgs(name, args);
    super(COMPONENT, name, {}, opts);
    this.engine = settings.engine;
    this.transforms = args.transform ?? {};

    const exposed =
      settings.engine === "community"
        ? this.buildCommunity(settings, args)
        : settings.engine === "documentdb"
          ? this.buildDocumentDb(settings, args)
          : settings.engine === "atlas"
            ? this.buildAtlas(settings, args)
            : this.buildExternal(settings, args);

    this.mongodbHost = exposed.mongodbHost;
    this.mongodbReadonlyHost = exposed.mongodbReadonlyHost;
    this.mongodbHostSecretArn = exposed.mongodbHostSecretArn;
    this.mongodbReadonlyHostSecretArn = exposed.mongodbReadonlyHostSecretArn;
    this.tlsCAFile = exposed.tlsCAFile;
    this.caSecretArn = exposed.caSecretArn;
    this.caCertificatePem = exposed.caCertificatePem;
    this.caBundleUrl = exposed.caBundleUrl;
    this.securityGroupId = exposed.securityGroupId;
    this.hosts = exposed.hosts;
    this.adminPasswordSecretArn = exposed.adminPasswordSecretArn;
    this.dataVolumeArns = exposed.dataVolumeArns;
    this.backupAgent = exposed.backupAgent;
    this.registerOutputs({
      mongodbHost: this.mongodbHost,
      mongodbReadonlyHost: this.mongodbReadonlyHost,
      mongodbHostSecretArn: this.mongodbHostSecretArn,
      mongodbReadonlyHostSecretArn: this.mongodbReadonlyHostSecretArn,
      hosts: this.hosts,
    });
  }

  // ---------------------------------------------------------------------------------------------
  // community

  private buildCommunity(s: CommunitySettings, args: MongoClusterArgs): Exposed {
    const region = aws.getRegionOutput({}, { parent: this }).region;
    const partition = aws.getPartitionOutput({}, { parent: this }).partition;
    const securityGroup = this.createSecurityGroup(s, args.vpcId!, args.clientSecurityGroupIds ?? []);
    this.allowReplicaSetTraffic(s, securityGroup);
    const zone = this.createZone(s, args.vpcId!);
    const ca = this.createCertificateAuthority(s);
    const caSecret = this.storeSecret(
      s,
      `${s.name}-ca`,
      "CA certificate of the MongoDB members",
      ca.cert.certPem,
      false,
    );
    const keyFile = this.generatePassword(
      s,
      "keyfile",
      "Keyfile the MongoDB members authenticate each other with",
      512,
    );
    const passwords = {
      admin: s.restore
        ? this.givenPassword(
            s,
            "admin-password",
            `Password of MongoDB user ${COMMUNITY_USERS.admin}`,
            s.restore.adminPassword,
          )
        : this.generatePassword(s, "admin-password", `Password of MongoDB user ${COMMUNITY_USERS.admin}`),
      readWrite: this.generatePassword(
        s,
        "readwrite-password",
        `Password of MongoDB user ${COMMUNITY_USERS.readWrite}`,
      ),
      readOnly: this.generatePassword(
        s,
        "readonly-password",
        `Password of MongoDB user ${COMMUNITY_USERS.readOnly}`,
      ),
    };
    const ami = args.amiId ?? this.latestAmazonLinux(s);

    // One member at a time, in rollout order, each behind the previous member's gate (mongo-rollout.ts).
    const gateDocument = this.createGateDocument(s);
    const volumes: aws.ebs.Volume[] = [];
    const members: MemberResources[] = [];
    let previousGate: pulumi.Resource | undefined;
    for (const index of ROLLOUT_ORDER) {
      const member = this.createMember(s, args, index, {
        host: s.memberHosts[index],
        region,
        partition,
        ami,
        securityGroup,
        zone,
        ca,
        // The administrator's password too: a gate steps the primary down. (The keyfile every member
        // holds already grants as much.)
        shared: [keyFile, caSecret, passwords.admin],
        // Only the first member initiates the replica set and creates the users.
        users: index === 0 ? passwords : undefined,
        after: previousGate,
      });
      volumes[index] = member.volume;
      members[index] = member;
      previousGate = this.createGate(s, index, member, gateDocument, region, passwords.admin);
    }

    const seeds = s.memberHosts.map((h) => `${h}:${MONGO_PORT}`);
    const uri = (user: string, password: pulumi.Output<string>) =>
      pulumi.secret(
        password.apply((pw) =>
          mongoUri({
            user,
            password: pw,
            hosts: seeds,
            database: s.database,
            retryWrites: true,
            authSource: "admin",
            replicaSet: s.replicaSetName,
            tls: true,
            tlsCAFile: s.tlsCAFile,
          }),
        ),
      );
    const readWrite = uri(COMMUNITY_USERS.readWrite, passwords.readWrite.value);
    const readOnly = uri(COMMUNITY_USERS.readOnly, passwords.readOnly.value);
    return {
      ...this.storeConnectionStrings(s, readWrite, readOnly),
      tlsCAFile: s.tlsCAFile,
      caSecretArn: caSecret.secret.arn,
      caCertificatePem: ca.cert.certPem,
      caBundleUrl: undefined,
      securityGroupId: securityGroup.id,
      hosts: pulumi.output(s.memberHosts),
      adminPasswordSecretArn: passwords.admin.secret.arn,
      dataVolumeArns: pulumi.all(volumes.map((v) => v.arn)),
      // The second member: a secondary whenever the first is healthy (priority 2), and changed first.
      backupAgent: { instanceId: members[1].instance.id, roleName: members[1].roleName },
    };
  }

  /** Members talk to each other on 27017 and reach Secrets Manager, SSM and the package repositories on 443. */
  private allowReplicaSetTraffic(s: Common, securityGroup: aws.ec2.SecurityGroup): void {
    new aws.vpc.SecurityGroupIngressRule(
      `${s.name}-from-members`,
      {
        securityGroupId: securityGroup.id,
        referencedSecurityGroupId: securityGroup.id,
        ipProtocol: "tcp",
        fromPort: MONGO_PORT,
        toPort: MONGO_PORT,
        description: "MongoDB replication between members",
        tags: s.tags,
      },
      { parent: this },
    );
    new aws.vpc.SecurityGroupEgressRule(
      `${s.name}-to-members`,
      {
        securityGroupId: securityGroup.id,
        referencedSecurityGroupId: securityGroup.id,
        ipProtocol: "tcp",
        fromPort: MONGO_PORT,
        toPort: MONGO_PORT,
        description: "MongoDB replication between members",
        tags: s.tags,
      },
      { parent: this },
    );
    new aws.vpc.SecurityGroupEgressRule(
      `${s.name}-to-https`,
      {
        securityGroupId: securityGroup.id,
        cidrIpv4: "0.0.0.0/0",
        ipProtocol: "tcp",
        fromPort: 443,
        toPort: 443,
        description: "HTTPS: MongoDB packages, Secrets Manager, SSM",
        tags: s.tags,
      },
      { parent: this },
    );
  }

  private createZone(s: CommunitySettings, vpcId: pulumi.Input<string>): aws.route53.Zone {
    return new aws.route53.Zone(
      ...applyTransform(
        this.transforms.zone,
        `${s.name}-zone`,
        {
          name: s.zoneName,
          comment: `Stable names of the MongoDB replica set ${s.replicaSetName} (${s.name})`,
          vpcs: [{ vpcId }],
          tags: s.tags,
        },
        { parent: this },
      ),
    );
  }

  /** A private CA for the members' certificates; the backend trusts it through `tlsCAFile`. */
  private createCertificateAuthority(s: CommunitySettings): CertificateAuthority {
    const key = new tls.PrivateKey(
      `${s.name}-ca-key`,
      { algorithm: "RSA", rsaBits: 4096 },
      { parent: this, protect: s.protect },
    );
    const cert = new tls.SelfSignedCert(
      `${s.name}-ca-cert`,
      {
        privateKeyPem: pulumi.secret(key.privateKeyPem),
        isCaCertificate: true,
        subject: { commonName: `${s.name} MongoDB CA`, organization: "Toucan MongoDB" },
        validityPeriodHours: CA_CERT_HOURS,
        allowedUses: ["cert_signing", "crl_signing", "digital_signature"],
      },
      { parent: this, protect: s.protect },
    );
    return { key, cert };
  }

  private latestAmazonLinux(s: CommunitySettings): pulumi.Output<string> {
    // insecureValue: the parameter is public, and `value` would make the AMI id a secret.
    return aws.ssm.getParameterOutput(
      { name: amazonLinuxAmiParameter(instanceArchitecture(s.instanceType)) },
      { parent: this },
    ).insecureValue;
  }

  private createMember(
    s: CommunitySettings,
    args: MongoClusterArgs,
    index: number,
    ctx: {
      host: string;
      region: pulumi.Output<string>;
      partition: pulumi.Output<string>;
      ami: pulumi.Input<string>;
      securityGroup: aws.ec2.SecurityGroup;
      zone: aws.route53.Zone;
      ca: CertificateAuthority;
      shared: StoredSecret[];
      users?: { admin: GeneratedPassword; readWrite: GeneratedPassword; readOnly: GeneratedPassword };
      /** The previous member's gate: this member changes only once it passed. */
      after?: pulumi.Resource;
    },
  ): MemberResources {
    const id = `${s.name}-member-${index + 1}`;
    const slot = s.memberSlots[index];
    const subnetId = args.subnetIds![slot];
    const az = this.memberAz(s, args.availabilityZones!, slot);
    const tags = { ...s.tags, "toucan:mongo-member": ctx.host };

    const tlsSecret = this.issueMemberCertificate(s, id, ctx.host, ctx.ca);
    const volume = new aws.ebs.Volume(
      ...applyTransform(
        this.transforms.volume,
        `${id}-data`,
        {
          availabilityZone: az,
          type: "gp3",
          size: s.volumeSizeGiB,
          encrypted: true,
          kmsKeyId: args.kmsKeyId,
          snapshotId: s.restore?.snapshotIds[index],
          finalSnapshot: true,
          tags: { ...tags, Name: `${id}-data` },
        },
        // A snapshot is read only when the volume is created: never replace data for a changed snapshot id.
        { parent: this, protect: s.protect, retainOnDelete: s.protect, ignoreChanges: ["snapshotId"] },
      ),
    );

    const [keyFile, caSecret, adminPassword] = ctx.shared;
    const users = ctx.users;
    const readable = [
      keyFile,
      caSecret,
      tlsSecret,
      adminPassword,
      ...(users ? [users.readWrite, users.readOnly] : []),
    ];
    const { profile, grants, role } = this.createInstanceRole(
      s,
      id,
      ctx.partition,
      ctx.region,
      readable,
      args.kmsKeyId,
    );

    const userData = pulumi
      .all([
        ctx.region,
        volume.id,
        keyFile.secret.arn,
        caSecret.secret.arn,
        tlsSecret.secret.arn,
        users?.admin.secret.arn,
        users?.readWrite.secret.arn,
        users?.readOnly.secret.arn,
      ])
      .apply(([region, volumeId, keyFileArn, caArn, tlsArn, adminArn, rwArn, roArn]) =>
        renderMongoUserData({
          memberIndex: index + 1,
          memberHosts: s.memberHosts,
          replicaSetName: s.replicaSetName,
          mongoVersion: s.version,
          installPackages: s.installPackages,
          packagesS3: s.packagesS3,
          region,
          dataVolumeId: volumeId,
          secretArns: { keyFile: keyFileArn, caCertificate: caArn, memberCertificate: tlsArn },
          users: users
            ? {
                database: s.database,
                allDatabases: s.grantAllDatabases,
                admin: { name: COMMUNITY_USERS.admin, passwordSecretArn: adminArn! },
                readWrite: { name: COMMUNITY_USERS.readWrite, passwordSecretArn: rwArn! },
                readOnly: { name: COMMUNITY_USERS.readOnly, passwordSecretArn: roArn! },
              }
            : undefined,
        }),
      );

    const instance = new aws.ec2.Instance(
      ...applyTransform(
        this.transforms.instance,
        // An instance of the other architecture is another resource: it is created from that
        // architecture's AMI (the lookup's drift is ignored on a resource, not across resources), takes
        // the data volume over, and the old one goes; in rollout order, behind the gates like any change.
        instanceArchitecture(s.instanceType) === "arm64"
          ? id
          : `${id}-${instanceArchitecture(s.instanceType)}`,
        {
          ami: ctx.ami,
          instanceType: s.instanceType,
          subnetId,
          availabilityZone: az,
          vpcSecurityGroupIds: [ctx.securityGroup.id],
          associatePublicIpAddress: false,
          iamInstanceProfile: profile.name,
          metadataOptions: { httpTokens: "required", httpEndpoint: "enabled", httpPutResponseHopLimit: 1 },
          rootBlockDevice: {
            encrypted: true,
            kmsKeyId: args.kmsKeyId,
            volumeType: "gp3",
            volumeSize: 16,
            deleteOnTermination: true,
          },
          // The script is idempotent and the data lives on the separate volume: a new script means a
          // fresh instance that attaches the same volume.
          userData,
          userDataReplaceOnChange: true,
          tags: { ...tags, Name: id },
          volumeTags: { ...tags, Name: `${id}-root` },
        },
        {
          parent: this,
          // The secrets' values and the role's grants must exist before the first boot reads them; the
          // previous member's gate must have passed before this member changes.
          dependsOn: [
            ...readable.map((r) => r.version),
            ...grants,
            ...(args.subnetEgress?.[slot] ?? []),
            ...(ctx.after ? [ctx.after] : []),
          ],
          // A new Amazon Linux release would replace every member at once: only an explicit amiId rolls them.
          ignoreChanges: args.amiId === undefined ? ["ami"] : [],
        },
      ),
    );
    this.memberInstanceIds.push(instance.id);
    this.memberRoleNames.push(role.name);
    const attachment = new aws.ec2.VolumeAttachment(
      `${id}-data-attachment`,
      {
        instanceId: instance.id,
        volumeId: volume.id,
        deviceName: "/dev/sdf",
        // A replaced instance shuts mongod down cleanly before its volume moves to the new one.
        stopInstanceBeforeDetaching: true,
      },
      { parent: this, deleteBeforeReplace: true },
    );
    const record = new aws.route53.Record(
      `${id}-dns`,
      { zoneId: ctx.zone.zoneId, name: ctx.host, type: "A", ttl: 30, records: [instance.privateIp] },
      { parent: this },
    );
    // Whatever changes the member changes this: a new value re-runs its gate.
    const revision = pulumi
      .all([userData, instance.instanceType, instance.ami])
      .apply(([data, type, image]) =>
        crypto.createHash("sha256").update(`${data}\n${type}\n${image}`).digest("hex").slice(0, 16),
      );
    return { volume, instance, ready: [attachment, record], revision, roleName: role.name };
  }

  /** The SSM document the gates run (mongo-rollout.ts). */
  private createGateDocument(s: CommunitySettings): aws.ssm.Document {
    return new aws.ssm.Document(
      `${s.name}-gate`,
      { documentType: "Command", documentFormat: "JSON", content: gateDocument(), tags: s.tags },
      { parent: this },
    );
  }

  /**
   * The gate after a member: `pulumi up` waits until the member is a caught-up secondary (and, before the
   * primary's turn, until it stepped down). A new revision replaces the association, which runs it again.
   */
  private createGate(
    s: CommunitySettings,
    index: number,
    member: MemberResources,
    document: aws.ssm.Document,
    region: pulumi.Output<string>,
    adminPassword: StoredSecret,
  ): aws.ssm.Association {
    const params = pulumi
      .all([region, adminPassword.secret.arn, member.revision])
      .apply(([r, arn, revision]) =>
        gateParameters(index, s.memberHosts, mongoSeries(s.version) ?? "", DEFAULT_GATE, {
          region: r,
          adminSecretArn: arn,
          adminUser: COMMUNITY_USERS.admin,
          revision,
        }),
      );
    return new aws.ssm.Association(
      `${s.name}-member-${index + 1}-gate`,
      {
        name: document.name,
        documentVersion: document.latestVersion,
        targets: [{ key: "InstanceIds", values: [member.instance.id] }],
        parameters: params.apply((p) => ({ ...p }) as Record<string, string>),
        maxConcurrency: "1",
        maxErrors: "0",
        waitForSuccessTimeoutSeconds: DEFAULT_GATE.timeoutSeconds + 600,
        tags: s.tags,
      },
      { parent: this, dependsOn: member.ready, replaceOnChanges: ["parameters", "targets"] },
    );
  }

  /** The AZ of a member; when AZs are outputs, their distinctness is checked once they are known. */
  private memberAz(s: CommunitySettings, azs: pulumi.Input<string>[], slot: number): pulumi.Input<string> {
    if (s.acceptQuorumLoss || azs.slice(0, MEMBER_COUNT).every(isPlainString)) return azs[slot];
    return pulumi.all(azs.slice(0, MEMBER_COUNT)).apply((list) => {
      checkMemberAzs(s.name, list);
      return list[slot];
    });
  }

  /** The member's key and certificate (DNS SAN = its stable name; 127.0.0.1 for the bootstrap's local admin). */
  private issueMemberCertificate(
    s: CommunitySettings,
    id: string,
    host: string,
    ca: CertificateAuthority,
  ): StoredSecret {
    const key = new tls.PrivateKey(`${id}-key`, { algorithm: "RSA", rsaBits: 2048 }, { parent: this });
    const request = new tls.CertRequest(
      `${id}-csr`,
      {
        privateKeyPem: pulumi.secret(key.privateKeyPem),
        subject: { commonName: host, organization: "Toucan MongoDB" },
        dnsNames: [host],
        ipAddresses: ["127.0.0.1"],
      },
      { parent: this },
    );
    const cert = new tls.LocallySignedCert(
      `${id}-cert`,
      {
        certRequestPem: request.certRequestPem,
        caPrivateKeyPem: pulumi.secret(ca.key.privateKeyPem),
        caCertPem: ca.cert.certPem,
        validityPeriodHours: MEMBER_CERT_HOURS,
        // Renewed by `pulumi up` in its last 30 days; a member reads it when mongod (re)starts.
        earlyRenewalHours: 30 * 24,
        // server_auth for clients, client_auth for the connections members open to each other.
        allowedUses: ["digital_signature", "key_encipherment", "server_auth", "client_auth"],
      },
      { parent: this },
    );
    // mongod's certificateKeyFile holds the certificate followed by its key.
    const pem = pulumi.secret(
      pulumi.all([cert.certPem, key.privateKeyPem]).apply(([c, k]) => `${c.trimEnd()}\n${k.trimEnd()}\n`),
    );
    return this.storeSecret(s, `${id}-tls`, `TLS certificate and key of MongoDB member ${host}`, pem, false);
  }

  /** A role that may be managed through SSM and read exactly the member's secrets. */
  private createInstanceRole(
    s: CommunitySettings,
    id: string,
    partition: pulumi.Output<string>,
    region: pulumi.Output<string>,
    readable: StoredSecret[],
    kmsKeyId: pulumi.Input<string> | undefined,
  ): { profile: aws.iam.InstanceProfile; grants: pulumi.Resource[]; role: aws.iam.Role } {
    const role = new aws.iam.Role(
      ...applyTransform(
        this.transforms.role,
        `${id}-role`,
        {
          description: `MongoDB member ${id}: SSM access and its own secrets`,
          assumeRolePolicy: JSON.stringify({
            Version: "2012-10-17",
            Statement: [
              { Effect: "Allow", Principal: { Service: "ec2.amazonaws.com" }, Action: "sts:AssumeRole" },
            ],
          }),
          tags: s.tags,
        },
        { parent: this },
      ),
    );
    const ssm = new aws.iam.RolePolicyAttachment(
      `${id}-ssm`,
      {
        role: role.name,
        policyArn: pulumi.interpolate`arn:${partition}:iam::aws:policy/AmazonSSMManagedInstanceCore`,
      },
      { parent: this },
    );
    const statements: object[] = [
      {
        Sid: "ReadOwnSecrets",
        Effect: "Allow",
        Action: "secretsmanager:GetSecretValue",
        Resource: readable.map((r) => r.secret.arn),
      },
    ];
    if (s.packages) {
      // The RPMs under packages.prefix, and nothing else of the bucket.
      const { bucket, prefix } = s.packages;
      const keys = prefix ? `${prefix}/` : "";
      statements.push(
        {
          Sid: "ReadMongoPackages",
          Effect: "Allow",
          Action: "s3:GetObject",
          Resource: pulumi.interpolate`arn:${partition}:s3:::${bucket}/${keys}*`,
        },
        {
          Sid: "ListMongoPackages",
          Effect: "Allow",
          Action: "s3:ListBucket",
          Resource: pulumi.interpolate`arn:${partition}:s3:::${bucket}`,
          Condition: { StringLike: { "s3:prefix": [`${keys}*`] } },
        },
      );
    }
    if (kmsKeyId !== undefined) {
      statements.push({
        Sid: "DecryptOwnSecrets",
        Effect: "Allow",
        Action: "kms:Decrypt",
        Resource: kmsKeyId,
        Condition: {
          StringEquals: { "kms:ViaService": pulumi.interpolate`secretsmanager.${region}.amazonaws.com` },
        },
      });
    }
    const secrets = new aws.iam.RolePolicy(
      `${id}-secrets`,
      { role: role.name, policy: pulumi.jsonStringify({ Version: "2012-10-17", Statement: statements }) },
      { parent: this },
    );
    const profile = new aws.iam.InstanceProfile(
      `${id}-profile`,
      { role: role.name, tags: s.tags },
      { parent: this },
    );
    return { profile, grants: [ssm, secrets], role };
  }

  // ---------------------------------------------------------------------------------------------
  // documentdb

  private buildAtlas(s: AtlasEngineSettings, args: MongoClusterArgs): Exposed {
    const atlas = createAtlasDeployment(
      {
        parent: this,
        name: s.name,
        protect: s.protect,
        tags: s.tags,
        database: s.database,
        transform: args.atlas?.transform ?? {},
      },
      s.atlas,
      {
        vpcId: args.vpcId!,
        subnetIds: args.subnetIds!,
        clientSecurityGroupIds: args.clientSecurityGroupIds ?? [],
      },
    );
    return {
      ...this.storeConnectionStrings(s, atlas.readWrite, atlas.readOnly),
      // Atlas presents certificates from a public CA the backend image already trusts.
      tlsCAFile: undefined,
      caSecretArn: undefined,
      caCertificatePem: undefined,
      caBundleUrl: undefined,
      securityGroupId: atlas.securityGroupId,
      hosts: atlas.hosts,
      adminPasswordSecretArn: undefined,
    };
  }

  private buildDocumentDb(s: DocumentDbSettings, args: MongoClusterArgs): Exposed {
    const region = aws.getRegionOutput({}, { parent: this }).region;
    const securityGroup = this.createSecurityGroup(s, args.vpcId!, args.clientSecurityGroupIds ?? []);
    const subnetGroup = new aws.docdb.SubnetGroup(
      ...applyTransform(
        this.transforms.subnetGroup,
        `${s.name}-subnets`,
        { description: `Subnets of DocumentDB ${s.name}`, subnetIds: args.subnetIds!, tags: s.tags },
        { parent: this },
      ),
    );
    const parameterGroup = new aws.docdb.ClusterParameterGroup(
      ...applyTransform(
        this.transforms.parameterGroup,
        `${s.name}-params`,
        {
          family: s.parameterGroupFamily,
          description: `DocumentDB ${s.name}: TLS required`,
          parameters: [{ name: "tls", value: "enabled" }],
          tags: s.tags,
        },
        { parent: this },
      ),
    );
    const master = this.generatePassword(
      s,
      "master-password",
      `Password of DocumentDB master user ${DOCUMENTDB_MASTER_USER}`,
    );
    const cluster = new aws.docdb.Cluster(
      ...applyTransform(
        this.transforms.cluster,
        `${s.name}-cluster`,
        {
          engine: "docdb",
          engineVersion: s.engineVersion,
          masterUsername: DOCUMENTDB_MASTER_USER,
          masterPassword: master.value,
          port: MONGO_PORT,
          dbSubnetGroupName: subnetGroup.name,
          dbClusterParameterGroupName: parameterGroup.name,
          vpcSecurityGroupIds: [securityGroup.id],
          storageEncrypted: true,
          kmsKeyId: args.kmsKeyId,
          deletionProtection: s.protect,
          backupRetentionPeriod: s.backupRetentionDays,
          skipFinalSnapshot: s.skipFinalSnapshot,
          finalSnapshotIdentifier: s.skipFinalSnapshot ? undefined : s.finalSnapshotIdentifier,
          tags: s.tags,
        },
        { parent: this, protect: s.protect },
      ),
    );
    const azs = args.availabilityZones!;
    for (let i = 0; i < s.instanceCount; i++) {
      const instance = new aws.docdb.ClusterInstance(
        ...applyTransform(
          this.transforms.clusterInstance,
          `${s.name}-instance-${i + 1}`,
          {
            clusterIdentifier: cluster.id,
            engine: "docdb",
            instanceClass: s.instanceClass,
            // In turn over the AZs: the writer and its first reader never share one.
            availabilityZone: azs[i % azs.length],
            autoMinorVersionUpgrade: true,
            tags: s.tags,
          },
          { parent: this },
        ),
      );
      this.documentdbInstanceIds.push(instance.identifier);
    }

    const uri = (
      endpoint: pulumi.Output<string>,
      user: string,
      password: pulumi.Input<string>,
      extra?: Record<string, string>,
    ) =>
      pulumi.secret(
        pulumi.all([endpoint, password]).apply(([host, pw]) =>
          mongoUri({
            user,
            password: pw,
            hosts: [`${host}:${MONGO_PORT}`],
            database: s.database,
            // DocumentDB does not support retryable writes.
            retryWrites: false,
            authSource: "admin",
            replicaSet: DOCUMENTDB_REPLICA_SET,
            tls: true,
            tlsCAFile: s.tlsCAFile,
            extra,
          }),
        ),
      );
    // The region's bundle, read at deployment and kept in a secret: the backend's init container writes it
    // from there (as the community CA), with no download at task start.
    const caPem = args.caPem ?? region.apply((r) => caBundleSource.read(documentDbCaBundleUrl(r)));
    const caSecret = this.storeSecret(s, `${s.name}-ca`, "CA bundle of DocumentDB", caPem, false);
    const reader = args.readOnlyUser ?? { name: DOCUMENTDB_MASTER_USER, password: master.value };
    const readWrite = uri(cluster.endpoint, DOCUMENTDB_MASTER_USER, master.value);
    const readOnly = uri(cluster.readerEndpoint, reader.name, reader.password, {
      readPreference: "secondaryPreferred",
    });
    return {
      ...this.storeConnectionStrings(s, readWrite, readOnly),
      tlsCAFile: s.tlsCAFile,
      caSecretArn: caSecret.secret.arn,
      caCertificatePem: pulumi.output(caPem),
      caBundleUrl: region.apply(documentDbCaBundleUrl),
      securityGroupId: securityGroup.id,
      hosts: pulumi.all([cluster.endpoint, cluster.readerEndpoint]),
      adminPasswordSecretArn: master.secret.arn,
    };
  }

  // ---------------------------------------------------------------------------------------------
  // external

  private buildExternal(s: ExternalSettings, args: MongoClusterArgs): Exposed {
    const uris = args.uris!;
    const readWrite = pulumi.secret(uris.readWrite);
    const readOnly = pulumi.secret(uris.readOnly);
    const connectionStrings = this.storeConnectionStrings(s, readWrite, readOnly);
    const caSecret =
      args.caPem === undefined
        ? undefined
        : this.storeSecret(s, `${s.name}-ca`, "CA certificate of the external MongoDB", args.caPem, false);
    return {
      ...connectionStrings,
      tlsCAFile: caSecret ? s.tlsCAFile : undefined,
      caSecretArn: caSecret?.secret.arn,
      caCertificatePem: args.caPem === undefined ? undefined : pulumi.output(args.caPem),
      caBundleUrl: undefined,
      securityGroupId: undefined,
      // Host names are not credentials: drop the secretness they inherit from the connection string.
      hosts: pulumi.unsecret(pulumi.output(uris.readWrite).apply(mongoUriHosts)),
      adminPasswordSecretArn: undefined,
    };
  }

  // ---------------------------------------------------------------------------------------------
  // shared

  /** The database's group: 27017 from each client group, one rule each. */
  private createSecurityGroup(
    s: Common,
    vpcId: pulumi.Input<string>,
    clients: pulumi.Input<string>[],
  ): aws.ec2.SecurityGroup {
    const group = new aws.ec2.SecurityGroup(
      ...applyTransform(
        this.transforms.securityGroup,
        `${s.name}-sg`,
        { vpcId, description: `MongoDB ${s.name}`, tags: { ...s.tags, Name: `${s.name}-sg` } },
        { parent: this },
      ),
    );
    clients.forEach(
      (client, i) =>
        new aws.vpc.SecurityGroupIngressRule(
          `${s.name}-from-client-${i + 1}`,
          {
            securityGroupId: group.id,
            referencedSecurityGroupId: client,
            ipProtocol: "tcp",
            fromPort: MONGO_PORT,
            toPort: MONGO_PORT,
            description: "MongoDB clients",
            tags: s.tags,
          },
          { parent: this },
        ),
    );
    return group;
  }

  /** A Secrets Manager secret and its value. */
  /** The two connection strings the backend reads, each in its own Secrets Manager secret. */
  private storeConnectionStrings(
    s: Common,
    readWrite: pulumi.Output<string>,
    readOnly: pulumi.Output<string>,
  ) {
    const host = this.storeSecret(s, `${s.name}-host`, "TOUCAN_MONGODB_HOST", readWrite, true);
    const readonlyHost = this.storeSecret(
      s,
      `${s.name}-readonly-host`,
      "TOUCAN_MONGODB_READONLY_HOST",
      readOnly,
      true,
    );
    return {
      mongodbHost: readWrite,
      mongodbReadonlyHost: readOnly,
      mongodbHostSecretArn: host.secret.arn,
      mongodbReadonlyHostSecretArn: readonlyHost.secret.arn,
    };
  }

  private storeSecret(
    s: Common,
    logicalName: string,
    description: string,
    value: pulumi.Input<string>,
    sensitive: boolean,
  ): StoredSecret {
    const secret = new aws.secretsmanager.Secret(
      ...applyTransform(
        this.transforms.secret,
        logicalName,
        { description: `${description} (${s.name})`, kmsKeyId: s.kmsKeyId, tags: s.tags },
        { parent: this, protect: s.protect },
      ),
    );
    const version = new aws.secretsmanager.SecretVersion(
      `${logicalName}-value`,
      { secretId: secret.id, secretString: sensitive ? pulumi.secret(value) : value },
      { parent: this },
    );
    return { secret, version };
  }

  /**
   * A generated password (letters and digits: valid in a keyfile, a DocumentDB master password and a
   * URI alike) and the secret that holds it.
   */
  /** A password given by the user (a restore's), kept in a secret like a generated one. */
  private givenPassword(
    s: Common,
    key: string,
    description: string,
    value: pulumi.Input<string>,
  ): GeneratedPassword {
    const secretValue = pulumi.secret(value);
    return { ...this.storeSecret(s, `${s.name}-${key}`, description, secretValue, true), value: secretValue };
  }

  private generatePassword(s: Common, key: string, description: string, length = 32): GeneratedPassword {
    const password = new random.RandomPassword(
      `${s.name}-${key}-random`,
      { length, special: false, minLower: 2, minUpper: 2, minNumeric: 2 },
      { parent: this, protect: s.protect },
    );
    // `result` is a secret output of the provider; say so explicitly rather than rely on it.
    const value = pulumi.secret(password.result);
    return { ...this.storeSecret(s, `${s.name}-${key}`, description, value, true), value };
  }
}
