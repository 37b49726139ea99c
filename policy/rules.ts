/**
 * The rules of the `pulumi-toucan` policy pack, written against the resource types the library creates.
 *
 * Each rule is a plain `@pulumi/policy` policy object: `index.ts` hands them to `PolicyPack` for
 * `pulumi preview --policy-pack policy`, and the tests run the same objects over the offline plan's
 * recorded graphs. Rules read resource inputs (what AWS receives); a value unknown during preview makes
 * the policy engine skip the check for that resource rather than report it.
 */
import type {
  PolicyResource,
  ReportViolation,
  ResourceValidationArgs,
  ResourceValidationPolicy,
  StackValidationArgs,
  StackValidationPolicy,
} from "@pulumi/policy";

type Props = Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any

const T = {
  volume: "aws:ebs/volume:Volume",
  instance: "aws:ec2/instance:Instance",
  launchTemplate: "aws:ec2/launchTemplate:LaunchTemplate",
  fileSystem: "aws:efs/fileSystem:FileSystem",
  fileSystemPolicy: "aws:efs/fileSystemPolicy:FileSystemPolicy",
  mountTarget: "aws:efs/mountTarget:MountTarget",
  replicationGroup: "aws:elasticache/replicationGroup:ReplicationGroup",
  docdbCluster: "aws:docdb/cluster:Cluster",
  docdbInstance: "aws:docdb/clusterInstance:ClusterInstance",
  docdbParams: "aws:docdb/clusterParameterGroup:ClusterParameterGroup",
  bucket: "aws:s3/bucket:Bucket",
  bucketEncryption: "aws:s3/bucketServerSideEncryptionConfiguration:BucketServerSideEncryptionConfiguration",
  listener: "aws:lb/listener:Listener",
  loadBalancer: "aws:lb/loadBalancer:LoadBalancer",
  distribution: "aws:cloudfront/distribution:Distribution",
  securityGroup: "aws:ec2/securityGroup:SecurityGroup",
  ingressRule: "aws:vpc/securityGroupIngressRule:SecurityGroupIngressRule",
  legacyRule: "aws:ec2/securityGroupRule:SecurityGroupRule",
  taskDefinition: "aws:ecs/taskDefinition:TaskDefinition",
  service: "aws:ecs/service:Service",
  subnet: "aws:ec2/subnet:Subnet",
  backupVault: "aws:backup/vault:Vault",
  atlasCluster: "mongodbatlas:index/advancedCluster:AdvancedCluster",
  dockerImage: "docker:index/remoteImage:RemoteImage",
} as const;

/** Resources whose loss loses data: protected (`protect: true`) so a replacement or deletion stops. */
export const STATEFUL_TYPES: readonly string[] = [
  T.volume,
  T.fileSystem,
  T.replicationGroup,
  T.docdbCluster,
  T.backupVault,
  T.atlasCluster,
];

/** Listener policies that refuse anything older than TLS 1.2 (the Elastic Load Balancing policy table). */
const TLS12_LISTENER_POLICY = /^ELBSecurityPolicy-(TLS13-1-[23]-|TLS-1-2-|FS-1-2-)/;
/** CloudFront viewer policies with TLS 1.2 as the minimum. */
const TLS12_CLOUDFRONT = ["TLSv1.2_2018", "TLSv1.2_2019", "TLSv1.2_2021", "TLSv1.2_2025"];
/** Tags that move to other content over time. */
const FLOATING_TAGS = ["latest", "stable", "edge", "main", "master", "nightly", "mainline"];
/** A connection string scheme: these values go through ECS `secrets`, never `environment`. */
const CONNECTION_STRING = /\b(mongodb(\+srv)?|rediss?):\/\//i;
/** The vendor's backend variable holding the Mongo connection string: marks the backend's tasks. */
const BACKEND_MARKER_VARIABLE = "TOUCAN_MONGODB_HOST";

// ---------------------------------------------------------------------------------------------------
// Small readers

function containers(props: Props): Props[] {
  const raw = props.containerDefinitions;
  if (typeof raw !== "string") return Array.isArray(raw) ? raw : [];
  try {
    const parsed: unknown = JSON.parse(raw);
    return Array.isArray(parsed) ? (parsed as Props[]) : [];
  } catch {
    return [];
  }
}

/** The resources an input's value came from, of one type. */
function sourcesOf(resource: PolicyResource, input: string, type: string): PolicyResource[] {
  return (resource.propertyDependencies?.[input] ?? []).filter((r) => r.type === type);
}

