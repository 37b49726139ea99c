import { strict as assert } from "assert";
import * as pulumi from "@pulumi/pulumi";
// As a company's tests import them: the package root and pulumi-toucan/testing, nothing else.
import { Network } from "../components";
import { HarnessError, record, recordFailure } from "../components/testing";

/** A company's own composition: its network conventions around pulumi-toucan's Network. */
class AcmeNetwork extends pulumi.ComponentResource {
  readonly network: Network;
  constructor(name: string, args: { costCenter: string }, opts?: pulumi.ComponentResourceOptions) {
    super("acme:platform:Network", name, {}, opts);
    this.network = new Network(
      name,
      { cidrBlock: "10.42.0.0/16", azCount: 2, nat: "single", tags: { costCenter: args.costCenter } },
      { parent: this },
    );
    this.registerOutputs({});
  }
}

describe("pulumi-toucan/testing (a company unit-tests its own composition offline)", () => {
  it("finds resources by type and by inputs, and reads their inputs", async () => {
    const { recording } = await record(() => new AcmeNetwork("acme", { costCenter: "42" }), {
      config: { "aws:region": "eu-west-1" },
    });
    const vpc = recording.hasResource("aws:ec2/vpc:Vpc", { cidrBlock: "10.42.0.0/16" });
    assert.equal(vpc.inputs.enableDnsHostnames, true);
    assert.equal(recording.count("aws:ec2/natGateway:NatGateway"), 1, "nat: single");
    // Two AZs: a public and a private subnet in each, every one tagged with the cost center.
    const subnets = recording.where("aws:ec2/subnet:Subnet", { tags: { costCenter: "42" } });
    assert.equal(subnets.length, 4);
    assert.deepEqual(subnets.map((s) => s.inputs.availabilityZone).sort(), [
      "eu-west-1a",
      "eu-west-1a",
      "eu-west-1b",
      "eu-west-1b",
    ]);
    // The company's component is the parent of the library's.
    const acme = recording.one("acme:platform:Network", "acme");
    assert.deepEqual(
      recording.children(acme).map((r) => r.type),
      ["toucan:aws:Network"],
    );
  });

  it("hasResource says which resource came closest and which input differs", async () => {
    const { recording } = await record(() => new AcmeNetwork("acme", { costCenter: "42" }));
    assert.throws(
      () => recording.hasResource("aws:ec2/vpc:Vpc", { cidrBlock: "10.0.0.0/16" }),
      (error: Error) =>
        error instanceof HarnessError &&
        /found 0 \(acme-vpc: cidrBlock is "10\.42\.0\.0\/16", expected "10\.0\.0\.0\/16"\)/.test(
          error.message,
        ),
    );
    assert.throws(
      () => recording.hasResource("aws:ec2/subnet:Subnet", { tags: { costCenter: "42" } }),
      /expected one aws:ec2\/subnet:Subnet with .*, found 4/,
    );
  });

  it("records what a bad argument does: an error before any resource registers", async () => {
    const { error, recording } = await recordFailure(
      () => new Network("bad", { cidrBlock: "10.42.0.0/8", azCount: 2 }),
    );
    assert.match(error.message, /`cidrBlock`/);
    assert.equal(recording.count("aws:ec2/vpc:Vpc"), 0);
  });
});
