/**
 * Runs policy objects over a recorded plan graph the way the policy engine hands resources to them:
 * inputs as `props`, options, and dependencies resolved to the other resources.
 */
import type {
  PolicyResource,
  ResourceValidationPolicy,
  StackValidationPolicy,
  ResourceValidationArgs,
} from "@pulumi/policy";
import type { PlanGraph } from "../../components/planner/plan-runner";

export interface Violation {
  policy: string;
  message: string;
  urn?: string;
}

function notApplicable(): never {
  throw new Error("notApplicable");
}

export function policyResources(graph: PlanGraph): PolicyResource[] {
  const custom = graph.resources.filter((r) => r.custom);
  const byUrn = new Map<string, PolicyResource>();
  for (const r of custom) {
    const resource = {
      type: r.type,
      props: r.inputs,
      urn: r.urn,
      name: r.name,
      opts: {
        protect: r.protect,
        ignoreChanges: r.ignoreChanges,
        deleteBeforeReplace: r.deleteBeforeReplace,
        aliases: r.aliases.map(String),
        customTimeouts: { createSeconds: 0, updateSeconds: 0, deleteSeconds: 0 },
        additionalSecretOutputs: [],
        parent: r.parent ?? undefined,
      },
      dependencies: [] as PolicyResource[],
      propertyDependencies: {} as Record<string, PolicyResource[]>,
      isType: () => false,
      asType: () => undefined,
    } as unknown as PolicyResource;
    byUrn.set(r.urn, resource);
  }
  for (const r of custom) {
    const resource = byUrn.get(r.urn)!;
    const resolve = (urns: string[]) => urns.map((u) => byUrn.get(u)).filter((x): x is PolicyResource => !!x);
    resource.dependencies.push(...resolve(r.dependencies));
    for (const [input, urns] of Object.entries(r.propertyDependencies))
      resource.propertyDependencies[input] = resolve(urns);
  }
  return [...byUrn.values()];
}

/** Every violation the policies report over the graph. */
export async function runPolicies(
  graph: PlanGraph,
  policies: (ResourceValidationPolicy | StackValidationPolicy)[],
): Promise<Violation[]> {
  const resources = policyResources(graph);
  const violations: Violation[] = [];
  const common = { stackTags: new Map<string, string>(), getConfig: () => ({}) as never, notApplicable };
  for (const policy of policies) {
    const report = (message: string, urn?: string) => violations.push({ policy: policy.name, message, urn });
    if ("validateStack" in policy && policy.validateStack) {
      await policy.validateStack({ ...common, resources }, report);
    }
    if ("validateResource" in policy && policy.validateResource) {
      const validations = Array.isArray(policy.validateResource)
        ? policy.validateResource
        : [policy.validateResource];
      for (const resource of resources)
        for (const validate of validations) {
          const args = { ...common, ...resource } as unknown as ResourceValidationArgs;
          await validate(args, (message, urn) => report(message, urn ?? resource.urn));
        }
    }
  }
  return violations;
}
