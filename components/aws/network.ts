import * as pulumi from "@pulumi/pulumi";
import * as aws from "@pulumi/aws";
import { availabilityZoneProblem, subnetIdProblem, vpcIdProblem } from "../core/aws-ids";
import { checkedWhenKnown, configuredRegion } from "./region";
import { ArgumentChecks, requireArgs } from "../core/errors";
import { Cidr, formatCidr, overlaps, parseCidr } from "../core/cidr";
import { defaultSubnetPrefix, maxAzs, subnetCidr } from "./network-layout";
import { Transform, applyTransform } from "../core/transform";

/**
 * How private subnets reach the internet.
 * - `perAz`: one NAT gateway in each AZ; losing an AZ does not cut the others off (the redundant choice).
 * - `single`: one NAT gateway for all AZs; cheaper, but every private subnet loses egress with its AZ.
 * - `none`: no NAT gateway; private tasks reach AWS only through VPC endpoints (see the README).
 */
export type NatStrategy = "perAz" | "single" | "none";

/**
 * The interface VPC endpoints a stack without NAT needs (service names `com.amazonaws.<region>.<name>`):
 * Fargate pulls images from ECR (`ecr.api`, `ecr.dkr`; the layers come from S3 through the gateway
 * endpoint), sends logs (`logs`) and reads its secrets (`secretsmanager`); the Mongo members read
 * theirs, are managed through Systems Manager (`ssm`, `ssmmessages`, `ec2messages`, which ECS Exec uses
 * too) and publish their metrics (`monitoring`); `sts` serves clients that exchange credentials (web
 * identity, assumed roles). Fargate needs no ECS endpoint (`ecs`, `ecs-agent`, `ecs-telemetry` are for
 * EC2 container instances) and EFS mounts go to the mount targets, not to an endpoint.
 */
export const NO_NAT_INTERFACE_ENDPOINTS = [
  "ecr.api",
  "ecr.dkr",
  "logs",
  "secretsmanager",
  "ssm",
  "ssmmessages",
  "ec2messages",
  "sts",
  "monitoring",
] as const;

const ENDPOINT_SERVICE = /^[a-z0-9]+(?:[.-][a-z0-9]+)*$/;

/**
 * An existing VPC to use instead of building one. Every id may come from another stack's outputs: a list
 * may be a plain array (of strings or Outputs) or one `Output<string[]>`. What can be checked before
 * anything registers is; the rest (subnet and AZ ids, the lists' lengths, private and public apart) is
 * checked with the same messages once the values are known, before the resources using them are created.
 */
export interface ExistingNetwork {
  /**
   * The VPC's id; an Output is checked once known.
   * @example "vpc-0abc1234"
   */
  vpcId: pulumi.Input<string>;
  /** Public subnet ids, one per AZ, in the same order as `availabilityZones`. */
  publicSubnetIds: pulumi.Input<pulumi.Input<string>[]>;
  /** Private subnet ids, one per AZ, in the same order as `availabilityZones`. */
  privateSubnetIds: pulumi.Input<pulumi.Input<string>[]>;
  /**
   * The AZ of each subnet pair, e.g. `["eu-west-1a", "eu-west-1b", "eu-west-1c"]`. When the list is one
   * Output, give `azCount` too: the components below make per-AZ resources (EFS mount targets, Mongo
   * members), and their number must be known before deployment, never read from an Output.
   */
  availabilityZones: pulumi.Input<pulumi.Input<string>[]>;
  /**
   * How many AZs (subnet pairs) the lists hold. Required when `availabilityZones` is an Output; the lists
   * are checked against it once known.
   * @default the length of `availabilityZones`
   */
  azCount?: number;
  /**
   * The VPC's CIDR block.
   * @default looked up from the VPC
   */
  cidrBlock?: pulumi.Input<string>;
  /**
   * How its private subnets reach the internet, when you know it: `"none"` (only through VPC endpoints,
   * which you provide: see `NO_NAT_INTERFACE_ENDPOINTS`) makes `Toucan` require mirrored images and a
   * MongoDB source without internet, as for a new network with `nat: "none"`.
   * @default unknown: nothing is checked
   */
  nat?: NatStrategy;
}

