import { strict as assert } from "assert";
import { Network, NetworkArgs, ToucanArgumentError } from "../components";
import { planSubnets } from "../components/aws/network-layout";
import { parseCidr, formatCidr, overlaps, contains } from "../components/core/cidr";
import { record, recordFailure, valueOf, Recording, RecordedResource } from "../components/planner/recorder";

const NETWORK = "toucan:aws:Network";
/** A VPC built elsewhere, two AZs. */
const EXISTING_VPC = {
  vpcId: "vpc-0a1b2c3d4e5f60718",
  publicSubnetIds: ["subnet-0000000000000000a", "subnet-0000000000000000b"],
  privateSubnetIds: ["subnet-1000000000000000a", "subnet-1000000000000000b"],
  availabilityZones: ["eu-west-1a", "eu-west-1b"],
  cidrBlock: "10.9.0.0/16",
};

async function build(args: NetworkArgs = {}, preview = false) {
  const { result, recording } = await record(() => new Network("net", args), {
    preview,
    region: "eu-west-1",
  });
  return { network: result, recording };
}

function azOfSubnet(recording: Recording, subnetId: unknown): string {
  const subnet = recording.byType("aws:ec2/subnet:Subnet").find((s) => s.outputs.id === subnetId);
  assert.ok(subnet, `no subnet with id ${String(subnetId)}`);
  return subnet.inputs.availabilityZone as string;
}

function routesOf(
  table: RecordedResource,
): { cidrBlock: string; natGatewayId?: string; gatewayId?: string }[] {
  return table.inputs.routes as { cidrBlock: string; natGatewayId?: string; gatewayId?: string }[];
}

describe("CIDR arithmetic", () => {
  const cases: [string, boolean][] = [
    ["10.0.0.0/16", true],
    ["10.0.0.1/16", false], // host bits set
    ["10.0.0.0/33", false],
    ["256.0.0.0/8", false],
    ["10.0.0.0", false],
  ];
  for (const [text, valid] of cases) {
    it(`${text} is ${valid ? "" : "not "}a network block`, () => {
      const parsed = parseCidr(text);
      assert.equal(parsed !== undefined, valid);
      if (parsed) assert.equal(formatCidr(parsed), text);
    });
  }

  it("detects overlap and containment", () => {
    const a = parseCidr("10.0.0.0/16")!;
    assert.equal(overlaps(a, parseCidr("10.0.255.0/24")!), true);
    assert.equal(overlaps(a, parseCidr("10.1.0.0/16")!), false);
    assert.equal(contains(a, parseCidr("10.0.16.0/20")!), true);
    assert.equal(contains(parseCidr("10.0.16.0/20")!, a), false);
  });
});

describe("subnet layout", () => {
  const cases: { vpc: string; azs: number; prefix?: number; private: string[]; public: string[] }[] = [
    {
      vpc: "10.0.0.0/16",
      azs: 3,
      private: ["10.0.0.0/20", "10.0.16.0/20", "10.0.32.0/20"],
      public: ["10.0.128.0/20", "10.0.144.0/20", "10.0.160.0/20"],
    },
    {
      vpc: "172.16.0.0/20",
      azs: 2,
      private: ["172.16.0.0/24", "172.16.1.0/24"],
      public: ["172.16.8.0/24", "172.16.9.0/24"],
    },
    {
      vpc: "10.10.0.0/24",
      azs: 3,
      prefix: 28,
      private: ["10.10.0.0/28", "10.10.0.16/28", "10.10.0.32/28"],
      public: ["10.10.0.128/28", "10.10.0.144/28", "10.10.0.160/28"],
    },
  ];
  for (const c of cases) {
    it(`${c.vpc} over ${c.azs} AZs`, () => {
      const plan = planSubnets(c.vpc, c.azs, c.prefix);
      assert.deepEqual(
        plan.filter((p) => p.tier === "private").map((p) => p.cidrBlock),
        c.private,
      );
      assert.deepEqual(
        plan.filter((p) => p.tier === "public").map((p) => p.cidrBlock),
        c.public,
      );
    });
  }

  it("never renumbers existing subnets when an AZ is added", () => {
    for (let azs = 2; azs < 4; azs++) {
      const before = planSubnets("10.0.0.0/16", azs);
      const after = planSubnets("10.0.0.0/16", azs + 1);
      for (const subnet of before)
        assert.ok(
          after.some(
            (s) => s.tier === subnet.tier && s.azIndex === subnet.azIndex && s.cidrBlock === subnet.cidrBlock,
          ),
        );
    }
  });

  it("never renumbers existing subnets when a tier is built later", () => {
    const privateOnly = planSubnets("10.0.0.0/16", 3, undefined, ["private"]);
    const both = planSubnets("10.0.0.0/16", 3);
    for (const subnet of privateOnly)
      assert.ok(both.some((s) => s.cidrBlock === subnet.cidrBlock && s.tier === "private"));
  });

  it("subnets never overlap and stay inside the VPC", () => {
    const vpc = parseCidr("10.0.0.0/16")!;
    const blocks = planSubnets("10.0.0.0/16", 4).map((p) => parseCidr(p.cidrBlock)!);
    blocks.forEach((b, i) => {
      assert.ok(contains(vpc, b));
      blocks.slice(i + 1).forEach((o) => assert.ok(!overlaps(b, o)));
    });
  });
});

