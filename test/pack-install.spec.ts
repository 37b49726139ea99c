/**
 * `npm run test:pack` (a step of .ci/run): the library as a user gets it. `npm pack` once, then for every
 * example (company-stack included) a scratch copy in the OS temp folder, laid out like the repository
 * (`<scratch>/examples/<name>/` next to `<scratch>/pulumi-toucan-<version>.tgz`, so the example's own
 * `"pulumi-toucan": "file:../../pulumi-toucan-<version>.tgz"` installs the tarball unchanged), `npm install`
 * there, `tsc --noEmit -p .` with the example's own strict tsconfig.json, and a plan of its Pulumi.demo.yaml
 * by the installed copy's planner (`pulumi-toucan/testing`), which must load that installed library.
 *
 * Offline and fast: the packages npm would fetch from the registry (the example's Pulumi SDKs, TypeScript,
 * the library's peer and own dependencies) are the repository's installed ones, same versions, given to npm
 * as `file:` links in the scratch copy's package.json. Installs run with `--offline`.
 */
import { strict as assert } from "assert";
import { execFile } from "child_process";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { promisify } from "util";
import type { PlanGraph } from "../components/planner/plan-runner";

const run = promisify(execFile);
const ROOT = path.resolve(__dirname, "..");
const EXAMPLES = fs
  .readdirSync(path.join(ROOT, "examples"))
  .filter((name) => fs.existsSync(path.join(ROOT, "examples", name, "Pulumi.yaml")))
  .sort();
const CONCURRENCY = Math.max(2, os.cpus().length);

interface Manifest {
  name: string;
  version: string;
  dependencies?: Record<string, string>;
  devDependencies?: Record<string, string>;
  peerDependencies?: Record<string, string>;
  peerDependenciesMeta?: Record<string, { optional?: boolean }>;
}

interface Installed {
  dir: string;
  install?: Error;
  typecheck?: Error;
  plan?: Error;
  graph?: PlanGraph;
  /** The library modules the plan loaded, absolute paths. */
  libraryModules: string[];
  /** The `@pulumi/pulumi` the program and the installed library resolve, real paths. */
  pulumiOfProgram?: string;
  pulumiOfLibrary?: string;
  ms: Record<string, number>;
}

function readManifest(file: string): Manifest {
  return JSON.parse(fs.readFileSync(file, "utf8")) as Manifest;
}

/** The repository's installed copy of a package (real path), checked to be the version the spec asks for. */
function repositoryCopy(name: string, spec: string): string {
  const installedDir = path.join(ROOT, "node_modules", name);
  assert.ok(fs.existsSync(installedDir), `${name} is not installed in the repository: npm ci first`);
  const dir = fs.realpathSync(installedDir);
  const { version } = readManifest(path.join(dir, "package.json"));
  const exact = /^\d+\.\d+\.\d+$/.test(spec);
  assert.ok(
    !exact || version === spec,
    `${name}@${spec} is wanted but the repository installed ${version}: keep the examples' versions those of package.json`,
  );
  return `file:${dir}`;
}

/** Every package npm would fetch from the registry for this example, as a link to the repository's copy. */
function offlineManifest(example: Manifest, library: Manifest): Manifest {
  const links: Record<string, string> = {};
  const wanted: Record<string, string> = {
    ...library.dependencies,
    ...Object.fromEntries(
      Object.entries(library.peerDependencies ?? {}).filter(
        ([name]) => !library.peerDependenciesMeta?.[name]?.optional,
      ),
    ),
    ...example.devDependencies,
    ...example.dependencies,
  };
  for (const [name, spec] of Object.entries(wanted)) {
    if (name !== "pulumi-toucan") links[name] = repositoryCopy(name, spec);
  }
  const dependencies: Record<string, string> = {};
  for (const [name, spec] of Object.entries({
    ...links,
    ...example.dependencies,
    ...example.devDependencies,
  })) {
    dependencies[name] = name === "pulumi-toucan" ? spec : links[name];
  }
  return { name: example.name, version: "0.0.0", dependencies };
}

async function timed<T>(ms: Record<string, number>, key: string, work: () => Promise<T>): Promise<T> {
  const start = Date.now();
  try {
    return await work();
  } finally {
    ms[key] = Date.now() - start;
  }
}

function failure(err: unknown): Error {
  const e = err as Error & { stdout?: string; stderr?: string };
  return new Error(`${e.message}\n${e.stdout ?? ""}\n${e.stderr ?? ""}`.trim());
}

