/**
 * How the planner finds and loads a Pulumi program the way `pulumi up` would: its entry file, its own
 * TypeScript loader, its own `@pulumi/*` packages and its own installed `pulumi-toucan`. Pure Node module
 * resolution, no Pulumi import: the command line calls `usePackagesOf` before the recording runtime loads,
 * so the runtime's mocks are set on the very `@pulumi/pulumi` instance the program registers resources with.
 */
import * as fs from "fs";
import * as path from "path";

/** This package's source folder (`components/` in a checkout, `dist/components/` once built). */
const OWN_SOURCE = path.resolve(__dirname, "..");

type ResolveFilename = (request: string, parent: unknown, isMain: boolean, options?: unknown) => string;
const Module = require("module") as { _resolveFilename: ResolveFilename };

function isOwnSource(file: string | undefined): boolean {
  return (
    file !== undefined &&
    file.startsWith(OWN_SOURCE + path.sep) &&
    !file.slice(OWN_SOURCE.length).includes(`${path.sep}node_modules${path.sep}`)
  );
}

let packagesHook: { programDir: string } | undefined;

/**
 * Makes this package's own modules (the recording runtime, and the library when the program does not install
 * it) load `@pulumi/*` from the program's folder: one `@pulumi/pulumi` instance for the program and the
 * recorder, whichever copy of the planner runs. Falls back to this package's copy for a package the program
 * does not have. Call it before the recording runtime is loaded.
 */
export function usePackagesOf(programDir: string): void {
  if (packagesHook) {
    packagesHook.programDir = programDir;
    return;
  }
  const hook = { programDir };
  packagesHook = hook;
  const original = Module._resolveFilename;
  Module._resolveFilename = function (this: unknown, request, parent, isMain, options) {
    const from = (parent as { filename?: string } | undefined)?.filename;
    if (request.startsWith("@pulumi/") && isOwnSource(from)) {
      try {
        return original.call(this, request, parent, isMain, { paths: [hook.programDir] });
      } catch {
        // Not installed in the program: this package's own copy.
      }
    }
    return original.call(this, request, parent, isMain, options);
  };
}

/** Where the program's `@pulumi/pulumi` is, or undefined when it has none installed. */
export function pulumiOf(programDir: string): string | undefined {
  try {
    return require.resolve("@pulumi/pulumi", { paths: [programDir] });
  } catch {
    return undefined;
  }
}

/** The `pulumi-toucan` a program would load: its installed copy, else none. */
export interface InstalledLibrary {
  version: string;
  /** The package's folder. */
  dir: string;
}

/** The `pulumi-toucan` the program installed (found the way Node finds it from the program's folder). */
export function installedLibrary(programDir: string): InstalledLibrary | undefined {
  for (let dir = path.resolve(programDir); ; dir = path.dirname(dir)) {
    const candidate = path.join(dir, "node_modules", "pulumi-toucan");
    const manifest = path.join(candidate, "package.json");
    if (fs.existsSync(manifest)) {
      const { version } = JSON.parse(fs.readFileSync(manifest, "utf8")) as { version?: string };
      return { version: version ?? "(no version)", dir: fs.realpathSync(candidate) };
    }
    if (path.dirname(dir) === dir) return undefined;
  }
}

/** This planner's own library version. */
export function ownLibrary(): InstalledLibrary {
  // components/planner -> the package root, in a checkout (components/) or built (dist/components/).
  for (let dir = OWN_SOURCE; ; dir = path.dirname(dir)) {
    const manifest = path.join(dir, "package.json");
    if (fs.existsSync(manifest)) {
      const { version } = JSON.parse(fs.readFileSync(manifest, "utf8")) as { version?: string };
      return { version: version ?? "(no version)", dir };
    }
    if (path.dirname(dir) === dir) return { version: "(unknown)", dir: OWN_SOURCE };
  }
}

/**
 * The file of one of this package's exports (`""`, `"/testing"`, ...): the built file, or in a checkout the
 * source file it is built from.
 */