describe("Network", () => {
  describe("by default", () => {
    it("builds one VPC with a public and a private subnet in each of 3 distinct AZs", async () => {
      const { recording } = await build();
      const vpc = recording.one("aws:ec2/vpc:Vpc");
      assert.equal(vpc.inputs.cidrBlock, "10.0.0.0/16");
      assert.equal(vpc.inputs.enableDnsHostnames, true);
      const subnets = recording.byType("aws:ec2/subnet:Subnet");
      const publicSubnets = subnets.filter((s) => s.name.includes("-public-"));
      const privateSubnets = subnets.filter((s) => s.name.includes("-private-"));
      assert.equal(publicSubnets.length, 3);
      assert.equal(privateSubnets.length, 3);
      for (const tier of [publicSubnets, privateSubnets]) {
        assert.deepEqual(
          tier.map((s) => s.inputs.availabilityZone),
          ["eu-west-1a", "eu-west-1b", "eu-west-1c"],
        );
      }
      for (const s of subnets) {
        assert.equal(s.inputs.vpcId, vpc.outputs.id);
        assert.equal(s.inputs.mapPublicIpOnLaunch, false);
      }
    });

    it("puts a NAT gateway in each AZ and routes each private subnet through its own AZ's NAT", async () => {
      const { recording } = await build();
      const nats = recording.byType("aws:ec2/natGateway:NatGateway");
      assert.equal(nats.length, 3);
      assert.equal(recording.byType("aws:ec2/eip:Eip").length, 3);
      for (let i = 1; i <= 3; i++) {
        const table = recording.one("aws:ec2/routeTable:RouteTable", `net-private-${i}`);
        const [route] = routesOf(table);
        assert.equal(route.cidrBlock, "0.0.0.0/0");
        const nat = nats.find((n) => n.outputs.id === route.natGatewayId)!;
        const association = recording.one(
          "aws:ec2/routeTableAssociation:RouteTableAssociation",
          `net-private-${i}`,
        );
        assert.equal(association.inputs.routeTableId, table.outputs.id);
        assert.equal(
          azOfSubnet(recording, nat.inputs.subnetId),
          azOfSubnet(recording, association.inputs.subnetId),
        );
        assert.ok(azOfSubnet(recording, nat.inputs.subnetId));
        assert.ok(
          recording.one("aws:ec2/subnet:Subnet", `net-public-${i}`).outputs.id === nat.inputs.subnetId,
        );
      }
    });

    it("routes public subnets to an internet gateway", async () => {
      const { recording } = await build();
      const igw = recording.one("aws:ec2/internetGateway:InternetGateway");
      const table = recording.one("aws:ec2/routeTable:RouteTable", "net-public");
      assert.deepEqual(routesOf(table), [{ cidrBlock: "0.0.0.0/0", gatewayId: igw.outputs.id }]);
      const associations = recording
        .byType("aws:ec2/routeTableAssociation:RouteTableAssociation")
        .filter((a) => a.inputs.routeTableId === table.outputs.id);
      assert.equal(associations.length, 3);
    });

    it("strips every rule from the default security group", async () => {
      const { recording } = await build();
      const sg = recording.one("aws:ec2/defaultSecurityGroup:DefaultSecurityGroup");
      assert.deepEqual(sg.inputs.ingress, []);
      assert.deepEqual(sg.inputs.egress, []);
      assert.equal(sg.inputs.vpcId, recording.one("aws:ec2/vpc:Vpc").outputs.id);
    });

    it("parents every child to the Network component", async () => {
      const { recording } = await build();
      const component = recording.one(NETWORK);
      const children = recording.built.filter((r) => r.type !== NETWORK);
      assert.ok(children.length > 20);
      for (const child of children) assert.equal(child.parent, component.urn, `${child.name} is not a child`);
    });

    it("outputs subnets in the order of its AZs", async () => {
      const { network, recording } = await build();
      const azs = (await valueOf(network.availabilityZones)) as string[];
      const privateIds = (await valueOf(network.privateSubnetIds)) as string[];
      const publicIds = (await valueOf(network.publicSubnetIds)) as string[];
      assert.deepEqual(azs, ["eu-west-1a", "eu-west-1b", "eu-west-1c"]);
      privateIds.forEach((id, i) => assert.equal(azOfSubnet(recording, id), azs[i]));
      publicIds.forEach((id, i) => assert.equal(azOfSubnet(recording, id), azs[i]));
      assert.equal(await valueOf(network.cidrBlock), "10.0.0.0/16");
    });
  });

  it("with nat single, routes every private subnet through one NAT gateway", async () => {
    const { recording } = await build({ nat: "single" });
    const [nat] = recording.byType("aws:ec2/natGateway:NatGateway");
    assert.equal(recording.byType("aws:ec2/natGateway:NatGateway").length, 1);
    for (let i = 1; i <= 3; i++) {
      assert.equal(
        routesOf(recording.one("aws:ec2/routeTable:RouteTable", `net-private-${i}`))[0].natGatewayId,
        nat.outputs.id,
      );
    }
  });

  it("with nat none, builds no NAT and keeps a free S3 gateway endpoint on the private route tables", async () => {
    const { recording } = await build({ nat: "none" });
    assert.equal(recording.byType("aws:ec2/natGateway:NatGateway").length, 0);
    assert.equal(recording.byType("aws:ec2/eip:Eip").length, 0);
    const privateTables = [1, 2, 3].map((i) =>
      recording.one("aws:ec2/routeTable:RouteTable", `net-private-${i}`),
    );
    for (const t of privateTables) assert.deepEqual(t.inputs.routes, []);
    const endpoint = recording.one("aws:ec2/vpcEndpoint:VpcEndpoint", "net-s3");
    assert.equal(endpoint.inputs.vpcEndpointType, "Gateway");
    assert.equal(endpoint.inputs.serviceName, "com.amazonaws.eu-west-1.s3");
    assert.deepEqual(
      endpoint.inputs.routeTableIds,
      privateTables.map((t) => t.outputs.id),
    );
  });

  describe("interface endpoints", () => {
    // AWS: ECR (api, dkr) for image pulls, CloudWatch Logs, Secrets Manager, Systems Manager (ssm,
    // ssmmessages, ec2messages), STS and CloudWatch (metrics) for a VPC with no route to the internet.
    const NO_NAT_SERVICES = [
      "ecr.api",
      "ecr.dkr",
      "logs",
      "secretsmanager",
      "ssm",
      "ssmmessages",
      "ec2messages",
      "sts",
      "monitoring",
    ];
    const INTERFACE = (r: RecordedResource) => r.inputs.vpcEndpointType === "Interface";

    it("with nat none, members wait for the endpoints, their only way out", async () => {
      const { recording, network } = await build({ nat: "none" });
      const all = recording.byType("aws:ec2/vpcEndpoint:VpcEndpoint").map((e) => e.urn);
      assert.equal(all.length, 1 + NO_NAT_SERVICES.length);
      assert.equal(network.privateEgress.length, 3);
      for (const egress of network.privateEgress) {
        const urns = await Promise.all(egress.map((r) => valueOf(r.urn)));
        for (const urn of all) assert.ok(urns.includes(urn), `${urn} missing from a subnet's egress`);
      }
    });

    it("with nat none, reaches every service private tasks and members use, with private DNS, in every AZ", async () => {
      const { recording } = await build({ nat: "none" });
      const endpoints = recording.byType("aws:ec2/vpcEndpoint:VpcEndpoint").filter(INTERFACE);
      assert.deepEqual(
        endpoints.map((e) => e.inputs.serviceName),
        NO_NAT_SERVICES.map((s) => `com.amazonaws.eu-west-1.${s}`),
      );
      const privateIds = [1, 2, 3].map(
        (i) => recording.one("aws:ec2/subnet:Subnet", `net-private-${i}`).outputs.id,
      );
      const group = recording.one("aws:ec2/securityGroup:SecurityGroup", "net-endpoints");
      const vpc = recording.one("aws:ec2/vpc:Vpc");
      for (const e of endpoints) {
        assert.deepEqual(e.inputs.subnetIds, privateIds, `${e.name}: one private subnet per AZ`);
        assert.deepEqual(e.inputs.securityGroupIds, [group.outputs.id]);
        assert.equal(e.inputs.privateDnsEnabled, true);
        assert.equal(e.inputs.vpcId, vpc.outputs.id);
      }
      assert.equal(group.inputs.vpcId, vpc.outputs.id);
      assert.equal(group.inputs.ingress, undefined, "no inline rule");
      assert.equal(
        group.inputs.egress,
        undefined,
        "no inline rule (the provider drops AWS's default egress)",
      );
      const rules = recording
        .byType("aws:vpc/securityGroupIngressRule:SecurityGroupIngressRule")
        .filter((r) => r.inputs.securityGroupId === group.outputs.id);
      assert.deepEqual(
        rules.map((r) => [r.inputs.cidrIpv4, r.inputs.ipProtocol, r.inputs.fromPort, r.inputs.toPort]),
        [["10.0.0.0/16", "tcp", 443, 443]],
      );
      assert.equal(
        recording
          .byType("aws:vpc/securityGroupEgressRule:SecurityGroupEgressRule")
          .filter((r) => r.inputs.securityGroupId === group.outputs.id).length,
        0,
      );
    });

    it("with NAT, builds none unless asked, then only those", async () => {
      const plain = await build({ nat: "single" });
      assert.equal(plain.recording.byType("aws:ec2/vpcEndpoint:VpcEndpoint").filter(INTERFACE).length, 0);
      assert.equal(plain.network.interfaceEndpointServices.length, 0);
      const { recording, network } = await build({ nat: "perAz", interfaceEndpoints: ["kms", "ecr.api"] });
      assert.deepEqual(
        recording
          .byType("aws:ec2/vpcEndpoint:VpcEndpoint")
          .filter(INTERFACE)
          .map((e) => e.inputs.serviceName),
        ["com.amazonaws.eu-west-1.kms", "com.amazonaws.eu-west-1.ecr.api"],
      );
      assert.equal(network.nat, "perAz");
    });

    it("with nat none, adds the asked ones to the required ones without repeating any", async () => {
      const { recording, network } = await build({ nat: "none", interfaceEndpoints: ["kms", "logs"] });
      const names = recording
        .byType("aws:ec2/vpcEndpoint:VpcEndpoint")
        .filter(INTERFACE)
        .map((e) => e.inputs.serviceName);
      assert.deepEqual(
        names,
        [...NO_NAT_SERVICES, "kms"].map((s) => `com.amazonaws.eu-west-1.${s}`),
      );
      assert.equal(network.nat, "none");
    });
  });

  it("uses the AZs it is given, in order, without a lookup", async () => {
    const { recording } = await build({ availabilityZones: ["eu-west-1c", "eu-west-1a"] });
    const privateSubnets = recording
      .byType("aws:ec2/subnet:Subnet")
      .filter((s) => s.name.includes("-private-"));
    assert.deepEqual(
      privateSubnets.map((s) => s.inputs.availabilityZone),
      ["eu-west-1c", "eu-west-1a"],
    );
  });

  it("with an existing VPC, builds nothing and echoes the ids", async () => {
    const existing = EXISTING_VPC;
    const { network, recording } = await build({ existing });
    assert.deepEqual(
      recording.built.map((r) => r.type),
      [NETWORK],
    );
    assert.equal(await valueOf(network.vpcId), "vpc-0a1b2c3d4e5f60718");
    assert.deepEqual(await valueOf(network.privateSubnetIds), existing.privateSubnetIds);
    assert.deepEqual(await valueOf(network.publicSubnetIds), existing.publicSubnetIds);
    assert.deepEqual(await valueOf(network.availabilityZones), existing.availabilityZones);
    assert.equal(await valueOf(network.cidrBlock), "10.9.0.0/16");
  });

  it("with an existing VPC, echoes its declared NAT strategy and refuses an unknown one", async () => {
    const existing = EXISTING_VPC;
    const { network, recording } = await build({ existing: { ...existing, nat: "none" } });
    assert.equal(network.nat, "none");
    assert.equal(recording.byType("aws:ec2/vpcEndpoint:VpcEndpoint").length, 0);
    assert.equal((await build({ existing })).network.nat, undefined);
    const { error } = await recordFailure(
      () => new Network("net", { existing: { ...existing, nat: "nat" as never } }),
    );
    assert.match(error.message, /`existing\.nat` is "nat": is not a NAT strategy/);
  });

  it("registers the same resources in preview as in an update", async () => {
    const update = await build();
    const preview = await build({}, true);
    assert.deepEqual(
      preview.recording.resources.map((r) => r.urn),
      update.recording.resources.map((r) => r.urn),
    );
  });

  describe("rejects bad input before registering anything", () => {
    const cases: { title: string; args: NetworkArgs; argument: string; message: RegExp }[] = [
      {
        title: "1 AZ by count",
        args: { azCount: 1 },
        argument: "azCount",
        message: /fewer than 2 Availability Zones/,
      },
      {
        title: "1 AZ by list",
        args: { availabilityZones: ["eu-west-1a"] },
        argument: "availabilityZones",
        message: /fewer than 2/,
      },
      {
        title: "an invalid CIDR",
        args: { cidrBlock: "10.0.0.1/16" },
        argument: "cidrBlock",
        message: /not an IPv4 network block/,
      },
      {
        title: "a CIDR larger than AWS allows",
        args: { cidrBlock: "10.0.0.0/8" },
        argument: "cidrBlock",
        message: /larger than AWS allows/,
      },
      {
        title: "a too-small CIDR",
        args: { cidrBlock: "10.0.0.0/26" },
        argument: "cidrBlock",
        message: /too small/,
      },
      {
        title: "a CIDR with no room for the AZs",
        args: { cidrBlock: "10.0.0.0/24", subnetPrefixLength: 26, azCount: 3 },
        argument: "cidrBlock",
        message: /has room for 1 AZ/,
      },
      {
        title: "a CIDR overlapping a reserved block",
        args: { cidrBlock: "10.0.0.0/16", reservedCidrs: ["10.0.128.0/20"] },
        argument: "cidrBlock",
        message: /overlaps the reserved block 10\.0\.128\.0\/20/,
      },
      {
        title: "single NAT with no public subnets",
        args: { nat: "single", publicSubnets: false },
        argument: "nat",
        message: /needs public subnets/,
      },
      {
        title: "an unknown NAT strategy",
        args: { nat: "perAZ" as never },
        argument: "nat",
        message: /not a NAT strategy/,
      },
      {
        title: "an interface endpoint that is not a service name",
        args: { interfaceEndpoints: ["com.amazonaws.eu-west-1.kms"] },
        argument: "interfaceEndpoints[0]",
        message: /the part after com\.amazonaws\.<region>\./,
      },
      {
        title: "interface endpoints for an existing VPC",
        args: {
          interfaceEndpoints: ["kms"],
          existing: EXISTING_VPC,
        },
        argument: "interfaceEndpoints",
        message: /has no effect together with `existing`/,
      },
      {
        title: "mismatched subnet and AZ lists",
        args: {
          existing: {
            vpcId: "vpc-1",
            publicSubnetIds: ["a", "b"],
            privateSubnetIds: ["c"],
            availabilityZones: ["eu-west-1a", "eu-west-1b"],
          },
        },
        argument: "existing.privateSubnetIds",
        message: /does not match existing.availabilityZones \(2 AZ\(s\)\)/,
      },
    ];
    for (const c of cases) {
      it(c.title, async () => {
        const { error, recording } = await recordFailure(() => new Network("net", c.args));
        assert.ok(error instanceof ToucanArgumentError, String(error));
        assert.match(error.message, new RegExp(`\`${c.argument.replace(/[.[\]]/g, "\\$&")}\``));
        assert.match(error.message, c.message);
        assert.match(error.message, /Fix: /);
        assert.deepEqual(recording.built, [], "resources were registered before the error");
      });
    }
  });
});
