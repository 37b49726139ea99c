/**
 * Extraction from a REAL registry (Debian's docker-registry on loopback), with images built by umoci
 * and by hand (multi-platform index, GNU and pax tars, whiteouts, links) and pushed by skopeo.
 * A small proxy in front of the registry adds quay.io-style bearer auth, Basic auth, a CDN redirect
 * for blobs, and counts blob downloads.
 */
import * as assert from "assert";
import * as crypto from "crypto";
import * as fs from "fs";
import * as http from "http";
import * as path from "path";
import * as zlib from "zlib";
import { GetObjectCommand, S3Client } from "@aws-sdk/client-s3";
import { ImageExtractionError, RegistryError, extractImageFiles } from "../components/static/oci";
import { SiteDeploymentInputs, siteDeployProvider } from "../components/static/deploy-provider";

/** The part of s3rver (which ships no types) that this test uses. */
const S3rver: new (options: {
  address: string;
  port: number;
  silent: boolean;
  directory: string;
  configureBuckets: Array<{ name: string; configs: string[] }>;
}) => { run(): Promise<{ port: number }>; close(): Promise<void> } = require("s3rver");
import {
  FIXTURES,
  RunningRegistry,
  copyTree,
  freePort,
  hasBinary,
  readTree,
  run,
  startRegistry,
  tempDir,
} from "./fixtures/static/tools";

const BINARIES = ["docker-registry", "umoci", "skopeo", "tar"];
const CREDENTIALS = { username: "toucan", password: "s3cret;:@" };
const LONG_DIR = `deeply/${"nested-folder-name/".repeat(6)}`;
const LONG_FILE = `${"a-very-long-file-name-".repeat(5)}.js`;
const PAX_FILE = `ünïcödé-${"long-name-".repeat(12)}.txt`;

/** Auth and traffic accounting in front of the real registry. */
class RegistryFront {
  mode: "open" | "bearer" | "basic" = "open";
  /** Bearer mode: the token service wants these (private repository); else it is anonymous. */
  tokenNeedsCredentials = false;
  /** Bearer mode: blob GETs are redirected to another origin, as quay.io does to its CDN. */
  redirectBlobs = false;
  /** Flip one byte of every blob served, as a broken proxy or disk would. */
  tamperBlobs = false;
  blobGets = 0;
  cdnGets = 0;
  tokenRequests: URL[] = [];
  host = "";
  private tokens = new Set<string>();
  private server!: http.Server;
  private cdn!: http.Server;
  private cdnHost = "";

  constructor(private readonly upstream: string) {}

  async start(): Promise<void> {
    this.server = http.createServer((req, res) => this.handle(req, res));
    this.cdn = http.createServer((req, res) => {
      this.cdnGets++;
      // A presigned CDN/S3 URL rejects any Authorization header (it would leak the registry token).
      if (req.headers.authorization) return void res.writeHead(400).end("Authorization not allowed here");
      const digest = new URL(req.url!, "http://cdn").searchParams.get("blob")!;
      const repo = new URL(req.url!, "http://cdn").searchParams.get("repo")!;
      this.forward(`/v2/${repo}/blobs/${digest}`, req, res);
    });
    this.host = await listen(this.server);
    this.cdnHost = await listen(this.cdn);
  }

  async stop(): Promise<void> {
    for (const server of [this.server, this.cdn]) {
      server?.closeAllConnections();
      await new Promise((resolve) => server?.close(resolve));
    }
  }

