/**
 * Extracts the frontend's static files from its container image, straight from the registry: the
 * vendor's FAQ does it with `docker run ... cp -r /usr/share/nginx/html`, which needs a Docker engine
 * that CI runners and laptops running `pulumi up` often lack. This reads the image's layers over the
 * OCI distribution API and applies them in order, whiteouts included, keeping only the files under a
 * path prefix. Results are cached by manifest digest, so a second run fetches no layer.
 */
import * as crypto from "crypto";
import * as fs from "fs";
import * as path from "path";
import { Readable } from "stream";
import { pipeline } from "stream/promises";
import * as zlib from "zlib";
import { ImageRef, formatImageRef, manifestReference, parseImageRef } from "../core/image-ref";
import { Descriptor, FetchedManifest, MEDIA_TYPES, RegistryClient, RegistryOptions } from "./registry";
import { TarFormatError, readTar } from "./tar";

export { RegistryClient, RegistryError } from "./registry";
export type { RegistryCredentials, RegistryOptions } from "./registry";

/** Where nginx-based frontend images keep their static files. */
export const DEFAULT_ASSET_PREFIX = "/usr/share/nginx/html";

/** An image platform, as in an OCI index. */
export interface Platform {
  os: string;
  architecture: string;
  variant?: string;
}

/** Options of {@link extractImageFiles}. */
export interface ExtractImageFilesOptions extends RegistryOptions {
  /** The image, e.g. `quay.io/toucantoco/frontend:v100.5.1`, or an already parsed reference. */
  image: string | ImageRef;
  /**
   * Absolute path in the image whose files are extracted.
   * @default "/usr/share/nginx/html"
   */
  prefix?: string;
  /**
   * Where extracted files are cached, one folder per manifest digest.
   * @default "<current directory>/.cache/toucan-frontend"
   */
  cacheDir?: string;
  /**
   * A folder to copy the files into; it must be empty or absent. Without it, read them from the
   * returned `dir` (a cache folder: do not modify it).
   */
  destDir?: string;
  /**
   * The platform picked from a multi-platform image.
   * @default linux/amd64
   */
  platform?: Platform;
}

/** A file under the prefix that was not extracted, and why. */
export interface SkippedEntry {
  path: string;
  reason: string;
}

/** What {@link extractImageFiles} produced. */
export interface ExtractedImage {
  /** Digest of the image manifest the files come from (the platform's, for a multi-platform image). */
  digest: string;
  /** The folder holding the files: `destDir` when given, else the cache folder. */
  dir: string;
  /** Paths of the extracted files relative to `dir`, `/`-separated, sorted. */
  files: string[];
  /** True when no layer was downloaded because the cache had this digest. */
  fromCache: boolean;
  /** Entries under the prefix that could not be written as files (e.g. symlinks leading outside). */
  skipped: SkippedEntry[];
}

const WORK_DIR_PREFIX = ".work-";
const STALE_WORK_DIR_MS = 24 * 3600 * 1000;

/** Extraction failed for a reason other than the network: bad prefix, unsupported image, no files. */
export class ImageExtractionError extends Error {
  constructor(message: string) {
    super(message);
    this.name = "ImageExtractionError";
  }
}

/**
 * Extracts the files under `prefix` from an image in a registry, without a Docker engine.
 *
 * @example
 * ```ts
 * const { dir, files } = await extractImageFiles({ image: "quay.io/toucantoco/frontend:v100.5.1" });
 * ```
 */
