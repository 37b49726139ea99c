/**
 * `npm run plan -- --az-loss`: for each Availability Zone of the plan, what keeps serving when that AZ is
 * lost. Pure reading of the plan: where each tier's subnets, members, nodes, mount targets and NAT
 * gateways are, and the rules AWS and MongoDB apply:
 * - an ALB keeps serving from its nodes in the remaining AZs; an ECS service's tasks in other AZs keep
 *   serving and ECS starts replacements there (which needs egress to pull public images);
 * - a MongoDB replica set elects a primary only with a majority of its members;
 * - ElastiCache with automatic failover promotes a replica in another AZ (placement is AWS's choice
 *   within the subnet group, so a single node may be in the lost AZ);
 * - EFS is reached through the mount target of the client's AZ;
 * - a private subnet reaches the internet through the NAT its route table names: a NAT in the lost AZ
 *   cuts every subnet routed through it.
 */
import type { PlanGraph, PlanResource } from "../planner/plan-runner";
import { GraphIndex } from "./graph";

export type Status = "serves" | "degraded" | "fails";

export interface Cell {
  status: Status;
  note: string;
}

export interface TierReport {
  tier: string;
  /** Where it runs, e.g. `eu-west-1a: 1, eu-west-1b: 1`. */
  placement: string;
  /** Keyed by the AZ that is lost. */
  lost: Record<string, Cell>;
}

export interface AzLossReport {
  azs: string[];
  tiers: TierReport[];
  /** True when some tier fails when some AZ is lost. */
  failing: boolean;
  notes: string[];
}

const T = {
  subnet: "aws:ec2/subnet:Subnet",
  assoc: "aws:ec2/routeTableAssociation:RouteTableAssociation",
  routeTable: "aws:ec2/routeTable:RouteTable",
  nat: "aws:ec2/natGateway:NatGateway",
  alb: "aws:lb/loadBalancer:LoadBalancer",
  service: "aws:ecs/service:Service",
  instance: "aws:ec2/instance:Instance",
  redis: "aws:elasticache/replicationGroup:ReplicationGroup",
  redisSubnets: "aws:elasticache/subnetGroup:SubnetGroup",
  mount: "aws:efs/mountTarget:MountTarget",
  docdb: "aws:docdb/clusterInstance:ClusterInstance",
  endpoint: "aws:ec2/vpcEndpoint:VpcEndpoint",
  taskDef: "aws:ecs/taskDefinition:TaskDefinition",
};

class Placement {
  /** Subnet id (as inputs name it) -> AZ. */
  readonly subnetAz = new Map<string, string>();
  /** Subnet id -> the NATs (their AZs) its route table sends 0.0.0.0/0 to; [] for none. */
  readonly egress = new Map<string, string[]>();

  constructor(private readonly index: GraphIndex) {
    const g = index.graph;
    for (const r of g.resources) {
      const source = r.propertyDependencies.subnetId;
      if (typeof r.inputs.subnetId !== "string" || source?.length !== 1) continue;
      const subnet = index.byUrn.get(source[0]);
      if (subnet?.type === T.subnet)
        this.subnetAz.set(r.inputs.subnetId, String(subnet.inputs.availabilityZone));
    }
    for (const a of index.ofType(T.assoc)) {
      const table = index.byUrn.get(a.propertyDependencies.routeTableId?.[0] ?? "");
      if (!table) continue;
      const nats = (table.propertyDependencies.routes ?? [])
        .map((u) => index.byUrn.get(u))
        .filter((n): n is PlanResource => n?.type === T.nat);
      const routes = (table.inputs.routes as { natGatewayId?: string }[] | undefined) ?? [];
      if (!routes.some((r) => r.natGatewayId)) continue;
      this.egress.set(
        String(a.inputs.subnetId),
        nats.map((n) => this.azOfSubnet(n.inputs.subnetId)),
      );
    }
  }

  azOfSubnet(id: unknown): string {
    return this.subnetAz.get(String(id)) ?? "?";
  }

  azsOf(ids: unknown): string[] {
    return ((ids as unknown[] | undefined) ?? []).map((id) => this.azOfSubnet(id));
  }

  azs(): string[] {
    return [...new Set(this.subnetAz.values())].sort();
  }