  private handle(req: http.IncomingMessage, res: http.ServerResponse): void {
    const url = new URL(req.url!, `http://${this.host}`);
    if (url.pathname === "/token") {
      this.tokenRequests.push(url);
      const basic = `Basic ${Buffer.from(`${CREDENTIALS.username}:${CREDENTIALS.password}`).toString("base64")}`;
      if (this.tokenNeedsCredentials && req.headers.authorization !== basic) {
        return void res
          .writeHead(401, { "Content-Type": "application/json" })
          .end('{"error":"bad credentials"}');
      }
      const token = crypto.randomBytes(8).toString("hex");
      this.tokens.add(token);
      return void res.writeHead(200, { "Content-Type": "application/json" }).end(JSON.stringify({ token }));
    }
    const repo = /^\/v2\/(.+)\/(?:manifests|blobs)\//.exec(url.pathname)?.[1] ?? "";
    const auth = req.headers.authorization ?? "";
    if (this.mode === "bearer" && !this.tokens.has(auth.replace(/^Bearer /, ""))) {
      return void res
        .writeHead(401, {
          "WWW-Authenticate": `Bearer realm="http://${this.host}/token",service="toucan-test",scope="repository:${repo}:pull"`,
        })
        .end('{"errors":[{"code":"UNAUTHORIZED"}]}');
    }
    const basic = `Basic ${Buffer.from(`${CREDENTIALS.username}:${CREDENTIALS.password}`).toString("base64")}`;
    if (this.mode === "basic" && auth !== basic) {
      return void res.writeHead(401, { "WWW-Authenticate": 'Basic realm="toucan-test"' }).end();
    }
    const blob = /\/blobs\/(sha256:[a-f0-9]+)$/.exec(url.pathname);
    if (blob && req.method === "GET") {
      this.blobGets++;
      if (this.redirectBlobs) {
        const location = `http://${this.cdnHost}/blob?repo=${encodeURIComponent(repo)}&blob=${blob[1]}&sig=x`;
        return void res.writeHead(307, { Location: location }).end();
      }
    }
    this.forward(url.pathname + url.search, req, res, !!blob && this.tamperBlobs);
  }

  private forward(
    pathAndQuery: string,
    req: http.IncomingMessage,
    res: http.ServerResponse,
    tamper = false,
  ): void {
    const { authorization: _a, host: _h, ...headers } = req.headers;
    const upstream = http.request(
      `http://${this.upstream}${pathAndQuery}`,
      { method: req.method, headers, timeout: 5000 },
      async (up) => {
        res.writeHead(up.statusCode ?? 502, up.headers);
        if (!tamper) return void up.pipe(res);
        const chunks: Buffer[] = [];
        for await (const chunk of up) chunks.push(chunk);
        const body = Buffer.concat(chunks);
        if (body.length > 0) body[body.length - 1] ^= 0xff;
        res.end(body);
      },
    );
    upstream.on("error", () => res.writeHead(502).end());
    req.pipe(upstream);
  }
}

function listen(server: http.Server): Promise<string> {
  return new Promise((resolve) =>
    server.listen(0, "127.0.0.1", () => resolve(`127.0.0.1:${(server.address() as { port: number }).port}`)),
  );
}

/** Writes a blob into an OCI layout and returns its descriptor fields. */
function writeBlob(layout: string, bytes: Buffer | string): { digest: string; size: number } {
  const data = Buffer.from(bytes);
  const hex = crypto.createHash("sha256").update(data).digest("hex");
  fs.mkdirSync(path.join(layout, "blobs", "sha256"), { recursive: true });
  fs.writeFileSync(path.join(layout, "blobs", "sha256", hex), data);
  return { digest: `sha256:${hex}`, size: data.length };
}

function writeFile(root: string, relative: string, content: string): void {
  const file = path.join(root, relative);
  fs.mkdirSync(path.dirname(file), { recursive: true });
  fs.writeFileSync(file, content);
}

const TAR_FLAGS = ["--sort=name", "--owner=0", "--group=0", "--numeric-owner", "--mtime=@0"];

/**
 * A multi-platform image written by hand: an OCI index with linux/arm64, linux/amd64 and an
 * attestation-like unknown/unknown entry. The amd64 image has a GNU-format gzip layer (long names,
 * hard link, symlinks) and a pax-format uncompressed layer (opaque dir, whiteout, unicode long name).
 */
