/**
 * The review options of `npm run plan` (`--diff`, `--cost`, `--az-loss`, `--diagram`, `--markdown`, `--fail-on`),
 * kept apart from the planner's own options. The tools are pure functions over the plan graph.
 */
import * as fs from "fs";
import type { PlanGraph } from "../planner/plan-runner";
import { diffPlans, failingKinds, FLAG_KINDS } from "./plan-diff";
import { renderDiffMarkdown, renderDiffText } from "./render-diff";
import { costDelta, costOf } from "./cost";
import { azLoss, renderAzLossMarkdown, renderAzLossText } from "./az-loss";
import { renderCostMarkdown, renderCostText, renderDeltaMarkdown, renderDeltaText } from "./render-cost";

export interface ReviewOptions {
  diff?: string;
  markdown?: string;
  cost: boolean;
  /** `--diagram FILE.svg`: the architecture as SVG, and as Mermaid text beside it (`FILE.mmd`). */
  diagram?: string;
  azLoss: boolean;
  failOn: string[];
}

export function emptyReviewOptions(): ReviewOptions {
  return { failOn: [], cost: false, azLoss: false };
}

/** Exit code when a `--fail-on` kind is present. */
export const REVIEW_FAILED = 3;

/** Exit code when a tier fails on the loss of one AZ (`--az-loss`). */
export const AZ_LOSS_FAILED = 4;

/** Consumes one review argument (`next()` reads its value); false when `arg` is not one. */
export function parseReviewArg(opts: ReviewOptions, arg: string, next: () => string): boolean {
  if (arg === "--diff") {
    opts.diff = next();
    if (!fs.existsSync(opts.diff))
      throw new Error(`--diff: no such plan file ${opts.diff} (write one with --json)`);
  } else if (arg === "--markdown") opts.markdown = next();
  else if (arg === "--cost") opts.cost = true;
  else if (arg === "--diagram") {
    opts.diagram = next();
    if (!opts.diagram.endsWith(".svg")) throw new Error(`--diagram: ${opts.diagram} must end in .svg`);
  } else if (arg === "--az-loss") opts.azLoss = true;
  else if (arg === "--fail-on") {
    const kinds = next()
      .split(",")
      .map((k) => k.trim())
      .filter(Boolean);
    const known: string[] = [...FLAG_KINDS];
    const unknown = kinds.filter((k) => !known.includes(k));
    if (unknown.length > 0)
      throw new Error(`--fail-on: unknown kind ${unknown.join(", ")} (one or more of ${known.join(", ")})`);
    opts.failOn.push(...kinds);
  } else return false;
  return true;
}

export function wantsReview(opts: ReviewOptions): boolean {
  return opts.diff !== undefined || opts.cost || opts.azLoss;
}

/** Runs the requested tools on `graph`, prints them, writes the Markdown; returns the exit code. */
export function runReview(
  graph: PlanGraph,
  opts: ReviewOptions,
  log: (line: string) => void = console.log,
): number {
  const markdown: string[] = [];
  let code = 0;
  const base = opts.diff ? (JSON.parse(fs.readFileSync(opts.diff, "utf8")) as PlanGraph) : undefined;
  if (base) {
    const diff = diffPlans(base, graph);
    log("\n" + renderDiffText(diff));
    markdown.push(renderDiffMarkdown(diff));
    const failing = failingKinds(diff, opts.failOn);
    if (failing.length > 0) {
      log(`\nfail-on: ${failing.join(", ")} present`);
      code = REVIEW_FAILED;
    }
  }
  if (opts.cost) {
    const report = costOf(graph);
    log("\n" + renderCostText(report));
    markdown.push(renderCostMarkdown(report));
    if (base) {
      const delta = costDelta(base, graph);
      log("\n" + renderDeltaText(delta));
      markdown.push(renderDeltaMarkdown(delta));
    }
  }
  if (opts.azLoss) {
    const report = azLoss(graph);
    log("\n" + renderAzLossText(report));
    markdown.push(renderAzLossMarkdown(report));
    if (report.failing) code = code || AZ_LOSS_FAILED;
  }
  if (opts.markdown) {
    fs.writeFileSync(opts.markdown, markdown.join("\n\n") + "\n");
    log(`wrote ${opts.markdown}`);
  }
  return code;
}
