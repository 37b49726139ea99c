import * as pulumi from "@pulumi/pulumi";
import * as aws from "@pulumi/aws";
import { ArgumentChecks, requireArgs } from "../core/errors";
import { Transform, applyTransform } from "../core/transform";

/** The NFS port EFS mount targets listen on. */
export const NFS_PORT = 2049;

/** The POSIX identity every NFS operation through the access point is made as. */
export interface PosixUser {
  /** User id, 1 to 4294967295 (0, root, is refused: nobody gets root access to the file system). */
  uid: number;
  /** Group id, 1 to 4294967295. */
  gid: number;
}

/**
 * What the Toucan backend is assumed to run as. **An assumption**: the vendor does not document the
 * user of its backend image. Through the access point it does not matter much: EFS makes every
 * operation as this user whatever the container runs as, and creates the root directory owned by it.
 */
export const DEFAULT_POSIX_USER: Readonly<PosixUser> = Object.freeze({ uid: 1000, gid: 1000 });

/** Where Toucan's files live on the file system (the access point's root). */
export const DEFAULT_ROOT_DIRECTORY = "/toucan-storage";

/** Ages after which EFS moves a file to another storage class, and `NONE` (never). */
export type TransitionAge =
  | "AFTER_1_DAY"
  | "AFTER_7_DAYS"
  | "AFTER_14_DAYS"
  | "AFTER_30_DAYS"
  | "AFTER_60_DAYS"
  | "AFTER_90_DAYS"
  | "AFTER_180_DAYS"
  | "AFTER_270_DAYS"
  | "AFTER_365_DAYS"
  | "NONE";

const TRANSITION_AGES: readonly TransitionAge[] = [
  "AFTER_1_DAY",
  "AFTER_7_DAYS",
  "AFTER_14_DAYS",
  "AFTER_30_DAYS",
  "AFTER_60_DAYS",
  "AFTER_90_DAYS",
  "AFTER_180_DAYS",
  "AFTER_270_DAYS",
  "AFTER_365_DAYS",
  "NONE",
];

/** When files move between storage classes. */
export interface StorageLifecycle {
  /**
   * Move files not read for this long to Infrequent Access (cheaper to store, dearer to read).
   * @default "AFTER_30_DAYS"
   */
  transitionToIA?: TransitionAge;
  /**
   * Move a file back to Standard on its first read after it went to Infrequent Access.
   * @default "AFTER_1_ACCESS"
   */
  transitionToPrimaryStorageClass?: "AFTER_1_ACCESS" | "NONE";
  /**
   * Move files not read for this long to Archive. Needs elastic throughput, General Purpose mode and a
   * `transitionToIA`, and must be later than it.
   * @default "NONE"
   */
  transitionToArchive?: TransitionAge;
}

/** EFS performance mode; `maxIO` is legacy and cannot use elastic throughput. */
export type PerformanceMode = "generalPurpose" | "maxIO";
/** EFS throughput mode. */
export type ThroughputMode = "elastic" | "bursting" | "provisioned";

/** A file system that already exists. */
export interface ExistingStorage {
  /** @example "fs-0123456789abcdef0" */
  fileSystemId: pulumi.Input<string>;
  /**
   * An access point on it. Without one, an access point is created with `posixUser` and `rootDirectory`.
   * @default one is created
   */
  accessPointId?: pulumi.Input<string>;
  /**
   * The security group of its mount targets, reported as `securityGroupId` (nothing is added to it).
   * @default none reported
   */
  securityGroupId?: pulumi.Input<string>;
}