export interface NetworkArgs {
  /**
   * IPv4 block of the VPC, between /16 and /24.
   * @default "10.0.0.0/16"
   */
  cidrBlock?: string;
  /**
   * How many Availability Zones to spread over. At least 2; 3 lets the Mongo replica set keep a
   * majority when one AZ is lost.
   * @default 3
   */
  azCount?: number;
  /**
   * The AZs to use, in order. Overrides `azCount`.
   * @default the first `azCount` available AZs of the region
   * @example ["eu-west-1a", "eu-west-1b", "eu-west-1c"]
   */
  availabilityZones?: string[];
  /**
   * Prefix length of every subnet. Each tier owns a fixed range of the VPC's slots (see
   * `network-layout.ts`), so adding an AZ never renumbers a subnet.
   * @default the VPC's prefix + 4 (a /20 in a /16)
   */
  subnetPrefixLength?: number;
  /**
   * NAT strategy for the private subnets.
   * @default "perAz"
   */
  nat?: NatStrategy;
  /**
   * Keep one Elastic IP per AZ whatever `nat` is, so changing `nat` (`perAz` to `single` or `none`, and
   * back) keeps the public egress addresses partners may have allow-listed: NAT gateways come and go, their
   * addresses stay. An address not attached to a NAT gateway is still billed (public IPv4: $0.005 an hour,
   * about $3.65 a month).
   * @default false: one address per NAT gateway, released with it
   */
  keepNatIps?: boolean;
  /**
   * Interface VPC endpoints to create, by service (`com.amazonaws.<region>.<service>`), with private DNS,
   * in every AZ's private subnet, behind one security group admitting TCP 443 from the VPC's block only.
   * With `nat: "none"` the services of {@link NO_NAT_INTERFACE_ENDPOINTS} are always included. Each costs
   * about $0.01 an hour per AZ ($21.90 a month in 3 AZs) plus $0.01 per GB processed.
   * @default `NO_NAT_INTERFACE_ENDPOINTS` with `nat: "none"`, none otherwise
   * @example ["kms", "backup"]
   */
  interfaceEndpoints?: string[];
  /**
   * Blocks the VPC must not overlap: peered VPCs, a VPN's networks, the office. Peering and routing
   * between overlapping blocks is impossible, so this is checked before anything is built.
   * @default none
   * @example ["10.1.0.0/16", "192.168.0.0/24"]
   */
  reservedCidrs?: string[];
  /**
   * Build public subnets (needed for an internet-facing load balancer and for NAT).
   * @default true
   */
  publicSubnets?: boolean;
  /**
   * Use an existing VPC: no network resource is created and the outputs echo these ids.
   * @default a new VPC is built
   */
  existing?: ExistingNetwork;
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
    vpc?: Transform<aws.ec2.VpcArgs>;
    subnet?: Transform<aws.ec2.SubnetArgs>;
    natGateway?: Transform<aws.ec2.NatGatewayArgs>;
    routeTable?: Transform<aws.ec2.RouteTableArgs>;
  };
}

const COMPONENT = "toucan:aws:Network";
const VPC_ID_FIX = 'give the VPC\'s id, e.g. "vpc-0123456789abcdef0"';

/** The plain array of a list argument; undefined when the list itself is an Output. */
function plainList<T>(list: pulumi.Input<pulumi.Input<T>[]> | undefined): pulumi.Input<T>[] | undefined {
  return Array.isArray(list) ? list : undefined;
}

/** How many AZs an existing network spans: known before deployment, whatever is an Output. */
export function existingAzCount(e: ExistingNetwork): number {
  return plainList(e.availabilityZones)?.length ?? e.azCount ?? 0;
}

/**
 * The existing network's lists, as far as they are known: a list that is an Output is skipped (undefined),
 * and so is an element that is one. Run before anything registers, and again on the known values.
 */
