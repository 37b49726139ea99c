/**
 * The single-host layout's Caddyfile (pure). Caddy terminates TLS in front of the vendor's
 * docker-compose services, as in the vendor's FAQ ("How can I serve my Toucan Toco app over SSL/TLS?"):
 * HTTP is redirected to HTTPS, the frontend's name goes to `frontend:80`, and the backend either has its
 * own name (`backend:80`) or lives under `/_api` on the frontend's name with the prefix stripped.
 *
 * Headers pass through untouched: the vendor requires every header, `Authorization` above all, to reach
 * the backend, and Caddy's `reverse_proxy` forwards them all by default (it only adds `X-Forwarded-*`).
 * So the generated file never uses `header_up` / `header_down`.
 */
import { ArgumentChecks } from "../core/errors";
import { isPort } from "../core/numbers";
import { API_PATH_PREFIX, checkHostName } from "../core/toucan-config";

const COMPONENT = "Caddyfile";

/** Where the frontend container listens in the vendor's compose layout. */
export const DEFAULT_FRONTEND_UPSTREAM = "frontend:80";
/** Where the backend container listens in the vendor's compose layout. */
export const DEFAULT_BACKEND_UPSTREAM = "backend:80";

/** A certificate and its private key, as paths Caddy can read (inside its container). */
export interface CertificateFiles {
  /**
   * PEM certificate (chain), absolute path.
   * @example "/certs/mydomain.com.crt"
   */
  certificateFile: string;
  /**
   * PEM private key, absolute path.
   * @example "/certs/mydomain.com.key"
   */
  keyFile: string;
}

/** Certificates from files the user provides (the vendor's example). */
export interface FilesTls extends CertificateFiles {
  mode: "files";
  /**
   * A different certificate for the backend's name (two-name mode).
   * @default the same files as the frontend (a certificate that covers both names)
   */
  backend?: CertificateFiles;
}

/** Certificates from Caddy's own local CA: for local or internal names that no public CA can certify. */
export interface InternalTls {
  mode: "internal";
}

/** Certificates from a public ACME CA, obtained and renewed by Caddy (the names must resolve to the host). */
export interface AcmeTls {
  mode: "acme";
  /** The account's email, for the CA's expiry and problem notices. */
  email: string;
  /**
   * ACME directory URL, e.g. Let's Encrypt's staging directory while testing.
   * @default Caddy's (Let's Encrypt, then ZeroSSL)
   * @example "https://acme-staging-v02.api.letsencrypt.org/directory"
   */
  caDirectoryUrl?: string;
}

/** How Caddy gets certificates. */
export type CaddyTls = FilesTls | InternalTls | AcmeTls;

/** Inputs of {@link renderCaddyfile}. */
export interface CaddyfileOptions {
  /**
   * Public name of the frontend.
   * @example "toucan.example.com"
   */
  frontendName: string;
  /**
   * Public name of the backend (two-name mode).
   * @default none: the backend is served under `/_api` on the frontend's name
   * @example "api-toucan.example.com"
   */
  backendName?: string;
  /**
   * Serve the backend under `/_api` on the frontend's name, the prefix stripped before it reaches the
   * backend (`/_api/x?y=1` arrives as `/x?y=1`).
   * @default true when `backendName` is not set
   */
  sameDomain?: boolean;
  /** Where certificates come from. */
  tls: CaddyTls;
  /**
   * The frontend container, `host:port`.
   * @default "frontend:80"
   */
  frontendUpstream?: string;
  /**
   * The backend container, `host:port`.
   * @default "backend:80"
   */
  backendUpstream?: string;
  /**
   * Port Caddy listens on for HTTP (global option `http_port`), where it redirects to HTTPS.
   * @default 80
   */
  httpPort?: number;
  /**
   * Port Caddy listens on for HTTPS (global option `https_port`).
   * @default 443
   */
  httpsPort?: number;
  /**
   * Caddy's admin endpoint: a listen address, or `false` to turn it off (global option `admin`).
   * @default Caddy's own, `localhost:2019`
   */
  admin?: string | false;
  /**
   * Issue every automatic certificate from Caddy's local CA (global option `local_certs`).
   * @default false
   */
  localCerts?: boolean;
  /**
   * Do not install Caddy's local CA in the system's trust store (global option `skip_install_trust`);
   * tests and containers want this.
   * @default false
   */
  skipInstallTrust?: boolean;
}