function isPublicCidr(props: Props): boolean {
  return props.cidrIpv4 === "0.0.0.0/0" || props.cidrIpv6 === "::/0";
}

/** Whether a Docker image reference names fixed content: a digest, or a version tag. */
export function imageIsPinned(image: string): boolean {
  if (/@sha256:[0-9a-f]{64}$/.test(image)) return true;
  const lastSlash = image.lastIndexOf("/");
  const colon = image.indexOf(":", lastSlash + 1);
  if (colon < 0) return false;
  const tag = image.slice(colon + 1);
  return !FLOATING_TAGS.includes(tag.toLowerCase()) && /\d/.test(tag);
}

function resourcePolicy(
  name: string,
  description: string,
  remediationSteps: string,
  validate: (type: string, props: Props, args: ResourceValidationArgs, report: ReportViolation) => void,
): ResourceValidationPolicy {
  return {
    name,
    description,
    remediationSteps,
    enforcementLevel: "mandatory",
    validateResource: (args, report) => validate(args.type, args.props, args, report),
  };
}

function stackPolicy(
  name: string,
  description: string,
  remediationSteps: string,
  validate: (resources: PolicyResource[], report: ReportViolation, args: StackValidationArgs) => void,
): StackValidationPolicy {
  return {
    name,
    description,
    remediationSteps,
    enforcementLevel: "mandatory",
    validateStack: (args, report) => validate(args.resources, report, args),
  };
}

// ---------------------------------------------------------------------------------------------------
// The rules

export const encryptionAtRest = resourcePolicy(
  "toucan-encryption-at-rest",
  "Data volumes, file systems, caches and databases are encrypted at rest.",
  "Leave the components' encryption settings at their defaults (they are on).",
  (type, props, _args, report) => {
    if (type === T.volume && props.encrypted !== true)
      report("EBS volume is not encrypted (encrypted: true)");
    if (type === T.instance && props.rootBlockDevice && props.rootBlockDevice.encrypted !== true)
      report("instance root volume is not encrypted (rootBlockDevice.encrypted: true)");
    if (type === T.fileSystem && props.encrypted !== true) report("EFS file system is not encrypted");
    if (type === T.replicationGroup && props.atRestEncryptionEnabled !== true)
      report("ElastiCache replication group has no encryption at rest (atRestEncryptionEnabled)");
    if (type === T.docdbCluster && props.storageEncrypted !== true)
      report("DocumentDB cluster storage is not encrypted (storageEncrypted)");
  },
);

export const bucketsEncrypted = stackPolicy(
  "toucan-bucket-encryption",
  "Every S3 bucket has a server-side encryption configuration.",
  "Create buckets through the library's private-bucket helper, which adds SSE and the public access block.",
  (resources, report) => {
    const configured = new Set(
      resources
        .filter((r) => r.type === T.bucketEncryption)
        .flatMap((r) => sourcesOf(r, "bucket", T.bucket).map((b) => b.urn)),
    );
    for (const bucket of resources.filter((r) => r.type === T.bucket))
      if (!configured.has(bucket.urn))
        report("bucket has no server-side encryption configuration", bucket.urn);
  },
);

export const encryptionInTransit = resourcePolicy(
  "toucan-encryption-in-transit",
  "Clients reach caches, databases and the public endpoints over TLS only.",
  "Keep TLS on: HTTPS listeners with HTTP redirecting, Redis transit encryption, DocumentDB tls enabled.",
  (type, props, _args, report) => {
    if (type === T.replicationGroup && props.transitEncryptionEnabled !== true)
      report("ElastiCache replication group accepts plain-text clients (transitEncryptionEnabled)");
    if (type === T.listener && props.protocol === "HTTP") {
      const actions: Props[] = props.defaultActions ?? [];
      const redirects = actions.every((a) => a.type === "redirect" && a.redirect?.protocol === "HTTPS");
      if (!redirects) report("an HTTP listener must only redirect to HTTPS");
    }
    if (type === T.distribution) {
      const behaviors: Props[] = [props.defaultCacheBehavior ?? {}, ...(props.orderedCacheBehaviors ?? [])];
      for (const b of behaviors)
        if (!["redirect-to-https", "https-only"].includes(b.viewerProtocolPolicy))
          report(
            `CloudFront behavior ${b.pathPattern ?? "default"} serves plain HTTP (${b.viewerProtocolPolicy})`,
          );
      for (const o of (props.origins ?? []) as Props[])
        if (o.customOriginConfig && o.customOriginConfig.originProtocolPolicy !== "https-only")
          report(`CloudFront origin ${o.originId} is reached without TLS (originProtocolPolicy)`);
    }
    if (type === T.docdbParams) {
      const tls = ((props.parameters ?? []) as Props[]).find((p) => p.name === "tls");
      if (tls && tls.value !== "enabled") report("DocumentDB parameter group turns TLS off");
    }
  },
);