  /** The AZs whose private subnets have no NAT left when `lost` is gone (among `among`). */
  egressLost(lost: string, among: string[]): string[] {
    const out = new Set<string>();
    for (const [subnet, natAzs] of this.egress) {
      const az = this.azOfSubnet(subnet);
      if (az === lost || !among.includes(az)) continue;
      if (natAzs.length > 0 && natAzs.every((n) => n === lost)) out.add(az);
    }
    return [...out].sort();
  }
}

function count(azs: string[]): string {
  const counts = new Map<string, number>();
  for (const az of azs) counts.set(az, (counts.get(az) ?? 0) + 1);
  return [...counts.entries()]
    .sort()
    .map(([az, n]) => `${az}: ${n}`)
    .join(", ");
}

const serves = (note: string): Cell => ({ status: "serves", note });
const degraded = (note: string): Cell => ({ status: "degraded", note });
const fails = (note: string): Cell => ({ status: "fails", note });

export function azLoss(graph: PlanGraph): AzLossReport {
  const index = new GraphIndex(graph);
  const place = new Placement(index);
  const azs = place.azs();
  const tiers: TierReport[] = [];
  const notes: string[] = [];
  if (azs.length === 0) {
    notes.push(
      "No subnet is created by this plan (an existing VPC, or a single host): AZ placement is unknown here.",
    );
    return { azs, tiers, failing: false, notes };
  }
  const each = (cell: (lost: string) => Cell) => Object.fromEntries(azs.map((az) => [az, cell(az)]));

  for (const alb of index.ofType(T.alb)) {
    const where = place.azsOf(alb.inputs.subnets);
    tiers.push({
      tier: `load balancer ${alb.name}`,
      placement: count(where),
      lost: each((lost) => {
        const left = new Set(where.filter((az) => az !== lost));
        return left.size > 0 ? serves(`nodes in ${left.size} AZs`) : fails("no node left");
      }),
    });
  }

  for (const svc of index.ofType(T.service)) {
    const net = svc.inputs.networkConfiguration as { subnets?: string[] } | undefined;
    const where = [...new Set(place.azsOf(net?.subnets))];
    const tasks = Number(svc.inputs.desiredCount ?? 1);
    const td = index.byUrn.get(svc.propertyDependencies.taskDefinition?.[0] ?? "");
    const publicImages = /"image":"(?!\d+\.dkr\.ecr\.)/.test(String(td?.inputs.containerDefinitions ?? ""));
    tiers.push({
      tier: `service ${svc.name}`,
      placement: `${tasks} tasks over ${where.join(", ")}`,
      lost: each((lost) => {
        const left = where.filter((az) => az !== lost);
        if (left.length === 0) return fails("no subnet left");
        if (tasks < 2) return fails("its only task may be in this AZ: down until ECS starts one elsewhere");
        const noEgress = place.egressLost(lost, left);
        if (publicImages && noEgress.length === left.length)
          return degraded(
            `tasks elsewhere serve, but replacements cannot pull their images (no NAT egress in ${noEgress.join(", ")})`,
          );
        return serves(`tasks in ${left.join(", ")}; ECS replaces the lost ones there`);
      }),
    });
  }

  const members = index
    .ofType(T.instance)
    .filter((r) => index.componentType(r) === "toucan:aws:MongoCluster");
  if (members.length > 0) {
    const where = members.map((m) =>
      String(m.inputs.availabilityZone ?? place.azOfSubnet(m.inputs.subnetId)),
    );
    tiers.push({
      tier: "MongoDB replica set",
      placement: count(where),
      lost: each((lost) => {
        const left = where.filter((az) => az !== lost).length;
        return left * 2 > where.length
          ? serves(`${left} of ${where.length} members: majority, a primary is elected`)
          : fails(`${left} of ${where.length} members: no majority, no primary, writes stop`);
      }),
    });
  }

  const docdb = index.ofType(T.docdb);
  if (docdb.length > 0) {
    const where = docdb.map((d) => String(d.inputs.availabilityZone ?? "?"));
    tiers.push({
      tier: "DocumentDB cluster",
      placement: count(where),
      lost: each((lost) => {
        const left = where.filter((az) => az !== lost).length;
        return left > 0
          ? serves(`${left} instance(s) left: failover to one of them`)
          : fails("no instance left");
      }),
    });
  }

  for (const rg of index.ofType(T.redis)) {
    const group = index.byUrn.get(rg.propertyDependencies.subnetGroupName?.[0] ?? "");
    const where = [...new Set(place.azsOf(group?.inputs.subnetIds))];
    const nodes = Number(rg.inputs.numCacheClusters ?? 1);
    const failover = rg.inputs.automaticFailoverEnabled === true;
    tiers.push({
      tier: `Redis ${rg.name}`,
      placement: `${nodes} node(s), primary and replicas placed by AWS over ${where.join(", ")}`,
      lost: each((lost) => {
        if (!where.includes(lost)) return serves("no node here");
        if (nodes >= 2 && failover && where.length >= 2)
          return serves("if the primary was here, a replica in another AZ is promoted (about a minute)");
        return fails(
          nodes < 2 ? "its only node may be here" : "no automatic failover: the primary may be here",
        );
      }),
    });
  }

  const mounts = index.ofType(T.mount);
  if (mounts.length > 0) {
    const where = mounts.map((m) => place.azOfSubnet(m.inputs.subnetId));
    tiers.push({
      tier: "EFS shared storage",
      placement: `mount targets in ${where.join(", ")}`,
      lost: each((lost) => {
        const left = where.filter((az) => az !== lost);
        return left.length > 0
          ? serves(`mount targets in ${left.join(", ")}`)
          : fails("no mount target left");
      }),
    });
  }

  for (const ep of index.ofType(T.endpoint).filter((e) => e.inputs.vpcEndpointType === "Interface")) {
    const where = place.azsOf(ep.inputs.subnetIds);
    tiers.push({
      tier: `endpoint ${ep.name}`,
      placement: where.join(", "),
      lost: each((lost) =>
        where.some((az) => az !== lost) ? serves("interfaces in other AZs") : fails("no interface left"),
      ),
    });
  }

  for (const cdn of index.ofType("aws:cloudfront/distribution:Distribution")) {
    tiers.push({
      tier: `static frontend ${cdn.name}`,
      placement: "CloudFront edge locations and S3 (regional)",
      lost: each(() => serves("no AZ: CloudFront and S3 span the region")),
    });
  }

  if (place.egress.size > 0) {
    const natAzs = index.ofType(T.nat).map((n) => place.azOfSubnet(n.inputs.subnetId));
    const privateAzs = [...new Set([...place.egress.keys()].map((s) => place.azOfSubnet(s)))].sort();
    tiers.push({
      tier: "NAT egress",
      placement: `NAT in ${natAzs.join(", ") || "none"}`,
      lost: each((lost) => {
        const cut = place.egressLost(lost, privateAzs);
        return cut.length === 0
          ? serves("no other AZ routes through a NAT here")
          : fails(`private subnets in ${cut.join(", ")} lose internet egress (their NAT is in ${lost})`);
      }),
    });
  }

  const failing = tiers.some((t) => Object.values(t.lost).some((c) => c.status === "fails"));
  return { azs, tiers, failing, notes };
}