export async function extractImageFiles(options: ExtractImageFilesOptions): Promise<ExtractedImage> {
  const ref = typeof options.image === "string" ? parseImageRef(options.image) : options.image;
  const prefix = normalizePrefix(options.prefix ?? DEFAULT_ASSET_PREFIX);
  const platform = options.platform ?? { os: "linux", architecture: "amd64" };
  const cacheDir = path.resolve(options.cacheDir ?? path.join(process.cwd(), ".cache", "toucan-frontend"));
  const log = options.log ?? (() => undefined);
  if (options.destDir !== undefined) assertEmptyOrAbsent(options.destDir);

  // A digest-pinned image needs no network at all once cached (e.g. `pulumi preview` offline).
  if (ref.digest) {
    const known = await readAlias(cacheDir, ref.digest, platform);
    const entry = known && cacheEntryDir(cacheDir, known, prefix);
    if (entry && fs.existsSync(entry)) return finish(known, entry, true, options.destDir);
  }

  const client = new RegistryClient(ref, options);
  try {
    const top = await client.getManifest(manifestReference(ref));
    const manifest = await resolvePlatform(client, top, platform, ref);
    if (ref.digest) await writeAlias(cacheDir, ref.digest, platform, manifest.digest);
    const entry = cacheEntryDir(cacheDir, manifest.digest, prefix);
    if (fs.existsSync(entry)) {
      log(`${manifest.digest}: cached in ${entry}`);
      return finish(manifest.digest, entry, true, options.destDir);
    }
    const layers = manifest.json.layers ?? [];
    log(`${formatImageRef(ref)}: ${manifest.digest}, ${layers.length} layers`);
    await extractToCache(client, layers, prefix, entry, ref, log);
    return finish(manifest.digest, entry, false, options.destDir);
  } finally {
    client.close();
  }
}

function finish(digest: string, entry: string, fromCache: boolean, destDir?: string): ExtractedImage {
  const skipped = readSkipped(entry);
  const files = listFiles(entry);
  if (destDir === undefined) return { digest, dir: entry, files, fromCache, skipped };
  fs.mkdirSync(destDir, { recursive: true });
  for (const file of files) {
    const target = path.join(destDir, ...file.split("/"));
    fs.mkdirSync(path.dirname(target), { recursive: true });
    fs.copyFileSync(path.join(entry, ...file.split("/")), target);
  }
  return { digest, dir: path.resolve(destDir), files, fromCache, skipped };
}

/** Picks the platform's manifest out of an index; a plain manifest is used as is. */
async function resolvePlatform(
  client: RegistryClient,
  top: FetchedManifest,
  platform: Platform,
  ref: ImageRef,
): Promise<FetchedManifest> {
  const isIndex =
    top.mediaType === MEDIA_TYPES.ociIndex ||
    top.mediaType === MEDIA_TYPES.dockerList ||
    (top.json.manifests !== undefined && top.json.layers === undefined);
  if (!isIndex) return checkImageManifest(top, ref);

  const candidates = (top.json.manifests ?? []).filter(
    (d) => d.platform === undefined || d.platform.os !== "unknown", // skip build attestations
  );
  const match =
    candidates.find(
      (d) =>
        d.platform?.os === platform.os &&
        d.platform?.architecture === platform.architecture &&
        (platform.variant === undefined || d.platform?.variant === platform.variant),
    ) ?? (candidates.length === 1 && candidates[0].platform === undefined ? candidates[0] : undefined);
  if (!match) {
    const available = candidates.map((d) =>
      d.platform
        ? [d.platform.os, d.platform.architecture, d.platform.variant].filter(Boolean).join("/")
        : "?",
    );
    throw new ImageExtractionError(
      `${formatImageRef(ref)} has no ${platform.os}/${platform.architecture}${platform.variant ? `/${platform.variant}` : ""} image` +
        ` (it has: ${available.join(", ") || "none"}); pass \`platform\` to pick another`,
    );
  }
  const manifest = await client.getManifest(match.digest);
  return checkImageManifest(manifest, ref);
}

function checkImageManifest(manifest: FetchedManifest, ref: ImageRef): FetchedManifest {
  if (manifest.json.schemaVersion === 1 || manifest.mediaType.includes("prettyjws")) {
    throw new ImageExtractionError(
      `${formatImageRef(ref)} uses the retired Docker schema 1 manifest; push it again with a current tool`,
    );
  }
  if (!Array.isArray(manifest.json.layers)) {
    throw new ImageExtractionError(
      `${formatImageRef(ref)}: manifest ${manifest.digest} (${manifest.mediaType}) lists no layers`,
    );
  }
  return manifest;
}

