/**
 * The generated Caddyfile, run by the real Caddy on loopback ports in front of two echo stubs that
 * stand in for the frontend and backend containers: what a browser sends must reach the right
 * container, with the path it expects and every header intact.
 */
import * as assert from "assert";
import * as crypto from "crypto";
import * as fs from "fs";
import { CaddyfileOptions, renderCaddyfile } from "../components/docker/caddyfile";
import {
  CaddySandbox,
  EchoStub,
  RunningCaddy,
  SiteRequest,
  echoThrough,
  freePorts,
  peerCertificate,
  request,
  startEchoStub,
} from "./support/caddy";

const FRONTEND = "toucan.example.test";
const BACKEND = "api-toucan.example.test";
/** A bearer token with the characters a proxy is most likely to mangle. */
const AUTHORIZATION = "Bearer eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiJ0b3VjYW4ifQ.c2lnbmF0dXJl+/==";

describe("caddy end to end: the generated Caddyfile in front of the Toucan containers", function () {
  let sandbox: CaddySandbox;
  let frontend: EchoStub;
  let backend: EchoStub;

  before(async () => {
    sandbox = new CaddySandbox();
    [frontend, backend] = await Promise.all([startEchoStub("frontend"), startEchoStub("backend")]);
  });
  after(async () => {
    await sandbox?.cleanup();
    await Promise.all([frontend?.close(), backend?.close()]);
  });

  /** Renders the Caddyfile on free loopback ports, starts Caddy and waits until `name` answers over HTTPS. */
  async function startCaddy(
    label: string,
    options: Omit<CaddyfileOptions, "httpPort" | "httpsPort">,
  ): Promise<{ caddy: RunningCaddy; httpPort: number; httpsPort: number }> {
    const [httpPort, httpsPort] = await freePorts(2);
    const caddyfile = renderCaddyfile({
      ...options,
      httpPort,
      httpsPort,
      admin: false,
      skipInstallTrust: true,
      frontendUpstream: frontend.upstream,
      backendUpstream: backend.upstream,
    });
    const file = sandbox.write(`${label}/Caddyfile`, caddyfile);
    const caddy = await sandbox.run(file, () =>
      request("https", { host: options.frontendName, port: httpsPort, path: "/", timeoutMs: 1_000 }),
    );
    return { caddy, httpPort, httpsPort };
  }

  describe("two names, the user's certificate files", () => {
    let httpPort: number;
    let httpsPort: number;
    let caddy: RunningCaddy;
    const to = (host: string, req: Omit<SiteRequest, "host" | "port">): SiteRequest => ({
      host,
      port: httpsPort,
      ...req,
    });

    let files: { certificateFile: string; keyFile: string };

    before(async () => {
      files = sandbox.selfSignedCertificate([FRONTEND, BACKEND]);
      ({ caddy, httpPort, httpsPort } = await startCaddy("two-names", {
        frontendName: FRONTEND,
        backendName: BACKEND,
        tls: { mode: "files", ...files },
      }));
    });
    after(async () => caddy?.stop());

    it("GIVEN plain HTTP on either name THEN a 308 to the same URL over HTTPS (a POST stays a POST)", async () => {
      for (const host of [FRONTEND, BACKEND]) {
        const reply = await request("http", { host, port: httpPort, path: "/small-apps?lang=fr" });
        assert.strictEqual(reply.status, 308, `${host} answered ${reply.status}`);
        assert.strictEqual(reply.headers.location, `https://${host}:${httpsPort}/small-apps?lang=fr`);
      }
    });

    it("serves the user's certificate on both names", async () => {
      const expected = new crypto.X509Certificate(fs.readFileSync(files.certificateFile)).fingerprint256;
      for (const host of [FRONTEND, BACKEND]) {
        assert.strictEqual((await peerCertificate(host, httpsPort)).fingerprint256, expected, host);
      }
    });

    it("GIVEN https://<frontend name>/ THEN the frontend container receives /", async () => {
      const echo = await echoThrough(to(FRONTEND, { path: "/" }));
      assert.deepStrictEqual([echo.stub, echo.method, echo.url], ["frontend", "GET", "/"]);
    });

    it("GIVEN https://<backend name>/x THEN the backend container receives /x, query intact", async () => {
      const echo = await echoThrough(to(BACKEND, { path: "/x?y=1&z=%2F" }));
      assert.deepStrictEqual([echo.stub, echo.url], ["backend", "/x?y=1&z=%2F"]);
    });

    it("GIVEN Authorization and other headers THEN the backend receives them unchanged", async () => {
      const echo = await echoThrough(
        to(BACKEND, {
          path: "/login",
          method: "POST",
          headers: {
            Authorization: AUTHORIZATION,
            Cookie: "session=abc; theme=dark",
            "X-Toucan-Custom": "kept",
            "Content-Type": "application/json",
          },
          body: '{"username":"admin"}',
        }),
      );
      assert.strictEqual(echo.headers.authorization, AUTHORIZATION);
      assert.strictEqual(echo.headers.cookie, "session=abc; theme=dark");
      assert.strictEqual(echo.headers["x-toucan-custom"], "kept");
      assert.strictEqual(echo.headers.host, `${BACKEND}:${httpsPort}`);
      assert.strictEqual(echo.headers["x-forwarded-proto"], "https");
      assert.deepStrictEqual([echo.method, echo.body], ["POST", '{"username":"admin"}']);
    });
  });

  describe("same domain, Caddy's internal CA", () => {
    let httpPort: number;
    let httpsPort: number;
    let caddy: RunningCaddy;
    const to = (req: Omit<SiteRequest, "host" | "port">): SiteRequest => ({
      host: FRONTEND,
      port: httpsPort,
      ...req,
    });

    before(async () => {
      ({ caddy, httpPort, httpsPort } = await startCaddy("same-domain", {
        frontendName: FRONTEND,
        tls: { mode: "internal" },
        localCerts: true,
      }));
    });
    after(async () => caddy?.stop());

    it("serves a certificate from Caddy's local CA", async () => {
      const certificate = await peerCertificate(FRONTEND, httpsPort);
      assert.match(String(certificate.issuer.CN), /Caddy Local Authority/);
      assert.match(certificate.subjectaltname ?? "", new RegExp(`DNS:${FRONTEND.replace(/\./g, "\\.")}`));
    });

    it("GIVEN plain HTTP THEN a 308 to the same URL over HTTPS (a POST stays a POST)", async () => {
      const reply = await request("http", { host: FRONTEND, port: httpPort, path: "/_api/x?y=1" });
      assert.strictEqual(reply.status, 308, `answered ${reply.status}`);
      assert.strictEqual(reply.headers.location, `https://${FRONTEND}:${httpsPort}/_api/x?y=1`);
    });

    // What each upstream must receive: /_api and /_api/* lose the prefix (the vendor's same-domain setup),
    // the query string is kept, and nothing else is touched (/_apiary is the frontend's).
    const routes: [string, "frontend" | "backend", string][] = [
      ["/_api/x?y=1", "backend", "/x?y=1"],
      ["/_api/small-apps/demo/data?query=%7B%7D", "backend", "/small-apps/demo/data?query=%7B%7D"],
      ["/_api", "backend", "/"],
      ["/_api/", "backend", "/"],
      ["/_api?y=1", "backend", "/?y=1"],
      ["/index.html", "frontend", "/index.html"],
      ["/", "frontend", "/"],
      ["/_apiary", "frontend", "/_apiary"],
      ["/scripts/tc-params.js", "frontend", "/scripts/tc-params.js"],
    ];
    for (const [path, stub, received] of routes) {
      it(`GIVEN https://<name>${path} THEN the ${stub} receives ${received}`, async () => {
        const echo = await echoThrough(to({ path }));
        assert.strictEqual(echo.stub, stub);
        assert.strictEqual(echo.url, received);
      });
    }

    it("GIVEN Authorization on an /_api request THEN the backend receives it unchanged", async () => {
      const echo = await echoThrough(
        to({ path: "/_api/me", headers: { Authorization: AUTHORIZATION, "X-Toucan-Custom": "kept" } }),
      );
      assert.strictEqual(echo.stub, "backend");
      assert.strictEqual(echo.headers.authorization, AUTHORIZATION);
      assert.strictEqual(echo.headers["x-toucan-custom"], "kept");
    });
  });
});
