/**
 * A small client for the read side of the OCI distribution API (manifests and blobs), with the
 * anonymous/Basic bearer-token dance of quay.io and Docker Hub. Built on node:http(s) so it runs
 * anywhere Pulumi runs, with no Docker engine.
 */
import * as crypto from "crypto";
import * as fs from "fs";
import * as http from "http";
import * as https from "https";
import { pipeline } from "stream/promises";
import { ImageRef, formatImageRef, isLoopbackRegistry } from "../core/image-ref";

/** Credentials for a private registry or repository. */
export interface RegistryCredentials {
  username: string;
  password: string;
}

/** How to reach a registry. */
export interface RegistryOptions {
  /** Credentials sent to the token service (or to the registry, when it asks for Basic auth). */
  credentials?: RegistryCredentials;
  /**
   * Use plain `http://`.
   * @default true for loopback registries (`127.0.0.1`, `localhost`, `[::1]`), false otherwise
   */
  insecure?: boolean;
  /**
   * Milliseconds a request may wait for a byte before it is abandoned.
   * @default 60000
   */
  timeoutMs?: number;
  /**
   * How many times a request that failed for a transient reason (connection reset, timeout, 429,
   * 5xx) is retried, with exponential backoff.
   * @default 3
   */
  retries?: number;
  /** Receives one line per network step, for progress output. */
  log?: (message: string) => void;
}

/** A failed registry request; `status` is the HTTP status, when there was a response. */
export class RegistryError extends Error {
  constructor(
    message: string,
    readonly status?: number,
  ) {
    super(message);
    this.name = "RegistryError";
  }
}

/** Manifest media types this client understands, sent as `Accept`. */
export const MEDIA_TYPES = {
  ociIndex: "application/vnd.oci.image.index.v1+json",
  ociManifest: "application/vnd.oci.image.manifest.v1+json",
  dockerList: "application/vnd.docker.distribution.manifest.list.v2+json",
  dockerManifest: "application/vnd.docker.distribution.manifest.v2+json",
} as const;

const ACCEPT_MANIFESTS = Object.values(MEDIA_TYPES).join(", ");
const MAX_MANIFEST_BYTES = 4 * 1024 * 1024;
const MAX_REDIRECTS = 5;

/** A manifest as fetched, with the digest of its exact bytes. */
export interface FetchedManifest {
  mediaType: string;
  digest: string;
  body: Buffer;
  json: ManifestJson;
}

/** The fields of an image index or image manifest that extraction reads. */
export interface ManifestJson {
  schemaVersion?: number;
  mediaType?: string;
  manifests?: Descriptor[];
  config?: Descriptor;
  layers?: Descriptor[];
}

/** An OCI content descriptor. */
export interface Descriptor {
  mediaType: string;
  digest: string;
  size: number;
  platform?: { os?: string; architecture?: string; variant?: string };
  annotations?: Record<string, string>;
}

/** Reads manifests and blobs of one repository. Call {@link close} when done (it holds keep-alive sockets). */
export class RegistryClient {
  private readonly base: URL;
  private readonly agent: http.Agent;
  private authorization: string | undefined;
  private readonly timeoutMs: number;
  private readonly retries: number;

  constructor(
    readonly ref: ImageRef,
    private readonly options: RegistryOptions = {},
  ) {
    const insecure = options.insecure ?? isLoopbackRegistry(ref.registry);
    this.base = new URL(`${insecure ? "http" : "https"}://${ref.registry}`);
    this.agent = insecure
      ? new http.Agent({ keepAlive: true, maxSockets: 8 })
      : new https.Agent({ keepAlive: true, maxSockets: 8 });
    this.timeoutMs = options.timeoutMs ?? 60_000;
    this.retries = options.retries ?? 3;
  }

  close(): void {
    this.agent.destroy();
  }

  /** GETs a manifest (by tag or digest) and checks its bytes against the digest it should have. */
  async getManifest(reference: string, accept: string = ACCEPT_MANIFESTS): Promise<FetchedManifest> {
    const what = `manifest ${formatImageRef({ ...this.ref, tag: undefined, digest: undefined })}:${reference}`;
    const res = await this.get(`/v2/${this.ref.repository}/manifests/${reference}`, { Accept: accept }, what);
    const body = await readBody(res, MAX_MANIFEST_BYTES, what);
    const pinned = reference.includes(":") ? reference : undefined;
    const algorithm = pinned?.split(":")[0] ?? "sha256";
    const digest = `${algorithm}:${hashBytes(algorithm, body, what)}`;
    if (pinned && digest !== pinned) {
      throw new RegistryError(`${what}: the registry sent content whose digest is ${digest}, not ${pinned}`);
    }
    let json: ManifestJson;
    try {
      json = JSON.parse(body.toString("utf8")) as ManifestJson;
    } catch {
      throw new RegistryError(`${what}: the registry sent a manifest that is not JSON`);
    }
    const contentType = String(res.headers["content-type"] ?? "")
      .split(";")[0]
      .trim();
    const mediaType = json.mediaType ?? contentType;
    return { mediaType, digest, body, json };
  }

