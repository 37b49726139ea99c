/**
 * The grammars and fixed names of the pure modules at their edges, each case written from its
 * specification: Docker's reference grammar (github.com/distribution/reference, regexp.go), the vendor's
 * version tags, RFC 4632 CIDR text, POSIX environment variable names, the static site's Cache-Control
 * and Content-Type rules, CloudFront Functions' runtime name, and the backend's screenshot variable.
 */
import { strict as assert } from "assert";
import { parseImageRef } from "../components/core/image-ref";
import { parseCidr } from "../components/core/cidr";
import { ArgumentChecks, SECRET_PLACEHOLDER, ToucanArgumentError } from "../components/core/errors";
import {
  backendEnvironment,
  checkPlainEnvironment,
  gunicornWorkers,
  majorOf,
} from "../components/core/toucan-config";
import { cacheControlFor, contentTypeFor, isFingerprinted } from "../components/static/manifest";
import { normalizeApiBaseRoute, renderTcParams } from "../components/static/tc-params";
import {
  CLOUDFRONT_FUNCTION_RUNTIME,
  SPA_FALLBACK_FUNCTION_CODE,
} from "../components/static/cloudfront-function";

const HEX64 = "a".repeat(48) + "0123456789abcdef";
const accepts = (ref: string) => assert.doesNotThrow(() => parseImageRef(ref), ref);
const refuses = (ref: string) => assert.throws(() => parseImageRef(ref), /invalid image reference/, ref);

