/**
 * A company's own stack with Toucan composed in: the stack builds its VPC, ECS cluster and wildcard
 * certificate the way the company builds every stack (names `<org>-<stack>-<role>`, a fixed set of tags),
 * reads what the platform team owns (the DNS zone, the logs key) from the platform stack, hands all of
 * it to `Toucan`, and exports what other stacks of the company read.
 */
import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";
import { Network, Toucan } from "pulumi-toucan";

const config = new pulumi.Config();
const stack = pulumi.getStack();

// Naming and tagging conventions: every resource is `<org>-<stack>-<role>` and carries the same tags.
const org = config.require("org");
const prefix = `${org}-${stack}`;
const name = (role: string) => `${prefix}-${role}`;
const tags: Record<string, string> = {
  [`${org}:cost-center`]: config.require("costCenter"),
  [`${org}:team`]: config.require("team"),
  [`${org}:environment`]: stack,
  [`${org}:managed-by`]: "pulumi",
};
const tagged = (role: string) => ({ ...tags, Name: name(role) });

// What the platform team's stack owns, read through a StackReference: the public hosted zone and the
// KMS key the company's log groups are encrypted with. `platformZoneId` / `platformLogsKmsKeyArn` in config
// pin the same ids instead (an offline plan has no platform stack to read).
const platformStack = new pulumi.StackReference(config.require("platformStack"));
function platformId(output: string, pinnedKey: string): pulumi.Output<string> {
  const pinned = config.get(pinnedKey) ?? "";
  return pinned !== "" ? pulumi.output(pinned) : platformStack.requireOutput(output).apply(String);
}
const zoneId = platformId("zoneId", "platformZoneId");

// The company's VPC: a public and a private subnet per AZ, one NAT gateway.
const availabilityZones = config.requireObject<string[]>("availabilityZones");
const vpc = new aws.ec2.Vpc(name("vpc"), {
  cidrBlock: "10.40.0.0/16",
  enableDnsHostnames: true,
  enableDnsSupport: true,
  tags: tagged("vpc"),
});
const publicSubnets = availabilityZones.map(
  (az, i) =>
    new aws.ec2.Subnet(name(`public-${i + 1}`), {
      vpcId: vpc.id,
      availabilityZone: az,
      cidrBlock: `10.40.${i * 16}.0/20`,
      tags: tagged(`public-${i + 1}`),
    }),
);
const privateSubnets = availabilityZones.map(
  (az, i) =>
    new aws.ec2.Subnet(name(`private-${i + 1}`), {
      vpcId: vpc.id,
      availabilityZone: az,
      cidrBlock: `10.40.${64 + i * 32}.0/19`,
      tags: tagged(`private-${i + 1}`),
    }),
);
const internetGateway = new aws.ec2.InternetGateway(name("igw"), { vpcId: vpc.id, tags: tagged("igw") });
const publicRoutes = new aws.ec2.RouteTable(name("public"), {
  vpcId: vpc.id,
  routes: [{ cidrBlock: "0.0.0.0/0", gatewayId: internetGateway.id }],
  tags: tagged("public"),
});
const natAddress = new aws.ec2.Eip(name("nat"), { domain: "vpc", tags: tagged("nat") });
const natGateway = new aws.ec2.NatGateway(
  name("nat"),
  { allocationId: natAddress.allocationId, subnetId: publicSubnets[0].id, tags: tagged("nat") },
  { dependsOn: [internetGateway] },
);
const privateRoutes = new aws.ec2.RouteTable(name("private"), {
  vpcId: vpc.id,
  routes: [{ cidrBlock: "0.0.0.0/0", natGatewayId: natGateway.id }],
  tags: tagged("private"),
});
publicSubnets.forEach(
  (subnet, i) =>
    new aws.ec2.RouteTableAssociation(name(`public-${i + 1}`), {
      subnetId: subnet.id,
      routeTableId: publicRoutes.id,
    }),
);
privateSubnets.forEach(
  (subnet, i) =>
    new aws.ec2.RouteTableAssociation(name(`private-${i + 1}`), {
      subnetId: subnet.id,
      routeTableId: privateRoutes.id,
    }),
);

// The company's ECS cluster, shared with its other services.
const cluster = new aws.ecs.Cluster(name("ecs"), {
  settings: [{ name: "containerInsights", value: "enabled" }],
  tags: tagged("ecs"),
});

// One wildcard certificate for every service under the company's domain, validated in the platform zone.
const baseDomain = config.require("baseDomain");
const certificate = new aws.acm.Certificate(name("wildcard"), {
  domainName: `*.${baseDomain}`,
  validationMethod: "DNS",
  tags: tagged("wildcard"),
});
const validationOption = certificate.domainValidationOptions[0];
const validationRecord = new aws.route53.Record(name("wildcard-validation"), {
  zoneId,
  name: validationOption.resourceRecordName,
  type: validationOption.resourceRecordType,
  records: [validationOption.resourceRecordValue],
  ttl: 300,
  allowOverwrite: true,
});
const validation = new aws.acm.CertificateValidation(name("wildcard"), {
  certificateArn: certificate.arn,
  validationRecordFqdns: [validationRecord.fqdn],
});

// Toucan inside all of it: nothing of the network, cluster or certificate is created again.
const network = new Network(name("network"), {
  existing: {
    vpcId: vpc.id,
    cidrBlock: vpc.cidrBlock,
    publicSubnetIds: publicSubnets.map((s) => s.id),
    privateSubnetIds: privateSubnets.map((s) => s.id),
    availabilityZones,
  },
});

// Toucan's own children are named after the component (`toucan-backend`, ...): AWS limits load balancer and
// target group names to 32 characters, so the component keeps a short name and the tags carry the rest.
const toucan = new Toucan("toucan", {
  version: config.require("toucanVersion"),
  frontendDomain: `toucan.${baseDomain}`,
  backendDomain: `api-toucan.${baseDomain}`,
  zoneId,
  network,
  cluster: { arn: cluster.arn, name: cluster.name },
  certificateArn: validation.certificateArn,
  certificateDomains: [`*.${baseDomain}`],
  logs: { retentionDays: 90, kmsKeyArn: platformId("logsKmsKeyArn", "platformLogsKmsKeyArn") },
  tags,
});

// What the company's other stacks read with `new pulumi.StackReference("<org>/toucan-company-stack/<stack>")`.
export const vpcId = vpc.id;
export const privateSubnetIds = pulumi.output(privateSubnets.map((s) => s.id));
export const clusterArn = cluster.arn;
export const wildcardCertificateArn = validation.certificateArn;
export const toucanFrontendUrl = toucan.frontendUrl;
export const toucanBackendUrl = toucan.backendUrl;
/** A database of another stack admits Toucan's backend by this security group. */
export const toucanBackendSecurityGroupId = toucan.securityGroupIds.apply((groups) => groups.backend);
