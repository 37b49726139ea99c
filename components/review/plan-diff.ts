/**
 * `npm run plan -- --diff BASE.json`: what `pulumi up` would do to a stack recorded as BASE to reach the
 * current plan, per resource, and what a reviewer must look at. Pure functions over two plan graphs.
 *
 * How the engine decides, and how this follows it:
 * - Resources match by URN, or through an alias of the new resource (then its state moves, no replace).
 * - A changed input replaces the resource when the provider marks it "forces new resource"
 *   (replacement-rules.ts) or the resource lists it in `replaceOnChanges`; else it is updated in place.
 *   Inputs in `ignoreChanges` are not compared.
 * - A replaced resource gets new ids: every input of another resource that came from it
 *   (`propertyDependencies`) changes too, which can replace that one in turn (a new EBS volume
 *   replaces its attachment).
 * Secret inputs are compared as written in the plan ("[secret]"): a changed secret value is not seen.
 */
import type { PlanGraph, PlanResource } from "../planner/plan-runner";
import { canonicalUrn, GraphIndex } from "./graph";
import { forcingProperties, ruleFor } from "./replacement-rules";
import { securityGroupWidening } from "./security-groups";

export type Action = "create" | "update" | "replace" | "delete";

export interface InputChange {
  property: string;
  before: unknown;
  after: unknown;
  /** The input changes because this resource is replaced (new id), not because the program changed it. */
  fromReplaced?: string;
}

export interface ResourceChange {
  action: Action;
  urn: string;
  type: string;
  name: string;
  /** The component it belongs to, e.g. `toucan-mongo (MongoCluster)`. */
  component: string;
  changes: InputChange[];
  /** For a replace: the inputs that force it, with the rule's note when conditional. */
  forcedBy: { property: string; note?: string }[];
  /** The old URN, when the resource moved through an alias. */
  movedFrom?: string;
  /** No replacement rule for this type: an update may in fact be a replace. */
  unknownType?: boolean;
}

export const FLAG_KINDS = [
  "stateful",
  "protected",
  "redundancy",
  "public-ip",
  "security-group",
  "dns",
] as const;
export type FlagKind = (typeof FLAG_KINDS)[number];

export interface Flag {
  kind: FlagKind;
  /** One sentence a reviewer acts on. */
  message: string;
  urns: string[];
}

export interface PlanDiff {
  changes: ResourceChange[];
  flags: Flag[];
  /** Notes that need no action (e.g. members replaced one at a time). */
  notes: string[];
  unchanged: number;
}

/** Resources whose loss loses data or credentials, in words. */
const STATEFUL: Record<string, string> = {
  "aws:ebs/volume:Volume": "EBS volume",
  "aws:efs/fileSystem:FileSystem": "EFS file system",
  "aws:elasticache/replicationGroup:ReplicationGroup": "Redis replication group",
  "aws:docdb/cluster:Cluster": "DocumentDB cluster",
  "aws:s3/bucket:Bucket": "S3 bucket",
  "aws:secretsmanager/secret:Secret": "Secrets Manager secret",
  "aws:backup/vault:Vault": "backup vault",
  "aws:cognito/userPool:UserPool": "Cognito user pool",
  "mongodbatlas:index/advancedCluster:AdvancedCluster": "Atlas cluster",
  "docker:index/volume:Volume": "Docker volume",
  "random:index/randomPassword:RandomPassword": "generated password",
  "tls:index/privateKey:PrivateKey": "private key",
  "tls:index/selfSignedCert:SelfSignedCert": "CA certificate",
};

const STATEFUL_CONSEQUENCE: Record<string, string> = {
  "random:index/randomPassword:RandomPassword":
    "a new value is generated while the database keeps the old one: clients fail to authenticate",
  "tls:index/privateKey:PrivateKey": "every certificate signed with it must be reissued and trusted again",
  "tls:index/selfSignedCert:SelfSignedCert":
    "clients trusting the old CA reject the members' new certificates",
  "aws:secretsmanager/secret:Secret": "its value and every reference to its ARN are lost",
};

/** Groups whose members must not all change at once: type + what they are. */
const REDUNDANT_GROUPS: {
  type: string;
  what: string;
  component?: string;
  harmless?: string[];
  /** What fewer members mean. */
  fewer: string;
}[] = [
  {
    type: "aws:ec2/instance:Instance",
    what: "MongoDB members",
    component: "toucan:aws:MongoCluster",
    harmless: ["tags", "volumeTags"],
    fewer: "the replica set tolerates fewer member losses (3 members survive one, fewer survive none)",
  },
  {
    type: "aws:ec2/natGateway:NatGateway",
    what: "NAT gateways",
    harmless: ["tags"],
    fewer:
      "private subnets of the AZs without a NAT reach the internet through another AZ's: if that AZ fails, they lose egress (image pulls, connectors, SSO)",
  },
  {
    type: "aws:docdb/clusterInstance:ClusterInstance",
    what: "DocumentDB instances",
    harmless: ["tags"],
    fewer: "fewer instances to fail over to",
  },
];

function sameValue(a: unknown, b: unknown): boolean {
  return JSON.stringify(a) === JSON.stringify(b);
}

