/** Renders a plan graph as a readable tree: components with their children, key settings of each. */
import type { PlanGraph, PlanResource } from "./plan-runner";

/** The settings worth a glance, per type; other types show their first few scalar inputs. */
const KEY_SETTINGS: Record<string, string[]> = {
  "aws:ec2/vpc:Vpc": ["cidrBlock"],
  "aws:ec2/subnet:Subnet": ["cidrBlock", "availabilityZone"],
  "aws:ec2/natGateway:NatGateway": ["subnetId"],
  "aws:ec2/routeTable:RouteTable": ["routes"],
  "aws:ec2/vpcEndpoint:VpcEndpoint": ["serviceName", "vpcEndpointType"],
  "aws:ec2/securityGroup:SecurityGroup": ["description"],
  "aws:vpc/securityGroupIngressRule:SecurityGroupIngressRule": [
    "fromPort",
    "toPort",
    "cidrIpv4",
    "referencedSecurityGroupId",
    "description",
  ],
  "aws:vpc/securityGroupEgressRule:SecurityGroupEgressRule": [
    "fromPort",
    "toPort",
    "cidrIpv4",
    "referencedSecurityGroupId",
    "description",
  ],
  "aws:ec2/instance:Instance": ["instanceType", "subnetId", "availabilityZone"],
  "aws:ebs/volume:Volume": ["availabilityZone", "size", "type", "encrypted"],
  "aws:elasticache/replicationGroup:ReplicationGroup": [
    "engine",
    "engineVersion",
    "nodeType",
    "numCacheClusters",
    "automaticFailoverEnabled",
    "multiAzEnabled",
  ],
  "aws:efs/fileSystem:FileSystem": ["encrypted", "performanceMode", "throughputMode"],
  "aws:efs/mountTarget:MountTarget": ["subnetId"],
  "aws:lb/loadBalancer:LoadBalancer": ["loadBalancerType", "internal", "idleTimeout"],
  "aws:lb/listener:Listener": ["port", "protocol", "sslPolicy"],
  "aws:lb/targetGroup:TargetGroup": ["port", "protocol", "targetType"],
  "aws:ecs/service:Service": ["desiredCount", "launchType"],
  "aws:ecs/taskDefinition:TaskDefinition": ["family", "cpu", "memory"],
  "aws:acm/certificate:Certificate": ["domainName", "validationMethod"],
  "aws:route53/record:Record": ["name", "type"],
  "aws:cloudfront/distribution:Distribution": ["aliases", "priceClass"],
  "aws:s3/bucket:Bucket": ["bucket"],
  "docker:index/container:Container": ["image", "name"],
};

const SKIP = new Set([
  "tags",
  "tagsAll",
  "__defaults",
  "__provider",
  "code",
  "policy",
  "userData",
  "containerDefinitions",
]);

/** How the tree prints values. */
export interface TreeOptions {
  /** Print every value whole. Default false: values longer than 60 characters are cut. */
  wide?: boolean;
  /** Values the recording runtime made up (ids, ARNs, ...): labelled as placeholders. */
  placeholders?: ReadonlySet<string>;
}

const PLACEHOLDER_LABEL = " (placeholder)";

/** One line, whatever the value: a multi-line string is printed with its line breaks escaped. */
function oneLine(value: unknown): string {
  if (typeof value === "string") return /[\n\r\t]/.test(value) ? JSON.stringify(value) : value;
  return JSON.stringify(value) ?? String(value);
}

function isPlaceholder(text: string, placeholders: ReadonlySet<string> | undefined): boolean {
  if (!placeholders || placeholders.size === 0) return false;
  if (placeholders.has(text)) return true;
  for (const made of placeholders) if (text.includes(made)) return true;
  return false;
}

function short(value: unknown, options: TreeOptions): string {
  const text = oneLine(value);
  const cut = !options.wide && text.length > 60 ? `${text.slice(0, 57)}...` : text;
  return isPlaceholder(text, options.placeholders) ? cut + PLACEHOLDER_LABEL : cut;
}

function settings(r: PlanResource, options: TreeOptions): string {
  const keys =
    KEY_SETTINGS[r.type] ??
    Object.keys(r.inputs)
      .filter((k) => !SKIP.has(k))
      .filter((k) => {
        const v = r.inputs[k];
        return v === null || ["string", "number", "boolean"].includes(typeof v);
      })
      .slice(0, 4);
  return keys
    .filter((k) => r.inputs[k] !== undefined)
    .map((k) => `${k}=${short(r.inputs[k], options)}`)
    .join(" ");
}

function flags(r: PlanResource): string {
  const f: string[] = [];
  if (r.protect) f.push("protected");
  if (r.retainOnDelete) f.push("retained on delete");
  if (r.provider && !r.provider.includes("::default")) f.push(`provider ${r.provider.split("::").pop()}`);
  return f.length ? ` [${f.join(", ")}]` : "";
}

/** How many resources of each type, most numerous first: what a reviewer reads before the tree. */
export function renderSummary(graph: PlanGraph): string {
  const counts = new Map<string, number>();
  for (const r of graph.resources) {
    if (r.type === "pulumi:pulumi:Stack") continue;
    counts.set(r.type, (counts.get(r.type) ?? 0) + 1);
  }
  const rows = [...counts].sort(([ta, a], [tb, b]) => b - a || ta.localeCompare(tb));
  const width = String(rows[0]?.[1] ?? 0).length;
  const total = rows.reduce((sum, [, n]) => sum + n, 0);
  return [
    `${total} resources of ${rows.length} types:`,
    ...rows.map(([type, n]) => `  ${String(n).padStart(width)}  ${type}`),
  ].join("\n");
}

export function renderTree(graph: PlanGraph, options: TreeOptions = {}): string {
  const children = new Map<string, PlanResource[]>();
  const roots: PlanResource[] = [];
  for (const r of graph.resources) {
    if (r.parent) children.set(r.parent, [...(children.get(r.parent) ?? []), r]);
    else roots.push(r);
  }
  const lines: string[] = [`${graph.project} / ${graph.stack}`];
  const walk = (r: PlanResource, prefix: string, last: boolean) => {
    const branch = last ? "└─ " : "├─ ";
    const detail = r.custom ? settings(r, options) : "";
    lines.push(`${prefix}${branch}${r.name} (${r.type})${flags(r)}${detail ? "  " + detail : ""}`);
    const kids = children.get(r.urn) ?? [];
    kids.forEach((k, i) => walk(k, prefix + (last ? "   " : "│  "), i === kids.length - 1));
  };
  roots.forEach((r, i) => walk(r, "", i === roots.length - 1));
  const outputKeys = Object.keys(graph.outputs);
  if (outputKeys.length > 0) {
    lines.push("", "Outputs:");
    for (const key of outputKeys) lines.push(`  ${key}: ${short(graph.outputs[key], options)}`);
  }
  if (options.placeholders && lines.some((l) => l.includes(PLACEHOLDER_LABEL))) {
    lines.push(
      "",
      "(placeholder): an id, ARN or address AWS assigns at deploy time; the offline plan made this one up.",
    );
  }
  return lines.join("\n");
}
