/**
 * Computed attributes for the types MongoCluster uses: EBS volumes and attachments, Route 53 private
 * zones and records, IAM role policies, DocumentDB, and the generated secrets of @pulumi/random and
 * @pulumi/tls (fake but recognisable PEM blocks, distinct per resource, so tests can look for them).
 */
import type { AttributeModule } from "./types";
import { str } from "./types";
import { selfSignedCertificate } from "./x509";

/** When the harness's certificates start: fixed, so a plan is the same every time. */
const CERTIFICATE_START = "2026-01-01T00:00:00Z";

function pem(label: string, body: string): string {
  const lines = body.match(/.{1,64}/g) ?? [];
  return `-----BEGIN ${label}-----\n${lines.join("\n")}\n-----END ${label}-----\n`;
}

/** A password of the requested length from the resource's stable hex, with some upper-case letters. */
function password(hex: (n: number) => string, length: number): string {
  return hex(length)
    .split("")
    .map((c, i) => (i % 3 === 0 ? c.toUpperCase() : c))
    .join("");
}

export const module: AttributeModule = {
  idPrefixes: {
    "aws:ec2/volumeAttachment:VolumeAttachment": "vai-",
    "aws:route53/zone:Zone": "Z",
  },
  attributes: {
    // An SSM document's name is its id; a new document is at version 1.
    "aws:ssm/document:Document": ({ id, region, accountId, inputs }) => ({
      name: str(inputs.name) ?? id,
      arn: `arn:aws:ssm:${region}:${accountId}:document/${str(inputs.name) ?? id}`,
      latestVersion: "1",
      defaultVersion: "1",
      documentVersion: "1",
      status: "Active",
      owner: accountId,
    }),
    "aws:ssm/association:Association": ({ id, region, accountId }) => ({
      associationId: id,
      arn: `arn:aws:ssm:${region}:${accountId}:association/${id}`,
    }),
    "aws:ebs/volume:Volume": ({ id, region, accountId, inputs }) => ({
      arn: `arn:aws:ec2:${region}:${accountId}:volume/${id}`,
      iops: inputs.iops ?? (inputs.type === "gp3" ? 3000 : undefined),
      throughput: inputs.throughput ?? (inputs.type === "gp3" ? 125 : undefined),
    }),
    "aws:route53/zone:Zone": ({ id, inputs, hex }) => ({
      zoneId: id.toUpperCase(),
      arn: `arn:aws:route53:::hostedzone/${id.toUpperCase()}`,
      name: str(inputs.name),
      nameServers: ["ns-0.awsdns-00.com.", `ns-${parseInt(hex(3), 16) % 2000}.awsdns-01.net.`],
      primaryNameServer: "ns-0.awsdns-00.com.",
    }),
    "aws:route53/record:Record": ({ inputs }) => ({ fqdn: str(inputs.name) }),
    "aws:iam/rolePolicy:RolePolicy": ({ inputs, name, hex }) => {
      const policyName = str(inputs.name) ?? `${name}-${hex(7)}`;
      return { name: policyName };
    },
    "aws:docdb/subnetGroup:SubnetGroup": ({ inputs, name, hex, region, accountId }) => {
      const groupName = str(inputs.name) ?? `${name}-${hex(7)}`;
      return { name: groupName, arn: `arn:aws:rds:${region}:${accountId}:subgrp:${groupName}` };
    },
    "aws:docdb/clusterParameterGroup:ClusterParameterGroup": ({ inputs, name, hex, region, accountId }) => {
      const groupName = str(inputs.name) ?? `${name}-${hex(7)}`;
      return { name: groupName, arn: `arn:aws:rds:${region}:${accountId}:cluster-pg:${groupName}` };
    },
    "aws:docdb/cluster:Cluster": ({ inputs, id, hex, region, accountId }) => {
      const identifier = str(inputs.clusterIdentifier) ?? id;
      const suffix = `${hex(12)}.${region}.docdb.amazonaws.com`;
      return {
        clusterIdentifier: identifier,
        arn: `arn:aws:rds:${region}:${accountId}:cluster:${identifier}`,
        endpoint: `${identifier}.cluster-${suffix}`,
        readerEndpoint: `${identifier}.cluster-ro-${suffix}`,
        port: inputs.port ?? 27017,
        clusterResourceId: `cluster-${hex(26).toUpperCase()}`,
        hostedZoneId: "ZMESEXB7ZGGQ3",
        clusterMembers: [],
      };
    },
    "aws:docdb/clusterInstance:ClusterInstance": ({ inputs, id, hex, region, accountId }) => {
      const identifier = str(inputs.identifier) ?? id;
      return {
        identifier,
        arn: `arn:aws:rds:${region}:${accountId}:db:${identifier}`,
        endpoint: `${identifier}.${hex(12)}.${region}.docdb.amazonaws.com`,
        port: 27017,
        writer: false,
        dbiResourceId: `db-${hex(26).toUpperCase()}`,
      };
    },
    "random:index/randomPassword:RandomPassword": ({ inputs, hex }) => {
      const result = password(hex, Number(inputs.length ?? 16));
      return { result, bcryptHash: `$2a$10$${hex(53)}` };
    },
    "random:index/randomString:RandomString": ({ inputs, hex }) => ({
      result: password(hex, Number(inputs.length ?? 16)),
    }),
    "tls:index/privateKey:PrivateKey": ({ hex, name }) => ({
      privateKeyPem: pem("PRIVATE KEY", `FAKEKEY${name.replace(/[^A-Za-z0-9]/g, "")}${hex(96)}`),
      privateKeyPemPkcs8: pem("PRIVATE KEY", `FAKEPKCS8${hex(96)}`),
      privateKeyOpenssh: pem("OPENSSH PRIVATE KEY", `FAKEOPENSSH${hex(96)}`),
      publicKeyPem: pem("PUBLIC KEY", `FAKEPUB${hex(64)}`),
      publicKeyOpenssh: `ssh-rsa FAKE${hex(64)}`,
      publicKeyFingerprintMd5: hex(32),
      publicKeyFingerprintSha256: `SHA256:${hex(43)}`,
    }),
    // A real certificate with the requested subject and validity (Ed25519-signed, deterministic).
    "tls:index/selfSignedCert:SelfSignedCert": ({ type, name, inputs }) => {
      const hours = Number(inputs.validityPeriodHours ?? 24);
      const start = new Date(CERTIFICATE_START);
      const subject = (inputs.subject ?? {}) as Record<string, unknown>;
      return {
        certPem: selfSignedCertificate(`${type}::${name}`, subject, start, hours),
        validityStartTime: start.toISOString().replace(".000", ""),
        validityEndTime: new Date(start.getTime() + hours * 3600_000).toISOString().replace(".000", ""),
        readyForRenewal: false,
      };
    },
    "tls:index/certRequest:CertRequest": ({ hex }) => ({
      certRequestPem: pem("CERTIFICATE REQUEST", `FAKECSR${hex(128)}`),
    }),
    "tls:index/locallySignedCert:LocallySignedCert": ({ hex, name }) => ({
      certPem: pem("CERTIFICATE", `FAKECERT${name.replace(/[^A-Za-z0-9]/g, "")}${hex(128)}`),
      validityStartTime: "2025-01-01T00:00:00Z",
      validityEndTime: "2030-01-01T00:00:00Z",
      readyForRenewal: false,
    }),
  },
};
