/**
 * `npm run plan`: runs a Pulumi program under the recording runtime, with no cloud account and no
 * Pulumi CLI, and prints the resources it would register.
 *
 *   npm run plan                                   the root program with Pulumi.demo.yaml
 *   npm run plan -- --config Pulumi.demo-static.yaml
 *   npm run plan -- --program examples/redundant   another program (its own Pulumi.yaml)
 *   npm run plan -- --json plan.json               also write the recorded graph as JSON
 *   npm run plan -- --preview                      as `pulumi preview` would see it (unknown outputs)
 *
 * Reviewing a change (README "Reviewing changes"):
 *   --diff BASE.json        what `pulumi up` would do from BASE (a --json plan) to this plan, with flags
 *   --cost                  monthly on-demand price per component and resource (with --diff: the change)
 *   --markdown FILE         also write the review as Markdown (a pull-request comment)
 *   --diagram FILE.svg      the architecture (AZs as columns, tiers as rows, security-group paths) as
 *                           SVG, and as Mermaid text in FILE.mmd
 *   --fail-on KINDS         exit 3 when a flag of these kinds is raised (comma-separated:
 *                           stateful,protected,redundancy,public-ip,security-group,dns)
 *
 * A config error exits 1 and prints the component's message alone.
 */
import * as fs from "fs";
import * as path from "path";
import { planProgram, PlanResult } from "./plan-runner";
import { renderTree } from "./plan-tree";
import { writeDiagram } from "../review/diagram";
import { emptyReviewOptions, parseReviewArg, ReviewOptions, runReview } from "../review/cli-options";

interface CliOptions {
  program: string;
  config?: string;
  json?: string;
  preview: boolean;
  review: ReviewOptions;
}

function parseArgs(argv: string[]): CliOptions {
  const opts: CliOptions = { program: ".", preview: false, review: emptyReviewOptions() };
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i];
    const next = () => {
      const value = argv[++i];
      if (value === undefined) throw new Error(`${arg} needs a value`);
      return value;
    };
    if (arg === "--program") opts.program = next();
    else if (arg === "--config") opts.config = next();
    else if (arg === "--json") opts.json = next();
    else if (arg === "--preview") opts.preview = true;
    else if (parseReviewArg(opts.review, arg, next)) continue;
    else if (arg === "--help" || arg === "-h") {
      console.log(
        fs
          .readFileSync(__filename, "utf8")
          .split("*/")[0]
          .replace(/^\/\*\*|^ \* ?/gm, ""),
      );
      process.exit(0);
    } else throw new Error(`unknown argument ${arg} (see --help)`);
  }
  return opts;
}

async function main(): Promise<void> {
  let opts: CliOptions;
  try {
    opts = parseArgs(process.argv.slice(2));
  } catch (err) {
    console.error((err as Error).message);
    process.exit(2);
  }
  const programDir = path.resolve(opts.program);
  const configFile = path.resolve(opts.config ?? path.join(programDir, "Pulumi.demo.yaml"));
  if (opts.config && !fs.existsSync(configFile)) {
    console.error(`no such config file: ${opts.config}`);
    process.exit(2);
  }
  const started = Date.now();
  let result: PlanResult;
  try {
    result = await planProgram({ programDir, configFile, preview: opts.preview });
  } catch (err) {
    console.error((err as Error).message);
    process.exit(1);
  }
  const seconds = ((Date.now() - started) / 1000).toFixed(1);
  console.log(renderTree(result.graph));
  console.log(`\n${result.graph.resources.length} resources, planned in ${seconds} s`);
  if (opts.json) {
    fs.writeFileSync(opts.json, JSON.stringify(result.graph, null, 2) + "\n");
    console.log(`wrote ${opts.json}`);
  }
  if (opts.review.diagram) {
    const written = await writeDiagram(result.graph, opts.review.diagram);
    console.log(`wrote ${written.join(" and ")}`);
  }
  const code = runReview(result.graph, opts.review);
  // The SDK keeps handles open for the mock monitor; the plan is complete here.
  process.exit(code);
}

void main();
