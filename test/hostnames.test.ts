import { strict as assert } from "assert";
import {
  certificateCovers,
  distinctValidationNames,
  hostnameProblem,
  isValidHostname,
  validationName,
} from "../components/core/hostnames";

describe("host name validation", () => {
  const valid: [string, boolean][] = [
    ["toucan.example.com", false],
    ["api-toucan.example.com", false],
    ["a.b", false],
    ["xn--bcher-kva.example", false],
    ["1st.example.com", false],
    ["*.example.com", true],
    [`${"a".repeat(63)}.example.com`, false],
    [`${["a", "b", "c"].map((c) => c.repeat(63)).join(".")}.${"d".repeat(57)}.com`, false], // 253 characters
  ];
  for (const [name, wildcard] of valid) {
    it(`GIVEN ${name.length > 40 ? `${name.slice(0, 20)}... (${name.length})` : name} THEN it is valid`, () => {
      assert.equal(hostnameProblem(name, { wildcard }), undefined);
    });
  }

  const invalid: [string, RegExp, boolean?][] = [
    ["", /empty/],
    ["Toucan.example.com", /uppercase/],
    ["toucan.example.com.", /ends with a dot/],
    ["localhost", /single label/],
    ["a..example.com", /empty label/],
    ["-a.example.com", /label "-a"/],
    ["a-.example.com", /label "a-"/],
    ["a_b.example.com", /label "a_b"/],
    ["toucan example.com", /label "toucan example"/],
    [`${"a".repeat(64)}.example.com`, /64 characters/],
    [`${["a", "b", "c"].map((c) => c.repeat(63)).join(".")}.${"d".repeat(58)}.com`, /254 characters long/],
    ["*.example.com", /wildcard, which is not accepted/, false],
    ["a.*.example.com", /not the first label/, true],
    ["*a.example.com", /whole label/, true],
    ["*.com", /top-level domain/, true],
    ["10.0.0.1", /numeric label/],
  ];
  for (const [name, problem, wildcard] of invalid) {
    it(`GIVEN ${JSON.stringify(name.length > 40 ? `${name.slice(0, 20)}...` : name)} THEN it is refused: ${problem.source}`, () => {
      assert.match(hostnameProblem(name, { wildcard: wildcard ?? false }) ?? "(valid)", problem);
      assert.equal(isValidHostname(name, { wildcard: wildcard ?? false }), false);
    });
  }
});

describe("certificateCovers", () => {
  const cases: [string[], string, boolean][] = [
    [["toucan.example.com"], "toucan.example.com", true],
    [["toucan.example.com"], "api.example.com", false],
    [["*.example.com"], "a.example.com", true],
    [["*.example.com"], "api-toucan.example.com", true],
    [["*.example.com"], "example.com", false],
    [["*.example.com"], "a.b.example.com", false],
    [["*.example.com"], "a.example.org", false],
    [["*.example.com"], "aexample.com", false],
    [["*.example.com"], "*.example.com", true], // the same wildcard
    [["*.b.example.com"], "*.example.com", false],
    [["example.com", "*.example.com"], "example.com", true],
    [["example.com", "*.example.com"], "x.example.com", true],
    [["TOUCAN.example.com"], "toucan.EXAMPLE.com", true], // DNS ignores case
    [[], "toucan.example.com", false],
  ];
  for (const [names, host, covered] of cases) {
    it(`${JSON.stringify(names)} ${covered ? "covers" : "does not cover"} ${host}`, () => {
      assert.equal(certificateCovers(names, host), covered);
    });
  }
});

describe("DNS validation names", () => {
  it("GIVEN a wildcard THEN it is validated under its base name", () => {
    assert.equal(validationName("*.example.com"), "example.com");
    assert.equal(validationName("toucan.example.com"), "toucan.example.com");
  });

  it("GIVEN a name and its wildcard THEN they share one record, in order of first appearance", () => {
    assert.deepEqual(distinctValidationNames(["*.example.com", "toucan.example.com", "example.com"]), [
      "example.com",
      "toucan.example.com",
    ]);
  });
});

describe("host names and certificates at the edges (RFC 1123 labels, RFC 6125 wildcards)", () => {
  it("words each problem the way the user reads it", () => {
    assert.equal(hostnameProblem(""), "is empty");
    assert.equal(
      hostnameProblem(`${"a".repeat(64)}.example.com`),
      'has the label "aaaaaaaaaaaaaaaaaaaa..." of 64 characters; DNS allows at most 63',
    );
    assert.equal(hostnameProblem("10.0.0.10"), "ends with a numeric label (an IP address?)");
  });

  it("takes a last label that mixes letters and digits", () => {
    for (const name of ["toucan.example.b2", "toucan.example.1b"]) {
      assert.equal(hostnameProblem(name), undefined, name);
      assert.equal(isValidHostname(name), true, name);
    }
    assert.equal(isValidHostname("10.0.0.10"), false);
  });

  it("covers a host by its own name or a wildcard one label up, nothing else", () => {
    assert.equal(certificateCovers(["a.example.com"], "b.example.com"), false, "a sibling name");
    assert.equal(certificateCovers(["*.example.com"], ".example.com"), false, "an empty first label");
    assert.equal(certificateCovers(["*.example.com"], "localhost"), false, "a single label");
    assert.equal(certificateCovers(["*.example.com"], "B.Example.com"), true, "case is ignored");
  });
});
