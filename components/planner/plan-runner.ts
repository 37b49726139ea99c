/**
 * Runs a Pulumi program under the recording runtime and returns the plan graph (the `--json` format,
 * documented in the README). Used by `npm run plan` and by the tests of the root program and examples.
 */
import * as path from "path";
import * as pulumi from "@pulumi/pulumi";
import { record, valueOf, isSecretOutput, Recording } from "./recorder";
import { redact, Secret, SECRET_MARKER, UNKNOWN } from "./values";
import { readProject, readStackConfig } from "./project";
import { installPackageAlias, loadTypeScriptFor, programEntry } from "./program";

/** This package's source folder: a program's copies of it are not reloaded between plans. */
const OWN_SOURCE = path.resolve(__dirname, "..") + path.sep;

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
  /** Values the recording runtime made up in place of what AWS assigns (ids, ARNs, endpoints). */
  placeholders: Set<string>;
  /** The program file that ran. */
  entry: string;
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

/**
 * A stack output as the engine stores it: Outputs and promises resolved at any depth (`{ urls: { a: out } }`),
 * a secret anywhere replaced by the marker where it sits, an unknown by `UNKNOWN`, a resource by its URN.
 */
async function resolveExport(value: unknown): Promise<unknown> {
  if (pulumi.Output.isInstance(value)) {
    if (await isSecretOutput(value)) return SECRET_MARKER;
    const resolved = await valueOf(value);
    return resolved === UNKNOWN ? UNKNOWN : resolveExport(resolved);
  }
  if (value instanceof Promise) return resolveExport(await value);
  if (pulumi.Resource.isInstance(value)) return resolveExport(value.urn);
  if (Array.isArray(value)) return Promise.all(value.map(resolveExport));
  if (value !== null && typeof value === "object" && Object.getPrototypeOf(value) === Object.prototype) {
    const out: Record<string, unknown> = {};
    for (const [key, item] of Object.entries(value)) {
      if (item === undefined || typeof item === "function") continue;
      out[key] = await resolveExport(item);
    }
    return out;
  }
  return value;
}

async function resolveOutputs(exports: Record<string, unknown>): Promise<Record<string, unknown>> {
  const out: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(exports)) {
    if (key === "__esModule" || typeof value === "function" || value === undefined) continue;
    out[key] = await resolveExport(value);
  }
  return redact(out) as Record<string, unknown>;
}

/** Every string inside a value, secrets included. */
function stringsIn(value: unknown, into: Set<string>): Set<string> {
  if (typeof value === "string") into.add(value);
  else if (value instanceof Secret) stringsIn(value.value, into);
  else if (Array.isArray(value)) value.forEach((v) => stringsIn(v, into));
  else if (value !== null && typeof value === "object")
    Object.values(value).forEach((v) => stringsIn(v, into));
  return into;
}

/** What a made-up id, ARN, address or autoname looks like: long enough, with digits. */
const MADE_UP = /^(?=.*\d).{8,}$/s;

/**
 * The values the recording runtime made up (ids, ARNs, endpoints, autonames): what AWS assigns at deploy time.
 * A resource's output is one unless the program or its config wrote the same value itself (an input not set
 * from another resource's output). The tree labels them, so nobody copies one as if it were real.
 */
function placeholdersOf(recording: Recording, config: Record<string, string>): Set<string> {
  const written = stringsIn(Object.values(config), new Set());
  for (const r of recording.resources) {
    for (const [key, value] of Object.entries(r.inputs)) {
      if (!(r.propertyDependencies[key]?.length > 0)) stringsIn(value, written);
    }
  }
  const made = new Set<string>();
  for (const r of recording.resources) {
    if (!r.custom || r.type.startsWith("pulumi:")) continue;
    for (const value of stringsIn(r.outputs, new Set())) {
      if (value !== UNKNOWN && MADE_UP.test(value) && !written.has(value)) made.add(value);
    }
  }
  return made;
}

/** Marker for a dynamic resource's serialized provider: code with machine-specific paths, not a setting. */
export const DYNAMIC_PROVIDER_MARKER = "[dynamic provider code]";

function withoutProviderCode(inputs: Record<string, unknown>): Record<string, unknown> {
  return "__provider" in inputs ? { ...inputs, __provider: DYNAMIC_PROVIDER_MARKER } : inputs;
}

export async function planProgram(options: PlanOptions): Promise<PlanResult> {
  installPackageAlias(options.programDir);
  const project = readProject(options.programDir);
  const stackConfig = readStackConfig(project, options.configFile);
  const entry = programEntry(options.programDir, project.main);
  loadTypeScriptFor(entry, options.programDir);
  // A program is a module: run it afresh each time (tests plan several configs in one process).
  for (const key of Object.keys(require.cache)) {
    if (
      key.startsWith(path.dirname(entry) + path.sep) &&
      !key.includes(`${path.sep}node_modules${path.sep}`)
    ) {
      if (key === entry || !key.startsWith(OWN_SOURCE)) delete require.cache[key];
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
  return { graph, recording, placeholders: placeholdersOf(recording, stackConfig.values), entry };
}
