/**
 * Which input changes replace a resource instead of updating it in place, for every resource type the
 * library creates (the recorded graphs of all Pulumi.demo*.yaml and examples/*; a test keeps the list
 * complete). The bridged providers take this from the Terraform provider schema (`ForceNew`), which the
 * provider's documentation states as "Forces new resource" / "Changing this forces a new resource"; the
 * Pulumi SDK's `.d.ts` files do not carry it. Every row links the page it was read from.
 *
 * Rows citing `schema:` were checked against the provider's Go schema (`ForceNew: true`); the others
 * follow the documentation page they link, which does not mark every such argument: where a page is
 * silent, an update is reported.
 *
 * `forcesNew: "*"` marks immutable resources: every input but the listed exceptions replaces them
 * (ECS task definition revisions, Docker containers, TLS and random values).
 */

export interface ForcingProperty {
  /** Top-level input name, as Pulumi spells it (camelCase). */
  property: string;
  /** Only when this holds for the new inputs (e.g. `userData` with `userDataReplaceOnChange`). */
  when?: (inputs: Record<string, unknown>) => boolean;
  /** Why, in a reviewer's words, when the rule is conditional. */
  note?: string;
}

export interface ReplacementRule {
  type: string;
  /** Inputs whose change replaces the resource; "*" for every input except `except`. */
  forcesNew: (string | ForcingProperty)[] | "*";
  /** With "*": inputs that update in place. */
  except?: string[];
  /** The provider documentation the row was read from. */
  source: string;
}

const aws = (page: string) =>
  `https://registry.terraform.io/providers/hashicorp/aws/latest/docs/resources/${page}`;
const tls = (page: string) =>
  `https://registry.terraform.io/providers/hashicorp/tls/latest/docs/resources/${page}`;
const random = (page: string) =>
  `https://registry.terraform.io/providers/hashicorp/random/latest/docs/resources/${page}`;
const docker = (page: string) =>
  `https://registry.terraform.io/providers/kreuzwerker/docker/latest/docs/resources/${page}`;
const atlas = (page: string) =>
  `https://registry.terraform.io/providers/mongodb/mongodbatlas/latest/docs/resources/${page}`;

/** The provider's schema source, where `ForceNew: true` is written; cited for the rows checked against it. */
const TF_SOURCE = "https://github.com/hashicorp/terraform-provider-aws/blob/main/internal/service/";

/** Inputs that never replace: tags and Pulumi-side settings. */
const ALWAYS_IN_PLACE = ["tags", "tagsAll", "forceDestroy", "skipDestroy", "__provider"];

function engineBefore705(inputs: Record<string, unknown>): boolean {
  const [major, minor = 0, patch = 0] = String(inputs.engineVersion ?? "0")
    .split(".")
    .map((n) => Number.parseInt(n, 10) || 0);
  return major * 10_000 + minor * 100 + patch < 70_005;
}

