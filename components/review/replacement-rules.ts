/**
 * Which input changes replace a resource instead of updating it in place, for every resource type the
 * library creates (the recorded graphs of all Pulumi.demo*.yaml and examples/*; a test keeps the list
 * complete). The bridged providers take this from the Terraform provider schema (`ForceNew`), which the
 * provider's documentation states as "Forces new resource" / "Changing this forces a new resource"; the
 * Pulumi SDK's `.d.ts` files do not carry it. Every row links the page it was read from.
 *
 * Rows whose source is a `github.com/<owner>/terraform-provider-<name>/blob/<commit>/...` file (AWS, Docker,
 * TLS, random, MongoDB Atlas) were read from the provider's Go schema at that commit: `ForceNew: true` (SDKv2)
 * or `RequiresReplace` (plugin framework), the nested blocks whose every field forces a new resource, and the
 * `CustomizeDiff` functions that force one only in some cases (conditional rows below). Any regional AWS
 * resource is also replaced when its `region` changes (REGION_SOURCE). Rows citing a registry page follow that page, which
 * does not mark every such argument: where a page is silent, an update is reported.
 *
 * `forcesNew: "*"` marks immutable resources: every input but the listed exceptions replaces them
 * (ECS task definition revisions, Docker containers, TLS and random values).
 */

