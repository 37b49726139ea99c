/**
 * The architecture drawn from a plan graph (`npm run plan -- --diagram FILE.svg`): Availability Zones as
 * columns, tiers as rows, the load balancers and CDN, the services with their task counts, the data
 * stores with their replicas, and the security-group paths between them (who may connect to whom, on
 * which port). Rendered to SVG with Graphviz compiled to WebAssembly (no system package), and as
 * Mermaid text for pull-request comments.
 */
import * as fs from "fs";
import type { PlanGraph, PlanResource } from "../planner/plan-runner";

export const TIERS = ["Internet", "Edge", "Network", "Services", "Cache", "Storage", "Database"] as const;
export type Tier = (typeof TIERS)[number];

/** The column of region-wide resources (load balancers, services spread over AZs, clusters). */
export const REGIONAL = "region";

export interface DiagramItem {
  id: string;
  tier: Tier;
  /** An AZ name, or REGIONAL. */
  column: string;
  label: string;
}

export interface DiagramPath {
  from: string;
  to: string;
  label: string;
}

export interface Diagram {
  /** The AZs in the graph, in order, then REGIONAL first among the columns. */
  columns: string[];
  items: DiagramItem[];
  paths: DiagramPath[];
}

const SG = "aws:ec2/securityGroup:SecurityGroup";
const SUBNET = "aws:ec2/subnet:Subnet";
const INTERNET = "internet";

function shortName(r: PlanResource, suffix?: RegExp): string {
  return suffix ? r.name.replace(suffix, "") : r.name;
}

