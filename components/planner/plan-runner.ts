/**
 * Runs a Pulumi program under the recording runtime and returns the plan graph (the `--json` format,
 * documented in the README). Used by `npm run plan` and by the tests of the root program and examples.
 */
import * as path from "path";
import * as pulumi from "@pulumi/pulumi";
import { record, valueOf, isSecretOutput, Recording } from "./recorder";
import { redact, SECRET_MARKER, UNKNOWN } from "./values";
import { readProject, readStackConfig } from "./project";

export interface PlanResource {
  urn: string;
  type: string;
  name: string;
  parent: string | null;
  custom: boolean;
  provider: string | null;
  dependencies: string[];
  propertyDependencies: Record<string, string[]>;
  inputs: Record<string, unknown>;
  protect: boolean;
  retainOnDelete: boolean;
  ignoreChanges: string[];
  deleteBeforeReplace: boolean;
  aliases: unknown[];
  /** The URNs the aliases stand for (state recorded under one of them is this resource's). */
  aliasUrns?: string[];
  /** The `replaceOnChanges` option: inputs whose change replaces the resource. */
  replaceOnChanges?: string[];
}

export interface PlanGraph {
  project: string;
  stack: string;
  /** Stack config as the program saw it; secret values replaced by "[secret]". */
  config: Record<string, string>;
  resources: PlanResource[];
  /** Stack outputs; secret values replaced by "[secret]", unknown ones (preview) by "<unknown>". */
  outputs: Record<string, unknown>;
  /** Provider functions (data sources) the program called, in call order; secrets replaced by "[secret]". */
  invokes: PlanInvoke[];
}

export interface PlanInvoke {
  token: string;
  inputs: Record<string, unknown>;
  /** The explicit provider's reference, else null. */
  provider: string | null;
}

export interface PlanResult {
  graph: PlanGraph;
  recording: Recording;
}

export interface PlanOptions {
  programDir: string;
  configFile: string;
  preview?: boolean;
  /**
   * The outputs of the stack's last update, which the program reads back through a StackReference to itself
   * (e.g. the AZs it chose). Default: none, a new stack.
   */
  previousOutputs?: Record<string, unknown>;
  /** What the region's AZ lookup answers. Default: the region's a, b, c. */
  availabilityZones?: string[];
}

const REPO_ROOT = path.resolve(__dirname, "..", "..");
let aliasInstalled = false;

/** Lets example programs import the library by its package name, as users do. */
function installPackageAlias(): void {
  if (aliasInstalled) return;
  aliasInstalled = true;

  const Module = require("module") as { _resolveFilename: (request: string, ...rest: unknown[]) => string };
  const original = Module._resolveFilename;
  Module._resolveFilename = function (request: string, ...rest: unknown[]) {
    if (request === "pulumi-toucan")
      return original.call(this, path.join(REPO_ROOT, "components", "index.ts"), ...rest);
    return original.call(this, request, ...rest);
  };
}

function programEntry(dir: string, main?: string): string {
  return path.resolve(dir, main ?? ".", "index.ts");
}

async function resolveOutputs(exports: Record<string, unknown>): Promise<Record<string, unknown>> {
  const out: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(exports)) {
    if (key === "__esModule" || typeof value === "function" || value === undefined) continue;
    if (pulumi.Output.isInstance(value)) {
      if (await isSecretOutput(value)) {
        out[key] = SECRET_MARKER;
        continue;
      }
      const resolved = await valueOf(value);
      out[key] = resolved === UNKNOWN ? UNKNOWN : resolved;
    } else {
      out[key] = value;
    }
  }
  return redact(out) as Record<string, unknown>;
}

/** Marker for a dynamic resource's serialized provider: code with machine-specific paths, not a setting. */
export const DYNAMIC_PROVIDER_MARKER = "[dynamic provider code]";

function withoutProviderCode(inputs: Record<string, unknown>): Record<string, unknown> {
  return "__provider" in inputs ? { ...inputs, __provider: DYNAMIC_PROVIDER_MARKER } : inputs;
}

export async function planProgram(options: PlanOptions): Promise<PlanResult> {
  installPackageAlias();
  const project = readProject(options.programDir);
  const stackConfig = readStackConfig(project, options.configFile);
  const entry = programEntry(options.programDir, project.main);
  // A program is a module: run it afresh each time (tests plan several configs in one process).
  for (const key of Object.keys(require.cache)) {
    if (
      key.startsWith(path.dirname(entry) + path.sep) &&
      !key.includes(`${path.sep}node_modules${path.sep}`)
    ) {
      if (key === entry || !key.startsWith(path.join(REPO_ROOT, "components"))) delete require.cache[key];
    }
  }
  const { result, recording } = await record(
    async () => {
      const mod = require(entry) as Record<string, unknown> & { default?: unknown };
      if (typeof mod.default === "function") {
        return (await (mod.default as () => unknown)()) as Record<string, unknown>;
      }
      return mod;
    },
    {
      project: project.name,
      stack: stackConfig.stack,
      config: stackConfig.values,
      secretKeys: stackConfig.secretKeys,
      preview: options.preview,
      availabilityZones: options.availabilityZones,
      stackOutputs: options.previousOutputs
        ? { [`organization/${project.name}/${stackConfig.stack}`]: options.previousOutputs }
        : undefined,
    },
  );
  const outputs = await resolveOutputs((result ?? {}) as Record<string, unknown>);
  const config: Record<string, string> = {};
  for (const [key, value] of Object.entries(stackConfig.values)) {
    config[key] = stackConfig.secretKeys.includes(key) ? SECRET_MARKER : value;
  }
  const graph: PlanGraph = {
    project: project.name,
    stack: stackConfig.stack,
    config,
    resources: recording.resources.map((r) => ({
      urn: r.urn,
      type: r.type,
      name: r.name,
      parent: r.parent ?? null,
      custom: r.custom,
      provider: r.provider ?? null,
      dependencies: r.dependencies,
      propertyDependencies: r.propertyDependencies,
      inputs: redact(withoutProviderCode(r.inputs)) as Record<string, unknown>,
      protect: r.protect,
      retainOnDelete: r.retainOnDelete,
      ignoreChanges: r.ignoreChanges,
      deleteBeforeReplace: r.deleteBeforeReplace,
      aliases: r.aliases,
      aliasUrns: r.aliasUrns,
      replaceOnChanges: r.replaceOnChanges,
    })),
    outputs,
    invokes: recording.invokes.map((i) => ({
      token: i.token,
      inputs: redact(i.inputs) as Record<string, unknown>,
      provider: i.provider ?? null,
    })),
  };
  return { graph, recording };
}
