/**
 * The recording runtime: runs a Pulumi program against the SDK's mock monitor, answers it the way real
 * providers would (computed attributes, function calls), and records every registration as the engine
 * would receive it. Used by the tests and by `npm run plan`.
 *
 * It fails loudly where the bare mock runtime stays silent (see shared TESTING.md):
 * - no mock monitor installed;
 * - two resources with the same URN;
 * - an input set from another resource's output that resolved to `undefined`.
 */
import * as pulumi from "@pulumi/pulumi";
import {
  AttributeContext,
  AttributeModule,
  CallFn,
  AttributeFn,
  MethodFn,
  stableHex,
  str,
} from "./attributes/types";
import { Secret, UNKNOWN, fromWire, reveal, unwrapWire } from "./values";
import { caBundleSource, downloadCaBundle, plannedCaBundle } from "../core/ca-bundle";
import { ATTRIBUTE_MODULES } from "./attributes";
import { TransformChain, TransformableRequest, applyTransforms, resetCallbacks } from "./transforms";

// The SDK's settings module: waitForRPCs lets the harness wait until every registration is done.

const settings = require("@pulumi/pulumi/runtime/settings") as { waitForRPCs(): Promise<void> };

export interface RecordedResource {
  urn: string;
  type: string;
  name: string;
  /** URN of the parent resource, or undefined for the stack itself. */
  parent?: string;
  custom: boolean;
  /** URN of the explicit provider, when one was given. */
  provider?: string;
  dependencies: string[];
  propertyDependencies: Record<string, string[]>;
  inputs: Record<string, unknown>;
  outputs: Record<string, unknown>;
  protect: boolean;
  retainOnDelete: boolean;
  ignoreChanges: string[];
  deleteBeforeReplace: boolean;
  /** Properties whose change replaces the resource (the `replaceOnChanges` option). */
  replaceOnChanges: string[];
  aliases: unknown[];
  /**
   * The URNs the aliases stand for: state under one of them is this resource's (a renamed or moved resource
   * is updated, not replaced).
   */
  aliasUrns: string[];
  /** The `customTimeouts` option, when set (e.g. `{ create: "45m" }`). */
  customTimeouts?: { create?: string; update?: string; delete?: string };
}

export interface RecordOptions {
  /** Run as `pulumi preview`: no ids, computed attributes unknown. Default false (an update). */
  preview?: boolean;
  project?: string;
  stack?: string;
  /** Stack config, keys as `namespace:key`, values as the CLI passes them (strings, JSON for objects). */
  config?: Record<string, string>;
  /** Config keys that are secrets. */
  secretKeys?: string[];
  /** Region the default provider deploys to (also read from `aws:region` config). Default us-east-1. */
  region?: string;
  /** What getAvailabilityZones answers. Default: the region's a, b, c. */
  availabilityZones?: string[];
  /**
   * The outputs a `StackReference` reads, per stack name (`org/project/stack`). A stack not listed reads as
   * one with no outputs yet (a new stack).
   */
  stackOutputs?: Record<string, Record<string, unknown>>;
  /** The organization (`pulumi.getOrganization()`). Default "organization", a self-managed backend's. */
  organization?: string;
}

export class HarnessError extends Error {}

/** All resources a program registered, with lookup helpers. */
/** A provider function the program called (a data source, e.g. `aws.getAvailabilityZones`). */
export interface RecordedInvoke {
  /** e.g. `aws:index/getAvailabilityZones:getAvailabilityZones`. */
  token: string;
  /** Arguments, secrets unwrapped. */
  inputs: Record<string, unknown>;
  /** The explicit provider's reference (`urn::id`), when one was given. */
  provider?: string;
  /** The region it was answered for. */
  region: string;
}

export class Recording {
  readonly resources: RecordedResource[] = [];
  /** Every provider function call, in call order. */
  readonly invokes: RecordedInvoke[] = [];
  readonly failures: string[] = [];
  stackOutputs: Record<string, unknown> = {};

  /** Every resource of a type, in registration order. */
  byType(type: string): RecordedResource[] {
    return this.resources.filter((r) => r.type === type);
  }