async function buildMultiPlatformLayout(work: string): Promise<string> {
  const layout = path.join(work, "multi-layout");
  fs.mkdirSync(layout, { recursive: true });
  fs.writeFileSync(path.join(layout, "oci-layout"), '{"imageLayoutVersion":"1.0.0"}');
  const html = "usr/share/nginx/html";

  const l1 = path.join(work, "multi-l1");
  writeFile(l1, `${html}/index.html`, "amd64");
  writeFile(l1, `${html}/app.js`, "app");
  writeFile(l1, `${html}/${LONG_DIR}${LONG_FILE}`, "long gnu name");
  writeFile(l1, `${html}/assets/old.css`, "old");
  writeFile(l1, `${html}/removed.txt`, "removed by layer 2");
  writeFile(l1, `${html}/hard-a.js`, "hard linked");
  fs.linkSync(path.join(l1, html, "hard-a.js"), path.join(l1, html, "hard-b.js"));
  fs.symlinkSync("app.js", path.join(l1, html, "link-inside.js"));
  fs.symlinkSync("/etc/passwd", path.join(l1, html, "link-outside"));
  fs.symlinkSync("assets", path.join(l1, html, "link-dir"));
  writeFile(l1, "etc/nginx/nginx.conf", "not under the prefix");
  await run("tar", ["--format=gnu", ...TAR_FLAGS, "-cf", `${l1}.tar`, "-C", l1, "."]);

  const l2 = path.join(work, "multi-l2");
  writeFile(l2, `${html}/assets/.wh..wh..opq`, "");
  writeFile(l2, `${html}/assets/new.css`, "new");
  writeFile(l2, `${html}/.wh.removed.txt`, "");
  writeFile(l2, `${html}/${PAX_FILE}`, "long pax name");
  await run("tar", ["--format=pax", ...TAR_FLAGS, "-cf", `${l2}.tar`, "-C", l2, "."]);

  const l1Tar = fs.readFileSync(`${l1}.tar`);
  const l2Tar = fs.readFileSync(`${l2}.tar`);
  const amd64 = imageManifest(layout, "amd64", [
    { bytes: zlib.gzipSync(l1Tar), diff: l1Tar, mediaType: "application/vnd.oci.image.layer.v1.tar+gzip" },
    { bytes: l2Tar, diff: l2Tar, mediaType: "application/vnd.oci.image.layer.v1.tar" },
  ]);

  const a1 = path.join(work, "multi-arm");
  writeFile(a1, `${html}/index.html`, "arm64");
  await run("tar", [...TAR_FLAGS, "-czf", `${a1}.tar.gz`, "-C", a1, "."]);
  const armTar = zlib.gunzipSync(fs.readFileSync(`${a1}.tar.gz`));
  const arm64 = imageManifest(layout, "arm64", [
    {
      bytes: fs.readFileSync(`${a1}.tar.gz`),
      diff: armTar,
      mediaType: "application/vnd.oci.image.layer.v1.tar+gzip",
    },
  ]);
  const attestation = imageManifest(layout, "unknown", [
    { bytes: armTar, diff: armTar, mediaType: "application/vnd.oci.image.layer.v1.tar" },
  ]);

  const index = writeBlob(
    layout,
    JSON.stringify({
      schemaVersion: 2,
      mediaType: "application/vnd.oci.image.index.v1+json",
      manifests: [
        { ...arm64, platform: { os: "linux", architecture: "arm64", variant: "v8" } },
        { ...amd64, platform: { os: "linux", architecture: "amd64" } },
        { ...attestation, platform: { os: "unknown", architecture: "unknown" } },
      ],
    }),
  );
  fs.writeFileSync(
    path.join(layout, "index.json"),
    JSON.stringify({
      schemaVersion: 2,
      manifests: [
        {
          mediaType: "application/vnd.oci.image.index.v1+json",
          ...index,
          annotations: { "org.opencontainers.image.ref.name": "multi" },
        },
      ],
    }),
  );
  return layout;
}

