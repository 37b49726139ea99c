/** Small lookups over a plan graph (the `npm run plan -- --json` format) shared by the review tools. */
import type { PlanGraph, PlanResource } from "../planner/plan-runner";

/**
 * A URN reduced to what both spellings agree on: the recording's (the parent's last type) and the engine's
 * (the parent's whole type chain, as `pulumi.createUrn` writes it), the root stack's type dropped.
 */
export function canonicalUrn(urn: string): string {
  const [head, project, qualified, ...name] = urn.split("::");
  const types = qualified.split("$").filter((t) => t !== "pulumi:pulumi:Stack");
  return [head, project, types.slice(-2).join("$"), ...name].join("::");
}

/** `aws:ebs/volume:Volume` -> `ebs/volume`. */
export function shortType(type: string): string {
  const parts = type.split(":");
  return parts.length === 3 ? parts[1] : type;
}

export class GraphIndex {
  readonly byUrn = new Map<string, PlanResource>();

  constructor(readonly graph: PlanGraph) {
    for (const r of graph.resources) this.byUrn.set(r.urn, r);
  }

  get region(): string {
    return this.graph.config["aws:region"] ?? "us-east-1";
  }

  /** The nearest component (non-custom) ancestor, e.g. `toucan-mongo (MongoCluster)`. */
  component(r: PlanResource): string {
    let parent = r.parent ? this.byUrn.get(r.parent) : undefined;
    while (parent && parent.custom) parent = parent.parent ? this.byUrn.get(parent.parent) : undefined;
    if (!parent || parent.type === "pulumi:pulumi:Stack") return "(stack)";
    return `${parent.name} (${parent.type.split(":").pop()})`;
  }

  /** The component type (e.g. `toucan:aws:MongoCluster`) a resource belongs to, or "" at the stack's root. */
  componentType(r: PlanResource): string {
    let parent = r.parent ? this.byUrn.get(r.parent) : undefined;
    while (parent && parent.custom) parent = parent.parent ? this.byUrn.get(parent.parent) : undefined;
    return parent && parent.type !== "pulumi:pulumi:Stack" ? parent.type : "";
  }

  ofType(type: string): PlanResource[] {
    return this.graph.resources.filter((r) => r.type === type);
  }

  /** Every resource a resource waits for, directly or not (dependencies and input sources). */
  upstream(urn: string): Set<string> {
    const seen = new Set<string>();
    const stack = [urn];
    while (stack.length > 0) {
      const r = this.byUrn.get(stack.pop()!);
      if (!r) continue;
      const direct = [...r.dependencies, ...Object.values(r.propertyDependencies).flat()];
      for (const d of direct) {
        if (seen.has(d)) continue;
        seen.add(d);
        stack.push(d);
      }
    }
    return seen;
  }
}