describe("grammar edges", () => {
  describe("image references (distribution/reference)", () => {
    it("path components: separators `.`, `_`, `__` and any run of `-`, between lowercase alphanumeric runs", () => {
      accepts("registry.example.com/toucan.toco/front--end:v1");
      accepts("registry.example.com/team__bi/front_end.web:v1");
      refuses("registry.example.com/toucantoco/frontend!");
      refuses("registry.example.com/toucantoco/-frontend");
    });

    it("tags: a word character, then up to 127 of [A-Za-z0-9_.-]", () => {
      accepts("quay.io/toucantoco/frontend:v100.5.1");
      refuses("quay.io/toucantoco/frontend:v1!");
      refuses("quay.io/toucantoco/frontend:-v1");
      refuses(`quay.io/toucantoco/frontend:v${"1".repeat(128)}`);
    });

    it("digests: sha256 is exactly 64 lowercase hex; other algorithms ALGORITHM[+-._ALGORITHM]:32+ of [A-Za-z0-9=_-]", () => {
      accepts(`quay.io/toucantoco/frontend@sha256:${HEX64}`);
      refuses(`quay.io/toucantoco/frontend@sha256:${HEX64}a`);
      refuses(`quay.io/toucantoco/frontend@sha256:x${HEX64}`);
      accepts(`quay.io/toucantoco/frontend@sha512:${"A".repeat(32)}`);
      accepts(`quay.io/toucantoco/frontend@sha256+b64u:${"Z".repeat(32)}`);
      refuses(`quay.io/toucantoco/frontend@-sha512:${"A".repeat(32)}`);
      refuses(`quay.io/toucantoco/frontend@sha512:${"A".repeat(32)}!`);
      refuses(`quay.io/toucantoco/frontend@sha512:${"A".repeat(31)}`);
    });

    it("registries: each label alphanumeric at both ends; a bracketed IPv6 holds hex, `:` and `.` only", () => {
      accepts("my-registry.example.com:5000/toucan/backend:v1");
      refuses("registry-.example.com/toucan/backend:v1");
      refuses("-registry.example.com/toucan/backend:v1");
      accepts("[::1]:5000/toucan/backend:v1");
      refuses("[[::1]:5000/toucan/backend:v1");
    });
  });

  it("vendor versions: vMAJOR.MINOR.PATCH with any number of digits, an optional suffix, nothing around", () => {
    assert.equal(majorOf("v100.10.12"), 100);
    assert.equal(majorOf("v100.5.1-beta.2"), 100);
    assert.equal(majorOf("v100.5.1!"), undefined);
    assert.equal(majorOf("xv100.5.1"), undefined);
  });

  it("CIDR blocks: four octets of 1-3 digits and a prefix, nothing around", () => {
    assert.deepEqual(parseCidr("10.0.0.128/25") !== undefined, true);
    assert.equal(parseCidr("x10.0.0.0/16"), undefined);
    assert.equal(parseCidr("10.0.0.0/16x"), undefined);
  });

  it("environment variable names: ^[A-Z_][A-Z0-9_]*$, the whole name", () => {
    const checks = new ArgumentChecks("C");
    checkPlainEnvironment(checks, "environment", { "TOUCAN-X": "1", GOOD_NAME: "1" });
    assert.deepEqual(checks.error()?.message.match(/`environment\.[^`]+`/g), ["`environment.TOUCAN-X`"]);
    assert.throws(
      () => backendEnvironment({ workers: 3, redisVariables: { host: "REDIS-HOST" } }),
      /^ToucanArgumentError: Toucan configuration: `redisVariables.host` is "REDIS-HOST": is not an environment variable name/,
    );
  });

  describe("the backend's screenshot variable", () => {
    it("defaults to TOUCAN_SCREENSHOT_URL", () => {
      const env = backendEnvironment({ workers: 3, screenshot: { url: "http://screenshot.t.internal:80" } });
      assert.equal(env.TOUCAN_SCREENSHOT_URL, "http://screenshot.t.internal:80");
    });

    it("refuses a name that is not a variable name, or that a Redis setting uses, naming the argument", () => {
      assert.throws(
        () => backendEnvironment({ workers: 3, screenshot: { url: "http://s:80", variable: "shot-url" } }),
        (e: Error) =>
          e instanceof ToucanArgumentError &&
          e.message ===
            'Toucan configuration: `screenshot.urlVariable` is "shot-url": is not an environment variable name ' +
              '(^[A-Z_][A-Z0-9_]*$). Fix: use upper-case letters, digits and underscores, e.g. "TOUCAN_SCREENSHOT_URL"',
      );
      assert.throws(
        () =>
          backendEnvironment({
            workers: 3,
            screenshot: { url: "http://s:80", variable: "TOUCAN_REDIS_HOST" },
          }),
        /`screenshot.urlVariable` is "TOUCAN_REDIS_HOST": is also a Redis variable name. Fix: give the screenshot URL a name of its own/,
      );
      assert.throws(
        () =>
          backendEnvironment({
            workers: 3,
            screenshot: { url: "http://s:80" },
            extra: { TOUCAN_SCREENSHOT_URL: "http://other" },
          }),
        /`environment.TOUCAN_SCREENSHOT_URL` is "http:\/\/other": is written from `screenshot`. Fix: use `screenshot`/,
      );
    });
  });

  it("names the default component in its messages", () => {
    assert.throws(() => gunicornWorkers(0), /^ToucanArgumentError: Toucan configuration: /);
  });

  it("never shows the plan's stand-in for an encrypted value", () => {
    assert.equal(SECRET_PLACEHOLDER, "plan-placeholder-secret-value");
    assert.match(
      new ToucanArgumentError("C", "k", "plan-placeholder-secret-value", "is bad", "fix").message,
      /is an encrypted \(secure:\) value that is bad/,
    );
  });

  describe("static site files", () => {
    it("Cache-Control: a year and immutable for fingerprinted names, an hour otherwise", () => {
      assert.equal(cacheControlFor("static/js/main.3f9a1c2b.js"), "public, max-age=31536000, immutable");
      assert.equal(cacheControlFor("img/logo.png"), "public, max-age=3600");
    });

    it("a fingerprint is in the file's name, not in its folder's; a hidden file's whole name is its stem", () => {
      assert.equal(isFingerprinted("x.3f9a1c2b.d/app.js"), false);
      assert.equal(isFingerprinted("cache/.3f9a1c2b"), true);
    });

    it("Content-Type of .htm and .jpeg", () => {
      assert.equal(contentTypeFor("old/page.htm"), "text/html; charset=utf-8");
      assert.equal(contentTypeFor("img/photo.jpeg"), "image/jpeg");
    });

    it("tc-params: errors name StaticFrontend, and MIXPANEL_ANALYTICS_ID is the component's own key", () => {
      assert.throws(
        () => normalizeApiBaseRoute("ftp://x"),
        /^ToucanArgumentError: StaticFrontend: `apiBaseRoute`/,
      );
      assert.throws(
        () =>
          renderTcParams({
            apiBaseRoute: "https://api.example.com",
            extra: { MIXPANEL_ANALYTICS_ID: "x" },
          }),
        /`extra.MIXPANEL_ANALYTICS_ID`.*Fix: use `mixpanelAnalyticsId`/,
      );
    });
  });

  describe("CloudFront Functions", () => {
    it("run on cloudfront-js-2.0 (AWS's runtime name)", () => {
      assert.equal(CLOUDFRONT_FUNCTION_RUNTIME, "cloudfront-js-2.0");
    });

    it("the SPA fallback rewrites app routes to /index.html and leaves file names", () => {
      const handler = new Function(`${SPA_FALLBACK_FUNCTION_CODE}; return handler;`)() as (e: {
        request: { uri: string };
      }) => { uri: string };
      const uri = (path: string) => handler({ request: { uri: path } }).uri;
      assert.equal(uri("/my-app/stories/"), "/index.html");
      assert.equal(uri("/my-app"), "/index.html");
      assert.equal(uri("/scripts/tc-params.js"), "/scripts/tc-params.js");
    });
  });
});