export interface ForcingProperty {
  /** Top-level input name, as Pulumi spells it (camelCase). */
  property: string;
  /**
   * Only when this holds for the new inputs (e.g. `userData` with `userDataReplaceOnChange`), or for the
   * change from the old ones (e.g. an engine version downgrade).
   */
  when?: (inputs: Record<string, unknown>, before: Record<string, unknown>) => boolean;
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
/** A provider schema file of another repository at the commit it was read from. */
const file = (repo: string, commit: string, path: string) =>
  `https://github.com/${repo}/blob/${commit}/internal/${path}`;

/** A provider schema file at the commit it was read from. */
const tf = (commit: string, file: string) =>
  `https://github.com/hashicorp/terraform-provider-aws/blob/${commit}/internal/service/${file}`;

/** Inputs that never replace: tags and Pulumi-side settings. */
const ALWAYS_IN_PLACE = ["tags", "tagsAll", "forceDestroy", "skipDestroy", "__provider"];

/** A dotted version as a comparable number ("7.0.5" -> 70005); undefined when not numeric (e.g. "7.x"). */
function versionNumber(value: unknown): number | undefined {
  if (typeof value !== "string" || !/^\d+(\.\d+){0,2}$/.test(value)) return undefined;
  const [major, minor = 0, patch = 0] = value.split(".").map((n) => Number.parseInt(n, 10));
  return major * 10_000 + minor * 100 + patch;
}

/** In-transit encryption is set at creation only on engines before 7.0.5 (the running version decides). */
function engineBefore705(inputs: Record<string, unknown>, before: Record<string, unknown>): boolean {
  const version = versionNumber(before.engineVersion ?? inputs.engineVersion);
  return version === undefined || version < 70_005;
}

/** The provider's CustomizeDiff forces a new replication group on an engine version downgrade. */
function engineVersionDowngrade(inputs: Record<string, unknown>, before: Record<string, unknown>): boolean {
  const was = versionNumber(before.engineVersion);
  const now = versionNumber(inputs.engineVersion);
  return was !== undefined && now !== undefined && now < was;
}

/** Which of a security group rule's exclusive sources is set: changing it is a new rule. */
const RULE_SOURCES = ["cidrIpv4", "cidrIpv6", "prefixListId", "referencedSecurityGroupId"];
function ruleSourceKindChanged(inputs: Record<string, unknown>, before: Record<string, unknown>): boolean {
  const kind = (i: Record<string, unknown>) =>
    RULE_SOURCES.filter((k) => i[k] !== undefined && i[k] !== null).join();
  return kind(inputs) !== kind(before);
}

const ruleSource = (property: string): ForcingProperty => ({
  property,
  when: ruleSourceKindChanged,
  note: "the rule's source changes kind (CIDR, prefix list or security group): a new rule",
});

/** What of a Cloud Map service's DNS config forces a new service: its namespace, routing policy, record types. */
function dnsConfigKey(inputs: Record<string, unknown>): string {
  const config = inputs.dnsConfig as
    { namespaceId?: unknown; routingPolicy?: unknown; dnsRecords?: { type?: unknown }[] } | undefined;
  if (!config) return "";
  return JSON.stringify([
    config.namespaceId ?? null,
    config.routingPolicy ?? null,
    (config.dnsRecords ?? []).map((r) => r.type ?? null),
  ]);
}

/** The fields of a nested object that force a new resource, compared before and after. */
function nestedChanged(property: string, fields: string[]) {
  return (inputs: Record<string, unknown>, before: Record<string, unknown>): boolean => {
    const pick = (i: Record<string, unknown>) => {
      const value = i[property];
      const items = Array.isArray(value) ? value : value === undefined || value === null ? [] : [value];
      // A block whose forcing fields are all unset is the same as no block (their zero values).
      return JSON.stringify(
        items
          .map((item) => fields.map((f) => (item as Record<string, unknown> | null)?.[f] ?? null))
          .filter((values) => values.some((v) => v !== null)),
      );
    };
    return pick(inputs) !== pick(before);
  };
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
      "validationOptions",
    ],
    source: tf("01661ea3cbe6b07ed725b03c587d24ceb464484a", "acm/certificate.go"),
  },
  {
    type: "aws:acm/certificateValidation:CertificateValidation",
    forcesNew: ["certificateArn", "validationRecordFqdns"],
    source: tf("004eea7f9b6658d88d652e89e10c7520a10ad6b8", "acm/certificate_validation.go"),
  },
  {
    type: "aws:route53/record:Record",
    // A new type or set identifier is applied by the update (delete and create in one change batch).
    forcesNew: ["zoneId", "name"],
    source: tf("00655c1681ea1e49ab10cd32d3f8bee372b2095b", "route53/record.go"),
  },
  {
    type: "aws:route53/zone:Zone",
    forcesNew: ["name", "delegationSetId"],
    source: tf("036631a1dee59efb6d1986c0a19b373402bda29f", "route53/zone.go"),
  },
  // Scaling
  {
    type: "aws:appautoscaling/policy:Policy",
    forcesNew: ["name", "resourceId", "scalableDimension", "serviceNamespace"],
    source: tf("048320e88399c508ae6481be5d8ef6fd6f71a9f6", "appautoscaling/policy.go"),
  },
  {
    type: "aws:appautoscaling/target:Target",
    forcesNew: ["resourceId", "scalableDimension", "serviceNamespace"],
    source: tf("cd3a8a7b3235fa358e3e8b5d7ea67f0cb5a4618e", "appautoscaling/target.go"),
  },
  // Backups
  {
    type: "aws:backup/plan:Plan",
    forcesNew: ["name"],
    source: tf("01f431114674c27cf790fafb67ac274bf8f765e1", "backup/plan.go"),
  },
  {
    type: "aws:backup/selection:Selection",
    forcesNew: ["name", "planId", "iamRoleArn", "resources", "notResources", "selectionTags", "conditions"],
    source: tf("00a35305dc1b297a6fcdecdfbba33f1e63c3da39", "backup/selection.go"),
  },
  {
    type: "aws:backup/vault:Vault",
    forcesNew: ["name", "kmsKeyArn"],
    source: tf("050ac11163cab8cdae5936a7f40b0e528ff780df", "backup/vault.go"),
  },
  // No update function: every argument forces a new lock configuration.
  {
    type: "aws:backup/vaultLockConfiguration:VaultLockConfiguration",
    forcesNew: "*",
    source: tf("01606926a0c0ab9174aec440f976a48b0baee722", "backup/vault_lock_configuration.go"),
  },
  // CloudFront
  // Everything else is sent again with UpdateDistribution; a staging distribution is one from its creation.
  {
    type: "aws:cloudfront/distribution:Distribution",
    forcesNew: ["staging"],
    source: tf("023c8e5cf1eeec38d589281d77a7a960068ae20c", "cloudfront/distribution.go"),
  },
  {
    type: "aws:cloudfront/function:Function",
    forcesNew: ["name"],
    source: tf("0b7740999b9986c505efc94bb82d14d447d1a53e", "cloudfront/function.go"),
  },
  {
    type: "aws:cloudfront/originAccessControl:OriginAccessControl",
    forcesNew: [],
    source: tf("01c08000ddb14181b5bd19201d8fca311dc570e4", "cloudfront/origin_access_control.go"),
  },
  {
    type: "aws:cloudfront/responseHeadersPolicy:ResponseHeadersPolicy",
    forcesNew: [],
    source: tf("0015017ad4056c21b70ab87f24a39c720202878f", "cloudfront/response_headers_policy.go"),
  },
  // CloudWatch, SNS
  {
    type: "aws:cloudwatch/dashboard:Dashboard",
    forcesNew: ["dashboardName"],
    source: tf("0620f2a6a126dfcbc4aecbc9a117b0fbea1656ff", "cloudwatch/dashboard.go"),
  },
  {
    type: "aws:cloudwatch/logGroup:LogGroup",
    forcesNew: ["name", "namePrefix", "logGroupClass"],
    source: tf("0073593e7d6993ba482409f4dc35438daaa79bb3", "logs/group.go"),
  },
  {
    type: "aws:cloudwatch/metricAlarm:MetricAlarm",
    forcesNew: ["name"],
    source: tf("055611a654738da73e7b1e2b5d2b7672c6d4d531", "cloudwatch/metric_alarm.go"),
  },
  {
    type: "aws:sns/topic:Topic",
    forcesNew: ["name", "namePrefix", "fifoTopic"],
    source: tf("cda04ab9f781590765d09e3883f1f56e29710079", "sns/topic.go"),
  },
  {
    type: "aws:sns/topicPolicy:TopicPolicy",
    forcesNew: ["arn"],
    source: tf("00a35305dc1b297a6fcdecdfbba33f1e63c3da39", "sns/topic_policy.go"),
  },
  {
    type: "aws:sns/topicSubscription:TopicSubscription",
    forcesNew: ["topic", "protocol", "endpoint"],
    source: tf("04a2e6e5bc625ec85ea8c678219b483fc674877e", "sns/topic_subscription.go"),
  },
  // Cognito
  {
    type: "aws:cognito/userPool:UserPool",
    // Schema attributes are added in place (AddCustomAttributes); the API refuses to change or remove one.
    forcesNew: ["name", "aliasAttributes", "usernameAttributes", "usernameConfiguration"],
    source: tf("015edb133ea64d879a0fdd1551d0c8daee7d4995", "cognitoidp/user_pool.go"),
  },
  {
    type: "aws:cognito/userPoolClient:UserPoolClient",
    forcesNew: ["userPoolId", "generateSecret"],
    source: tf("01f431114674c27cf790fafb67ac274bf8f765e1", "cognitoidp/user_pool_client.go"),
  },
  // The stored schema file (01c08000) has no update function, so its certificateArn forced a new domain; the
  // installed SDK's managedLoginVersion comes from a later version that updates in place. Not settled: page only.
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
      "port",
      "storageEncrypted",
      "restoreToPointInTime",
      {
        property: "snapshotIdentifier",
        when: (inputs) => Boolean(inputs.snapshotIdentifier),
        note: "a snapshot to restore from (removing it does not replace the cluster)",
      },
      {
        property: "serverlessV2ScalingConfiguration",
        when: (inputs, before) =>
          Boolean(before.serverlessV2ScalingConfiguration) && !inputs.serverlessV2ScalingConfiguration,
        note: "removing the serverless v2 scaling configuration",
      },
    ],
    source: tf("010e0435dc8db1659cf12498559d8897d6fddab0", "docdb/cluster.go"),
  },
  {
    type: "aws:docdb/clusterInstance:ClusterInstance",
    forcesNew: ["identifier", "identifierPrefix", "clusterIdentifier", "engine", "availabilityZone"],
    source: tf("03b4c0151077e7985f960b41372796da8232e082", "docdb/cluster_instance.go"),
  },
  {
    type: "aws:docdb/clusterParameterGroup:ClusterParameterGroup",
    forcesNew: ["name", "namePrefix", "family", "description"],
    source: tf("0015017ad4056c21b70ab87f24a39c720202878f", "docdb/cluster_parameter_group.go"),
  },
  {
    type: "aws:docdb/subnetGroup:SubnetGroup",
    forcesNew: ["name", "namePrefix"],
    source: tf("040f52afb867d04fcdfb701997428286c1d8dd0b", "docdb/subnet_group.go"),
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
    source: tf("0073593e7d6993ba482409f4dc35438daaa79bb3", "ec2/ebs_volume.go"),
  },
  {
    type: "aws:ec2/defaultSecurityGroup:DefaultSecurityGroup",
    forcesNew: ["vpcId"],
    source: tf("01f431114674c27cf790fafb67ac274bf8f765e1", "ec2/vpc_default_security_group.go"),
  },
  {
    type: "aws:ec2/eip:Eip",
    forcesNew: ["domain", "address", "networkBorderGroup", "publicIpv4Pool", "ipamPoolId"],
    source: tf("01606926a0c0ab9174aec440f976a48b0baee722", "ec2/ec2_eip.go"),
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
      "placementPartitionNumber",
      "associatePublicIpAddress",
      "ebsOptimized",
      "securityGroups",
      "tenancy",
      "ipv6AddressCount",
      "ipv6Addresses",
      "privateDnsNameOptions",
      // Nested blocks every field of which forces a new instance (an EBS block device's tags aside).
      "ebsBlockDevices",
      "ephemeralBlockDevices",
      "networkInterfaces",
      "primaryNetworkInterface",
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
      {
        property: "userDataBase64",
        when: (inputs) => inputs.userDataReplaceOnChange === true,
        note: "userDataReplaceOnChange is true (otherwise the instance is stopped and started)",
      },
    ],
    source: tf("0015dfcd06d5d78e5e1c3cabe8cea837d379d1c7", "ec2/ec2_instance.go"),
  },
  // Every argument of a flow log forces a new one (its update changes tags only).
  {
    type: "aws:ec2/flowLog:FlowLog",
    forcesNew: "*",
    source: tf("00a35305dc1b297a6fcdecdfbba33f1e63c3da39", "ec2/vpc_flow_log.go"),
  },
  {
    type: "aws:ec2/internetGateway:InternetGateway",
    forcesNew: [],
    source: tf("08923b68b5ad6fcfdd38362fb5247e39a9b07add", "ec2/vpc_internet_gateway.go"),
  },
  {
    type: "aws:ec2/natGateway:NatGateway",
    // availabilityMode and vpcId (regional NAT gateways) are ForceNew in a newer stored version of
    // the same file, whose commit the index does not record; that version also lets
    // secondaryPrivateIpAddressCount update in place, kept here as replacing until a commit confirms it.
    forcesNew: [
      "allocationId",
      "subnetId",
      "connectivityType",
      "privateIp",
      "secondaryPrivateIpAddressCount",
      "availabilityMode",
      "vpcId",
    ],
    source: tf("04088eaa54948421bf1ef7494ae2b2c01d9243e3", "ec2/vpc_nat_gateway.go"),
  },
  {
    type: "aws:ec2/routeTable:RouteTable",
    forcesNew: ["vpcId"],
    source: tf("022092419b7cda11527df3c6b51cbfe1876c1722", "ec2/vpc_route_table.go"),
  },
  {
    type: "aws:ec2/routeTableAssociation:RouteTableAssociation",
    forcesNew: ["subnetId", "gatewayId"],
    source: tf("0be71beb458ad8875e0acc5c91519c0ceeb214aa", "ec2/vpc_route_table_association.go"),
  },
  // Inline ingress and egress rules are updated in place (revoked and authorized one by one).
  {
    type: "aws:ec2/securityGroup:SecurityGroup",
    forcesNew: ["name", "namePrefix", "description", "vpcId"],
    source: tf("01606926a0c0ab9174aec440f976a48b0baee722", "ec2/vpc_security_group.go"),
  },
  {
    type: "aws:ec2/subnet:Subnet",
    forcesNew: [
      "availabilityZone",
      "availabilityZoneId",
      "cidrBlock",
      "vpcId",
      "outpostArn",
      "ipv4IpamPoolId",
      "ipv4NetmaskLength",
      "ipv6IpamPoolId",
      "ipv6NetmaskLength",
      "ipv6Native",
      {
        property: "ipv6CidrBlock",
        when: (_inputs, before) => before.assignIpv6AddressOnCreation === true,
        note: "the subnet assigned IPv6 addresses on creation",
      },
    ],
    source: tf("00cda125a19d31754cb0d073cf551264c57955cb", "ec2/vpc_subnet.go"),
  },
  {
    type: "aws:ec2/volumeAttachment:VolumeAttachment",
    forcesNew: ["deviceName", "instanceId", "volumeId"],
    source: tf("0620f2a6a126dfcbc4aecbc9a117b0fbea1656ff", "ec2/ebs_volume_attachment.go"),
  },
  {
    type: "aws:ec2/vpc:Vpc",
    forcesNew: ["cidrBlock", "ipv4IpamPoolId", "ipv4NetmaskLength"],
    source: tf("00081ce41cc691433ac19bf42227cdabffd0454d", "ec2/vpc_.go"),
  },
  {
    type: "aws:ec2/vpcEndpoint:VpcEndpoint",
    forcesNew: [
      "vpcId",
      "serviceName",
      "vpcEndpointType",
      "resourceConfigurationArn",
      "serviceNetworkArn",
      "serviceRegion",
      {
        property: "privateDnsEnabled",
        when: (inputs) => (inputs.vpcEndpointType ?? "Gateway") !== "Interface",
        note: "private DNS is set at creation on gateway endpoints",
      },
      {
        property: "dnsOptions",
        when: nestedChanged("dnsOptions", ["privateDnsPreference", "privateDnsSpecifiedDomains"]),
        note: "the private DNS preference or specified domains changed",
      },
    ],
    source: tf("008db85aad5e56627b1eecab8830464a282552ed", "ec2/vpc_endpoint.go"),
  },
  // Ports, protocol, description and the source itself update in place (ModifySecurityGroupRules); a
  // source of another kind (a CIDR for a security group, say) is a new rule.
  {
    type: "aws:vpc/securityGroupIngressRule:SecurityGroupIngressRule",
    forcesNew: ["securityGroupId", ...RULE_SOURCES.map(ruleSource)],
    source: tf("00a322094b4b9ade8a81b244345dbcf4b52ee8d6", "ec2/vpc_security_group_ingress_rule.go"),
  },
  {
    type: "aws:vpc/securityGroupEgressRule:SecurityGroupEgressRule",
    forcesNew: ["securityGroupId", ...RULE_SOURCES.map(ruleSource)],
    source: `${aws("vpc_security_group_egress_rule")}; the same implementation as the ingress rule: ${tf(
      "00a322094b4b9ade8a81b244345dbcf4b52ee8d6",
      "ec2/vpc_security_group_ingress_rule.go",
    )}`,
  },
  // ECR (the private registry's repository)
  {
    type: "aws:ecr/repository:Repository",
    forcesNew: ["name", "encryptionConfigurations"],
    source: tf("0072eea2d6046230a1fb7717741c17fd2122175e", "ecr/repository.go"),
  },
  // No update function: a new policy text is a new lifecycle policy.
  {
    type: "aws:ecr/lifecyclePolicy:LifecyclePolicy",
    forcesNew: "*",
    source: tf("00a35305dc1b297a6fcdecdfbba33f1e63c3da39", "ecr/lifecycle_policy.go"),
  },
  // ECS
  {
    type: "aws:ecs/cluster:Cluster",
    forcesNew: ["name"],
    source: tf("00a35305dc1b297a6fcdecdfbba33f1e63c3da39", "ecs/cluster.go"),
  },
  {
    type: "aws:ecs/service:Service",
    forcesNew: ["name", "cluster", "launchType", "schedulingStrategy", "deploymentController", "iamRole"],
    source: `${aws("ecs_service")}; its update sets every other argument: ${tf(
      "00a919d1548eb437816d4838f320502ad34183ff",
      "ecs/service.go",
    )}`,
  },
  // A task definition revision is immutable: any change registers a new revision.
  {
    type: "aws:ecs/taskDefinition:TaskDefinition",
    forcesNew: "*",
    except: ["trackLatest"],
    source: `${tf("04fc21d56d73cb67a9bbef2aedcffe8fbfd07286", "ecs/task_definition.go")} (trackLatest: ${aws(
      "ecs_task_definition",
    )})`,
  },
  // EFS
  {
    type: "aws:efs/accessPoint:AccessPoint",
    forcesNew: ["fileSystemId", "posixUser", "rootDirectory"],
    source: tf("01606926a0c0ab9174aec440f976a48b0baee722", "efs/access_point.go"),
  },
  {
    type: "aws:efs/backupPolicy:BackupPolicy",
    forcesNew: ["fileSystemId"],
    source: tf("0053447c4da49d4bb8e7a3a46f35f56b48452e46", "efs/backup_policy.go"),
  },
  {
    type: "aws:efs/fileSystem:FileSystem",
    forcesNew: ["availabilityZoneName", "creationToken", "encrypted", "kmsKeyId", "performanceMode"],
    source: tf("0389f4671dd9086cbe548d8eeabf0df30d1c38d9", "efs/file_system.go"),
  },
  {
    type: "aws:efs/fileSystemPolicy:FileSystemPolicy",
    forcesNew: ["fileSystemId"],
    source: tf("087097a68b68be9761009ca90398d82adeb7b860", "efs/file_system_policy.go"),
  },
  {
    type: "aws:efs/mountTarget:MountTarget",
    forcesNew: ["fileSystemId", "subnetId", "ipAddress", "ipAddressType", "ipv6Address"],
    source: `${tf("0593466d96e383de3f75587805537f6e590ebf4e", "efs/mount_target.go")} (ipAddressType, ipv6Address: ${aws(
      "efs_mount_target",
    )})`,
  },
  // ElastiCache
  {
    type: "aws:elasticache/replicationGroup:ReplicationGroup",
    forcesNew: [
      "replicationGroupId",
      "atRestEncryptionEnabled",
      "kmsKeyId",
      "subnetGroupName",
      "securityGroupNames",
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
      // Engine, engine version (upwards) and node type are modified in place.
      {
        property: "engineVersion",
        when: engineVersionDowngrade,
        note: "an engine version downgrade",
      },
      {
        property: "engine",
        when: (inputs, before) => before.engine === "valkey" && inputs.engine === "redis",
        note: "Valkey back to Redis OSS",
      },
    ],
    source: tf("001b6364c1a3b3045e152f655440a6d47eb44a70", "elasticache/replication_group.go"),
  },
  {
    type: "aws:elasticache/subnetGroup:SubnetGroup",
    forcesNew: ["name"],
    source: tf("01c08000ddb14181b5bd19201d8fca311dc570e4", "elasticache/subnet_group.go"),
  },
  // IAM
  {
    type: "aws:iam/instanceProfile:InstanceProfile",
    forcesNew: ["name", "namePrefix", "path"],
    source: tf("013f1736b90439e5a19567a87d3e5cd11858c420", "iam/instance_profile.go"),
  },
  {
    type: "aws:iam/role:Role",
    forcesNew: ["name", "namePrefix", "path"],
    source: tf("0040ea6911af00bea2cca6dbb14e86829826ad8e", "iam/role.go"),
  },
  {
    type: "aws:iam/rolePolicy:RolePolicy",
    forcesNew: ["name", "namePrefix", "role"],
    source: tf("02f97af85f89a04e8ed89f5e8b64a9a67f3cfe07", "iam/role_policy.go"),
  },
  {
    type: "aws:iam/rolePolicyAttachment:RolePolicyAttachment",
    forcesNew: ["role", "policyArn"],
    source: tf("04c79849dbe7fbe76c3054b364357bcdaade9ac5", "iam/role_policy_attachment.go"),
  },
  // Load balancing
  {
    type: "aws:lb/listener:Listener",
    forcesNew: ["loadBalancerArn"],
    source: tf("01c08000ddb14181b5bd19201d8fca311dc570e4", "elbv2/listener.go"),
  },
  {
    type: "aws:lb/listenerRule:ListenerRule",
    forcesNew: ["listenerArn"],
    source: tf("fd91d1b7945cd7b14e91b4f8e9770d14a6f793d9", "elbv2/listener_rule.go"),
  },
  {
    type: "aws:lb/loadBalancer:LoadBalancer",
    forcesNew: ["name", "namePrefix", "internal", "loadBalancerType", "customerOwnedIpv4Pool"],
    source: tf("00edc94be7a89c4c485415cdec27094875f61bfc", "elbv2/load_balancer.go"),
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
    source: tf("013cfb4cddc9c44a28f34abad0c11768bcdb9b85", "elbv2/target_group.go"),
  },
  // Cloud Map (service discovery)
  {
    type: "aws:servicediscovery/privateDnsNamespace:PrivateDnsNamespace",
    forcesNew: ["name", "vpc"],
    source: tf("00a35305dc1b297a6fcdecdfbba33f1e63c3da39", "servicediscovery/private_dns_namespace.go"),
  },
  {
    type: "aws:servicediscovery/service:Service",
    forcesNew: [
      "name",
      "namespaceId",
      "type",
      "healthCheckCustomConfig",
      {
        property: "dnsConfig",
        when: (inputs, before) => dnsConfigKey(inputs) !== dnsConfigKey(before),
        note: "the namespace, routing policy or a record type changed (TTLs update in place)",
      },
    ],
    source: tf("034cebb6d5e3536ed380e869dcf9227a29bb8a15", "servicediscovery/service.go"),
  },
  // EventBridge Scheduler
  {
    type: "aws:scheduler/schedule:Schedule",
    forcesNew: ["name", "namePrefix", "groupName"],
    source: tf("02f524b9e9cc109457eeba63867c83e70af99455", "scheduler/schedule.go"),
  },
  // S3
  {
    type: "aws:s3/bucket:Bucket",
    forcesNew: [
      "bucket",
      "bucketPrefix",
      "objectLockEnabled",
      // The deprecated block's own objectLockEnabled forces a new bucket; its retention rule updates in place.
      {
        property: "objectLockConfiguration",
        when: nestedChanged("objectLockConfiguration", ["objectLockEnabled"]),
        note: "Object Lock is turned on or off (its retention rule alone updates in place)",
      },
      // Newer than the stored schema file: the namespace is a CreateBucket-only setting of the bucket's name.
      "bucketNamespace",
    ],
    source: tf("4c72bcc7dc2f5ace40ce61f2a90e12a62cf4ec9a", "s3/bucket.go"),
  },
  {
    type: "aws:s3/bucketLifecycleConfiguration:BucketLifecycleConfiguration",
    forcesNew: ["bucket", "expectedBucketOwner"],
    source: tf("edd83424302044e8c32a0ca62412fa55499cd136", "s3/bucket_lifecycle_configuration.go"),
  },
  {
    type: "aws:s3/bucketOwnershipControls:BucketOwnershipControls",
    forcesNew: ["bucket"],
    source: tf("adeb84220edfee93498e1f578c12333affe9a56d", "s3/bucket_ownership_controls.go"),
  },
  {
    type: "aws:s3/bucketPolicy:BucketPolicy",
    forcesNew: ["bucket"],
    source: tf("c7cbd9b0a67d048c2ce5b12b3569da703524892b", "s3/bucket_policy.go"),
  },
  {
    type: "aws:s3/bucketPublicAccessBlock:BucketPublicAccessBlock",
    forcesNew: ["bucket"],
    source: tf("30b8cc6de5e6843e30f28a55336ba47ededbfc4f", "s3/bucket_public_access_block.go"),
  },
  {
    type: "aws:s3/bucketServerSideEncryptionConfiguration:BucketServerSideEncryptionConfiguration",
    forcesNew: ["bucket", "expectedBucketOwner"],
    source: tf(
      "01606926a0c0ab9174aec440f976a48b0baee722",
      "s3/bucket_server_side_encryption_configuration.go",
    ),
  },
  {
    type: "aws:s3/bucketVersioning:BucketVersioning",
    // The MFA serial and token are sent with each PutBucketVersioning call: a new one updates in place.
    forcesNew: ["bucket", "expectedBucketOwner"],
    source: tf("01c08000ddb14181b5bd19201d8fca311dc570e4", "s3/bucket_versioning.go"),
  },
  // Secrets Manager, SSM
  {
    type: "aws:secretsmanager/secret:Secret",
    forcesNew: ["name", "namePrefix"],
    source: tf("00c21cedec069dd27093b175baf15bac6d4b30fe", "secretsmanager/secret.go"),
  },
  {
    type: "aws:secretsmanager/secretVersion:SecretVersion",
    forcesNew: ["secretId", "secretString", "secretBinary", "secretStringWoVersion"],
    source: tf("0042e8ea0de293c6cd8b003f89f7f4d2fb5fcf31", "secretsmanager/secret_version.go"),
  },
  {
    type: "aws:ssm/association:Association",
    forcesNew: ["name"],
    source: tf("125653582e5d51acc9338d98ec2c83a80d9aad3f", "ssm/association.go"),
  },
  // The document type is sent at creation only; the provider does not replace the document for a new one.
  {
    type: "aws:ssm/document:Document",
    forcesNew: ["name"],
    source: tf("0105d2191ae7e43ba37ba011b916843eddf361ed", "ssm/document.go"),
  },
  // Docker (single host): every container argument is ForceNew but the restart policy and resource limits (the
  // provider's update calls ContainerUpdate with them) and the provider-side settings (waiting, logs, removal).
  {
    type: "docker:index/container:Container",
    forcesNew: "*",
    except: [
      "restart",
      "maxRetryCount",
      "memory",
      "memorySwap",
      "cpuShares",
      "cpuSet",
      "cpuPeriod",
      "cpuQuota",
      "rm",
      "start",
      "wait",
      "waitTimeout",
      "attach",
      "logs",
      "mustRun",
      "removeVolumes",
      "destroyGraceSeconds",
      "containerReadRefreshTimeoutMilliseconds",
      "tmpfs",
      "healthcheck",
      "init",
    ],
    source: file(
      "kreuzwerker/terraform-provider-docker",
      "042f771a818e9d4b8c37fa2993a37b38b3822cab",
      "provider/resource_docker_container.go",
    ),
  },
  // Built and pushed by the Docker provider itself (not bridged): its Diff reports every change as an
  // update (a new build), never a replacement.
  {
    type: "docker:index/image:Image",
    forcesNew: [],
    source:
      "https://github.com/pulumi/pulumi-docker/blob/00e49bb760b32d5f2f78d1adb6753ea8026c039c/provider/provider.go",
  },
  // Networks and volumes have no update function: every argument is ForceNew.
  {
    type: "docker:index/network:Network",
    forcesNew: "*",
    source: file(
      "kreuzwerker/terraform-provider-docker",
      "9c227a8846aed84abb4ef2af093d9b5e5624575f",
      "provider/resource_docker_network.go",
    ),
  },
  {
    type: "docker:index/remoteImage:RemoteImage",
    // platform is newer than the file read, from the registry page.
    forcesNew: ["name", "pullTriggers", "triggers", "platform"],
    source: file(
      "kreuzwerker/terraform-provider-docker",
      "051297abc1e0fd1f4b9a2a716082ffbefd24b73a",
      "provider/resource_docker_image.go",
    ),
  },
  {
    type: "docker:index/volume:Volume",
    forcesNew: "*",
    source: file(
      "kreuzwerker/terraform-provider-docker",
      "013b65e4158178aeaaaed5bf3c4c414ab690a08a",
      "provider/resource_docker_volume.go",
    ),
  },
  // MongoDB Atlas
  {
    type: "mongodbatlas:index/advancedCluster:AdvancedCluster",
    // Only project_id and name carry RequiresReplace; instance sizes, regions and disk update in place.
    forcesNew: ["projectId", "name"],
    source: file(
      "mongodb/terraform-provider-mongodbatlas",
      "6839dd06917eadd3d17d6e366d8e3bf6a2764e36",
      "service/advancedcluster/schema.go",
    ),
  },
  {
    type: "mongodbatlas:index/databaseUser:DatabaseUser",
    // The authentication database is sent with UpdateDatabaseUser: not RequiresReplace.
    forcesNew: ["projectId", "username"],
    source: file(
      "mongodb/terraform-provider-mongodbatlas",
      "3f053aec321347fdee861f79fe8d2361f701aba1",
      "service/databaseuser/resource_database_user.go",
    ),
  },
  {
    type: "mongodbatlas:index/privateLinkEndpoint:PrivateLinkEndpoint",
    forcesNew: ["projectId", "providerName", "region"],
    source: file(
      "mongodb/terraform-provider-mongodbatlas",
      "0421d428b9bc11b059b1eddd075f7c5a23f4faa2",
      "service/privatelinkendpoint/resource_privatelink_endpoint.go",
    ),
  },
  {
    type: "mongodbatlas:index/privateLinkEndpointService:PrivateLinkEndpointService",
    // No update function: every argument is ForceNew except endpoints and privateEndpointIpAddress,
    // which cannot change in place either.
    forcesNew: "*",
    source: file(
      "mongodb/terraform-provider-mongodbatlas",
      "01997bc3bab19b85d93c0b9139963dfa2a1eac45",
      "service/privatelinkendpointservice/resource.go",
    ),
  },
  {
    type: "mongodbatlas:index/project:Project",
    forcesNew: ["orgId"],
    source: file(
      "mongodb/terraform-provider-mongodbatlas",
      "d89e78ca7d6c897a1d6b3f61894c42fcac1583c9",
      "service/project/resource_project_schema.go",
    ),
  },
  // Generated values: any argument change generates a new value.
  // Every argument of a random password has RequiresReplace (override_special: unless "" becomes unset).
  {
    type: "random:index/randomPassword:RandomPassword",
    forcesNew: "*",
    source: file(
      "hashicorp/terraform-provider-random",
      "c054b4769837f07ce6dcff3eeaea47f16f1000b6",
      "provider/resource_password.go",
    ),
  },
  {
    type: "tls:index/privateKey:PrivateKey",
    forcesNew: "*",
    source: file(
      "hashicorp/terraform-provider-tls",
      "b49f7040d061123871f6fe6782251f8a0d23278e",
      "provider/resource_private_key.go",
    ),
  },
  {
    type: "tls:index/certRequest:CertRequest",
    forcesNew: "*",
    source: file(
      "hashicorp/terraform-provider-tls",
      "8486b516095978f063cf6bcab09fd835df43625d",
      "provider/resource_cert_request.go",
    ),
  },
  {
    type: "tls:index/locallySignedCert:LocallySignedCert",
    forcesNew: "*",
    // Neither has RequiresReplace; expiry within earlyRenewalHours replaces the certificate at plan time.
    except: ["earlyRenewalHours", "maxPathLength"],
    source: file(
      "hashicorp/terraform-provider-tls",
      "1586a221aaba508fd9a4726d09f9c84ca6c58f19",
      "provider/resource_locally_signed_cert.go",
    ),
  },
  {
    type: "tls:index/selfSignedCert:SelfSignedCert",
    forcesNew: "*",
    except: ["earlyRenewalHours", "maxPathLength"],
    source: file(
      "hashicorp/terraform-provider-tls",
      "7a60d4a3676e5552580befd727f0dfd5b0dbed7d",
      "provider/resource_self_signed_cert.go",
    ),
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
  {
    type: "pulumi:providers:docker",
    forcesNew: [],
    source: "https://www.pulumi.com/registry/packages/docker/api-docs/provider/",
  },
];