function imageManifest(
  layout: string,
  architecture: string,
  layers: Array<{ bytes: Buffer; diff: Buffer; mediaType: string }>,
): { mediaType: string; digest: string; size: number } {
  const diffIds = layers.map((l) => `sha256:${crypto.createHash("sha256").update(l.diff).digest("hex")}`);
  const config = writeBlob(
    layout,
    JSON.stringify({ architecture, os: "linux", rootfs: { type: "layers", diff_ids: diffIds }, config: {} }),
  );
  const manifest = writeBlob(
    layout,
    JSON.stringify({
      schemaVersion: 2,
      mediaType: "application/vnd.oci.image.manifest.v1+json",
      config: { mediaType: "application/vnd.oci.image.config.v1+json", ...config },
      layers: layers.map((l) => ({ mediaType: l.mediaType, ...writeBlob(layout, l.bytes) })),
    }),
  );
  return { mediaType: "application/vnd.oci.image.manifest.v1+json", ...manifest };
}

/** The fixture image in 2 layers, built with umoci: layer 2 deletes old.js and adds/changes files. */
async function buildUmociImage(work: string): Promise<string> {
  const layout = path.join(work, "umoci-layout");
  const image = `${layout}:v1`;
  await run("umoci", ["init", "--layout", layout]);
  await run("umoci", ["new", "--image", image]);
  const b1 = path.join(work, "bundle1");
  await run("umoci", ["unpack", "--rootless", "--image", image, b1]);
  copyTree(path.join(FIXTURES, "image", "layer1"), path.join(b1, "rootfs"));
  await run("umoci", ["repack", "--image", image, b1]);
  // Unpack again so the second repack diffs against layer 1 (and records old.js as a whiteout).
  const b2 = path.join(work, "bundle2");
  await run("umoci", ["unpack", "--rootless", "--image", image, b2]);
  fs.rmSync(path.join(b2, "rootfs", "usr/share/nginx/html/old.js"));
  copyTree(path.join(FIXTURES, "image", "layer2"), path.join(b2, "rootfs"));
  await run("umoci", ["repack", "--image", image, b2]);
  return layout;
}

async function push(source: string, destination: string, all = false, extra: string[] = []): Promise<void> {
  await run("skopeo", [
    "--insecure-policy",
    "copy",
    ...(all ? ["--all"] : []),
    ...extra,
    "--dest-tls-verify=false",
    source,
    `docker://${destination}`,
  ]);
}