  /**
   * Downloads a blob to a file, checking its size and digest: a layer is only ever applied when its
   * bytes are exactly the ones the manifest names.
   */
  async downloadBlob(descriptor: Descriptor, file: string): Promise<void> {
    const [algorithm, expected] = descriptor.digest.split(":");
    const what = `blob ${descriptor.digest}`;
    for (let attempt = 0; ; attempt++) {
      const res = await this.get(`/v2/${this.ref.repository}/blobs/${descriptor.digest}`, {}, what);
      const hash = createHash(algorithm, what);
      let size = 0;
      try {
        await pipeline(
          res,
          async function* (source: AsyncIterable<Buffer>) {
            for await (const chunk of source) {
              hash.update(chunk);
              size += chunk.length;
              yield chunk;
            }
          },
          fs.createWriteStream(file),
        );
      } catch (error) {
        if (attempt < this.retries && isTransient(error)) {
          await backoff(attempt);
          continue;
        }
        throw new RegistryError(`${what}: download failed: ${(error as Error).message}`);
      }
      const actual = hash.digest("hex");
      if (typeof descriptor.size === "number" && size !== descriptor.size) {
        throw new RegistryError(`${what}: got ${size} bytes, the manifest says ${descriptor.size}`);
      }
      if (actual !== expected) throw new RegistryError(`${what}: content digest is ${algorithm}:${actual}`);
      return;
    }
  }

  /** GET with retries, redirects and the registry's auth challenge. */
  private async get(
    path: string,
    headers: Record<string, string>,
    what: string,
  ): Promise<http.IncomingMessage> {
    let refreshedAuth = false;
    for (let attempt = 0; ; attempt++) {
      let res: http.IncomingMessage;
      try {
        const auth: Record<string, string> = this.authorization ? { Authorization: this.authorization } : {};
        res = await this.send(new URL(path, this.base), { ...headers, ...auth });
      } catch (error) {
        if (attempt < this.retries && isTransient(error)) {
          await backoff(attempt);
          continue;
        }
        throw new RegistryError(`${what}: cannot reach ${this.base.origin}: ${(error as Error).message}`);
      }
      const status = res.statusCode ?? 0;
      if (status === 200) return res;
      const text = (await readBody(res, 64 * 1024, what).catch(() => Buffer.alloc(0))).toString("utf8");
      if (status === 401 && !refreshedAuth) {
        refreshedAuth = true;
        await this.authenticate(String(res.headers["www-authenticate"] ?? ""), what);
        continue;
      }
      if ((status === 429 || status >= 500) && attempt < this.retries) {
        await backoff(attempt, Number(res.headers["retry-after"]));
        continue;
      }
      throw new RegistryError(
        `${what}: ${explainStatus(status, this.ref, !!this.options.credentials)}${snippet(text)}`,
        status,
      );
    }
  }

  /** Answers a 401 challenge: a bearer token from the realm (quay.io, Docker Hub) or Basic auth. */
  private async authenticate(challenge: string, what: string): Promise<void> {
    const scheme = challenge.trim().split(/\s+/)[0]?.toLowerCase();
    const params = parseChallengeParams(challenge);
    const credentials = this.options.credentials;
    const basic = credentials
      ? `Basic ${Buffer.from(`${credentials.username}:${credentials.password}`).toString("base64")}`
      : undefined;
    if (scheme === "basic") {
      if (!basic) {
        throw new RegistryError(
          `${what}: ${this.ref.registry} requires credentials; pass \`credentials: { username, password }\``,
          401,
        );
      }
      this.authorization = basic;
      return;
    }
    if (scheme !== "bearer" || !params.realm) {
      throw new RegistryError(
        `${what}: unsupported authentication challenge ${JSON.stringify(challenge)}`,
        401,
      );
    }
    let realm: URL;
    try {
      realm = new URL(params.realm);
    } catch {
      throw new RegistryError(
        `${what}: the registry's token realm ${JSON.stringify(params.realm)} is not a URL`,
        401,
      );
    }
    if (realm.protocol !== "https:" && !(realm.protocol === "http:" && isLoopbackRegistry(realm.host))) {
      if (basic)
        throw new RegistryError(
          `${what}: refusing to send credentials to a non-HTTPS token service ${realm.origin}`,
        );
    }
    if (params.service) realm.searchParams.set("service", params.service);
    realm.searchParams.set("scope", params.scope ?? `repository:${this.ref.repository}:pull`);
    this.options.log?.(
      `token from ${realm.origin}${realm.pathname}${basic ? " (with credentials)" : " (anonymous)"}`,
    );
    let res: http.IncomingMessage;
    try {
      res = await this.send(realm, basic ? { Authorization: basic } : {});
    } catch (error) {
      throw new RegistryError(
        `${what}: cannot reach the token service ${realm.origin}: ${(error as Error).message}`,
      );
    }
    const body = await readBody(res, 1024 * 1024, "token");
    if (res.statusCode !== 200) {
      throw new RegistryError(
        `${what}: the token service ${realm.origin} answered ${res.statusCode}` +
          `${basic ? " (check the credentials)" : " (the repository may be private: pass credentials)"}${snippet(body.toString("utf8"))}`,
        res.statusCode,
      );
    }
    let token: unknown;
    try {
      const parsed = JSON.parse(body.toString("utf8")) as { token?: unknown; access_token?: unknown };
      token = parsed.token ?? parsed.access_token;
    } catch {
      token = undefined;
    }
    if (typeof token !== "string" || token === "") {
      throw new RegistryError(`${what}: the token service ${realm.origin} sent no token`);
    }
    this.authorization = `Bearer ${token}`;
  }

