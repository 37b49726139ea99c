#!/usr/bin/env node
/**
 * `toucan-plan` (and `npm run plan` in this repository): runs a Pulumi program under the recording runtime,
 * with no cloud account and no Pulumi CLI, and prints the resources it would register.
 */
import * as fs from "fs";
import * as path from "path";
import type * as PlanRunner from "./plan-runner";
import { renderSummary, renderTree } from "./plan-tree";
import { installedLibrary, ownLibrary, pulumiOf, usePackagesOf } from "./program";
import { writeDiagram } from "../review/diagram";
import { emptyReviewOptions, parseReviewArg, ReviewOptions, runReview } from "../review/cli-options";

const USAGE = `Usage: toucan-plan [--program DIR] [--config FILE] [--json FILE] [--preview] [--wide]

Plans a Pulumi program offline (no cloud account, no Pulumi CLI) and prints the resources it would
register: a count per type, then the tree with the key settings of each resource, then the outputs.

  --program DIR   the program's folder, with its Pulumi.yaml (default: the current folder)
  --config FILE   the stack config file, relative to --program (default: Pulumi.demo.yaml if there,
                  else the folder's only Pulumi.<stack>.yaml; without one, Pulumi.yaml's defaults alone)
  --json FILE     also write the recorded graph as JSON (relative to the current folder)
  --preview       as \`pulumi preview\` sees it: values computed at deploy time are "<unknown>"
  --wide          print every value whole (by default values over 60 characters are cut)

Reviewing a change (README "Reviewing changes"):
  --diff BASE.json  what \`pulumi up\` would do from BASE (a --json plan) to this plan, with flags
  --cost            monthly on-demand price per component and resource (with --diff: the change)
  --az-loss         per AZ: which tiers keep serving when it is lost; exit 4 when one fails
  --markdown FILE   also write the review as Markdown (a pull-request comment)
  --diagram FILE.svg  the architecture (AZs as columns, tiers as rows, security-group paths) as
                    SVG, and as Mermaid text in FILE.mmd
  --fail-on KINDS   exit 3 when a flag of these kinds is raised (comma-separated:
                    stateful,protected,redundancy,public-ip,security-group,dns)

The program runs with the pulumi-toucan it installed (its node_modules), and with its own @pulumi/*
packages. A configuration error exits 1 and prints the component's message alone.

  npx toucan-plan --program . --config Pulumi.dev.yaml --json plan.json`;

interface CliOptions {
  program: string;
  config?: string;
  json?: string;
  preview: boolean;
  wide: boolean;
  review: ReviewOptions;
}

function parseArgs(argv: string[]): CliOptions {
  const opts: CliOptions = { program: ".", preview: false, wide: false, review: emptyReviewOptions() };
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i];
    const next = () => {
      const value = argv[++i];
      if (value === undefined || value.startsWith("--")) throw new Error(`${arg} needs a value (see --help)`);
      return value;
    };
    if (arg === "--program") opts.program = next();
    else if (arg === "--config") opts.config = next();
    else if (arg === "--json") opts.json = next();
    else if (arg === "--preview") opts.preview = true;
    else if (arg === "--wide") opts.wide = true;
    else if (parseReviewArg(opts.review, arg, next)) continue;
    else if (arg === "--help" || arg === "-h") {
      console.log(USAGE);
      process.exit(0);
    } else throw new Error(`unknown argument ${arg} (see --help)`);
  }
  return opts;
}

/** A path as the user would type it from here. */
function shown(file: string): string {
  const relative = path.relative(process.cwd(), file);
  return relative === "" ? "." : relative.startsWith("..") ? file : relative;
}

/**
 * The stack config file: `--config` relative to the program's folder; without it, Pulumi.demo.yaml, else the
 * folder's only stack file. Undefined (with a warning) when there is none: the plan then uses Pulumi.yaml's
 * declared defaults alone.
 */
function chooseConfig(programDir: string, given: string | undefined): { file: string; note: string } {
  if (given !== undefined) {
    const file = path.resolve(programDir, given);
    if (!fs.existsSync(file)) {
      const fromHere = path.resolve(given);
      const hint =
        fs.existsSync(fromHere) && fromHere !== file
          ? ` (--config is relative to --program: pass ${path.relative(programDir, fromHere)})`
          : "";
      throw new Error(`no such config file: ${shown(file)}${hint}`);
    }
    return { file, note: "" };
  }
  const stackFiles = fs
    .readdirSync(programDir)
    .filter((f) => /^Pulumi\.[^.]+(\.[^.]+)*\.ya?ml$/.test(f) && !/^Pulumi\.ya?ml$/.test(f))
    .sort();
  if (stackFiles.includes("Pulumi.demo.yaml")) {
    return {
      file: path.join(programDir, "Pulumi.demo.yaml"),
      note: " (the default; choose one with --config)",
    };
  }
  if (stackFiles.length === 1) {
    return { file: path.join(programDir, stackFiles[0]), note: " (the folder's only stack file)" };
  }
  const file = path.join(programDir, "Pulumi.dev.yaml");
  process.stderr.write(
    `warning: no stack config file read: ${
      stackFiles.length > 1
        ? `${shown(programDir)} has several (${stackFiles.join(", ")}): choose one with --config`
        : `no --config and no Pulumi.<stack>.yaml in ${shown(programDir)}`
    }. Planning stack "dev" with Pulumi.yaml's declared defaults alone.\n`,
  );
  return { file, note: " (not found: Pulumi.yaml's defaults alone)" };
}

/** Which pulumi-toucan the program ran with. */
function libraryLine(programDir: string): string {
  const installed = installedLibrary(programDir);
  if (installed) return `pulumi-toucan ${installed.version} installed at ${shown(installed.dir)}`;
  const own = ownLibrary();
  return `pulumi-toucan ${own.version} of this planner (${shown(own.dir)}; the program does not install it)`;
}

async function main(): Promise<void> {
  let opts: CliOptions;
  let programDir: string;
  let config: { file: string; note: string };
  try {
    opts = parseArgs(process.argv.slice(2));
    programDir = path.resolve(opts.program);
    if (!fs.existsSync(path.join(programDir, "Pulumi.yaml"))) {
      throw new Error(`no Pulumi.yaml in ${shown(programDir)}: --program names a Pulumi program's folder`);
    }
    if (!pulumiOf(programDir)) {
      throw new Error(`${shown(programDir)} has no @pulumi/pulumi installed: run npm install there first`);
    }
    config = chooseConfig(programDir, opts.config);
  } catch (err) {
    console.error((err as Error).message);
    process.exit(2);
  }
  // Before the recording runtime loads: it must set its mocks on the program's own @pulumi/pulumi.
  usePackagesOf(programDir);
  const { planProgram } = require("./plan-runner") as typeof PlanRunner;
  const started = Date.now();
  let result: PlanRunner.PlanResult;
  try {
    result = await planProgram({ programDir, configFile: config.file, preview: opts.preview });
  } catch (err) {
    console.error((err as Error).message);
    process.exit(1);
  }
  const seconds = ((Date.now() - started) / 1000).toFixed(1);
  console.log(
    [
      `program: ${shown(result.entry)}`,
      `config:  ${shown(config.file)}${config.note} -> stack "${result.graph.stack}"`,
      `library: ${libraryLine(programDir)}`,
      "",
      renderSummary(result.graph),
      "",
      renderTree(result.graph, { wide: opts.wide, placeholders: result.placeholders }),
    ].join("\n"),
  );
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
