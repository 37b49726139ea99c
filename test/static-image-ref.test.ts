import * as assert from "assert";
import {
  ImageRef,
  ImageRefError,
  formatImageRef,
  isLoopbackRegistry,
  manifestReference,
  parseImageRef,
} from "../components/core/image-ref";

const DIGEST = `sha256:${"ab12".repeat(16)}`;

describe("static: image references", () => {
  const valid: Array<[string, ImageRef]> = [
    [
      "quay.io/toucantoco/frontend:v100.5.1",
      { registry: "quay.io", repository: "toucantoco/frontend", tag: "v100.5.1" },
    ],
    [
      `quay.io/toucantoco/frontend@${DIGEST}`,
      { registry: "quay.io", repository: "toucantoco/frontend", digest: DIGEST },
    ],
    [
      `quay.io/toucantoco/frontend:latest-monthly@${DIGEST}`,
      { registry: "quay.io", repository: "toucantoco/frontend", tag: "latest-monthly", digest: DIGEST },
    ],
    ["127.0.0.1:5000/name:tag", { registry: "127.0.0.1:5000", repository: "name", tag: "tag" }],
    ["localhost:5000/toucan/frontend", { registry: "localhost:5000", repository: "toucan/frontend" }],
    ["localhost/frontend:1", { registry: "localhost", repository: "frontend", tag: "1" }],
    ["[::1]:5000/frontend:1", { registry: "[::1]:5000", repository: "frontend", tag: "1" }],
    ["nginx", { registry: "registry-1.docker.io", repository: "library/nginx" }],
    [
      "nginx:1.27-alpine",
      { registry: "registry-1.docker.io", repository: "library/nginx", tag: "1.27-alpine" },
    ],
    ["docker.io/nginx", { registry: "registry-1.docker.io", repository: "library/nginx" }],
    [
      "index.docker.io/bitnami/nginx:1",
      { registry: "registry-1.docker.io", repository: "bitnami/nginx", tag: "1" },
    ],
    [
      "toucantoco/frontend:v1",
      { registry: "registry-1.docker.io", repository: "toucantoco/frontend", tag: "v1" },
    ],
    [
      "ghcr.io/org/team/app__x.y-z:V_1.0",
      { registry: "ghcr.io", repository: "org/team/app__x.y-z", tag: "V_1.0" },
    ],
  ];
  for (const [text, expected] of valid) {
    it(`parses ${text}`, () => assert.deepStrictEqual(parseImageRef(text), expected));
  }

  const invalid: Array<[string, RegExp]> = [
    ["", /empty/],
    ["https://quay.io/toucantoco/frontend", /no URL scheme/],
    ["quay.io/ToucanToco/frontend:v1", /lowercase/],
    ["quay.io/toucantoco/frontend:", /tag ""/],
    ["quay.io/toucantoco/frontend:v1 ", /whitespace/],
    ["quay.io/toucantoco/frontend@sha256:abc", /64 lowercase hex/],
    ["quay.io/toucantoco/frontend@latest", /ALGORITHM:HEX/],
    ["quay.io:99999/frontend", /HOST\[:PORT\]/],
    ["quay.io/", /repository name is missing/],
    ["quay.io//frontend", /component ""/],
    ["quay.io/toucantoco/-frontend", /component "-frontend"/],
  ];
  for (const [text, problem] of invalid) {
    it(`rejects ${JSON.stringify(text)} naming it and the expected form`, () => {
      assert.throws(
        () => parseImageRef(text),
        (e: unknown) =>
          e instanceof ImageRefError &&
          problem.test(e.message) &&
          e.message.includes(JSON.stringify(text)) &&
          e.message.includes("quay.io/toucantoco/frontend:v100.5.1"),
      );
    });
  }

  it("asks for the digest first, then the tag, then latest", () => {
    assert.strictEqual(manifestReference(parseImageRef(`a/b:v1@${DIGEST}`)), DIGEST);
    assert.strictEqual(manifestReference(parseImageRef("a/b:v1")), "v1");
    assert.strictEqual(manifestReference(parseImageRef("a/b")), "latest");
  });

  it("formats a reference back", () => {
    assert.strictEqual(formatImageRef(parseImageRef("nginx:1")), "registry-1.docker.io/library/nginx:1");
  });

  it("knows which registries are on this machine", () => {
    for (const host of ["127.0.0.1:5000", "localhost", "localhost:80", "[::1]:5000", "127.1.2.3:1"]) {
      assert.ok(isLoopbackRegistry(host), host);
    }
    for (const host of ["quay.io", "127.0.0.1.example.com", "10.0.0.1:5000", "localhost.example.com"]) {
      assert.ok(!isLoopbackRegistry(host), host);
    }
  });
});

