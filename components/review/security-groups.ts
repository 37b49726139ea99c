/**
 * Security groups opened wider between two plans: an ingress permission in the new plan that no
 * permission of the same group in the base plan covers (same or broader protocol, port range and
 * source). Rules are read from `aws:vpc/securityGroupIngressRule` resources and from inline `ingress`
 * blocks. A new group counts only for ingress from the whole internet.
 */
import { contains, parseCidr } from "../core/cidr";
import type { GraphIndex } from "./graph";
import type { ResourceChange } from "./plan-diff";

export interface Permission {
  group: string;
  protocol: string;
  from: number;
  to: number;
  /** `cidr:0.0.0.0/0`, `cidr6:::/0`, `sg:sg-123`, `pl:pl-123`. */
  source: string;
  urn: string;
}

const INGRESS = "aws:vpc/securityGroupIngressRule:SecurityGroupIngressRule";
const GROUP_TYPES = [
  "aws:ec2/securityGroup:SecurityGroup",
  "aws:ec2/defaultSecurityGroup:DefaultSecurityGroup",
];
const INTERNET = ["cidr:0.0.0.0/0", "cidr6:::/0"];

function ports(protocol: string, from: unknown, to: unknown): [number, number] {
  if (protocol === "-1" || protocol === "all") return [0, 65535];
  return [Number(from ?? 0), Number(to ?? from ?? 65535)];
}

export function permissions(index: GraphIndex): Permission[] {
  const out: Permission[] = [];
  for (const r of index.ofType(INGRESS)) {
    const i = r.inputs as Record<string, string | number | undefined>;
    const protocol = String(i.ipProtocol ?? "-1");
    const [from, to] = ports(protocol, i.fromPort, i.toPort);
    const source = i.cidrIpv4
      ? `cidr:${i.cidrIpv4}`
      : i.cidrIpv6
        ? `cidr6:${i.cidrIpv6}`
        : i.referencedSecurityGroupId
          ? `sg:${i.referencedSecurityGroupId}`
          : `pl:${i.prefixListId}`;
    out.push({ group: String(i.securityGroupId), protocol, from, to, source, urn: r.urn });
  }
  for (const type of GROUP_TYPES) {
    for (const r of index.ofType(type)) {
      const id = groupId(index, r.urn);
      for (const rule of (r.inputs.ingress as Record<string, unknown>[] | undefined) ?? []) {
        const protocol = String(rule.protocol ?? "-1");
        const [from, to] = ports(protocol, rule.fromPort, rule.toPort);
        const sources = [
          ...((rule.cidrBlocks as string[]) ?? []).map((c) => `cidr:${c}`),
          ...((rule.ipv6CidrBlocks as string[]) ?? []).map((c) => `cidr6:${c}`),
          ...((rule.securityGroups as string[]) ?? []).map((g) => `sg:${g}`),
          ...((rule.prefixListIds as string[]) ?? []).map((p) => `pl:${p}`),
          ...(rule.self ? [`sg:${id}`] : []),
        ];
        for (const source of sources) out.push({ group: id, protocol, from, to, source, urn: r.urn });
      }
    }
  }
  return out;
}

/** A group's id as other resources name it: the `securityGroupId` of its rules (recorded ids are stable). */
function groupId(index: GraphIndex, urn: string): string {
  for (const r of index.graph.resources) {
    const deps = r.propertyDependencies.securityGroupId;
    if (deps?.includes(urn)) return String(r.inputs.securityGroupId);
  }
  return urn;
}

function sourceCovers(outer: string, inner: string): boolean {
  if (outer === inner) return true;
  const [ok, ov] = [outer.slice(0, outer.indexOf(":")), outer.slice(outer.indexOf(":") + 1)];
  const [ik, iv] = [inner.slice(0, inner.indexOf(":")), inner.slice(inner.indexOf(":") + 1)];
  if (ok === "cidr6" && ik === "cidr6") return ov === "::/0";
  if (ok !== "cidr" || ik !== "cidr") return false;
  const o = parseCidr(ov);
  const i = parseCidr(iv);
  return !!o && !!i && contains(o, i);
}

function covers(outer: Permission, inner: Permission): boolean {
  return (
    (outer.protocol === "-1" || outer.protocol === inner.protocol) &&
    outer.from <= inner.from &&
    outer.to >= inner.to &&
    sourceCovers(outer.source, inner.source)
  );
}

function describe(p: Permission, names: Map<string, string>): string {
  const portText =
    p.protocol === "-1"
      ? "all traffic"
      : p.from === p.to
        ? `${p.protocol}/${p.from}`
        : `${p.protocol}/${p.from}-${p.to}`;
  const [kind, value] = [p.source.slice(0, p.source.indexOf(":")), p.source.slice(p.source.indexOf(":") + 1)];
  const from =
    kind === "sg" ? `group ${names.get(value) ?? value}` : kind === "pl" ? `prefix list ${value}` : value;
  return `${portText} from ${from}`;
}

function groupNames(index: GraphIndex): Map<string, string> {
  const names = new Map<string, string>();
  for (const type of GROUP_TYPES)
    for (const r of index.ofType(type)) names.set(groupId(index, r.urn), r.name);
  return names;
}

export function securityGroupWidening(
  oldIndex: GraphIndex,
  newIndex: GraphIndex,
  changes: ResourceChange[],
): { message: string; urns: string[] }[] {
  const touched = new Set(changes.filter((c) => c.action !== "delete").map((c) => c.urn));
  const before = permissions(oldIndex);
  const knownGroups = new Set(before.map((p) => p.group));
  for (const type of GROUP_TYPES)
    for (const r of oldIndex.ofType(type)) knownGroups.add(groupId(oldIndex, r.urn));
  const names = groupNames(newIndex);
  const out: { message: string; urns: string[] }[] = [];
  for (const p of permissions(newIndex)) {
    if (!touched.has(p.urn)) continue;
    const existing = knownGroups.has(p.group);
    if (!existing && !INTERNET.includes(p.source)) continue;
    if (existing && before.some((b) => b.group === p.group && covers(b, p))) continue;
    const group = names.get(p.group) ?? p.group;
    out.push({
      message: existing
        ? `Security group ${group} opens wider: ${describe(p, names)} is new. Check that this source needs it.`
        : `New security group ${group} admits ${describe(p, names)} (the whole internet).`,
      urns: [p.urn],
    });
  }
  return out;
}