/** A URN as both plans agree on it: canonical, the stack name left out (BASE may come from another file). */
function matchKey(urn: string): string {
  return canonicalUrn(urn).replace(/^urn:pulumi:[^:]*::/, "urn:pulumi:::");
}

function matchBase(before: PlanGraph, after: PlanGraph): Map<string, PlanResource> {
  const old = new Map(before.resources.map((r) => [r.urn, r]));
  const oldByCanonical = new Map(before.resources.map((r) => [matchKey(r.urn), r]));
  const nowCanonical = new Set(after.resources.map((r) => matchKey(r.urn)));
  const matched = new Map<string, PlanResource>();
  for (const r of after.resources) {
    const same = old.get(r.urn) ?? oldByCanonical.get(matchKey(r.urn));
    if (same) {
      matched.set(r.urn, same);
      continue;
    }
    const alias = (r.aliasUrns ?? [])
      .map(matchKey)
      .find((a) => oldByCanonical.has(a) && !nowCanonical.has(a));
    if (alias) matched.set(r.urn, oldByCanonical.get(alias)!);
  }
  return matched;
}

export function diffPlans(before: PlanGraph, after: PlanGraph): PlanDiff {
  const oldIndex = new GraphIndex(before);
  const newIndex = new GraphIndex(after);
  const matched = matchBase(before, after);
  const adopted = new Set([...matched.values()].map((r) => r.urn));
  const replaced = new Set<string>();
  const changes: ResourceChange[] = [];
  let unchanged = 0;

  // Registration order: every resource comes after those its inputs came from.
  for (const r of after.resources) {
    if (!r.custom) continue;
    const was = matched.get(r.urn);
    const base = { urn: r.urn, type: r.type, name: r.name, component: newIndex.component(r) };
    if (!was) {
      changes.push({ ...base, action: "create", changes: [], forcedBy: [] });
      continue;
    }
    const ignored = new Set(r.ignoreChanges.map((p) => p.split(/[.[]/)[0]));
    const inputChanges: InputChange[] = [];
    const keys = new Set([...Object.keys(was.inputs), ...Object.keys(r.inputs)]);
    for (const key of keys) {
      if (key === "__provider" || ignored.has(key)) continue;
      if (!sameValue(was.inputs[key], r.inputs[key]))
        inputChanges.push({ property: key, before: was.inputs[key], after: r.inputs[key] });
    }
    for (const [key, sources] of Object.entries(r.propertyDependencies)) {
      if (ignored.has(key) || inputChanges.some((c) => c.property === key)) continue;
      const source = sources.find((s) => replaced.has(s));
      if (source)
        inputChanges.push({
          property: key,
          before: was.inputs[key],
          after: r.inputs[key],
          fromReplaced: source,
        });
    }
    if (inputChanges.length === 0) {
      unchanged++;
      continue;
    }
    const changedNames = inputChanges.map((c) => c.property);
    const forcedBy = forcingProperties(r.type, changedNames, r.inputs, was.inputs);
    for (const p of r.replaceOnChanges ?? []) {
      const top = p.split(/[.[]/)[0];
      if (changedNames.includes(top) && !forcedBy.some((f) => f.property === top))
        forcedBy.push({ property: top, note: "replaceOnChanges" });
    }
    const action: Action = forcedBy.length > 0 ? "replace" : "update";
    if (action === "replace") replaced.add(r.urn);
    changes.push({
      ...base,
      action,
      changes: inputChanges.sort((a, b) => a.property.localeCompare(b.property)),
      forcedBy,
      movedFrom: was.urn !== r.urn ? was.urn : undefined,
      unknownType: ruleFor(r.type) ? undefined : true,
    });
  }
  for (const r of before.resources) {
    if (!r.custom || matched.has(r.urn) || adopted.has(r.urn)) continue;
    changes.push({
      action: "delete",
      urn: r.urn,
      type: r.type,
      name: r.name,
      component: oldIndex.component(r),
      changes: [],
      forcedBy: [],
    });
  }
  const { flags, notes } = flagsOf(changes, oldIndex, newIndex, matched);
  return { changes, flags, notes, unchanged };
}

function flagsOf(
  changes: ResourceChange[],
  oldIndex: GraphIndex,
  newIndex: GraphIndex,
  matched: Map<string, PlanResource>,
): { flags: Flag[]; notes: string[] } {
  const flags: Flag[] = [];
  const notes: string[] = [];
  const baseOf = (c: ResourceChange): PlanResource | undefined =>
    c.action === "delete" ? oldIndex.byUrn.get(c.urn) : matched.get(c.urn);
  const forced = (c: ResourceChange) =>
    c.forcedBy.length > 0 ? ` (forced by ${c.forcedBy.map((f) => `\`${f.property}\``).join(", ")})` : "";

  for (const c of changes) {
    if (c.action !== "replace" && c.action !== "delete") continue;
    const was = baseOf(c);
    const what = STATEFUL[c.type];
    const verb = c.action === "replace" ? "replaced" : "deleted";
    if (what) {
      const consequence =
        STATEFUL_CONSEQUENCE[c.type] ??
        (c.action === "replace"
          ? "a new, empty one is created and the data is not copied"
          : "its data goes with it");
      const kept =
        c.action === "delete" && was?.retainOnDelete
          ? " (retainOnDelete: AWS keeps it, the stack forgets it)"
          : "";
      flags.push({
        kind: "stateful",
        message: `${what} ${c.name} in ${c.component} would be ${verb}${forced(c)}${kept}: ${consequence}. Back it up, or restore it afterwards.`,
        urns: [c.urn],
      });
    }
    if (was?.protect) {
      flags.push({
        kind: "protected",
        message:
          `${c.name} (${c.type}) is protected: \`pulumi up\` stops with "resource is protected" before it is ${verb}. ` +
          `If intended, unprotect it first (\`pulumi state unprotect '${was.urn}'\`).`,
        urns: [c.urn],
      });
    }
    if (c.type === "aws:ec2/eip:Eip") {
      flags.push({
        kind: "public-ip",
        message: `Elastic IP ${c.name} would be ${verb}: its public address is released for good; allowlists that name it (partners' firewalls, data sources) must be updated.`,
        urns: [c.urn],
      });
    }
  }

  for (const group of REDUNDANT_GROUPS) {
    const members = (index: GraphIndex) =>
      index
        .ofType(group.type)
        .filter((r) => !group.component || index.componentType(r) === group.component)
        .map((r) => r.urn);
    const beforeCount = members(oldIndex).length;
    const afterMembers = members(newIndex);
    const disrupted = changes.filter(
      (c) =>
        c.type === group.type &&
        (c.action === "replace" ||
          (c.action === "update" && c.changes.some((ch) => !(group.harmless ?? []).includes(ch.property)))) &&
        afterMembers.includes(c.urn),
    );
    if (disrupted.length >= 2) {
      const ordered = disrupted.every((a, i) =>
        disrupted
          .slice(i + 1)
          .every((b) => newIndex.upstream(b.urn).has(a.urn) || newIndex.upstream(a.urn).has(b.urn)),
      );
      const list = disrupted.map((c) => `${c.name} (${c.action})`).join(", ");
      if (ordered)
        notes.push(
          `${disrupted.length} of ${afterMembers.length} ${group.what} change, one at a time (each waits for the previous one): ${list}.`,
        );
      else
        flags.push({
          kind: "redundancy",
          message: `${disrupted.length} of ${afterMembers.length} ${group.what} would change at once (nothing orders them): ${list}. Change them in separate updates, or one at a time.`,
          urns: disrupted.map((c) => c.urn),
        });
    }
    if (beforeCount >= 2 && afterMembers.length < beforeCount) {
      flags.push({
        kind: "redundancy",
        message: `${group.what}: ${beforeCount} before, ${afterMembers.length} after: ${group.fewer}.`,
        urns: changes.filter((c) => c.type === group.type && c.action === "delete").map((c) => c.urn),
      });
    }
  }

  for (const w of securityGroupWidening(oldIndex, newIndex, changes))
    flags.push({ kind: "security-group", ...w });
  for (const d of dnsMoves(oldIndex, newIndex)) flags.push({ kind: "dns", ...d });
  return { flags, notes };
}

