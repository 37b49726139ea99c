/**
 * The frontend's runtime settings: `scripts/tc-params.js` (`window.TC_PARAMS = {...};`) and
 * `embed-params.json`, both carrying `API_BASEROUTE`, the public base URL of the backend.
 *
 * Tools in the wild read tc-params.js by stripping `window.TC_PARAMS = `, deleting every tab, newline
 * and `;`, and parsing the rest as strict JSON. So the object is written as strict JSON, and the
 * characters such a tool deletes never appear raw inside a value: JSON already escapes tabs and
 * newlines in strings; `;` is written `\u003b`. Every non-ASCII character is escaped too, so the file
 * reads the same whatever charset the browser assumes for it. Browsers and JSON.parse both turn the
 * escapes back into the original characters.
 */
import { ToucanArgumentError } from "../core/errors";

/** A JSON value, as a tc-params key can hold. */
export type JsonValue = string | number | boolean | null | JsonValue[] | { [key: string]: JsonValue };

/** Settings written to tc-params.js. */
export interface TcParams {
  /**
   * Public base URL of the backend, e.g. `https://toucan-api.example.com` or, with the backend under
   * the frontend's domain, `https://toucan.example.com/_api`. A trailing slash is removed.
   * Must be `https://`, or `http://` for localhost only.
   */
  apiBaseRoute: string;
  /** The Mixpanel project token for self-hosted analytics, written as `MIXPANEL_ANALYTICS_ID`. */
  mixpanelAnalyticsId?: string;
  /**
   * Further keys, written as given (see the vendor's frontend settings page).
   * @example { DEFAULT_LANGUAGE: "fr" }
   */
  extra?: Record<string, JsonValue>;
}

/** Where the generated files live in the frontend's document root. */
export const TC_PARAMS_PATH = "scripts/tc-params.js";
export const EMBED_PARAMS_PATH = "embed-params.json";

const COMPONENT = "StaticFrontend";
const PREFIX = "window.TC_PARAMS = ";
const RESERVED_KEYS = ["API_BASEROUTE", "MIXPANEL_ANALYTICS_ID"];

/**
 * Validates and normalises `API_BASEROUTE`: an absolute `https://` URL (or `http://` on localhost),
 * without credentials, query or fragment, and without a trailing slash (the frontend appends paths
 * starting with `/`).
 *
 * @throws ToucanArgumentError naming the value and the fix.
 */
export function normalizeApiBaseRoute(value: string, argument = "apiBaseRoute"): string {
  const fix =
    "give the backend's public URL, e.g. https://toucan-api.example.com or https://toucan.example.com/_api";
  const fail = (problem: string, fixText = fix): never => {
    throw new ToucanArgumentError(COMPONENT, argument, value, problem, fixText);
  };
  if (typeof value !== "string" || value.trim() === "") fail("must be a URL");
  if (value !== value.trim() || /\s/.test(value)) fail("must not contain whitespace");
  let url: URL;
  try {
    url = new URL(value);
  } catch {
    return fail("is not an absolute URL");
  }
  const local = ["localhost", "127.0.0.1", "[::1]"].includes(url.hostname);
  if (url.protocol === "http:" && !local) {
    fail(
      "must use https:// (browsers block an https page calling an http API)",
      `use https://${value.slice(7)}`,
    );
  }
  if (url.protocol !== "https:" && url.protocol !== "http:") fail("must be an https:// URL");
  if (url.username || url.password)
    fail("must not contain credentials (they would be public in tc-params.js)");
  if (url.search || value.includes("?")) fail("must not have a query string");
  if (url.hash || value.includes("#")) fail("must not have a fragment");
  return value.replace(/\/+$/, "");
}