/** Names no public ACME CA issues certificates for. */
const NON_PUBLIC_SUFFIXES = [
  "localhost",
  "local",
  "internal",
  "test",
  "example",
  "invalid",
  "home.arpa",
  "lan",
];

function isPublicName(name: string): boolean {
  if (/^\d+(\.\d+){3}$/.test(name)) return false;
  return !NON_PUBLIC_SUFFIXES.some((suffix) => name === suffix || name.endsWith(`.${suffix}`));
}

const UPSTREAM = /^(?:[A-Za-z0-9](?:[A-Za-z0-9_.-]*[A-Za-z0-9])?|\[[0-9A-Fa-f:.]+\]):(\d{1,5})$/;
/** Characters that end or change a Caddyfile token; paths with them would need quoting. */
const CADDY_TOKEN_BREAKERS = /[\s"'`{}#\\]/;

function checkUpstream(checks: ArgumentChecks, argument: string, value: string, example: string): void {
  const match = UPSTREAM.exec(value);
  checks.require(
    match !== null && Number(match[1]) >= 1 && Number(match[1]) <= 65535,
    argument,
    value,
    "is not HOST:PORT",
    `give the container's service name and port, e.g. "${example}" (no scheme, no path)`,
  );
}

function checkFile(checks: ArgumentChecks, argument: string, value: unknown): void {
  checks.require(
    typeof value === "string" && value.startsWith("/") && !CADDY_TOKEN_BREAKERS.test(value),
    argument,
    value,
    "is not an absolute path without spaces, quotes, braces, `#` or backslashes",
    "give the file's path as Caddy sees it (inside its container), e.g. /certs/mydomain.com.crt",
  );
}

interface Plan {
  sameDomain: boolean;
  frontendUpstream: string;
  backendUpstream: string;
  httpPort: number;
  httpsPort: number;
}

/** Checks the options; throws before anything is rendered. Exported for table tests. */
export function validateCaddyfileOptions(options: CaddyfileOptions): Plan {
  const checks = new ArgumentChecks(COMPONENT);
  const sameDomain = options.sameDomain ?? options.backendName === undefined;

  checkHostName(checks, "frontendName", options.frontendName);
  if (sameDomain) {
    checks.require(
      options.backendName === undefined,
      "backendName",
      options.backendName,
      `is set together with \`sameDomain: true\`, where the backend is served under ${API_PATH_PREFIX} on the frontend's name`,
      "remove backendName, or remove sameDomain",
    );
  } else if (options.backendName === undefined) {
    checks.fail(
      "backendName",
      undefined,
      "is needed when `sameDomain` is false",
      `give the backend's public name, or set sameDomain to serve it under ${API_PATH_PREFIX}`,
    );
  } else {
    checkHostName(checks, "backendName", options.backendName);
    checks.require(
      options.backendName !== options.frontendName,
      "backendName",
      options.backendName,
      "is the frontend's name too, so requests cannot be told apart by name",
      `give the backend its own name, or use sameDomain to serve it under ${API_PATH_PREFIX}`,
    );
  }

  const frontendUpstream = options.frontendUpstream ?? DEFAULT_FRONTEND_UPSTREAM;
  const backendUpstream = options.backendUpstream ?? DEFAULT_BACKEND_UPSTREAM;
  checkUpstream(checks, "frontendUpstream", frontendUpstream, DEFAULT_FRONTEND_UPSTREAM);
  checkUpstream(checks, "backendUpstream", backendUpstream, DEFAULT_BACKEND_UPSTREAM);

  const httpPort = options.httpPort ?? 80;
  const httpsPort = options.httpsPort ?? 443;
  checks.require(isPort(httpPort), "httpPort", httpPort, "is not a port", "give a port from 1 to 65535");
  checks.require(isPort(httpsPort), "httpsPort", httpsPort, "is not a port", "give a port from 1 to 65535");
  checks.require(
    httpPort !== httpsPort,
    "httpsPort",
    httpsPort,
    "is also the HTTP port",
    "give HTTP and HTTPS different ports (80 and 443 by default)",
  );
  if (options.admin !== undefined && options.admin !== false) {
    checks.require(
      typeof options.admin === "string" && /^[^\s"'`{}#\\]+$/.test(options.admin),
      "admin",
      options.admin,
      "is not a listen address",
      'give e.g. "localhost:2019", or false to turn the admin endpoint off',
    );
  }

  const tls = options.tls as CaddyTls | undefined;
  switch (tls?.mode) {
    case "files":
      checkFile(checks, "tls.certificateFile", tls.certificateFile);
      checkFile(checks, "tls.keyFile", tls.keyFile);
      if (tls.backend !== undefined) {
        checks.require(
          !sameDomain,
          "tls.backend",
          tls.backend,
          "gives the backend its own certificate, but in same-domain mode it is served under the frontend's name",
          "remove tls.backend (the frontend's certificate serves both), or give the backend its own name",
        );
        checkFile(checks, "tls.backend.certificateFile", tls.backend.certificateFile);
        checkFile(checks, "tls.backend.keyFile", tls.backend.keyFile);
      }
      break;
    case "internal":
      break;
    case "acme": {
      checks.require(
        typeof tls.email === "string" && /^[^\s@"'{}]+@[^\s@"'{}]+\.[^\s@"'{}]+$/.test(tls.email),
        "tls.email",
        tls.email,
        "is not an email address",
        "give the address the CA should write to about expiring or revoked certificates",
      );
      if (tls.caDirectoryUrl !== undefined) {
        checks.require(
          /^https:\/\/[^\s"'{}#]+$/.test(tls.caDirectoryUrl),
          "tls.caDirectoryUrl",
          tls.caDirectoryUrl,
          "is not an https:// URL",
          "give the ACME directory URL, e.g. https://acme-staging-v02.api.letsencrypt.org/directory",
        );
      }
      checks.require(
        options.localCerts !== true,
        "localCerts",
        options.localCerts,
        'issues every certificate from Caddy\'s local CA, which contradicts `tls.mode: "acme"`',
        'remove localCerts, or use tls.mode "internal"',
      );
      const names = [options.frontendName, ...(sameDomain ? [] : [options.backendName])];
      for (const name of names) {
        if (typeof name !== "string") continue;
        checks.require(
          isPublicName(name),
          name === options.frontendName ? "frontendName" : "backendName",
          name,
          "is not a public DNS name, so no ACME CA can issue a certificate for it",
          'use tls.mode "internal" for local names, or "files" with your own certificate',
        );
      }
      break;
    }
    default:
      checks.fail(
        "tls.mode",
        // Reached from JavaScript or untyped config only, where `tls` can be anything.
        (tls as { mode?: unknown } | undefined)?.mode,
        "is not a TLS mode",
        'use "files" (your certificate and key), "internal" (Caddy\'s local CA) or "acme" (a public CA)',
      );
  }
  checks.throwIfAny();
  return { sameDomain, frontendUpstream, backendUpstream, httpPort, httpsPort };
}

/** A Caddyfile block (`header { ... }`, or the global options block for `""`), indented with tabs as `caddy fmt` does. */
function block(header: string, lines: string[]): string {
  return [
    header === "" ? "{" : `${header} {`,
    ...lines.map((line) => (line === "" ? "" : `\t${line}`)),
    "}",
  ].join("\n");
}

function tlsDirective(tls: CaddyTls, tier: "frontend" | "backend"): string[] {
  switch (tls.mode) {
    case "files": {
      const files = tier === "backend" && tls.backend ? tls.backend : tls;
      return [`tls ${files.certificateFile} ${files.keyFile}`];
    }
    case "internal":
      return ["tls internal"];
    case "acme":
      // Automatic HTTPS does it; the account email is a global option.
      return [];
  }
}

function globalOptions(options: CaddyfileOptions, plan: Plan): string[] {
  const lines: string[] = [];
  if (plan.httpPort !== 80) lines.push(`http_port ${plan.httpPort}`);
  if (plan.httpsPort !== 443) lines.push(`https_port ${plan.httpsPort}`);
  if (options.admin === false) lines.push("admin off");
  else if (options.admin !== undefined) lines.push(`admin ${options.admin}`);
  if (options.localCerts) lines.push("local_certs");
  if (options.skipInstallTrust) lines.push("skip_install_trust");
  if (options.tls.mode === "acme") {
    lines.push(`email ${options.tls.email}`);
    if (options.tls.caDirectoryUrl) lines.push(`acme_ca ${options.tls.caDirectoryUrl}`);
  }
  return lines;
}

/**
 * The Caddyfile for the single-host layout. It is formatted as `caddy fmt` formats it, and every
 * variant passes `caddy validate --adapter caddyfile`.
 *
 * - `http://<names>`: a 308 redirect to the same URL over HTTPS (308, unlike 301, keeps a POST a POST).
 * - `https://<frontendName>`: `reverse_proxy frontend:80`.
 * - two names: `https://<backendName>`: `reverse_proxy backend:80`.
 * - same domain: on the frontend's name, `/_api` and `/_api/*` go to the backend with the prefix
 *   stripped (`/_api/x?y=1` arrives as `/x?y=1`), everything else to the frontend. Caddy's path matcher
 *   ignores case, so `/_API/x` is the backend's too.
 *
 * @throws ToucanArgumentError listing every problem with the options.
 * @example
 * ```ts
 * renderCaddyfile({
 *   frontendName: "toucan.example.com",
 *   backendName: "api-toucan.example.com",
 *   tls: { mode: "files", certificateFile: "/certs/mydomain.com.crt", keyFile: "/certs/mydomain.com.key" },
 * });
 * ```
 */
export function renderCaddyfile(options: CaddyfileOptions): string {
  const plan = validateCaddyfileOptions(options);
  const names = plan.sameDomain ? [options.frontendName] : [options.frontendName, options.backendName!];
  // The global options block must come first; `caddy fmt` keeps it right under the header comment.
  const global = globalOptions(options, plan);
  const sections: string[] = [
    [
      "# Generated by pulumi-toucan (components/docker/caddyfile.ts).",
      ...(global.length ? [block("", global)] : []),
    ].join("\n"),
  ];

  const httpsAuthority = plan.httpsPort === 443 ? "{host}" : `{host}:${plan.httpsPort}`;
  sections.push(
    [
      "# Plain HTTP: redirect to HTTPS (308 keeps the method and body of a POST).",
      block(names.map((name) => `http://${name}`).join(", "), [`redir https://${httpsAuthority}{uri} 308`]),
    ].join("\n"),
  );

  if (plan.sameDomain) {
    sections.push(
      [
        `# Frontend, with the backend under ${API_PATH_PREFIX}: the prefix is stripped before it reaches the backend.`,
        block(`https://${options.frontendName}`, [
          ...tlsDirective(options.tls, "frontend"),
          `@api path ${API_PATH_PREFIX} ${API_PATH_PREFIX}/*`,
          ...block("handle @api", [
            `uri strip_prefix ${API_PATH_PREFIX}`,
            `reverse_proxy ${plan.backendUpstream}`,
          ]).split("\n"),
          ...block("handle", [`reverse_proxy ${plan.frontendUpstream}`]).split("\n"),
        ]),
      ].join("\n"),
    );
  } else {
    sections.push(
      [
        "# Frontend",
        block(`https://${options.frontendName}`, [
          ...tlsDirective(options.tls, "frontend"),
          `reverse_proxy ${plan.frontendUpstream}`,
        ]),
      ].join("\n"),
    );
    sections.push(
      [
        "# Backend",
        block(`https://${options.backendName}`, [
          ...tlsDirective(options.tls, "backend"),
          `reverse_proxy ${plan.backendUpstream}`,
        ]),
      ].join("\n"),
    );
  }
  return `${sections.join("\n\n")}\n`;
}
