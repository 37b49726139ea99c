/**
 * MongoDB Atlas as Toucan's database (`MongoCluster` with `engine: "atlas"`): a dedicated cluster in the
 * stack's AWS region, reached only through AWS PrivateLink, with a read/write and a read-only user.
 *
 * Resource order (what waits for what):
 *   project (or `projectId`) -> cluster, users, PrivateLink endpoint service (Atlas side)
 *   endpoint service -> interface VPC endpoint (AWS side, in the private subnets)
 *   interface endpoint -> endpoint registration in Atlas
 *   registration + cluster -> the cluster's private-endpoint connection strings (read back by a data
 *   source that waits for both) -> the two connection strings, stored like every other engine's.
 */
import * as pulumi from "@pulumi/pulumi";
import * as aws from "@pulumi/aws";
import type * as mongodbatlas from "@pulumi/mongodbatlas";
import * as random from "@pulumi/random";
import { ArgumentChecks } from "../core/errors";
import { Transform, applyTransform } from "../core/transform";
import { srvConnectionString } from "../core/mongo-uri";

/** `engine: "atlas"` settings. */
export interface AtlasArgs {
  /**
   * An existing Atlas project (its 24-hex id) to create the cluster in. Give this or `orgId`.
   * @default none: the stack creates a project in `orgId`
   * @example "5f1b2c3d4e5f6a7b8c9d0e1f"
   */
  projectId?: pulumi.Input<string>;
  /**
   * The Atlas organization in which the stack creates a project of its own. Give this or `projectId`.
   * The API key needs Organization Project Creator for this; Project Owner is enough with `projectId`.
   * @default none: `projectId` is required then
   */
  orgId?: string;
  /**
   * Name of the project the stack creates (with `orgId`).
   * @default the component's name
   */
  projectName?: string;
  /**
   * Name of the cluster in Atlas (letters, digits and `-`, at most 64 characters, starting with a letter
   * or digit). Changing it replaces the cluster: `protect` blocks that by default.
   * @default the component's name, cut to 23 characters (Atlas requires the first 23 to be unique)
   */
  clusterName?: string;
  /**
   * Dedicated instance size of each of the 3 electable nodes: `M10` or larger (`M10` ... `M700`, or
   * low-CPU `R40` ... `R700`). Shared and flex tiers (`M0`, `M2`, `M5`, `FLEX`) have no PrivateLink
   * and no cloud backup, so they are refused.
   * @default "M10"
   */
  instanceSize?: string;
  /**
   * MongoDB major version (`"7.0"`, `"8.0"`). Atlas installs its latest patch and upgrades patches itself.
   * @default "8.0"
   */
  mongoDbMajorVersion?: string;
  /**
   * AWS region of the stack, in AWS's spelling. The cluster and the PrivateLink endpoint live there.
   * @default the stack's `aws:region`
   */
  region?: string;
  /**
   * Atlas's name of the region (e.g. `EU_WEST_1`). Only needed for a region this library does not
   * list yet.
   * @default derived from `region`
   */
  regionName?: string;
  /**
   * Continuous cloud backup (point-in-time restore) on top of the daily snapshots. Costs extra.
   * @default false: cloud backup snapshots only
   */
  pointInTimeRestore?: boolean;
  /**
   * Change the Atlas resources' arguments.
   * @default none: the arguments as documented here
   */
  transform?: {
    project?: Transform<mongodbatlas.ProjectArgs>;
    cluster?: Transform<mongodbatlas.AdvancedClusterArgs>;
    user?: Transform<mongodbatlas.DatabaseUserArgs>;
    endpoint?: Transform<aws.ec2.VpcEndpointArgs>;
  };
}

/**
 * The AWS regions where Atlas offers dedicated clusters and PrivateLink, in AWS's spelling, with Atlas's
 * name (Atlas docs, "Amazon Web Services (AWS)" cloud provider regions). A region missing here can be
 * used with `atlas.regionName`.
 */