function ownExport(subpath: string): string | undefined {
  const root = ownLibrary().dir;
  const manifest = JSON.parse(fs.readFileSync(path.join(root, "package.json"), "utf8")) as {
    exports?: Record<string, string | { default?: string }>;
  };
  const entry = manifest.exports?.[`.${subpath}`];
  const target = typeof entry === "string" ? entry : entry?.default;
  if (!target) return undefined;
  // Run from source (a checkout, under ts-node): the source, even when a stale dist/ sits beside it.
  const file = __filename.endsWith(".ts")
    ? path.resolve(root, target.replace(/^(\.\/)?dist\//, "").replace(/\.js$/, ".ts"))
    : path.resolve(root, target);
  return fs.existsSync(file) ? file : undefined;
}

/** The folders of the programs planned in this process: the alias below serves their files only. */
const plannedPrograms = new Set<string>();

function inPlannedProgram(file: string | undefined): boolean {
  if (file === undefined || file.includes(`${path.sep}node_modules${path.sep}`)) return false;
  for (const dir of plannedPrograms) if (file.startsWith(dir + path.sep)) return true;
  return false;
}

let aliasInstalled = false;

/**
 * Lets a program that does not install `pulumi-toucan` (the repository's examples) import it by its package
 * name: it gets this planner's own copy. A program that installed it gets its own copy, as `pulumi up` would.
 */
export function installPackageAlias(programDir: string): void {
  plannedPrograms.add(path.resolve(programDir));
  if (aliasInstalled) return;
  aliasInstalled = true;
  const original = Module._resolveFilename;
  Module._resolveFilename = function (this: unknown, request, parent, isMain, options) {
    const named = request === "pulumi-toucan" || request.startsWith("pulumi-toucan/");
    if (!named || !inPlannedProgram((parent as { filename?: string } | undefined)?.filename)) {
      return original.call(this, request, parent, isMain, options);
    }
    try {
      return original.call(this, request, parent, isMain, options);
    } catch (error) {
      const own = ownExport(request.slice("pulumi-toucan".length));
      if (own === undefined) throw error;
      return original.call(this, own, parent, isMain, options);
    }
  };
}

/**
 * The file `pulumi up` would run: Pulumi.yaml's `main` (a file, or a folder), else the folder's package.json
 * `main`, else `index.ts`, else `index.js`.
 */
export function programEntry(dir: string, main?: string): string {
  const base = path.resolve(dir, main ?? ".");
  if (fs.existsSync(base) && fs.statSync(base).isFile()) return base;
  const manifest = path.join(base, "package.json");
  if (fs.existsSync(manifest)) {
    const pkgMain = (JSON.parse(fs.readFileSync(manifest, "utf8")) as { main?: string }).main;
    if (pkgMain) {
      const file = path.resolve(base, pkgMain);
      for (const candidate of [file, `${file}.ts`, `${file}.js`, path.join(file, "index.ts")]) {
        if (fs.existsSync(candidate) && fs.statSync(candidate).isFile()) return candidate;
      }
    }
  }
  for (const name of ["index.ts", "index.js"]) {
    if (fs.existsSync(path.join(base, name))) return path.join(base, name);
  }
  throw new Error(`no program in ${base}: no index.ts or index.js (nor a package.json "main")`);
}

/**
 * Makes a TypeScript program loadable, as the Pulumi CLI does: with the program's own ts-node (type errors
 * are `tsc`'s job, so it only transpiles). Nothing to do under ts-node already (`npm run plan`) or for a
 * JavaScript program.
 */
export function loadTypeScriptFor(entry: string, programDir: string): void {
  if (!entry.endsWith(".ts") || require.extensions[".ts"]) return;
  let tsNode: string;
  try {
    tsNode = require.resolve("ts-node", { paths: [programDir] });
  } catch {
    throw new Error(
      `${path.relative(process.cwd(), entry) || entry} is TypeScript and the program has no ts-node to load it ` +
        `(the Pulumi CLI needs it too): npm install --save-dev ts-node typescript`,
    );
  }
  const tsconfig = path.join(programDir, "tsconfig.json");
  (require(tsNode) as { register(options: object): void }).register({
    transpileOnly: true,
    ...(fs.existsSync(tsconfig) ? { project: tsconfig } : { skipProject: true }),
    compilerOptions: { module: "commonjs" },
  });
}