describe("image references: the edges of Docker's grammar (distribution/reference)", () => {
  const HEX64 = "0123456789abcdef".repeat(4);
  const accepted: Array<[string, ImageRef]> = [
    // path-component := alpha-numeric (separator alpha-numeric)*, separator := [_.] | "__" | [-]+
    ["a/my-app", { registry: "registry-1.docker.io", repository: "a/my-app" }],
    ["a/my--app", { registry: "registry-1.docker.io", repository: "a/my--app" }],
    // a name with a dot but no slash is a Docker Hub image: the domain only comes before a "/"
    ["my.app:1", { registry: "registry-1.docker.io", repository: "library/my.app", tag: "1" }],
    // digest := algorithm ":" encoded; algorithm components joined by [+._-]; encoded of 32+ [a-zA-Z0-9=_-]
    [
      `a/b@sha512:${"ab".repeat(64)}`,
      { registry: "registry-1.docker.io", repository: "a/b", digest: `sha512:${"ab".repeat(64)}` },
    ],
    [
      `a/b@multihash+base58:${"Qm".repeat(16)}`,
      { registry: "registry-1.docker.io", repository: "a/b", digest: `multihash+base58:${"Qm".repeat(16)}` },
    ],
    ["[::1]/frontend", { registry: "[::1]", repository: "frontend" }],
    ["localhost:65535/x", { registry: "localhost:65535", repository: "x" }],
    [`a/${"b".repeat(253)}`, { registry: "registry-1.docker.io", repository: `a/${"b".repeat(253)}` }],
    [`a/b:${"t".repeat(128)}`, { registry: "registry-1.docker.io", repository: "a/b", tag: "t".repeat(128) }],
  ];
  for (const [text, expected] of accepted) {
    it(`accepts ${text.length > 60 ? `${text.slice(0, 57)}...` : text}`, () =>
      assert.deepStrictEqual(parseImageRef(text), expected));
  }

  const refused: Array<[unknown, string]> = [
    [undefined, "it is empty"],
    ["   ", "it is empty"],
    [`@sha256:${HEX64}`, "the repository name is missing"],
    ["a/frontend-", 'the repository component "frontend-" is not valid'],
    ["a/my app", 'the repository component "my app" is not valid'],
    ["a/Frontend", 'the repository component "Frontend" is not valid (repository names are lowercase)'],
    ["a/b:v1+build", 'the tag "v1+build" is not 1-128 of [A-Za-z0-9_.-], starting with a word character'],
    ["a/b:.v1", 'the tag ".v1" is not 1-128 of [A-Za-z0-9_.-], starting with a word character'],
    [
      `a/b:${"t".repeat(129)}`,
      `the tag "${"t".repeat(129)}" is not 1-128 of [A-Za-z0-9_.-], starting with a word character`,
    ],
    [`a/b@SHA512:${"ab".repeat(64)}`, `the digest "SHA512:${"ab".repeat(64)}" is not ALGORITHM:HEX`],
    [`a/b@sha512:${"ab".repeat(16)}!`, `the digest "sha512:${"ab".repeat(16)}!" is not ALGORITHM:HEX`],
    [`a/b@sha256:${HEX64}0`, "a sha256 digest is 64 lowercase hex characters"],
    [`a/b@sha256:0${HEX64}`, "a sha256 digest is 64 lowercase hex characters"],
    ["my-.example.com/x", 'the registry "my-.example.com" is not HOST[:PORT]'],
    ["-my.example.com/x", 'the registry "-my.example.com" is not HOST[:PORT]'],
    ["quay.-bad.io/x", 'the registry "quay.-bad.io" is not HOST[:PORT]'],
    ["[[::1]:5000/x", 'the registry "[[::1]:5000" is not HOST[:PORT]'],
    ["[::1]:5000x/x", 'the registry "[::1]:5000x" is not HOST[:PORT]'],
    ["x[::1]/a", 'the registry "x[::1]" is not HOST[:PORT]'],
    ["[::g]:5000/a", 'the registry "[::g]:5000" is not HOST[:PORT]'],
    ["[::1]:99999/a", 'the registry "[::1]:99999" is not HOST[:PORT]'],
    ["localhost:000080/x", 'the registry "localhost:000080" is not HOST[:PORT]'],
    ["localhost:65536/x", 'the registry "localhost:65536" is not HOST[:PORT]'],
    [`a/${"b".repeat(254)}`, "the repository name is longer than 255 characters"],
  ];
  for (const [text, problem] of refused) {
    it(`refuses ${JSON.stringify(text)?.slice(0, 60)}: ${problem.slice(0, 60)}`, () => {
      assert.throws(
        () => parseImageRef(text as string),
        (e: unknown) =>
          e instanceof ImageRefError &&
          e.name === "ImageRefError" &&
          e.problem === problem &&
          e.message ===
            `invalid image reference ${JSON.stringify(text)}: ${problem}. ` +
              "Expected [REGISTRY[:PORT]/]REPOSITORY[:TAG][@sha256:DIGEST], e.g. quay.io/toucantoco/frontend:v100.5.1",
      );
    });
  }

  it("formats references without a tag, with a tag and with a digest", () => {
    const digest = `sha256:${HEX64}`;
    assert.strictEqual(formatImageRef({ registry: "quay.io", repository: "t/f" }), "quay.io/t/f");
    assert.strictEqual(
      formatImageRef({ registry: "quay.io", repository: "t/f", tag: "v1" }),
      "quay.io/t/f:v1",
    );
    assert.strictEqual(
      formatImageRef({ registry: "quay.io", repository: "t/f", tag: "v1", digest }),
      `quay.io/t/f:v1@${digest}`,
    );
  });

  it("takes only 127.0.0.0/8, localhost and ::1 as loopback", () => {
    assert.strictEqual(isLoopbackRegistry("127.0.0.10:5000"), true);
    assert.strictEqual(isLoopbackRegistry("127.255.255.254"), true);
    assert.strictEqual(isLoopbackRegistry("10.127.0.0.1:5000"), false);
    assert.strictEqual(isLoopbackRegistry("127.0.0.1000"), false);
  });
});