/** A file, directory or symlink of the merged file system, below the prefix only. */
type Node = { kind: "file"; spool: string } | { kind: "directory" } | { kind: "symlink"; target: string };

interface LayerChanges {
  /** Whiteouts: paths (absolute, normalised) removed from the layers below. */
  removed: string[];
  /** Opaque directories: everything from the layers below inside them is hidden. */
  opaque: string[];
  /** What the layer adds, in archive order (a later entry for the same path wins). */
  added: Map<string, Node>;
}

async function extractToCache(
  client: RegistryClient,
  layers: Descriptor[],
  prefix: string,
  entry: string,
  ref: ImageRef,
  log: (message: string) => void,
): Promise<void> {
  fs.mkdirSync(path.dirname(entry), { recursive: true });
  removeStaleWorkDirs(path.dirname(entry));
  const work = fs.mkdtempSync(path.join(path.dirname(entry), WORK_DIR_PREFIX));
  try {
    // Download up to 3 layers at a time while applying them strictly in order.
    const downloads: Promise<string>[] = [];
    let started = 0;
    const startNext = (): void => {
      if (started >= layers.length) return;
      const index = started++;
      const file = path.join(work, `layer-${index}`);
      const layer = layers[index];
      checkLayerMediaType(layer, ref);
      downloads[index] = client.downloadBlob(layer, file).then(() => file);
      downloads[index].catch(() => undefined); // observed below; avoid an unhandled rejection meanwhile
    };
    for (let i = 0; i < 3; i++) startNext();

    const merged = new Map<string, Node>();
    const seenIndexHtml: string[] = [];
    let spoolCount = 0;
    for (let index = 0; index < layers.length; index++) {
      const file = await downloads[index];
      startNext();
      log(`layer ${index + 1}/${layers.length} ${layers[index].digest}`);
      const label = `layer ${index + 1} (${layers[index].digest})`;
      const changes = await readLayer(file, label, prefix, work, () => spoolCount++, seenIndexHtml);
      applyLayer(merged, changes, prefix);
      fs.rmSync(file, { force: true });
    }
    await Promise.allSettled(downloads);

    const staging = path.join(work, "out");
    const { files, skipped } = writeMerged(merged, prefix, staging);
    if (files === 0) {
      const prefixNode = merged.get(prefix);
      const hint =
        prefixNode?.kind === "symlink"
          ? `; ${prefix} is a symlink to ${prefixNode.target}: pass that as \`prefix\``
          : seenIndexHtml.length > 0
            ? `; index.html files exist at ${seenIndexHtml.slice(0, 5).join(", ")}: pass their folder as \`prefix\``
            : "";
      throw new ImageExtractionError(`${formatImageRef(ref)} has no files under ${prefix}${hint}`);
    }
    // Beside the folder, not in it: the folder must hold the image's files and nothing else.
    fs.writeFileSync(skippedFile(entry), JSON.stringify(skipped, null, 2));
    try {
      // Atomic: a cache folder either holds a complete extraction or does not exist.
      fs.renameSync(staging, entry);
    } catch (error) {
      // Another process finished the same digest first; its copy is as good as ours.
      if (!fs.existsSync(entry)) throw error;
    }
  } finally {
    fs.rmSync(work, { recursive: true, force: true });
  }
}

