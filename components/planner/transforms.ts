/**
 * Pulumi's engine-side transforms under the recording runtime: the `transforms` resource option and stack
 * transforms (`pulumi.runtime.registerResourceTransform`, `registerStackTransform`). The engine, not the SDK,
 * applies them; the SDK's mock monitor hands them to the mocks and stops there, so a bare mock runtime
 * silently ignores them. This does what the engine does: before a resource registers, it runs the resource's
 * own transforms, then its parents' (nearest first), then the stack's, each through the SDK's own callback
 * (the same conversion of inputs and options as a real deployment), and registers what they return.
 *
 * Invoke transforms (`registerInvokeTransform`) are not applied: a program that registers one is refused.
 */
import * as resproto from "@pulumi/pulumi/proto/resource_pb";

type Callback = (request: Uint8Array) => Promise<{ serializeBinary(): Uint8Array }>;

const settings = require("@pulumi/pulumi/runtime/settings") as {
  getCallbacks(): { _callbacks?: Map<string, Callback>; shutdown?(): void } | undefined;
};
const state = require("@pulumi/pulumi/runtime/state") as {
  getStore(): { callbacks?: { shutdown?(): void } };
};

/**
 * Forgets the callback server of a previous recording: it talks to that recording's monitor. The SDK makes a
 * new one, for the current monitor, at the next transform.
 */
export function resetCallbacks(): void {
  const store = state.getStore();
  store.callbacks?.shutdown?.();
  store.callbacks = undefined;
}

/** The parts of a RegisterResourceRequest a transform reads and writes. */
export type TransformableRequest = resproto.RegisterResourceRequest;

/** The transforms that apply to each resource, as the engine tracks them. */
export class TransformChain {
  private readonly own = new Map<string, string[]>();
  private readonly parents = new Map<string, string>();
  private readonly stack: string[] = [];

  /** A stack transform (`registerResourceTransform`): applies to every resource registered after it. */
  addStackTransform(token: string): void {
    this.stack.push(token);
  }

  /** The tokens to run for a registration, in the engine's order; remembers its own for its children. */
  tokensFor(urn: string, req: TransformableRequest): string[] {
    const own = req.getTransformsList().map((t) => t.getToken());
    const parent = req.getParent();
    this.own.set(urn, own);
    if (parent) this.parents.set(urn, parent);
    const tokens = [...own];
    for (let p = parent; p; p = this.parents.get(p) ?? "") tokens.push(...(this.own.get(p) ?? []));
    return [...tokens, ...this.stack];
  }
}

function optionsOf(req: TransformableRequest): resproto.TransformResourceOptions {
  const o = new resproto.TransformResourceOptions();
  o.setDependsOnList(req.getDependenciesList());
  const protect = req.getProtect();
  if (protect !== undefined) o.setProtect(protect);
  o.setIgnoreChangesList(req.getIgnorechangesList());
  o.setReplaceOnChangesList(req.getReplaceonchangesList());
  o.setVersion(req.getVersion());
  o.setAliasesList(req.getAliasesList());
  o.setProvider(req.getProvider());
  const timeouts = req.getCustomtimeouts();
  if (timeouts) o.setCustomTimeouts(timeouts);
  o.setPluginDownloadUrl(req.getPlugindownloadurl());
  const retain = req.getRetainondelete();
  if (retain !== undefined) o.setRetainOnDelete(retain);
  o.setDeletedWith(req.getDeletedwith());
  o.setDeleteBeforeReplace(req.getDeletebeforereplace());
  o.setAdditionalSecretOutputsList(req.getAdditionalsecretoutputsList());
  o.setImport(req.getImportid());
  req.getProvidersMap().forEach((value: string, key: string) => o.getProvidersMap().set(key, value));
  return o;
}

function applyOptions(req: TransformableRequest, o: resproto.TransformResourceOptions): void {
  req.setDependenciesList(o.getDependsOnList());
  const protect = o.getProtect();
  if (protect !== undefined) req.setProtect(protect);
  else req.clearProtect();
  req.setIgnorechangesList(o.getIgnoreChangesList());
  req.setReplaceonchangesList(o.getReplaceOnChangesList());
  req.setVersion(o.getVersion());
  req.setAliasesList(o.getAliasesList());
  req.setProvider(o.getProvider());
  req.setCustomtimeouts(o.getCustomTimeouts());
  req.setPlugindownloadurl(o.getPluginDownloadUrl());
  const retain = o.getRetainOnDelete();
  if (retain !== undefined) req.setRetainondelete(retain);
  else req.clearRetainondelete();
  req.setDeletedwith(o.getDeletedWith());
  req.setDeletebeforereplace(o.getDeleteBeforeReplace() ?? false);
  req.setAdditionalsecretoutputsList(o.getAdditionalSecretOutputsList());
  req.setImportid(o.getImport());
  req.getProvidersMap().clear();
  o.getProvidersMap().forEach((value: string, key: string) => req.getProvidersMap().set(key, value));
}

/** Runs the transforms on a registration, in order, and writes what they return into it. */
export async function applyTransforms(req: TransformableRequest, tokens: string[]): Promise<void> {
  const callbacks = settings.getCallbacks()?._callbacks;
  for (const token of tokens) {
    const callback = callbacks?.get(token);
    if (!callback) {
      throw new Error(
        `${req.getType()} "${req.getName()}": a transform is registered but the recording runtime cannot reach it ` +
          `(the SDK's callback server has no token ${token})`,
      );
    }
    const request = new resproto.TransformRequest();
    request.setType(req.getType());
    request.setName(req.getName());
    request.setCustom(req.getCustom());
    request.setParent(req.getParent());
    const object = req.getObject();
    if (object) request.setProperties(object);
    request.setOptions(optionsOf(req));
    const response = resproto.TransformResponse.deserializeBinary(
      (await callback(request.serializeBinary())).serializeBinary(),
    );
    const properties = response.getProperties();
    if (properties) req.setObject(properties);
    const options = response.getOptions();
    if (options) applyOptions(req, options);
  }
}