export const fileSystemTls = stackPolicy(
  "toucan-efs-tls-only",
  "Every EFS file system has a policy refusing connections without TLS.",
  "Keep SharedStorage's file-system policy (it denies aws:SecureTransport false).",
  (resources, report) => {
    const guarded = new Set<string>();
    for (const policy of resources.filter((r) => r.type === T.fileSystemPolicy)) {
      let document: Props = {};
      try {
        document = JSON.parse(String(policy.props.policy));
      } catch {
        continue;
      }
      const statements: Props[] = Array.isArray(document.Statement)
        ? document.Statement
        : [document.Statement];
      const deniesPlain = statements.some(
        (s) => s?.Effect === "Deny" && String(s?.Condition?.Bool?.["aws:SecureTransport"]) === "false",
      );
      if (deniesPlain) for (const fs of sourcesOf(policy, "fileSystemId", T.fileSystem)) guarded.add(fs.urn);
    }
    for (const fs of resources.filter((r) => r.type === T.fileSystem))
      if (!guarded.has(fs.urn)) report("EFS file system accepts connections without TLS", fs.urn);
  },
);

export const publicIngress = stackPolicy(
  "toucan-public-ingress",
  "Only load balancers are open to the internet, and only on 80 and 443; instances get no public address.",
  "Reach data stores and tasks through the load balancer or SSM; restrict ingressCidrs to what must connect.",
  (resources, report) => {
    const balancerGroups = new Set(
      resources
        .filter((r) => r.type === T.loadBalancer)
        .flatMap((lb) => sourcesOf(lb, "securityGroups", T.securityGroup).map((g) => g.urn)),
    );
    const check = (rule: PolicyResource, group: PolicyResource | undefined, props: Props) => {
      if (!isPublicCidr(props)) return;
      const web = props.ipProtocol === "tcp" || props.protocol === "tcp";
      const port = props.fromPort === props.toPort ? props.fromPort : undefined;
      if (!web || (port !== 80 && port !== 443))
        report(`open to the internet on ${props.fromPort}-${props.toPort}: only 80 and 443 may be`, rule.urn);
      else if (group && !balancerGroups.has(group.urn))
        report("open to the internet on a security group that no load balancer uses", rule.urn);
    };
    for (const rule of resources.filter((r) => r.type === T.ingressRule))
      check(rule, sourcesOf(rule, "securityGroupId", T.securityGroup)[0], rule.props);
    for (const rule of resources.filter((r) => r.type === T.legacyRule && r.props.type === "ingress")) {
      const group = sourcesOf(rule, "securityGroupId", T.securityGroup)[0];
      for (const cidr of (rule.props.cidrBlocks ?? []) as string[])
        check(rule, group, { ...rule.props, cidrIpv4: cidr, ipProtocol: rule.props.protocol });
    }
    for (const group of resources.filter((r) => r.type === T.securityGroup))
      for (const inline of (group.props.ingress ?? []) as Props[])
        for (const cidr of [...(inline.cidrBlocks ?? []), ...(inline.ipv6CidrBlocks ?? [])] as string[])
          check(group, group, {
            ...inline,
            ipProtocol: inline.protocol,
            cidrIpv4: cidr === "0.0.0.0/0" ? cidr : undefined,
            cidrIpv6: cidr === "::/0" ? cidr : undefined,
          });
    for (const instance of resources.filter((r) => r.type === T.instance))
      if (instance.props.associatePublicIpAddress === true)
        report("instance gets a public IP address", instance.urn);
  },
);

