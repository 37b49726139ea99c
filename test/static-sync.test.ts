/**
 * The S3 sync against a REAL S3 API on loopback (s3rver), and the CloudFront invalidation helpers.
 */
import * as assert from "assert";
import * as fs from "fs";
import * as path from "path";
import { CloudFrontClient, CreateInvalidationCommand } from "@aws-sdk/client-cloudfront";
import { GetObjectCommand, HeadObjectCommand, ListObjectsV2Command, S3Client } from "@aws-sdk/client-s3";
import { AssetManifest, CACHE_DEFAULT, CACHE_IMMUTABLE, buildManifest } from "../components/static/manifest";
import {
  INVALIDATION_WILDCARD_THRESHOLD,
  InvalidationClient,
  STATE_KEY,
  SyncOptions,
  createInvalidation,
  invalidationPaths,
  stateFromReleases,
  syncToS3,
  uploadPhases,
} from "../components/static/sync";
import { renderEmbedParams, renderTcParams } from "../components/static/tc-params";
import { tempDir } from "./fixtures/static/tools";

/** The part of s3rver (which ships no types) that these tests use. */
interface S3rverServer {
  run(): Promise<{ port: number }>;
  close(): Promise<void>;
}
const S3rver: new (options: {
  address: string;
  port: number;
  silent: boolean;
  directory: string;
  configureBuckets: Array<{ name: string; configs: string[] }>;
}) => S3rverServer = require("s3rver");

const BUCKET = "toucan-site";
/** For the tests outside the release sequence, so they never see each other's objects. */
const OTHER_BUCKET = "toucan-other";
const GRACE = 3600;
const T0 = new Date("2026-01-01T10:00:00Z");
const later = (seconds: number): Date => new Date(T0.getTime() + seconds * 1000);

/** The generated files, as the StaticFrontend would pass them. */
const OVERRIDES = {
  "scripts/tc-params.js": renderTcParams({ apiBaseRoute: "https://api.example.com" }),
  "embed-params.json": renderEmbedParams({ apiBaseRoute: "https://api.example.com" }),
};

