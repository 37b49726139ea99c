import { strict as assert } from "assert";
import type { PlanGraph } from "../components/planner/plan-runner";
import { azLoss, AzLossReport, renderAzLossMarkdown } from "../components/review/az-loss";
import { cloneGraph, demoConfig, planConfig, withKey } from "./support/review";

// The rules, from AWS and MongoDB documentation: a replica set elects a primary only with a majority of
// its voting members; a private subnet reaches the internet only through the NAT gateway its route
// table names; EFS is reached through a mount target in the client's AZ; an ALB serves from its nodes
// in the remaining AZs.

const AZS = ["eu-west-1a", "eu-west-1b", "eu-west-1c"];

function tier(report: AzLossReport, name: string) {
  const found = report.tiers.filter((t) => t.tier === name);
  assert.equal(found.length, 1, `one tier ${name} (have ${report.tiers.map((t) => t.tier).join(", ")})`);
  return found[0];
}

const statuses = (report: AzLossReport, name: string) => AZS.map((az) => tier(report, name).lost[az].status);

describe("review: AZ loss (--az-loss)", function () {
  this.timeout(60_000);
  let perAz: PlanGraph;
  before(async () => {
    perAz = await planConfig(demoConfig());
  });

  it("GIVEN the demo (3 AZs, a NAT per AZ) THEN every tier survives the loss of any one AZ", () => {
    const report = azLoss(perAz);
    assert.deepEqual(report.azs, AZS);
    assert.equal(report.failing, false);
    assert.deepEqual(
      report.tiers.map((t) => t.tier),
      [
        "load balancer toucan-lb-alb",
        "service toucan-frontend-service",
        "service toucan-backend-service",
        "MongoDB replica set",
        "Redis toucan-redis-rg",
        "EFS shared storage",
        "NAT egress",
      ],
    );
    assert.equal(
      tier(report, "MongoDB replica set").placement,
      "eu-west-1a: 1, eu-west-1b: 1, eu-west-1c: 1",
    );
    assert.match(tier(report, "MongoDB replica set").lost["eu-west-1b"].note, /2 of 3 members: majority/);
    assert.equal(tier(report, "NAT egress").placement, "NAT in eu-west-1a, eu-west-1b, eu-west-1c");
    for (const t of report.tiers)
      for (const az of AZS) assert.equal(t.lost[az].status, "serves", `${t.tier}, ${az}`);
  });

  it("GIVEN nat: single THEN losing the NAT's AZ cuts egress for the others, fails, and degrades the services", async () => {
    const report = azLoss(await planConfig(withKey(demoConfig(), "nat", "single")));
    assert.equal(report.failing, true);
    assert.equal(tier(report, "NAT egress").placement, "NAT in eu-west-1a");
    assert.deepEqual(statuses(report, "NAT egress"), ["fails", "serves", "serves"]);
    assert.match(
      tier(report, "NAT egress").lost["eu-west-1a"].note,
      /private subnets in eu-west-1b, eu-west-1c lose internet egress/,
    );
    // Tasks in b and c keep serving, but a replacement cannot pull its public image.
    assert.deepEqual(statuses(report, "service toucan-backend-service"), ["degraded", "serves", "serves"]);
    assert.deepEqual(statuses(report, "MongoDB replica set"), ["serves", "serves", "serves"]);
  });

  it("two Mongo members in one AZ: losing that AZ loses the majority", () => {
    const graph = cloneGraph(perAz);
    const member = graph.resources.find(
      (r) => r.name === "toucan-mongo-member-3" && r.type === "aws:ec2/instance:Instance",
    )!;
    member.inputs.availabilityZone = "eu-west-1b";
    const report = azLoss(graph);
    assert.equal(tier(report, "MongoDB replica set").placement, "eu-west-1a: 1, eu-west-1b: 2");
    assert.deepEqual(statuses(report, "MongoDB replica set"), ["serves", "fails", "serves"]);
    assert.match(tier(report, "MongoDB replica set").lost["eu-west-1b"].note, /1 of 3 members: no majority/);
    assert.equal(report.failing, true);
  });

  it("a single Redis node, or one task per service, fails in any AZ it may be in", () => {
    const graph = cloneGraph(perAz);
    graph.resources.find(
      (r) => r.type === "aws:elasticache/replicationGroup:ReplicationGroup",
    )!.inputs.numCacheClusters = 1;
    graph.resources.find((r) => r.name === "toucan-backend-service")!.inputs.desiredCount = 1;
    const report = azLoss(graph);
    assert.deepEqual(statuses(report, "Redis toucan-redis-rg"), ["fails", "fails", "fails"]);
    assert.deepEqual(statuses(report, "service toucan-backend-service"), ["fails", "fails", "fails"]);
  });

  it("EFS with a mount target in one AZ only: losing it fails the storage tier", () => {
    const graph = cloneGraph(perAz);
    graph.resources = graph.resources.filter(
      (r) => !(r.type === "aws:efs/mountTarget:MountTarget" && r.name !== "toucan-storage-mount-1"),
    );
    const report = azLoss(graph);
    assert.deepEqual(statuses(report, "EFS shared storage"), ["fails", "serves", "serves"]);
  });

  it("static frontend: CloudFront serves whatever AZ is lost; a single host has no AZ placement to judge", async () => {
    const staticReport = azLoss(await planConfig(demoConfig("Pulumi.demo-static.yaml"), "demo-static"));
    assert.deepEqual(statuses(staticReport, "static frontend toucan-static-cdn"), [
      "serves",
      "serves",
      "serves",
    ]);
    assert.ok(!staticReport.tiers.some((t) => t.tier === "service toucan-frontend-service"));
    const host = azLoss(await planConfig(demoConfig("Pulumi.demo-single-host.yaml"), "demo-single-host"));
    assert.deepEqual(host.tiers, []);
    assert.equal(host.failing, false);
    assert.match(host.notes[0], /AZ placement is unknown/);
  });

  it("renders a Markdown table with one column per lost AZ", async () => {
    const md = renderAzLossMarkdown(azLoss(await planConfig(withKey(demoConfig(), "nat", "single"))));
    assert.match(md, /\| Tier \| Placement \| eu-west-1a lost \| eu-west-1b lost \| eu-west-1c lost \|/);
    assert.match(
      md,
      /\| NAT egress \| NAT in eu-west-1a \| ❌ private subnets in eu-west-1b, eu-west-1c lose/,
    );
  });
});
