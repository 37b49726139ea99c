/**
 * Helpers to run the real Caddy (Debian's `caddy` package) against generated Caddyfiles, on loopback
 * only: a sandbox directory for Caddy's HOME / data / config (so the system's trust store and
 * `~/.local/share/caddy` are never touched), `caddy validate`, `caddy run` with a readiness poll, echo
 * stubs standing in for the Toucan containers, and HTTP(S) clients that reach a named site on 127.0.0.1.
 */
import { ChildProcess, execFileSync, spawn, spawnSync } from "child_process";
import * as fs from "fs";
import * as http from "http";
import * as https from "https";
import * as net from "net";
import * as os from "os";
import * as path from "path";
import * as tls from "tls";

const LOOPBACK = "127.0.0.1";

/**
 * The `caddy` binary. Fails with the way to install it: the tests drive the real Caddy, and CI
 * installs it (`.ci/run`).
 */
export function caddyBinary(): string {
  const found = spawnSync("sh", ["-c", "command -v caddy"], { encoding: "utf8" });
  const binary = found.stdout.trim();
  if (found.status !== 0 || binary === "") {
    throw new Error(
      "caddy is not installed, and the Caddyfile tests run the real Caddy. Install it: " +
        "`apt-get update && apt-get install -y caddy` (Debian; CI does this in .ci/run)",
    );
  }
  return binary;
}

/** The `openssl` binary, or a clear failure (needed to make throwaway certificates). */
function opensslBinary(): string {
  const found = spawnSync("sh", ["-c", "command -v openssl"], { encoding: "utf8" });
  if (found.status !== 0 || found.stdout.trim() === "") {
    throw new Error(
      "openssl is not installed; the tests make throwaway certificates with it: apt-get install -y openssl",
    );
  }
  return found.stdout.trim();
}

/** Result of `caddy validate`. */
export interface ValidateResult {
  ok: boolean;
  /** Caddy's stdout and stderr together (its log lines and the verdict). */
  output: string;
}

/** A running `caddy run`. */
export interface RunningCaddy {
  readonly process: ChildProcess;
  /** What Caddy logged so far. */
  log(): string;
  /** SIGTERM, then SIGKILL after 3 s; resolves when the process is gone. */
  stop(): Promise<void>;
}

/**
 * A temporary directory where Caddy keeps everything it writes (its local CA, certificates,
 * autosaved config). Remove it with {@link CaddySandbox.cleanup}.
 */
export class CaddySandbox {
  readonly dir: string;
  private readonly running = new Set<RunningCaddy>();

  constructor(readonly binary: string = caddyBinary()) {
    this.dir = fs.mkdtempSync(path.join(os.tmpdir(), "toucan-caddy-"));
  }

  /** Environment that keeps Caddy inside the sandbox. */
  env(): NodeJS.ProcessEnv {
    return {
      PATH: process.env.PATH,
      HOME: path.join(this.dir, "home"),
      XDG_DATA_HOME: path.join(this.dir, "data"),
      XDG_CONFIG_HOME: path.join(this.dir, "config"),
    };
  }

  /** Writes a file in the sandbox and returns its path. */
  write(name: string, content: string): string {
    const file = path.join(this.dir, name);
    fs.mkdirSync(path.dirname(file), { recursive: true });
    fs.writeFileSync(file, content);
    return file;
  }

  /** `caddy validate --config FILE --adapter caddyfile`. */
  validate(file: string): ValidateResult {
    const result = spawnSync(this.binary, ["validate", "--config", file, "--adapter", "caddyfile"], {
      env: this.env(),
      encoding: "utf8",
      timeout: 10_000,
    });
    return { ok: result.status === 0, output: `${result.stdout ?? ""}${result.stderr ?? ""}` };
  }

  /** `caddy fmt FILE`: the file as Caddy would format it. */
  format(file: string): string {
    return execFileSync(this.binary, ["fmt", file], { env: this.env(), encoding: "utf8", timeout: 10_000 });
  }