export const dataStoreAccess = stackPolicy(
  "toucan-data-store-access",
  "Mongo, DocumentDB, Redis and EFS admit connections only from the backend's security group (and Mongo " +
    "members from each other), never from address ranges.",
  "Give clients the backend's security group; do not add CIDR rules to data-store groups.",
  (resources, report) => {
    const storeGroups = new Map<string, string>();
    const addStore = (store: PolicyResource, input: string, what: string) => {
      for (const group of sourcesOf(store, input, T.securityGroup)) storeGroups.set(group.urn, what);
    };
    for (const r of resources) {
      if (r.type === T.replicationGroup) addStore(r, "securityGroupIds", "Redis");
      if (r.type === T.mountTarget) addStore(r, "securityGroups", "EFS");
      if (r.type === T.docdbCluster) addStore(r, "vpcSecurityGroupIds", "DocumentDB");
      if (r.type === T.instance && r.props.tags?.["toucan:mongo-member"])
        addStore(r, "vpcSecurityGroupIds", "Mongo");
    }
    const backendGroups = new Set<string>();
    for (const service of resources.filter((r) => r.type === T.service)) {
      const runsBackend = sourcesOf(service, "taskDefinition", T.taskDefinition).some((task) =>
        containers(task.props).some((c) =>
          [...(c.environment ?? []), ...(c.secrets ?? [])].some(
            (v: Props) => v.name === BACKEND_MARKER_VARIABLE,
          ),
        ),
      );
      if (runsBackend)
        for (const group of sourcesOf(service, "networkConfiguration", T.securityGroup))
          backendGroups.add(group.urn);
    }
    for (const rule of resources.filter((r) => r.type === T.ingressRule)) {
      const target = sourcesOf(rule, "securityGroupId", T.securityGroup)[0];
      const store = target && storeGroups.get(target.urn);
      if (!store) continue;
      const source = sourcesOf(rule, "referencedSecurityGroupId", T.securityGroup)[0];
      if (rule.props.cidrIpv4 || rule.props.cidrIpv6 || rule.props.prefixListId)
        report(
          `${store} admits an address range (${rule.props.cidrIpv4 ?? rule.props.cidrIpv6 ?? rule.props.prefixListId})`,
          rule.urn,
        );
      else if (source && source.urn !== target.urn && !backendGroups.has(source.urn))
        report(`${store} admits ${source.name}, which is not the backend's security group`, rule.urn);
    }
  },
);

export const statefulProtected = resourcePolicy(
  "toucan-stateful-protected",
  "Resources holding data (Mongo volumes, EFS, Redis, DocumentDB, the backup vault, Atlas) are protected.",
  "Keep the components' protect default; to delete on purpose, `pulumi state unprotect` first.",
  (type, _props, args, report) => {
    if (STATEFUL_TYPES.includes(type) && !args.opts.protect)
      report(`${type} holds data but is not protected`);
  },
);

export const redundancy = stackPolicy(
  "toucan-redundancy",
  "Every tier spans at least 2 Availability Zones; the community Mongo replica set has 3 members in 3 AZs.",
  "Use azCount 2 or more (3 for Mongo), backendCount/frontendCount 2 or more, and the default Redis settings.",
  (resources, report) => {
    const azOf = (subnet: PolicyResource) => String(subnet.props.availabilityZone ?? subnet.urn);
    const zones = (r: PolicyResource, input: string, raw: unknown): number => {
      const subnets = sourcesOf(r, input, T.subnet);
      if (subnets.length) return new Set(subnets.map(azOf)).size;
      return Array.isArray(raw) ? new Set(raw).size : 0;
    };
    for (const lb of resources.filter((r) => r.type === T.loadBalancer))
      if (zones(lb, "subnets", lb.props.subnets) < 2) report("load balancer in fewer than 2 AZs", lb.urn);
    for (const service of resources.filter((r) => r.type === T.service)) {
      const network = service.props.networkConfiguration ?? {};
      if (zones(service, "networkConfiguration", network.subnets) < 2)
        report("ECS service placed in fewer than 2 AZs", service.urn);
      if (service.props.loadBalancers?.length && (service.props.desiredCount ?? 0) < 2)
        report(
          `ECS service behind a load balancer runs ${service.props.desiredCount ?? 0} task(s): 2 or more`,
          service.urn,
        );
    }
    for (const redis of resources.filter((r) => r.type === T.replicationGroup)) {
      const p = redis.props;
      if (!(
        (p.numCacheClusters ?? 1) >= 2 &&
        p.multiAzEnabled === true &&
        p.automaticFailoverEnabled === true
      ))
        report("Redis without a replica in another AZ and automatic failover", redis.urn);
    }
    const mounts = new Map<string, Set<string>>();
    for (const mount of resources.filter((r) => r.type === T.mountTarget))
      for (const fs of sourcesOf(mount, "fileSystemId", T.fileSystem)) {
        const subnet = sourcesOf(mount, "subnetId", T.subnet)[0];
        mounts.set(
          fs.urn,
          (mounts.get(fs.urn) ?? new Set()).add(subnet ? azOf(subnet) : String(mount.props.subnetId)),
        );
      }
    for (const fs of resources.filter((r) => r.type === T.fileSystem))
      if ((mounts.get(fs.urn)?.size ?? 0) < 2)
        report("EFS file system with mount targets in fewer than 2 AZs", fs.urn);
    const members = resources.filter((r) => r.type === T.instance && r.props.tags?.["toucan:mongo-member"]);
    if (members.length) {
      const memberZones = new Set(members.map((m) => String(m.props.availabilityZone ?? m.props.subnetId)));
      if (members.length < 3 || memberZones.size < 3)
        report(
          `Mongo replica set of ${members.length} member(s) in ${memberZones.size} AZ(s): 3 members in 3 AZs`,
        );
    }
    const docdbZones = new Set(
      resources
        .filter((r) => r.type === T.docdbInstance)
        .map((i) => String(i.props.availabilityZone ?? i.urn)),
    );
    if (resources.some((r) => r.type === T.docdbCluster) && docdbZones.size < 2)
      report("DocumentDB cluster with instances in fewer than 2 AZs");
  },
);