interface DnsRecord {
  key: string;
  urn: string;
  target: string;
}

function dnsRecords(index: GraphIndex): Map<string, DnsRecord> {
  const out = new Map<string, DnsRecord>();
  for (const r of index.ofType("aws:route53/record:Record")) {
    // Certificate validation records follow their certificate; nothing serves from them.
    if (JSON.stringify(r.inputs.records ?? "").includes(".acm-validations.aws")) continue;
    const i = r.inputs as {
      zoneId?: string;
      name?: string;
      type?: string;
      records?: string[];
      aliases?: { name: string }[];
    };
    const key = `${String(i.name).replace(/\.$/, "")} ${i.type}`;
    const target = i.aliases?.length
      ? `alias ${i.aliases.map((a) => a.name).join(", ")}`
      : (i.records ?? []).join(", ");
    out.set(`${i.zoneId}|${key}`, { key, urn: r.urn, target });
  }
  return out;
}

function dnsMoves(oldIndex: GraphIndex, newIndex: GraphIndex): Omit<Flag, "kind">[] {
  const before = dnsRecords(oldIndex);
  const after = dnsRecords(newIndex);
  const out: Omit<Flag, "kind">[] = [];
  for (const [k, was] of before) {
    const now = after.get(k);
    if (!now)
      out.push({ message: `DNS record ${was.key} would be removed (was ${was.target}).`, urns: [was.urn] });
    else if (now.target !== was.target)
      out.push({
        message: `DNS record ${was.key} moves from ${was.target} to ${now.target}: clients follow after its TTL; check the new target serves first.`,
        urns: [now.urn],
      });
  }
  return out;
}

/** `--fail-on` kinds that are present. */
export function failingKinds(diff: PlanDiff, failOn: string[]): FlagKind[] {
  return FLAG_KINDS.filter((k) => failOn.includes(k) && diff.flags.some((f) => f.kind === k));
}
