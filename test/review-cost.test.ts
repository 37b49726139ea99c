import { strict as assert } from "assert";
import { byComponent, costDelta, costOf } from "../components/review/cost";
import { PRICES, REGIONS } from "../components/review/prices";
import { renderCostMarkdown, renderCostText } from "../components/review/render-cost";
import { cloneGraph, demoConfig, planConfig, withKey } from "./support/review";

// Expected figures are computed here by hand from the eu-west-3 rows of the price table
// (components/review/prices.ts), 730 hours a month, and the usage assumptions printed with them.
const SMALL = [
  "config:",
  "  aws:region: eu-west-3",
  "  toucan:version: v100.5.1",
  "  toucan:frontendDomain: toucan.example.com",
  "  toucan:backendDomain: api-toucan.example.com",
  "  toucan:zoneId: Z0123456789EXAMPLE",
  "  toucan:nat: single",
  "  toucan:monitoring: false",
  "",
].join("\n");

const close = (actual: number | undefined, expected: number, what: string) =>
  assert.ok(actual !== undefined && Math.abs(actual - expected) < 0.005, `${what}: ${actual} != ${expected}`);

describe("review: cost (--cost)", function () {
  this.timeout(60_000);

  it("has a sourced row for every price in every region it prices", () => {
    assert.deepEqual([...REGIONS].sort(), ["eu-central-1", "eu-west-1", "eu-west-3", "us-east-1"]);
    for (const region of REGIONS)
      for (const [key, price] of Object.entries(PRICES[region])) {
        assert.ok(price.usd > 0, `${region} ${key}`);
        assert.match(price.source, /^https:\/\//, `${region} ${key} has a source link`);
      }
  });

  it("GIVEN the small eu-west-3 stack (2 tasks per tier, 1 NAT) THEN each component sums to the hand-computed figure", async () => {
    const report = costOf(await planConfig(SMALL, "small"));
    assert.equal(report.region, "eu-west-3");
    const c = byComponent(report);
    // 1 NAT (0.05/h) + its EIP (0.005/h) + 50 GB NAT data at 0.05
    close(c.get("toucan (Network)"), 0.05 * 730 + 0.005 * 730 + 50 * 0.05, "network");
    // ALB 0.02646/h + 1 LCU at 0.008/h + 3 public IPv4 (one per AZ) at 0.005/h
    close(c.get("toucan-lb (LoadBalancer)"), 0.02646 * 730 + 0.008 * 730 + 3 * 0.005 * 730, "load balancer");
    // 2 tasks x (1 vCPU x 0.04656 + 2 GB x 0.00511) x 730 h + 1 GB logs at 0.60
    close(c.get("toucan-backend (ToucanService)"), 2 * (0.04656 + 2 * 0.00511) * 730 + 0.6, "backend");
    close(
      c.get("toucan-frontend (ToucanService)"),
      2 * (0.25 * 0.04656 + 0.5 * 0.00511) * 730 + 0.6,
      "frontend",
    );
    // 3 t4g.medium (0.0376/h), 3 x (16 GB root + 50 GB data) gp3 at 0.0928, 10 secrets, 1 private zone + 1 M queries
    close(
      c.get("toucan-mongo (MongoCluster)"),
      3 * 0.0376 * 730 + 3 * (16 + 50) * 0.0928 + 10 * 0.4 + 0.5 + 0.4,
      "mongo",
    );
    // 2 Valkey cache.t4g.small nodes at 0.0288/h + 2 secrets
    close(c.get("toucan-redis (RedisCache)"), 2 * 0.0288 * 730 + 2 * 0.4, "redis");
    close(c.get("toucan-storage (SharedStorage)"), 20 * 0.33, "EFS, 20 GB assumed");
    close(c.get("toucan-backups (Backups)"), 150 * 0.053, "snapshots of 3 x 50 GB");
    close(c.get("toucan-toolbox (Toolbox)"), 0.6 + 10 * 0.024, "toolbox");
    close(report.total, 347.94, "total");
    close(
      report.usage,
      50 * 0.05 + 0.008 * 730 + 3 * 0.6 + 0.4 + 20 * 0.33 + 150 * 0.053 + 10 * 0.024 + 0.5,
      "usage",
    );
    assert.deepEqual(report.unpriced, []);
  });

  it("prints every usage assumption and marks the figures not confirmed from a dated copy", async () => {
    const report = costOf(await planConfig(SMALL, "small"));
    const text = renderCostText(report);
    assert.match(text, /~ lb\/loadBalancer toucan-lb-alb: 1 LCU per ALB on average/);
    assert.match(text, /50 GB per month through the NAT gateways in all/);
    assert.match(text, /nat\.hour: \$0\.05 per NAT-gateway-hour \(estimate: regional row/);
    assert.match(
      text,
      /ipv4\.hour: \$0\.005 per public IPv4 address-hour — https:\/\/aws\.amazon\.com\/blogs/,
    );
    assert.match(renderCostMarkdown(report), /\| toucan-lb \(LoadBalancer\) \| \$36\.11 \|/);
  });

  it("with --diff: NAT perAz -> single in eu-west-1 saves 2 NATs and 2 addresses a month", async () => {
    const base = await planConfig(demoConfig());
    const delta = costDelta(base, await planConfig(withKey(demoConfig(), "nat", "single")));
    // The assumed 50 GB of NAT data is the same in total, spread over fewer NATs.
    close(delta.delta, -(2 * 0.048 * 730 + 2 * 0.005 * 730), "delta");
    assert.deepEqual(
      delta.components.map((c) => c.component),
      ["toucan (Network)"],
    );
  });

  it("lists what it cannot price instead of guessing", async () => {
    const graph = cloneGraph(await planConfig(SMALL, "small"));
    graph.resources.find((r) => r.type === "aws:ec2/instance:Instance")!.inputs.instanceType = "x2iedn.metal";
    const report = costOf(graph);
    assert.deepEqual(
      report.unpriced.map((u) => u.why),
      ["no price row for instance type x2iedn.metal"],
    );
    graph.config["aws:region"] = "ap-south-2";
    const elsewhere = costOf(graph);
    assert.equal(elsewhere.priced, false);
    assert.equal(elsewhere.total, 0);
    assert.match(renderCostText(elsewhere), /no price table for region ap-south-2/);
  });
});