export const imdsV2 = resourcePolicy(
  "toucan-imdsv2",
  "Instances require IMDSv2 session tokens.",
  "Set metadataOptions.httpTokens to required (the MongoCluster does).",
  (type, props, _args, report) => {
    if (
      (type === T.instance || type === T.launchTemplate) &&
      props.metadataOptions?.httpTokens !== "required"
    )
      report("instance metadata accepts IMDSv1 (metadataOptions.httpTokens must be required)");
  },
);

export const tlsPolicy = resourcePolicy(
  "toucan-tls-policy",
  "HTTPS listeners and CloudFront refuse TLS older than 1.2.",
  "Use an ELBSecurityPolicy-TLS13-1-2-* listener policy and CloudFront's TLSv1.2_2021.",
  (type, props, _args, report) => {
    if (
      type === T.listener &&
      props.protocol === "HTTPS" &&
      !TLS12_LISTENER_POLICY.test(String(props.sslPolicy))
    )
      report(`listener policy ${props.sslPolicy} allows TLS older than 1.2`);
    if (type === T.distribution) {
      const version = props.viewerCertificate?.minimumProtocolVersion;
      if (props.viewerCertificate?.acmCertificateArn && !TLS12_CLOUDFRONT.includes(version))
        report(`CloudFront minimum protocol ${version} is older than TLS 1.2`);
    }
  },
);

export const noPlainConnectionStrings = resourcePolicy(
  "toucan-no-plain-connection-strings",
  "Connection strings reach containers as ECS secrets, never in plain environment variables.",
  "Pass them through Secrets Manager (`secrets` in the container definition), as the components do.",
  (type, props, _args, report) => {
    if (type !== T.taskDefinition) return;
    for (const c of containers(props))
      for (const variable of (c.environment ?? []) as Props[])
        if (CONNECTION_STRING.test(String(variable.value)))
          report(
            `container ${c.name} gets a connection string in plain environment variable ${variable.name}`,
          );
  },
);

export const pinnedImages = resourcePolicy(
  "toucan-pinned-images",
  "Every container image is a version tag or a digest, never latest or no tag.",
  "Set the version config key (and any image argument) to an explicit version.",
  (type, props, _args, report) => {
    const images =
      type === T.taskDefinition
        ? containers(props).map((c) => String(c.image))
        : type === T.dockerImage
          ? [String(props.name)]
          : [];
    for (const image of images)
      if (!imageIsPinned(image)) report(`image ${image} is not pinned to a version`);
  },
);

/** Every rule of the pack, in the order `pulumi preview` lists them. */
export const toucanPolicies: (ResourceValidationPolicy | StackValidationPolicy)[] = [
  encryptionAtRest,
  bucketsEncrypted,
  encryptionInTransit,
  fileSystemTls,
  publicIngress,
  dataStoreAccess,
  statefulProtected,
  redundancy,
  imdsV2,
  tlsPolicy,
  noPlainConnectionStrings,
  pinnedImages,
];
