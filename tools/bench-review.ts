/**
 * The review tools' part of `npm run bench`: times the plan diff, the cost (with its delta), the AZ-loss
 * table and the diagram (SVG through Graphviz's WebAssembly build, and Mermaid) on the full topology,
 * each of which must take under 2 s. The head plan is the same stack with a single NAT gateway.
 */
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import type { PlanGraph } from "../components/planner/plan-runner";
import { planProgram } from "../components/planner/plan-runner";
import { azLoss, renderAzLossMarkdown, renderAzLossText } from "../components/review/az-loss";
import { costDelta, costOf } from "../components/review/cost";
import { buildDiagram, renderSvg, toDot, toMermaid } from "../components/review/diagram";
import { diffPlans } from "../components/review/plan-diff";
import { renderCostText, renderDeltaText } from "../components/review/render-cost";
import { renderDiffMarkdown, renderDiffText } from "../components/review/render-diff";

const BUDGET_MS = 2_000;

async function timed(work: () => unknown): Promise<number> {
  const start = process.hrtime.bigint();
  await work();
  return Number(process.hrtime.bigint() - start) / 1e6;
}

export async function benchReview(base: PlanGraph, root: string): Promise<boolean> {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "toucan-bench-review-"));
  const configFile = path.join(dir, "Pulumi.demo.yaml");
  fs.writeFileSync(
    configFile,
    fs
      .readFileSync(path.join(root, "Pulumi.demo.yaml"), "utf8")
      .replace("toucan:nat: perAz", "toucan:nat: single"),
  );
  const { graph: head } = await planProgram({ programDir: root, configFile });
  fs.rmSync(dir, { recursive: true, force: true });
  const results: [string, number][] = [
    [
      "diff",
      await timed(() => {
        const d = diffPlans(base, head);
        renderDiffText(d);
        renderDiffMarkdown(d);
      }),
    ],
    [
      "cost",
      await timed(() => {
        renderCostText(costOf(head));
        renderDeltaText(costDelta(base, head));
      }),
    ],
    [
      "az-loss",
      await timed(() => {
        const r = azLoss(head);
        renderAzLossText(r);
        renderAzLossMarkdown(r);
      }),
    ],
    [
      "diagram",
      await timed(async () => {
        const d = buildDiagram(head);
        toMermaid(d);
        await renderSvg(toDot(d, "bench"));
      }),
    ],
  ];
  const ok = results.every(([, ms]) => ms < BUDGET_MS);
  console.log(
    `review tools on the full topology (${head.resources.length} resources, diffed against perAz NAT): ` +
      results.map(([name, ms]) => `${name} ${ms.toFixed(0)} ms`).join(", ") +
      (ok ? ": each under the 2 s budget" : ": OVER the 2 s budget"),
  );
  return ok;
}