describe("static: extracting the frontend's files from a real registry", function () {
  this.timeout(20_000);
  let work: string;
  let registry: RunningRegistry | undefined;
  let front: RegistryFront | undefined;
  let cacheCount = 0;
  const freshCache = (): string => path.join(work, `cache-${cacheCount++}`);

  before(async function () {
    const missing = BINARIES.filter((b) => !hasBinary(b));
    if (missing.length > 0) {
      console.warn(
        `    skipped: ${missing.join(", ")} not installed; run \`apt-get install -y docker-registry umoci skopeo\` (CI does)`,
      );
      this.skip();
    }
    this.timeout(60_000);
    work = tempDir("oci");
    registry = await startRegistry(work);
    front = new RegistryFront(registry.host);
    await front.start();
    const [umociLayout, multiLayout] = await Promise.all([
      buildUmociImage(work),
      buildMultiPlatformLayout(work),
    ]);
    await push(`oci:${umociLayout}:v1`, `${registry.host}/toucan/frontend:v1`);
    await push(`oci:${multiLayout}:multi`, `${registry.host}/toucan/multi:v1`, true);
    await push(`oci:${umociLayout}:v1`, `${registry.host}/toucan/frontend:v1-docker`, false, [
      "--format",
      "v2s2",
    ]);
  });

  after(async () => {
    await front?.stop();
    await registry?.stop();
    if (work) fs.rmSync(work, { recursive: true, force: true });
  });

  beforeEach(() => {
    front!.mode = "open";
    front!.tokenNeedsCredentials = false;
    front!.redirectBlobs = false;
    front!.tamperBlobs = false;
  });

  const expectedV1 = (): Record<string, string> => {
    const tree = readTree(path.join(FIXTURES, "image", "layer1", "usr/share/nginx/html"));
    delete tree["old.js"];
    return { ...tree, ...readTree(path.join(FIXTURES, "image", "layer2", "usr/share/nginx/html")) };
  };

  it("GIVEN a 2-layer umoci image THEN gets the merged files under the prefix, without the whited-out old.js", async () => {
    const result = await extractImageFiles({
      image: `${front!.host}/toucan/frontend:v1`,
      cacheDir: freshCache(),
    });
    assert.deepStrictEqual(readTree(result.dir), expectedV1());
    assert.ok(!result.files.includes("old.js"), "old.js was deleted by layer 2");
    assert.match(readTree(result.dir)["index.html"], /release 2/);
    assert.deepStrictEqual(result.files, Object.keys(expectedV1()).sort());
    assert.strictEqual(result.fromCache, false);
    assert.match(result.digest, /^sha256:[a-f0-9]{64}$/);
  });

  it("GIVEN a Docker v2 manifest (not OCI) THEN extracts the same files", async () => {
    const contentType = await new Promise<string>((resolve, reject) =>
      http
        .get(
          `http://${registry!.host}/v2/toucan/frontend/manifests/v1-docker`,
          { headers: { Accept: "application/vnd.docker.distribution.manifest.v2+json" } },
          (res) => {
            res.resume();
            resolve(String(res.headers["content-type"]));
          },
        )
        .on("error", reject),
    );
    assert.strictEqual(contentType, "application/vnd.docker.distribution.manifest.v2+json");
    const result = await extractImageFiles({
      image: `${front!.host}/toucan/frontend:v1-docker`,
      cacheDir: freshCache(),
    });
    assert.deepStrictEqual(readTree(result.dir), expectedV1());
  });

  it("GIVEN a blob whose bytes do not match its digest THEN refuses it and caches nothing", async () => {
    front!.tamperBlobs = true;
    const cacheDir = freshCache();
    await assert.rejects(
      extractImageFiles({ image: `${front!.host}/toucan/frontend:v1`, cacheDir }),
      (e: Error) => e instanceof RegistryError && /content digest is sha256:/.test(e.message),
    );
    assert.deepStrictEqual(
      fs.readdirSync(cacheDir).filter((name) => name.startsWith("sha256")),
      [],
    );
  });

  it("GIVEN the same image again THEN serves it from the cache without downloading any blob", async () => {
    const cacheDir = freshCache();
    const image = `${front!.host}/toucan/frontend:v1`;
    const first = await extractImageFiles({ image, cacheDir });
    assert.ok(front!.blobGets > 0);
    const blobsBefore = front!.blobGets;
    const second = await extractImageFiles({ image, cacheDir });
    assert.strictEqual(front!.blobGets, blobsBefore, "no blob request");
    assert.strictEqual(second.fromCache, true);
    assert.strictEqual(second.digest, first.digest);
    assert.strictEqual(second.dir, path.join(cacheDir, first.digest.replace(":", "-")));
    assert.deepStrictEqual(readTree(second.dir), expectedV1());
  });

  it("GIVEN a digest-pinned image already cached THEN needs no registry at all", async () => {
    const cacheDir = freshCache();
    const { digest } = await extractImageFiles({ image: `${front!.host}/toucan/frontend:v1`, cacheDir });
    await extractImageFiles({ image: `${front!.host}/toucan/frontend@${digest}`, cacheDir });
    const nobody = await freePort();
    const offline = await extractImageFiles({
      image: `127.0.0.1:${nobody}/toucan/frontend@${digest}`,
      cacheDir,
      retries: 0,
    });
    assert.strictEqual(offline.fromCache, true);
    assert.deepStrictEqual(readTree(offline.dir), expectedV1());
  });

  it("copies the files into destDir, and refuses a destDir that already holds files", async () => {
    const cacheDir = freshCache();
    const destDir = path.join(work, "dest");
    const result = await extractImageFiles({ image: `${front!.host}/toucan/frontend:v1`, cacheDir, destDir });
    assert.strictEqual(result.dir, destDir);
    assert.deepStrictEqual(readTree(destDir), expectedV1());
    await assert.rejects(
      extractImageFiles({ image: `${front!.host}/toucan/frontend:v1`, cacheDir, destDir }),
      /destDir .* is not empty/,
    );
  });

  it("GIVEN a multi-platform index THEN picks linux/amd64 and applies GNU/pax names, whiteouts, opaque dirs and links", async () => {
    const result = await extractImageFiles({
      image: `${front!.host}/toucan/multi:v1`,
      cacheDir: freshCache(),
    });
    assert.deepStrictEqual(readTree(result.dir), {
      "index.html": "amd64",
      "app.js": "app",
      [`${LONG_DIR}${LONG_FILE}`]: "long gnu name",
      [PAX_FILE]: "long pax name",
      "assets/new.css": "new", // old.css hidden by the opaque directory
      "hard-a.js": "hard linked",
      "hard-b.js": "hard linked",
      "link-inside.js": "app", // a symlink to a file inside the prefix is written as that file
    });
    assert.deepStrictEqual(
      result.skipped.map((s) => s.path),
      ["link-dir", "link-outside"],
    );
    assert.match(result.skipped.find((s) => s.path === "link-outside")!.reason, /outside/);
  });

  it("picks another platform when asked, and lists the available ones when it is missing", async () => {
    const image = `${front!.host}/toucan/multi:v1`;
    const arm = await extractImageFiles({
      image,
      cacheDir: freshCache(),
      platform: { os: "linux", architecture: "arm64" },
    });
    assert.deepStrictEqual(readTree(arm.dir), { "index.html": "arm64" });
    await assert.rejects(
      extractImageFiles({ image, cacheDir: freshCache(), platform: { os: "linux", architecture: "s390x" } }),
      (e: Error) =>
        e instanceof ImageExtractionError &&
        /no linux\/s390x image .*linux\/arm64\/v8, linux\/amd64/.test(e.message),
    );
  });

  it("GIVEN a registry that wants an anonymous bearer token (quay.io style) THEN gets one and follows the blob redirect without leaking it", async () => {
    front!.mode = "bearer";
    front!.redirectBlobs = true;
    const tokensBefore = front!.tokenRequests.length;
    const cdnBefore = front!.cdnGets;
    const result = await extractImageFiles({
      image: `${front!.host}/toucan/frontend:v1`,
      cacheDir: freshCache(),
    });
    assert.deepStrictEqual(readTree(result.dir), expectedV1());
    const token = front!.tokenRequests[tokensBefore];
    assert.strictEqual(token.searchParams.get("service"), "toucan-test");
    assert.strictEqual(token.searchParams.get("scope"), "repository:toucan/frontend:pull");
    assert.ok(front!.cdnGets > cdnBefore, "blobs came through the CDN redirect");
  });

  it("GIVEN a private repository THEN sends Basic credentials to the token service, and says so when they are wrong", async () => {
    front!.mode = "bearer";
    front!.tokenNeedsCredentials = true;
    const image = `${front!.host}/toucan/frontend:v1`;
    const result = await extractImageFiles({ image, cacheDir: freshCache(), credentials: CREDENTIALS });
    assert.deepStrictEqual(readTree(result.dir), expectedV1());
    await assert.rejects(
      extractImageFiles({
        image,
        cacheDir: freshCache(),
        credentials: { ...CREDENTIALS, password: "wrong" },
      }),
      (e: Error) =>
        e instanceof RegistryError &&
        /token service .* answered 401 \(check the credentials\)/.test(e.message),
    );
    await assert.rejects(
      extractImageFiles({ image, cacheDir: freshCache() }),
      /may be private: pass credentials/,
    );
  });

  it("GIVEN a registry asking for Basic auth THEN uses the credentials, and asks for them when absent", async () => {
    front!.mode = "basic";
    const image = `${front!.host}/toucan/frontend:v1`;
    const result = await extractImageFiles({ image, cacheDir: freshCache(), credentials: CREDENTIALS });
    assert.deepStrictEqual(readTree(result.dir), expectedV1());
    await assert.rejects(extractImageFiles({ image, cacheDir: freshCache() }), /requires credentials/);
  });

  it("GIVEN the deploy provider publishing a private image THEN the registry credentials reach the registry and the files reach S3", async () => {
    front!.mode = "basic";
    const s3dir = tempDir("deploy-s3");
    const s3 = new S3rver({
      address: "127.0.0.1",
      port: 0,
      silent: true,
      directory: s3dir,
      configureBuckets: [{ name: "toucan-site", configs: [] }],
    });
    const { port } = await s3.run();
    const client = new S3Client({
      region: "us-east-1",
      endpoint: `http://127.0.0.1:${port}`,
      forcePathStyle: true,
      credentials: { accessKeyId: "S3RVER", secretAccessKey: "S3RVER" },
    });
    const invalidations: unknown[] = [];
    try {
      const provider = siteDeployProvider({
        s3: () => client,
        cloudfront: () => ({
          send: async (command: { input: unknown }) => {
            invalidations.push(command.input);
            return { $metadata: {}, Invalidation: { Id: "I1" } } as never;
          },
        }),
        cacheDir: freshCache(),
        log: () => undefined,
      });
      const inputs: SiteDeploymentInputs = {
        bucket: "toucan-site",
        region: "us-east-1",
        source: { kind: "image", image: `${front!.host}/toucan/frontend:v1` },
        registryCredentials: CREDENTIALS,
        tcParams: 'window.TC_PARAMS = {"API_BASEROUTE":"https://api.example.com"};',
        apiBaseRoute: "https://api.example.com",
        gracePeriodSeconds: 3600,
        distributionId: "E123",
      };
      const { outs } = await provider.create!(inputs);
      const expectedPaths = new Set([
        ...Object.keys(expectedV1()),
        "scripts/tc-params.js",
        "embed-params.json",
      ]);
      assert.strictEqual(outs!.fileCount, expectedPaths.size, "the image's files and the generated ones");
      assert.strictEqual(outs!.uploaded, outs!.fileCount);
      const index = await client.send(new GetObjectCommand({ Bucket: "toucan-site", Key: "index.html" }));
      assert.strictEqual(await index.Body!.transformToString(), expectedV1()["index.html"]);
      assert.strictEqual(invalidations.length, 1);
      // Without the credentials the same run is refused by the registry: they are what made it work.
      await assert.rejects(
        siteDeployProvider({ s3: () => client, cacheDir: freshCache(), log: () => undefined }).create!({
          ...inputs,
          registryCredentials: undefined,
        }),
        /requires credentials/,
      );
    } finally {
      client.destroy();
      await s3.close();
      fs.rmSync(s3dir, { recursive: true, force: true });
    }
  });

  it("says clearly when the tag does not exist or the prefix holds no files", async () => {
    await assert.rejects(
      extractImageFiles({ image: `${front!.host}/toucan/frontend:v404`, cacheDir: freshCache() }),
      (e: Error) =>
        e instanceof RegistryError && e.status === 404 && /frontend:v404: not found/.test(e.message),
    );
    await assert.rejects(
      extractImageFiles({
        image: `${front!.host}/toucan/frontend:v1`,
        cacheDir: freshCache(),
        prefix: "/srv/www",
      }),
      (e: Error) =>
        e instanceof ImageExtractionError &&
        /no files under \/srv\/www; index.html files exist at \/usr\/share\/nginx\/html/.test(e.message),
    );
  });

  it("extracts another prefix into its own cache entry", async () => {
    const cacheDir = freshCache();
    const image = `${front!.host}/toucan/frontend:v1`;
    const nginx = await extractImageFiles({ image, cacheDir, prefix: "/etc/nginx" });
    assert.deepStrictEqual(nginx.files, ["conf.d/default.conf"]);
    const html = await extractImageFiles({ image, cacheDir });
    assert.notStrictEqual(html.dir, nginx.dir);
    assert.strictEqual(html.fromCache, false);
  });
});