function checkExistingLists(
  checks: ArgumentChecks,
  lists: {
    availabilityZones?: pulumi.Input<string>[];
    publicSubnetIds?: pulumi.Input<string>[];
    privateSubnetIds?: pulumi.Input<string>[];
  },
  count: number,
): void {
  const azs = lists.availabilityZones;
  checks.require(
    count >= 2 || (azs === undefined && count === 0),
    "existing.availabilityZones",
    azs ?? `${count} AZ(s)`,
    "names fewer than 2 Availability Zones, so the stack cannot survive the loss of one",
    "pass subnets in at least 2 AZs",
  );
  if (azs !== undefined) {
    checks.require(
      azs.length === count,
      "existing.availabilityZones",
      azs,
      `does not match existing.azCount (${count})`,
      "give one AZ per subnet pair, as many as existing.azCount",
    );
  }
  for (const list of ["publicSubnetIds", "privateSubnetIds"] as const) {
    const ids = lists[list];
    if (ids === undefined) continue;
    const kind = list === "publicSubnetIds" ? "public" : "private";
    checks.require(
      ids.length === count,
      `existing.${list}`,
      `${ids.length} subnet(s)`,
      `does not match existing.availabilityZones (${count} AZ(s))`,
      `give one ${kind} subnet id per AZ, in the same order as existing.availabilityZones`,
    );
  }
  checks.require(
    azs === undefined ||
      new Set(azs.filter((az) => typeof az === "string")).size ===
        azs.filter((az) => typeof az === "string").length,
    "existing.availabilityZones",
    azs,
    "repeats an AZ",
    "list each subnet pair's AZ; the pairs must be in distinct AZs",
  );
  const region = configuredRegion();
  (azs ?? []).forEach((az, i) =>
    checks.id(
      `existing.availabilityZones[${i}]`,
      az,
      (v) => availabilityZoneProblem(v, region),
      `list the AZs of your subnets, in ${region ?? "the stack's region"} (aws ec2 describe-subnets)`,
    ),
  );
  for (const list of ["publicSubnetIds", "privateSubnetIds"] as const) {
    (lists[list] ?? []).forEach((id, i) =>
      checks.id(
        `existing.${list}[${i}]`,
        id,
        subnetIdProblem,
        'give subnet ids such as "subnet-0123456789abcdef0" (aws ec2 describe-subnets), not their CIDR blocks',
      ),
    );
  }
  const both = (lists.publicSubnetIds ?? []).filter(
    (id) => typeof id === "string" && (lists.privateSubnetIds ?? []).includes(id),
  );
  checks.require(
    both.length === 0,
    "existing.privateSubnetIds",
    both,
    "are also public subnets: the tasks and databases would sit in subnets with a route to the internet",
    "give private subnets (routed through NAT) and public subnets (routed to an internet gateway) apart",
  );
}

/**
 * How many Availability Zones each Region has at most (AWS, "Regions and Zones"; an account may see fewer,
 * which the lookup then finds at deployment). An `azCount` above it is refused before anything registers.
 */
const REGION_AZ_COUNTS: Record<string, number> = {
  "us-east-1": 6,
  "us-east-2": 3,
  "us-west-1": 3,
  "us-west-2": 4,
  "ca-central-1": 4,
  "sa-east-1": 3,
  "eu-west-1": 3,
  "eu-west-2": 3,
  "eu-west-3": 3,
  "eu-central-1": 3,
  "eu-north-1": 3,
  "ap-south-1": 3,
  "ap-southeast-1": 3,
  "ap-southeast-2": 3,
  "ap-northeast-1": 4,
  "ap-northeast-2": 4,
  "ap-northeast-3": 3,
};

interface NormalizedArgs {
  vpc: Cidr;
  subnetPrefix: number;
  azCount: number;
  explicitAzs?: string[];
  nat: NatStrategy;
  keepNatIps: boolean;
  publicSubnets: boolean;
  /** Services of the interface endpoints, in order, without repeats. */
  interfaceEndpoints: string[];
}

