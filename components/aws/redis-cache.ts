import * as pulumi from "@pulumi/pulumi";
import * as aws from "@pulumi/aws";
import * as random from "@pulumi/random";
import { cacheNodeTypeProblem } from "../core/aws-ids";
import { stackHash } from "./stack-names";
import { checkedListWhenKnown, plainList } from "./region";
import { ArgumentChecks, requireArgs } from "../core/errors";
import { Transform, applyTransform } from "../core/transform";

/**
 * The ElastiCache engine.
 * - `valkey` (the default): the open-source fork of Redis OSS 7.2, speaking the same protocol and commands,
 *   so Redis clients (Toucan's backend among them) connect to it unchanged. On ElastiCache its nodes cost
 *   about 20% less than Redis OSS nodes, it encrypts at rest by default, and it is where AWS ships new
 *   versions (Redis OSS stops at 7.1 there).
 * - `redis`: Redis OSS, what the vendor names. Choose it if your Toucan support contract requires Redis itself.
 */
export type RedisEngine = "redis" | "valkey";

/** The engines, for validation. */
export const REDIS_ENGINES: readonly RedisEngine[] = ["valkey", "redis"];

/** The port Redis and Valkey listen on. */
export const REDIS_PORT = 6379;

/**
 * The engine version used when `engineVersion` is not set: a current version ElastiCache offers in
 * every commercial region (newer ones, such as Valkey 8.2 or 9.x, can be chosen with `engineVersion`).
 */
export const DEFAULT_ENGINE_VERSIONS: Readonly<Record<RedisEngine, string>> = Object.freeze({
  valkey: "8.1",
  redis: "7.1",
});

/** The most read replicas a replication group without cluster mode can have. */
export const MAX_REPLICAS = 5;

/** The longest replication group id ElastiCache accepts. */
export const REPLICATION_GROUP_ID_MAX = 40;

/** What Pulumi appends when it autonames a replication group: `-` and 7 random characters. */
const AUTONAME_SUFFIX = 8;

/** Characters ElastiCache accepts in an AUTH token besides letters and digits. */
const AUTH_TOKEN_SPECIALS = "!&#$^<>-";

/** A Redis (or Valkey) that already exists: nothing is built, the outputs describe it. */
export interface ExistingRedis {
  /**
   * Host name of the primary (read/write) endpoint, without scheme or port.
   * @example "master.toucan.abc123.euw1.cache.amazonaws.com"
   */
  primaryEndpoint: pulumi.Input<string>;
  /**
   * Host name of the reader endpoint.
   * @default the primary endpoint
   */
  readerEndpoint?: pulumi.Input<string>;
  /**
   * Port of both endpoints.
   * @default 6379
   */
  port?: number;
  /** Whether clients must connect with TLS (`rediss://`). */
  tls: boolean;
  /**
   * The password (AUTH token), if the server requires one. Pass a secret, e.g.
   * `config.requireSecret("redisPassword")`.
   * @default no password
   */
  authToken?: pulumi.Input<string>;
}