/** The object behind `window.TC_PARAMS`, keys in a stable order. */
export function tcParamsObject(params: TcParams): Record<string, JsonValue> {
  const out: Record<string, JsonValue> = { API_BASEROUTE: normalizeApiBaseRoute(params.apiBaseRoute) };
  if (params.mixpanelAnalyticsId !== undefined) {
    if (typeof params.mixpanelAnalyticsId !== "string" || params.mixpanelAnalyticsId.trim() === "") {
      throw new ToucanArgumentError(
        COMPONENT,
        "mixpanelAnalyticsId",
        params.mixpanelAnalyticsId,
        "must be a non-empty string",
        "give your Mixpanel project's token, or leave it out",
      );
    }
    out.MIXPANEL_ANALYTICS_ID = params.mixpanelAnalyticsId;
  }
  for (const [key, value] of Object.entries(params.extra ?? {})) {
    if (RESERVED_KEYS.includes(key)) {
      throw new ToucanArgumentError(
        COMPONENT,
        `extra.${key}`,
        value,
        "is set by its own argument",
        key === "API_BASEROUTE" ? "use `apiBaseRoute`" : "use `mixpanelAnalyticsId`",
      );
    }
    if (key.trim() === "") {
      throw new ToucanArgumentError(COMPONENT, "extra", key, "has an empty key", "remove it");
    }
    checkJson(value, `extra.${key}`);
    out[key] = value;
  }
  return out;
}

/**
 * The content of `scripts/tc-params.js`: `window.TC_PARAMS = {...};` with strict JSON inside.
 *
 * @example
 * ```ts
 * renderTcParams({ apiBaseRoute: "https://toucan-api.example.com/" });
 * // window.TC_PARAMS = {\n  "API_BASEROUTE": "https://toucan-api.example.com"\n};\n
 * ```
 */
export function renderTcParams(params: TcParams): string {
  return `${PREFIX}${safeJson(tcParamsObject(params))};\n`;
}

/**
 * The content of `embed-params.json`: the image's own copy (when given) with `API_BASEROUTE` set, so
 * the other settings the vendor ships in it survive.
 *
 * @param base the image's embed-params.json, if any.
 */
export function renderEmbedParams(params: Pick<TcParams, "apiBaseRoute">, base?: string | Buffer): string {
  let existing: Record<string, JsonValue> = {};
  if (base !== undefined && base.toString().trim() !== "") {
    let parsed: unknown;
    try {
      parsed = JSON.parse(base.toString());
    } catch (error) {
      throw new Error(
        `embed-params.json from the image is not JSON (${(error as Error).message}); cannot set API_BASEROUTE in it`,
      );
    }
    if (parsed === null || typeof parsed !== "object" || Array.isArray(parsed)) {
      throw new Error(
        "embed-params.json from the image is not a JSON object; cannot set API_BASEROUTE in it",
      );
    }
    existing = parsed as Record<string, JsonValue>;
  }
  return `${safeJson({ ...existing, API_BASEROUTE: normalizeApiBaseRoute(params.apiBaseRoute) })}\n`;
}

/**
 * JSON.stringify (2-space indent), then `;`, U+2028/U+2029 and every non-ASCII character written as
 * `\uXXXX`. Outside strings JSON has none of these characters, so only string contents change, and
 * only in spelling.
 */
function safeJson(value: JsonValue): string {
  return JSON.stringify(value, null, 2).replace(
    /[;\u007f-\uffff]/g,
    (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, "0")}`,
  );
}

/** Rejects what JSON.stringify would silently change: undefined, NaN, Infinity, functions, cycles. */
function checkJson(value: unknown, where: string, seen: Set<unknown> = new Set()): void {
  const fail = (problem: string): never => {
    throw new ToucanArgumentError(
      COMPONENT,
      where,
      String(value),
      problem,
      "use strings, numbers, booleans, null, arrays or plain objects",
    );
  };
  if (value === null || typeof value === "string" || typeof value === "boolean") return;
  if (typeof value === "number") {
    if (!Number.isFinite(value)) fail("is not a finite number (JSON has no NaN or Infinity)");
    return;
  }
  if (typeof value !== "object") fail(`is a ${typeof value}, which JSON cannot hold`);
  if (seen.has(value)) fail("contains a cycle");
  seen.add(value);
  if (Array.isArray(value)) {
    value.forEach((item, i) => checkJson(item, `${where}[${i}]`, seen));
  } else {
    const proto = Object.getPrototypeOf(value);
    if (proto !== Object.prototype && proto !== null) fail("is not a plain object");
    for (const [k, v] of Object.entries(value as Record<string, unknown>))
      checkJson(v, `${where}.${k}`, seen);
  }
  seen.delete(value);
}
