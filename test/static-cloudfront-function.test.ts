import * as assert from "assert";
import * as vm from "vm";
import {
  CLOUDFRONT_FUNCTION_MAX_BYTES,
  CLOUDFRONT_FUNCTION_RUNTIME,
  SPA_FALLBACK_FUNCTION_CODE,
  STRIP_API_PREFIX_FUNCTION_CODE,
  stripPrefixFunctionCode,
} from "../components/static/cloudfront-function";

interface ViewerRequest {
  method: string;
  uri: string;
  querystring: Record<string, { value: string; multiValue?: Array<{ value: string }> }>;
  headers: Record<string, { value: string }>;
  cookies: Record<string, { value: string }>;
}

/**
 * Loads the code the way CloudFront does: a script defining `handler(event)`, in a context with no
 * Node.js globals at all (no require, process, fetch, setTimeout, Buffer).
 */
function load(code: string): (event: unknown) => ViewerRequest {
  const context = vm.createContext(Object.create(null));
  new vm.Script(code, { filename: "cloudfront-function.js" }).runInContext(context, { timeout: 1000 });
  const handler = vm.runInContext("typeof handler === 'function' ? handler : undefined", context);
  assert.strictEqual(typeof handler, "function", "defines a top-level handler(event)");
  return handler;
}

function viewerRequest(uri: string, querystring: ViewerRequest["querystring"] = {}): unknown {
  return {
    version: "1.0",
    context: {
      distributionDomainName: "d111111abcdef8.cloudfront.net",
      eventType: "viewer-request",
      requestId: "r1",
    },
    viewer: { ip: "198.51.100.11" },
    request: {
      method: "GET",
      uri,
      querystring,
      headers: {
        host: { value: "toucan.example.com" },
        authorization: { value: "Bearer eyJhbGciOi.secret.token" },
        "x-forwarded-for": { value: "198.51.100.11" },
        cookie: { value: "a=b" },
      },
      cookies: { a: { value: "b" } },
    },
  };
}

describe("static: CloudFront function stripping /_api", () => {
  const handler = load(STRIP_API_PREFIX_FUNCTION_CODE);

  const cases: Array<[string, string]> = [
    ["/_api/small-apps", "/small-apps"],
    ["/_api/small-apps/demo/data", "/small-apps/demo/data"],
    ["/_api", "/"],
    ["/_api/", "/"],
    ["/other", "/other"],
    ["/_apiary", "/_apiary"],
    ["/", "/"],
    ["/static/_api/x", "/static/_api/x"],
  ];
  for (const [uri, expected] of cases) {
    it(`rewrites ${uri} to ${expected} and leaves the query string, headers and cookies untouched`, () => {
      const event = viewerRequest(uri, {
        x: { value: "1" },
        y: { value: "a;b", multiValue: [{ value: "a;b" }] },
      });
      const original = JSON.parse(JSON.stringify(event)) as { request: ViewerRequest };
      const result = handler(event);
      assert.deepStrictEqual(JSON.parse(JSON.stringify(result)), { ...original.request, uri: expected });
    });
  }

  it("GIVEN /_api/small-apps?x=1 THEN the backend gets /small-apps with querystring {x:1}", () => {
    const result = handler(viewerRequest("/_api/small-apps", { x: { value: "1" } }));
    assert.strictEqual(result.uri, "/small-apps");
    assert.deepStrictEqual(JSON.parse(JSON.stringify(result.querystring)), { x: { value: "1" } });
    assert.strictEqual(result.headers.authorization.value, "Bearer eyJhbGciOi.secret.token");
  });

  it("uses no Node.js or browser API that the cloudfront-js-2.0 runtime lacks", () => {
    for (const name of [
      "require",
      "fetch",
      "process",
      "module",
      "exports",
      "Buffer",
      "setTimeout",
      "console",
      "import(",
    ]) {
      assert.ok(!STRIP_API_PREFIX_FUNCTION_CODE.includes(name), `does not use ${name}`);
    }
  });

  it("fits CloudFront's code size limit", () => {
    assert.ok(Buffer.byteLength(STRIP_API_PREFIX_FUNCTION_CODE) < CLOUDFRONT_FUNCTION_MAX_BYTES);
  });

  it("strips a custom prefix and rejects prefixes that would need escaping", () => {
    const custom = load(stripPrefixFunctionCode("/backend/v1"));
    assert.strictEqual(custom(viewerRequest("/backend/v1/x")).uri, "/x");
    assert.strictEqual(custom(viewerRequest("/backend/v12")).uri, "/backend/v12");
    for (const bad of ["_api", "/_api/", "/", "/a b", '/a"b']) {
      assert.throws(() => stripPrefixFunctionCode(bad), /must start with "\/"/);
    }
  });
});

describe("static: CloudFront function serving index.html for app routes", () => {
  const handler = load(SPA_FALLBACK_FUNCTION_CODE);

  const cases: Array<[string, string]> = [
    ["/", "/index.html"],
    ["/my-app", "/index.html"],
    ["/my-app/stories/", "/index.html"],
    ["/scripts/tc-params.js", "/scripts/tc-params.js"],
    ["/favicon.ico", "/favicon.ico"],
    ["/v1.2/app", "/index.html"],
  ];
  for (const [uri, expected] of cases) {
    it(`rewrites ${uri} to ${expected}, nothing else`, () => {
      const event = viewerRequest(uri, { x: { value: "1" } }) as { request: ViewerRequest };
      const request = handler(event);
      assert.strictEqual(request.uri, expected);
      assert.deepStrictEqual(request.querystring, { x: { value: "1" } });
      assert.strictEqual(request.headers.authorization.value, "Bearer eyJhbGciOi.secret.token");
    });
  }

  it("declares the cloudfront-js-2.0 runtime (aws.cloudfront.Function `runtime`)", () => {
    assert.strictEqual(CLOUDFRONT_FUNCTION_RUNTIME, "cloudfront-js-2.0");
  });

  it("names a prefix that does not start at the root and the rule it breaks", () => {
    assert.throws(
      () => stripPrefixFunctionCode("x/_api"),
      (e: Error) =>
        e.message ===
        'API path prefix "x/_api" must start with "/", have no trailing slash and use only letters, digits and . _ ~ - (e.g. "/_api")',
    );
  });
});
