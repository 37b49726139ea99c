/**
 * Publishes a site folder to S3 the way a CDN-fronted single-page app needs it:
 *
 * - only files whose content (or headers) changed are uploaded, found by comparing manifests, not by
 *   reading objects back: the previous release's manifest is kept in the bucket next to the site;
 * - assets go first, entry points last (config files, then HTML, then `index.html`), so a browser that
 *   gets the new `index.html` never asks for an asset that is not there yet;
 * - files of earlier releases stay for a grace period after a release drops them, so pages loaded
 *   before the release can still lazy-load their old chunks; a later release deletes them.
 */
import { CreateInvalidationCommand, CreateInvalidationCommandOutput } from "@aws-sdk/client-cloudfront";
import { DeleteObjectsCommand, GetObjectCommand, PutObjectCommand, S3Client } from "@aws-sdk/client-s3";
import * as crypto from "crypto";
import * as fs from "fs";
import * as path from "path";
import { AssetManifest, ManifestEntry, STATE_PREFIX, normalizeOverrides } from "./manifest";
import { EMBED_PARAMS_PATH, TC_PARAMS_PATH } from "./tc-params";

/** Key of the sync's state object, relative to the site prefix. */
export const STATE_KEY = `${STATE_PREFIX}manifest.json`;

/** A release: the manifest that was published and when. */
export interface Release {
  manifest: AssetManifest;
  releasedAt: Date | string;
}

/** A file a release dropped, kept until the grace period after `supersededAt` has passed. */
export interface RetiredFile {
  path: string;
  supersededAt: string;
}

/** What the sync stores at {@link STATE_KEY}. */
export interface SyncState {
  version: 1;
  manifest: AssetManifest;
  releasedAt: string;
  retired: RetiredFile[];
}

/** Options of {@link syncToS3}. */
export interface SyncOptions {
  client: S3Client;
  bucket: string;
  /**
   * Key prefix of the site in the bucket, e.g. `frontend/`.
   * @default "" (the bucket's root)
   */
  prefix?: string;
  /** Folder holding the site's files (e.g. the folder extracted from the image). */
  sourceDir: string;
  /** The manifest of `sourceDir` (with `overrides`), from `buildManifest`. */
  manifest: AssetManifest;
  /** The same generated files given to `buildManifest`; they are uploaded instead of the folder's copies. */
  overrides?: Record<string, string | Uint8Array>;
  /**
   * Earlier releases, when the caller keeps them (e.g. in Pulumi state). Without it the state stored
   * in the bucket is used, which is the normal case.
   */
  previous?: Release[];
  /** Seconds a file dropped by a release stays in the bucket, for pages loaded before the release. */
  gracePeriodSeconds: number;
  /**
   * The time of this release.
   * @default the current time
   */
  now?: Date;
  /**
   * Upload every file even when the stored manifest says it is already there (e.g. after objects
   * were changed by hand).
   * @default false
   */
  force?: boolean;
  /**
   * Uploads in flight at once.
   * @default 16
   */
  concurrency?: number;
  /** Receives one line per step, for progress output. */
  log?: (message: string) => void;
}

/** What {@link syncToS3} did. */
export interface SyncResult {
  /** Site paths uploaded, in upload order. */
  uploaded: string[];
  /** Site paths deleted because their grace period was over. */
  deleted: string[];
  /**
   * Site paths whose object is new or different at its URL, sorted: what a CDN may hold stale
   * copies of (new paths too: a CDN may have cached the SPA fallback or an error for them).
   */
  changedPaths: string[];
  /** The state now stored in the bucket. */
  state: SyncState;
}

/**
 * Uploads the site's changed files, then its entry points, deletes files whose grace period is
 * over, and stores the new state.
 */