export const ATLAS_AWS_REGIONS: Readonly<Record<string, string>> = {
  "us-east-1": "US_EAST_1",
  "us-east-2": "US_EAST_2",
  "us-west-1": "US_WEST_1",
  "us-west-2": "US_WEST_2",
  "ca-central-1": "CA_CENTRAL_1",
  "ca-west-1": "CA_WEST_1",
  "sa-east-1": "SA_EAST_1",
  "eu-west-1": "EU_WEST_1",
  "eu-west-2": "EU_WEST_2",
  "eu-west-3": "EU_WEST_3",
  "eu-central-1": "EU_CENTRAL_1",
  "eu-central-2": "EU_CENTRAL_2",
  "eu-north-1": "EU_NORTH_1",
  "eu-south-1": "EU_SOUTH_1",
  "eu-south-2": "EU_SOUTH_2",
  "me-south-1": "ME_SOUTH_1",
  "me-central-1": "ME_CENTRAL_1",
  "il-central-1": "IL_CENTRAL_1",
  "af-south-1": "AF_SOUTH_1",
  "ap-east-1": "AP_EAST_1",
  "ap-south-1": "AP_SOUTH_1",
  "ap-south-2": "AP_SOUTH_2",
  "ap-southeast-1": "AP_SOUTHEAST_1",
  "ap-southeast-2": "AP_SOUTHEAST_2",
  "ap-southeast-3": "AP_SOUTHEAST_3",
  "ap-southeast-4": "AP_SOUTHEAST_4",
  "ap-northeast-1": "AP_NORTHEAST_1",
  "ap-northeast-2": "AP_NORTHEAST_2",
  "ap-northeast-3": "AP_NORTHEAST_3",
};

/**
 * The Atlas SDK, loaded only when a stack uses `engine: "atlas"`: `@pulumi/mongodbatlas` is an optional
 * peer dependency, so stacks on other engines need not install it.
 */
function atlasSdk(): typeof mongodbatlas {
  return require("@pulumi/mongodbatlas") as typeof mongodbatlas;
}

/** Whether `@pulumi/mongodbatlas` can be loaded from this program. */
export function atlasSdkInstalled(): boolean {
  try {
    require.resolve("@pulumi/mongodbatlas");
    return true;
  } catch {
    return false;
  }
}

/** Atlas database users (they authenticate against `admin`). */
export const ATLAS_USERS = { readWrite: "toucan", readOnly: "toucan-readonly" } as const;
/**
 * Atlas PrivateLink on AWS maps each node to its own port on the endpoint service; the interface
 * endpoint's security group must admit the clients on 1024-65535 (Atlas docs, "Port Ranges Used for
 * Private Endpoints").
 */
export const ATLAS_PRIVATELINK_PORTS = { from: 1024, to: 65535 } as const;

export interface AtlasSettings {
  projectId?: pulumi.Input<string>;
  orgId?: string;
  projectName: string;
  clusterName: string;
  instanceSize: string;
  mongoDbMajorVersion: string;
  /** Atlas's name of the region (`EU_WEST_1`), for the cluster. */
  regionName: string;
  /** AWS's name of the region (`eu-west-1`), for the PrivateLink endpoint service. */
  awsRegion: string;
  pointInTimeRestore: boolean;
}

const SHARED_TIERS = new Set(["M0", "M2", "M5", "FLEX"]);

/** Whether `size` is a dedicated Atlas tier of at least M10 (`M10`, `M30`, `R40`, `M40_NVME`, ...). */
export function isDedicatedAtlasSize(size: string): boolean {
  const match = /^(M|R)(\d+)(_NVME)?$/.exec(size);
  return match !== null && Number(match[2]) >= 10;
}