/** Checks the arguments; throws before anything is registered. Exported for table tests. */
export function validateNetworkArgs(name: string, args: NetworkArgs): NormalizedArgs | undefined {
  requireArgs(`Network "${name}"`, args, "an object of NetworkArgs");
  const checks = new ArgumentChecks(`Network "${name}"`);
  const nat = args.nat ?? "perAz";
  checks.require(
    ["perAz", "single", "none"].includes(nat),
    "nat",
    nat,
    "is not a NAT strategy",
    'use "perAz" (one NAT gateway per AZ), "single" or "none"',
  );
  if (args.existing) {
    const e = args.existing;
    const azs = plainList(e.availabilityZones);
    const count = existingAzCount(e);
    checks.require(
      azs !== undefined || e.azCount !== undefined,
      "existing.azCount",
      e.azCount,
      "is needed: existing.availabilityZones is an Output, whose length is not known before deployment",
      "give the number of AZs the subnet lists cover, e.g. azCount: 3",
    );
    checks.require(
      e.azCount === undefined ||
        (Number.isInteger(e.azCount) && (azs === undefined || e.azCount === azs.length)),
      "existing.azCount",
      e.azCount,
      azs === undefined
        ? "is not a whole number"
        : `does not match existing.availabilityZones (${azs.length} AZ(s))`,
      "give the number of AZs the subnet lists cover, or leave it out to count existing.availabilityZones",
    );
    checkExistingLists(
      checks,
      {
        availabilityZones: azs,
        publicSubnetIds: plainList(e.publicSubnetIds),
        privateSubnetIds: plainList(e.privateSubnetIds),
      },
      count,
    );
    checks.require(
      e.nat === undefined || ["perAz", "single", "none"].includes(e.nat),
      "existing.nat",
      e.nat,
      "is not a NAT strategy",
      'use "none" (VPC endpoints only), "perAz" or "single", or leave it out',
    );
    checks.id("existing.vpcId", e.vpcId, vpcIdProblem, VPC_ID_FIX);
    for (const key of [
      "cidrBlock",
      "azCount",
      "availabilityZones",
      "subnetPrefixLength",
      "interfaceEndpoints",
    ] as const) {
      checks.require(
        args[key] === undefined,
        key,
        args[key],
        "has no effect together with `existing`",
        `remove \`${key}\`, or remove \`existing\` to build a new VPC`,
      );
    }
    checks.throwIfAny();
    return undefined;
  }

  const cidrText = args.cidrBlock ?? "10.0.0.0/16";
  const vpc = parseCidr(cidrText);
  checks.require(
    vpc !== undefined,
    "cidrBlock",
    cidrText,
    "is not an IPv4 network block (a.b.c.d/n with no host bits set)",
    'use e.g. "10.0.0.0/16"',
  );
  if (vpc) {
    checks.require(
      vpc.prefix >= 16 && vpc.prefix <= 24,
      "cidrBlock",
      cidrText,
      vpc.prefix < 16
        ? "is larger than AWS allows for a VPC (/16)"
        : "is too small for two subnet tiers across 3 AZs",
      "use a block between /16 and /24",
    );
  }
  for (const reserved of args.reservedCidrs ?? []) {
    const block = parseCidr(reserved);
    checks.require(
      block !== undefined,
      "reservedCidrs",
      reserved,
      "is not an IPv4 network block",
      'use e.g. "10.1.0.0/16"',
    );
    if (vpc && block) {
      checks.require(
        !overlaps(vpc, block),
        "cidrBlock",
        cidrText,
        `overlaps the reserved block ${reserved}`,
        "pick a VPC block outside every block in reservedCidrs",
      );
    }
  }
  const explicitAzs = args.availabilityZones;
  const azCount = explicitAzs ? explicitAzs.length : (args.azCount ?? 3);
  checks.require(
    Number.isInteger(azCount) && azCount >= 2,
    explicitAzs ? "availabilityZones" : "azCount",
    explicitAzs ?? azCount,
    "spreads the network over fewer than 2 Availability Zones, so it cannot survive the loss of one",
    "use at least 2 AZs (3 is the default and what a 3-member Mongo replica set needs)",
  );
  const region = configuredRegion();
  const regionAzs = region ? REGION_AZ_COUNTS[region] : undefined;
  checks.require(
    explicitAzs !== undefined || regionAzs === undefined || azCount <= regionAzs,
    "azCount",
    azCount,
    `is more than the ${regionAzs} Availability Zones of ${region}`,
    `set azCount to ${regionAzs} or less, or deploy to another region`,
  );
  if (explicitAzs) {
    checks.require(
      new Set(explicitAzs).size === explicitAzs.length,
      "availabilityZones",
      explicitAzs,
      "repeats an AZ",
      "list distinct AZs",
    );
  }
  const publicSubnets = args.publicSubnets ?? true;
  checks.require(
    publicSubnets || nat === "none",
    "nat",
    nat,
    "needs public subnets for its NAT gateways, but `publicSubnets` is false",
    'set `nat: "none"` or `publicSubnets: true`',
  );
  let subnetPrefix = 0;
  if (vpc && vpc.prefix >= 16 && vpc.prefix <= 24) {
    subnetPrefix = args.subnetPrefixLength ?? defaultSubnetPrefix(vpc.prefix);
    const prefixOk = Number.isInteger(subnetPrefix) && subnetPrefix > vpc.prefix && subnetPrefix <= 28;
    checks.require(
      prefixOk,
      "subnetPrefixLength",
      subnetPrefix,
      `must be longer than the VPC's /${vpc.prefix} and at most /28 (AWS's smallest subnet)`,
      `use a value between ${vpc.prefix + 1} and 28`,
    );
    if (prefixOk && Number.isInteger(azCount) && azCount >= 2) {
      const room = maxAzs(vpc.prefix, subnetPrefix);
      checks.require(
        azCount <= room,
        "cidrBlock",
        cidrText,
        `has room for ${room} AZ(s) of /${subnetPrefix} subnets, not ${azCount}`,
        `use a larger block, a longer subnetPrefixLength (up to 28), or fewer AZs`,
      );
    }
  }
  checks.require(
    !(args.keepNatIps && !publicSubnets),
    "keepNatIps",
    args.keepNatIps,
    "keeps NAT addresses, which need public subnets",
    "remove keepNatIps, or set `publicSubnets: true`",
  );
  const extraEndpoints = args.interfaceEndpoints ?? [];
  extraEndpoints.forEach((service, i) =>
    checks.require(
      typeof service === "string" && ENDPOINT_SERVICE.test(service) && !service.startsWith("com."),
      `interfaceEndpoints[${i}]`,
      service,
      "is not an AWS service's endpoint name (the part after com.amazonaws.<region>.)",
      'use e.g. "kms" or "ecr.api"',
    ),
  );
  checks.throwIfAny();
  return {
    vpc: vpc!,
    subnetPrefix,
    azCount,
    explicitAzs,
    nat,
    publicSubnets,
    keepNatIps: args.keepNatIps ?? false,
    interfaceEndpoints: [
      ...new Set([...(nat === "none" ? NO_NAT_INTERFACE_ENDPOINTS : []), ...extraEndpoints]),
    ],
  };
}