/** Runs in the example's folder: the installed planner plans Pulumi.demo.yaml; prints graph and modules. */
const PLAN_SCRIPT = `
const path = require("path"), fs = require("fs");
const dir = process.cwd();
const testing = require(require.resolve("pulumi-toucan/testing", { paths: [dir] }));
const libraryDir = fs.realpathSync(path.dirname(require.resolve("pulumi-toucan/package.json", { paths: [dir] })));
testing.planProgram({ programDir: dir, configFile: path.join(dir, "Pulumi.demo.yaml") }).then(({ graph }) => {
  const real = (file) => fs.realpathSync(file);
  const libraryModules = Object.keys(require.cache).filter(
    (file) => /[\\\\/](pulumi-toucan|components)[\\\\/]/.test(file) && !file.includes("node_modules" + path.sep + "@"),
  );
  const out = {
    graph,
    libraryModules,
    pulumiOfProgram: real(require.resolve("@pulumi/pulumi", { paths: [dir] })),
    pulumiOfLibrary: real(require.resolve("@pulumi/pulumi", { paths: [libraryDir] })),
  };
  fs.writeFileSync(process.argv[1], JSON.stringify(out));
  process.exit(0);
}, (err) => { console.error(err && err.stack || err); process.exit(1); });
`;

async function pool<T>(items: T[], size: number, work: (item: T) => Promise<void>): Promise<void> {
  const queue = [...items];
  await Promise.all(
    Array.from({ length: size }, async () => {
      for (let item = queue.shift(); item !== undefined; item = queue.shift()) await work(item);
    }),
  );
}