export interface RedisCacheArgs {
  /**
   * VPC of the cache. Required unless `existing` is set (then it is ignored).
   * @example network.vpcId
   * @default none (required unless `existing` is set)
   */
  vpcId?: pulumi.Input<string>;
  /**
   * Private subnets of the cache's subnet group, in at least 2 Availability Zones so the replica can
   * live in another AZ than the primary. A plain array (its length is checked before anything registers) or
   * one Output, e.g. another stack's list (checked with the same message once known).
   * Required unless `existing` is set (then it is ignored).
   * @example network.privateSubnetIdList
   * @default none (required unless `existing` is set)
   */
  subnetIds?: pulumi.Input<pulumi.Input<string>[]>;
  /**
   * Security groups allowed to connect on port 6379, one ingress rule each. Ignored with `existing`.
   * @default none: nothing can connect until you add a rule to `securityGroupId`
   * @example [backendSecurityGroup.id]
   */
  clientSecurityGroupIds?: pulumi.Input<string>[];
  /**
   * The engine: see {@link RedisEngine} for why Valkey is the default.
   * @default "valkey"
   */
  engine?: RedisEngine;
  /**
   * Engine version, `major.minor` (Redis OSS 6 also accepts `6.x`). Minor and patch upgrades are applied
   * in the maintenance window.
   * @default "8.1" for Valkey, "7.1" for Redis OSS (see {@link DEFAULT_ENGINE_VERSIONS})
   * @example "8.2"
   */
  engineVersion?: string;
  /**
   * Node type of the primary and of each replica.
   * @default "cache.t4g.small" (2 vCPUs, 1.37 GiB): enough for Toucan's sessions, locks and task queue
   * @example "cache.m7g.large"
   */
  nodeType?: string;
  /**
   * Read replicas besides the primary, 0 to 5. ElastiCache puts them in other AZs than the primary.
   * @default 1 (a primary and one replica in another AZ)
   */
  numReplicas?: number;
  /**
   * Promote a replica when the primary fails, and spread the nodes over AZs (Multi-AZ). Needs
   * `numReplicas` of at least 1.
   * @default true
   */
  automaticFailover?: boolean;
  /**
   * Require TLS between clients and the cache, with an AUTH token (generated unless `authToken` is
   * given) stored in Secrets Manager. ElastiCache only accepts an AUTH token together with TLS.
   * @default true
   */
  transitEncryption?: boolean;
  /**
   * Your own AUTH token instead of a generated one: 16 to 128 characters, letters, digits and
   * `! & # $ ^ < > -` only (ElastiCache's rule). Requires `transitEncryption`. Pass a secret, e.g.
   * `config.requireSecret("redisAuthToken")`.
   * @default a generated 32-character token of letters and digits
   */
  authToken?: pulumi.Input<string>;
  /**
   * Days ElastiCache keeps the daily automatic snapshots, 0 (no snapshots) to 35.
   * @default 7
   */
  snapshotRetentionLimit?: number;
  /**
   * Daily UTC time range of the automatic snapshot, `hh:mm-hh:mm`, at least 60 minutes, not overlapping
   * the maintenance window.
   * @default "02:00-03:00"
   */
  snapshotWindow?: string;
  /**
   * Weekly UTC time range for maintenance (minor upgrades, `applyImmediately: false` changes),
   * `ddd:hh:mm-ddd:hh:mm`, at least 60 minutes.
   * @default "sun:04:00-sun:05:00"
   */
  maintenanceWindow?: string;
  /**
   * Apply changes (node type, replicas, engine version, parameters) at once, which may restart or fail over
   * nodes while Toucan uses them. With `false`, AWS holds them until `maintenanceWindow`, and until then
   * every `pulumi preview` shows the same pending diff on the replication group (the values AWS reports are
   * still the old ones): expected, not a drift.
   * @default false
   */
  applyImmediately?: boolean;
  /**
   * Take a final snapshot when the replication group is deleted or replaced, named
   * `<replication group base name>-final-<hash of project and stack>`. The name is the same every time: if
   * the group is deleted twice, delete or rename the first snapshot before the second delete.
   * @default true
   */
  finalSnapshot?: boolean;
  /**
   * KMS key (ARN) for the cache's data at rest and for the Secrets Manager secrets.
   * @default the AWS managed keys (`aws/elasticache`, `aws/secretsmanager`)
   */
  kmsKeyArn?: pulumi.Input<string>;
  /**
   * An explicit replication group id (1 to 40 lowercase letters, digits and hyphens, starting with a
   * letter, no `--`, no trailing hyphen). An explicit id is the same in every stack, so two stacks in one
   * account and region collide, and a change that replaces the group fails until the old one is gone.
   * @default autonamed from the component name: `<name>-rg-<7 random characters>`, which is why the
   * component name is limited to 29 characters
   */
  replicationGroupId?: string;
  /**
   * Use an existing Redis: nothing is built except the Secrets Manager secrets holding the URL (and the
   * AUTH token), and the network arguments are ignored: admitting the backend is up to you.
   * @default a new ElastiCache replication group
   */
  existing?: ExistingRedis;
  /**
   * Protect the stateful resources: the replication group, the generated AUTH token and the secrets get
   * `protect`. `false` is for tests and throwaway stacks.
   * @default true
   */
  protect?: boolean;
  /**
   * Tags for every resource.
   * @default no tags
   */
  tags?: Record<string, string>;
  /**
   * Change any child resource's arguments.
   * @default none: the arguments as built
   */
  transform?: {
    subnetGroup?: Transform<aws.elasticache.SubnetGroupArgs>;
    securityGroup?: Transform<aws.ec2.SecurityGroupArgs>;
    replicationGroup?: Transform<aws.elasticache.ReplicationGroupArgs>;
    secret?: Transform<aws.secretsmanager.SecretArgs>;
  };
}