/** Work folders left by an interrupted run (e.g. Ctrl-C during `pulumi up`). */
function removeStaleWorkDirs(cacheDir: string): void {
  const cutoff = Date.now() - STALE_WORK_DIR_MS;
  for (const name of fs.readdirSync(cacheDir)) {
    if (!name.startsWith(WORK_DIR_PREFIX)) continue;
    const dir = path.join(cacheDir, name);
    const stat = fs.statSync(dir, { throwIfNoEntry: false });
    // Old enough that no live extraction can still be using it.
    if (stat && stat.mtimeMs < cutoff) fs.rmSync(dir, { recursive: true, force: true });
  }
}

function checkLayerMediaType(layer: Descriptor, ref: ImageRef): void {
  if (/zstd/.test(layer.mediaType ?? "")) {
    throw new ImageExtractionError(
      `${formatImageRef(ref)}: layer ${layer.digest} is zstd-compressed, which is not supported; use a gzip image`,
    );
  }
}

/** Reads one layer file (gzip or plain tar), spooling the files under the prefix. */
async function readLayer(
  file: string,
  label: string,
  prefix: string,
  work: string,
  nextSpool: () => number,
  seenIndexHtml: string[],
): Promise<LayerChanges> {
  const changes: LayerChanges = { removed: [], opaque: [], added: new Map() };
  const magic = Buffer.alloc(4);
  const fd = fs.openSync(file, "r");
  const magicLength = fs.readSync(fd, magic, 0, 4, 0);
  fs.closeSync(fd);
  if (magicLength === 4 && magic.readUInt32BE(0) === 0x28b52ffd) {
    throw new ImageExtractionError(`${label} is zstd-compressed, which is not supported; use a gzip image`);
  }
  const raw = fs.createReadStream(file);
  const gzipped = magicLength >= 2 && magic[0] === 0x1f && magic[1] === 0x8b;
  const source: Readable = gzipped ? raw.pipe(zlib.createGunzip()) : raw;
  if (gzipped) raw.on("error", (error) => source.destroy(error));
  try {
    await readEntries(source, prefix, work, nextSpool, seenIndexHtml, changes);
  } catch (error) {
    if (error instanceof TarFormatError || (error as NodeJS.ErrnoException).code?.startsWith("Z_")) {
      throw new ImageExtractionError(
        `${label} is not a valid ${gzipped ? "gzip'd " : ""}tar: ${(error as Error).message}`,
      );
    }
    throw error;
  } finally {
    // Closes the file even when reading stopped half-way.
    raw.destroy();
    source.destroy();
  }
  return changes;
}

async function readEntries(
  source: Readable,
  prefix: string,
  work: string,
  nextSpool: () => number,
  seenIndexHtml: string[],
  changes: LayerChanges,
): Promise<void> {
  const under = (p: string): boolean => p === prefix || p.startsWith(prefix === "/" ? "/" : `${prefix}/`);
  const affects = (p: string): boolean => under(p) || isAncestor(p, prefix);

  for await (const { entry, content } of readTar(source)) {
    const full = normalizeEntryPath(entry.path);
    if (full === undefined) continue; // `..` escapes: never trust them
    const base = path.posix.basename(full);
    const dir = path.posix.dirname(full);
    if (base === ".wh..wh..opq") {
      if (affects(dir)) changes.opaque.push(dir);
      continue;
    }
    if (base.startsWith(".wh.")) {
      const target = path.posix.join(dir, base.slice(4));
      if (affects(target)) changes.removed.push(target);
      continue;
    }
    if (!under(full)) {
      if (base === "index.html" && entry.type === "file" && seenIndexHtml.length < 20)
        seenIndexHtml.push(dir);
      // A file or link replacing an ancestor of the prefix hides everything below it.
      if (isAncestor(full, prefix) && entry.type !== "directory") changes.removed.push(full);
      continue;
    }
    switch (entry.type) {
      case "directory":
        changes.added.set(full, { kind: "directory" });
        break;
      case "symlink":
        changes.added.set(full, { kind: "symlink", target: entry.linkTarget });
        break;
      case "hardlink": {
        const target = normalizeEntryPath(entry.linkTarget);
        const node = target === undefined ? undefined : changes.added.get(target);
        // Usually into this layer (tar writes the first copy before its links); a link into a
        // lower layer is resolved at the end, like a symlink.
        if (node?.kind === "file") changes.added.set(full, node);
        else changes.added.set(full, { kind: "symlink", target: target ?? entry.linkTarget });
        break;
      }
      case "file": {
        const spool = path.join(work, `f${nextSpool()}`);
        await pipeline(Readable.from(content), fs.createWriteStream(spool));
        changes.added.set(full, { kind: "file", spool });
        break;
      }
      default:
        break; // devices and FIFOs have no place among static files
    }
  }
}

