/**
 * `npm run plan -- --cost`: the monthly on-demand list price of a plan, per component and resource, for
 * the plan's region (prices.ts). Always-on items are priced from their inputs (730 hours a month);
 * usage-priced items (LCUs, NAT and endpoint traffic, storage, queries) from the assumptions in
 * `USAGE`, printed with them. Items no table row covers are listed as unpriced, never guessed.
 */
import type { PlanGraph, PlanResource } from "../planner/plan-runner";
import { GraphIndex } from "./graph";
import { HOURS_PER_MONTH as H, Price, PriceKey, PRICES, Region, REGIONS, USAGE } from "./prices";

export interface CostLine {
  component: string;
  resource: string;
  type: string;
  /** What is priced, with the arithmetic, e.g. `2 tasks x (1 vCPU + 2 GB) x 730 h`. */
  what: string;
  monthly: number;
  /** Priced from an assumed usage (the assumption is in `what`). */
  usage: boolean;
  keys: PriceKey[];
}

export interface Unpriced {
  component: string;
  resource: string;
  type: string;
  why: string;
}

export interface CostReport {
  region: string;
  /** False when the region has no price table (then every line is unpriced). */
  priced: boolean;
  lines: CostLine[];
  unpriced: Unpriced[];
  fixed: number;
  usage: number;
  total: number;
}

const round2 = (n: number) => Math.round(n * 100) / 100;

