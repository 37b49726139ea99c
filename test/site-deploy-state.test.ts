/**
 * The static site's dynamic provider as it lands in the state: the text Pulumi serializes must be the
 * same from any checkout path and from the installed package (built JavaScript), so a teammate or CI
 * sees no diff, and it must find the implementation in the provider process of either.
 */
import { strict as assert } from "assert";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import * as ts from "typescript";
import * as pulumi from "@pulumi/pulumi";
import { record } from "../components/planner/recorder";
import * as source from "../components/static/deploy-provider";

const ROOT = path.resolve(__dirname, "..");
const DYNAMIC = "pulumi-nodejs:dynamic:Resource";

let scratch: string;

/**
 * A Pulumi project at `dir` with pulumi-toucan installed as its build would ship it: package.json and
 * the JavaScript of components/static and components/core (all that deploy-provider.js loads).
 */
function installedProject(dir: string): string {
  const pkgDir = path.join(dir, "node_modules", "pulumi-toucan");
  const build = JSON.parse(fs.readFileSync(path.join(ROOT, "tsconfig.build.json"), "utf8")) as {
    compilerOptions: Record<string, unknown>;
  };
  const base = JSON.parse(fs.readFileSync(path.join(ROOT, "tsconfig.json"), "utf8")) as {
    compilerOptions: Record<string, unknown>;
  };
  const { options } = ts.convertCompilerOptionsFromJson(
    { ...base.compilerOptions, ...build.compilerOptions },
    ROOT,
  );
  for (const folder of ["static", "core"]) {
    const out = path.join(pkgDir, "dist", "components", folder);
    fs.mkdirSync(out, { recursive: true });
    for (const file of fs.readdirSync(path.join(ROOT, "components", folder))) {
      if (!file.endsWith(".ts")) continue;
      const text = fs.readFileSync(path.join(ROOT, "components", folder, file), "utf8");
      const js = ts.transpileModule(text, {
        compilerOptions: { ...options, sourceMap: false },
        fileName: file,
      });
      fs.writeFileSync(path.join(out, file.replace(/\.ts$/, ".js")), js.outputText);
    }
  }
  const manifest = JSON.parse(fs.readFileSync(path.join(ROOT, "package.json"), "utf8")) as Record<
    string,
    unknown
  >;
  fs.writeFileSync(
    path.join(pkgDir, "package.json"),
    JSON.stringify({
      name: manifest.name,
      version: manifest.version,
      main: manifest.main,
      exports: manifest.exports,
    }),
  );
  // Its dependencies, as npm would have installed them next to it.
  fs.symlinkSync(path.join(ROOT, "node_modules"), path.join(pkgDir, "node_modules"), "dir");
  return path.join(pkgDir, "dist", "components", "static", "deploy-provider.js");
}

const INPUTS: source.SiteDeploymentArgs = {
  bucket: "toucan-site",
  region: "eu-west-1",
  source: { kind: "image", image: "quay.io/toucantoco/frontend:v100.5.1" },
  tcParams: "window.TC_PARAMS = {};\n",
  apiBaseRoute: "/_api",
  gracePeriodSeconds: 3600,
  distributionId: "E2EXAMPLE",
};

async function serialized(module: typeof source): Promise<string> {
  const { recording } = await record(() => {
    new module.SiteDeployment("site-deploy", INPUTS);
  });
  return recording.one(DYNAMIC).inputs.__provider as string;
}

/** Whether a module file is a copy of the provider's implementation (the source or a build of it). */
const isImplementation = (file: string) => /[\\/]deploy-provider\.(?:ts|js)$/.test(file);

/**
 * Runs `use` with the serialized provider loaded the way Pulumi's provider process does, in `cwd` (the
 * process's working folder is the project's), and returns the implementation files it loaded. Like a fresh
 * provider process, it starts with no copy of the implementation loaded (and Node's resolution cache, which
 * reuses a loaded module, cannot answer from an earlier test); the test's own copies are put back after.
 */