/** Applies one layer over the layers below it, per the OCI image spec's whiteout rules. */
function applyLayer(merged: Map<string, Node>, changes: LayerChanges, prefix: string): void {
  // Whiteouts and opaque markers hide the lower layers only, never entries of the same layer.
  for (const dir of changes.opaque) removeTree(merged, dir, false);
  for (const removed of changes.removed) removeTree(merged, removed, true);
  for (const [p, node] of changes.added) {
    const existing = merged.get(p);
    if (node.kind !== "directory" || (existing && existing.kind !== "directory")) removeTree(merged, p, true);
    // A new entry under a path that was a file or link below replaces it by a directory.
    for (let parent = path.posix.dirname(p); parent.length >= prefix.length && parent !== p;) {
      const above = merged.get(parent);
      if (above && above.kind !== "directory") merged.delete(parent);
      const next = path.posix.dirname(parent);
      if (next === parent) break;
      parent = next;
    }
    merged.set(p, node);
  }
}

/** Removes `p`'s descendants, and `p` itself when `self`; `p` may also be an ancestor of every key. */
function removeTree(merged: Map<string, Node>, p: string, self: boolean): void {
  const inside = p === "/" ? "/" : `${p}/`;
  for (const key of [...merged.keys()]) {
    if ((self && key === p) || key.startsWith(inside)) merged.delete(key);
  }
}

/** Writes the merged files into `staging`, copying symlinks that lead to a file under the prefix. */
function writeMerged(
  merged: Map<string, Node>,
  prefix: string,
  staging: string,
): { files: number; skipped: SkippedEntry[] } {
  fs.mkdirSync(staging, { recursive: true });
  const skipped: SkippedEntry[] = [];
  let files = 0;
  const prefixLength = prefix === "/" ? 1 : prefix.length + 1;
  for (const [p, node] of [...merged.entries()].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))) {
    if (node.kind === "directory" || p === prefix) continue;
    const relative = p.slice(prefixLength);
    let spool: string | undefined;
    if (node.kind === "file") {
      spool = node.spool;
    } else {
      const resolved = resolveLink(merged, p, prefix);
      if (typeof resolved === "string") {
        skipped.push({ path: relative, reason: resolved });
        continue;
      }
      spool = resolved.spool;
    }
    const target = path.join(staging, ...relative.split("/"));
    fs.mkdirSync(path.dirname(target), { recursive: true });
    fs.copyFileSync(spool, target);
    files++;
  }
  return { files, skipped };
}

/** Follows a symlink (or an unresolved hard link) to a file under the prefix, or says why it cannot. */
function resolveLink(merged: Map<string, Node>, start: string, prefix: string): { spool: string } | string {
  let current = start;
  for (let hops = 0; hops < 16; hops++) {
    const node = merged.get(current);
    if (node === undefined) return `link to ${current}, which is outside ${prefix} or missing`;
    if (node.kind === "file") return { spool: node.spool };
    if (node.kind === "directory") return `link to the directory ${current} (only links to files are copied)`;
    const target = node.target.startsWith("/")
      ? path.posix.normalize(node.target)
      : path.posix.join(path.posix.dirname(current), node.target);
    current = target;
  }
  return "too many levels of symbolic links";
}