function linesFor(
  r: PlanResource,
  index: GraphIndex,
  price: (k: PriceKey) => number,
): Omit<CostLine, "component" | "resource" | "type">[] | string | null {
  const i = r.inputs as Record<string, unknown>;
  switch (r.type) {
    case "aws:lb/loadBalancer:LoadBalancer": {
      const subnets = (i.subnets as unknown[] | undefined)?.length ?? 0;
      const out = [
        {
          what: `ALB x ${H} h`,
          monthly: price("alb.hour") * H,
          usage: false,
          keys: ["alb.hour" as PriceKey],
        },
        {
          what: `${USAGE.albLcu.text}: ${USAGE.albLcu.value} x ${H} LCU-h`,
          monthly: price("alb.lcu") * USAGE.albLcu.value * H,
          usage: true,
          keys: ["alb.lcu" as PriceKey],
        },
      ];
      if (i.internal !== true)
        out.push({
          what: `${subnets} public IPv4 addresses (one per AZ) x ${H} h`,
          monthly: price("ipv4.hour") * subnets * H,
          usage: false,
          keys: ["ipv4.hour"],
        });
      return out;
    }
    case "aws:ec2/natGateway:NatGateway": {
      const nats = index.ofType(r.type).length;
      return [
        { what: `NAT gateway x ${H} h`, monthly: price("nat.hour") * H, usage: false, keys: ["nat.hour"] },
        {
          what: `${USAGE.natGb.text}: ${round2(USAGE.natGb.value / nats)} GB here`,
          monthly: (price("nat.gb") * USAGE.natGb.value) / nats,
          usage: true,
          keys: ["nat.gb"],
        },
      ];
    }
    case "aws:ec2/eip:Eip":
      return [
        {
          what: `public IPv4 address x ${H} h`,
          monthly: price("ipv4.hour") * H,
          usage: false,
          keys: ["ipv4.hour"],
        },
      ];
    case "aws:ecs/service:Service": {
      const tdUrn = r.propertyDependencies.taskDefinition?.[0];
      const td = tdUrn ? index.byUrn.get(tdUrn) : undefined;
      if (!td) return "task definition not in the plan";
      const cpu = Number(td.inputs.cpu) / 1024;
      const gb = Number(td.inputs.memory) / 1024;
      const arm =
        (td.inputs.runtimePlatform as { cpuArchitecture?: string } | undefined)?.cpuArchitecture === "ARM64";
      const [vk, gk]: PriceKey[] = arm
        ? ["fargate.arm.vcpu", "fargate.arm.gb"]
        : ["fargate.x86.vcpu", "fargate.x86.gb"];
      const count = Number(i.desiredCount ?? 1);
      return [
        {
          what: `${count} Fargate tasks (${arm ? "ARM" : "x86"}) x (${cpu} vCPU + ${gb} GB) x ${H} h`,
          monthly: count * (cpu * price(vk) + gb * price(gk)) * H,
          usage: false,
          keys: [vk, gk],
        },
      ];
    }
    case "aws:ec2/instance:Instance": {
      const key = `ec2.${String(i.instanceType)}` as PriceKey;
      if (!(key in PRICES["us-east-1"])) return `no price row for instance type ${String(i.instanceType)}`;
      const root = i.rootBlockDevice as { volumeSize?: number; volumeType?: string } | undefined;
      const out: Omit<CostLine, "component" | "resource" | "type">[] = [
        { what: `${String(i.instanceType)} x ${H} h`, monthly: price(key) * H, usage: false, keys: [key] },
      ];
      if (root?.volumeSize && (root.volumeType ?? "gp3") === "gp3")
        out.push({
          what: `root volume ${root.volumeSize} GB gp3`,
          monthly: price("ebs.gp3") * root.volumeSize,
          usage: false,
          keys: ["ebs.gp3"],
        });
      return out;
    }
    case "aws:ebs/volume:Volume":
      if (i.type !== "gp3") return `no price row for volume type ${String(i.type)}`;
      return [
        {
          what: `${Number(i.size)} GB gp3`,
          monthly: price("ebs.gp3") * Number(i.size),
          usage: false,
          keys: ["ebs.gp3"],
        },
      ];
    case "aws:elasticache/replicationGroup:ReplicationGroup": {
      const valkey = `valkey.${String(i.nodeType)}` as PriceKey;
      if (!(valkey in PRICES["us-east-1"])) return `no price row for node type ${String(i.nodeType)}`;
      const nodes = Number(i.numCacheClusters ?? 1);
      // Redis OSS nodes cost 1.25 x Valkey's (Valkey is priced 20% lower).
      const factor = i.engine === "valkey" ? 1 : 1.25;
      return [
        {
          what: `${nodes} ${String(i.engine)} nodes ${String(i.nodeType)} x ${H} h${factor === 1 ? "" : " (Redis OSS = Valkey / 0.8)"}`,
          monthly: nodes * price(valkey) * factor * H,
          usage: false,
          keys: [valkey],
        },
      ];
    }
    case "aws:efs/fileSystem:FileSystem":
      return [
        {
          what: USAGE.efsGb.text,
          monthly: price("efs.standard") * USAGE.efsGb.value,
          usage: true,
          keys: ["efs.standard"],
        },
      ];
    case "aws:s3/bucket:Bucket":
      return [
        { what: USAGE.s3Gb.text, monthly: price("s3.gb") * USAGE.s3Gb.value, usage: true, keys: ["s3.gb"] },
      ];
    case "aws:secretsmanager/secret:Secret": {
      // The assumed API calls are the stack's; each secret carries its share, as NAT data is shared.
      const secrets = index.ofType(r.type).length;
      return [
        { what: "secret x 1 month", monthly: price("secret.month"), usage: false, keys: ["secret.month"] },
        {
          what: `${USAGE.secretCalls.text}: ${Math.round((USAGE.secretCalls.value * 10_000) / secrets).toLocaleString("en-US")} calls here`,
          monthly: (price("secret.api") * USAGE.secretCalls.value) / secrets,
          usage: true,
          keys: ["secret.api"],
        },
      ];
    }
    case "aws:route53/zone:Zone":
      return [
        { what: "hosted zone x 1 month", monthly: price("r53.zone"), usage: false, keys: ["r53.zone"] },
        {
          what: USAGE.r53Queries.text,
          monthly: price("r53.query") * USAGE.r53Queries.value,
          usage: true,
          keys: ["r53.query"],
        },
      ];
    case "aws:cloudwatch/metricAlarm:MetricAlarm": {
      const queries = (i.metricQueries as { metric?: unknown }[] | undefined) ?? [];
      const metrics = queries.length > 0 ? queries.filter((q) => q.metric).length : 1;
      return [
        {
          what: `alarm on ${metrics} metric${metrics === 1 ? "" : "s"}`,
          monthly: price("alarm.metric") * metrics,
          usage: false,
          keys: ["alarm.metric"],
        },
      ];
    }
    case "aws:cloudwatch/dashboard:Dashboard":
      return [
        {
          what: "dashboard x 1 month (the account's first 3 are free)",
          monthly: price("dashboard.month"),
          usage: false,
          keys: ["dashboard.month"],
        },
      ];
    case "aws:cloudwatch/logGroup:LogGroup":
      return [
        {
          what: USAGE.logsGb.text,
          monthly: price("logs.gb") * USAGE.logsGb.value,
          usage: true,
          keys: ["logs.gb"],
        },
      ];
    case "aws:ec2/vpcEndpoint:VpcEndpoint": {
      if (i.vpcEndpointType !== "Interface") return null; // gateway endpoints are free
      const azs = (i.subnetIds as unknown[] | undefined)?.length ?? 1;
      return [
        {
          what: `interface endpoint in ${azs} AZs x ${H} h`,
          monthly: price("vpce.hour") * azs * H,
          usage: false,
          keys: ["vpce.hour"],
        },
        {
          what: USAGE.vpceGb.text,
          monthly: price("vpce.gb") * USAGE.vpceGb.value,
          usage: true,
          keys: ["vpce.gb"],
        },
      ];
    }
    case "aws:backup/vault:Vault": {
      const gb = index
        .ofType("aws:ebs/volume:Volume")
        .reduce((sum, v) => sum + Number(v.inputs.size ?? 0), 0);
      if (gb === 0) return null;
      return [
        {
          what: `snapshots of the data volumes, assumed one full copy: ${gb} GB`,
          monthly: price("ebs.snapshot") * gb,
          usage: true,
          keys: ["ebs.snapshot"],
        },
      ];
    }
    case "aws:docdb/clusterInstance:ClusterInstance":
      return `no dated source for ${String(i.instanceClass)} (DocumentDB instance-hour)`;
    case "mongodbatlas:index/advancedCluster:AdvancedCluster":
      return "billed by MongoDB Atlas, not AWS";
    case "aws:cloudfront/distribution:Distribution":
      return [
        {
          what: "assumed within CloudFront's always-free tier (1 TB out, 10 M requests a month)",
          monthly: 0,
          usage: true,
          keys: [],
        },
      ];
    default:
      return null;
  }
}