  /** The one resource of a type (optionally with a logical name); throws unless exactly one matches. */
  one(type: string, name?: string): RecordedResource {
    const found = this.byType(type).filter((r) => name === undefined || r.name === name);
    if (found.length !== 1) {
      const names = this.byType(type).map((r) => r.name);
      throw new HarnessError(
        `expected exactly one ${type}${name ? ` named ${name}` : ""}, found ${found.length} (have: ${names.join(", ") || "none"})`,
      );
    }
    return found[0];
  }

  /** The resource with a logical name; throws when none or several. */
  named(name: string): RecordedResource {
    const found = this.resources.filter((r) => r.name === name);
    if (found.length !== 1)
      throw new HarnessError(`expected one resource named ${name}, found ${found.length}`);
    return found[0];
  }

  get(urn: string): RecordedResource {
    const found = this.resources.find((r) => r.urn === urn);
    if (!found) throw new HarnessError(`no resource with URN ${urn}`);
    return found;
  }

  /** Direct children of a resource. */
  children(parent: RecordedResource | string): RecordedResource[] {
    const urn = typeof parent === "string" ? parent : parent.urn;
    return this.resources.filter((r) => r.parent === urn);
  }

  /** Every resource below a parent, at any depth. */
  descendants(parent: RecordedResource | string): RecordedResource[] {
    const out: RecordedResource[] = [];
    const walk = (urn: string) => {
      for (const child of this.children(urn)) {
        out.push(child);
        walk(child.urn);
      }
    };
    walk(typeof parent === "string" ? parent : parent.urn);
    return out;
  }

  /** Resources other than the stack root: what a program actually built. */
  get built(): RecordedResource[] {
    return this.resources.filter((r) => r.type !== "pulumi:pulumi:Stack");
  }

  /**
   * The resources of a type whose inputs contain `expected` (like CDK's `objectLike`): every key given must
   * match, at any depth; keys not given are not looked at; arrays match element by element and in full.
   * Secret inputs are compared by their value.
   */
  where(type: string, expected: Record<string, unknown> = {}): RecordedResource[] {
    return this.byType(type).filter((r) => mismatch(reveal(r.inputs), expected) === undefined);
  }

  /**
   * The one resource of a type whose inputs contain `expected` (see `where`); throws, naming the closest
   * resource and its first differing input, unless exactly one matches.
   * @example
   * recording.hasResource("aws:ecs/service:Service", { desiredCount: 2, launchType: "FARGATE" });
   */
  hasResource(type: string, expected: Record<string, unknown> = {}): RecordedResource {
    const found = this.where(type, expected);
    if (found.length === 1) return found[0];
    const candidates = this.byType(type);
    const why = candidates
      .map((r) => `${r.name}: ${mismatch(reveal(r.inputs), expected) ?? "matches"}`)
      .join("; ");
    throw new HarnessError(
      `expected one ${type} with ${JSON.stringify(expected)}, found ${found.length}` +
        (candidates.length ? ` (${why})` : " (none of that type)"),
    );
  }

  /** How many resources of a type were registered. */
  count(type: string): number {
    return this.byType(type).length;
  }
}

/** The first place `actual` differs from the partial `expected`, as `path: actual vs expected`; else undefined. */
function mismatch(actual: unknown, expected: unknown, at = ""): string | undefined {
  const here = at || "inputs";
  if (expected !== null && typeof expected === "object" && !Array.isArray(expected)) {
    if (actual === null || typeof actual !== "object" || Array.isArray(actual)) {
      return `${here} is ${JSON.stringify(actual)}, not an object`;
    }
    for (const [key, value] of Object.entries(expected)) {
      const found = mismatch((actual as Record<string, unknown>)[key], value, at ? `${at}.${key}` : key);
      if (found) return found;
    }
    return undefined;
  }
  if (Array.isArray(expected)) {
    if (!Array.isArray(actual) || actual.length !== expected.length) {
      return `${here} is ${JSON.stringify(actual)}, expected ${expected.length} item(s)`;
    }
    for (let i = 0; i < expected.length; i++) {
      const found = mismatch(actual[i], expected[i], `${here}[${i}]`);
      if (found) return found;
    }
    return undefined;
  }
  return Object.is(actual, expected)
    ? undefined
    : `${here} is ${JSON.stringify(actual)}, expected ${JSON.stringify(expected)}`;
}