const COMPONENT = "toucan:aws:RedisCache";

/** A Redis connection, for {@link redisUrl}. */
export interface RedisConnection {
  host: string;
  port: number;
  tls: boolean;
  /** The AUTH token (password); percent-encoded in the URL. */
  authToken?: string;
  /** @default 0 */
  database?: number;
}

/**
 * The URL Redis clients accept: `rediss://:TOKEN@host:6379/0` with TLS and a token, `redis://host:6379/0`
 * without. The token is percent-encoded, so `#`, `&` and the like survive URL parsing.
 */
export function redisUrl(c: RedisConnection): string {
  const scheme = c.tls ? "rediss" : "redis";
  const credentials = c.authToken ? `:${encodeURIComponent(c.authToken)}@` : "";
  return `${scheme}://${credentials}${c.host}:${c.port}/${c.database ?? 0}`;
}

/** Why ElastiCache would refuse an AUTH token, or undefined. Never repeats the token. */
export function authTokenProblem(token: string): string | undefined {
  if (token.length < 16 || token.length > 128) {
    return `is ${token.length} characters long; ElastiCache wants 16 to 128`;
  }
  if (!/^[A-Za-z0-9!&#$^<>-]+$/.test(token)) {
    return `holds a character ElastiCache refuses (only letters, digits and ${AUTH_TOKEN_SPECIALS.split("").join(" ")} are allowed)`;
  }
  return undefined;
}

/** Why a replication group id breaks ElastiCache's rules, or undefined. */
export function replicationGroupIdProblem(id: string): string | undefined {
  if (id.length < 1 || id.length > REPLICATION_GROUP_ID_MAX)
    return `is ${id.length} characters long (1 to 40)`;
  if (!/^[a-z]/.test(id)) return "does not start with a lowercase letter";
  if (!/^[a-z0-9-]+$/.test(id)) return "holds characters other than lowercase letters, digits and hyphens";
  if (id.includes("--")) return "contains two consecutive hyphens";
  if (id.endsWith("-")) return "ends with a hyphen";
  return undefined;
}

/** Logical name of the replication group; Pulumi autonames its id from it. */
function replicationGroupLogicalName(name: string): string {
  return `${name}-rg`;
}

interface Common {
  name: string;
  protect: boolean;
  kmsKeyArn?: pulumi.Input<string>;
  tags: Record<string, string>;
}

interface Managed extends Common {
  kind: "managed";
  vpcId: pulumi.Input<string>;
  subnetIds: pulumi.Input<pulumi.Input<string>[]>;
  clients: pulumi.Input<string>[];
  engine: RedisEngine;
  engineVersion: string;
  nodeType: string;
  numReplicas: number;
  automaticFailover: boolean;
  tls: boolean;
  authToken?: pulumi.Input<string>;
  snapshotRetentionLimit: number;
  snapshotWindow: string;
  maintenanceWindow: string;
  applyImmediately: boolean;
  finalSnapshotIdentifier?: string;
  replicationGroupId?: string;
}

interface Existing extends Common {
  kind: "existing";
  existing: ExistingRedis;
}

/** The arguments of a managed cache that have no effect with `existing`. */
const MANAGED_ONLY = [
  "engine",
  "engineVersion",
  "nodeType",
  "numReplicas",
  "automaticFailover",
  "transitEncryption",
  "authToken",
  "snapshotRetentionLimit",
  "snapshotWindow",
  "maintenanceWindow",
  "finalSnapshot",
  "replicationGroupId",
] as const;

/** Checks the arguments; throws before anything is registered. Exported for table tests. */
/** The subnet list's check, run before anything registers or once another stack's list is known. */
function tooFewSubnets(ids: unknown[]): string | undefined {
  return ids.length >= 2
    ? undefined
    : "names fewer than 2 subnets, so the replica cannot live in another Availability Zone than the primary";
}

function subnetsCheck(name: string) {
  return {
    component: `RedisCache "${name}"`,
    argument: "subnetIds",
    fix: "pass private subnets in at least 2 AZs (e.g. network.privateSubnetIdList)",
    shown: (ids: unknown[]) => `${ids.length} subnet(s)`,
  };
}

export function validateRedisCacheArgs(name: string, args: RedisCacheArgs): Managed | Existing {
  requireArgs(`RedisCache "${name}"`, args, "an object of RedisCacheArgs");
  const checks = new ArgumentChecks(`RedisCache "${name}"`);
  const common: Common = {
    name,
    protect: args.protect ?? true,
    kmsKeyArn: args.kmsKeyArn,
    tags: args.tags ?? {},
  };

  if (args.existing) {
    checkExistingServer(checks, args);
    checks.throwIfAny();
    return { ...common, kind: "existing", existing: args.existing };
  }
  checkComponentName(checks, name);
  const { engine, engineVersion, nodeType } = checkEngine(checks, args);
  const { numReplicas, automaticFailover } = checkReplicas(checks, args);
  const tls = checkEncryption(checks, args);
  const { snapshotRetentionLimit, snapshotWindow, maintenanceWindow } = checkSnapshotsAndWindows(
    checks,
    args,
  );
  checkReplicationGroupId(checks, name, args);
  const subnetCheck = checkPlacement(checks, name, args);
  checks.throwIfAny();
  const subnetIds = checkedListWhenKnown(args.subnetIds ?? [], subnetCheck, tooFewSubnets);

  const base = (args.replicationGroupId ?? replicationGroupLogicalName(name)).toLowerCase();
  const finalSnapshotIdentifier =
    (args.finalSnapshot ?? true) ? `${base}-final-${stackHash(name)}` : undefined;
  return {
    ...common,
    kind: "managed",
    vpcId: args.vpcId!,
    subnetIds,
    clients: args.clientSecurityGroupIds ?? [],
    engine,
    engineVersion,
    nodeType,
    numReplicas,
    automaticFailover,
    tls,
    authToken: args.authToken,
    snapshotRetentionLimit,
    snapshotWindow,
    maintenanceWindow,
    finalSnapshotIdentifier,
    applyImmediately: args.applyImmediately ?? false,
    replicationGroupId: args.replicationGroupId,
  };
}

// The steps of validateRedisCacheArgs, in the order a reader checks a replication group.

/** `existing`: only the connection settings apply, and they must be usable as given. */
function checkExistingServer(checks: ArgumentChecks, args: RedisCacheArgs): void {
  const e = args.existing!;
  for (const key of MANAGED_ONLY) {
    checks.require(
      args[key] === undefined,
      key,
      key === "authToken" ? "(given)" : args[key],
      "has no effect with `existing`",
      key === "authToken"
        ? "pass the existing server's password as `existing.authToken`"
        : `remove \`${key}\`, or remove \`existing\` to build a replication group`,
    );
  }
  for (const key of ["subnetGroup", "securityGroup", "replicationGroup"] as const) {
    checks.require(
      args.transform?.[key] === undefined,
      `transform.${key}`,
      "(given)",
      "changes a resource that is not built with `existing`",
      `remove \`transform.${key}\``,
    );
  }
  const port = e.port ?? REDIS_PORT;
  checks.require(
    Number.isInteger(port) && port >= 1 && port <= 65535,
    "existing.port",
    e.port,
    "is not a TCP port",
    "use a port between 1 and 65535 (Redis listens on 6379)",
  );
  checks.require(
    typeof e.tls === "boolean",
    "existing.tls",
    e.tls,
    "is not a boolean",
    "say whether clients must connect with TLS: `tls: true` or `tls: false`",
  );
  for (const key of ["primaryEndpoint", "readerEndpoint"] as const) {
    const host = e[key];
    if (typeof host !== "string") continue;
    checks.require(
      /^[A-Za-z0-9]([A-Za-z0-9.-]*[A-Za-z0-9])?$/.test(host),
      `existing.${key}`,
      host,
      "is not a bare host name",
      'give the host name only, without scheme, port or path: e.g. "master.toucan.abc123.euw1.cache.amazonaws.com"',
    );
  }
  if (typeof e.authToken === "string") {
    checks.require(
      e.authToken.length > 0,
      "existing.authToken",
      "(empty)",
      "is empty",
      "leave `authToken` out when the server has no password",
    );
  }
}

/** The component name becomes ElastiCache names. */
function checkComponentName(checks: ArgumentChecks, name: string): void {
  checks.require(
    /^[A-Za-z][A-Za-z0-9-]*$/.test(name) && !name.includes("--") && !name.endsWith("-"),
    "name",
    name,
    "is not usable in ElastiCache names (letters, digits and single hyphens, starting with a letter)",
    'use a name such as "toucan-redis"',
  );
}

/** Engine, version and node type. */
function checkEngine(checks: ArgumentChecks, args: RedisCacheArgs) {
  const engine = args.engine ?? "valkey";
  checks.require(
    REDIS_ENGINES.includes(engine),
    "engine",
    engine,
    "is not an ElastiCache engine this component builds",
    'use "valkey" (the default) or "redis"',
  );
  const engineVersion = args.engineVersion ?? DEFAULT_ENGINE_VERSIONS[engine] ?? "";
  if (REDIS_ENGINES.includes(engine)) {
    const problem = engineVersionProblem(engine, engineVersion);
    checks.require(
      problem === undefined,
      "engineVersion",
      engineVersion,
      problem ?? "",
      `use a supported ${engine} version such as "${DEFAULT_ENGINE_VERSIONS[engine]}"`,
    );
  }
  const nodeType = args.nodeType ?? "cache.t4g.small";
  checks.id("nodeType", nodeType, cacheNodeTypeProblem, 'use e.g. "cache.t4g.small" or "cache.m7g.large"');
  return { engine, engineVersion, nodeType };
}

/** Replicas and automatic failover: a replica in another AZ to promote. */
function checkReplicas(checks: ArgumentChecks, args: RedisCacheArgs) {
  const numReplicas = args.numReplicas ?? 1;
  const replicasOk = Number.isInteger(numReplicas) && numReplicas >= 0 && numReplicas <= MAX_REPLICAS;
  checks.require(
    replicasOk,
    "numReplicas",
    numReplicas,
    `is not a whole number from 0 to ${MAX_REPLICAS} (the most replicas a replication group without cluster mode has)`,
    "use 1 (the default) to 5",
  );
  const automaticFailover = args.automaticFailover ?? true;
  checks.require(
    !(replicasOk && automaticFailover && numReplicas < 1),
    "numReplicas",
    numReplicas,
    "leaves no replica to promote, but `automaticFailover` is true",
    "set `numReplicas` to at least 1, or `automaticFailover: false` for a single node that does not survive the loss of its AZ",
  );
  return { numReplicas, automaticFailover };
}

/** Encryption in transit, and the AUTH token it allows. */
function checkEncryption(checks: ArgumentChecks, args: RedisCacheArgs): boolean {
  const tls = args.transitEncryption ?? true;
  checks.require(
    tls || args.authToken === undefined,
    "authToken",
    "(given)",
    "needs TLS, but `transitEncryption` is false (ElastiCache only accepts an AUTH token with encryption in transit)",
    "remove `authToken`, or set `transitEncryption: true`",
  );
  if (typeof args.authToken === "string") {
    const problem = authTokenProblem(args.authToken);
    checks.require(
      problem === undefined,
      "authToken",
      "(given)",
      problem ?? "",
      `use 16 to 128 letters, digits and ${AUTH_TOKEN_SPECIALS.split("").join(" ")}, or leave it out to generate one`,
    );
  }
  return tls;
}

/** Automatic snapshots and the daily and weekly windows. */
function checkSnapshotsAndWindows(checks: ArgumentChecks, args: RedisCacheArgs) {
  const snapshotRetentionLimit = args.snapshotRetentionLimit ?? 7;
  checks.require(
    Number.isInteger(snapshotRetentionLimit) && snapshotRetentionLimit >= 0 && snapshotRetentionLimit <= 35,
    "snapshotRetentionLimit",
    snapshotRetentionLimit,
    "is not a whole number of days from 0 to 35",
    "use 7 (the default), 0 to turn automatic snapshots off, or at most 35",
  );
  const snapshotWindow = args.snapshotWindow ?? "02:00-03:00";
  checks.require(
    /^([01]\d|2[0-3]):[0-5]\d-([01]\d|2[0-3]):[0-5]\d$/.test(snapshotWindow),
    "snapshotWindow",
    snapshotWindow,
    "is not a daily UTC time range",
    'use "hh:mm-hh:mm", e.g. "02:00-03:00"',
  );
  const maintenanceWindow = args.maintenanceWindow ?? "sun:04:00-sun:05:00";
  checks.require(
    /^(mon|tue|wed|thu|fri|sat|sun):([01]\d|2[0-3]):[0-5]\d-(mon|tue|wed|thu|fri|sat|sun):([01]\d|2[0-3]):[0-5]\d$/.test(
      maintenanceWindow,
    ),
    "maintenanceWindow",
    maintenanceWindow,
    "is not a weekly UTC time range",
    'use "ddd:hh:mm-ddd:hh:mm", e.g. "sun:04:00-sun:05:00"',
  );
  return { snapshotRetentionLimit, snapshotWindow, maintenanceWindow };
}

/** The replication group id, given or autonamed from the component name, within ElastiCache's length. */
function checkReplicationGroupId(checks: ArgumentChecks, name: string, args: RedisCacheArgs): void {
  if (args.replicationGroupId !== undefined) {
    const problem = replicationGroupIdProblem(args.replicationGroupId);
    checks.require(
      problem === undefined,
      "replicationGroupId",
      args.replicationGroupId,
      problem ?? "",
      "use 1 to 40 lowercase letters, digits and single hyphens, starting with a letter",
    );
  } else {
    const logical = replicationGroupLogicalName(name);
    checks.require(
      logical.length + AUTONAME_SUFFIX <= REPLICATION_GROUP_ID_MAX,
      "name",
      name,
      `is too long: the replication group id is autonamed "${logical.toLowerCase()}-xxxxxxx", ` +
        `${logical.length + AUTONAME_SUFFIX} characters, and ElastiCache allows ${REPLICATION_GROUP_ID_MAX}`,
      `use a component name of at most ${REPLICATION_GROUP_ID_MAX - AUTONAME_SUFFIX - 3} characters, or set \`replicationGroupId\``,
    );
  }
}

/** The VPC and at least two subnets (a list that is an Output is checked once known). */
function checkPlacement(checks: ArgumentChecks, name: string, args: RedisCacheArgs) {
  checks.require(
    args.vpcId !== undefined,
    "vpcId",
    undefined,
    "is required to build a replication group",
    "pass the VPC id (e.g. network.vpcId), or `existing` to use a Redis you already run",
  );
  const plainSubnets = plainList(args.subnetIds) ?? [];
  const where = subnetsCheck(name);
  const subnetProblem = tooFewSubnets(plainSubnets);
  // A list that is an Output is checked once known (checkedListWhenKnown below).
  const listIsOutput = args.subnetIds !== undefined && !Array.isArray(args.subnetIds);
  checks.require(
    listIsOutput || subnetProblem === undefined,
    where.argument,
    where.shown(plainSubnets),
    subnetProblem ?? "",
    where.fix,
  );
  return where;
}

function engineVersionProblem(engine: RedisEngine, version: string): string | undefined {
  const match = /^(\d+)\.(\d+|x)$/.exec(version);
  if (!match) return 'is not a "major.minor" version';
  const major = Number(match[1]);
  if (match[2] === "x" && !(engine === "redis" && major === 6)) {
    return 'uses ".x", which ElastiCache only accepts for Redis OSS 6';
  }
  if (engine === "valkey" && major < 7) return "is older than Valkey's first release on ElastiCache (7.2)";
  if (engine === "redis" && major < 6) {
    return "is older than Redis OSS 6, the oldest version with the AUTH and TLS behaviour this component relies on";
  }
  return undefined;
}

/** 7 hex characters unique to this project, stack and component: keeps final snapshot names apart. */

/**
 * Redis for Toucan's backend: an ElastiCache replication group (Valkey by default) with a primary and a
 * replica in another Availability Zone, automatic failover, Multi-AZ, encryption at rest and in transit
 * with a generated AUTH token, daily snapshots and a final snapshot; its own security group admits port
 * 6379 from the client groups only. Or an existing Redis, described by its endpoint.
 *
 * The vendor does not document how the backend is told where Redis is: this component only exposes
 * values (endpoints, port, TLS, the token and a ready-made URL, the last two also in Secrets Manager). The
 * variable names the backend receives them under are chosen by `Toucan` (see `RedisVariableNames`).
 *
 * @example
 * ```ts
 * const redis = new RedisCache("toucan-redis", {
 *   vpcId: network.vpcId,
 *   subnetIds: network.privateSubnetIdList,
 *   clientSecurityGroupIds: [backendSecurityGroup.id],
 * });
 * // ECS: secrets: { TOUCAN_REDIS_URL: redis.urlSecretArn }
 * ```
 */
export class RedisCache extends pulumi.ComponentResource {
  /** Host name of the primary (read/write) endpoint; it follows the primary on failover. */
  readonly primaryEndpoint: pulumi.Output<string>;
  /** Host name of the reader endpoint, spread over the replicas. */
  readonly readerEndpoint: pulumi.Output<string>;
  /** Port of both endpoints. */
  readonly port: pulumi.Output<number>;
  /** Whether clients must connect with TLS (`rediss://`). Known at construction. */
  readonly tls: boolean;
  /** The AUTH token (secret), or undefined when the cache has none. Whether it exists is known at construction. */
  readonly authToken: pulumi.Output<string> | undefined;
  /** Secrets Manager ARN holding `authToken` (the ECS task injects it as a secret), or undefined without a token. */
  readonly authTokenSecretArn: pulumi.Output<string> | undefined;
  /**
   * The connection URL: `rediss://:TOKEN@host:6379/0` with TLS, `redis://host:6379/0` without. A secret
   * whenever it carries a token.
   */
  readonly url: pulumi.Output<string>;
  /** Secrets Manager ARN holding `url` (the ECS task injects it as a secret). */
  readonly urlSecretArn: pulumi.Output<string>;
  /** Security group of the cache (undefined with `existing`). Add rules to admit more clients. */
  readonly securityGroupId: pulumi.Output<string> | undefined;
  /** The replication group's member clusters (`<id>-001` is the first primary); none for an existing cache. */
  readonly memberClusterIds: pulumi.Output<string>[] = [];

  private readonly transforms: NonNullable<RedisCacheArgs["transform"]>;

  constructor(name: string, args: RedisCacheArgs = {}, opts: pulumi.ComponentResourceOptions = {}) {
    const settings = validateRedisCacheArgs(name, args);
    super(COMPONENT, name, {}, opts);
    this.transforms = args.transform ?? {};

    if (settings.kind === "existing") {
      const e = settings.existing;
      this.primaryEndpoint = pulumi.output(e.primaryEndpoint);
      this.readerEndpoint = pulumi.output(e.readerEndpoint ?? e.primaryEndpoint);
      this.port = pulumi.output(e.port ?? REDIS_PORT);
      this.tls = e.tls;
      this.authToken = e.authToken === undefined ? undefined : pulumi.secret(e.authToken);
      this.securityGroupId = undefined;
    } else {
      const subnetGroup = this.createSubnetGroup(settings);
      const securityGroup = this.createSecurityGroup(settings);
      this.tls = settings.tls;
      this.authToken = settings.tls ? this.resolveAuthToken(settings) : undefined;
      const group = this.createReplicationGroup(settings, subnetGroup, securityGroup, this.authToken);
      this.primaryEndpoint = group.primaryEndpointAddress;
      this.readerEndpoint = group.readerEndpointAddress;
      this.port = group.port.apply((port) => port ?? REDIS_PORT);
      this.securityGroupId = securityGroup.id;
      // ElastiCache names a replication group's member clusters <id>-001, <id>-002, ...
      for (let i = 1; i <= 1 + settings.numReplicas; i++) {
        this.memberClusterIds.push(pulumi.interpolate`${group.id}-${String(i).padStart(3, "0")}`);
      }
    }

    this.authTokenSecretArn = this.authToken
      ? this.storeSecret(settings, `${name}-auth-token`, "Redis AUTH token", this.authToken)
      : undefined;
    this.url = this.connectionUrl();
    this.urlSecretArn = this.storeSecret(settings, `${name}-url`, "Redis connection URL", this.url);
    this.registerOutputs({
      primaryEndpoint: this.primaryEndpoint,
      readerEndpoint: this.readerEndpoint,
      port: this.port,
      tls: this.tls,
      authToken: this.authToken,
      authTokenSecretArn: this.authTokenSecretArn,
      url: this.url,
      urlSecretArn: this.urlSecretArn,
      securityGroupId: this.securityGroupId,
    });
  }

  private createSubnetGroup(s: Managed): aws.elasticache.SubnetGroup {
    return new aws.elasticache.SubnetGroup(
      ...applyTransform(
        this.transforms.subnetGroup,
        `${s.name}-subnets`,
        { description: `Toucan Redis ${s.name}`, subnetIds: s.subnetIds, tags: s.tags },
        { parent: this },
      ),
    );
  }

  /** The cache's group: 6379 from each client group, one rule each, and no egress (a cache dials nobody). */
  private createSecurityGroup(s: Managed): aws.ec2.SecurityGroup {
    const group = new aws.ec2.SecurityGroup(
      ...applyTransform(
        this.transforms.securityGroup,
        `${s.name}-sg`,
        { vpcId: s.vpcId, description: `Toucan Redis ${s.name}`, tags: { ...s.tags, Name: `${s.name}-sg` } },
        { parent: this },
      ),
    );
    s.clients.forEach(
      (client, i) =>
        new aws.vpc.SecurityGroupIngressRule(
          `${s.name}-from-client-${i + 1}`,
          {
            securityGroupId: group.id,
            referencedSecurityGroupId: client,
            ipProtocol: "tcp",
            fromPort: REDIS_PORT,
            toPort: REDIS_PORT,
            description: "Redis clients",
            tags: s.tags,
          },
          { parent: this },
        ),
    );
    return group;
  }

  /**
   * The user's token, or a generated one: letters and digits only, so it needs no escaping in a URL and
   * meets ElastiCache's rule (16 to 128 characters, three character classes recommended).
   */
  private resolveAuthToken(s: Managed): pulumi.Output<string> {
    if (s.authToken !== undefined) {
      return pulumi.secret(
        pulumi.output(s.authToken).apply((token) => {
          const problem = authTokenProblem(token);
          if (problem) {
            throw new Error(
              `RedisCache "${s.name}": \`authToken\` ${problem}. Fix: use 16 to 128 letters, digits and ` +
                `${AUTH_TOKEN_SPECIALS.split("").join(" ")}, or leave it out to generate one`,
            );
          }
          return token;
        }),
      );
    }
    const password = new random.RandomPassword(
      `${s.name}-auth-token-random`,
      { length: 32, special: false, minLower: 2, minUpper: 2, minNumeric: 2 },
      { parent: this, protect: s.protect },
    );
    // `result` is a secret output of the provider; say so explicitly rather than rely on it.
    return pulumi.secret(password.result);
  }

  private createReplicationGroup(
    s: Managed,
    subnetGroup: aws.elasticache.SubnetGroup,
    securityGroup: aws.ec2.SecurityGroup,
    authToken: pulumi.Output<string> | undefined,
  ): aws.elasticache.ReplicationGroup {
    return new aws.elasticache.ReplicationGroup(
      ...applyTransform(
        this.transforms.replicationGroup,
        replicationGroupLogicalName(s.name),
        {
          ...(s.replicationGroupId ? { replicationGroupId: s.replicationGroupId } : {}),
          description: `Toucan Redis ${s.name}`,
          engine: s.engine,
          engineVersion: s.engineVersion,
          nodeType: s.nodeType,
          port: REDIS_PORT,
          numCacheClusters: 1 + s.numReplicas,
          automaticFailoverEnabled: s.automaticFailover,
          multiAzEnabled: s.automaticFailover,
          subnetGroupName: subnetGroup.name,
          securityGroupIds: [securityGroup.id],
          atRestEncryptionEnabled: true,
          kmsKeyId: s.kmsKeyArn,
          transitEncryptionEnabled: s.tls,
          ...(authToken ? { authToken } : {}),
          snapshotRetentionLimit: s.snapshotRetentionLimit,
          snapshotWindow: s.snapshotWindow,
          maintenanceWindow: s.maintenanceWindow,
          finalSnapshotIdentifier: s.finalSnapshotIdentifier,
          autoMinorVersionUpgrade: true,
          // By default changes wait for the maintenance window rather than restart a cache in use.
          applyImmediately: s.applyImmediately,
          tags: { ...s.tags, Name: s.name },
        },
        { parent: this, protect: s.protect },
      ),
    );
  }

  private connectionUrl(): pulumi.Output<string> {
    const url = pulumi
      .all([this.primaryEndpoint, this.port, this.authToken])
      .apply(([host, port, authToken]) => redisUrl({ host, port, tls: this.tls, authToken }));
    return this.authToken ? pulumi.secret(url) : url;
  }

  /** A Secrets Manager secret holding `value`; returns its ARN. */
  private storeSecret(
    s: Common,
    logicalName: string,
    description: string,
    value: pulumi.Output<string>,
  ): pulumi.Output<string> {
    const secret = new aws.secretsmanager.Secret(
      ...applyTransform(
        this.transforms.secret,
        logicalName,
        { description: `${description} (${s.name})`, kmsKeyId: s.kmsKeyArn, tags: s.tags },
        { parent: this, protect: s.protect },
      ),
    );
    new aws.secretsmanager.SecretVersion(
      `${logicalName}-value`,
      { secretId: secret.id, secretString: value },
      { parent: this },
    );
    return secret.arn;
  }
}
