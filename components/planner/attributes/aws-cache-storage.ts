/**
 * Computed attributes for the types RedisCache and SharedStorage use: ElastiCache subnet and replication
 * groups, EFS file systems, mount targets, access points and their policies.
 */
import type { AttributeModule } from "./types";
import { str } from "./types";

/** `eu-west-1` -> `euw1`, the region code in ElastiCache endpoint names. */
function regionCode(region: string): string {
  const [area, direction, number] = region.split("-");
  return `${area}${(direction ?? "").replace(/(north|south|east|west|central)/g, (w) => w[0])}${number ?? ""}`;
}

export const module: AttributeModule = {
  idPrefixes: {
    "aws:efs/fileSystem:FileSystem": "fs-",
    "aws:efs/mountTarget:MountTarget": "fsmt-",
    "aws:efs/accessPoint:AccessPoint": "fsap-",
  },
  attributes: {
    "aws:elasticache/subnetGroup:SubnetGroup": ({ inputs, name, hex, region, accountId }) => {
      // ElastiCache stores subnet group names in lower case.
      const groupName = (str(inputs.name) ?? `${name}-${hex(7)}`).toLowerCase();
      return {
        name: groupName,
        arn: `arn:aws:elasticache:${region}:${accountId}:subnetgroup:${groupName}`,
        vpcId: `vpc-${hex(17)}`,
      };
    },
    "aws:elasticache/replicationGroup:ReplicationGroup": ({ inputs, name, hex, region, accountId }) => {
      // Pulumi autonames the id from the logical name, lower-cased.
      const groupId = (str(inputs.replicationGroupId) ?? `${name}-${hex(7)}`).toLowerCase();
      const domain = `${hex(6)}.${regionCode(region)}.cache.amazonaws.com`;
      const tls = inputs.transitEncryptionEnabled === true;
      const clusters = Number(inputs.numCacheClusters ?? 1);
      return {
        replicationGroupId: groupId,
        arn: `arn:aws:elasticache:${region}:${accountId}:replicationgroup:${groupId}`,
        // With TLS the endpoints are `master.` / `replica.` names; without, the node-group names.
        primaryEndpointAddress: tls
          ? `master.${groupId}.${domain}`
          : `${groupId}.${hex(6)}.ng.0001.${domain}`,
        readerEndpointAddress: tls
          ? `replica.${groupId}.${domain}`
          : `${groupId}-ro.${hex(6)}.ng.0001.${domain}`,
        configurationEndpointAddress: "",
        port: inputs.port ?? 6379,
        memberClusters: Array.from({ length: clusters }, (_, i) => `${groupId}-00${i + 1}`),
        engineVersionActual: `${str(inputs.engineVersion) ?? "7.1"}.0`,
        clusterEnabled: false,
        clusterMode: "disabled",
        parameterGroupName: `default.${str(inputs.engine) ?? "redis"}${String(inputs.engineVersion ?? "7").split(".")[0]}`,
        transitEncryptionMode: tls ? "required" : "",
      };
    },
    "aws:efs/fileSystem:FileSystem": ({ id, region, accountId, inputs }) => ({
      arn: `arn:aws:elasticfilesystem:${region}:${accountId}:file-system/${id}`,
      dnsName: `${id}.efs.${region}.amazonaws.com`,
      ownerId: accountId,
      numberOfMountTargets: 0,
      performanceMode: inputs.performanceMode ?? "generalPurpose",
      throughputMode: inputs.throughputMode ?? "bursting",
      kmsKeyId: inputs.kmsKeyId ?? `arn:aws:kms:${region}:${accountId}:key/aws-efs-managed`,
      sizeInBytes: [{ value: 6144, valueInIa: 0, valueInStandard: 6144, valueInArchive: 0 }],
      creationToken: inputs.creationToken ?? id,
    }),
    "aws:efs/mountTarget:MountTarget": ({ id, hex, region, accountId, inputs }) => ({
      fileSystemArn: `arn:aws:elasticfilesystem:${region}:${accountId}:file-system/${str(inputs.fileSystemId)}`,
      dnsName: `${str(inputs.fileSystemId)}.efs.${region}.amazonaws.com`,
      mountTargetDnsName: `${region}a.${str(inputs.fileSystemId)}.efs.${region}.amazonaws.com`,
      ipAddress: `10.0.${parseInt(hex(2), 16) % 250}.${parseInt(hex(4).slice(2), 16) % 250}`,
      networkInterfaceId: `eni-${hex(17)}`,
      availabilityZoneName: `${region}a`,
      availabilityZoneId: `${regionCode(region)}-az1`,
      ownerId: accountId,
      id,
    }),
    "aws:efs/accessPoint:AccessPoint": ({ id, region, accountId, inputs }) => ({
      arn: `arn:aws:elasticfilesystem:${region}:${accountId}:access-point/${id}`,
      fileSystemArn: `arn:aws:elasticfilesystem:${region}:${accountId}:file-system/${str(inputs.fileSystemId)}`,
      ownerId: accountId,
    }),
    "aws:efs/fileSystemPolicy:FileSystemPolicy": ({ inputs }) => ({ fileSystemId: inputs.fileSystemId }),
    "aws:efs/backupPolicy:BackupPolicy": ({ inputs }) => ({ fileSystemId: inputs.fileSystemId }),
  },
};