/**
 * A VPC across several Availability Zones with a public and a private subnet in each, NAT per the
 * chosen strategy, and a default security group with no rules. Or an existing VPC, passed through.
 *
 * @example
 * ```ts
 * const network = new Network("toucan", { azCount: 3, nat: "perAz" });
 * ```
 */
export class Network extends pulumi.ComponentResource {
  /** Id of the VPC. */
  readonly vpcId: pulumi.Output<string>;
  /** IPv4 block of the VPC. */
  readonly cidrBlock: pulumi.Output<string>;
  /** Public subnet ids, one per AZ, in the order of `availabilityZones`. */
  readonly publicSubnetIds: pulumi.Output<string[]>;
  /** Private subnet ids, one per AZ, in the order of `availabilityZones`. */
  readonly privateSubnetIds: pulumi.Output<string[]>;
  /** The AZ of each subnet pair. */
  readonly availabilityZones: pulumi.Output<string[]>;
  /** How many AZs (and subnet pairs): known at construction, so composing components can size their children. */
  readonly azCount: number;
  /**
   * The NAT strategy of a network this component built; undefined for an existing VPC (its egress is not
   * known here). Known at construction: `nat: "none"` tells composing components that nothing in the
   * private subnets reaches the internet.
   */
  readonly nat?: NatStrategy;
  /** The services of the interface endpoints built (`ecr.api`, ...), known at construction. */
  readonly interfaceEndpointServices: string[];
  /** The security group of the interface endpoints (443 from the VPC), when any are built. */
  readonly endpointSecurityGroupId?: pulumi.Output<string>;
  /**
   * The public egress addresses (Elastic IPs) of the NAT gateways, and the kept ones (`keepNatIps`): what
   * partners allow-list. Empty for `nat: "none"` without `keepNatIps`, and for an existing VPC.
   */
  readonly natPublicIps: pulumi.Output<string[]>;
  /** The private subnet ids one by one (a plain array: its length is known before deployment). */
  readonly privateSubnetIdList: pulumi.Output<string>[];
  /** The public subnet ids one by one. */
  readonly publicSubnetIdList: pulumi.Output<string>[];
  /** The AZ of each subnet pair, one by one. */
  readonly availabilityZoneList: pulumi.Output<string>[];
  /**
   * Per private subnet (same order), what its egress needs: its NAT gateway (created once available), its
   * route table with the default route and the table's association, and the interface endpoints (with
   * `nat: "none"` the only way out). A resource that reaches out at boot (a Mongo member installing
   * packages) depends on them. Empty lists for an existing VPC.
   */
  readonly privateEgress: pulumi.Resource[][] = [];