export interface SharedStorageArgs {
  /**
   * VPC of the mount targets. Required unless `existing` is set (then it is ignored).
   * @example network.vpcId
   * @default none (required unless `existing` is set)
   */
  vpcId?: pulumi.Input<string>;
  /**
   * Private subnets: a mount target is created in EVERY one, so give exactly one per Availability Zone
   * (EFS allows one mount target per AZ) and every AZ the tasks run in. A plain array: its length is known
   * before deployment. Required unless `existing` is set (then it is ignored).
   * @example network.privateSubnetIdList
   * @default none (required unless `existing` is set)
   */
  subnetIds?: pulumi.Input<string>[];
  /**
   * Security groups allowed to reach the mount targets on NFS (2049), one ingress rule each. Ignored with
   * `existing`.
   * @default none: nothing can mount until you add a rule to `securityGroupId`
   * @example [backendSecurityGroup.id]
   */
  clientSecurityGroupIds?: pulumi.Input<string>[];
  /**
   * IAM roles (the ECS task roles) granted `elasticfilesystem:ClientMount` and `ClientWrite` through the
   * access point in the file-system policy. Ignored with `existing` (no policy is written on a file system
   * you own).
   * @default none: only principals whose own IAM policies allow it can mount
   * @example [backendTaskRole.arn]
   */
  clientRoleArns?: pulumi.Input<string>[];
  /**
   * The identity every operation through the access point is made as. See {@link DEFAULT_POSIX_USER}:
   * the backend's user is not documented by the vendor, so the default is an assumption.
   * @default { uid: 1000, gid: 1000 }
   */
  posixUser?: PosixUser;
  /**
   * Directory of the file system the access point exposes as `/` (the backend's `/app/storage`). Created
   * on first mount, owned by `posixUser`, with `rootDirectoryPermissions`. Absolute, not `/`, at most 4
   * levels and 100 characters.
   * @default "/toucan-storage"
   */
  rootDirectory?: string;
  /**
   * Mode of the root directory when EFS creates it, in octal.
   * @default "0750" (the owner reads and writes, its group reads, others nothing)
   */
  rootDirectoryPermissions?: string;
  /**
   * Storage-class transitions.
   * @default Infrequent Access after 30 days without a read, back to Standard on the first read, no Archive
   */
  lifecycle?: StorageLifecycle;
  /**
   * @default "generalPurpose"
   */
  performanceMode?: PerformanceMode;
  /**
   * `elastic` scales with the load and bills per use, which suits Toucan's bursty reads and writes.
   * @default "elastic"
   */
  throughputMode?: ThroughputMode;
  /**
   * MiB/s for `provisioned` throughput. Required with it, refused otherwise.
   * @default none (required with `provisioned` throughput)
   */
  provisionedThroughputInMibps?: number;
  /**
   * KMS key (ARN) encrypting the file system.
   * @default the AWS managed key `aws/elasticfilesystem`
   */
  kmsKeyArn?: pulumi.Input<string>;
  /**
   * Automatic daily backups by AWS Backup (the default EFS backup plan, kept 35 days).
   * @default true
   */
  backups?: boolean;
  /**
   * Use an existing file system: no file system, mount target, security group or policy is built, and the
   * network and client arguments are ignored (admitting the backend is up to you). An access point is
   * created unless `existing.accessPointId` is given.
   * @default a new file system
   */
  existing?: ExistingStorage;
  /**
   * A file system restored by AWS Backup (restored to a new file system, which has no mount target): the
   * component builds around it everything a new file system gets (security group, a mount target per
   * subnet, access point, TLS-only policy, backup policy) but not the file system itself, which it does not
   * own (it stays when the stack is destroyed). The file-system settings (`kmsKeyArn`, `performanceMode`,
   * ...) are the restore's.
   * @default a new file system
   * @example "fs-0123456789abcdef0"
   */
  restoredFileSystemId?: pulumi.Input<string>;
  /**
   * Protect the data: the file system gets `protect` and is kept (`retainOnDelete`) when removed from
   * the program. `false` is for tests and throwaway stacks.
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
    fileSystem?: Transform<aws.efs.FileSystemArgs>;
    securityGroup?: Transform<aws.ec2.SecurityGroupArgs>;
    mountTarget?: Transform<aws.efs.MountTargetArgs>;
    accessPoint?: Transform<aws.efs.AccessPointArgs>;
    fileSystemPolicy?: Transform<aws.efs.FileSystemPolicyArgs>;
    backupPolicy?: Transform<aws.efs.BackupPolicyArgs>;
  };
}

const COMPONENT = "toucan:aws:SharedStorage";

/** Why a path cannot be an access point's root directory, or undefined. */
export function rootDirectoryProblem(path: string): string | undefined {
  if (!path.startsWith("/")) return "is not an absolute path";
  if (path === "/") return "is the file system's root, which would expose every other tenant's files";
  if (path.length > 100) return `is ${path.length} characters long (EFS allows 100)`;
  if (path.endsWith("/")) return "ends with a slash";
  const parts = path.slice(1).split("/");
  if (parts.length > 4) return `has ${parts.length} levels (EFS allows 4)`;
  if (parts.some((p) => p === "")) return "contains an empty level (`//`)";
  if (parts.some((p) => p.startsWith("."))) return "has a level starting with a dot";
  if (/[$#<>;`|&?{}^*\n]/.test(path)) return "contains a character EFS refuses ($ # < > ; ` | & ? { } ^ *)";
  return undefined;
}

interface Common {
  name: string;
  protect: boolean;
  tags: Record<string, string>;
  posixUser: PosixUser;
  rootDirectory: string;
  rootDirectoryPermissions: string;
}

/** A file system this component created, or one it builds around (`restoredFileSystemId`). */
type FileSystemRef =
  Pick<aws.efs.FileSystem, "id" | "arn"> | { id: pulumi.Output<string>; arn: pulumi.Output<string> };

interface Managed extends Common {
  kind: "managed";
  /** A restored file system to build around instead of a new one. */
  restoredFileSystemId?: pulumi.Input<string>;
  vpcId: pulumi.Input<string>;
  subnetIds: pulumi.Input<string>[];
  clients: pulumi.Input<string>[];
  roles: pulumi.Input<string>[];
  lifecyclePolicies: aws.types.input.efs.FileSystemLifecyclePolicy[];
  performanceMode: PerformanceMode;
  throughputMode: ThroughputMode;
  provisionedThroughputInMibps?: number;
  kmsKeyArn?: pulumi.Input<string>;
  backups: boolean;
}

interface Existing extends Common {
  kind: "existing";
  existing: ExistingStorage;
}

/** Arguments that shape the file system, so have no effect on an existing one. */
const FILE_SYSTEM_ONLY = [
  "lifecycle",
  "performanceMode",
  "throughputMode",
  "provisionedThroughputInMibps",
  "kmsKeyArn",
  "backups",
] as const;
/** Arguments that shape the access point, so have no effect with an existing one. */
const ACCESS_POINT_ONLY = ["posixUser", "rootDirectory", "rootDirectoryPermissions"] as const;

/** Checks the arguments; throws before anything is registered. Exported for table tests. */
export function validateSharedStorageArgs(name: string, args: SharedStorageArgs): Managed | Existing {
  requireArgs(`SharedStorage "${name}"`, args, "an object of SharedStorageArgs");
  const checks = new ArgumentChecks(`SharedStorage "${name}"`);
  const posixUser = args.posixUser ?? DEFAULT_POSIX_USER;
  for (const key of ["uid", "gid"] as const) {
    const value = posixUser[key];
    checks.require(
      Number.isInteger(value) && value >= 1 && value <= 4294967295,
      `posixUser.${key}`,
      value,
      value === 0
        ? "is root's, and nobody gets root access to the file system"
        : "is not a POSIX id EFS accepts (a whole number from 1 to 4294967295)",
      `use the ${key} the backend writes as (default ${DEFAULT_POSIX_USER[key]})`,
    );
  }
  const rootDirectory = args.rootDirectory ?? DEFAULT_ROOT_DIRECTORY;
  const rootProblem = rootDirectoryProblem(rootDirectory);
  checks.require(
    rootProblem === undefined,
    "rootDirectory",
    rootDirectory,
    rootProblem ?? "",
    `use an absolute path below the root, e.g. "${DEFAULT_ROOT_DIRECTORY}"`,
  );
  const rootDirectoryPermissions = args.rootDirectoryPermissions ?? "0750";
  checks.require(
    /^0?[0-7]{3}$/.test(rootDirectoryPermissions),
    "rootDirectoryPermissions",
    rootDirectoryPermissions,
    "is not an octal mode",
    'use e.g. "0750"',
  );
  const common: Common = {
    name,
    protect: args.protect ?? true,
    tags: args.tags ?? {},
    posixUser,
    rootDirectory,
    rootDirectoryPermissions,
  };

  if (args.existing) {
    for (const key of FILE_SYSTEM_ONLY) {
      checks.require(
        args[key] === undefined,
        key,
        args[key],
        "shapes the file system, which is not built with `existing`",
        `remove \`${key}\` (change it on the existing file system), or remove \`existing\``,
      );
    }
    for (const key of [
      "fileSystem",
      "securityGroup",
      "mountTarget",
      "fileSystemPolicy",
      "backupPolicy",
    ] as const) {
      checks.require(
        args.transform?.[key] === undefined,
        `transform.${key}`,
        "(given)",
        "changes a resource that is not built with `existing`",
        `remove \`transform.${key}\``,
      );
    }
    if (args.existing.accessPointId !== undefined) {
      for (const key of ACCESS_POINT_ONLY) {
        checks.require(
          args[key] === undefined,
          key,
          args[key],
          "shapes the access point, but `existing.accessPointId` is given",
          `remove \`${key}\`, or remove \`existing.accessPointId\` to have an access point created`,
        );
      }
      checks.require(
        args.transform?.accessPoint === undefined,
        "transform.accessPoint",
        "(given)",
        "changes the access point, but `existing.accessPointId` is given",
        "remove `transform.accessPoint`",
      );
    }
    checks.require(
      args.restoredFileSystemId === undefined,
      "restoredFileSystemId",
      args.restoredFileSystemId,
      "is given together with `existing`",
      "use `restoredFileSystemId` for a file system AWS Backup restored (the component adds its mount targets), " +
        "or `existing` for one that is already complete",
    );
    checks.throwIfAny();
    return { ...common, kind: "existing", existing: args.existing };
  }
  if (typeof args.restoredFileSystemId === "string") {
    checks.require(
      /^fs-(?:[0-9a-f]{8}|[0-9a-f]{17})$/.test(args.restoredFileSystemId),
      "restoredFileSystemId",
      args.restoredFileSystemId,
      "is not an EFS file system id",
      'give the id of the restored file system, e.g. "fs-0123456789abcdef0"',
    );
  }

  const performanceMode = args.performanceMode ?? "generalPurpose";
  checks.require(
    ["generalPurpose", "maxIO"].includes(performanceMode),
    "performanceMode",
    performanceMode,
    "is not an EFS performance mode",
    'use "generalPurpose" (the default) or "maxIO"',
  );
  const throughputMode = args.throughputMode ?? "elastic";
  checks.require(
    ["elastic", "bursting", "provisioned"].includes(throughputMode),
    "throughputMode",
    throughputMode,
    "is not an EFS throughput mode",
    'use "elastic" (the default), "bursting" or "provisioned"',
  );
  checks.require(
    !(throughputMode === "elastic" && performanceMode === "maxIO"),
    "performanceMode",
    performanceMode,
    "cannot be combined with elastic throughput",
    'use "generalPurpose", or another `throughputMode`',
  );
  const provisioned = args.provisionedThroughputInMibps;
  if (throughputMode === "provisioned") {
    checks.require(
      provisioned !== undefined && Number.isFinite(provisioned) && provisioned >= 1,
      "provisionedThroughputInMibps",
      provisioned,
      'is required with `throughputMode: "provisioned"` and must be at least 1',
      "give the MiB/s to provision, or use elastic throughput",
    );
  } else {
    checks.require(
      provisioned === undefined,
      "provisionedThroughputInMibps",
      provisioned,
      `has no effect with throughputMode "${throughputMode}"`,
      'remove it, or set `throughputMode: "provisioned"`',
    );
  }
  const lifecyclePolicies = lifecycleRules(checks, args.lifecycle ?? {}, throughputMode, performanceMode);
  checks.require(
    args.vpcId !== undefined,
    "vpcId",
    undefined,
    "is required to build the mount targets' security group",
    "pass the VPC id (e.g. network.vpcId), or `existing` to use a file system you already have",
  );
  const subnetIds = args.subnetIds ?? [];
  checks.require(
    subnetIds.length >= 2,
    "subnetIds",
    `${subnetIds.length} subnet(s)`,
    "names fewer than 2 subnets, so the storage is unreachable when its only AZ is lost",
    "pass one private subnet per Availability Zone (e.g. network.privateSubnetIdList)",
  );
  checks.throwIfAny();
  return {
    ...common,
    kind: "managed",
    restoredFileSystemId: args.restoredFileSystemId,
    vpcId: args.vpcId!,
    subnetIds,
    clients: args.clientSecurityGroupIds ?? [],
    roles: args.clientRoleArns ?? [],
    lifecyclePolicies,
    performanceMode,
    throughputMode,
    provisionedThroughputInMibps: provisioned,
    kmsKeyArn: args.kmsKeyArn,
    backups: args.backups ?? true,
  };
}

/** The file system's lifecycle policies, one transition each (as the EFS API wants). */
function lifecycleRules(
  checks: ArgumentChecks,
  lifecycle: StorageLifecycle,
  throughputMode: ThroughputMode,
  performanceMode: PerformanceMode,
): aws.types.input.efs.FileSystemLifecyclePolicy[] {
  const toIa = lifecycle.transitionToIA ?? "AFTER_30_DAYS";
  const toPrimary = lifecycle.transitionToPrimaryStorageClass ?? "AFTER_1_ACCESS";
  const toArchive = lifecycle.transitionToArchive ?? "NONE";
  checks.require(
    TRANSITION_AGES.includes(toIa),
    "lifecycle.transitionToIA",
    toIa,
    "is not an EFS transition age",
    `use one of ${TRANSITION_AGES.join(", ")}`,
  );
  checks.require(
    ["AFTER_1_ACCESS", "NONE"].includes(toPrimary),
    "lifecycle.transitionToPrimaryStorageClass",
    toPrimary,
    "is not an EFS transition",
    'use "AFTER_1_ACCESS" or "NONE"',
  );
  checks.require(
    TRANSITION_AGES.includes(toArchive),
    "lifecycle.transitionToArchive",
    toArchive,
    "is not an EFS transition age",
    `use one of ${TRANSITION_AGES.join(", ")}`,
  );
  if (toArchive !== "NONE") {
    checks.require(
      throughputMode === "elastic" && performanceMode === "generalPurpose",
      "lifecycle.transitionToArchive",
      toArchive,
      "needs elastic throughput and General Purpose mode",
      'use `throughputMode: "elastic"` and `performanceMode: "generalPurpose"`, or no Archive transition',
    );
    checks.require(
      toIa !== "NONE" && TRANSITION_AGES.indexOf(toArchive) > TRANSITION_AGES.indexOf(toIa),
      "lifecycle.transitionToArchive",
      toArchive,
      `must come after the transition to Infrequent Access (${toIa})`,
      "set `transitionToIA` to an earlier age than `transitionToArchive`",
    );
  }
  return [
    ...(toIa === "NONE" ? [] : [{ transitionToIa: toIa }]),
    ...(toPrimary === "NONE" ? [] : [{ transitionToPrimaryStorageClass: toPrimary }]),
    ...(toArchive === "NONE" ? [] : [{ transitionToArchive: toArchive }]),
  ];
}

/**
 * Shared storage for the backend's `/app/storage`: an encrypted EFS file system with a mount target in
 * every private subnet (so every AZ keeps reaching it), a security group admitting NFS from the client
 * groups only, an access point that pins the POSIX user and the root directory, a file-system policy
 * that refuses unencrypted connections and root access and lets only the given task roles mount and
 * write, and automatic backups. Or an existing file system.
 *
 * @example
 * ```ts
 * const storage = new SharedStorage("toucan-storage", {
 *   vpcId: network.vpcId,
 *   subnetIds: network.privateSubnetIdList,
 *   clientSecurityGroupIds: [backendSecurityGroup.id],
 *   clientRoleArns: [backendTaskRole.arn],
 * });
 * // ECS volume: { efs: { fileSystemId: storage.fileSystemId, accessPointId: storage.accessPointId } }
 * ```
 */
export class SharedStorage extends pulumi.ComponentResource {
  /** Id of the file system. */
  readonly fileSystemId: pulumi.Output<string>;
  /** ARN of the file system. */
  readonly fileSystemArn: pulumi.Output<string>;
  /**
   * Id of the access point to mount through. A new access point is created after the mount targets, so a
   * service that depends on it does not start before it can mount.
   */
  readonly accessPointId: pulumi.Output<string>;
  /** ARN of the access point (IAM conditions name it). */
  readonly accessPointArn: pulumi.Output<string>;
  /** Security group of the mount targets (`existing.securityGroupId`, or undefined, with `existing`). */
  readonly securityGroupId: pulumi.Output<string> | undefined;
  /** The modes of a file system this component made (what its CloudWatch metrics depend on). */
  readonly modes: { performanceMode: string; throughputMode: string } | undefined;

  private readonly transforms: NonNullable<SharedStorageArgs["transform"]>;

  constructor(name: string, args: SharedStorageArgs = {}, opts: pulumi.ComponentResourceOptions = {}) {
    const settings = validateSharedStorageArgs(name, args);
    super(COMPONENT, name, {}, opts);
    this.transforms = args.transform ?? {};

    if (settings.kind === "existing") {
      const e = settings.existing;
      this.fileSystemId = pulumi.output(e.fileSystemId);
      this.fileSystemArn = this.arnOf("file-system", e.fileSystemId);
      if (e.accessPointId !== undefined) {
        this.accessPointId = pulumi.output(e.accessPointId);
        this.accessPointArn = this.arnOf("access-point", e.accessPointId);
      } else {
        const accessPoint = this.createAccessPoint(settings, e.fileSystemId, []);
        this.accessPointId = accessPoint.id;
        this.accessPointArn = accessPoint.arn;
      }
      this.securityGroupId = e.securityGroupId === undefined ? undefined : pulumi.output(e.securityGroupId);
      this.modes = undefined;
    } else {
      const fileSystem: FileSystemRef =
        settings.restoredFileSystemId !== undefined
          ? {
              id: pulumi.output(settings.restoredFileSystemId),
              arn: this.arnOf("file-system", settings.restoredFileSystemId),
            }
          : this.createFileSystem(settings);
      const securityGroup = this.createSecurityGroup(settings);
      const mountTargets = this.createMountTargets(settings, fileSystem, securityGroup);
      const accessPoint = this.createAccessPoint(settings, fileSystem.id, mountTargets);
      this.createPolicy(settings, fileSystem, accessPoint);
      this.createBackupPolicy(settings, fileSystem);
      this.fileSystemId = fileSystem.id;
      this.fileSystemArn = fileSystem.arn;
      this.accessPointId = accessPoint.id;
      this.accessPointArn = accessPoint.arn;
      this.securityGroupId = securityGroup.id;
      this.modes =
        settings.restoredFileSystemId === undefined
          ? { performanceMode: settings.performanceMode, throughputMode: settings.throughputMode }
          : undefined;
    }

    this.registerOutputs({
      fileSystemId: this.fileSystemId,
      fileSystemArn: this.fileSystemArn,
      accessPointId: this.accessPointId,
      accessPointArn: this.accessPointArn,
      securityGroupId: this.securityGroupId,
    });
  }

  /** `arn:<partition>:elasticfilesystem:<region>:<account>:<kind>/<id>` in this stack's account and region. */
  private arnOf(kind: "file-system" | "access-point", id: pulumi.Input<string>): pulumi.Output<string> {
    const partition = aws.getPartitionOutput({}, { parent: this }).partition;
    const region = aws.getRegionOutput({}, { parent: this }).region;
    const accountId = aws.getCallerIdentityOutput({}, { parent: this }).accountId;
    return pulumi.interpolate`arn:${partition}:elasticfilesystem:${region}:${accountId}:${kind}/${id}`;
  }

  private createFileSystem(s: Managed): aws.efs.FileSystem {
    return new aws.efs.FileSystem(
      ...applyTransform(
        this.transforms.fileSystem,
        `${s.name}-fs`,
        {
          encrypted: true,
          kmsKeyId: s.kmsKeyArn,
          performanceMode: s.performanceMode,
          throughputMode: s.throughputMode,
          provisionedThroughputInMibps: s.provisionedThroughputInMibps,
          lifecyclePolicies: s.lifecyclePolicies,
          tags: { ...s.tags, Name: s.name },
        },
        { parent: this, protect: s.protect, retainOnDelete: s.protect },
      ),
    );
  }

  /** The mount targets' group: NFS from each client group, one rule each, and no egress. */
  private createSecurityGroup(s: Managed): aws.ec2.SecurityGroup {
    const group = new aws.ec2.SecurityGroup(
      ...applyTransform(
        this.transforms.securityGroup,
        `${s.name}-sg`,
        {
          vpcId: s.vpcId,
          description: `Toucan shared storage ${s.name} (EFS mount targets)`,
          tags: { ...s.tags, Name: `${s.name}-sg` },
        },
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
            fromPort: NFS_PORT,
            toPort: NFS_PORT,
            description: "NFS clients",
            tags: s.tags,
          },
          { parent: this },
        ),
    );
    return group;
  }

  private createMountTargets(
    s: Managed,
    fileSystem: FileSystemRef,
    securityGroup: aws.ec2.SecurityGroup,
  ): aws.efs.MountTarget[] {
    return s.subnetIds.map(
      (subnetId, i) =>
        new aws.efs.MountTarget(
          ...applyTransform(
            this.transforms.mountTarget,
            `${s.name}-mount-${i + 1}`,
            { fileSystemId: fileSystem.id, subnetId, securityGroups: [securityGroup.id] },
            { parent: this },
          ),
        ),
    );
  }

  /**
   * Every operation through it is made as `posixUser`, confined to `rootDirectory`, which EFS creates on
   * first mount. It waits for the mount targets, so whatever depends on it can mount at once.
   */
  private createAccessPoint(
    s: Common,
    fileSystemId: pulumi.Input<string>,
    mountTargets: aws.efs.MountTarget[],
  ): aws.efs.AccessPoint {
    return new aws.efs.AccessPoint(
      ...applyTransform(
        this.transforms.accessPoint,
        `${s.name}-ap`,
        {
          fileSystemId,
          posixUser: { uid: s.posixUser.uid, gid: s.posixUser.gid },
          rootDirectory: {
            path: s.rootDirectory,
            creationInfo: {
              ownerUid: s.posixUser.uid,
              ownerGid: s.posixUser.gid,
              permissions: s.rootDirectoryPermissions,
            },
          },
          tags: { ...s.tags, Name: s.name },
        },
        { parent: this, dependsOn: mountTargets },
      ),
    );
  }

  /**
   * Denies any access without TLS and root access to everyone; lets the client roles mount and write,
   * through the access point only.
   */
  private createPolicy(s: Managed, fileSystem: FileSystemRef, accessPoint: aws.efs.AccessPoint) {
    const everyone = [{ type: "AWS", identifiers: ["*"] }];
    const statements: aws.types.input.iam.GetPolicyDocumentStatementArgs[] = [
      {
        sid: "DenyUnencryptedTransport",
        effect: "Deny",
        principals: everyone,
        actions: ["*"],
        resources: [fileSystem.arn],
        conditions: [{ test: "Bool", variable: "aws:SecureTransport", values: ["false"] }],
      },
      {
        sid: "DenyRootAccess",
        effect: "Deny",
        principals: everyone,
        actions: ["elasticfilesystem:ClientRootAccess"],
        resources: [fileSystem.arn],
      },
    ];
    if (s.roles.length > 0) {
      statements.push({
        sid: "AllowClientRolesThroughAccessPoint",
        effect: "Allow",
        principals: [{ type: "AWS", identifiers: s.roles }],
        actions: ["elasticfilesystem:ClientMount", "elasticfilesystem:ClientWrite"],
        resources: [fileSystem.arn],
        conditions: [
          { test: "StringEquals", variable: "elasticfilesystem:AccessPointArn", values: [accessPoint.arn] },
        ],
      });
    }
    const policy = aws.iam.getPolicyDocumentOutput({ statements }, { parent: this });
    new aws.efs.FileSystemPolicy(
      ...applyTransform(
        this.transforms.fileSystemPolicy,
        `${s.name}-policy`,
        { fileSystemId: fileSystem.id, policy: policy.json },
        { parent: this },
      ),
    );
  }

  private createBackupPolicy(s: Managed, fileSystem: FileSystemRef) {
    new aws.efs.BackupPolicy(
      ...applyTransform(
        this.transforms.backupPolicy,
        `${s.name}-backup`,
        { fileSystemId: fileSystem.id, backupPolicy: { status: s.backups ? "ENABLED" : "DISABLED" } },
        { parent: this },
      ),
    );
  }
}