/** Checks `atlas` arguments; `stackRegion` is the stack's `aws:region` (may be undefined). */
export function validateAtlasArgs(
  checks: ArgumentChecks,
  name: string,
  atlas: AtlasArgs | undefined,
  stackRegion: string | undefined,
): AtlasSettings {
  const args = atlas ?? {};
  checks.require(
    atlasSdkInstalled(),
    "engine",
    "atlas",
    "needs the @pulumi/mongodbatlas package, which this program does not have",
    "npm install @pulumi/mongodbatlas (an optional peer dependency of pulumi-toucan)",
  );
  checks.require(
    (args.projectId === undefined) !== (args.orgId === undefined),
    args.projectId === undefined ? "atlas.orgId" : "atlas.projectId",
    args.projectId === undefined ? args.orgId : "(given with orgId)",
    args.projectId === undefined ? 'is required with engine "atlas"' : "and `atlas.orgId` are both given",
    "give `atlas.projectId` (an existing project) or `atlas.orgId` (the stack creates a project), not both",
  );
  if (args.orgId !== undefined) {
    checks.require(
      /^[0-9a-f]{24}$/.test(args.orgId),
      "atlas.orgId",
      args.orgId,
      "is not an Atlas organization id (24 hexadecimal characters)",
      "copy it from Atlas: Organization Settings > Organization ID",
    );
  }
  if (typeof args.projectId === "string") {
    checks.require(
      /^[0-9a-f]{24}$/.test(args.projectId),
      "atlas.projectId",
      args.projectId,
      "is not an Atlas project id (24 hexadecimal characters)",
      "copy it from Atlas: Project Settings > Project ID",
    );
  }
  const projectName = args.projectName ?? name;
  checks.require(
    /^[A-Za-z0-9 _().-]{1,64}$/.test(projectName),
    "atlas.projectName",
    projectName,
    "is not a valid Atlas project name (1-64 letters, digits, spaces and _ ( ) . -)",
    "give a shorter name of those characters",
  );
  const clusterName = args.clusterName ?? name.replace(/[^A-Za-z0-9-]/g, "-").slice(0, 23);
  checks.require(
    /^[A-Za-z0-9][A-Za-z0-9-]{0,63}$/.test(clusterName),
    "atlas.clusterName",
    clusterName,
    "is not a valid Atlas cluster name (letters, digits and '-', at most 64, not starting with '-')",
    'give e.g. "toucan"',
  );
  const instanceSize = args.instanceSize ?? "M10";
  checks.require(
    isDedicatedAtlasSize(instanceSize),
    "atlas.instanceSize",
    instanceSize,
    SHARED_TIERS.has(instanceSize)
      ? "is a shared tier: it has no PrivateLink, no cloud backup and no 3-node replica set of its own"
      : "is not a dedicated Atlas tier of M10 or larger",
    'use "M10" or larger (e.g. "M20", "M30"), or "R40" and up',
  );
  const mongoDbMajorVersion = args.mongoDbMajorVersion ?? "8.0";
  checks.require(
    /^\d+\.0$/.test(mongoDbMajorVersion) && Number(mongoDbMajorVersion) >= 7,
    "atlas.mongoDbMajorVersion",
    mongoDbMajorVersion,
    "is not a MongoDB major version Toucan runs on in Atlas",
    'use "8.0" or "7.0"',
  );
  const region = args.region ?? stackRegion;
  let regionName = args.regionName;
  if (regionName === undefined) {
    checks.require(
      region !== undefined,
      "atlas.region",
      region,
      "is needed to place the cluster next to the stack",
      "set `aws:region` in the stack config, or `atlas.region`",
    );
    if (region !== undefined) {
      regionName = ATLAS_AWS_REGIONS[region];
      checks.require(
        regionName !== undefined,
        "atlas.region",
        region,
        "is not an AWS region where Atlas offers dedicated clusters with PrivateLink (as listed by this library)",
        `deploy in one of ${Object.keys(ATLAS_AWS_REGIONS).join(", ")}; or, if Atlas has added it, ` +
          "give Atlas's name of the region as `atlas.regionName`",
      );
    }
  } else {
    checks.require(
      /^[A-Z]{2}_[A-Z]+_\d$/.test(regionName),
      "atlas.regionName",
      regionName,
      "is not an Atlas region name",
      'use Atlas\'s spelling, e.g. "EU_WEST_1"',
    );
  }
  return {
    projectId: args.projectId,
    orgId: args.orgId,
    projectName,
    clusterName,
    instanceSize,
    mongoDbMajorVersion,
    regionName: regionName ?? "",
    awsRegion: region ?? (regionName ?? "").toLowerCase().replace(/_/g, "-"),
    pointInTimeRestore: args.pointInTimeRestore ?? false,
  };
}