  constructor(name: string, args: NetworkArgs = {}, opts: pulumi.ComponentResourceOptions = {}) {
    const normalized = validateNetworkArgs(name, args);
    super(COMPONENT, name, {}, opts);

    if (!normalized) {
      const e = args.existing!;
      const where = { component: `Network "${name}"`, argument: "existing.vpcId", fix: VPC_ID_FIX };
      this.vpcId = pulumi.output(checkedWhenKnown(e.vpcId, where, vpcIdProblem));
      this.cidrBlock = e.cidrBlock
        ? pulumi.output(e.cidrBlock)
        : aws.ec2.getVpcOutput({ id: this.vpcId }, { parent: this }).cidrBlock;
      this.azCount = existingAzCount(e);
      // The lists, checked once known; the components below get one Output per AZ, azCount of them.
      const lists = pulumi
        .all([
          pulumi.output(e.availabilityZones),
          pulumi.output(e.publicSubnetIds),
          pulumi.output(e.privateSubnetIds),
        ])
        .apply(([availabilityZones, publicSubnetIds, privateSubnetIds]) => {
          const checks = new ArgumentChecks(`Network "${name}"`);
          checkExistingLists(checks, { availabilityZones, publicSubnetIds, privateSubnetIds }, this.azCount);
          checks.throwIfAny();
          return { availabilityZones, publicSubnetIds, privateSubnetIds };
        });
      this.publicSubnetIds = lists.publicSubnetIds;
      this.privateSubnetIds = lists.privateSubnetIds;
      this.availabilityZones = lists.availabilityZones;
      const slots = Array.from({ length: this.azCount }, (_, i) => i);
      this.privateSubnetIdList = slots.map((i) => lists.privateSubnetIds[i]);
      this.publicSubnetIdList = slots.map((i) => lists.publicSubnetIds[i]);
      this.availabilityZoneList = slots.map((i) => lists.availabilityZones[i]);
      this.natPublicIps = pulumi.output([]);
      this.privateEgress = slots.map(() => []);
      this.interfaceEndpointServices = [];
      this.nat = e.nat;
      this.registerOutputs(this.outputs());
      return;
    }

    const tags = args.tags ?? {};
    const azs = this.resolveAzs(name, normalized);
    const vpc = this.createVpc(name, normalized, tags, args);
    this.stripDefaultSecurityGroup(name, vpc, tags);
    const publicSubnets = normalized.publicSubnets
      ? this.createSubnets(name, "public", normalized, vpc, azs, tags, args)
      : [];
    const privateSubnets = this.createSubnets(name, "private", normalized, vpc, azs, tags, args);
    if (publicSubnets.length > 0) this.routePublicSubnets(name, vpc, publicSubnets, tags, args);
    const addresses = this.allocateNatAddresses(name, normalized, publicSubnets, tags);
    this.natPublicIps = pulumi.all(addresses.map((a) => a.publicIp));
    const natGateways = this.createNatGateways(name, normalized, publicSubnets, addresses, tags, args);
    const privateTables = this.routePrivateSubnets(name, vpc, privateSubnets, natGateways, tags, args);
    const s3Endpoint = this.createS3Endpoint(name, vpc, privateTables, tags);
    // Without NAT, packages and image layers come from S3 through its gateway endpoint.
    if (normalized.nat === "none") for (const egress of this.privateEgress) egress.push(s3Endpoint);
    this.nat = normalized.nat;
    this.interfaceEndpointServices = normalized.interfaceEndpoints;
    if (normalized.interfaceEndpoints.length > 0) {
      const { securityGroupId, endpoints } = this.createInterfaceEndpoints(
        name,
        vpc,
        privateSubnets,
        normalized.interfaceEndpoints,
        tags,
      );
      this.endpointSecurityGroupId = securityGroupId;
      for (const egress of this.privateEgress) egress.push(...endpoints);
    }

    this.vpcId = vpc.id;
    this.cidrBlock = vpc.cidrBlock;
    this.publicSubnetIds = pulumi.all(publicSubnets.map((s) => s.id));
    this.privateSubnetIds = pulumi.all(privateSubnets.map((s) => s.id));
    this.availabilityZones = azs;
    this.azCount = normalized.azCount;
    this.privateSubnetIdList = privateSubnets.map((s) => s.id);
    this.publicSubnetIdList = publicSubnets.map((s) => s.id);
    this.availabilityZoneList = privateSubnets.map((s) => s.availabilityZone);
    this.registerOutputs(this.outputs());
  }

  private outputs() {
    return {
      vpcId: this.vpcId,
      cidrBlock: this.cidrBlock,
      publicSubnetIds: this.publicSubnetIds,
      privateSubnetIds: this.privateSubnetIds,
      availabilityZones: this.availabilityZones,
      natPublicIps: this.natPublicIps,
    };
  }

  private resolveAzs(name: string, n: NormalizedArgs): pulumi.Output<string[]> {
    if (n.explicitAzs) return pulumi.output(n.explicitAzs);
    return aws.getAvailabilityZonesOutput({ state: "available" }, { parent: this }).names.apply((names) => {
      if (names.length < n.azCount) {
        throw new Error(
          `Network "${name}": \`azCount\` is ${n.azCount}: the region has only ${names.length} available AZ(s). ` +
            `Fix: lower azCount or pick another region.`,
        );
      }
      return names.slice(0, n.azCount);
    });
  }