/** Builds the diagram's model: pure, over the recorded inputs and their dependencies. */
export function buildDiagram(graph: PlanGraph): Diagram {
  const byUrn = new Map(graph.resources.map((r) => [r.urn, r]));
  const of = (type: string) => graph.resources.filter((r) => r.type === type);
  const sources = (r: PlanResource, input: string, type: string) =>
    (r.propertyDependencies[input] ?? [])
      .map((u) => byUrn.get(u))
      .filter((x): x is PlanResource => x?.type === type);
  const azOfSubnet = (r: PlanResource, input = "subnetId"): string | undefined => {
    const subnet = sources(r, input, SUBNET)[0];
    return subnet ? String(subnet.inputs.availabilityZone) : undefined;
  };

  const items: DiagramItem[] = [];
  const groupsOf = new Map<string, string[]>(); // security group URN -> item ids
  const add = (item: DiagramItem, groups: PlanResource[] = []) => {
    items.push(item);
    for (const g of groups) groupsOf.set(g.urn, [...(groupsOf.get(g.urn) ?? []), item.id]);
    return item;
  };
  const id = (r: PlanResource) => r.urn;

  // Edge
  for (const cdn of of("aws:cloudfront/distribution:Distribution")) {
    const aliases = (cdn.inputs.aliases as string[] | undefined)?.join(", ") ?? "";
    add({ id: id(cdn), tier: "Edge", column: REGIONAL, label: `CloudFront ${aliases}`.trim() });
  }
  for (const lb of of("aws:lb/loadBalancer:LoadBalancer")) {
    const zones =
      sources(lb, "subnets", SUBNET).length || (lb.inputs.subnets as unknown[] | undefined)?.length;
    const scheme = lb.inputs.internal ? "internal" : "internet-facing";
    add(
      {
        id: id(lb),
        tier: "Edge",
        column: REGIONAL,
        label: `ALB ${lb.name} (${scheme}, ${zones ?? "?"} AZs)`,
      },
      sources(lb, "securityGroups", SG),
    );
  }

  // Network: NAT gateways and interface endpoints per AZ
  for (const nat of of("aws:ec2/natGateway:NatGateway"))
    add({
      id: id(nat),
      tier: "Network",
      column: azOfSubnet(nat) ?? REGIONAL,
      label: `NAT gateway ${nat.name}`,
    });

  // Services
  for (const service of of("aws:ecs/service:Service")) {
    const network = sources(service, "networkConfiguration", SUBNET);
    const zones = new Set(network.map((s) => String(s.inputs.availabilityZone))).size;
    add(
      {
        id: id(service),
        tier: "Services",
        column: REGIONAL,
        label: `${shortName(service, /-service$/)} × ${service.inputs.desiredCount ?? "?"} tasks (Fargate, ${zones || "?"} AZs)`,
      },
      sources(service, "networkConfiguration", SG),
    );
  }

  // Cache
  for (const redis of of("aws:elasticache/replicationGroup:ReplicationGroup")) {
    const nodes = Number(redis.inputs.numCacheClusters ?? 1);
    const failover = redis.inputs.automaticFailoverEnabled ? ", automatic failover" : "";
    add(
      {
        id: id(redis),
        tier: "Cache",
        column: REGIONAL,
        label: `${redis.inputs.engine ?? "redis"} ${redis.inputs.nodeType}: primary + ${nodes - 1} replica(s)${failover}`,
      },
      sources(redis, "securityGroupIds", SG),
    );
  }

  // Storage
  for (const fs of of("aws:efs/fileSystem:FileSystem")) {
    const mounts = of("aws:efs/mountTarget:MountTarget").filter((m) =>
      sources(m, "fileSystemId", "aws:efs/fileSystem:FileSystem").some((f) => f.urn === fs.urn),
    );
    const groups = mounts.flatMap((m) => sources(m, "securityGroups", SG));
    add(
      {
        id: id(fs),
        tier: "Storage",
        column: REGIONAL,
        label: `EFS ${fs.name} (${fs.inputs.throughputMode ?? ""})`,
      },
      groups,
    );
    for (const m of mounts)
      add({ id: id(m), tier: "Storage", column: azOfSubnet(m) ?? REGIONAL, label: `EFS mount target` });
  }
  for (const bucket of of("aws:s3/bucket:Bucket"))
    add({ id: id(bucket), tier: "Storage", column: REGIONAL, label: `S3 ${bucket.name}` });

  // Database
  const members = of("aws:ec2/instance:Instance").filter(
    (i) => (i.inputs.tags as Record<string, string>)?.["toucan:mongo-member"],
  );
  if (members.length) {
    const groups = members.flatMap((m) => sources(m, "vpcSecurityGroupIds", SG));
    add(
      {
        id: "mongo-replica-set",
        tier: "Database",
        column: REGIONAL,
        label: `MongoDB replica set (${members.length} members)`,
      },
      [...new Map(groups.map((g) => [g.urn, g])).values()],
    );
    for (const m of members) {
      const volume = of("aws:ebs/volume:Volume").find(
        (v) =>
          (v.inputs.tags as Record<string, string>)?.["toucan:mongo-member"] ===
          (m.inputs.tags as Record<string, string>)["toucan:mongo-member"],
      );
      const disk = volume ? `, ${volume.inputs.size} GiB ${volume.inputs.type}` : "";
      add({
        id: id(m),
        tier: "Database",
        column: String(m.inputs.availabilityZone ?? azOfSubnet(m) ?? REGIONAL),
        label: `${m.name.replace(/^.*-(member-\d+).*$/, "mongo $1")} ${m.inputs.instanceType}${disk}`,
      });
    }
  }
  for (const cluster of of("aws:docdb/cluster:Cluster"))
    add(
      { id: id(cluster), tier: "Database", column: REGIONAL, label: `DocumentDB ${cluster.name}` },
      sources(cluster, "vpcSecurityGroupIds", SG),
    );
  for (const instance of of("aws:docdb/clusterInstance:ClusterInstance"))
    add({
      id: id(instance),
      tier: "Database",
      column: String(instance.inputs.availabilityZone ?? REGIONAL),
      label: `DocumentDB instance ${instance.inputs.instanceClass}`,
    });
  // Atlas is reached through its PrivateLink interface endpoint: the endpoint's group is the cluster's.
  const privateLinkGroups = of("aws:ec2/vpcEndpoint:VpcEndpoint")
    .filter((e) =>
      (e.propertyDependencies.serviceName ?? []).some((u) => byUrn.get(u)?.type.startsWith("mongodbatlas:")),
    )
    .flatMap((e) => sources(e, "securityGroupIds", SG));
  for (const atlas of of("mongodbatlas:index/advancedCluster:AdvancedCluster"))
    add(
      {
        id: id(atlas),
        tier: "Database",
        column: REGIONAL,
        label: `MongoDB Atlas ${atlas.inputs.name} (PrivateLink)`,
      },
      privateLinkGroups,
    );

  const paths = securityGroupPaths(graph, byUrn, groupsOf, items);
  for (const cdn of of("aws:cloudfront/distribution:Distribution"))
    for (const origin of (cdn.propertyDependencies.origins ?? []).map((u) => byUrn.get(u)))
      if (
        origin &&
        items.some((i) => i.id === origin.urn) &&
        origin.type !== "aws:cloudfront/originAccessControl:OriginAccessControl"
      )
        paths.push({ from: cdn.urn, to: origin.urn, label: "origin" });
  if (paths.some((p) => p.from === INTERNET) || of("aws:cloudfront/distribution:Distribution").length) {
    items.unshift({ id: INTERNET, tier: "Internet", column: REGIONAL, label: "Internet" });
    for (const cdn of of("aws:cloudfront/distribution:Distribution"))
      paths.push({ from: INTERNET, to: cdn.urn, label: "https" });
  }

  const azs = [...new Set(of(SUBNET).map((s) => String(s.inputs.availabilityZone)))].sort();
  const extra = [...new Set(items.map((i) => i.column))]
    .filter((c) => c !== REGIONAL && !azs.includes(c))
    .sort();
  return { columns: [REGIONAL, ...azs, ...extra], items, paths: dedupe(paths) };
}

