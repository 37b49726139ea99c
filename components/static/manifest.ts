/**
 * A content-hashed list of the frontend's files with the headers each is served with. It is what the
 * S3 sync compares between releases (upload only what changed) and its digest is what tells Pulumi
 * that a deployment has something to do.
 */
import * as crypto from "crypto";
import * as fs from "fs";
import * as path from "path";
import { EMBED_PARAMS_PATH, TC_PARAMS_PATH } from "./tc-params";

/** One file of the site. */
export interface ManifestEntry {
  /** Path relative to the site root, `/`-separated, e.g. `scripts/tc-params.js`. */
  path: string;
  /** SHA-256 of the content, hex. */
  sha256: string;
  size: number;
  contentType: string;
  cacheControl: string;
}

/** The whole site: entries sorted by path, and a digest of them. */
export interface AssetManifest {
  entries: ManifestEntry[];
  /** `sha256:<hex>` over the sorted entries (paths, hashes, sizes and headers). */
  digest: string;
}

/** Options of {@link buildManifest}. */
export interface BuildManifestOptions {
  /**
   * Generated files that replace (or add to) the folder's copies, keyed by site path: typically
   * `scripts/tc-params.js` and `embed-params.json`. Pass the same map to the S3 sync.
   */
  overrides?: Record<string, string | Uint8Array>;
  /** Cache-Control for a path, when the default policy ({@link cacheControlFor}) does not fit. */
  cacheControl?: (path: string) => string | undefined;
}

/** Key prefix the sync keeps its own state under; site files may not use it. */
export const STATE_PREFIX = ".toucan/";

export const CACHE_NO_CACHE = "no-cache";
export const CACHE_IMMUTABLE = "public, max-age=31536000, immutable";
export const CACHE_DEFAULT = "public, max-age=3600";

/** Files whose name stays the same while their content changes: browsers must revalidate them. */
const ALWAYS_REVALIDATE = new Set([TC_PARAMS_PATH, EMBED_PARAMS_PATH, "tucana-version.txt"]);

const CONTENT_TYPES: Record<string, string> = {
  html: "text/html; charset=utf-8",
  htm: "text/html; charset=utf-8",
  js: "text/javascript; charset=utf-8",
  mjs: "text/javascript; charset=utf-8",
  css: "text/css; charset=utf-8",
  json: "application/json",
  map: "application/json",
  svg: "image/svg+xml",
  png: "image/png",
  jpg: "image/jpeg",
  jpeg: "image/jpeg",
  gif: "image/gif",
  webp: "image/webp",
  ico: "image/x-icon",
  woff: "font/woff",
  woff2: "font/woff2",
  ttf: "font/ttf",
  eot: "application/vnd.ms-fontobject",
  txt: "text/plain; charset=utf-8",
  xml: "application/xml",
  wasm: "application/wasm", // browsers only stream-compile wasm served with this type
  pdf: "application/pdf",
};

/** The Content-Type a file is served with, from its extension; `application/octet-stream` when unknown. */
export function contentTypeFor(filePath: string): string {
  const base = filePath.slice(filePath.lastIndexOf("/") + 1);
  const dot = base.lastIndexOf(".");
  if (dot <= 0) return "application/octet-stream";
  return CONTENT_TYPES[base.slice(dot + 1).toLowerCase()] ?? "application/octet-stream";
}

/**
 * Whether a file name carries a content hash (`app.3f9a1c2b.js`, `main-3f9a1c2b4e.chunk.js`), i.e.
 * its content can never change under that name. A segment of the name counts when it is 8+ lowercase
 * hex characters with both a digit and a letter, or 8+ base36 characters where digits and letters
 * alternate at least 3 times. Words such as `bootstrap`, `html5shiv` or `base64url` do not count: a
 * false "hash" would pin a changing file in browsers for a year, a missed one only costs revalidations.
 */
export function isFingerprinted(filePath: string): boolean {
  const base = filePath.slice(filePath.lastIndexOf("/") + 1);
  const dot = base.lastIndexOf(".");
  const stem = dot > 0 ? base.slice(0, dot) : base;
  return stem.split(/[.\-_~]/).some(isHashLike);
}

function isHashLike(segment: string): boolean {
  if (segment.length < 8) return false;
  const hasDigit = /\d/.test(segment);
  const hasLetter = /[a-z]/.test(segment);
  if (/^[0-9a-f]+$/.test(segment)) return hasDigit && hasLetter;
  if (!/^[0-9a-z]+$/.test(segment)) return false;
  let changes = 0;
  for (let i = 1; i < segment.length; i++) {
    if (/\d/.test(segment[i]) !== /\d/.test(segment[i - 1])) changes++;
  }
  return changes >= 3;
}

