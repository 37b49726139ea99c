/**
 * `npm run mutate`: runs StrykerJS (stryker.config.json: the pure modules, incremental), then writes
 * reports/mutation-summary.json, a small committed summary that `npm run bench` prints: when it was
 * measured, how long the run took, the score per file and every surviving mutant.
 */
import { spawnSync } from "child_process";
import * as fs from "fs";
import * as path from "path";

const ROOT = path.resolve(__dirname, "..");
const REPORT = path.join(ROOT, "reports", "mutation", "mutation.json");
const INCREMENTAL = path.join(ROOT, "reports", "stryker-incremental.json");
export const SUMMARY = path.join(ROOT, "reports", "mutation-summary.json");

interface Mutant {
  status: string;
  mutatorName: string;
  replacement?: string;
  location: { start: { line: number; column: number } };
}

export interface MutationSummary {
  measuredAt: string;
  durationSeconds: number;
  /** (killed + timed out) / (every mutant that compiles), as Stryker computes its mutation score. */
  score: number;
  files: Record<string, { score: number; mutants: number; survived: number; noCoverage: number }>;
  survivors: { file: string; line: number; mutator: string; replacement?: string }[];
}

/** Stryker's score: detected mutants over valid ones (compile errors and ignored mutants left out). */
export function summarize(report: {
  files: Record<string, { mutants: Mutant[] }>;
}): Omit<MutationSummary, "measuredAt" | "durationSeconds"> {
  const detected = (m: Mutant) => m.status === "Killed" || m.status === "Timeout";
  const valid = (m: Mutant) => !["CompileError", "RuntimeError", "Ignored"].includes(m.status);
  const files: MutationSummary["files"] = {};
  const survivors: MutationSummary["survivors"] = [];
  let detectedCount = 0;
  let validCount = 0;
  for (const [file, { mutants }] of Object.entries(report.files).sort()) {
    const v = mutants.filter(valid);
    const d = v.filter(detected);
    detectedCount += d.length;
    validCount += v.length;
    files[file] = {
      score: v.length ? Math.round((1000 * d.length) / v.length) / 10 : 100,
      mutants: v.length,
      survived: v.filter((m) => m.status === "Survived").length,
      noCoverage: v.filter((m) => m.status === "NoCoverage").length,
    };
    for (const m of v.filter((x) => !detected(x))) {
      survivors.push({
        file,
        line: m.location.start.line,
        mutator: m.mutatorName,
        replacement: m.replacement,
      });
    }
  }
  return {
    score: validCount ? Math.round((1000 * detectedCount) / validCount) / 10 : 100,
    files,
    survivors,
  };
}

/**
 * Drops the undetected mutants from the incremental report, so the run tests them again. Stryker reuses a
 * surviving mutant while the tests that covered it are unchanged: a test added in a new file would never
 * reach the mutants it can kill. Returns how many were dropped.
 */
export function forgetUndetected(report: { files: Record<string, { mutants: Mutant[] }> }): number {
  let dropped = 0;
  for (const file of Object.values(report.files)) {
    const kept = file.mutants.filter((m) => m.status !== "Survived" && m.status !== "NoCoverage");
    dropped += file.mutants.length - kept.length;
    file.mutants = kept;
  }
  return dropped;
}

function main(): void {
  const started = Date.now();
  if (process.argv.includes("--retest-undetected") && fs.existsSync(INCREMENTAL)) {
    const incremental = JSON.parse(fs.readFileSync(INCREMENTAL, "utf8"));
    const dropped = forgetUndetected(incremental);
    fs.writeFileSync(INCREMENTAL, JSON.stringify(incremental));
    console.log(`${dropped} undetected mutants will be tested again`);
  }
  const run = spawnSync("npx", ["stryker", "run"], {
    cwd: ROOT,
    stdio: "inherit",
    env: { ...process.env, TS_NODE_TRANSPILE_ONLY: "1" },
  });
  if (run.status !== 0) process.exit(run.status ?? 1);
  const report = JSON.parse(fs.readFileSync(REPORT, "utf8"));
  const summary: MutationSummary = {
    measuredAt: new Date().toISOString(),
    durationSeconds: Math.round((Date.now() - started) / 1000),
    ...summarize(report),
  };
  fs.writeFileSync(SUMMARY, `${JSON.stringify(summary, null, 2)}\n`);
  console.log(
    `mutation score ${summary.score} % (${summary.survivors.length} undetected), ${summary.durationSeconds} s; ` +
      `written to ${path.relative(ROOT, SUMMARY)}`,
  );
}

if (require.main === module) main();