/** Who may connect to whom: every ingress rule between two groups the diagram shows, or from the internet. */
function securityGroupPaths(
  graph: PlanGraph,
  byUrn: Map<string, PlanResource>,
  groupsOf: Map<string, string[]>,
  items: DiagramItem[],
): DiagramPath[] {
  const paths: DiagramPath[] = [];
  const depUrn = (r: PlanResource, input: string) =>
    (r.propertyDependencies[input] ?? []).find((u) => byUrn.get(u)?.type === SG);
  const port = (r: PlanResource) =>
    r.inputs.fromPort === r.inputs.toPort
      ? `${r.inputs.ipProtocol}/${r.inputs.fromPort}`
      : `${r.inputs.ipProtocol}/${r.inputs.fromPort}-${r.inputs.toPort}`;
  for (const rule of graph.resources.filter(
    (r) => r.type === "aws:vpc/securityGroupIngressRule:SecurityGroupIngressRule",
  )) {
    const target = depUrn(rule, "securityGroupId");
    const targets = target ? (groupsOf.get(target) ?? []) : [];
    const source = depUrn(rule, "referencedSecurityGroupId");
    let froms: string[] = [];
    if (source && source !== target) froms = groupsOf.get(source) ?? [];
    else if (rule.inputs.cidrIpv4 === "0.0.0.0/0" || rule.inputs.cidrIpv6 === "::/0") froms = [INTERNET];
    else if (rule.inputs.prefixListId)
      froms = items.filter((i) => i.label.startsWith("CloudFront")).map((i) => i.id);
    for (const from of froms) for (const to of targets) paths.push({ from, to, label: port(rule) });
  }
  return paths;
}

function dedupe(paths: DiagramPath[]): DiagramPath[] {
  const merged = new Map<string, DiagramPath>();
  for (const p of paths) {
    const key = `${p.from} ${p.to}`;
    const seen = merged.get(key);
    if (!seen) merged.set(key, { ...p });
    else if (!seen.label.split(", ").includes(p.label)) seen.label += `, ${p.label}`;
  }
  return [...merged.values()];
}

// -------------------------------------------------------------------------------------------------
// Graphviz: one table cell per (tier, column), each item a port; grid kept by invisible edges.