/** Connection details of one private endpoint, as Atlas reports them on a cluster. */
export interface AtlasPrivateEndpointStrings {
  srvConnectionString: string;
  endpoints: { endpointId: string }[];
}

/**
 * The SRV connection string to use through our interface endpoint: the entry naming `endpointId`; a
 * project with a single private endpoint has one entry, ours (the lookup waits for its registration).
 */
export function privateEndpointSrv(entries: AtlasPrivateEndpointStrings[], endpointId: string): string {
  const ours = entries.find((e) => e.endpoints.some((ep) => ep.endpointId === endpointId));
  const chosen = ours ?? (entries.length === 1 ? entries[0] : undefined);
  if (!chosen?.srvConnectionString) {
    throw new Error(
      `Atlas reports no private-endpoint connection string for interface endpoint ${endpointId} ` +
        `(${entries.length} private endpoint(s) on the cluster): check the endpoint's status in Atlas ` +
        "(Network Access > Private Endpoint) and run `pulumi up` again once it is Available",
    );
  }
  return chosen.srvConnectionString;
}

export interface AtlasNetwork {
  vpcId: pulumi.Input<string>;
  subnetIds: pulumi.Input<string>[];
  clientSecurityGroupIds: pulumi.Input<string>[];
}

export interface AtlasDeployment {
  readWrite: pulumi.Output<string>;
  readOnly: pulumi.Output<string>;
  securityGroupId: pulumi.Output<string>;
  hosts: pulumi.Output<string[]>;
  projectId: pulumi.Output<string>;
  clusterName: pulumi.Output<string>;
}

interface Context {
  parent: pulumi.Resource;
  name: string;
  protect: boolean;
  tags: Record<string, string>;
  database: string;
  transform: NonNullable<AtlasArgs["transform"]>;
}

/** Builds the Atlas project (unless given), cluster, users and PrivateLink; returns the connection strings. */
export function createAtlasDeployment(
  ctx: Context,
  s: AtlasSettings,
  network: AtlasNetwork,
): AtlasDeployment {
  const projectId = atlasProject(ctx, s);
  const cluster = atlasCluster(ctx, s, projectId);
  const passwords = {
    readWrite: atlasUser(ctx, projectId, s.clusterName, ATLAS_USERS.readWrite, "readWrite"),
    readOnly: atlasUser(ctx, projectId, s.clusterName, ATLAS_USERS.readOnly, "read"),
  };
  const link = privateLink(ctx, s, projectId, network);
  const srv = atlasSdk()
    .getAdvancedClusterOutput(
      { projectId, name: cluster.name },
      { parent: ctx.parent, dependsOn: [cluster, link.registration] },
    )
    .apply((c) =>
      pulumi
        .output(link.endpoint.id)
        .apply((endpointId) => privateEndpointSrv(c.connectionStrings.privateEndpoints ?? [], endpointId)),
    );
  const uri = (user: string, password: pulumi.Output<string>) =>
    pulumi.secret(
      pulumi
        .all([srv, password])
        .apply(([base, pw]) => srvConnectionString(base, { user, password: pw, database: ctx.database })),
    );
  return {
    readWrite: uri(ATLAS_USERS.readWrite, passwords.readWrite),
    readOnly: uri(ATLAS_USERS.readOnly, passwords.readOnly),
    securityGroupId: link.securityGroup.id,
    hosts: srv.apply((base) => [new URL(base.replace(/^mongodb\+srv:/, "http:")).hostname]),
    projectId: pulumi.output(projectId),
    clusterName: cluster.name,
  };
}

function atlasProject(ctx: Context, s: AtlasSettings): pulumi.Input<string> {
  if (s.projectId !== undefined) return s.projectId;
  const project = new (atlasSdk().Project)(
    ...applyTransform(
      ctx.transform.project,
      `${ctx.name}-project`,
      {
        orgId: s.orgId!,
        name: s.projectName,
        tags: ctx.tags,
      },
      { parent: ctx.parent, protect: ctx.protect },
    ),
  );
  return project.id;
}

