import * as assert from "assert";
import { ToucanArgumentError } from "../components/core/errors";
import {
  EMBED_PARAMS_PATH,
  TC_PARAMS_PATH,
  normalizeApiBaseRoute,
  renderEmbedParams,
  renderTcParams,
} from "../components/static/tc-params";

/**
 * How tools in the wild read tc-params.js (see DESIGN.md): strip the prefix, delete tabs, newlines
 * and `;`, parse the rest as strict JSON.
 */
function parseLikeTheTools(source: string): Record<string, unknown> {
  const prefix = "window.TC_PARAMS = ";
  assert.ok(source.startsWith(prefix), `starts with ${JSON.stringify(prefix)}`);
  return JSON.parse(source.slice(prefix.length).replace(/[\t\n;]/g, ""));
}

/** How a browser reads it. */
function evaluateLikeABrowser(source: string): Record<string, unknown> {
  const window: { TC_PARAMS?: Record<string, unknown> } = {};
  new Function("window", source)(window);
  return window.TC_PARAMS!;
}

describe("static: tc-params.js and embed-params.json", () => {
  it("writes the generated files where the frontend reads them", () => {
    assert.strictEqual(TC_PARAMS_PATH, "scripts/tc-params.js");
    assert.strictEqual(EMBED_PARAMS_PATH, "embed-params.json");
  });

  it("GIVEN an API base route WHEN rendered THEN the tools' parse gives it back, trailing slash stripped", () => {
    const source = renderTcParams({ apiBaseRoute: "https://toucan-api.example.com/" });
    assert.match(
      source,
      /^window\.TC_PARAMS = \{\n {2}"API_BASEROUTE": "https:\/\/toucan-api\.example\.com"\n\};\n$/,
    );
    assert.deepStrictEqual(parseLikeTheTools(source), { API_BASEROUTE: "https://toucan-api.example.com" });
  });

  it("strips every trailing slash and keeps a path prefix", () => {
    assert.strictEqual(
      normalizeApiBaseRoute("https://toucan.example.com/_api//"),
      "https://toucan.example.com/_api",
    );
    assert.strictEqual(normalizeApiBaseRoute("https://toucan.example.com"), "https://toucan.example.com");
  });

  it("writes MIXPANEL_ANALYTICS_ID only when given", () => {
    assert.ok(
      !(
        "MIXPANEL_ANALYTICS_ID" in
        parseLikeTheTools(renderTcParams({ apiBaseRoute: "https://a.example.com" }))
      ),
    );
    const parsed = parseLikeTheTools(
      renderTcParams({ apiBaseRoute: "https://a.example.com", mixpanelAnalyticsId: "abc123" }),
    );
    assert.strictEqual(parsed.MIXPANEL_ANALYTICS_ID, "abc123");
  });

  it("GIVEN values with quotes, backslashes, unicode, `;`, tabs and newlines THEN both tools and browsers read them back exactly", () => {
    const extra = {
      QUOTES: `say "hi" and 'bye'`,
      BACKSLASH: "C:\\path\\to\\dir \\n not a newline",
      UNICODE: "Café – 東京 – 🦜 – \u2028 line separator",
      SEMICOLON: "a;b;;c; window.x = 1;",
      WHITESPACE: "tab\there\nnewline\r\nend",
      NESTED: { list: [1, 2.5, true, null, "x;y"], empty: {} },
      "KEY;WITH;SEMICOLONS": "ok",
    };
    const source = renderTcParams({ apiBaseRoute: "https://api.example.com", extra });
    const expected = { API_BASEROUTE: "https://api.example.com", ...extra };
    assert.deepStrictEqual(parseLikeTheTools(source), expected);
    assert.deepStrictEqual(evaluateLikeABrowser(source), expected);
  });

  it("escapes `;` and every non-ASCII character, so the file is ASCII and its only `;` ends the statement", () => {
    const source = renderTcParams({ apiBaseRoute: "https://api.example.com", extra: { X: "é;🦜" } });
    assert.ok(
      [...source].every((c) => c.charCodeAt(0) < 0x80),
      "ASCII only",
    );
    assert.strictEqual(source.indexOf(";"), source.length - 2);
    assert.ok(!source.includes("\t"), "no raw tab");
  });

  it("GIVEN the image's embed-params.json THEN API_BASEROUTE is set and its other keys are kept", () => {
    const out = renderEmbedParams(
      { apiBaseRoute: "https://api.example.com/" },
      '{"API_BASEROUTE": "http://localhost:5000", "EMBED_THEME": "light"}',
    );
    assert.deepStrictEqual(JSON.parse(out), {
      API_BASEROUTE: "https://api.example.com",
      EMBED_THEME: "light",
    });
    assert.deepStrictEqual(JSON.parse(renderEmbedParams({ apiBaseRoute: "https://api.example.com" })), {
      API_BASEROUTE: "https://api.example.com",
    });
  });

  it("rejects an embed-params.json from the image that is not a JSON object", () => {
    assert.throws(() => renderEmbedParams({ apiBaseRoute: "https://a.example.com" }, "not json"), /not JSON/);
    assert.throws(
      () => renderEmbedParams({ apiBaseRoute: "https://a.example.com" }, "[1]"),
      /not a JSON object/,
    );
  });

  const badRoutes: Array<[string, RegExp]> = [
    ["", /must be a URL/],
    ["toucan-api.example.com", /not an absolute URL/],
    ["/_api", /not an absolute URL/],
    ["http://toucan-api.example.com", /must use https/],
    ["ftp://toucan-api.example.com", /must be an https/],
    ["https://user:pw@toucan-api.example.com", /credentials/],
    ["https://toucan-api.example.com/?x=1", /query string/],
    ["https://toucan-api.example.com/#top", /fragment/],
    [" https://toucan-api.example.com", /whitespace/],
  ];
  for (const [value, problem] of badRoutes) {
    it(`rejects API_BASEROUTE ${JSON.stringify(value)} with an error naming the argument and the value`, () => {
      assert.throws(
        () => renderTcParams({ apiBaseRoute: value }),
        (error: unknown) =>
          error instanceof ToucanArgumentError &&
          error.argument === "apiBaseRoute" &&
          problem.test(error.message) &&
          error.message.includes("Fix:"),
      );
    });
  }

  it("accepts http:// on localhost only", () => {
    assert.strictEqual(normalizeApiBaseRoute("http://localhost:8000/"), "http://localhost:8000");
    assert.strictEqual(normalizeApiBaseRoute("http://127.0.0.1:8000"), "http://127.0.0.1:8000");
  });

  it("rejects extra keys that JSON cannot hold or that have their own argument", () => {
    const api = "https://a.example.com";
    assert.throws(() => renderTcParams({ apiBaseRoute: api, extra: { API_BASEROUTE: "x" } }), /apiBaseRoute/);
    assert.throws(() => renderTcParams({ apiBaseRoute: api, extra: { N: Number.NaN } }), /finite number/);
    assert.throws(
      () => renderTcParams({ apiBaseRoute: api, extra: { F: (() => 1) as unknown as string } }),
      /JSON cannot hold/,
    );
    assert.throws(
      () => renderTcParams({ apiBaseRoute: api, mixpanelAnalyticsId: "" }),
      /mixpanelAnalyticsId/,
    );
  });
});