// The SDK stamps a stack trace on every internal promise for its leak report; under ts-node each
// trace goes through source-map support, which made a 160-resource program take seconds. The
// recording runtime does not use the leak report, so it skips the stamp (4x faster plans).

const debuggable = require("@pulumi/pulumi/runtime/debuggable") as {
  debuggablePromise<T>(p: Promise<T>, ctx: unknown): Promise<T>;
};
debuggable.debuggablePromise = (p) => p;

// The SDK's serializer drops an input whose Output resolved to undefined, together with its
// dependencies, so the monitor never sees it. Wrap it to catch that case where it happens.

const rpc = require("@pulumi/pulumi/runtime/rpc") as {
  serializeResourceProperties(
    label: string,
    props: Record<string, unknown>,
    opts: unknown,
  ): Promise<[Record<string, unknown>, unknown]>;
};
let activeRecording: Recording | undefined;
const serializeResourceProperties = rpc.serializeResourceProperties;
rpc.serializeResourceProperties = async (label, props, opts) => {
  let result: [Record<string, unknown>, unknown];
  try {
    result = await serializeResourceProperties(label, props, opts);
  } catch (err) {
    // The SDK would only hand this to the resource's outputs, where nobody may look: the resource
    // is silently never registered. Make it a failure of the run.
    activeRecording?.failures.push(
      `${label}: an input failed to resolve: ${(err as Error)?.message ?? String(err)}`,
    );
    throw err;
  }
  const recording = activeRecording;
  if (!recording) return result;
  for (const [key, value] of Object.entries(props)) {
    if (result[0][key] !== undefined || !pulumi.Output.isInstance(value)) continue;
    const internals = value as unknown as { resources(): Set<pulumi.Resource>; isKnown: Promise<boolean> };
    const sources = [...internals.resources()].filter((r) => pulumi.CustomResource.isInstance(r));
    if (sources.length > 0 && (await internals.isKnown)) {
      const urns = await Promise.all(
        sources.map((r) => (r.urn as unknown as { promise(): Promise<string> }).promise()),
      );
      recording.failures.push(
        `${label}: input "${key}" was set from the output of ${urns.join(", ")} but resolved to undefined ` +
          `(the code reads an attribute the harness does not compute: is it a real output of that type? ` +
          `add it in components/planner/attributes/)`,
      );
    }
  }
  return result;
};

const attributeModules: readonly AttributeModule[] = ATTRIBUTE_MODULES;

function lookup<T>(key: "attributes" | "calls" | "idPrefixes" | "methods", token: string): T | undefined {
  for (const m of attributeModules) {
    const table = m[key] as Record<string, T> | undefined;
    if (table && token in table) return table[token];
  }
  return undefined;
}

/** `aws:ec2/vpc:Vpc` -> `ec2`; `aws:index/provider` -> `index`. */
function moduleOf(type: string): string {
  return type.split(":")[1]?.split("/")[0] ?? "index";
}

function genericAttributes(ctx: AttributeContext): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  const provider = ctx.type.split(":")[0];
  if (["aws", "random", "docker", "tls"].includes(provider) && ctx.inputs.name === undefined) {
    const prefix = str(ctx.inputs.namePrefix);
    out.name = prefix ? `${prefix}${ctx.hex(26)}` : `${ctx.name}-${ctx.hex(7)}`;
  }
  if (provider === "aws") {
    const kind = ctx.type.split(":")[2]?.toLowerCase() ?? "resource";
    out.arn = `arn:aws:${moduleOf(ctx.type)}:${ctx.region}:${ctx.accountId}:${kind}/${ctx.id}`;
    if (ctx.inputs.tags !== undefined) out.tagsAll = ctx.inputs.tags;
  }
  return out;
}