const esc = (s: string) =>
  s.replace(/&/g, "&amp;").replace(/</g, "&lt;").replace(/>/g, "&gt;").replace(/"/g, "&quot;");

export function toDot(d: Diagram, title: string): string {
  const portOf = new Map(d.items.map((item, i) => [item.id, `p${i}`]));
  const cellOf = (tier: Tier, column: number) => `c_${TIERS.indexOf(tier)}_${column}`;
  const rows = TIERS.filter((t) => d.items.some((i) => i.tier === t));
  const lines = [
    "digraph toucan {",
    `  graph [label="${esc(title)}", labelloc=t, fontname="Helvetica", fontsize=16, rankdir=TB, nodesep=0.3, ranksep=0.5, newrank=true];`,
    `  node [shape=plaintext, fontname="Courier", fontsize=10];`,
    `  edge [fontname="Helvetica", fontsize=9, color="#c0392b", fontcolor="#c0392b", arrowsize=0.6];`,
  ];
  const header = d.columns.map((c, j) => `h_${j}`);
  lines.push(`  h_label [label=""];`);
  d.columns.forEach((c, j) =>
    lines.push(`  h_${j} [label=<<b>${esc(c === REGIONAL ? "Region-wide" : c)}</b>>, fontsize=12];`),
  );
  lines.push(`  { rank=same; h_label; ${header.join("; ")}; }`);
  for (const tier of rows) {
    const names: string[] = [`r_${TIERS.indexOf(tier)}`];
    lines.push(`  r_${TIERS.indexOf(tier)} [label=<<b>${tier}</b>>, fontsize=12];`);
    d.columns.forEach((column, j) => {
      const inCell = d.items.filter((i) => i.tier === tier && i.column === column);
      const name = cellOf(tier, j);
      names.push(name);
      if (!inCell.length) {
        lines.push(`  ${name} [label="", width=2.2, height=0.2];`);
        return;
      }
      const rowsHtml = inCell
        .map(
          (i) =>
            `<tr><td port="${portOf.get(i.id)}" bgcolor="${tierColor(tier)}" align="left">${esc(i.label)}</td></tr>`,
        )
        .join("");
      lines.push(
        `  ${name} [label=<<table border="0" cellborder="1" cellspacing="2" cellpadding="4">${rowsHtml}</table>>];`,
      );
    });
    lines.push(`  { rank=same; ${names.join("; ")}; }`);
  }
  // The grid: columns stacked by heavy invisible edges, cells ordered left to right.
  const order = ["h_label", ...header];
  for (let j = 0; j < order.length - 1; j++) lines.push(`  ${order[j]} -> ${order[j + 1]} [style=invis];`);
  let above = ["h_label", ...header];
  for (const tier of rows) {
    const here = [`r_${TIERS.indexOf(tier)}`, ...d.columns.map((_, j) => cellOf(tier, j))];
    here.forEach((n, j) => lines.push(`  ${above[j]} -> ${n} [style=invis, weight=100];`));
    for (let j = 0; j < here.length - 1; j++) lines.push(`  ${here[j]} -> ${here[j + 1]} [style=invis];`);
    above = here;
  }
  const at = (itemId: string, side: "s" | "n") => {
    const item = d.items.find((i) => i.id === itemId)!;
    return `${cellOf(item.tier, d.columns.indexOf(item.column))}:${portOf.get(itemId)}:${side}`;
  };
  for (const p of d.paths)
    lines.push(`  ${at(p.from, "s")} -> ${at(p.to, "n")} [label="${esc(p.label)}", weight=0];`);
  lines.push("}");
  return lines.join("\n") + "\n";
}

function tierColor(tier: Tier): string {
  return {
    Internet: "#ffffff",
    Edge: "#d6eaf8",
    Network: "#eaeded",
    Services: "#d5f5e3",
    Cache: "#fdebd0",
    Storage: "#f9e79f",
    Database: "#f5cba7",
  }[tier];
}

/** Mermaid flowchart text (GitHub renders it in a pull-request comment): one subgraph per tier. */
export function toMermaid(d: Diagram): string {
  const idOf = new Map(d.items.map((item, i) => [item.id, `n${i}`]));
  const quote = (s: string) => s.replace(/"/g, "#quot;");
  const lines = ["flowchart TB"];
  for (const tier of TIERS) {
    const inTier = d.items.filter((i) => i.tier === tier);
    if (!inTier.length) continue;
    lines.push(`  subgraph ${tier.toLowerCase()}["${tier}"]`);
    for (const i of inTier)
      lines.push(
        `    ${idOf.get(i.id)}["${quote(i.label)}${i.column === REGIONAL ? "" : ` · ${i.column}`}"]`,
      );
    lines.push("  end");
  }
  for (const p of d.paths) lines.push(`  ${idOf.get(p.from)} -- "${quote(p.label)}" --> ${idOf.get(p.to)}`);
  return lines.join("\n") + "\n";
}

/** SVG from DOT with Graphviz's WebAssembly build (`@viz-js/viz`). */
export async function renderSvg(dot: string): Promise<string> {
  const viz = await (require("@viz-js/viz") as typeof import("@viz-js/viz")).instance();
  return viz.renderString(dot, { format: "svg" });
}

/** `--diagram FILE.svg`: writes the SVG and the Mermaid text (`FILE.mmd`) of the graph; returns both paths. */
export async function writeDiagram(graph: PlanGraph, svgFile: string): Promise<[string, string]> {
  const diagram = buildDiagram(graph);
  const mermaidFile = svgFile.replace(/\.svg$/, ".mmd");
  fs.writeFileSync(svgFile, await renderSvg(toDot(diagram, `${graph.project} / ${graph.stack}`)));
  fs.writeFileSync(mermaidFile, toMermaid(diagram));
  return [svgFile, mermaidFile];
}
