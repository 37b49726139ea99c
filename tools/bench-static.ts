/**
 * `npm run bench`: times the StaticFrontend's asset manifest and the whole plan of the static
 * topology (root program, `frontendMode: static`, files from a folder) on generated sites of 50 and
 * 5,000 files (the real frontend has a few thousand), and prints the resource counts, which must
 * not grow with the number of files. Then it times the full redundant topology (`Pulumi.demo.yaml`) with
 * its alarms and dashboard on, which must plan in under 3 s, the review tools on it (tools/bench-review.ts),
 * and the company stack (examples/company-stack). Last, it runs `npm run test:pack` (pack, install into every
 * example, type-check, plan) and prints its times.
 */
import { spawnSync } from "child_process";
import * as crypto from "crypto";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { buildManifest } from "../components/static/manifest";
import { renderEmbedParams, renderTcParams } from "../components/static/tc-params";
import { planProgram } from "../components/planner/plan-runner";
import { benchReview } from "./bench-review";

/** Writes a site shaped like a bundled SPA: hashed chunks, fonts, images, a few HTML pages. */
export function generateSite(root: string, fileCount: number): void {
  const random = seeded(fileCount);
  const extensions = ["js", "js", "js", "css", "map", "svg", "png", "woff2", "json", "txt"];
  const write = (relative: string, size: number): void => {
    const file = path.join(root, relative);
    fs.mkdirSync(path.dirname(file), { recursive: true });
    fs.writeFileSync(file, crypto.randomBytes(Math.max(1, size)));
  };
  const writeText = (relative: string, text: string): void => {
    fs.mkdirSync(path.dirname(path.join(root, relative)), { recursive: true });
    fs.writeFileSync(path.join(root, relative), text);
  };
  writeText("index.html", `<!doctype html><html><body>${"x".repeat(2_000)}</body></html>`);
  writeText("scripts/tc-params.js", 'window.TC_PARAMS = {"API_BASEROUTE": "https://example"};');
  writeText("embed-params.json", '{"API_BASEROUTE": "https://example"}');
  writeText("tucana-version.txt", "v100.5.1");
  for (let i = 4; i < fileCount; i++) {
    const ext = extensions[i % extensions.length];
    const hash = crypto.createHash("sha256").update(String(i)).digest("hex").slice(0, 10);
    const folder = `assets/${["js", "css", "img", "fonts", "i18n"][i % 5]}/${i % 37}`;
    // Mostly small files with a long tail, like a real bundle.
    const size = Math.floor(200 + random() ** 3 * 60_000);
    write(`${folder}/file-${i}.${hash}.${ext}`, size);
  }
}

function seeded(seed: number): () => number {
  let state = seed || 1;
  return () => {
    state = (state * 1103515245 + 12345) % 2 ** 31;
    return state / 2 ** 31;
  };
}

function time<T>(work: () => T): [T, number] {
  const start = process.hrtime.bigint();
  const result = work();
  return [result, Number(process.hrtime.bigint() - start) / 1e6];
}

/** Plans the root program with the static frontend reading `dir`; returns [resources, ms]. */
async function planStatic(dir: string, root: string): Promise<[number, number]> {
  const configFile = path.join(root, `Pulumi.bench-${path.basename(dir)}.yaml`);
  fs.writeFileSync(
    configFile,
    [
      "config:",
      "  aws:region: eu-west-1",
      "  toucan:version: v100.5.1",
      "  toucan:frontendDomain: toucan.example.com",
      "  toucan:sameDomain: true",
      "  toucan:zoneId: Z0123456789EXAMPLE",
      "  toucan:frontendMode: static",
      `  toucan:frontendAssetsDir: ${dir}`,
      "",
    ].join("\n"),
  );
  const start = process.hrtime.bigint();
  const { graph } = await planProgram({ programDir: path.resolve(__dirname, ".."), configFile });
  return [graph.resources.length, Number(process.hrtime.bigint() - start) / 1e6];
}

async function main(): Promise<void> {
  const overrides = {
    "scripts/tc-params.js": renderTcParams({ apiBaseRoute: "https://toucan-api.example.com" }),
    "embed-params.json": renderEmbedParams({ apiBaseRoute: "https://toucan-api.example.com" }),
  };
  const root = fs.mkdtempSync(path.join(os.tmpdir(), "toucan-bench-static-"));
  try {
    for (const count of [50, 5_000]) {
      const dir = path.join(root, `site-${count}`);
      const [, generateMs] = time(() => generateSite(dir, count));
      const [manifest, coldMs] = time(() => buildManifest(dir, { overrides }));
      const [, warmMs] = time(() => buildManifest(dir, { overrides }));
      const bytes = manifest.entries.reduce((sum, e) => sum + e.size, 0);
      const [resources, planMs] = await planStatic(dir, root);
      console.log(
        `${String(count).padStart(5)} files, ${(bytes / 1e6).toFixed(1).padStart(6)} MB: ` +
          `generate ${generateMs.toFixed(0)} ms, manifest ${coldMs.toFixed(0)} ms (again: ${warmMs.toFixed(0)} ms), ` +
          `plan ${planMs.toFixed(0)} ms, ${resources} resources`,
      );
    }
  } finally {
    fs.rmSync(root, { recursive: true, force: true });
  }
  await benchFullTopology();
  await benchCompanyStack();
  benchPackInstall();
  printMutationScore();
}