  private createVpc(name: string, n: NormalizedArgs, tags: Record<string, string>, args: NetworkArgs) {
    return new aws.ec2.Vpc(
      ...applyTransform(
        args.transform?.vpc,
        `${name}-vpc`,
        {
          cidrBlock: formatCidr(n.vpc),
          enableDnsHostnames: true,
          enableDnsSupport: true,
          tags: { ...tags, Name: `${name}-vpc` },
        },
        { parent: this },
      ),
    );
  }

  /** Adopts the VPC's default security group and leaves it with no rule, so nothing can use it by accident. */
  private stripDefaultSecurityGroup(name: string, vpc: aws.ec2.Vpc, tags: Record<string, string>) {
    new aws.ec2.DefaultSecurityGroup(
      `${name}-default-sg`,
      { vpcId: vpc.id, ingress: [], egress: [], tags: { ...tags, Name: `${name}-default-do-not-use` } },
      { parent: this },
    );
  }

  private createSubnets(
    name: string,
    tier: "public" | "private",
    n: NormalizedArgs,
    vpc: aws.ec2.Vpc,
    azs: pulumi.Output<string[]>,
    tags: Record<string, string>,
    args: NetworkArgs,
  ): aws.ec2.Subnet[] {
    return Array.from({ length: n.azCount }, (_, i) => {
      const az = azs.apply((list) => list[i]);
      return new aws.ec2.Subnet(
        ...applyTransform(
          args.transform?.subnet,
          `${name}-${tier}-${i + 1}`,
          {
            vpcId: vpc.id,
            cidrBlock: subnetCidr(n.vpc, n.subnetPrefix, tier, i),
            availabilityZone: az,
            mapPublicIpOnLaunch: false,
            tags: az.apply((zone) => ({
              ...tags,
              Name: `${name}-${tier}-${zone}`,
              "toucan:tier": tier,
              ...(tier === "public" ? { "kubernetes.io/role/elb": "1" } : {}),
            })),
          },
          { parent: this },
        ),
      );
    });
  }

  private routePublicSubnets(
    name: string,
    vpc: aws.ec2.Vpc,
    subnets: aws.ec2.Subnet[],
    tags: Record<string, string>,
    args: NetworkArgs,
  ) {
    const igw = new aws.ec2.InternetGateway(
      `${name}-igw`,
      { vpcId: vpc.id, tags: { ...tags, Name: `${name}-igw` } },
      { parent: this },
    );
    const table = new aws.ec2.RouteTable(
      ...applyTransform(
        args.transform?.routeTable,
        `${name}-public`,
        {
          vpcId: vpc.id,
          routes: [{ cidrBlock: "0.0.0.0/0", gatewayId: igw.id }],
          tags: { ...tags, Name: `${name}-public` },
        },
        { parent: this },
      ),
    );
    subnets.forEach(
      (subnet, i) =>
        new aws.ec2.RouteTableAssociation(
          `${name}-public-${i + 1}`,
          { subnetId: subnet.id, routeTableId: table.id },
          { parent: this },
        ),
    );
  }

  /** How many NAT gateways the strategy runs (in the first AZs). */
  private natCount(n: NormalizedArgs, publicSubnets: aws.ec2.Subnet[]): number {
    return n.nat === "perAz" ? publicSubnets.length : n.nat === "single" ? 1 : 0;
  }

  /**
   * The NAT gateways' Elastic IPs, one per AZ with `keepNatIps`. Address i always belongs to AZ i's gateway:
   * changing `nat` never moves an address to another gateway.
   */
  private allocateNatAddresses(
    name: string,
    n: NormalizedArgs,
    publicSubnets: aws.ec2.Subnet[],
    tags: Record<string, string>,
  ): aws.ec2.Eip[] {
    const count = n.keepNatIps ? publicSubnets.length : this.natCount(n, publicSubnets);
    return publicSubnets
      .slice(0, count)
      .map(
        (_, i) =>
          new aws.ec2.Eip(
            `${name}-nat-${i + 1}`,
            { domain: "vpc", tags: { ...tags, Name: `${name}-nat-${i + 1}` } },
            { parent: this },
          ),
      );
  }