interface RequestLike {
  getType(): string;
  getName(): string;
  getParent(): string;
  getCustom(): boolean;
  getProvider(): string;
  getDependenciesList(): string[];
  getPropertydependenciesMap(): {
    forEach(cb: (value: { getUrnsList(): string[] }, key: string) => void): void;
  };
  getObject(): { toJavaScript(): Record<string, unknown> } | undefined;
  getProtect(): boolean;
  getRetainondelete(): boolean;
  getIgnorechangesList(): string[];
  getDeletebeforereplace(): boolean;
  getReplaceonchangesList(): string[];
  getCustomtimeouts?(): { getCreate(): string; getUpdate(): string; getDelete(): string } | undefined;
  getAliasesList(): { toObject(): unknown }[];
  getAliasurnsList(): string[];
}

/** A resource method call (`ResourceCallRequest`) as the SDK sends it. */
interface CallRequestLike {
  getTok(): string;
  getArgs(): { toJavaScript(): Record<string, unknown> } | undefined;
}

interface MonitorLike {
  call?(req: CallRequestLike, cb: (err: unknown, resp: unknown) => void): void;
  registerResource(req: RequestLike, cb: (err: unknown, resp: unknown) => void): void;
  registerStackTransform(req: { getToken(): string }, cb: (err: unknown, resp: unknown) => void): void;
  registerStackInvokeTransform(req: unknown, cb: (err: unknown, resp: unknown) => void): void;
  registerResourceOutputs(
    req: { getUrn(): string; getOutputs(): { toJavaScript(): Record<string, unknown> } | undefined },
    cb: (err: unknown, resp: unknown) => void,
  ): void;
}

/** An alias as the engine receives it: a URN, or a spec whose empty fields mean "the resource's own". */
interface AliasObject {
  urn?: string;
  spec?: {
    name?: string;
    type?: string;
    stack?: string;
    project?: string;
    parenturn?: string;
    noparent?: boolean;
  };
}

function aliasUrnOf(
  alias: AliasObject,
  own: { stack: string; project: string; parent: string; type: string; name: string },
): string {
  if (alias.urn) return alias.urn;
  const spec = alias.spec ?? {};
  const parent = spec.noparent ? "" : spec.parenturn || own.parent;
  return urnOf(
    spec.stack || own.stack,
    spec.project || own.project,
    parent,
    spec.type || own.type,
    spec.name || own.name,
  );
}

/**
 * A URN as the SDK's mock monitor builds it (the parent's last type only, the stack's type included), which is
 * how every URN of a recording reads; the engine keeps the parent's whole chain without the stack's type.
 */
function urnOf(stack: string, project: string, parent: string, type: string, name: string): string {
  let qualified = type;
  if (parent) {
    const parentType = parent.split("::")[2].split("$").pop();
    qualified = `${parentType}$${type}`;
  }
  return `urn:pulumi:${stack}::${project}::${qualified}::${name}`;
}

/**
 * Installs the mocks and the recorder. Call it before constructing any resource (in `beforeEach`).
 */