export async function syncToS3(options: SyncOptions): Promise<SyncResult> {
  const { client, bucket, manifest } = options;
  const prefix = normalizeKeyPrefix(options.prefix);
  const now = options.now ?? new Date();
  const log = options.log ?? (() => undefined);
  if (!Number.isFinite(options.gracePeriodSeconds) || options.gracePeriodSeconds < 0) {
    throw new RangeError(
      `gracePeriodSeconds must be a number of seconds >= 0, got ${options.gracePeriodSeconds}`,
    );
  }
  if (Number.isNaN(now.getTime())) throw new RangeError("now is not a valid date");
  const overrides = normalizeOverrides(options.overrides);
  const clash = manifest.entries.find((e) => e.path.startsWith(STATE_PREFIX));
  if (clash)
    throw new Error(
      `site file ${clash.path} is under ${STATE_PREFIX}, which the sync keeps for its own state`,
    );

  const before =
    options.previous !== undefined
      ? stateFromReleases(options.previous)
      : await readSyncState(client, bucket, prefix, log);
  const previousEntries = new Map((before?.manifest.entries ?? []).map((e) => [e.path, e]));

  const changed = manifest.entries.filter((e) => !sameObject(previousEntries.get(e.path), e));
  const toUpload = options.force ? manifest.entries : changed;
  const uploaded: string[] = [];
  for (const phase of uploadPhases(toUpload)) {
    await runPool(phase, options.concurrency ?? 16, async (entry) => {
      await putFile(client, bucket, prefix, options.sourceDir, overrides, entry);
      uploaded.push(entry.path);
    });
  }
  log(`uploaded ${uploaded.length} of ${manifest.entries.length} files`);

  const retired = nextRetired(before, manifest, now);
  const graceMs = options.gracePeriodSeconds * 1000;
  const expired = retired.filter((r) => now.getTime() - Date.parse(r.supersededAt) >= graceMs);
  const kept = retired.filter((r) => !expired.includes(r));
  // Delete before storing the state: if this fails, the next run still knows about them.
  const deleted = await deleteKeys(
    client,
    bucket,
    prefix,
    expired.map((r) => r.path),
  );
  if (deleted.length > 0) log(`deleted ${deleted.length} files past their grace period`);

  const state: SyncState = { version: 1, manifest, releasedAt: now.toISOString(), retired: kept };
  await client.send(
    new PutObjectCommand({
      Bucket: bucket,
      Key: prefix + STATE_KEY,
      Body: JSON.stringify(state),
      ContentType: "application/json",
      CacheControl: "no-store",
    }),
  );
  return { uploaded, deleted, changedPaths: changed.map((e) => e.path).sort(compare), state };
}

/**
 * Reads the state a previous sync stored, or undefined when there is none. An unreadable state is
 * treated as none (everything is uploaded again, nothing is deleted) rather than blocking a deploy.
 */
export async function readSyncState(
  client: S3Client,
  bucket: string,
  prefix = "",
  log: (message: string) => void = () => undefined,
): Promise<SyncState | undefined> {
  const key = normalizeKeyPrefix(prefix) + STATE_KEY;
  let text: string;
  try {
    const res = await client.send(new GetObjectCommand({ Bucket: bucket, Key: key }));
    text = (await res.Body?.transformToString("utf8")) ?? "";
  } catch (error) {
    const e = error as { name?: string; $metadata?: { httpStatusCode?: number } };
    if (e.name === "NoSuchKey" || e.$metadata?.httpStatusCode === 404) return undefined;
    throw error;
  }
  try {
    const state = JSON.parse(text) as SyncState;
    if (state.version === 1 && Array.isArray(state.manifest?.entries) && Array.isArray(state.retired))
      return state;
  } catch {
    // Falls through to the warning.
  }
  log(`s3://${bucket}/${key} is not a state this version understands: uploading every file again`);
  return undefined;
}

/** Rebuilds the state from a release history: when was each dropped file superseded. */
export function stateFromReleases(releases: readonly Release[]): SyncState | undefined {
  if (releases.length === 0) return undefined;
  const sorted = [...releases]
    .map((r) => ({ manifest: r.manifest, at: new Date(r.releasedAt) }))
    .sort((a, b) => a.at.getTime() - b.at.getTime());
  const latest = sorted[sorted.length - 1];
  const live = new Set(latest.manifest.entries.map((e) => e.path));
  const lastSeen = new Map<string, number>();
  sorted.forEach((release, i) => release.manifest.entries.forEach((e) => lastSeen.set(e.path, i)));
  const retired: RetiredFile[] = [];
  for (const [p, i] of lastSeen) {
    if (!live.has(p)) retired.push({ path: p, supersededAt: sorted[i + 1].at.toISOString() });
  }
  return {
    version: 1,
    manifest: latest.manifest,
    releasedAt: latest.at.toISOString(),
    retired: retired.sort((a, b) => compare(a.path, b.path)),
  };
}

/** Files no longer in the new manifest, with the time they were first dropped. */
function nextRetired(before: SyncState | undefined, manifest: AssetManifest, now: Date): RetiredFile[] {
  const live = new Set(manifest.entries.map((e) => e.path));
  const out = new Map<string, RetiredFile>();
  for (const r of before?.retired ?? []) if (!live.has(r.path)) out.set(r.path, r);
  for (const e of before?.manifest.entries ?? []) {
    if (!live.has(e.path) && !out.has(e.path))
      out.set(e.path, { path: e.path, supersededAt: now.toISOString() });
  }
  return [...out.values()].sort((a, b) => compare(a.path, b.path));
}

function sameObject(a: ManifestEntry | undefined, b: ManifestEntry): boolean {
  return (
    a !== undefined &&
    a.sha256 === b.sha256 &&
    a.contentType === b.contentType &&
    a.cacheControl === b.cacheControl
  );
}

/**
 * Upload order: assets, then the per-deployment config files, then other HTML, then `index.html`,
 * the entry point everything else hangs from. Each phase finishes before the next starts.
 */