function atlasCluster(
  ctx: Context,
  s: AtlasSettings,
  projectId: pulumi.Input<string>,
): mongodbatlas.AdvancedCluster {
  return new (atlasSdk().AdvancedCluster)(
    ...applyTransform(
      ctx.transform.cluster,
      `${ctx.name}-cluster`,
      {
        projectId,
        name: s.clusterName,
        clusterType: "REPLICASET",
        mongoDbMajorVersion: s.mongoDbMajorVersion,
        // Three electable nodes in one region: Atlas spreads them over the region's AZs.
        replicationSpecs: [
          {
            regionConfigs: [
              {
                providerName: "AWS",
                regionName: s.regionName,
                priority: 7,
                electableSpecs: { instanceSize: s.instanceSize, nodeCount: 3 },
              },
            ],
          },
        ],
        backupEnabled: true,
        pitEnabled: s.pointInTimeRestore,
        terminationProtectionEnabled: ctx.protect,
        retainBackupsEnabled: true,
        tags: ctx.tags,
      },
      { parent: ctx.parent, protect: ctx.protect },
    ),
  );
}

/** A database user with a generated password and one role on Toucan's database; returns the password. */
function atlasUser(
  ctx: Context,
  projectId: pulumi.Input<string>,
  clusterName: string,
  username: string,
  roleName: "readWrite" | "read",
): pulumi.Output<string> {
  const password = new random.RandomPassword(
    `${ctx.name}-${username}-password`,
    { length: 32, special: false, minLower: 2, minUpper: 2, minNumeric: 2 },
    { parent: ctx.parent, protect: ctx.protect },
  );
  new (atlasSdk().DatabaseUser)(
    ...applyTransform(
      ctx.transform.user,
      `${ctx.name}-${username}`,
      {
        projectId,
        username,
        password: pulumi.secret(password.result),
        authDatabaseName: "admin",
        roles: [{ roleName, databaseName: ctx.database }],
        scopes: [{ name: clusterName, type: "CLUSTER" }],
      },
      { parent: ctx.parent },
    ),
  );
  return pulumi.secret(password.result);
}

/** PrivateLink: Atlas's endpoint service, the interface endpoint in our subnets, and its registration. */
function privateLink(ctx: Context, s: AtlasSettings, projectId: pulumi.Input<string>, network: AtlasNetwork) {
  const service = new (atlasSdk().PrivateLinkEndpoint)(
    `${ctx.name}-privatelink`,
    { projectId, providerName: "AWS", region: s.awsRegion },
    { parent: ctx.parent },
  );
  const securityGroup = new aws.ec2.SecurityGroup(
    `${ctx.name}-sg`,
    {
      vpcId: network.vpcId,
      description: `MongoDB Atlas PrivateLink ${ctx.name}`,
      tags: { ...ctx.tags, Name: `${ctx.name}-sg` },
    },
    { parent: ctx.parent },
  );
  network.clientSecurityGroupIds.forEach(
    (client, i) =>
      new aws.vpc.SecurityGroupIngressRule(
        `${ctx.name}-from-client-${i + 1}`,
        {
          securityGroupId: securityGroup.id,
          referencedSecurityGroupId: client,
          ipProtocol: "tcp",
          fromPort: ATLAS_PRIVATELINK_PORTS.from,
          toPort: ATLAS_PRIVATELINK_PORTS.to,
          description: "MongoDB Atlas clients (PrivateLink maps each node to its own port)",
          tags: ctx.tags,
        },
        { parent: ctx.parent },
      ),
  );
  const endpoint = new aws.ec2.VpcEndpoint(
    ...applyTransform(
      ctx.transform.endpoint,
      `${ctx.name}-endpoint`,
      {
        vpcId: network.vpcId,
        serviceName: service.endpointServiceName,
        vpcEndpointType: "Interface",
        subnetIds: network.subnetIds,
        securityGroupIds: [securityGroup.id],
        tags: { ...ctx.tags, Name: `${ctx.name}-atlas` },
      },
      { parent: ctx.parent },
    ),
  );
  const registration = new (atlasSdk().PrivateLinkEndpointService)(
    `${ctx.name}-privatelink-registration`,
    {
      projectId,
      privateLinkId: service.privateLinkId,
      endpointServiceId: endpoint.id,
      providerName: "AWS",
    },
    { parent: ctx.parent },
  );
  return { securityGroup, endpoint, registration };
}