export function startRecording(options: RecordOptions = {}): Recording {
  const project = options.project ?? "toucan";
  const stack = options.stack ?? "test";
  const config = options.config ?? {};
  pulumi.runtime.setAllConfig(config, options.secretKeys ?? []);
  const region = options.region ?? config["aws:region"] ?? "us-east-1";
  const defaultRegion = region;
  const availabilityZones = options.availabilityZones ?? ["a", "b", "c"].map((s) => `${region}${s}`);
  const accountId = "123456789012";
  const preview = options.preview ?? false;
  const recording = new Recording();
  activeRecording = recording;
  const providerRegions = new Map<string, string>();

  const regionFor = (provider: string | undefined) =>
    (provider && providerRegions.get(provider.split("::").slice(0, -1).join("::"))) || region;

  const mocks: pulumi.runtime.Mocks = {
    newResource(args) {
      const inputs = unwrapWire(args.inputs) as Record<string, unknown>;
      if (args.type.startsWith("pulumi:providers:")) {
        return { id: `${args.name}-provider`, state: args.inputs };
      }
      if (!args.custom) return { id: undefined, state: {} };
      if (args.type === "pulumi:pulumi:StackReference") {
        // A read, done in previews too.
        const stackName = String(inputs.name ?? args.id);
        return {
          id: stackName,
          state: { name: stackName, outputs: options.stackOutputs?.[stackName] ?? {}, secretOutputNames: [] },
        };
      }
      if (preview) return { id: undefined, state: args.inputs };
      const seed = `${args.type}::${args.name}`;
      const hex = (n: number) => stableHex(seed, n);
      const prefix = lookup<string>("idPrefixes", args.type);
      const id = args.id || (prefix !== undefined ? `${prefix}${hex(17)}` : `${args.name}-${hex(8)}`);
      const ctx: AttributeContext = {
        type: args.type,
        name: args.name,
        inputs,
        id,
        region: regionFor(args.provider),
        accountId,
        hex,
      };
      const specific = lookup<AttributeFn>("attributes", args.type);
      const state = { ...args.inputs, ...genericAttributes(ctx), ...(specific ? specific(ctx) : {}) };
      return { id, state };
    },
    call(args) {
      const inputs = unwrapWire(args.inputs) as Record<string, unknown>;
      const region = regionFor(args.provider);
      recording.invokes.push({ token: args.token, inputs, provider: args.provider || undefined, region });
      const answer = lookup<CallFn>("calls", args.token);
      if (!answer) {
        const message = `the recording runtime has no answer for the function ${args.token}: add one in components/planner/attributes/`;
        recording.failures.push(message);
        throw new HarnessError(message);
      }
      try {
        return answer({
          token: args.token,
          inputs,
          region,
          accountId,
          // The AZs given to the recorder are the default region's; another region has its own a, b, c.
          availabilityZones:
            region === defaultRegion ? availabilityZones : ["a", "b", "c"].map((l) => `${region}${l}`),
        });
      } catch (error) {
        const message = `the recording runtime cannot answer ${args.token}(${JSON.stringify(inputs)}): ${(error as Error).message}`;
        recording.failures.push(message);
        throw new HarnessError(message);
      }
    },
  };

  // No network at plan or test time: the DocumentDB CA bundle read at deployment gets a stand-in, unless a
  // test gave its own reader.
  if (caBundleSource.read === downloadCaBundle) caBundleSource.read = async (url) => plannedCaBundle(url);
  pulumi.runtime.setMocks(mocks, project, stack, preview, options.organization ?? "organization");
  resetCallbacks();
  requireMockMonitor();

  const monitor = pulumi.runtime.getMonitor() as unknown as MonitorLike;
  const seen = new Set<string>();
  const register = monitor.registerResource.bind(monitor);
  const transforms = new TransformChain();
  const registerStackTransform = monitor.registerStackTransform.bind(monitor);
  monitor.registerStackTransform = (req, cb) => {
    transforms.addStackTransform(req.getToken());
    registerStackTransform(req, cb);
  };
  monitor.registerStackInvokeTransform = (_req, cb) => {
    const message =
      "the program registers an invoke transform (pulumi.runtime.registerInvokeTransform), which the offline " +
      "plan does not apply: its function calls would be planned untransformed";
    recording.failures.push(message);
    cb(new HarnessError(message), undefined);
  };
  monitor.registerResource = (req, cb) => {
    const urn = urnOf(stack, project, req.getParent(), req.getType(), req.getName());
    const tokens = transforms.tokensFor(urn, req as unknown as TransformableRequest);
    if (tokens.length === 0) return recordAndRegister(req, cb);
    // As the engine: the transforms run before the registration, which gets what they return.
    applyTransforms(req as unknown as TransformableRequest, tokens).then(
      () => recordAndRegister(req, cb),
      (error: unknown) => {
        const message = `${urn}: a transform failed: ${(error as Error)?.message ?? String(error)}`;
        recording.failures.push(message);
        cb(new HarnessError(message), undefined);
      },
    );
  };
  const recordAndRegister = (req: RequestLike, cb: (err: unknown, resp: unknown) => void) => {
    const type = req.getType();
    const name = req.getName();
    const parent = req.getParent();
    const urn = urnOf(stack, project, parent, type, name);
    if (seen.has(urn)) {
      recording.failures.push(`two resources share the URN ${urn}: give each child a unique name`);
    }
    seen.add(urn);
    const raw = req.getObject()?.toJavaScript() ?? {};
    const propertyDependencies: Record<string, string[]> = {};
    req.getPropertydependenciesMap().forEach((value, key) => {
      propertyDependencies[key] = value.getUrnsList();
    });
    const providerRef = req.getProvider();
    const inputs = fromWire(raw) as Record<string, unknown>;
    if (type.startsWith("pulumi:providers:") && typeof inputs.region === "string") {
      providerRegions.set(urn, inputs.region);
    }
    recording.resources.push({
      urn,
      type,
      name,
      parent: parent || undefined,
      custom: req.getCustom(),
      provider: providerRef ? providerRef.split("::").slice(0, -1).join("::") : undefined,
      dependencies: req.getDependenciesList(),
      propertyDependencies,
      inputs,
      outputs: {},
      protect: req.getProtect(),
      retainOnDelete: req.getRetainondelete(),
      ignoreChanges: req.getIgnorechangesList(),
      deleteBeforeReplace: req.getDeletebeforereplace(),
      replaceOnChanges: req.getReplaceonchangesList(),
      customTimeouts: customTimeoutsOf(req),
      aliases: [...req.getAliasurnsList(), ...req.getAliasesList().map((a) => a.toObject())],
      aliasUrns: [
        ...req.getAliasurnsList(),
        ...req
          .getAliasesList()
          .map((a) => aliasUrnOf(a.toObject() as AliasObject, { stack, project, parent, type, name })),
      ],
    });
    register(req, (err, resp) => {
      const record = recording.resources.find((r) => r.urn === urn);
      const response = resp as
        { getObject?: () => { toJavaScript(): unknown }; getId?: () => string } | undefined;
      const object = response?.getObject?.();
      if (record && object && record.custom) {
        const id = response?.getId?.();
        record.outputs = {
          ...(fromWire(object.toJavaScript()) as Record<string, unknown>),
          id: id || UNKNOWN,
        };
      }
      cb(err, resp);
    });
  };
  // Resource methods (a provider's `terraformConfig()`): the SDK's mock monitor has no answer for them.
  monitor.call = (req, cb) => {
    const token = req.getTok();
    const { __self__: selfRef, ...rest } = req.getArgs()?.toJavaScript() ?? {};
    const selfUrn = (fromWire(selfRef) as { resource?: string } | undefined)?.resource;
    const args = fromWire(rest) as Record<string, unknown>;
    const self = recording.resources.find((r) => r.urn === selfUrn);
    recording.invokes.push({
      token,
      inputs: args,
      provider: selfUrn,
      region: (selfUrn && providerRegions.get(selfUrn)) || region,
    });
    const answer = lookup<MethodFn>("methods", token);
    if (!answer || !self) {
      const message = !answer
        ? `the recording runtime has no answer for the method ${token}: add one in components/planner/attributes/`
        : `the method ${token} was called on ${String(selfUrn)}, which was not registered`;
      recording.failures.push(message);
      cb(new HarnessError(message), undefined);
      return;
    }
    let result: Record<string, unknown>;
    try {
      result = answer({ token, self: { urn: self.urn, type: self.type, inputs: self.inputs }, args });
    } catch (error) {
      const message = `the recording runtime cannot answer ${token} on ${self.urn}: ${(error as Error).message}`;
      recording.failures.push(message);
      cb(new HarnessError(message), undefined);
      return;
    }
    cb(null, {
      getFailuresList: () => [],
      getReturn: () => ({ toJavaScript: () => result }),
      getReturndependenciesMap: () => new Map(),
    });
  };
  const registerOutputs = monitor.registerResourceOutputs.bind(monitor);
  monitor.registerResourceOutputs = (req, cb) => {
    const record = recording.resources.find((r) => r.urn === req.getUrn());
    if (record) record.outputs = fromWire(req.getOutputs()?.toJavaScript() ?? {}) as Record<string, unknown>;
    registerOutputs(req, cb);
  };
  return recording;
}

