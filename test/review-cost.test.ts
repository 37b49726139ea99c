import { strict as assert } from "assert";
import { byComponent, costDelta, costOf } from "../components/review/cost";
import { PRICES, REGIONS } from "../components/review/prices";
import { renderCostMarkdown, renderCostText } from "../components/review/render-cost";
import { cloneGraph, demoConfig, planConfig, withKey } from "./support/review";

// The eu-west-3 figures the small stack uses, each as its source shows it (AWS's price data, read through
// the dated public copies components/review/prices.ts names):
const PARIS = {
  // AmazonEC2 eu-west-3 offer file (published 2026-10-08): EUW3-NatGateway-Hours and -Bytes
  nat: 0.05,
  // AmazonVPC eu-west-3 offer file (published 2026-09-17): EUW3-PublicIPv4:InUseAddress
  ipv4: 0.005,
  // AWSELB eu-west-3 offer file (published 2026-09-11): EUW3-LoadBalancerUsage, EUW3-LCUUsage
  alb: 0.02646,
  lcu: 0.0084,
  // AmazonECS eu-west-3 offer file, x86 (rates verified 2026-09-08 in a public eu-west-3 price file; the
  // same figures transcribed from the AWS Fargate page in 2021)
  vcpu: 0.0486,
  gb: 0.0053,
  // AmazonCloudWatch eu-west-3 offer file (published 2026-10-07): Standard log class ingestion
  logs: 0.5985,
  // AWS metered-unit map ec2 eu-west-3 (published 2025-04-04, committed in yeo/ec2.shop)
  t4gMedium: 0.0376,
  // AWS metered-unit map ebs (published 2024-07-18): EU (Paris) gp3, snapshots
  gp3: 0.0928,
  snapshot: 0.053,
  // AWSSecretsManager eu-west-3 offer file (published 2026-09-11); API calls: $0.05 per 10,000 (eu-west-3 rates
  // verified 2026-09-08)
  secret: 0.4,
  secretApi: 0.05,
  // AmazonRoute53 global offer file (published 2026-09-11)
  zone: 0.5,
  query: 0.4,
  // AWS metered-unit map elasticache (published 2025-03-14): EU (Paris) Valkey cache.t4g.small
  valkeySmall: 0.0288,
  // AmazonEFS eu-west-3, EFS Standard (AWS Price List API read of 2026-09-21)
  efs: 0.33,
  // AmazonS3 eu-west-3 offer file (published 2026-09-28)
  s3: 0.024,
};

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

  it("has a dated source for every figure in every region, and says why wherever a figure is an estimate", () => {
    assert.deepEqual([...REGIONS].sort(), ["eu-central-1", "eu-west-1", "eu-west-3", "us-east-1"]);
    const estimates: Record<string, string[]> = {};
    for (const region of REGIONS)
      for (const [key, price] of Object.entries(PRICES[region])) {
        assert.ok(price.usd > 0, `${region} ${key}`);
        assert.match(price.source, /^https:\/\//, `${region} ${key} has a source link`);
        if (price.estimate) (estimates[region] ??= []).push(key);
        else assert.match(price.source, /\b20\d\d-\d\d-\d\d\b/, `${region} ${key}: the source is dated`);
      }
    // What no dated copy of AWS's price data showed (the report lists what was searched for each).
    assert.deepEqual(estimates, { "eu-west-3": ["fargate.arm.vcpu", "fargate.arm.gb"] });
  });

  it("carries the figures its sources show, including those they corrected", () => {
    const cited: [string, string, number][] = [
      // AWS metered-unit map ec2 (published 2025-04-04), SKUs 5TN54NYJCZE4AB36, N7FRA7GRHCZNC5XY, 8X9A6TET3DR25ZYA
      ["eu-west-1", "ec2.m7g.large", 0.091], // was 0.0892
      ["eu-west-3", "ec2.m7g.large", 0.0952], // was 0.0936
      ["eu-central-1", "ec2.m7g.large", 0.0978], // was 0.0952
      // AWS metered-unit map ec2 us-east-1 and karpenter-provider-aws (AWS pricing API, 2026-07-20)
      ["us-east-1", "ec2.t4g.medium", 0.0336],
      ["us-east-1", "ec2.m7g.large", 0.0816],
      // AWSELB eu-west-3 offer file (published 2026-09-11): EUW3-LCUUsage
      ["eu-west-3", "alb.lcu", 0.0084], // was 0.008
      // AmazonCloudWatch eu-west-3 offer file (published 2026-10-07): EUW3-DataProcessing-Bytes
      ["eu-west-3", "logs.gb", 0.5985], // was 0.6
      // AWS metered-unit map elasticache (published 2025-03-14): EU (Frankfurt) Valkey cache.t4g.medium
      ["eu-central-1", "valkey.cache.t4g.medium", 0.0576], // was 0.0584
      // AmazonEFS eu-central-1 offer file (published 2026-09-11)
      ["eu-central-1", "efs.standard", 0.36],
      // AmazonECS eu-west-1 offer (SKU K4EXFQ5YFQCP98EN, read 2026-05-01)
      ["eu-west-1", "fargate.x86.vcpu", 0.04048],
      // AmazonECS eu-west-3 offer file (rates verified 2026-09-08; the AWS Fargate page in 2021)
      ["eu-west-3", "fargate.x86.vcpu", 0.0486], // was the estimate 0.04856
      ["eu-west-3", "fargate.x86.gb", 0.0053], // was the estimate 0.00532
      // AWS Price List API read of 2026-09-21: EFS Standard, interface endpoint hour
      ["eu-west-1", "efs.standard", 0.33],
      ["eu-west-3", "efs.standard", 0.33],
      ["eu-west-3", "vpce.hour", 0.011], // was 0.012 (the Frankfurt figure)
      // PrivateLink pricing page: one data-processing table for every Region
      ["eu-west-3", "vpce.gb", 0.01],
      // AWSSecretsManager eu-west-1 offer (SKU EGBHGCHDFAQWM4B6, read 2026-10-04); eu-west-3 rates verified 2026-09-08
      ["eu-west-1", "secret.api", 0.05],
      ["eu-west-3", "secret.api", 0.05],
      // AWSELB eu-central-1 offer file (read 2026-09-24)
      ["eu-central-1", "alb.lcu", 0.008],
    ];
    for (const [region, key, usd] of cited)
      assert.equal(PRICES[region as "us-east-1"][key as "alb.hour"].usd, usd, `${region} ${key}`);
    // The Paris x86 pair gives the eu-west-3 cost guide's "$0.0349 an hour for 0.5 vCPU + 2 GiB" (2026-09-08),
    // and the ARM estimate is 0.8 x x86, as in every region sourced here.
    const paris = PRICES["eu-west-3"];
    close(0.5 * paris["fargate.x86.vcpu"].usd + 2 * paris["fargate.x86.gb"].usd, 0.0349, "0.5 vCPU + 2 GiB");
    for (const region of ["us-east-1", "eu-west-1", "eu-central-1"] as const) {
      const p = PRICES[region];
      assert.ok(Math.abs(p["fargate.arm.vcpu"].usd - 0.8 * p["fargate.x86.vcpu"].usd) < 0.00001, region);
      assert.ok(Math.abs(p["fargate.arm.gb"].usd - 0.8 * p["fargate.x86.gb"].usd) < 0.00001, region);
    }
    assert.ok(Math.abs(paris["fargate.arm.vcpu"].usd - 0.8 * paris["fargate.x86.vcpu"].usd) < 0.00001);
    assert.ok(Math.abs(paris["fargate.arm.gb"].usd - 0.8 * paris["fargate.x86.gb"].usd) < 0.00001);
  });

  it("GIVEN the small eu-west-3 stack (2 tasks per tier, 1 NAT) THEN each component sums to the hand-computed figure", async () => {
    const report = costOf(await planConfig(SMALL, "small"));
    assert.equal(report.region, "eu-west-3");
    const c = byComponent(report);
    const P = PARIS;
    // 12 secrets (10 Mongo, 2 Redis) share the assumed 100,000 API calls: 10 x $0.05 per 10,000 in all.
    const apiShare = (10 * P.secretApi) / 12;
    const expected: Record<string, number> = {
      // 1 NAT + its EIP, and the assumed 50 GB of NAT data
      "toucan (Network)": P.nat * 730 + P.ipv4 * 730 + 50 * P.nat,
      // ALB-hours, 1 LCU, and 3 public IPv4 addresses (one per AZ)
      "toucan-lb (LoadBalancer)": P.alb * 730 + P.lcu * 730 + 3 * P.ipv4 * 730,
      // 2 tasks x (1 vCPU + 2 GB) x 730 h, and 1 GB of logs
      "toucan-backend (ToucanService)": 2 * (P.vcpu + 2 * P.gb) * 730 + P.logs,
      "toucan-frontend (ToucanService)": 2 * (0.25 * P.vcpu + 0.5 * P.gb) * 730 + P.logs,
      // 3 t4g.medium, 3 x (16 GB root + 50 GB data) gp3, 10 secrets with their API share, 1 private zone + 1 M queries
      "toucan-mongo (MongoCluster)":
        3 * P.t4gMedium * 730 + 3 * (16 + 50) * P.gp3 + 10 * (P.secret + apiShare) + P.zone + P.query,
      // 2 Valkey cache.t4g.small nodes, 2 secrets with their API share
      "toucan-redis (RedisCache)": 2 * P.valkeySmall * 730 + 2 * (P.secret + apiShare),
      "toucan-storage (SharedStorage)": 20 * P.efs,
      "toucan-backups (Backups)": 150 * P.snapshot,
      "toucan-toolbox (Toolbox)": P.logs + 10 * P.s3,
    };
    assert.deepEqual([...c.keys()].sort(), Object.keys(expected).sort(), "every line belongs to a component");
    for (const [component, monthly] of Object.entries(expected)) close(c.get(component), monthly, component);
    close(
      report.total,
      Object.values(expected).reduce((s, n) => s + n, 0),
      "total",
    );
    close(
      report.usage,
      50 * P.nat +
        P.lcu * 730 +
        3 * P.logs +
        10 * P.secretApi +
        20 * P.efs +
        150 * P.snapshot +
        10 * P.s3 +
        P.query,
      "usage",
    );
    assert.deepEqual(report.unpriced, []);
  });

  it("prints every usage assumption, the source of each figure, and marks the estimates", async () => {
    const report = costOf(await planConfig(SMALL, "small"));
    const text = renderCostText(report);
    assert.match(text, /~ lb\/loadBalancer toucan-lb-alb: 1 LCU per ALB on average/);
    assert.match(text, /50 GB per month through the NAT gateways in all/);
    assert.match(
      text,
      /~ 10 x secretsmanager\/secret: 100,000 Secrets Manager API calls per month in all .*8,333 calls here/,
    );
    assert.match(
      text,
      /nat\.hour: \$0\.05 per NAT-gateway-hour — https:\/\/pricing\.us-east-1\.amazonaws\.com\/offers\/v1\.0\/aws\/AmazonEC2\/current\/eu-west-3\/index\.json \(published 2026-10-08/,
    );
    assert.match(
      text,
      /fargate\.x86\.vcpu: \$0\.0486 per vCPU-hour — https:\/\/pricing\.us-east-1\.amazonaws\.com\/offers\/v1\.0\/aws\/AmazonECS\/current\/eu-west-3\/index\.json/,
    );
    assert.match(text, /efs\.standard: \$0\.33 per GB-month — https:\/\/github\.com\/xbill9\/zombiescan\//);
    assert.doesNotMatch(text, /\(estimate:/, "every figure the x86 stack uses is sourced");
    // The same stack on ARM tasks uses the two figures that remain estimates, and says so.
    const arm = cloneGraph(await planConfig(SMALL, "small"));
    for (const td of arm.resources.filter((r) => r.type === "aws:ecs/taskDefinition:TaskDefinition"))
      td.inputs.runtimePlatform = { operatingSystemFamily: "LINUX", cpuArchitecture: "ARM64" };
    const armText = renderCostText(costOf(arm));
    assert.match(armText, /Fargate tasks \(ARM\)/);
    assert.match(
      armText,
      /fargate\.arm\.vcpu: \$0\.03888 per vCPU-hour \(estimate: no EUW3 Fargate ARM row was found/,
    );
    assert.match(renderCostMarkdown(costOf(arm)), /`fargate\.arm\.gb` \$0\.00424 per GB-hour \(estimate: /);
    assert.match(renderCostMarkdown(report), /\| toucan-lb \(LoadBalancer\) \| \$36\.40 \|/);
    assert.match(renderCostMarkdown(report), /`alb\.lcu` \$0\.0084 per LCU-hour: https:\/\/pricing/);
  });

  it("with --diff: NAT perAz -> single in eu-west-1 saves 2 NATs and 2 addresses a month", async () => {
    const base = await planConfig(demoConfig());
    const delta = costDelta(base, await planConfig(withKey(demoConfig(), "nat", "single")));
    // $0.048 per NAT-hour (AmazonEC2 eu-west-1 price list of 2026-09-10, SKU KFNSSCHWD43WZK2R) and $0.005
    // per public IPv4 address-hour (AmazonVPC eu-west-1, SKU CNZ4XSXPRJXGA4ZF). The assumed 50 GB of NAT
    // data is the same in total, spread over fewer NATs.
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