async function inProvider(
  text: string,
  cwd: string,
  use: (provider: pulumi.dynamic.ResourceProvider) => Promise<void>,
): Promise<string[]> {
  const pulumiDir = path.dirname(require.resolve("@pulumi/pulumi/package.json"));
  const requireFromString = require(require.resolve("require-from-string", { paths: [pulumiDir] })) as (
    code: string,
  ) => { handler(): pulumi.dynamic.ResourceProvider };
  const saved = Object.keys(require.cache).filter(isImplementation);
  const kept = saved.map((file) => [file, require.cache[file]] as const);
  for (const file of saved) delete require.cache[file];
  const before = process.cwd();
  process.chdir(cwd);
  try {
    await use(requireFromString(text).handler());
    return Object.keys(require.cache).filter(isImplementation);
  } finally {
    process.chdir(before);
    for (const file of Object.keys(require.cache).filter(isImplementation)) delete require.cache[file];
    for (const [file, module] of kept) require.cache[file] = module;
  }
}

describe("Static site provider state", function () {
  this.timeout(20_000);
  let fromSource: string;
  let installedA: string;
  let installedB: string;

  before(async () => {
    scratch = fs.realpathSync(fs.mkdtempSync(path.join(os.tmpdir(), "site-state-")));
    installedA = installedProject(path.join(scratch, "checkout-a"));
    installedB = installedProject(path.join(scratch, "ci", "checkout-b"));
    fromSource = await serialized(source);
  });
  after(() => fs.rmSync(scratch, { recursive: true, force: true }));

  it("THEN the serialized provider holds no path of the machine", () => {
    for (const machinePath of [ROOT, __dirname, os.homedir(), "/work/"]) {
      assert.ok(!fromSource.includes(machinePath), `the state holds ${machinePath}`);
    }
    assert.doesNotMatch(fromSource, /["'`]\/(?:home|tmp|Users|work|root)\//);
  });

  it("GIVEN two installed copies in different folders THEN both serialize the source's exact text", async () => {
    const a = await serialized(require(installedA) as typeof source);
    const b = await serialized(require(installedB) as typeof source);
    assert.equal(a, b);
    assert.equal(a, fromSource);
  });

  it("GIVEN the installed package THEN the provider process loads its built JavaScript and can diff, update and delete", async () => {
    const project = installedB.split(`${path.sep}node_modules${path.sep}`)[0];
    const inputs = INPUTS as source.SiteDeploymentInputs;
    const loaded = await inProvider(fromSource, project, async (provider) => {
      assert.equal((await provider.diff!("id", inputs, inputs)).changes, false);
      assert.equal((await provider.diff!("id", inputs, { ...inputs, tcParams: "x" })).changes, true);
      await provider.delete!("id", inputs);
    });
    assert.deepEqual(loaded, [installedB], "the project's installed copy, and only it, was loaded");
  });

  it("GIVEN the library's own checkout THEN the provider process loads its source", async () => {
    const inputs = INPUTS as source.SiteDeploymentInputs;
    const loaded = await inProvider(fromSource, path.join(ROOT, "components"), async (provider) => {
      assert.equal((await provider.diff!("id", inputs, inputs)).changes, false);
    });
    assert.deepEqual(loaded, [path.join(ROOT, "components", "static", "deploy-provider.ts")]);
  });

  it("GIVEN a project without the package THEN the provider process says what is missing", async () => {
    const empty = path.join(scratch, "empty");
    fs.mkdirSync(empty);
    const inputs = INPUTS as source.SiteDeploymentInputs;
    const loaded = await inProvider(fromSource, empty, async (provider) => {
      await assert.rejects(
        async () => provider.diff!("id", inputs, inputs),
        /pulumi-toucan\/site-deploy-provider not found/,
      );
    });
    assert.deepEqual(loaded, []);
  });
});