  /**
   * `caddy run --config FILE --adapter caddyfile`, resolved once `ready()` succeeds (polled every 100 ms,
   * at most `timeoutMs`). Fails early, with Caddy's log, if the process exits.
   */
  async run(file: string, ready: () => Promise<unknown>, timeoutMs = 10_000): Promise<RunningCaddy> {
    const child = spawn(this.binary, ["run", "--config", file, "--adapter", "caddyfile"], {
      env: this.env(),
      stdio: ["ignore", "pipe", "pipe"],
    });
    let log = "";
    child.stdout!.on("data", (chunk) => (log += chunk));
    child.stderr!.on("data", (chunk) => (log += chunk));
    let exited: number | null | undefined;
    const exit = new Promise<void>((resolve) =>
      child.once("exit", (code) => {
        exited = code;
        resolve();
      }),
    );
    const running: RunningCaddy = {
      process: child,
      log: () => log,
      stop: async () => {
        this.running.delete(running);
        if (exited !== undefined) return;
        child.kill("SIGTERM");
        const timer = setTimeout(() => child.kill("SIGKILL"), 3_000);
        await exit;
        clearTimeout(timer);
      },
    };
    this.running.add(running);

    const deadline = Date.now() + timeoutMs;
    let lastError: unknown;
    for (;;) {
      if (exited !== undefined) {
        this.running.delete(running);
        throw new Error(`caddy exited with code ${exited} before it was ready:\n${tail(log)}`);
      }
      try {
        await ready();
        return running;
      } catch (error) {
        lastError = error;
      }
      if (Date.now() > deadline) {
        await running.stop();
        throw new Error(`caddy was not ready after ${timeoutMs} ms (${String(lastError)}):\n${tail(log)}`);
      }
      await sleep(100);
    }
  }

  /**
   * A throwaway self-signed certificate (P-256, valid 1 day) for `names`; returns absolute paths.
   */
  selfSignedCertificate(names: string[], basename = "toucan"): { certificateFile: string; keyFile: string } {
    const certificateFile = path.join(this.dir, "certs", `${basename}.crt`);
    const keyFile = path.join(this.dir, "certs", `${basename}.key`);
    fs.mkdirSync(path.dirname(certificateFile), { recursive: true });
    execFileSync(
      opensslBinary(),
      [
        "req",
        "-x509",
        "-newkey",
        "ec",
        "-pkeyopt",
        "ec_paramgen_curve:prime256v1",
        "-nodes",
        "-days",
        "1",
        "-subj",
        `/CN=${names[0]}`,
        "-addext",
        `subjectAltName=${names.map((n) => `DNS:${n}`).join(",")}`,
        "-keyout",
        keyFile,
        "-out",
        certificateFile,
      ],
      { stdio: "pipe", timeout: 10_000 },
    );
    return { certificateFile, keyFile };
  }

  /** Stops every Caddy still running and removes the sandbox. */
  async cleanup(): Promise<void> {
    await Promise.all([...this.running].map((r) => r.stop()));
    fs.rmSync(this.dir, { recursive: true, force: true });
  }
}

function tail(text: string, lines = 30): string {
  return text.trim().split("\n").slice(-lines).join("\n");
}

export function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

/** Distinct free TCP ports on 127.0.0.1 (held together while choosing, so they differ). */
export async function freePorts(count: number): Promise<number[]> {
  const servers = await Promise.all(
    Array.from(
      { length: count },
      () =>
        new Promise<net.Server>((resolve, reject) => {
          const server = net.createServer();
          server.once("error", reject);
          server.listen(0, LOOPBACK, () => resolve(server));
        }),
    ),
  );
  const ports = servers.map((s) => (s.address() as net.AddressInfo).port);
  await Promise.all(servers.map((s) => new Promise((resolve) => s.close(resolve))));
  return ports;
}

/** What an echo stub received. */
export interface Echo {
  /** Which stub answered: `frontend` or `backend`. */
  stub: string;
  method: string;
  /** Path and query exactly as received. */
  url: string;
  headers: http.IncomingHttpHeaders;
  body: string;
}