  private createNatGateways(
    name: string,
    n: NormalizedArgs,
    publicSubnets: aws.ec2.Subnet[],
    addresses: aws.ec2.Eip[],
    tags: Record<string, string>,
    args: NetworkArgs,
  ): aws.ec2.NatGateway[] {
    return publicSubnets.slice(0, this.natCount(n, publicSubnets)).map(
      (subnet, i) =>
        new aws.ec2.NatGateway(
          ...applyTransform(
            args.transform?.natGateway,
            `${name}-nat-${i + 1}`,
            {
              subnetId: subnet.id,
              allocationId: addresses[i].id,
              tags: { ...tags, Name: `${name}-nat-${i + 1}` },
            },
            { parent: this },
          ),
        ),
    );
  }

  private routePrivateSubnets(
    name: string,
    vpc: aws.ec2.Vpc,
    subnets: aws.ec2.Subnet[],
    natGateways: aws.ec2.NatGateway[],
    tags: Record<string, string>,
    args: NetworkArgs,
  ): aws.ec2.RouteTable[] {
    return subnets.map((subnet, i) => {
      // perAz: each AZ leaves through its own NAT; single: all through the one NAT.
      const natGateway =
        natGateways.length === 0 ? undefined : natGateways[Math.min(i, natGateways.length - 1)];
      const table = new aws.ec2.RouteTable(
        ...applyTransform(
          args.transform?.routeTable,
          `${name}-private-${i + 1}`,
          {
            vpcId: vpc.id,
            routes: natGateway ? [{ cidrBlock: "0.0.0.0/0", natGatewayId: natGateway.id }] : [],
            tags: { ...tags, Name: `${name}-private-${i + 1}` },
          },
          { parent: this },
        ),
      );
      const association = new aws.ec2.RouteTableAssociation(
        `${name}-private-${i + 1}`,
        { subnetId: subnet.id, routeTableId: table.id },
        { parent: this },
      );
      this.privateEgress.push([...(natGateway ? [natGateway] : []), table, association]);
      return table;
    });
  }

  /** A gateway endpoint for S3 costs nothing and keeps image layers and backups off the NAT. */
  private createS3Endpoint(
    name: string,
    vpc: aws.ec2.Vpc,
    tables: aws.ec2.RouteTable[],
    tags: Record<string, string>,
  ) {
    const region = aws.getRegionOutput({}, { parent: this }).region;
    return new aws.ec2.VpcEndpoint(
      `${name}-s3`,
      {
        vpcId: vpc.id,
        serviceName: pulumi.interpolate`com.amazonaws.${region}.s3`,
        vpcEndpointType: "Gateway",
        routeTableIds: tables.map((t) => t.id),
        tags: { ...tags, Name: `${name}-s3` },
      },
      { parent: this },
    );
  }

  /**
   * One interface endpoint per service, with private DNS (the service's usual name answers with the
   * endpoint's addresses inside the VPC), in every AZ's private subnet, behind one security group that
   * admits HTTPS from the VPC's block and nothing else.
   */
  private createInterfaceEndpoints(
    name: string,
    vpc: aws.ec2.Vpc,
    subnets: aws.ec2.Subnet[],
    services: string[],
    tags: Record<string, string>,
  ): { securityGroupId: pulumi.Output<string>; endpoints: aws.ec2.VpcEndpoint[] } {
    const group = new aws.ec2.SecurityGroup(
      `${name}-endpoints`,
      {
        vpcId: vpc.id,
        description: "Interface VPC endpoints: HTTPS from the VPC only",
        tags: { ...tags, Name: `${name}-endpoints` },
      },
      { parent: this },
    );
    new aws.vpc.SecurityGroupIngressRule(
      `${name}-endpoints-https`,
      {
        securityGroupId: group.id,
        cidrIpv4: vpc.cidrBlock,
        ipProtocol: "tcp",
        fromPort: 443,
        toPort: 443,
        description: "HTTPS to the AWS service endpoints from the VPC",
        tags,
      },
      { parent: this },
    );
    const region = aws.getRegionOutput({}, { parent: this }).region;
    const endpoints = services.map(
      (service) =>
        new aws.ec2.VpcEndpoint(
          `${name}-${service.replace(/\./g, "-")}`,
          {
            vpcId: vpc.id,
            serviceName: pulumi.interpolate`com.amazonaws.${region}.${service}`,
            vpcEndpointType: "Interface",
            subnetIds: subnets.map((s) => s.id),
            securityGroupIds: [group.id],
            privateDnsEnabled: true,
            tags: { ...tags, Name: `${name}-${service}` },
          },
          { parent: this },
        ),
    );
    return { securityGroupId: group.id, endpoints };
  }
}