describe("static: syncing the site to a real S3 API", function () {
  this.timeout(10_000);
  let server: S3rverServer;
  let client: S3Client;
  let scratch: string;
  /** Keys of PutObject requests, in the order they were sent. */
  let puts: string[] = [];

  before(async () => {
    scratch = tempDir("sync");
    server = new S3rver({
      address: "127.0.0.1",
      port: 0,
      silent: true,
      directory: path.join(scratch, "s3"),
      configureBuckets: [
        { name: BUCKET, configs: [] },
        { name: OTHER_BUCKET, configs: [] },
      ],
    });
    const { port } = await server.run();
    client = new S3Client({
      region: "us-east-1",
      endpoint: `http://127.0.0.1:${port}`,
      forcePathStyle: true,
      credentials: { accessKeyId: "S3RVER", secretAccessKey: "S3RVER" },
    });
    client.middlewareStack.add(
      (next, context) => async (args) => {
        const input = args.input as { Key?: string };
        if (context.commandName === "PutObjectCommand" && input.Key) puts.push(input.Key);
        return next(args);
      },
      { step: "initialize", name: "recordPuts" },
    );
  });

  after(async () => {
    client?.destroy();
    await server?.close();
    fs.rmSync(scratch, { recursive: true, force: true });
  });

  /** Writes a site folder from a map of files (the image's copy of tc-params.js included). */
  function site(name: string, files: Record<string, string>): { dir: string; manifest: AssetManifest } {
    const dir = path.join(scratch, name);
    for (const [file, content] of Object.entries(files)) {
      fs.mkdirSync(path.dirname(path.join(dir, file)), { recursive: true });
      fs.writeFileSync(path.join(dir, file), content);
    }
    return { dir, manifest: buildManifest(dir, { overrides: OVERRIDES }) };
  }

  const release1 = {
    "index.html": "<html>v1</html>",
    "scripts/tc-params.js": 'window.TC_PARAMS = {"API_BASEROUTE": "http://localhost"};',
    "embed-params.json": "{}",
    "app.3f9a1c2b.js": "app v1",
    "chunk.1a2b3c4d.js": "lazy chunk, dropped in release 2",
    "style.css": "body{}",
    "img/logo.png": "png",
    "embed/index.html": "<html>embed</html>",
  };
  const release2: Record<string, string> = { ...release1, "style.css": "body{color:red}" };
  delete release2["chunk.1a2b3c4d.js"];

  async function exists(key: string, bucket = BUCKET): Promise<boolean> {
    try {
      await client.send(new HeadObjectCommand({ Bucket: bucket, Key: key }));
      return true;
    } catch {
      return false;
    }
  }

  function sync(dir: string, manifest: AssetManifest, now: Date, extra: Partial<SyncOptions> = {}) {
    puts = [];
    return syncToS3({
      client,
      bucket: BUCKET,
      sourceDir: dir,
      manifest,
      overrides: OVERRIDES,
      gracePeriodSeconds: GRACE,
      now,
      ...extra,
    });
  }

  describe("a sequence of releases", () => {
    const r1 = (): ReturnType<typeof site> => site("r1", release1);
    const r2 = (): ReturnType<typeof site> => site("r2", release2);

    it("GIVEN an empty bucket WHEN release 1 is synced THEN every file is uploaded, the manifest stored", async () => {
      const { dir, manifest } = r1();
      const result = await sync(dir, manifest, T0);
      assert.deepStrictEqual([...result.uploaded].sort(), Object.keys(release1).sort());
      assert.deepStrictEqual(result.deleted, []);
      assert.deepStrictEqual(result.changedPaths, Object.keys(release1).sort());
      const stored = await client.send(new GetObjectCommand({ Bucket: BUCKET, Key: STATE_KEY }));
      const state = JSON.parse(await stored.Body!.transformToString());
      assert.strictEqual(state.manifest.digest, manifest.digest);
      assert.strictEqual(state.releasedAt, T0.toISOString());
    });

    it("uploaded assets first, then tc-params.js and embed-params.json, then HTML, index.html last", () => {
      const position = (key: string): number => puts.indexOf(key);
      const assets = ["app.3f9a1c2b.js", "chunk.1a2b3c4d.js", "style.css", "img/logo.png"];
      const config = ["scripts/tc-params.js", "embed-params.json"];
      for (const asset of assets)
        for (const c of config) assert.ok(position(asset) < position(c), `${asset} before ${c}`);
      for (const c of config) assert.ok(position(c) < position("embed/index.html"), `${c} before HTML`);
      assert.strictEqual(puts[puts.length - 2], "index.html", "index.html is the last site file");
      assert.strictEqual(puts[puts.length - 1], STATE_KEY, "then the state");
    });

    it("set Content-Type and Cache-Control on each object, and uploaded the generated tc-params.js", async () => {
      const expected: Array<[string, string, string]> = [
        ["index.html", "text/html; charset=utf-8", "no-cache"],
        ["scripts/tc-params.js", "text/javascript; charset=utf-8", "no-cache"],
        ["embed-params.json", "application/json", "no-cache"],
        ["app.3f9a1c2b.js", "text/javascript; charset=utf-8", CACHE_IMMUTABLE],
        ["style.css", "text/css; charset=utf-8", CACHE_DEFAULT],
        ["img/logo.png", "image/png", CACHE_DEFAULT],
      ];
      for (const [key, contentType, cacheControl] of expected) {
        const head = await client.send(new HeadObjectCommand({ Bucket: BUCKET, Key: key }));
        assert.strictEqual(head.ContentType, contentType, key);
        assert.strictEqual(head.CacheControl, cacheControl, key);
      }
      const tcParams = await client.send(
        new GetObjectCommand({ Bucket: BUCKET, Key: "scripts/tc-params.js" }),
      );
      assert.strictEqual(await tcParams.Body!.transformToString(), OVERRIDES["scripts/tc-params.js"]);
    });

    it("GIVEN the same release again THEN uploads nothing and reports nothing changed", async () => {
      const { dir, manifest } = r1();
      const result = await sync(dir, manifest, later(60));
      assert.deepStrictEqual(result.uploaded, []);
      assert.deepStrictEqual(result.changedPaths, []);
      assert.deepStrictEqual(invalidationPaths(result.changedPaths), []);
    });

    it("GIVEN release 2 with one changed file and one dropped THEN uploads exactly that file and keeps the dropped one", async () => {
      const { dir, manifest } = r2();
      const result = await sync(dir, manifest, later(120));
      assert.deepStrictEqual(result.uploaded, ["style.css"]);
      assert.deepStrictEqual(result.changedPaths, ["style.css"]);
      assert.deepStrictEqual(result.deleted, []);
      assert.ok(
        await exists("chunk.1a2b3c4d.js"),
        "the dropped chunk is still served during the grace period",
      );
      assert.deepStrictEqual(result.state.retired, [
        { path: "chunk.1a2b3c4d.js", supersededAt: later(120).toISOString() },
      ]);
    });

    it("GIVEN a release within the grace period THEN still keeps the dropped file", async () => {
      const { dir, manifest } = r2();
      const result = await sync(dir, manifest, later(120 + GRACE - 1));
      assert.deepStrictEqual(result.deleted, []);
      assert.ok(await exists("chunk.1a2b3c4d.js"));
    });

    it("GIVEN release 3 after the grace period THEN deletes the dropped file", async () => {
      const { dir, manifest } = r2();
      const result = await sync(dir, manifest, later(120 + GRACE + 1));
      assert.deepStrictEqual(result.deleted, ["chunk.1a2b3c4d.js"]);
      assert.deepStrictEqual(result.uploaded, []);
      assert.ok(!(await exists("chunk.1a2b3c4d.js")));
      assert.deepStrictEqual(result.state.retired, []);
      const keys = (await client.send(new ListObjectsV2Command({ Bucket: BUCKET })))
        .Contents!.map((o) => o.Key)
        .sort();
      assert.deepStrictEqual(keys, [...Object.keys(release2), STATE_KEY].sort());
    });

    it("GIVEN a dropped file that comes back before its deletion THEN uploads it and forgets its retirement", async () => {
      const { dir: dir2, manifest: m2 } = site("r4", { ...release2, "old.js": "x" });
      await sync(dir2, m2, later(10_000));
      const r5 = site("r5", release2);
      const back = await sync(r5.dir, r5.manifest, later(10_001));
      assert.deepStrictEqual(
        back.state.retired.map((r) => r.path),
        ["old.js"],
      );
      const again = await sync(dir2, m2, later(10_002));
      assert.deepStrictEqual(again.uploaded, ["old.js"]);
      assert.deepStrictEqual(again.state.retired, []);
    });
  });

  it("keeps the site and its state under a key prefix", async () => {
    const { dir, manifest } = site("prefixed", release1);
    const result = await sync(dir, manifest, T0, { bucket: OTHER_BUCKET, prefix: "/frontend/" });
    assert.strictEqual(result.uploaded.length, Object.keys(release1).length);
    assert.ok(await exists("frontend/index.html", OTHER_BUCKET));
    assert.ok(await exists(`frontend/${STATE_KEY}`, OTHER_BUCKET));
  });

  it("GIVEN a release whose only change is a file's Cache-Control THEN uploads that file with the new header", async () => {
    const { dir, manifest } = site("headers", release1);
    await sync(dir, manifest, T0, { bucket: OTHER_BUCKET, prefix: "headers" });
    const changed: AssetManifest = {
      ...manifest,
      entries: manifest.entries.map((e) =>
        e.path === "style.css" ? { ...e, cacheControl: "public, max-age=60" } : e,
      ),
    };
    const result = await sync(dir, changed, later(1), { bucket: OTHER_BUCKET, prefix: "headers" });
    assert.deepStrictEqual(result.uploaded, ["style.css"]);
    assert.deepStrictEqual(result.changedPaths, ["style.css"], "and CloudFront invalidates it");
    const head = await client.send(new HeadObjectCommand({ Bucket: OTHER_BUCKET, Key: "headers/style.css" }));
    assert.strictEqual(head.CacheControl, "public, max-age=60");
  });

  it("re-uploads every file with force, but reports only real changes", async () => {
    const { dir, manifest } = site("forced", release1);
    await sync(dir, manifest, T0, { bucket: OTHER_BUCKET, prefix: "forced" });
    const result = await sync(dir, manifest, later(1), {
      bucket: OTHER_BUCKET,
      prefix: "forced",
      force: true,
    });
    assert.strictEqual(result.uploaded.length, manifest.entries.length);
    assert.deepStrictEqual(result.changedPaths, []);
  });

  it("refuses to upload a file that no longer matches its manifest", async () => {
    const { dir, manifest } = site("stale", release1);
    fs.writeFileSync(path.join(dir, "style.css"), "edited after the manifest");
    await assert.rejects(
      sync(dir, manifest, T0, { bucket: OTHER_BUCKET, prefix: "stale" }),
      /style\.css changed since its manifest was built/,
    );
  });

  it("GIVEN a release history instead of the stored state THEN derives when each dropped file was superseded", () => {
    const m = (paths: string[]): AssetManifest => ({
      digest: paths.join(","),
      entries: paths.map((p) => ({
        path: p,
        sha256: "0".repeat(64),
        size: 1,
        contentType: "x",
        cacheControl: "y",
      })),
    });
    const state = stateFromReleases([
      { manifest: m(["index.html", "b.js"]), releasedAt: later(100) },
      { manifest: m(["index.html", "a.js", "b.js"]), releasedAt: T0 },
      { manifest: m(["index.html"]), releasedAt: later(200) },
    ])!;
    assert.deepStrictEqual(state.retired, [
      { path: "a.js", supersededAt: later(100).toISOString() },
      { path: "b.js", supersededAt: later(200).toISOString() },
    ]);
    assert.strictEqual(state.releasedAt, later(200).toISOString());
  });

  it("orders uploads in phases: assets, config files, other HTML, index.html", () => {
    const entry = (p: string) => ({ path: p, sha256: "", size: 0, contentType: "", cacheControl: "" });
    const phases = uploadPhases(
      ["index.html", "b.js", "embed-params.json", "a/page.html", "scripts/tc-params.js", "a.css"].map(entry),
    );
    assert.deepStrictEqual(
      phases.map((p) => p.map((e) => e.path)),
      [["a.css", "b.js"], ["embed-params.json", "scripts/tc-params.js"], ["a/page.html"], ["index.html"]],
    );
  });
});

