import type { Recording, RecordedResource } from "../../components/planner/recorder";
import { StackChange, compareRecordings } from "./day2";

const RECORD = "aws:route53/record:Record";
const RULE = "aws:lb/listenerRule:ListenerRule";
const LISTENER = "aws:lb/listener:Listener";
const ALB = "aws:lb/loadBalancer:LoadBalancer";
const SERVICE = "aws:ecs/service:Service";
const INGRESS = "aws:vpc/securityGroupIngressRule:SecurityGroupIngressRule";

/**
 * The stack while `pulumi up` runs between two recordings: the engine creates and updates first (in
 * dependency order, independent steps at once) and deletes last. So every new resource and every new version
 * may already be in place while every resource about to be deleted is still there.
 */
interface Midway {
  change: StackChange;
  /** New versions of created and updated resources, old versions of resources deleted at the end. */
  resources: RecordedResource[];
  before: Recording;
  after: Recording;
}

function midway(before: Recording, after: Recording): Midway {
  const change = compareRecordings(before, after);
  const deleted = new Set(change.deleted);
  return {
    change,
    resources: [...after.resources, ...before.resources.filter((r) => deleted.has(r.urn))],
    before,
    after,
  };
}

const of = (m: Midway, type: string) => m.resources.filter((r) => r.type === type);
const label = (r: RecordedResource) => `${r.type.split(":").pop()} ${r.name}`;

/** The ALB a listener belongs to, by ARN. */
function albOfListener(m: Midway, listenerArn: unknown): RecordedResource | undefined {
  const listener = of(m, LISTENER).find((l) => l.outputs.arn === listenerArn);
  return of(m, ALB).find((a) => a.outputs.arn === listener?.inputs.loadBalancerArn);
}

/** Target group ARNs an ALB forwards to (listener default actions and rules). */
function targetGroupsOf(m: Midway, alb: RecordedResource): Set<unknown> {
  const out = new Set<unknown>();
  const forwards = (actions: unknown) =>
    ((actions as { type: string; targetGroupArn?: unknown }[]) ?? [])
      .filter((a) => a.type === "forward")
      .forEach((a) => out.add(a.targetGroupArn));
  for (const l of of(m, LISTENER).filter((x) => x.inputs.loadBalancerArn === alb.outputs.arn)) {
    forwards(l.inputs.defaultActions);
  }
  for (const r of of(m, RULE).filter((x) => albOfListener(m, x.inputs.listenerArn) === alb)) {
    forwards(r.inputs.actions);
  }
  return out;
}

/**
 * What AWS would refuse, or what would leave users without a path, at some moment of the update. Each
 * finding names the rule it breaks:
 * - "dns owner": a record is created for a name and type another resource's record still holds (Route 53
 *   refuses the create; one owner per record, moves go through aliases);
 * - "priority": two listener rules hold one priority on one listener at once (`PriorityInUse`);
 * - "target group": a target group is used by two load balancers (`TargetGroupAssociationLimit`);
 * - "no targets": a load balancer the old DNS records point at (clients keep them for the TTL) forwards to a
 *   target group no ECS service registers in, or its tasks' groups do not admit it;
 * - "deletion protection": a load balancer is deleted while its deletion protection is on;
 * - "protected": a protected resource is deleted or replaced (the preview fails).
 */
export function transitionProblems(before: Recording, after: Recording): string[] {
  const m = midway(before, after);
  return [...dnsOwners(m), ...priorities(m), ...targetGroupOwners(m), ...oldDnsTargets(m), ...deletions(m)];
}

function dnsOwners(m: Midway): string[] {
  const created = new Set(m.change.created);
  const problems: string[] = [];
  for (const r of m.after.byType(RECORD).filter((x) => created.has(x.urn))) {
    const holder = m.before
      .byType(RECORD)
      .find(
        (o) =>
          o.inputs.name === r.inputs.name &&
          o.inputs.type === r.inputs.type &&
          !Object.values(m.change.moved).includes(o.urn),
      );
    if (holder)
      problems.push(
        `dns owner: ${label(r)} creates ${r.inputs.name} ${r.inputs.type}, held by ${label(holder)}`,
      );
  }
  return problems;
}

function priorities(m: Midway): string[] {
  // A rule holds its old priority until its update, its new one from then on: both count.
  const held = new Map<string, string>();
  const problems: string[] = [];
  const hold = (r: RecordedResource, identity: string) => {
    const key = `${String(r.inputs.listenerArn)}#${String(r.inputs.priority)}`;
    const other = held.get(key);
    if (other !== undefined && other !== identity) {
      problems.push(`priority: ${r.inputs.priority} on one listener for ${identity} and ${other}`);
    }
    held.set(key, identity);
  };
  const identityOf = (urn: string) => m.change.moved[urn] ?? urn;
  for (const r of m.before.byType(RULE)) hold(r, r.urn);
  for (const r of m.after.byType(RULE)) hold(r, identityOf(r.urn));
  return [...new Set(problems)];
}

function targetGroupOwners(m: Midway): string[] {
  const owners = new Map<unknown, string[]>();
  for (const alb of of(m, ALB)) {
    for (const tg of targetGroupsOf(m, alb)) owners.set(tg, [...(owners.get(tg) ?? []), alb.name]);
  }
  return [...owners.entries()]
    .filter(([, albs]) => albs.length > 1)
    .map(([tg, albs]) => `target group: ${String(tg)} used by ${albs.join(" and ")}`);
}

function oldDnsTargets(m: Midway): string[] {
  const problems: string[] = [];
  const services = of(m, SERVICE);
  for (const record of m.before.byType(RECORD)) {
    const target = (record.inputs.aliases as { name: unknown }[] | undefined)?.[0]?.name;
    const alb = of(m, ALB).find((a) => a.outputs.dnsName === target);
    if (!alb) continue; // CloudFront
    for (const tg of targetGroupsOf(m, alb)) {
      const registered = services.filter((s) =>
        ((s.inputs.loadBalancers as { targetGroupArn: unknown }[]) ?? []).some(
          (l) => l.targetGroupArn === tg,
        ),
      );
      if (registered.length === 0) {
        problems.push(
          `no targets: ${alb.name} (in DNS for ${record.inputs.name}) forwards to ${String(tg)}, which no service registers in`,
        );
        continue;
      }
      for (const s of registered) {
        const groups = (s.inputs.networkConfiguration as { securityGroups: unknown[] }).securityGroups;
        const admitted = of(m, INGRESS).some(
          (i) =>
            groups.includes(i.inputs.securityGroupId) &&
            (alb.inputs.securityGroups as unknown[]).includes(i.inputs.referencedSecurityGroupId),
        );
        if (!admitted) problems.push(`no targets: the tasks of ${s.name} do not admit ${alb.name}`);
      }
    }
  }
  return problems;
}

function deletions(m: Midway): string[] {
  const deleted = new Set(m.change.deleted);
  const problems: string[] = [];
  for (const r of m.before.resources.filter((x) => deleted.has(x.urn))) {
    if (r.protect) problems.push(`protected: ${label(r)} would be deleted`);
    if (r.type === ALB && r.inputs.enableDeletionProtection === true) {
      problems.push(`deletion protection: ${label(r)} is deleted with its protection on`);
    }
  }
  return problems;
}