export function costOf(graph: PlanGraph): CostReport {
  const index = new GraphIndex(graph);
  const region = index.region;
  const table = (REGIONS as readonly string[]).includes(region) ? PRICES[region as Region] : undefined;
  const lines: CostLine[] = [];
  const unpriced: Unpriced[] = [];
  for (const r of graph.resources) {
    if (!r.custom || (!r.type.startsWith("aws:") && !r.type.startsWith("mongodbatlas:"))) continue;
    const base = { component: index.component(r), resource: r.name, type: r.type };
    if (!table) {
      if (linesFor(r, index, () => 0) !== null)
        unpriced.push({ ...base, why: `no price table for region ${region}` });
      continue;
    }
    const result = linesFor(r, index, (k) => table[k].usd);
    if (result === null) continue;
    if (typeof result === "string") unpriced.push({ ...base, why: result });
    else for (const l of result) lines.push({ ...base, ...l, monthly: l.monthly });
  }
  const fixed = round2(lines.filter((l) => !l.usage).reduce((s, l) => s + l.monthly, 0));
  const usage = round2(lines.filter((l) => l.usage).reduce((s, l) => s + l.monthly, 0));
  return { region, priced: !!table, lines, unpriced, fixed, usage, total: round2(fixed + usage) };
}

/** Per component: monthly sums, sorted by component name. */
export function byComponent(report: CostReport): Map<string, number> {
  const out = new Map<string, number>();
  for (const l of report.lines) out.set(l.component, (out.get(l.component) ?? 0) + l.monthly);
  return new Map([...out.entries()].sort(([a], [b]) => a.localeCompare(b)));
}

/** The price rows a report used, with their sources. */
export function sourcesOf(report: CostReport): [PriceKey, Price][] {
  if (!report.priced) return [];
  const table = PRICES[report.region as Region];
  const keys = [...new Set(report.lines.flatMap((l) => l.keys))].sort();
  return keys.map((k) => [k, table[k]]);
}

export interface CostDelta {
  before: CostReport;
  after: CostReport;
  /** Per component: after - before. */
  components: { component: string; before: number; after: number; delta: number }[];
  delta: number;
}

export function costDelta(before: PlanGraph, after: PlanGraph): CostDelta {
  const b = costOf(before);
  const a = costOf(after);
  const bc = byComponent(b);
  const ac = byComponent(a);
  const names = [...new Set([...bc.keys(), ...ac.keys()])].sort();
  const components = names
    .map((component) => {
      const x = round2(bc.get(component) ?? 0);
      const y = round2(ac.get(component) ?? 0);
      return { component, before: x, after: y, delta: round2(y - x) };
    })
    .filter((c) => c.delta !== 0);
  return { before: b, after: a, components, delta: round2(a.total - b.total) };
}