/** Plans a program's Pulumi.demo.yaml twice: the first run loads the modules, the second is the warm time. */
async function planTwice(programDir: string) {
  const configFile = path.join(programDir, "Pulumi.demo.yaml");
  const cold = process.hrtime.bigint();
  await planProgram({ programDir, configFile });
  const coldMs = Number(process.hrtime.bigint() - cold) / 1e6;
  const start = process.hrtime.bigint();
  const { graph } = await planProgram({ programDir, configFile });
  const ms = Number(process.hrtime.bigint() - start) / 1e6;
  return { graph, ms, coldMs };
}

/** Plans Pulumi.demo.yaml (monitoring on by default): once to load the modules, then timed. */
async function benchFullTopology(): Promise<void> {
  const programDir = path.resolve(__dirname, "..");
  const { graph, ms, coldMs } = await planTwice(programDir);
  const alarms = graph.resources.filter((r) => r.type === "aws:cloudwatch/metricAlarm:MetricAlarm").length;
  const dashboards = graph.resources.filter((r) => r.type === "aws:cloudwatch/dashboard:Dashboard").length;
  const verdict = ms < 3_000 ? "under the 3 s budget" : "OVER the 3 s budget";
  console.log(
    `full topology (Pulumi.demo.yaml), alarms on: plan ${ms.toFixed(0)} ms (first run ${coldMs.toFixed(0)} ms), ` +
      `${graph.resources.length} resources, ${alarms} alarms, ${dashboards} dashboard: ${verdict}`,
  );
  if (ms >= 3_000) process.exitCode = 1;
  if (!(await benchReview(graph, programDir))) process.exitCode = 1;
}

/** Plans examples/company-stack (a company's VPC, cluster and certificate around Toucan), warm. */
async function benchCompanyStack(): Promise<void> {
  const { graph, ms, coldMs } = await planTwice(path.resolve(__dirname, "..", "examples", "company-stack"));
  console.log(
    `company stack (examples/company-stack): plan ${ms.toFixed(0)} ms (first run ${coldMs.toFixed(0)} ms), ` +
      `${graph.resources.length} resources`,
  );
}

/** Runs `npm run test:pack` and prints its time and the share of its steps. */
function benchPackInstall(): void {
  const timings = path.join(os.tmpdir(), `toucan-pack-timings-${process.pid}.json`);
  const start = process.hrtime.bigint();
  const result = spawnSync("npm", ["run", "test:pack", "--silent"], {
    cwd: path.resolve(__dirname, ".."),
    env: { ...process.env, TOUCAN_PACK_TIMINGS: timings },
    encoding: "utf8",
  });
  const ms = Number(process.hrtime.bigint() - start) / 1e6;
  if (result.status !== 0 || !fs.existsSync(timings)) {
    console.log(`pack-install test (npm run test:pack): FAILED after ${(ms / 1000).toFixed(1)} s`);
    console.log(result.stdout.split("\n").slice(-30).join("\n"));
    process.exitCode = 1;
    return;
  }
  const steps = JSON.parse(fs.readFileSync(timings, "utf8")) as {
    pack: number;
    total: number;
    examples: number;
  };
  fs.rmSync(timings, { force: true });
  console.log(
    `pack-install test (npm run test:pack): ${(ms / 1000).toFixed(1)} s in all; npm pack ` +
      `${(steps.pack / 1000).toFixed(1)} s, then ${steps.examples} examples installed, type-checked and planned in ` +
      `${((steps.total - steps.pack) / 1000).toFixed(1)} s`,
  );
}

/** The last `npm run mutate` (its summary is committed; the bench does not run StrykerJS). */
function printMutationScore(): void {
  const file = path.join(__dirname, "..", "reports", "mutation-summary.json");
  if (!fs.existsSync(file)) {
    console.log("mutation score: no summary yet (npm run mutate writes reports/mutation-summary.json)");
    return;
  }
  const summary = JSON.parse(fs.readFileSync(file, "utf8")) as {
    measuredAt: string;
    durationSeconds: number;
    score: number;
    survivors: unknown[];
  };
  console.log(
    `mutation score ${summary.score} % (${summary.survivors.length} mutants undetected), measured ` +
      `${summary.measuredAt} by npm run mutate in ${Math.round(summary.durationSeconds / 60)} min`,
  );
}

if (require.main === module) {
  main().then(
    () => process.exit(process.exitCode ?? 0),
    (err) => {
      console.error(err);
      process.exit(1);
    },
  );
}
