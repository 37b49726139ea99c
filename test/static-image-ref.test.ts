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