describe("static: the exact messages of bad tc-params input, and the edges of each rule", () => {
  const API = "https://a.example.com";
  const URL_FIX =
    "give the backend's public URL, e.g. https://toucan-api.example.com or https://toucan.example.com/_api";
  const JSON_FIX = "use strings, numbers, booleans, null, arrays or plain objects";
  const messageOf = (fn: () => unknown): string => {
    try {
      fn();
    } catch (error) {
      assert.ok(error instanceof ToucanArgumentError, String(error));
      return error.message;
    }
    return assert.fail("nothing was thrown");
  };

  const routes: Array<[unknown, string, string?]> = [
    [undefined, "is not set and must be a URL"],
    ["   ", 'is "   ": must be a URL'],
    ["https://a.example.com/a b", 'is "https://a.example.com/a b": must not contain whitespace'],
    [
      "http://toucan-api.example.com/x",
      'is "http://toucan-api.example.com/x": must use https:// (browsers block an https page calling an http API)',
      "use https://toucan-api.example.com/x",
    ],
    [
      "https://user@a.example.com",
      'is "https://user@a.example.com": must not contain credentials (they would be public in tc-params.js)',
    ],
    ["https://a.example.com/?", 'is "https://a.example.com/?": must not have a query string'],
    ["https://a.example.com/#", 'is "https://a.example.com/#": must not have a fragment'],
  ];
  for (const [value, problem, fix = URL_FIX] of routes) {
    it(`refuses API_BASEROUTE ${JSON.stringify(value)}: ${problem.slice(problem.indexOf(":") + 2)}`, () => {
      assert.strictEqual(
        messageOf(() => normalizeApiBaseRoute(value as string)),
        `StaticFrontend: \`apiBaseRoute\` ${problem}. Fix: ${fix}`,
      );
    });
  }

  it("accepts http:// on each loopback name", () => {
    for (const route of ["http://localhost:8000", "http://127.0.0.1:8000", "http://[::1]:8000"]) {
      assert.strictEqual(normalizeApiBaseRoute(`${route}/`), route);
    }
  });

  it("refuses a Mixpanel token that is not a non-empty string", () => {
    for (const [token, shown] of [
      [42, "42"],
      ["  ", '"  "'],
    ] as const) {
      assert.strictEqual(
        messageOf(() => renderTcParams({ apiBaseRoute: API, mixpanelAnalyticsId: token as string })),
        `StaticFrontend: \`mixpanelAnalyticsId\` is ${shown}: must be a non-empty string. ` +
          "Fix: give your Mixpanel project's token, or leave it out",
      );
    }
  });

  it("sends extra keys that have their own argument to it, and refuses an empty key", () => {
    assert.strictEqual(
      messageOf(() => renderTcParams({ apiBaseRoute: API, extra: { API_BASEROUTE: "x" } })),
      'StaticFrontend: `extra.API_BASEROUTE` is "x": is set by its own argument. Fix: use `apiBaseRoute`',
    );
    assert.strictEqual(
      messageOf(() => renderTcParams({ apiBaseRoute: API, extra: { MIXPANEL_ANALYTICS_ID: "t" } })),
      'StaticFrontend: `extra.MIXPANEL_ANALYTICS_ID` is "t": is set by its own argument. Fix: use `mixpanelAnalyticsId`',
    );
    for (const key of ["", " "]) {
      assert.strictEqual(
        messageOf(() => renderTcParams({ apiBaseRoute: API, extra: { [key]: 1 } })),
        `StaticFrontend: \`extra\` is ${JSON.stringify(key)}: has an empty key. Fix: remove it`,
      );
    }
  });

  it("names the path of a value JSON cannot hold, inside arrays and objects", () => {
    const cycle: Record<string, unknown> = {};
    cycle.self = cycle;
    const cases: Array<[unknown, string]> = [
      [
        { b: [1, Number.NaN] },
        '`extra.A.b[1]` is "NaN": is not a finite number (JSON has no NaN or Infinity)',
      ],
      [
        { n: Number.POSITIVE_INFINITY },
        '`extra.A.n` is "Infinity": is not a finite number (JSON has no NaN or Infinity)',
      ],
      [cycle, '`extra.A.self` is "[object Object]": contains a cycle'],
      [[new Date(0)], `\`extra.A[0]\` is ${JSON.stringify(String(new Date(0)))}: is not a plain object`],
    ];
    for (const [value, message] of cases) {
      assert.strictEqual(
        messageOf(() => renderTcParams({ apiBaseRoute: API, extra: { A: value as string } })),
        `StaticFrontend: ${message}. Fix: ${JSON_FIX}`,
      );
    }
  });

  it("takes an object without a prototype, and the same object twice when it is not a cycle", () => {
    const bare = Object.assign(Object.create(null) as Record<string, string>, { k: "v" });
    const shared = { x: 1 };
    const out = renderTcParams({ apiBaseRoute: API, extra: { B: bare, S: [shared, shared] } as never });
    assert.strictEqual(
      out,
      'window.TC_PARAMS = {\n  "API_BASEROUTE": "https://a.example.com",\n  "B": {\n    "k": "v"\n  },\n' +
        '  "S": [\n    {\n      "x": 1\n    },\n    {\n      "x": 1\n    }\n  ]\n};\n',
    );
  });

  it("treats a blank embed-params.json as none, and refuses JSON that is not an object", () => {
    for (const blank of ["  \n", Buffer.from(" ")]) {
      assert.strictEqual(
        renderEmbedParams({ apiBaseRoute: API }, blank),
        '{\n  "API_BASEROUTE": "https://a.example.com"\n}\n',
      );
    }
    for (const base of ["null", "42", '"x"', "[1]"]) {
      assert.throws(
        () => renderEmbedParams({ apiBaseRoute: API }, base),
        (error: Error) =>
          error.message ===
          "embed-params.json from the image is not a JSON object; cannot set API_BASEROUTE in it",
        base,
      );
    }
  });
});