  /** One GET, following redirects (blob downloads are usually redirected to a CDN or S3). */
  private async send(url: URL, headers: Record<string, string>): Promise<http.IncomingMessage> {
    let current = url;
    let currentHeaders = { "User-Agent": "pulumi-toucan", ...headers };
    for (let hop = 0; ; hop++) {
      const res = await request(
        current,
        currentHeaders,
        this.timeoutMs,
        current.origin === this.base.origin ? this.agent : undefined,
      );
      const status = res.statusCode ?? 0;
      const location = res.headers.location;
      if (![301, 302, 303, 307, 308].includes(status) || !location) return res;
      res.resume();
      if (hop >= MAX_REDIRECTS) throw new RegistryError(`too many redirects from ${url.href}`, status);
      const next = new URL(location, current);
      if (next.origin !== current.origin) {
        // A presigned CDN/S3 URL carries its own authorization and rejects ours; never leak it.
        const { Authorization: _dropped, ...rest } = currentHeaders as Record<string, string>;
        currentHeaders = rest as typeof currentHeaders;
      }
      if (current.protocol === "https:" && next.protocol === "http:") {
        throw new RegistryError(`refusing a redirect from HTTPS to plain HTTP (${next.origin})`);
      }
      current = next;
    }
  }
}

function request(
  url: URL,
  headers: Record<string, string>,
  timeoutMs: number,
  agent?: http.Agent,
): Promise<http.IncomingMessage> {
  return new Promise((resolve, reject) => {
    const get = url.protocol === "https:" ? https.get : http.get;
    const req = get(url, { headers, agent, timeout: timeoutMs }, resolve);
    req.on("timeout", () =>
      req.destroy(Object.assign(new Error(`no data for ${timeoutMs} ms`), { code: "ETIMEDOUT" })),
    );
    req.on("error", reject);
  });
}

async function readBody(res: http.IncomingMessage, limit: number, what: string): Promise<Buffer> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of res as AsyncIterable<Buffer>) {
    size += chunk.length;
    if (size > limit) {
      res.destroy();
      throw new RegistryError(`${what}: response larger than ${limit} bytes`);
    }
    chunks.push(chunk);
  }
  return Buffer.concat(chunks);
}

/** `key="value", key=value` pairs of a WWW-Authenticate header (values may hold commas in quotes). */
export function parseChallengeParams(header: string): Record<string, string> {
  const out: Record<string, string> = {};
  const pattern = /([A-Za-z][\w-]*)=(?:"((?:[^"\\]|\\.)*)"|([^,\s]*))/g;
  for (let m = pattern.exec(header); m; m = pattern.exec(header)) {
    out[m[1].toLowerCase()] = m[2] !== undefined ? m[2].replace(/\\(.)/g, "$1") : m[3];
  }
  return out;
}

function createHash(algorithm: string, what: string): crypto.Hash {
  if (algorithm !== "sha256" && algorithm !== "sha512") {
    throw new RegistryError(`${what}: unsupported digest algorithm ${algorithm}`);
  }
  return crypto.createHash(algorithm);
}

function hashBytes(algorithm: string, bytes: Buffer, what: string): string {
  return createHash(algorithm, what).update(bytes).digest("hex");
}

function isTransient(error: unknown): boolean {
  const code = (error as NodeJS.ErrnoException | undefined)?.code;
  return [
    "ECONNRESET",
    "ETIMEDOUT",
    "EPIPE",
    "EAI_AGAIN",
    "ECONNREFUSED",
    "ERR_STREAM_PREMATURE_CLOSE",
  ].includes(code ?? "");
}

function backoff(attempt: number, retryAfterSeconds = NaN): Promise<void> {
  // Honour the registry's Retry-After (rate limits), within reason.
  const ms =
    retryAfterSeconds > 0 ? Math.min(retryAfterSeconds * 1000, 30_000) : Math.min(200 * 2 ** attempt, 5_000);
  return new Promise((resolve) => setTimeout(resolve, ms));
}

function explainStatus(status: number, ref: ImageRef, hasCredentials: boolean): string {
  switch (status) {
    case 401:
    case 403:
      return hasCredentials
        ? `access denied (${status}): check the credentials and that they can pull ${ref.repository}`
        : `access denied (${status}): the repository may be private or not exist; pass credentials`;
    case 404:
      return `not found (404): check the repository name and the tag or digest`;
    default:
      return `the registry answered ${status}`;
  }
}

function snippet(text: string): string {
  const trimmed = text.trim().replace(/\s+/g, " ");
  if (trimmed === "") return "";
  return ` — ${trimmed.length > 200 ? `${trimmed.slice(0, 197)}...` : trimmed}`;
}