/**
 * Cache-Control for a site path: `no-cache` for HTML and the files edited per deployment
 * (tc-params.js, embed-params.json, tucana-version.txt); a year, immutable, for fingerprinted assets;
 * an hour otherwise.
 */
export function cacheControlFor(filePath: string): string {
  if (ALWAYS_REVALIDATE.has(filePath) || /\.html?$/i.test(filePath)) return CACHE_NO_CACHE;
  if (isFingerprinted(filePath)) return CACHE_IMMUTABLE;
  return CACHE_DEFAULT;
}

/**
 * Walks a site folder (which must hold `index.html`) and builds its manifest.
 *
 * @throws Error when the folder or its index.html is missing, or a file uses the sync's state prefix.
 * @example
 * ```ts
 * const manifest = buildManifest(dir, { overrides: { "scripts/tc-params.js": renderTcParams({ apiBaseRoute }) } });
 * ```
 */
export function buildManifest(sourceDir: string, options: BuildManifestOptions = {}): AssetManifest {
  if (!fs.existsSync(sourceDir) || !fs.statSync(sourceDir).isDirectory()) {
    throw new Error(`site folder ${sourceDir} does not exist or is not a folder`);
  }
  const overrides = normalizeOverrides(options.overrides);
  const files = walkFiles(sourceDir);
  if (!files.has("index.html") && !overrides.has("index.html")) {
    throw new Error(
      `site folder ${sourceDir} has no index.html at its root: is it the frontend's document root ` +
        `(/usr/share/nginx/html in the image)?`,
    );
  }
  const entries: ManifestEntry[] = [];
  const paths = new Set([...files.keys(), ...overrides.keys()]);
  for (const sitePath of paths) {
    if (sitePath.startsWith(STATE_PREFIX)) {
      throw new Error(
        `site file ${sitePath} is under ${STATE_PREFIX}, which the sync keeps for its own state`,
      );
    }
    const override = overrides.get(sitePath);
    const { sha256, size } = override ? hashBytes(override) : hashFile(files.get(sitePath) as string);
    entries.push({
      path: sitePath,
      sha256,
      size,
      contentType: contentTypeFor(sitePath),
      cacheControl: options.cacheControl?.(sitePath) ?? cacheControlFor(sitePath),
    });
  }
  entries.sort((a, b) => compare(a.path, b.path));
  return { entries, digest: manifestDigest(entries) };
}

/** `sha256:<hex>` of the entries in path order; independent of the order they are given in. */
export function manifestDigest(entries: readonly ManifestEntry[]): string {
  const sorted = [...entries].sort((a, b) => compare(a.path, b.path));
  const hash = crypto.createHash("sha256");
  for (const e of sorted) {
    // One JSON array per line: unambiguous whatever characters a path holds.
    hash.update(`${JSON.stringify([e.path, e.sha256, e.size, e.contentType, e.cacheControl])}\n`);
  }
  return `sha256:${hash.digest("hex")}`;
}

/** Override contents as bytes, keyed by normalised site path. */
export function normalizeOverrides(
  overrides: Record<string, string | Uint8Array> | undefined,
): Map<string, Buffer> {
  const out = new Map<string, Buffer>();
  for (const [key, value] of Object.entries(overrides ?? {})) {
    const sitePath = key.replace(/^\/+/, "");
    if (sitePath === "" || sitePath.split("/").some((s) => s === "" || s === "." || s === "..")) {
      throw new Error(
        `override path ${JSON.stringify(key)} is not a plain relative path like scripts/tc-params.js`,
      );
    }
    out.set(sitePath, typeof value === "string" ? Buffer.from(value, "utf8") : Buffer.from(value));
  }
  return out;
}

/** Regular files under `root` (following links to files), keyed by `/`-separated relative path. */
function walkFiles(root: string): Map<string, string> {
  const out = new Map<string, string>();
  const walk = (dir: string, rel: string): void => {
    for (const entry of fs.readdirSync(dir, { withFileTypes: true })) {
      const full = path.join(dir, entry.name);
      const childRel = rel ? `${rel}/${entry.name}` : entry.name;
      if (entry.isDirectory()) walk(full, childRel);
      else if (entry.isFile()) out.set(childRel, full);
      // Links to files are served as the file; links to folders are skipped, so a cycle cannot loop.
      else if (entry.isSymbolicLink() && fs.statSync(full, { throwIfNoEntry: false })?.isFile())
        out.set(childRel, full);
    }
  };
  walk(root, "");
  return out;
}

function hashFile(file: string): { sha256: string; size: number } {
  return hashBytes(fs.readFileSync(file));
}

function hashBytes(bytes: Buffer): { sha256: string; size: number } {
  return { sha256: crypto.createHash("sha256").update(bytes).digest("hex"), size: bytes.length };
}

/** Code-unit order: the same on every machine and locale. */
function compare(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}