/**
 * Throws unless the mock monitor is installed: without it the SDK fakes every response and a test
 * passes while nothing is recorded.
 */
/** The request's custom timeouts, only the ones set. */
function customTimeoutsOf(req: RequestLike): RecordedResource["customTimeouts"] {
  const timeouts = req.getCustomtimeouts?.();
  if (!timeouts) return undefined;
  const out = { create: timeouts.getCreate(), update: timeouts.getUpdate(), delete: timeouts.getDelete() };
  const set = Object.fromEntries(Object.entries(out).filter(([, v]) => v !== ""));
  return Object.keys(set).length > 0 ? set : undefined;
}

export function requireMockMonitor(): void {
  if (!pulumi.runtime.hasMonitor()) {
    throw new HarnessError(
      "no mock monitor is set: call startRecording() (setMocks) before building resources",
    );
  }
}

/** Waits until every registration of the program has reached the monitor, then reports failures. */
export async function settle(recording: Recording): Promise<Recording> {
  requireMockMonitor();
  await settings.waitForRPCs();
  if (recording.failures.length > 0) {
    throw new HarnessError(
      `the recording runtime caught ${recording.failures.length} problem(s):\n- ${recording.failures.join("\n- ")}`,
    );
  }
  return recording;
}

/**
 * Runs a program (a function that builds resources) inside a stack under the recording runtime and
 * waits for every registration. Returns what the function returned and the recording.
 */