/**
 * Provider v6's per-resource `region`: every regional resource of the AWS provider is replaced when it moves to
 * another region (a CustomizeDiff or ModifyPlan interceptor the provider adds to each resource), except between
 * unset and the provider's own region, which the plan does not record.
 */
export const REGION_SOURCE = [
  "https://github.com/hashicorp/terraform-provider-aws/blob/4640a66635ff36287cdb9ce0683daefda6c188c7/internal/provider/sdkv2/region.go",
  "https://github.com/hashicorp/terraform-provider-aws/blob/49ccbaf09afa70fc99723ed2f9eac04251a17475/internal/provider/fwprovider/region.go",
];

function regionMove(
  inputs: Record<string, unknown>,
  before: Record<string, unknown>,
): ForcingProperty | undefined {
  const [was, now] = [before.region, inputs.region];
  const set = (v: unknown) => typeof v === "string" && v !== "";
  if (was === now || (!set(was) && !set(now))) return undefined;
  return set(was) && set(now)
    ? { property: "region" }
    : { property: "region", note: "unless the region set or removed is the provider's own region" };
}

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
  oldInputs: Record<string, unknown> = {},
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
    if (f.when && !f.when(newInputs, oldInputs)) continue;
    found.push(f.note ? { property: f.property, note: f.note } : { property: f.property });
  }
  const region =
    type.startsWith("aws:") && changed.includes("region") ? regionMove(newInputs, oldInputs) : undefined;
  if (region) found.push(region);
  return found;
}
