import { strict as assert } from "assert";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { planProgram } from "../../components/planner/plan-runner";
import type { PlanGraph } from "../../components/planner/plan-runner";
import { ruleFor } from "../../components/review/replacement-rules";

const ROOT = path.resolve(__dirname, "..", "..");
const plans = new Map<string, Promise<PlanGraph>>();

/** The text of a config file of the repository (e.g. `Pulumi.demo.yaml`). */
export function demoConfig(file = "Pulumi.demo.yaml"): string {
  return fs.readFileSync(path.join(ROOT, file), "utf8");
}

/**
 * The root program planned with this config text, as the stack `stack` (every variant of one stack plans
 * under the same stack name, as a pull request's base and head do). Cached per text.
 */
export function planConfig(yaml: string, stack = "demo"): Promise<PlanGraph> {
  const key = `${stack}\n${yaml}`;
  let plan = plans.get(key);
  if (!plan) {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), "toucan-review-"));
    const configFile = path.join(dir, `Pulumi.${stack}.yaml`);
    fs.writeFileSync(configFile, yaml);
    plan = planProgram({ programDir: ROOT, configFile }).then((r) => r.graph);
    plans.set(key, plan);
  }
  return plan;
}

/** A config text with one `toucan:` key set (replaced or appended). */
export function withKey(yaml: string, key: string, value: string): string {
  const line = `  toucan:${key}: ${value}`;
  const pattern = new RegExp(`^  toucan:${key}:.*$`, "m");
  return pattern.test(yaml) ? yaml.replace(pattern, line) : yaml.replace(/\n*$/, `\n${line}\n`);
}

/** A deep copy of a graph to mutate by hand. */
export function cloneGraph(graph: PlanGraph): PlanGraph {
  return JSON.parse(JSON.stringify(graph)) as PlanGraph;
}

/** THEN every resource type the plan registers has a row in the replacement rules table. */
export function assertReplacementRules(graph: PlanGraph, label: string): void {
  const missing = [
    ...new Set(graph.resources.filter((r) => r.custom && !ruleFor(r.type)).map((r) => r.type)),
  ];
  assert.deepEqual(
    missing,
    [],
    `${label}: types without a replacement rule (components/review/replacement-rules.ts)`,
  );
}