describe("static: CloudFront invalidation", () => {
  /** Records what it is sent, like a CloudFrontClient would receive. */
  function fakeClient(): InvalidationClient & { sent: CreateInvalidationCommand[] } {
    const sent: CreateInvalidationCommand[] = [];
    return {
      sent,
      send: async (command: CreateInvalidationCommand) => {
        sent.push(command);
        return {
          $metadata: {},
          Invalidation: {
            Id: "I123",
            Status: "InProgress",
            CreateTime: new Date(),
            InvalidationBatch: command.input.InvalidationBatch,
          },
        };
      },
    };
  }

  it("accepts a real CloudFrontClient (checked by tsc)", () => {
    const real: InvalidationClient = new CloudFrontClient({ region: "us-east-1" });
    assert.strictEqual(typeof real.send, "function");
  });

  it("GIVEN nothing changed THEN no paths and no API call", async () => {
    assert.deepStrictEqual(invalidationPaths([]), []);
    const client = fakeClient();
    assert.strictEqual(await createInvalidation(client, "E123", invalidationPaths([])), undefined);
    assert.strictEqual(client.sent.length, 0);
  });

  it("GIVEN some changed files THEN exactly those paths, with a leading slash", async () => {
    assert.deepStrictEqual(invalidationPaths(["style.css", "scripts/tc-params.js"]), [
      "/scripts/tc-params.js",
      "/style.css",
    ]);
    const client = fakeClient();
    const id = await createInvalidation(client, "E123", ["/style.css"]);
    assert.strictEqual(id, "I123");
    assert.strictEqual(client.sent.length, 1);
    const input = client.sent[0].input;
    assert.strictEqual(input.DistributionId, "E123");
    assert.deepStrictEqual(input.InvalidationBatch!.Paths, { Quantity: 1, Items: ["/style.css"] });
    assert.ok(input.InvalidationBatch!.CallerReference);
  });

  it("GIVEN two deployments of the same paths THEN two distinct caller references (CloudFront drops a repeat)", async () => {
    const client = fakeClient();
    await createInvalidation(client, "E123", ["/index.html"]);
    await createInvalidation(client, "E123", ["/index.html"]);
    const [first, second] = client.sent.map((c) => c.input.InvalidationBatch!.CallerReference);
    assert.ok(first && second);
    assert.notStrictEqual(first, second);
  });

  it("adds / when index.html changed, since the root URL serves it", () => {
    assert.deepStrictEqual(invalidationPaths(["index.html"]), ["/", "/index.html"]);
  });

  it("URL-encodes names, including `*` which would otherwise be a wildcard", () => {
    assert.deepStrictEqual(
      invalidationPaths(["img/my logo.png", "fonts/é.woff", "a*b.js", "q?#.js", "a+b=c@d.js"]),
      ["/a%2Ab.js", "/a+b=c@d.js", "/fonts/%C3%A9.woff", "/img/my%20logo.png", "/q%3F%23.js"],
    );
  });

  it(`collapses to /* above ${INVALIDATION_WILDCARD_THRESHOLD} paths, and not at it`, () => {
    const files = (n: number): string[] => Array.from({ length: n }, (_, i) => `f${i}.js`);
    assert.strictEqual(
      invalidationPaths(files(INVALIDATION_WILDCARD_THRESHOLD)).length,
      INVALIDATION_WILDCARD_THRESHOLD,
    );
    assert.deepStrictEqual(invalidationPaths(files(INVALIDATION_WILDCARD_THRESHOLD + 1)), ["/*"]);
    assert.deepStrictEqual(invalidationPaths(files(5), 3), ["/*"]);
  });
});