export const REPLACEMENT_RULES: ReplacementRule[] = [
  // Certificates and DNS
  {
    type: "aws:acm/certificate:Certificate",
    forcesNew: [
      "domainName",
      "subjectAlternativeNames",
      "keyAlgorithm",
      "certificateAuthorityArn",
      "validationMethod",
    ],
    source: aws("acm_certificate"),
  },
  {
    type: "aws:acm/certificateValidation:CertificateValidation",
    forcesNew: ["certificateArn", "validationRecordFqdns"],
    source: aws("acm_certificate_validation"),
  },
  {
    type: "aws:route53/record:Record",
    forcesNew: ["zoneId", "name", "setIdentifier"],
    source: aws("route53_record"),
  },
  { type: "aws:route53/zone:Zone", forcesNew: ["name", "delegationSetId"], source: aws("route53_zone") },
  // Scaling
  {
    type: "aws:appautoscaling/policy:Policy",
    forcesNew: ["name", "resourceId", "scalableDimension", "serviceNamespace"],
    source: aws("appautoscaling_policy"),
  },
  {
    type: "aws:appautoscaling/target:Target",
    forcesNew: ["resourceId", "scalableDimension", "serviceNamespace"],
    source: aws("appautoscaling_target"),
  },
  // Backups
  { type: "aws:backup/plan:Plan", forcesNew: ["name"], source: aws("backup_plan") },
  {
    type: "aws:backup/selection:Selection",
    forcesNew: ["name", "planId", "iamRoleArn", "resources", "notResources", "selectionTags", "conditions"],
    source: aws("backup_selection"),
  },
  { type: "aws:backup/vault:Vault", forcesNew: ["name", "kmsKeyArn"], source: aws("backup_vault") },
  // CloudFront
  { type: "aws:cloudfront/distribution:Distribution", forcesNew: [], source: aws("cloudfront_distribution") },
  { type: "aws:cloudfront/function:Function", forcesNew: ["name"], source: aws("cloudfront_function") },
  {
    type: "aws:cloudfront/originAccessControl:OriginAccessControl",
    forcesNew: [],
    source: aws("cloudfront_origin_access_control"),
  },
  {
    type: "aws:cloudfront/responseHeadersPolicy:ResponseHeadersPolicy",
    forcesNew: [],
    source: aws("cloudfront_response_headers_policy"),
  },
  // CloudWatch, SNS
  {
    type: "aws:cloudwatch/dashboard:Dashboard",
    forcesNew: ["dashboardName"],
    source: aws("cloudwatch_dashboard"),
  },
  {
    type: "aws:cloudwatch/logGroup:LogGroup",
    forcesNew: ["name", "namePrefix", "logGroupClass"],
    source: aws("cloudwatch_log_group"),
  },
  {
    type: "aws:cloudwatch/metricAlarm:MetricAlarm",
    forcesNew: ["name"],
    source: aws("cloudwatch_metric_alarm"),
  },
  { type: "aws:sns/topic:Topic", forcesNew: ["name", "namePrefix", "fifoTopic"], source: aws("sns_topic") },
  { type: "aws:sns/topicPolicy:TopicPolicy", forcesNew: ["arn"], source: aws("sns_topic_policy") },
  // Cognito
  {
    type: "aws:cognito/userPool:UserPool",
    forcesNew: ["name", "aliasAttributes", "usernameAttributes", "usernameConfiguration", "schemas"],
    source: aws("cognito_user_pool"),
  },
  {
    type: "aws:cognito/userPoolClient:UserPoolClient",
    forcesNew: ["userPoolId", "generateSecret"],
    source: aws("cognito_user_pool_client"),
  },
  {
    type: "aws:cognito/userPoolDomain:UserPoolDomain",
    forcesNew: ["domain", "userPoolId"],
    source: aws("cognito_user_pool_domain"),
  },
  // DocumentDB
  {
    type: "aws:docdb/cluster:Cluster",
    forcesNew: [
      "clusterIdentifier",
      "clusterIdentifierPrefix",
      "availabilityZones",
      "dbSubnetGroupName",
      "engine",
      "kmsKeyId",
      "masterUsername",
      "snapshotIdentifier",
      "storageEncrypted",
      "restoreToPointInTime",
    ],
    source: aws("docdb_cluster"),
  },
  {
    type: "aws:docdb/clusterInstance:ClusterInstance",
    forcesNew: ["identifier", "identifierPrefix", "clusterIdentifier", "engine", "availabilityZone"],
    source: aws("docdb_cluster_instance"),
  },
  {
    type: "aws:docdb/clusterParameterGroup:ClusterParameterGroup",
    forcesNew: ["name", "namePrefix", "family", "description"],
    source: aws("docdb_cluster_parameter_group"),
  },
  {
    type: "aws:docdb/subnetGroup:SubnetGroup",
    forcesNew: ["name", "namePrefix"],
    source: aws("docdb_subnet_group"),
  },
  // EC2 and VPC
  {
    type: "aws:ebs/volume:Volume",
    forcesNew: [
      "availabilityZone",
      "encrypted",
      "kmsKeyId",
      "snapshotId",
      "outpostArn",
      "multiAttachEnabled",
    ],
    source: `${aws("ebs_volume")}; schema: ${TF_SOURCE}ec2/ebs_volume.go`,
  },
  {
    type: "aws:ec2/defaultSecurityGroup:DefaultSecurityGroup",
    forcesNew: ["vpcId"],
    source: aws("default_security_group"),
  },
  {
    type: "aws:ec2/eip:Eip",
    forcesNew: [
      "domain",
      "address",
      "customerOwnedIpv4Pool",
      "networkBorderGroup",
      "publicIpv4Pool",
      "ipamPoolId",
    ],
    source: aws("eip"),
  },
  {
    type: "aws:ec2/instance:Instance",
    forcesNew: [
      "ami",
      "availabilityZone",
      "subnetId",
      "privateIp",
      "keyName",
      "placementGroup",
      "associatePublicIpAddress",
      "ebsBlockDevices",
      "ephemeralBlockDevices",
      "networkInterfaces",
      "cpuOptions",
      "hibernation",
      "launchTemplate",
      "enclaveOptions",
      "hostId",
      {
        property: "userData",
        when: (inputs) => inputs.userDataReplaceOnChange === true,
        note: "userDataReplaceOnChange is true (otherwise the instance is stopped and started)",
      },
    ],
    source: aws("instance"),
  },
  { type: "aws:ec2/internetGateway:InternetGateway", forcesNew: [], source: aws("internet_gateway") },
  {
    type: "aws:ec2/natGateway:NatGateway",
    forcesNew: [
      "allocationId",
      "subnetId",
      "connectivityType",
      "privateIp",
      "secondaryPrivateIpAddressCount",
    ],
    source: `${aws("nat_gateway")}; schema: ${TF_SOURCE}ec2/vpc_nat_gateway.go`,
  },
  { type: "aws:ec2/routeTable:RouteTable", forcesNew: ["vpcId"], source: aws("route_table") },
  {
    type: "aws:ec2/routeTableAssociation:RouteTableAssociation",
    forcesNew: ["subnetId", "gatewayId"],
    source: aws("route_table_association"),
  },
  {
    type: "aws:ec2/securityGroup:SecurityGroup",
    forcesNew: ["name", "namePrefix", "description", "vpcId"],
    source: aws("security_group"),
  },
  {
    type: "aws:ec2/subnet:Subnet",
    forcesNew: ["availabilityZone", "availabilityZoneId", "cidrBlock", "vpcId", "outpostArn"],
    source: aws("subnet"),
  },
  {
    type: "aws:ec2/volumeAttachment:VolumeAttachment",
    forcesNew: ["deviceName", "instanceId", "volumeId"],
    source: aws("volume_attachment"),
  },
  { type: "aws:ec2/vpc:Vpc", forcesNew: ["cidrBlock", "ipv4IpamPoolId"], source: aws("vpc") },
  {
    type: "aws:ec2/vpcEndpoint:VpcEndpoint",
    forcesNew: ["vpcId", "serviceName", "vpcEndpointType"],
    source: aws("vpc_endpoint"),
  },
  {
    type: "aws:vpc/securityGroupIngressRule:SecurityGroupIngressRule",
    forcesNew: ["securityGroupId"],
    source: aws("vpc_security_group_ingress_rule"),
  },
  {
    type: "aws:vpc/securityGroupEgressRule:SecurityGroupEgressRule",
    forcesNew: ["securityGroupId"],
    source: aws("vpc_security_group_egress_rule"),
  },
  // ECS
  { type: "aws:ecs/cluster:Cluster", forcesNew: ["name"], source: aws("ecs_cluster") },
  {
    type: "aws:ecs/service:Service",
    forcesNew: ["name", "cluster", "launchType", "schedulingStrategy", "deploymentController", "iamRole"],
    source: aws("ecs_service"),
  },
  // A task definition revision is immutable: any change registers a new revision.
  {
    type: "aws:ecs/taskDefinition:TaskDefinition",
    forcesNew: "*",
    except: ["trackLatest"],
    source: aws("ecs_task_definition"),
  },
  // EFS
  {
    type: "aws:efs/accessPoint:AccessPoint",
    forcesNew: ["fileSystemId", "posixUser", "rootDirectory"],
    source: aws("efs_access_point"),
  },
  {
    type: "aws:efs/backupPolicy:BackupPolicy",
    forcesNew: ["fileSystemId"],
    source: aws("efs_backup_policy"),
  },
  {
    type: "aws:efs/fileSystem:FileSystem",
    forcesNew: ["availabilityZoneName", "creationToken", "encrypted", "kmsKeyId", "performanceMode"],
    source: `${aws("efs_file_system")}; schema: ${TF_SOURCE}efs/file_system.go`,
  },
  {
    type: "aws:efs/fileSystemPolicy:FileSystemPolicy",
    forcesNew: ["fileSystemId"],
    source: aws("efs_file_system_policy"),
  },
  {
    type: "aws:efs/mountTarget:MountTarget",
    forcesNew: ["fileSystemId", "subnetId", "ipAddress", "ipAddressType", "ipv6Address"],
    source: aws("efs_mount_target"),
  },
  // ElastiCache
  {
    type: "aws:elasticache/replicationGroup:ReplicationGroup",
    forcesNew: [
      "replicationGroupId",
      "atRestEncryptionEnabled",
      "kmsKeyId",
      "subnetGroupName",
      "port",
      "snapshotArns",
      "snapshotName",
      "dataTieringEnabled",
      "globalReplicationGroupId",
      "networkType",
      {
        property: "transitEncryptionEnabled",
        when: engineBefore705,
        note: "engine versions before 7.0.5 set in-transit encryption only at creation",
      },
    ],
    source: aws("elasticache_replication_group"),
  },
  {
    type: "aws:elasticache/subnetGroup:SubnetGroup",
    forcesNew: ["name"],
    source: aws("elasticache_subnet_group"),
  },
  // IAM
  {
    type: "aws:iam/instanceProfile:InstanceProfile",
    forcesNew: ["name", "namePrefix", "path"],
    source: aws("iam_instance_profile"),
  },
  { type: "aws:iam/role:Role", forcesNew: ["name", "namePrefix", "path"], source: aws("iam_role") },
  {
    type: "aws:iam/rolePolicy:RolePolicy",
    forcesNew: ["name", "namePrefix", "role"],
    source: aws("iam_role_policy"),
  },
  {
    type: "aws:iam/rolePolicyAttachment:RolePolicyAttachment",
    forcesNew: ["role", "policyArn"],
    source: aws("iam_role_policy_attachment"),
  },
  // Load balancing
  { type: "aws:lb/listener:Listener", forcesNew: ["loadBalancerArn"], source: aws("lb_listener") },
  { type: "aws:lb/listenerRule:ListenerRule", forcesNew: ["listenerArn"], source: aws("lb_listener_rule") },
  {
    type: "aws:lb/loadBalancer:LoadBalancer",
    forcesNew: ["name", "namePrefix", "internal", "loadBalancerType", "customerOwnedIpv4Pool"],
    source: aws("lb"),
  },
  {
    type: "aws:lb/targetGroup:TargetGroup",
    forcesNew: [
      "name",
      "namePrefix",
      "port",
      "protocol",
      "protocolVersion",
      "targetType",
      "vpcId",
      "ipAddressType",
    ],
    source: aws("lb_target_group"),
  },
  // S3
  {
    type: "aws:s3/bucket:Bucket",
    forcesNew: ["bucket", "bucketPrefix", "objectLockEnabled"],
    source: aws("s3_bucket"),
  },
  {
    type: "aws:s3/bucketLifecycleConfiguration:BucketLifecycleConfiguration",
    forcesNew: ["bucket", "expectedBucketOwner"],
    source: aws("s3_bucket_lifecycle_configuration"),
  },
  {
    type: "aws:s3/bucketOwnershipControls:BucketOwnershipControls",
    forcesNew: ["bucket"],
    source: aws("s3_bucket_ownership_controls"),
  },
  { type: "aws:s3/bucketPolicy:BucketPolicy", forcesNew: ["bucket"], source: aws("s3_bucket_policy") },
  {
    type: "aws:s3/bucketPublicAccessBlock:BucketPublicAccessBlock",
    forcesNew: ["bucket"],
    source: aws("s3_bucket_public_access_block"),
  },
  {
    type: "aws:s3/bucketServerSideEncryptionConfiguration:BucketServerSideEncryptionConfiguration",
    forcesNew: ["bucket", "expectedBucketOwner"],
    source: aws("s3_bucket_server_side_encryption_configuration"),
  },
  {
    type: "aws:s3/bucketVersioning:BucketVersioning",
    forcesNew: ["bucket", "expectedBucketOwner", "mfa"],
    source: aws("s3_bucket_versioning"),
  },
  // Secrets Manager, SSM
  {
    type: "aws:secretsmanager/secret:Secret",
    forcesNew: ["name", "namePrefix"],
    source: aws("secretsmanager_secret"),
  },
  {
    type: "aws:secretsmanager/secretVersion:SecretVersion",
    forcesNew: ["secretId", "secretString", "secretBinary"],
    source: aws("secretsmanager_secret_version"),
  },
  { type: "aws:ssm/association:Association", forcesNew: [], source: aws("ssm_association") },
  { type: "aws:ssm/document:Document", forcesNew: ["name", "documentType"], source: aws("ssm_document") },
  // Docker (single host): containers, networks and volumes are recreated on any change.
  {
    type: "docker:index/container:Container",
    forcesNew: "*",
    except: ["restart", "wait", "waitTimeout", "memory", "cpuShares"],
    source: docker("container"),
  },
  { type: "docker:index/network:Network", forcesNew: "*", source: docker("network") },
  {
    type: "docker:index/remoteImage:RemoteImage",
    forcesNew: ["name", "pullTriggers", "triggers", "platform"],
    source: docker("image"),
  },
  { type: "docker:index/volume:Volume", forcesNew: "*", source: docker("volume") },
  // MongoDB Atlas
  {
    type: "mongodbatlas:index/advancedCluster:AdvancedCluster",
    forcesNew: ["projectId", "name"],
    source: atlas("advanced_cluster"),
  },
  {
    type: "mongodbatlas:index/databaseUser:DatabaseUser",
    forcesNew: ["projectId", "username", "authDatabaseName"],
    source: atlas("database_user"),
  },
  {
    type: "mongodbatlas:index/privateLinkEndpoint:PrivateLinkEndpoint",
    forcesNew: ["projectId", "providerName", "region"],
    source: atlas("privatelink_endpoint"),
  },
  {
    type: "mongodbatlas:index/privateLinkEndpointService:PrivateLinkEndpointService",
    forcesNew: "*",
    source: atlas("privatelink_endpoint_service"),
  },
  { type: "mongodbatlas:index/project:Project", forcesNew: ["orgId"], source: atlas("project") },
  // Generated values: any argument change generates a new value.
  { type: "random:index/randomPassword:RandomPassword", forcesNew: "*", source: random("password") },
  { type: "tls:index/privateKey:PrivateKey", forcesNew: "*", source: tls("private_key") },
  { type: "tls:index/certRequest:CertRequest", forcesNew: "*", source: tls("cert_request") },
  {
    type: "tls:index/locallySignedCert:LocallySignedCert",
    forcesNew: "*",
    except: ["earlyRenewalHours"],
    source: tls("locally_signed_cert"),
  },
  {
    type: "tls:index/selfSignedCert:SelfSignedCert",
    forcesNew: "*",
    except: ["earlyRenewalHours"],
    source: tls("self_signed_cert"),
  },
  // The static site's deployment (a dynamic provider of this library): its diff never replaces.
  {
    type: "pulumi-nodejs:dynamic:Resource",
    forcesNew: [],
    source:
      "https://github.com/pulumi/pulumi/blob/master/sdk/nodejs/dynamic/index.ts (components/static/deploy-provider.ts: replaces: [])",
  },
  {
    type: "pulumi:providers:aws",
    forcesNew: [],
    source: "https://www.pulumi.com/registry/packages/aws/api-docs/provider/",
  },
];

const BY_TYPE = new Map(REPLACEMENT_RULES.map((r) => [r.type, r]));

export function ruleFor(type: string): ReplacementRule | undefined {
  return BY_TYPE.get(type);
}

/**
 * The changed inputs that replace a resource of this type, with the reason for conditional rules. A type
 * with no row is reported by the caller (it cannot say update or replace).
 */
export function forcingProperties(
  type: string,
  changed: string[],
  newInputs: Record<string, unknown>,
): { property: string; note?: string }[] {
  const rule = BY_TYPE.get(type);
  if (!rule) return [];
  if (rule.forcesNew === "*") {
    const except = new Set([...(rule.except ?? []), ...ALWAYS_IN_PLACE]);
    return changed.filter((p) => !except.has(p)).map((property) => ({ property }));
  }
  const found: { property: string; note?: string }[] = [];
  for (const entry of rule.forcesNew) {
    const f = typeof entry === "string" ? { property: entry } : entry;
    if (!changed.includes(f.property)) continue;
    if (f.when && !f.when(newInputs)) continue;
    found.push(f.note ? { property: f.property, note: f.note } : { property: f.property });
  }
  return found;
}
