import { strict as assert } from "assert";
import { Network, NetworkArgs } from "../components/aws/network";
import { ToucanArgumentError } from "../components/core/errors";
import { Recording, record, recordFailure, valueOf } from "../components/planner/recorder";
import { assertUntouched, compareRecordings, names } from "./support/day2";

const EIP = "aws:ec2/eip:Eip";
const NAT = "aws:ec2/natGateway:NatGateway";

async function plan(args: NetworkArgs): Promise<{ recording: Recording; network: Network }> {
  const { recording, result } = await record(() => new Network("toucan", args), { region: "eu-west-1" });
  return { recording, network: result };
}

describe("Changing nat on a running stack", () => {
  // Rules the tests check, in the engine's terms:
  // - an Elastic IP partners allow-listed is released only when the user asked for it (keepNatIps off);
  // - a private route moves to the remaining NAT gateway by an in-place update of its route table, which the
  //   engine runs before it deletes the gateway the route left (deletions come last): no AZ loses egress.
  it("perAz to single releases the addresses of the 2 removed gateways unless keepNatIps", async () => {
    const before = (await plan({ nat: "perAz" })).recording;
    const after = (await plan({ nat: "single" })).recording;
    const change = compareRecordings(before, after);
    assert.deepEqual(names(change.created), []);
    assert.deepEqual(names(change.deleted.filter((u) => u.includes(EIP) || u.includes(NAT))), [
      "toucan-nat-2",
      "toucan-nat-2",
      "toucan-nat-3",
      "toucan-nat-3",
    ]);
    const movedRoutes = Object.entries(change.changed).filter(([urn]) =>
      urn.includes("routeTable:RouteTable"),
    );
    assert.deepEqual(
      movedRoutes.map(([urn, keys]) => [names([urn])[0], keys]),
      [
        ["toucan-private-2", ["routes"]],
        ["toucan-private-3", ["routes"]],
      ],
    );
  });

  it("with keepNatIps, perAz to single keeps all three addresses: only the gateways go", async () => {
    const before = (await plan({ nat: "perAz", keepNatIps: true })).recording;
    const after = await plan({ nat: "single", keepNatIps: true });
    const change = compareRecordings(before, after.recording);
    assertUntouched(change, EIP);
    assert.deepEqual(names(change.deleted), ["toucan-nat-2", "toucan-nat-3"]);
    assert.ok(change.deleted.every((u) => u.includes(NAT)));
    const ips = (await valueOf(after.network.natPublicIps)) as string[];
    assert.equal(ips.length, 3, "the kept addresses are still outputs");
  });

  it("turning keepNatIps on a perAz stack changes nothing", async () => {
    const before = (await plan({ nat: "perAz" })).recording;
    const after = (await plan({ nat: "perAz", keepNatIps: true })).recording;
    assert.deepEqual(compareRecordings(before, after), { created: [], deleted: [], changed: {}, moved: {} });
  });

  it("single back to perAz with keepNatIps gives each new gateway its AZ's kept address", async () => {
    const before = (await plan({ nat: "single", keepNatIps: true })).recording;
    const after = (await plan({ nat: "perAz", keepNatIps: true })).recording;
    const change = compareRecordings(before, after);
    assertUntouched(change, EIP);
    assert.deepEqual(names(change.created), ["toucan-nat-2", "toucan-nat-3"]);
    for (const i of [2, 3]) {
      const gateway = after.one(NAT, `toucan-nat-${i}`);
      assert.equal(gateway.inputs.allocationId, before.one(EIP, `toucan-nat-${i}`).outputs.id);
    }
  });

  it("nat none with keepNatIps keeps one address per AZ and no gateway", async () => {
    const { recording } = await plan({ nat: "none", keepNatIps: true });
    assert.equal(recording.byType(EIP).length, 3);
    assert.deepEqual(recording.byType(NAT), []);
  });

  it("refuses keepNatIps without public subnets", async () => {
    const { error, recording } = await recordFailure(
      () => new Network("toucan", { nat: "none", publicSubnets: false, keepNatIps: true }),
    );
    assert.ok(error instanceof ToucanArgumentError, String(error));
    assert.match(error.message, /`keepNatIps`/);
    assert.deepEqual(recording.built, []);
  });
});