/** An HTTP server on 127.0.0.1 that answers every request with an {@link Echo} as JSON. */
export interface EchoStub {
  readonly port: number;
  /** `127.0.0.1:<port>`, for a Caddyfile upstream. */
  readonly upstream: string;
  close(): Promise<void>;
}

/** Starts an {@link EchoStub} standing in for one of Toucan's containers. */
export async function startEchoStub(stub: string): Promise<EchoStub> {
  const server = http.createServer((req, res) => {
    let body = "";
    req.setEncoding("utf8");
    req.on("data", (chunk) => (body += chunk));
    req.on("end", () => {
      const echo: Echo = { stub, method: req.method ?? "", url: req.url ?? "", headers: req.headers, body };
      res.writeHead(200, { "content-type": "application/json" });
      res.end(JSON.stringify(echo));
    });
  });
  await new Promise<void>((resolve, reject) => {
    server.once("error", reject);
    server.listen(0, LOOPBACK, () => resolve());
  });
  const port = (server.address() as net.AddressInfo).port;
  return {
    port,
    upstream: `${LOOPBACK}:${port}`,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

/** A response, body as text. */
export interface Reply {
  status: number;
  headers: http.IncomingHttpHeaders;
  body: string;
}

/** One request to a named site. */
export interface SiteRequest {
  /** Site name: sent as `Host` (and as TLS SNI over HTTPS); the connection goes to 127.0.0.1. */
  host: string;
  port: number;
  /** Path and query, sent as is. */
  path: string;
  /** @default "GET" */
  method?: string;
  /** @default none */
  headers?: Record<string, string>;
  /** @default no body */
  body?: string;
  /** @default 3000 */
  timeoutMs?: number;
}

/**
 * Sends a request to a named site served on 127.0.0.1 (like `curl --resolve NAME:PORT:127.0.0.1 -k`):
 * the certificate is not verified (Caddy's local CA and test certificates are not trusted here), and
 * redirects are not followed.
 */
export function request(scheme: "http" | "https", req: SiteRequest): Promise<Reply> {
  return new Promise((resolve, reject) => {
    const options: https.RequestOptions = {
      host: LOOPBACK,
      port: req.port,
      path: req.path,
      method: req.method ?? "GET",
      headers: { host: `${req.host}:${req.port}`, ...req.headers },
      timeout: req.timeoutMs ?? 3_000,
      agent: false,
    };
    const client =
      scheme === "https"
        ? https.request({ ...options, servername: req.host, rejectUnauthorized: false })
        : http.request(options);
    client.on("response", (res) => {
      let body = "";
      res.setEncoding("utf8");
      res.on("data", (chunk) => (body += chunk));
      res.on("end", () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body }));
      res.on("error", reject);
    });
    client.on("timeout", () => client.destroy(new Error(`no answer from ${req.host}:${req.port} in time`)));
    client.on("error", reject);
    client.end(req.body);
  });
}

/** An HTTPS request whose answer must come from an echo stub; returns what the stub received. */
export async function echoThrough(req: SiteRequest): Promise<Echo> {
  const reply = await request("https", req);
  if (reply.status !== 200) {
    throw new Error(
      `${req.method ?? "GET"} https://${req.host}:${req.port}${req.path} answered ${reply.status}: ${reply.body}`,
    );
  }
  return JSON.parse(reply.body) as Echo;
}

/** The certificate a named site presents on 127.0.0.1 (SNI `host`), not verified. */
export function peerCertificate(host: string, port: number): Promise<tls.PeerCertificate> {
  return new Promise((resolve, reject) => {
    const socket = tls.connect({ host: LOOPBACK, port, servername: host, rejectUnauthorized: false }, () => {
      const certificate = socket.getPeerCertificate();
      socket.end();
      resolve(certificate);
    });
    socket.setTimeout(3_000, () =>
      socket.destroy(new Error(`no TLS handshake from ${host}:${port} in time`)),
    );
    socket.on("error", reject);
  });
}
