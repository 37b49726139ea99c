/**
 * How the recording runtime represents values that are not plain JSON: secrets, unknowns (preview),
 * assets and resource references. Recorded inputs keep secrets wrapped so tests can assert secretness;
 * the plan output replaces them with a marker so their values are never printed.
 */

/** Marker recorded for a value that is unknown during preview. */
export const UNKNOWN = "<unknown>";
/** Marker written to plan output in place of a secret value. */
export const SECRET_MARKER = "[secret]";

/** A secret input value, as the engine would receive it. */
export class Secret {
  constructor(readonly value: unknown) {}
}

// Wire-format signatures of the Pulumi RPC protocol (see @pulumi/pulumi/runtime/rpc).
const SIG_KEY = "4dabf18193072939515e22adb298388d";
const SECRET_SIG = "1b47061264138c4ac30d75fd1eb44270";
const ASSET_SIG = "c44067f5952c0a294b673a41bacd8c17";
const ARCHIVE_SIG = "0def7320c3a5731c473e5ecbe6d01bc7";
const RESOURCE_SIG = "5cf8f73096256a8f31e491e813e4eb8e";
const UNKNOWN_WIRE = "04da6b54-80e4-46f7-96ec-b56ff0331ba9";

export function isSecret(value: unknown): value is Secret {
  return value instanceof Secret;
}

/** Wraps a value the way the engine marks secrets, for mock state. */
export function wireSecret(value: unknown): Record<string, unknown> {
  return { [SIG_KEY]: SECRET_SIG, value };
}

/** Converts a serialized (wire) property value into the recorded form. */
export function fromWire(value: unknown): unknown {
  if (value === UNKNOWN_WIRE) return UNKNOWN;
  if (Array.isArray(value)) {
    const items = value.map(fromWire);
    return items;
  }
  if (value !== null && typeof value === "object") {
    const obj = value as Record<string, unknown>;
    const sig = obj[SIG_KEY];
    if (sig === SECRET_SIG) return new Secret(fromWire(obj.value));
    if (sig === ASSET_SIG) return { asset: obj.path ?? obj.text ?? obj.uri };
    if (sig === ARCHIVE_SIG) return { archive: obj.path ?? obj.uri ?? Object.keys(obj.assets ?? {}) };
    if (sig === RESOURCE_SIG) return { resource: obj.urn };
    const out: Record<string, unknown> = {};
    for (const [k, v] of Object.entries(obj)) out[k] = fromWire(v);
    return out;
  }
  return value;
}

/** Strips secret wrappers (for tests that want the plain value). */
export function reveal(value: unknown): unknown {
  if (value instanceof Secret) return reveal(value.value);
  if (Array.isArray(value)) return value.map(reveal);
  if (value !== null && typeof value === "object") {
    const out: Record<string, unknown> = {};
    for (const [k, v] of Object.entries(value as Record<string, unknown>)) out[k] = reveal(v);
    return out;
  }
  return value;
}

/** Replaces every secret with a marker: the form written to plan output. */
export function redact(value: unknown): unknown {
  if (value instanceof Secret) return SECRET_MARKER;
  if (Array.isArray(value)) return value.map(redact);
  if (value !== null && typeof value === "object") {
    const out: Record<string, unknown> = {};
    for (const [k, v] of Object.entries(value as Record<string, unknown>)) out[k] = redact(v);
    return out;
  }
  return value;
}

/** Unwraps engine-side secret signatures in mock inputs, returning plain values. */
export function unwrapWire(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(unwrapWire);
  if (value !== null && typeof value === "object") {
    const obj = value as Record<string, unknown>;
    if (obj[SIG_KEY] === SECRET_SIG) return unwrapWire(obj.value);
    const out: Record<string, unknown> = {};
    for (const [k, v] of Object.entries(obj)) out[k] = unwrapWire(v);
    return out;
  }
  return value;
}