export function uploadPhases(entries: readonly ManifestEntry[]): ManifestEntry[][] {
  const rank = (p: string): number => {
    if (p === "index.html") return 3;
    if (/\.html?$/i.test(p)) return 2;
    if (p === TC_PARAMS_PATH || p === EMBED_PARAMS_PATH) return 1;
    return 0;
  };
  const phases: ManifestEntry[][] = [[], [], [], []];
  for (const e of [...entries].sort((a, b) => compare(a.path, b.path))) phases[rank(e.path)].push(e);
  return phases.filter((p) => p.length > 0);
}

async function putFile(
  client: S3Client,
  bucket: string,
  prefix: string,
  sourceDir: string,
  overrides: Map<string, Buffer>,
  entry: ManifestEntry,
): Promise<void> {
  const body =
    overrides.get(entry.path) ?? (await fs.promises.readFile(path.join(sourceDir, ...entry.path.split("/"))));
  const sha256 = crypto.createHash("sha256").update(body).digest("hex");
  if (sha256 !== entry.sha256) {
    throw new Error(
      `${entry.path} changed since its manifest was built (or the overrides differ): build the manifest again`,
    );
  }
  await client.send(
    new PutObjectCommand({
      Bucket: bucket,
      Key: prefix + entry.path,
      Body: body,
      ContentType: entry.contentType,
      CacheControl: entry.cacheControl,
      Metadata: { sha256 },
    }),
  );
}

async function deleteKeys(
  client: S3Client,
  bucket: string,
  prefix: string,
  paths: string[],
): Promise<string[]> {
  const deleted: string[] = [];
  for (let i = 0; i < paths.length; i += 1000) {
    const batch = paths.slice(i, i + 1000); // DeleteObjects' limit
    const res = await client.send(
      new DeleteObjectsCommand({
        Bucket: bucket,
        Delete: { Objects: batch.map((p) => ({ Key: prefix + p })), Quiet: true },
      }),
    );
    if (res.Errors && res.Errors.length > 0) {
      const first = res.Errors[0];
      throw new Error(
        `could not delete ${res.Errors.length} old files, e.g. ${first.Key}: ${first.Code} ${first.Message}`,
      );
    }
    deleted.push(...batch);
  }
  return deleted;
}

async function runPool<T>(
  items: readonly T[],
  concurrency: number,
  work: (item: T) => Promise<void>,
): Promise<void> {
  let next = 0;
  const worker = async (): Promise<void> => {
    while (next < items.length) await work(items[next++]);
  };
  await Promise.all(Array.from({ length: Math.max(1, Math.min(concurrency, items.length)) }, worker));
}

function normalizeKeyPrefix(prefix: string | undefined): string {
  const trimmed = (prefix ?? "").replace(/^\/+|\/+$/g, "");
  return trimmed === "" ? "" : `${trimmed}/`;
}

/** Above this many paths one `/*` invalidation replaces the list (CloudFront bills per path). */
export const INVALIDATION_WILDCARD_THRESHOLD = 100;

/**
 * CloudFront invalidation paths for changed site paths: none when nothing changed, else each path
 * URL-encoded with a leading `/` (and `/` itself when `index.html` changed, since the root URL serves
 * it), collapsed to `/*` above `threshold` paths.
 */
export function invalidationPaths(
  changed: readonly string[],
  threshold = INVALIDATION_WILDCARD_THRESHOLD,
): string[] {
  if (changed.length === 0) return [];
  const paths = new Set<string>();
  for (const p of changed) {
    paths.add(`/${encodePath(p)}`);
    if (p === "index.html") paths.add("/");
  }
  if (paths.size > threshold) return ["/*"];
  return [...paths].sort(compare);
}

/** Percent-encodes what CloudFront needs encoded; `*` too, which would otherwise be a wildcard. */
function encodePath(sitePath: string): string {
  return sitePath
    .split("/")
    .map((segment) =>
      encodeURIComponent(segment)
        .replace(/%(24|26|2B|2C|3B|3D|3A|40)/g, (m) => decodeURIComponent(m))
        .replace(/\*/g, "%2A"),
    )
    .join("/");
}

/** The part of a CloudFront client that {@link createInvalidation} uses. */
export interface InvalidationClient {
  send(command: CreateInvalidationCommand): Promise<CreateInvalidationCommandOutput>;
}

/**
 * Invalidates paths on a distribution; does nothing (no API call) for an empty list.
 *
 * @returns the invalidation's id, or undefined when nothing was invalidated.
 */
export async function createInvalidation(
  client: InvalidationClient,
  distributionId: string,
  paths: readonly string[],
  callerReference?: string,
): Promise<string | undefined> {
  if (paths.length === 0) return undefined;
  // CloudFront treats a repeated caller reference as the same request (and invalidates nothing new):
  // every deployment gets its own, even two of the same paths within one millisecond.
  const reference = callerReference ?? `toucan-${crypto.randomUUID()}`;
  const res = await client.send(
    new CreateInvalidationCommand({
      DistributionId: distributionId,
      InvalidationBatch: { CallerReference: reference, Paths: { Quantity: paths.length, Items: [...paths] } },
    }),
  );
  return res.Invalidation?.Id;
}

function compare(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}