/** `./usr/share/x`, `usr/share/x/`, `/usr//share/x` -> `/usr/share/x`; undefined when it escapes the root. */
function normalizeEntryPath(raw: string): string | undefined {
  const normalized = path.posix.normalize(`/${raw}`);
  if (normalized.split("/").includes("..")) return undefined;
  return normalized.length > 1 ? normalized.replace(/\/+$/, "") : normalized;
}

function isAncestor(candidate: string, of: string): boolean {
  return candidate !== of && (candidate === "/" || of.startsWith(`${candidate}/`));
}

function normalizePrefix(prefix: string): string {
  if (!prefix.startsWith("/")) {
    throw new ImageExtractionError(
      `prefix ${JSON.stringify(prefix)} must be an absolute path in the image, e.g. ${DEFAULT_ASSET_PREFIX}`,
    );
  }
  const normalized = normalizeEntryPath(prefix);
  if (normalized === undefined)
    throw new ImageExtractionError(`prefix ${JSON.stringify(prefix)} leaves the image's root`);
  return normalized;
}

function cacheEntryDir(cacheDir: string, digest: string, prefix: string): string {
  const key = digest.replace(":", "-");
  if (prefix === DEFAULT_ASSET_PREFIX) return path.join(cacheDir, key);
  const prefixKey = crypto.createHash("sha256").update(prefix).digest("hex").slice(0, 12);
  return path.join(cacheDir, `${key}-${prefixKey}`);
}

function aliasFile(cacheDir: string, digest: string, platform: Platform): string {
  const platformKey = [platform.os, platform.architecture, platform.variant].filter(Boolean).join("-");
  return path.join(cacheDir, "refs", `${digest.replace(":", "-")}-${platformKey}`);
}

/** A pinned digest may name an index; remember which platform manifest it led to. */
async function writeAlias(
  cacheDir: string,
  digest: string,
  platform: Platform,
  manifestDigest: string,
): Promise<void> {
  const file = aliasFile(cacheDir, digest, platform);
  await fs.promises.mkdir(path.dirname(file), { recursive: true });
  const temp = `${file}.${process.pid}.${crypto.randomBytes(4).toString("hex")}`;
  await fs.promises.writeFile(temp, manifestDigest);
  await fs.promises.rename(temp, file);
}

async function readAlias(cacheDir: string, digest: string, platform: Platform): Promise<string | undefined> {
  try {
    const text = (await fs.promises.readFile(aliasFile(cacheDir, digest, platform), "utf8")).trim();
    return /^sha(256|512):[a-f0-9]+$/.test(text) ? text : undefined;
  } catch {
    return undefined;
  }
}

function skippedFile(entry: string): string {
  return `${entry}.skipped.json`;
}

function readSkipped(entry: string): SkippedEntry[] {
  try {
    return JSON.parse(fs.readFileSync(skippedFile(entry), "utf8")) as SkippedEntry[];
  } catch {
    return [];
  }
}

function assertEmptyOrAbsent(dir: string): void {
  if (!fs.existsSync(dir)) return;
  if (!fs.statSync(dir).isDirectory()) throw new ImageExtractionError(`destDir ${dir} is not a folder`);
  if (fs.readdirSync(dir).length > 0) {
    throw new ImageExtractionError(
      `destDir ${dir} is not empty; files from another image would mix with this one: pass an empty or new folder`,
    );
  }
}

/** Every regular file under `root`, as sorted `/`-separated relative paths. */
export function listFiles(root: string): string[] {
  const out: string[] = [];
  const walk = (dir: string, rel: string): void => {
    for (const entry of fs.readdirSync(dir, { withFileTypes: true })) {
      const childRel = rel ? `${rel}/${entry.name}` : entry.name;
      if (entry.isDirectory()) walk(path.join(dir, entry.name), childRel);
      else if (entry.isFile()) out.push(childRel);
    }
  };
  walk(root, "");
  return out.sort((a, b) => (a < b ? -1 : a > b ? 1 : 0));
}
