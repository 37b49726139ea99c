import * as assert from "assert";
import * as crypto from "crypto";
import * as fs from "fs";
import * as path from "path";
import {
  CACHE_DEFAULT,
  CACHE_IMMUTABLE,
  buildManifest,
  cacheControlFor,
  contentTypeFor,
  isFingerprinted,
  manifestDigest,
} from "../components/static/manifest";
import { renderTcParams } from "../components/static/tc-params";
import { FIXTURES, copyTree, tempDir } from "./fixtures/static/tools";

const SITE = path.join(FIXTURES, "site");

describe("static: asset manifest", () => {
  let scratch: string;
  before(() => (scratch = tempDir("manifest")));
  after(() => fs.rmSync(scratch, { recursive: true, force: true }));

  /** A fresh copy of the fixture site. */
  function siteCopy(name: string): string {
    const dir = path.join(scratch, name);
    copyTree(SITE, dir);
    return dir;
  }

  const types: Array<[string, string]> = [
    ["index.html", "text/html; charset=utf-8"],
    ["app.3f9a1c2b.js", "text/javascript; charset=utf-8"],
    ["module.MJS", "text/javascript; charset=utf-8"],
    ["style.css", "text/css; charset=utf-8"],
    ["embed-params.json", "application/json"],
    ["app.js.map", "application/json"],
    ["img/logo.svg", "image/svg+xml"],
    ["img/logo.png", "image/png"],
    ["img/photo.jpg", "image/jpeg"],
    ["img/anim.gif", "image/gif"],
    ["img/pic.webp", "image/webp"],
    ["favicon.ico", "image/x-icon"],
    ["fonts/a.woff", "font/woff"],
    ["fonts/a.woff2", "font/woff2"],
    ["fonts/a.ttf", "font/ttf"],
    ["fonts/a.eot", "application/vnd.ms-fontobject"],
    ["tucana-version.txt", "text/plain; charset=utf-8"],
    ["sitemap.xml", "application/xml"],
    ["engine.wasm", "application/wasm"],
    ["docs/guide.pdf", "application/pdf"],
    ["LICENSE", "application/octet-stream"],
    ["archive.tar.zst", "application/octet-stream"],
    [".htaccess", "application/octet-stream"],
  ];
  for (const [file, type] of types) {
    it(`serves ${file} as ${type}`, () => assert.strictEqual(contentTypeFor(file), type));
  }

  const caching: Array<[string, string]> = [
    ["index.html", "no-cache"],
    ["embed/index.html", "no-cache"],
    ["app.3f9a1c2b.html", "no-cache"],
    ["scripts/tc-params.js", "no-cache"],
    ["embed-params.json", "no-cache"],
    ["tucana-version.txt", "no-cache"],
    ["app.3f9a1c2b.js", CACHE_IMMUTABLE],
    ["main-3f9a1c2b4e5d.chunk.js", CACHE_IMMUTABLE],
    ["fonts/lato.8c1d2e3f.woff2", CACHE_IMMUTABLE],
    ["app.3f9a1c2b.js.map", CACHE_IMMUTABLE],
    ["vendor.k3j9x2m1q8.js", CACHE_IMMUTABLE], // base36
    ["style.css", CACHE_DEFAULT],
    ["bootstrap.min.js", CACHE_DEFAULT], // a 9-letter word is not a hash
    ["html5shiv.js", CACHE_DEFAULT],
    ["base64url.js", CACHE_DEFAULT],
    ["report-20240101.pdf", CACHE_DEFAULT], // a date is not a hash
    ["deadbeef.js", CACHE_DEFAULT], // hex-looking word without a digit
    ["3f9a1c2b/app.js", CACHE_DEFAULT], // only the file name counts
    ["img/logo.png", CACHE_DEFAULT],
  ];
  for (const [file, cacheControl] of caching) {
    it(`caches ${file} with "${cacheControl}"`, () =>
      assert.strictEqual(cacheControlFor(file), cacheControl));
  }

  it("recognises fingerprints only in the file name", () => {
    assert.ok(isFingerprinted("static/js/2.a1b2c3d4.chunk.js"));
    assert.ok(!isFingerprinted("a1b2c3d4/index.js"));
  });

  it("GIVEN the fixture site THEN lists every file, sorted, with hash, size and headers", () => {
    const manifest = buildManifest(SITE);
    assert.deepStrictEqual(
      manifest.entries.map((e) => e.path),
      [
        "app.3f9a1c2b.js",
        "embed-params.json",
        "fonts/lato.8c1d2e3f.woff2",
        "img/logo.png",
        "index.html",
        "robots.txt",
        "scripts/tc-params.js",
        "style.css",
        "tucana-version.txt",
      ],
    );
    const style = manifest.entries.find((e) => e.path === "style.css")!;
    assert.deepStrictEqual(style, {
      path: "style.css",
      sha256: crypto
        .createHash("sha256")
        .update(fs.readFileSync(path.join(SITE, "style.css")))
        .digest("hex"),
      size: fs.statSync(path.join(SITE, "style.css")).size,
      contentType: "text/css; charset=utf-8",
      cacheControl: CACHE_DEFAULT,
    });
    assert.match(manifest.digest, /^sha256:[a-f0-9]{64}$/);
  });

  it("GIVEN generated files THEN they replace the folder's copies (and may add files)", () => {
    const tcParams = renderTcParams({ apiBaseRoute: "https://api.example.com" });
    const manifest = buildManifest(SITE, {
      overrides: { "scripts/tc-params.js": tcParams, "/extra/generated.json": "{}" },
    });
    const entry = manifest.entries.find((e) => e.path === "scripts/tc-params.js")!;
    assert.strictEqual(entry.size, Buffer.byteLength(tcParams));
    assert.notStrictEqual(
      entry.sha256,
      buildManifest(SITE).entries.find((e) => e.path === entry.path)!.sha256,
    );
    assert.ok(manifest.entries.some((e) => e.path === "extra/generated.json"));
  });

  it("GIVEN a folder without index.html THEN says which folder and what it should be", () => {
    const dir = siteCopy("no-index");
    fs.rmSync(path.join(dir, "index.html"));
    assert.throws(
      () => buildManifest(dir),
      (e: Error) => e.message.includes(dir) && /no index\.html/.test(e.message),
    );
    assert.throws(() => buildManifest(path.join(scratch, "missing")), /does not exist/);
  });

  it("refuses site files under .toucan/, where the sync keeps its state", () => {
    const dir = siteCopy("state-clash");
    fs.mkdirSync(path.join(dir, ".toucan"));
    fs.writeFileSync(path.join(dir, ".toucan", "manifest.json"), "{}");
    assert.throws(() => buildManifest(dir), /\.toucan\//);
  });

  it("rejects override paths that leave the site", () => {
    assert.throws(() => buildManifest(SITE, { overrides: { "../x.js": "" } }), /plain relative path/);
  });

  describe("digest", () => {
    it("is the same for the same content, whatever the folder, the times or the entry order", () => {
      const a = siteCopy("same-a");
      const b = siteCopy("same-b");
      fs.utimesSync(path.join(b, "style.css"), new Date(0), new Date(0));
      const ma = buildManifest(a);
      assert.strictEqual(ma.digest, buildManifest(b).digest);
      assert.strictEqual(manifestDigest([...ma.entries].reverse()), ma.digest);
    });

    it("changes when one byte of one file changes, and back when it is restored", () => {
      const dir = siteCopy("one-byte");
      const before = buildManifest(dir).digest;
      const file = path.join(dir, "img", "logo.png");
      const original = fs.readFileSync(file);
      const changed = Buffer.from(original);
      changed[changed.length - 1] ^= 1;
      fs.writeFileSync(file, changed);
      assert.notStrictEqual(buildManifest(dir).digest, before);
      fs.writeFileSync(file, original);
      assert.strictEqual(buildManifest(dir).digest, before);
    });

    it("changes when a file is added, removed or renamed", () => {
      const dir = siteCopy("rename");
      const before = buildManifest(dir).digest;
      fs.renameSync(path.join(dir, "robots.txt"), path.join(dir, "robots2.txt"));
      const renamed = buildManifest(dir).digest;
      assert.notStrictEqual(renamed, before);
      fs.rmSync(path.join(dir, "robots2.txt"));
      assert.notStrictEqual(buildManifest(dir).digest, renamed);
    });

    it("changes when a generated file changes", () => {
      const one = buildManifest(SITE, { overrides: { "scripts/tc-params.js": "a" } }).digest;
      const two = buildManifest(SITE, { overrides: { "scripts/tc-params.js": "b" } }).digest;
      assert.notStrictEqual(one, two);
    });
  });
});

describe("static: manifest rules at their edges (headers written as the browser receives them)", () => {
  let scratch: string;
  before(() => (scratch = tempDir("manifest-edges")));
  after(() => fs.rmSync(scratch, { recursive: true, force: true }));

  const headers: Array<[string, string, string]> = [
    ["page.htm", "text/html; charset=utf-8", "no-cache"],
    ["img/photo.jpeg", "image/jpeg", "public, max-age=3600"],
    ["app.3f9a1c2b.js", "text/javascript; charset=utf-8", "public, max-age=31536000, immutable"],
    ["index.html.gz", "application/octet-stream", "public, max-age=3600"],
    // a dot-file has no extension (as path.extname(".html") === "")
    ["errors/.html", "application/octet-stream", "no-cache"],
    [".json", "application/octet-stream", "public, max-age=3600"],
    // the hash must be in the file name, not in a folder or the extension
    ["cache.3f9a1c2b/LICENSE", "application/octet-stream", "public, max-age=3600"],
    ["LICENSE.3f9a1c2b", "application/octet-stream", "public, max-age=3600"],
    // a file named by its hash alone
    ["3f9a1c2b", "application/octet-stream", "public, max-age=31536000, immutable"],
    ["app.3f9a1c2.js", "text/javascript; charset=utf-8", "public, max-age=3600"], // 7 hex characters
    ["app.1234567a.js", "text/javascript; charset=utf-8", "public, max-age=31536000, immutable"], // hex, one switch
    ["app.xyz12345abc.js", "text/javascript; charset=utf-8", "public, max-age=3600"], // base36, 2 switches
    ["app.abcd1234efgh5.js", "text/javascript; charset=utf-8", "public, max-age=31536000, immutable"], // 3 switches
    ["app.12ghijkl34.js", "text/javascript; charset=utf-8", "public, max-age=3600"], // 2 switches, ends on a digit
    ["A1B2C3D4X.js", "text/javascript; charset=utf-8", "public, max-age=3600"], // capitals are not base36 here
    ["app.k3j9x2m1Q.js", "text/javascript; charset=utf-8", "public, max-age=3600"],
    ["app.Qk3j9x2m1.js", "text/javascript; charset=utf-8", "public, max-age=3600"],
  ];
  for (const [file, contentType, cacheControl] of headers) {
    it(`serves ${file} as ${contentType} with "${cacheControl}"`, () => {
      assert.strictEqual(contentTypeFor(file), contentType);
      assert.strictEqual(cacheControlFor(file), cacheControl);
    });
  }

  it("takes index.html from the generated files when the folder has none, and sorts them in", () => {
    const dir = path.join(scratch, "generated-index");
    fs.mkdirSync(dir);
    fs.writeFileSync(path.join(dir, "style.css"), "a{}");
    const manifest = buildManifest(dir, {
      overrides: { "index.html": "<html></html>", "//0.txt": "zero" },
    });
    assert.deepStrictEqual(
      manifest.entries.map((e) => [e.path, e.size]),
      [
        ["0.txt", 4],
        ["index.html", 13],
        ["style.css", 3],
      ],
    );
  });

  it("says which folder has no index.html and where it lives in the image", () => {
    const dir = path.join(scratch, "empty");
    fs.mkdirSync(dir);
    assert.throws(
      () => buildManifest(dir),
      (e: Error) =>
        e.message ===
        `site folder ${dir} has no index.html at its root: is it the frontend's document root (/usr/share/nginx/html in the image)?`,
    );
  });

  for (const key of ["/", "a//b.js", "./a.js", "a/./b.js", "a/../b.js", ".."]) {
    it(`refuses the generated-file path ${JSON.stringify(key)}`, () => {
      assert.throws(
        () => buildManifest(path.join(FIXTURES, "site"), { overrides: { [key]: "x" } }),
        (e: Error) =>
          e.message ===
          `override path ${JSON.stringify(key)} is not a plain relative path like scripts/tc-params.js`,
      );
    });
  }

  it("serves a link to a file as the file, and skips links to folders and dangling links", () => {
    const dir = path.join(scratch, "links");
    fs.mkdirSync(path.join(dir, "real"), { recursive: true });
    fs.writeFileSync(path.join(dir, "index.html"), "<html></html>");
    fs.writeFileSync(path.join(dir, "real", "a.txt"), "abc");
    fs.symlinkSync(path.join(dir, "real", "a.txt"), path.join(dir, "link.txt"));
    fs.symlinkSync(path.join(dir, "real"), path.join(dir, "folder-link"));
    fs.symlinkSync(path.join(dir, "missing.txt"), path.join(dir, "dangling.txt"));
    assert.deepStrictEqual(
      buildManifest(dir).entries.map((e) => [e.path, e.size]),
      [
        ["index.html", 13],
        ["link.txt", 3],
        ["real/a.txt", 3],
      ],
    );
  });
});