export async function record<T>(
  program: () => T | Promise<T>,
  options: RecordOptions = {},
): Promise<{ result: T; recording: Recording }> {
  const recording = startRecording(options);
  let result: T | undefined;
  let failure: unknown;
  const outputs = await pulumi.runtime
    .runInPulumiStack(async () => {
      try {
        result = await program();
      } catch (err) {
        failure = err;
        throw err;
      }
      const value = result as unknown;
      return value !== null && typeof value === "object" && !pulumi.Resource.isInstance(value)
        ? (value as Record<string, unknown>)
        : undefined;
    })
    .catch((err) => {
      if (failure === undefined) failure = err;
      return undefined;
    });
  await settings.waitForRPCs().catch(() => undefined);
  // A harness failure explains a program failure it caused (e.g. an unanswered call), so it comes first.
  if (recording.failures.length > 0) await settle(recording);
  if (failure !== undefined) throw failure;
  await settle(recording);
  recording.stackOutputs = (outputs ?? {}) as Record<string, unknown>;
  return { result: result as T, recording };
}

/**
 * Runs a program that is expected to throw, and returns the error with what it had registered by then:
 * validation must fail before any resource is registered.
 */
export async function recordFailure(
  program: () => unknown,
  options: RecordOptions = {},
): Promise<{ error: Error; recording: Recording }> {
  const recording = startRecording(options);
  let error: unknown;
  await pulumi.runtime
    .runInPulumiStack(async () => {
      try {
        await program();
      } catch (err) {
        error = err;
        throw err;
      }
      return undefined;
    })
    .catch((err) => {
      if (error === undefined) error = err;
    });
  await settings.waitForRPCs().catch(() => undefined);
  if (error === undefined) throw new HarnessError("expected the program to fail, but it succeeded");
  return { error: error as Error, recording };
}

interface OutputInternals<T> {
  isKnown: Promise<boolean>;
  isSecret: Promise<boolean>;
  promise(withUnknowns?: boolean): Promise<T>;
}

/**
 * The value of an Output, in update and preview mode alike: `UNKNOWN` when preview does not know it.
 * (A `new Promise(r => o.apply(r))` helper would hang on an unknown value.)
 */
export async function valueOf<T>(input: pulumi.Input<T>): Promise<T | typeof UNKNOWN> {
  const output = pulumi.output(input) as unknown as OutputInternals<T>;
  if (!(await output.isKnown)) return UNKNOWN;
  return output.promise();
}

/** Whether an Output is marked secret. */
export async function isSecretOutput(input: pulumi.Input<unknown>): Promise<boolean> {
  return (pulumi.output(input) as unknown as OutputInternals<unknown>).isSecret;
}

export { Secret, UNKNOWN };