const MARK: Record<Status, string> = { serves: "ok", degraded: "DEGRADED", fails: "FAILS" };

export function renderAzLossText(report: AzLossReport): string {
  const lines = ["AZ loss: what keeps serving when one Availability Zone is lost"];
  for (const n of report.notes) lines.push(`  ${n}`);
  for (const t of report.tiers) {
    lines.push(`  ${t.tier} (${t.placement})`);
    for (const az of report.azs)
      lines.push(`    ${az} lost: ${MARK[t.lost[az].status].padEnd(8)} ${t.lost[az].note}`);
  }
  if (report.tiers.length > 0)
    lines.push(
      report.failing
        ? "  A tier fails when one AZ is lost."
        : "  Every tier survives the loss of any one AZ.",
    );
  return lines.join("\n");
}

export function renderAzLossMarkdown(report: AzLossReport): string {
  const lines = ["### AZ loss", ""];
  for (const n of report.notes) lines.push(n, "");
  if (report.tiers.length === 0) return lines.join("\n");
  lines.push(
    report.failing
      ? "**A tier fails when one AZ is lost.**"
      : "**Every tier survives the loss of any one AZ.**",
    "",
    `| Tier | Placement | ${report.azs.map((az) => `${az} lost`).join(" | ")} |`,
    `|---|---|${report.azs.map(() => "---").join("|")}|`,
  );
  for (const t of report.tiers)
    lines.push(
      `| ${t.tier} | ${t.placement} | ${report.azs
        .map(
          (az) =>
            `${t.lost[az].status === "serves" ? "✅" : t.lost[az].status === "degraded" ? "⚠️" : "❌"} ${t.lost[az].note}`,
        )
        .join(" | ")} |`,
    );
  return lines.join("\n");
}