describe("the packed library installed in every example (npm pack, npm install, tsc --noEmit, plan)", function () {
  this.timeout(600_000);
  const scratch = fs.mkdtempSync(path.join(os.tmpdir(), "toucan-pack-"));
  const installed = new Map<string, Installed>();
  const timings: Record<string, number> = {};
  let tarball = "";

  before(async () => {
    const start = Date.now();
    const packed = await timed(timings, "pack", () =>
      run("npm", ["pack", "--json", "--pack-destination", scratch], { cwd: ROOT, maxBuffer: 64 << 20 }),
    );
    tarball = path.join(scratch, (JSON.parse(packed.stdout) as { filename: string }[])[0].filename);
    const library = readManifest(path.join(ROOT, "package.json"));

    for (const name of EXAMPLES) {
      const source = path.join(ROOT, "examples", name);
      const dir = path.join(scratch, "examples", name);
      fs.cpSync(source, dir, { recursive: true, filter: (file) => !file.includes("node_modules") });
      const example = readManifest(path.join(source, "package.json"));
      installed.set(name, { dir, libraryModules: [], ms: {} });
      assert.equal(
        example.dependencies?.["pulumi-toucan"],
        `file:../../${path.basename(tarball)}`,
        `examples/${name}/package.json installs the tarball its README's npm pack writes`,
      );
      fs.writeFileSync(
        path.join(dir, "package.json"),
        JSON.stringify(offlineManifest(example, library), null, 2),
      );
    }

    await pool(EXAMPLES, CONCURRENCY, async (name) => {
      const entry = installed.get(name)!;
      const { dir, ms } = entry;
      try {
        await timed(ms, "install", () =>
          run("npm", ["install", "--offline", "--no-audit", "--no-fund", "--loglevel=error"], { cwd: dir }),
        );
      } catch (err) {
        entry.install = failure(err);
        return;
      }
      try {
        await timed(ms, "typecheck", () =>
          run(path.join(dir, "node_modules", ".bin", "tsc"), ["--noEmit", "-p", "."], { cwd: dir }),
        );
      } catch (err) {
        entry.typecheck = failure(err);
      }
      const out = path.join(dir, "plan.json");
      try {
        await timed(ms, "plan", () =>
          run(
            process.execPath,
            ["-r", require.resolve("ts-node/register/transpile-only"), "-e", PLAN_SCRIPT, out],
            {
              cwd: dir,
              maxBuffer: 64 << 20,
              env: {
                ...process.env,
                TS_NODE_TRANSPILE_ONLY: "1",
                TS_NODE_PROJECT: path.join(dir, "tsconfig.json"),
              },
            },
          ),
        );
        Object.assign(entry, JSON.parse(fs.readFileSync(out, "utf8")));
      } catch (err) {
        entry.plan = failure(err);
      }
    });
    timings.total = Date.now() - start;
    const line = EXAMPLES.map((name) => {
      const { ms } = installed.get(name)!;
      return `${name} ${ms.install ?? "-"}/${ms.typecheck ?? "-"}/${ms.plan ?? "-"}`;
    }).join(", ");
    console.log(
      `      pack ${timings.pack} ms; install/tsc/plan ms: ${line}; total ${timings.total} ms (${CONCURRENCY} at a time)`,
    );
    const file = process.env.TOUCAN_PACK_TIMINGS;
    if (file) fs.writeFileSync(file, JSON.stringify({ ...timings, examples: EXAMPLES.length }));
  });

  after(() => fs.rmSync(scratch, { recursive: true, force: true }));

  it("the tarball holds the built library and its declarations, no sources", async () => {
    const { stdout } = await run("tar", ["-tzf", tarball]);
    const files = stdout.split("\n").filter(Boolean);
    for (const file of [
      "package/package.json",
      "package/LICENSE",
      "package/dist/components/index.js",
      "package/dist/components/index.d.ts",
      "package/dist/components/testing.js",
    ]) {
      assert.ok(files.includes(file), `${file} in ${path.basename(tarball)}`);
    }
    assert.deepEqual(
      files.filter((f) => f.endsWith(".ts") && !f.endsWith(".d.ts")),
      [],
      "TypeScript sources shipped",
    );
  });

  for (const name of EXAMPLES) {
    describe(`examples/${name}`, () => {
      it("installs offline from its folder", () => {
        const entry = installed.get(name)!;
        assert.ifError(entry.install);
        const library = path.join(entry.dir, "node_modules", "pulumi-toucan");
        assert.ok(
          !fs.lstatSync(library).isSymbolicLink(),
          "pulumi-toucan is installed from the tarball, not linked",
        );
        assert.ok(fs.existsSync(path.join(library, "dist", "components", "index.js")));
      });

      it("type-checks with its own strict tsconfig.json (tsc --noEmit -p .)", () => {
        const entry = installed.get(name)!;
        assert.ifError(entry.install);
        const tsconfig = JSON.parse(fs.readFileSync(path.join(entry.dir, "tsconfig.json"), "utf8")) as {
          compilerOptions: { strict?: boolean; paths?: unknown };
        };
        assert.equal(tsconfig.compilerOptions.strict, true);
        assert.equal(tsconfig.compilerOptions.paths, undefined, "no alias to the repository's source");
        assert.ifError(entry.typecheck);
      });

      it("plans its Pulumi.demo.yaml with its installed copy of the library, one @pulumi/pulumi", () => {
        const entry = installed.get(name)!;
        assert.ifError(entry.install);
        assert.ifError(entry.plan);
        const installedLibrary = fs.realpathSync(path.join(entry.dir, "node_modules", "pulumi-toucan"));
        const fromRepository = entry.libraryModules.filter((f) =>
          f.startsWith(path.join(ROOT, "components")),
        );
        assert.deepEqual(fromRepository, [], "modules of the repository's source loaded");
        const fromInstalled = entry.libraryModules.filter((f) => f.startsWith(installedLibrary + path.sep));
        assert.ok(
          fromInstalled.some((f) => f.endsWith(path.join("dist", "components", "aws", "toucan.js"))) ||
            fromInstalled.some((f) =>
              f.endsWith(path.join("dist", "components", "docker", "single-host.js")),
            ),
          `the installed library's components ran (${fromInstalled.length} modules from ${installedLibrary})`,
        );
        assert.equal(
          entry.pulumiOfLibrary,
          entry.pulumiOfProgram,
          "the library and the program share @pulumi/pulumi",
        );
        const graph = entry.graph!;
        assert.equal(graph.project, `toucan-${name}`);
        const components = graph.resources.filter(
          (r) => r.type === "toucan:aws:Toucan" || r.type === "toucan:docker:SingleHost",
        );
        assert.equal(components.length, 1, "one Toucan or SingleHost component");
        assert.ok(graph.resources.filter((r) => r.custom).length > 10, `${graph.resources.length} resources`);
      });
    });
  }

  it("company-stack: npm ls @pulumi/pulumi lists one copy", async () => {
    const { dir } = installed.get("company-stack")!;
    const { stdout } = await run("npm", ["ls", "@pulumi/pulumi", "--all", "--parseable"], { cwd: dir });
    const copies = new Set(
      stdout
        .split("\n")
        .filter((line) => line.endsWith(`${path.sep}@pulumi${path.sep}pulumi`))
        .map((line) => fs.realpathSync(line)),
    );
    assert.equal(copies.size, 1, `copies of @pulumi/pulumi: ${[...copies].join(", ")}`);
    const nested = path.join(dir, "node_modules", "pulumi-toucan", "node_modules");
    assert.ok(!fs.existsSync(path.join(nested, "@pulumi")), "pulumi-toucan brought its own @pulumi packages");
  });
});
