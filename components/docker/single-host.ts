/**
 * Toucan on one Docker host: the vendor's docker-compose layout (FAQ, "How can I serve my Toucan Toco
 * app over SSL/TLS?") built with @pulumi/docker, for a laptop, a VM or any machine with a Docker engine.
 *
 * ```
 *              host ports httpPort / httpsPort (the only published ports)
 *                                 |
 *                 caddy (TLS, HTTP -> HTTPS, /_api prefix stripping)
 *                    |                               |
 *              frontend:80                      backend:80 ---- /app/storage (volume)
 *                                                 |      |
 *                                           mongo:27017  redis:6379
 *                                           (volume)     (volume)
 *          all on one user-defined bridge network (egress allowed: connectors, image pulls)
 * ```
 */
import * as fs from "fs";
import * as path from "path";
import * as pulumi from "@pulumi/pulumi";
import * as docker from "@pulumi/docker";
import * as random from "@pulumi/random";
import { ArgumentChecks, ToucanArgumentError, requireArgs } from "../core/errors";
import { isPort } from "../core/numbers";
import { AcmeTls, CaddyTls, InternalTls, renderCaddyfile } from "./caddyfile";
import {
  API_PATH_PREFIX,
  RedisVariableNames,
  ReservedVariable,
  TOUCAN_DATABASE,
  ToucanVersionArgs,
  apiBaseRoute,
  backendEnvironment,
  checkPlainEnvironment,
  gunicornWorkers,
  redisVariableNames,
  resolveImages,
  toucanMongoUri,
} from "../core/toucan-config";
import { ImageRefError, parseImageRef } from "../core/image-ref";
import { Transform, applyTransform } from "../core/transform";
import { SsoProvider, SsoSettings, validateSsoSettings } from "../core/sso";
import { dockerToolboxCommands, toolboxImage } from "../core/toolbox";
import { SsoProviderOutputs, ssoOutputs, wireOidcProvider, wireSamlProvider } from "../core/sso-wiring";

const COMPONENT = "toucan:docker:SingleHost";

// ---------------------------------------------------------------------------------------------------
// Fixed facts of the layout
// ---------------------------------------------------------------------------------------------------

/** The images of the data tier and of the proxy, pinned. Override them with `mongoImage` etc. */
export const SINGLE_HOST_DEFAULT_IMAGES = Object.freeze({
  mongo: "mongo:7.0",
  redis: "redis:7.2-alpine",
  caddy: "caddy:2.8-alpine",
});

/**
 * The Mongo users the component creates. Same names as `MongoCluster`'s community engine, so moving
 * to the AWS topology keeps them.
 */
export const SINGLE_HOST_MONGO_USERS = Object.freeze({
  /** The root user the mongo image creates from MONGO_INITDB_ROOT_USERNAME / _PASSWORD. */
  admin: "toucan-admin",
  /** `TOUCAN_MONGODB_HOST`: `readWrite` on `api-toucan`. */
  readWrite: "toucan",
  /** `TOUCAN_MONGODB_READONLY_HOST`: `read` on `api-toucan`. */
  readOnly: "toucan-readonly",
});

/** Where the containers find each other on the private network (their network aliases). */
export const SINGLE_HOST_SERVICES = Object.freeze({
  mongo: "mongo:27017",
  redis: "redis:6379",
  backend: "backend:80",
  frontend: "frontend:80",
});

/** Where the uploaded files land in the containers. */
export const SINGLE_HOST_FILES = Object.freeze({
  caddyfile: "/etc/caddy/Caddyfile",
  certificate: "/etc/caddy/certs/toucan.crt",
  key: "/etc/caddy/certs/toucan.key",
  mongoInit: "/docker-entrypoint-initdb.d/10-toucan-users.js",
  redisConfig: "/usr/local/etc/redis/redis.conf",
});

const MONGO_DATA_PATH = "/data/db";
const REDIS_DATA_PATH = "/data";
const STORAGE_PATH = "/app/storage";
/** The caddy image keeps certificates, ACME accounts and its local CA under XDG_DATA_HOME=/data. */
const CADDY_DATA_PATH = "/data";
const REDIS_DATABASE = 0;

// ---------------------------------------------------------------------------------------------------
// Arguments
// ---------------------------------------------------------------------------------------------------

/**
 * Certificate files on the machine that runs Pulumi, uploaded into the Caddy container. The key is
 * uploaded as a Pulumi secret: it is encrypted in the state and never printed.
 */
export interface SingleHostFilesTls {
  mode: "files";
  /**
   * Path of the PEM certificate (chain) covering every Toucan name. Relative paths start from the
   * directory Pulumi runs the program in (the project's).
   * @example "certs/toucan.example.com.crt"
   */
  certificateFile: string;
  /**
   * Path of its PEM private key.
   * @example "certs/toucan.example.com.key"
   */
  keyFile: string;
}

/**
 * How Caddy gets its certificates:
 * - `internal`: Caddy's own local CA. For laptop names (`toucan.localhost`) and internal names no
 *   public CA certifies; browsers warn until you trust the CA's root (see the README).
 * - `files`: a certificate and key you give (the vendor's example).
 * - `acme`: a public CA (Let's Encrypt, then ZeroSSL), obtained and renewed by Caddy; the names must
 *   resolve to this host and port 80 or 443 must be reachable from the internet.
 */
export type SingleHostTls = InternalTls | SingleHostFilesTls | AcmeTls;

/** TLS material of a Docker daemon reached over `tcp://` (the daemon runs with `--tlsverify`). */
export interface SingleHostDockerTls {
  /** PEM of the CA that signed the daemon's certificate. */
  caPem: pulumi.Input<string>;
  /** PEM of the client certificate. */
  certPem: pulumi.Input<string>;
  /** PEM of the client key; handled as a secret. Pass `config.requireSecret(...)`. */
  keyPem: pulumi.Input<string>;
}

/** A Docker engine other than the local one. */
export interface SingleHostDockerHost {
  /**
   * The daemon's address: `ssh://user@host[:port]` (uses the local `ssh` client and its keys and
   * agent), `tcp://host:2376` (needs `tls`) or `unix:///path/to/docker.sock`.
   * @example "ssh://deploy@toucan-vm.internal"
   */
  url: string;
  /**
   * Client TLS for `tcp://`. Required there: a daemon on TCP without TLS gives root on the host to
   * anyone who can reach the port.
   * @default none
   */
  tls?: SingleHostDockerTls;
  /**
   * Extra `ssh` options for `ssh://`.
   * @default none
   * @example ["-o", "StrictHostKeyChecking=yes"]
   */
  sshOptions?: string[];
}

/** The backend container. */
export interface SingleHostBackendArgs {
  /**
   * CPUs of the host the backend may use; sets `TOUCAN_GUNICORN_WORKERS` to the vendor's
   * `2 * CPU + 1`. It does not limit the container.
   * @default 2 (5 workers, the vendor's default)
   */
  cpus?: number;
  /**
   * `TOUCAN_GUNICORN_WORKERS`, overriding the count computed from `cpus`.
   * @default 2 * cpus + 1
   */
  gunicornWorkers?: number;
  /**
   * Connectors whose dependencies the backend installs when it starts (`TOUCAN_EXTRA_CONNECTORS`).
   * @default none
   * @example ["azure_mssql", "oracle"]
   */
  extraConnectors?: string[];
  /**
   * Small apps that keep the pre-v28.5 augment syntax (`TOUCAN_OLD_AUGMENT_WHITELIST`).
   * @default none
   * @example ["small_app_1"]
   */
  oldAugmentWhitelist?: string[];
  /**
   * More plain environment variables. Never credentials: values with a password in a URI are refused,
   * and so are the variables the component writes itself.
   * @default none
   * @example { TOUCAN_SOME_SETTING: "1" }
   */
  environment?: Record<string, pulumi.Input<string>>;
  /**
   * The variable names under which the backend receives Redis. The vendor does not document them:
   * the defaults (`TOUCAN_REDIS_HOST`, `_PORT`, `_TLS`, `_URL`, `_PASSWORD`) are an assumption.
   * @default see `DEFAULT_REDIS_VARIABLES`
   */
  redisVariables?: Partial<RedisVariableNames>;
}

/** The frontend container. */
export interface SingleHostFrontendArgs {
  /**
   * More plain environment variables (`API_BASEROUTE` is written by the component).
   * @default none
   */
  environment?: Record<string, pulumi.Input<string>>;
}

/** Change any child resource's arguments without forking the component. */
export interface SingleHostTransforms {
  network?: Transform<docker.NetworkArgs>;
  /** Every data volume; the `name` argument tells them apart (`<name>-mongo-data`, ...). */
  volume?: Transform<docker.VolumeArgs>;
  /** Every image pull. */
  image?: Transform<docker.RemoteImageArgs>;
  mongo?: Transform<docker.ContainerArgs>;
  redis?: Transform<docker.ContainerArgs>;
  backend?: Transform<docker.ContainerArgs>;
  frontend?: Transform<docker.ContainerArgs>;
  caddy?: Transform<docker.ContainerArgs>;
}

export interface SingleHostArgs extends ToucanVersionArgs {
  /**
   * Public name of the frontend. On a laptop, a `*.localhost` name needs no DNS: browsers and curl
   * resolve it to the loopback address.
   * @example "toucan.localhost"
   */
  frontendDomain: string;
  /**
   * Public name of the backend. Leave it out (or set `sameDomain`) to serve the backend under
   * `https://<frontendDomain>/_api`, the prefix stripped before it reaches the backend.
   * @default same-domain mode
   * @example "api-toucan.localhost"
   */
  backendDomain?: string;
  /**
   * Serve the backend under `/_api` on the frontend's name.
   * @default true when `backendDomain` is not set
   */
  sameDomain?: boolean;
  /**
   * Where Caddy's certificates come from.
   * @default { mode: "internal" } (Caddy's local CA)
   * @example { mode: "acme", email: "ops@example.com" }
   */
  tls?: SingleHostTls;
  /**
   * Host port for plain HTTP, which redirects to HTTPS. Caddy listens on the same port inside its
   * container.
   * @default 80
   */
  httpPort?: number;
  /**
   * Host port for HTTPS (TCP, and UDP for HTTP/3). URLs carry it when it is not 443.
   * @default 443
   */
  httpsPort?: number;
  /**
   * The Docker engine to deploy to: a URL or the details of one. An explicit Docker provider is then
   * created and used for every child.
   * @default the engine the Docker provider finds by itself (DOCKER_HOST, or the local socket), or
   *   the provider passed in the component's `providers` option
   * @example "ssh://deploy@toucan-vm.internal"
   */
  host?: string | SingleHostDockerHost;
  /**
   * Credentials for pulling private images (e.g. the vendor's images on quay.io, or your own derived
   * backend). Handled as a secret. Given alone, it creates an explicit provider for the engine the
   * Docker provider finds by itself. With the default provider, `docker:registryAuth` stack config
   * works too.
   * @default none: images are pulled anonymously
   * @example [{ address: "quay.io", username: "toucan+robot", password: config.requireSecret("quayPassword") }]
   */
  registryAuth?: pulumi.Input<docker.types.input.ProviderRegistryAuth>[];
  /** The backend container's settings. @default see {@link SingleHostBackendArgs} */
  backend?: SingleHostBackendArgs;
  /** The frontend container's settings. @default see {@link SingleHostFrontendArgs} */
  frontend?: SingleHostFrontendArgs;
  /**
   * Mongo image: the official `mongo` image or one that behaves like it (`MONGO_INITDB_*`,
   * `/docker-entrypoint-initdb.d`). MongoDB 4.2 or later (backend v77+ needs it); pin a version.
   * @default "mongo:7.0"
   */
  mongoImage?: string;
  /**
   * Grant the two Toucan users `readWriteAnyDatabase` / `readAnyDatabase` instead of `readWrite` /
   * `read` on `api-toucan`, if your Toucan version keeps data in other databases.
   * @default false
   */
  mongoGrantAllDatabases?: boolean;
  /**
   * Redis image (the official `redis` image or compatible); pin a version.
   * @default "redis:7.2-alpine"
   */
  redisImage?: string;
  /**
   * Require a generated password (`requirepass`) for Redis. The Redis URL then carries it and is
   * delivered as a secret. Off by default: Redis is reachable only on the private network.
   * @default false
   */
  redisPassword?: boolean;
  /**
   * Caddy 2 image; pin a version.
   * @default "caddy:2.8-alpine"
   */
  caddyImage?: string;
  /**
   * Protect the data volumes (Mongo, Redis, backend storage, Caddy's certificates) and the generated
   * passwords from deletion and replacement; the volumes are also kept on the host when removed from
   * the program (`retainOnDelete`). `false` is for tests and throwaway stacks.
   * @default true
   */
  protect?: boolean;
  /**
   * Single sign-on providers (SAML2, OIDC): the URLs each identity provider needs, a SAML2 service-provider
   * key and certificate per SAML2 provider, and each provider's block for the instance settings (outputs
   * `ssoProviders`, `ssoProviderBlocks`).
   * @default none
   */
  sso?: SsoSettings;
  /** Change any child resource's arguments. @default none */
  transform?: SingleHostTransforms;
}

// ---------------------------------------------------------------------------------------------------
// Pure pieces, exported for tests
// ---------------------------------------------------------------------------------------------------

/** Inputs of {@link renderSingleHostMongoInit}. */
export interface SingleHostMongoInitArgs {
  /** The database both users are granted. */
  database: string;
  /** Grant `readWriteAnyDatabase` / `readAnyDatabase` instead. */
  grantAllDatabases: boolean;
  readWrite: { user: string; password: string };
  readOnly: { user: string; password: string };
}

/**
 * The script the mongo image runs once, as its root user, on the first start with an empty data
 * volume (`/docker-entrypoint-initdb.d/*.js`): it creates the users of the backend's two connection
 * strings in `admin` (the `authSource`). It holds passwords: upload it as a secret.
 */
export function renderSingleHostMongoInit(args: SingleHostMongoInitArgs): string {
  const roles = (role: "readWrite" | "read") =>
    args.grantAllDatabases ? [{ role: `${role}AnyDatabase`, db: "admin" }] : [{ role, db: args.database }];
  const createUser = (user: { user: string; password: string }, role: "readWrite" | "read") =>
    `admin.createUser(${JSON.stringify({ user: user.user, pwd: user.password, roles: roles(role) })});`;
  return [
    "// Generated by pulumi-toucan (SingleHost). Run once by the mongo image, as the root user, on the first",
    "// start with an empty data volume: the users of TOUCAN_MONGODB_HOST and TOUCAN_MONGODB_READONLY_HOST.",
    'const admin = db.getSiblingDB("admin");',
    createUser(args.readWrite, "readWrite"),
    createUser(args.readOnly, "read"),
    "",
  ].join("\n");
}

/**
 * `redis.conf` for the Redis container: append-only persistence in the data volume, and `requirepass`
 * when a password is given (then upload it as a secret). Without a password, protected mode is off:
 * Redis is reachable only from the private network, where the backend must reach it.
 */
export function renderSingleHostRedisConfig(password?: string): string {
  return [
    "# Generated by pulumi-toucan (SingleHost).",
    `dir ${REDIS_DATA_PATH}`,
    "appendonly yes",
    ...(password === undefined ? ["protected-mode no"] : [`requirepass ${password}`]),
    "",
  ].join("\n");
}

/** The Redis URL the backend receives (`redis://redis:6379/0`, with the password when there is one). */
export function singleHostRedisUrl(password?: string): string {
  const auth = password === undefined ? "" : `:${encodeURIComponent(password)}@`;
  return `redis://${auth}${SINGLE_HOST_SERVICES.redis}/${REDIS_DATABASE}`;
}

/**
 * An HTTP health check for an image whose contents are not known: busybox `wget`, else `curl`, on the
 * container's own port 80. **An assumption**: the vendor's images are expected to ship one of them.
 */
function httpHealthcheck(urlPath: string, startPeriod: string): docker.types.input.ContainerHealthcheck {
  const url = `http://127.0.0.1${urlPath}`;
  return {
    tests: ["CMD-SHELL", `wget -q -O /dev/null ${url} || curl -fsS -o /dev/null ${url} || exit 1`],
    interval: "30s",
    timeout: "10s",
    retries: 3,
    startPeriod,
  };
}

/**
 * Mongo's health check pings over the container's network address, not loopback: while the image runs
 * the init scripts, its temporary server listens on loopback only, so the container turns healthy
 * only once the users exist and the real server listens. `mongo` is the shell of images before 6.0.
 */
const MONGO_HEALTHCHECK: docker.types.input.ContainerHealthcheck = {
  tests: [
    "CMD-SHELL",
    `mongosh --quiet --host "$(hostname)" --eval "db.adminCommand('ping')" || ` +
      `mongo --quiet --host "$(hostname)" --eval "db.adminCommand('ping')" || exit 1`,
  ],
  interval: "10s",
  timeout: "5s",
  retries: 6,
  startPeriod: "60s",
};

/** `redis-cli` reads the password, if any, from REDISCLI_AUTH. */
const REDIS_HEALTHCHECK: docker.types.input.ContainerHealthcheck = {
  tests: ["CMD-SHELL", "redis-cli ping | grep -q PONG"],
  interval: "10s",
  timeout: "5s",
  retries: 6,
  startPeriod: "10s",
};

// ---------------------------------------------------------------------------------------------------
// Validation
// ---------------------------------------------------------------------------------------------------

/** Everything the constructor needs, computed from plain arguments only. */
export interface SingleHostPlan {
  sameDomain: boolean;
  images: { backend: string; frontend: string; mongo: string; redis: string; caddy: string };
  /** `https://<frontendDomain>[:port]`. */
  frontendUrl: string;
  /** The frontend's `API_BASEROUTE`, the backend's public base URL. */
  apiBaseRoute: string;
  httpPort: number;
  httpsPort: number;
  /** The Caddyfile uploaded to the Caddy container. */
  caddyfile: string;
  /** The certificate and key read from `tls.certificateFile` / `tls.keyFile` (files mode). */
  certificate?: { certificatePem: string; keyPem: string };
  /** The backend's plain environment (no credential in it). */
  backendEnvironment: Record<string, pulumi.Input<string>>;
  frontendEnvironment: Record<string, pulumi.Input<string>>;
  redisVariables: RedisVariableNames;
  redisPassword: boolean;
  mongoGrantAllDatabases: boolean;
  host?: SingleHostDockerHost;
  registryAuth?: pulumi.Input<docker.types.input.ProviderRegistryAuth>[];
  protect: boolean;
  sso?: { providers: SsoProvider[]; validityDays: number };
  /** The vendor's toolbox matched to the backend's pinned version, if it has one. */
  toolboxImage?: string;
}

/** Docker object names allow these; the component's name prefixes every one. */
const DOCKER_NAME = /^[A-Za-z0-9][A-Za-z0-9_.-]{0,62}$/;

function checkPinnedImage(
  checks: ArgumentChecks,
  argument: string,
  reference: string,
  example: string,
  version?: { repository: string; check: (tag: string) => { problem: string; fix: string } | undefined },
): void {
  let ref;
  try {
    ref = parseImageRef(reference);
  } catch (error) {
    const problem = error instanceof ImageRefError ? error.problem : String(error);
    checks.fail(argument, reference, `is not an image reference (${problem})`, `give e.g. "${example}"`);
    return;
  }
  checks.require(
    ref.digest !== undefined || (ref.tag !== undefined && ref.tag !== "latest"),
    argument,
    reference,
    "is not pinned: without a version tag (or with `latest`) the running version changes whenever the image is pulled again",
    `add a version tag, e.g. "${example}"`,
  );
  if (version && ref.repository === version.repository && ref.tag !== undefined) {
    const problem = version.check(ref.tag);
    if (problem) checks.fail(argument, reference, problem.problem, problem.fix);
  }
}

function mongoVersionProblem(tag: string): { problem: string; fix: string } | undefined {
  const match = /^(\d+)\.(\d+)/.exec(tag) ?? /^(\d+)$/.exec(tag);
  if (!match) return undefined;
  const major = Number(match[1]);
  const minor = Number(match[2] ?? 0);
  if (major > 4 || (major === 4 && minor >= 2)) return undefined;
  return {
    problem: "is older than MongoDB 4.2, which the Toucan backend needs (v77 and later)",
    fix: `use ${SINGLE_HOST_DEFAULT_IMAGES.mongo} (or 4.2 at least)`,
  };
}

function caddyVersionProblem(tag: string): { problem: string; fix: string } | undefined {
  const match = /^(\d+)/.exec(tag);
  if (!match || match[1] === "2") return undefined;
  return {
    problem: "is not Caddy 2, whose Caddyfile syntax the component writes",
    fix: `use ${SINGLE_HOST_DEFAULT_IMAGES.caddy}`,
  };
}

function checkHost(checks: ArgumentChecks, host: string | SingleHostDockerHost | undefined): void {
  if (host === undefined) return;
  const url = typeof host === "string" ? host : host?.url;
  const tls = typeof host === "string" ? undefined : host.tls;
  const argument = typeof host === "string" ? "host" : "host.url";
  const scheme = typeof url === "string" ? /^([a-z]+):\/\//.exec(url)?.[1] : undefined;
  const forms = "ssh://user@host, tcp://host:2376 (with host.tls) or unix:///var/run/docker.sock";
  switch (scheme) {
    case "ssh":
      checks.require(
        /^ssh:\/\/(?:[A-Za-z0-9._-]+@)?[A-Za-z0-9.-]+(?::\d{1,5})?$/.test(url!),
        argument,
        url,
        "is not ssh://[USER@]HOST[:PORT]",
        'give e.g. "ssh://deploy@toucan-vm.internal"',
      );
      checks.require(
        tls === undefined,
        "host.tls",
        "(given)",
        "has no effect with ssh://, which is encrypted and authenticated by SSH",
        "remove host.tls, or use tcp://HOST:2376",
      );
      break;
    case "tcp":
      checks.require(
        /^tcp:\/\/[A-Za-z0-9.-]+:\d{1,5}$/.test(url!),
        argument,
        url,
        "is not tcp://HOST:PORT",
        'give e.g. "tcp://toucan-vm.internal:2376"',
      );
      checks.require(
        tls !== undefined && tls.caPem !== undefined && tls.certPem !== undefined && tls.keyPem !== undefined,
        "host.tls",
        undefined,
        "is needed with tcp://: a Docker daemon on TCP without TLS gives root on the host to anyone who reaches the port",
        "give host.tls { caPem, certPem, keyPem } (the daemon runs with --tlsverify), or use ssh://",
      );
      for (const key of ["caPem", "certPem", "keyPem"] as const) {
        const pem = tls?.[key];
        if (typeof pem === "string") {
          checks.require(
            pem.includes("-----BEGIN "),
            `host.tls.${key}`,
            key === "keyPem" ? "(redacted)" : pem.slice(0, 40),
            "is not PEM",
            "give the PEM text (-----BEGIN ...), not a path",
          );
        }
      }
      break;
    case "unix":
      checks.require(
        /^unix:\/\/\/\S+$/.test(url!),
        argument,
        url,
        "is not unix:///PATH",
        'give e.g. "unix:///var/run/docker.sock"',
      );
      checks.require(
        tls === undefined,
        "host.tls",
        "(given)",
        "has no effect with unix://",
        "remove host.tls",
      );
      break;
    default:
      checks.fail(argument, url, "is not a Docker host address", `give ${forms}`);
  }
}

/** Reads a local PEM file for the Caddy container, recording a problem instead of throwing. */
function readPemFile(
  checks: ArgumentChecks,
  argument: string,
  file: unknown,
  kind: "certificate" | "key",
): string | undefined {
  const fix =
    kind === "certificate"
      ? "give the path of the PEM certificate chain on the machine that runs Pulumi (relative paths start from the project directory)"
      : "give the path of the PEM private key on the machine that runs Pulumi (relative paths start from the project directory)";
  if (typeof file !== "string" || file === "") {
    checks.fail(argument, file, "is needed in files mode", fix);
    return undefined;
  }
  const resolved = path.resolve(file);
  let content: string;
  try {
    if (!fs.statSync(resolved).isFile()) {
      checks.fail(argument, file, `is not a file (${resolved})`, fix);
      return undefined;
    }
    content = fs.readFileSync(resolved, "utf8");
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    checks.fail(
      argument,
      file,
      code === "ENOENT"
        ? `does not exist (looked for ${resolved})`
        : `cannot be read (${code ?? String(error)})`,
      fix,
    );
    return undefined;
  }
  if (kind === "certificate") {
    checks.require(
      content.includes("-----BEGIN CERTIFICATE-----"),
      argument,
      file,
      "holds no PEM certificate (-----BEGIN CERTIFICATE-----)",
      fix,
    );
    checks.require(
      !/PRIVATE KEY-----/.test(content),
      argument,
      file,
      "holds a private key, which would be uploaded as plain text with the certificate",
      "keep the key in its own file and name it in tls.keyFile",
    );
  } else {
    checks.require(
      /-----BEGIN [A-Z ]*PRIVATE KEY-----/.test(content),
      argument,
      file,
      "holds no PEM private key (-----BEGIN ... PRIVATE KEY-----)",
      fix,
    );
  }
  return content;
}

/** The argument names of this component for those of the shared helpers (`apiBaseRoute`, the Caddyfile). */
const ARGUMENT_NAMES: Record<string, string> = {
  frontendName: "frontendDomain",
  backendName: "backendDomain",
};

/**
 * Runs a shared helper and relabels its argument errors as this component's: its name, and the
 * arguments as the user spells them (`frontendDomain`, not the helper's `frontendName`).
 */
function asComponent<T>(component: string, helper: () => T): T {
  try {
    return helper();
  } catch (error) {
    if (!(error instanceof ToucanArgumentError)) throw error;
    const rename = (argument: string) => ARGUMENT_NAMES[argument] ?? argument;
    const relabelled = new ToucanArgumentError(
      component,
      rename(error.argument),
      error.value,
      error.problem,
      error.fix,
    );
    relabelled.message = error.message
      .split("\n")
      .map((line) =>
        line.replace(/^.*?: `([^`]+)`/, (_, argument: string) => `${component}: \`${rename(argument)}\``),
      )
      .join("\n");
    throw relabelled;
  }
}

/**
 * Checks every argument and computes the plan; throws before anything is registered. Exported for
 * table tests.
 */
export function validateSingleHostArgs(name: string, args: SingleHostArgs): SingleHostPlan {
  requireArgs(`SingleHost "${name}"`, args, "an object of SingleHostArgs");
  const component = `SingleHost "${name}"`;
  const checks = new ArgumentChecks(component);
  checks.require(
    typeof name === "string" && DOCKER_NAME.test(name),
    "name",
    name,
    "cannot prefix Docker object names ([A-Za-z0-9][A-Za-z0-9_.-], at most 63 characters)",
    'name the component e.g. "toucan"',
  );
  checks.throwIfAny();

  const images = resolveImages(args, component);
  const sameDomain = args.sameDomain ?? args.backendDomain === undefined;
  checks.require(
    !(args.sameDomain === true && args.backendDomain !== undefined),
    "backendDomain",
    args.backendDomain,
    "is set together with `sameDomain: true`",
    `remove backendDomain to serve the backend under ${API_PATH_PREFIX}, or remove sameDomain`,
  );
  checks.throwIfAny();
  const route = asComponent(component, () =>
    apiBaseRoute(
      {
        frontendName: args.frontendDomain,
        backendName: sameDomain ? undefined : args.backendDomain,
        sameDomain,
      },
      component,
    ),
  );

  const httpPort = args.httpPort ?? 80;
  const httpsPort = args.httpsPort ?? 443;
  const tls: SingleHostTls = args.tls ?? { mode: "internal" };
  let certificate: SingleHostPlan["certificate"];
  let caddyTls: CaddyTls;
  switch (tls.mode) {
    case "files": {
      const certificatePem = readPemFile(checks, "tls.certificateFile", tls.certificateFile, "certificate");
      const keyPem = readPemFile(checks, "tls.keyFile", tls.keyFile, "key");
      if (certificatePem !== undefined && keyPem !== undefined) certificate = { certificatePem, keyPem };
      caddyTls = {
        mode: "files",
        certificateFile: SINGLE_HOST_FILES.certificate,
        keyFile: SINGLE_HOST_FILES.key,
      };
      break;
    }
    case "acme":
      checks.require(
        !isPort(httpPort) || !isPort(httpsPort) || httpPort === 80 || httpsPort === 443,
        "httpsPort",
        httpsPort,
        `leaves no ACME challenge port: CAs connect to port 80 (HTTP-01) or 443 (TLS-ALPN-01), and httpPort is ${httpPort}`,
        'publish port 80 or 443, or use tls.mode "files" with your own certificate',
      );
      caddyTls = tls;
      break;
    default:
      caddyTls = tls;
  }

  for (const [argument, reference, example, version] of [
    [
      "mongoImage",
      args.mongoImage,
      SINGLE_HOST_DEFAULT_IMAGES.mongo,
      { repository: "library/mongo", check: mongoVersionProblem },
    ],
    ["redisImage", args.redisImage, SINGLE_HOST_DEFAULT_IMAGES.redis, undefined],
    [
      "caddyImage",
      args.caddyImage,
      SINGLE_HOST_DEFAULT_IMAGES.caddy,
      { repository: "library/caddy", check: caddyVersionProblem },
    ],
  ] as const) {
    if (reference !== undefined) checkPinnedImage(checks, argument, reference, example, version);
  }
  checkHost(checks, args.host);

  const backend = args.backend ?? {};
  const reserved = new Map<string, ReservedVariable>([
    [
      "API_BASEROUTE",
      { problem: "is written by the component", fix: "set the domains instead", secret: false },
    ],
  ]);
  checkPlainEnvironment(checks, "frontend.environment", args.frontend?.environment, reserved);
  checks.require(
    backend.cpus === undefined ||
      (typeof backend.cpus === "number" && Number.isFinite(backend.cpus) && backend.cpus > 0),
    "backend.cpus",
    backend.cpus,
    "is not a positive number of CPUs",
    "give the CPUs the backend may use, e.g. 2 (5 workers) or 4 (9 workers)",
  );
  const sso = args.sso === undefined ? undefined : validateSsoSettings(checks, "sso.", args.sso);
  checks.throwIfAny();

  // The Caddyfile checks the ports, the ACME email and the names once more, for Caddy's sake.
  const caddyfile = asComponent(component, () =>
    renderCaddyfile({
      frontendName: args.frontendDomain,
      backendName: sameDomain ? undefined : args.backendDomain,
      sameDomain,
      tls: caddyTls,
      frontendUpstream: SINGLE_HOST_SERVICES.frontend,
      backendUpstream: SINGLE_HOST_SERVICES.backend,
      httpPort,
      httpsPort,
      skipInstallTrust: caddyTls.mode === "internal",
    }),
  );

  const redisPassword = args.redisPassword ?? false;
  const redisVariables = redisVariableNames(backend.redisVariables);
  const workers = backend.gunicornWorkers ?? gunicornWorkers(backend.cpus ?? 2, component);
  const environment = backendEnvironment(
    {
      workers,
      extraConnectors: backend.extraConnectors,
      oldAugmentWhitelist: backend.oldAugmentWhitelist,
      redis: {
        host: SINGLE_HOST_SERVICES.redis.split(":")[0],
        port: SINGLE_HOST_SERVICES.redis.split(":")[1],
        tls: false,
        // With a password, the URL carries it and is delivered as a secret instead.
        ...(redisPassword ? {} : { url: singleHostRedisUrl() }),
      },
      redisVariables: backend.redisVariables,
      extra: backend.environment,
    },
    component,
  );

  const portSuffix = httpsPort === 443 ? "" : `:${httpsPort}`;
  const withPort = (url: string) => url.replace(/^https:\/\/[^/]+/, (origin) => `${origin}${portSuffix}`);
  const apiBase = withPort(route);
  const host =
    args.host === undefined ? undefined : typeof args.host === "string" ? { url: args.host } : args.host;
  return {
    sameDomain,
    images: {
      backend: images.backendImage,
      frontend: images.frontendImage,
      mongo: args.mongoImage ?? SINGLE_HOST_DEFAULT_IMAGES.mongo,
      redis: args.redisImage ?? SINGLE_HOST_DEFAULT_IMAGES.redis,
      caddy: args.caddyImage ?? SINGLE_HOST_DEFAULT_IMAGES.caddy,
    },
    frontendUrl: `https://${args.frontendDomain}${portSuffix}`,
    apiBaseRoute: apiBase,
    httpPort,
    httpsPort,
    caddyfile,
    certificate,
    backendEnvironment: environment,
    frontendEnvironment: { API_BASEROUTE: apiBase, ...args.frontend?.environment },
    redisVariables,
    redisPassword,
    mongoGrantAllDatabases: args.mongoGrantAllDatabases ?? false,
    host,
    registryAuth: args.registryAuth,
    protect: args.protect ?? true,
    sso,
    toolboxImage: toolboxImage(images.backendVersion),
  };
}

// ---------------------------------------------------------------------------------------------------
// The component
// ---------------------------------------------------------------------------------------------------

/** The containers of the layout, by role. */
export type SingleHostContainer = "mongo" | "redis" | "backend" | "frontend" | "caddy";
/** The data volumes of the layout, by role. */
export type SingleHostVolume = "mongo" | "redis" | "storage" | "caddy";

/** `NAME=value`, an Output when the value is one. */
function env(name: string, value: pulumi.Input<string>): pulumi.Input<string> {
  return typeof value === "string" ? `${name}=${value}` : pulumi.interpolate`${name}=${value}`;
}

/** `NAME=secret`, always a Pulumi secret: encrypted in the state, never printed. */
function secretEnv(name: string, value: pulumi.Input<string>): pulumi.Output<string> {
  return pulumi.secret(pulumi.interpolate`${name}=${value}`);
}

/**
 * Toucan on one Docker host: Mongo (authentication on, two users), Redis, the backend and the
 * frontend on a private bridge network, and Caddy in front, the only container that publishes ports:
 * it terminates TLS, redirects HTTP to HTTPS and routes the frontend and backend names (or `/_api`
 * on one name). Data lives in named volumes that outlive the containers.
 *
 * Docker has no secrets store here: the connection strings and passwords reach the containers as
 * environment variables and uploaded files, always as Pulumi secrets (encrypted in the state, never
 * printed). Mongo is reached without TLS, on the private network only.
 *
 * @example
 * ```ts
 * const toucan = new SingleHost("toucan", {
 *   version: "v100.5.1",
 *   frontendDomain: "toucan.localhost",
 *   backendDomain: "api-toucan.localhost",
 * });
 * export const url = toucan.frontendUrl;
 * ```
 */
export class SingleHost extends pulumi.ComponentResource {
  /** The frontend's public URL, `https://<frontendDomain>` (with the port when it is not 443). */
  readonly frontendUrl: pulumi.Output<string>;
  /** The backend's public base URL, the frontend's `API_BASEROUTE`. */
  readonly backendUrl: pulumi.Output<string>;
  /** The private bridge network every container is on. */
  readonly networkName: pulumi.Output<string>;
  /** Container names by role: `mongo`, `redis`, `backend`, `frontend`, `caddy` (for `docker logs`). */
  readonly containerNames: pulumi.Output<Record<SingleHostContainer, string>>;
  /**
   * Volume names by role: `mongo` (/data/db), `redis` (/data), `storage` (the backend's
   * /app/storage) and `caddy` (certificates and Caddy's local CA). Back up `mongo` and `storage`.
   */
  readonly volumeNames: pulumi.Output<Record<SingleHostVolume, string>>;
  /** `TOUCAN_MONGODB_HOST` (a secret). */
  readonly mongodbHost: pulumi.Output<string>;
  /** `TOUCAN_MONGODB_READONLY_HOST` (a secret). */
  readonly mongodbReadonlyHost: pulumi.Output<string>;
  /** The Caddyfile uploaded to the Caddy container. */
  readonly caddyfile: string;
  /** The Docker provider created for `host` or `registryAuth`, if any. */
  readonly provider?: docker.Provider;
  /**
   * The vendor's backup toolbox as `docker run` commands for this host (`backup`, `restore`): its network,
   * storage volume, `MONGO_URI` and backend URL filled in (a secret). Undefined without a pinned version.
   */
  readonly toolboxCommands?: pulumi.Output<{ backup: string; restore: string }>;
  /** Per SSO provider id: the URLs its identity provider needs (with `sso`). */
  readonly ssoProviders?: pulumi.Output<Record<string, SsoProviderOutputs>>;
  /** Per SSO provider id: the block for the instance settings (YAML, a secret; with `sso`). */
  readonly ssoProviderBlocks?: pulumi.Output<Record<string, string>>;

  private readonly plan: SingleHostPlan;
  private readonly transforms: SingleHostTransforms;

  constructor(name: string, args: SingleHostArgs, opts: pulumi.ComponentResourceOptions = {}) {
    const plan = validateSingleHostArgs(name, args);
    super(COMPONENT, name, {}, opts);
    this.plan = plan;
    this.transforms = args.transform ?? {};

    this.provider = this.createProvider(name);
    const network = this.createNetwork(name);
    const volumes = this.createVolumes(name);
    const images = this.pullImages(name);
    const passwords = this.generatePasswords(name);
    this.mongodbHost = this.mongoUri(name, SINGLE_HOST_MONGO_USERS.readWrite, passwords.readWrite);
    this.mongodbReadonlyHost = this.mongoUri(name, SINGLE_HOST_MONGO_USERS.readOnly, passwords.readOnly);

    const mongo = this.runMongo(name, network, volumes.mongo, images.mongo, passwords);
    const redis = this.runRedis(name, network, volumes.redis, images.redis, passwords.redis);
    const backend = this.runBackend(name, network, volumes.storage, images.backend, passwords.redis, [
      mongo,
      redis,
    ]);
    const frontend = this.runFrontend(name, network, images.frontend);
    const caddy = this.runCaddy(name, network, volumes.caddy, images.caddy, [backend, frontend]);

    this.frontendUrl = pulumi.output(plan.frontendUrl);
    this.backendUrl = pulumi.output(plan.apiBaseRoute);
    if (plan.sso) {
      const urls = { backendUrl: plan.apiBaseRoute, frontendUrl: plan.frontendUrl };
      const validityDays = plan.sso.validityDays;
      const sso = ssoOutputs(
        plan.sso.providers.map((provider) =>
          provider.type === "OIDC"
            ? wireOidcProvider(provider, urls)
            : wireSamlProvider(this, `${name}-${provider.id}`, provider, urls, validityDays),
        ),
      );
      this.ssoProviders = sso.providers;
      this.ssoProviderBlocks = sso.providerBlocks;
    }
    this.networkName = network.name;
    const image = plan.toolboxImage;
    if (image) {
      // The FAQ's docker run commands; MONGO_URI holds a password, so the whole output is a secret.
      this.toolboxCommands = pulumi.secret(
        pulumi
          .all([network.name, volumes.storage.name, this.mongodbHost])
          .apply(([networkName, storageVolume, mongoUri]) =>
            dockerToolboxCommands({
              image,
              network: networkName,
              storageVolume,
              mongoUri,
              backendUrl: plan.apiBaseRoute,
            }),
          ),
      );
    }
    this.caddyfile = plan.caddyfile;
    this.containerNames = pulumi.output({
      mongo: mongo.name,
      redis: redis.name,
      backend: backend.name,
      frontend: frontend.name,
      caddy: caddy.name,
    });
    this.volumeNames = pulumi.output({
      mongo: volumes.mongo.name,
      redis: volumes.redis.name,
      storage: volumes.storage.name,
      caddy: volumes.caddy.name,
    });
    this.registerOutputs({
      frontendUrl: this.frontendUrl,
      backendUrl: this.backendUrl,
      networkName: this.networkName,
      containerNames: this.containerNames,
      volumeNames: this.volumeNames,
      mongodbHost: this.mongodbHost,
      mongodbReadonlyHost: this.mongodbReadonlyHost,
      ssoProviders: this.ssoProviders,
      ssoProviderBlocks: this.ssoProviderBlocks,
      toolboxCommands: this.toolboxCommands,
    });
  }

  /** Options every child gets: this parent, and the explicit provider when there is one. */
  private child(extra: pulumi.CustomResourceOptions = {}): pulumi.CustomResourceOptions {
    return { parent: this, ...(this.provider ? { provider: this.provider } : {}), ...extra };
  }

  private createProvider(name: string): docker.Provider | undefined {
    const { host, registryAuth } = this.plan;
    if (!host && !registryAuth) return undefined;
    return new docker.Provider(
      `${name}-docker`,
      {
        ...(host ? { host: host.url } : {}),
        ...(registryAuth ? { registryAuth: pulumi.secret(registryAuth) } : {}),
        ...(host?.tls
          ? {
              caMaterial: host.tls.caPem,
              certMaterial: host.tls.certPem,
              keyMaterial: pulumi.secret(host.tls.keyPem),
            }
          : {}),
        ...(host?.sshOptions ? { sshOpts: host.sshOptions } : {}),
      },
      { parent: this },
    );
  }

  /**
   * A user-defined bridge network, not `internal`: the backend needs egress for its connectors (and to
   * install extra connectors at start). Nothing on it is published but Caddy's ports.
   */
  private createNetwork(name: string): docker.Network {
    return new docker.Network(
      ...applyTransform(this.transforms.network, `${name}-network`, { driver: "bridge" }, this.child()),
    );
  }

  /** Named volumes: the data survives container replacement, and the volumes survive their removal. */
  private createVolumes(name: string): Record<SingleHostVolume, docker.Volume> {
    const volume = (key: string) =>
      new docker.Volume(
        ...applyTransform(
          this.transforms.volume,
          `${name}-${key}`,
          { driver: "local" },
          this.child({ protect: this.plan.protect, retainOnDelete: this.plan.protect }),
        ),
      );
    return {
      mongo: volume("mongo-data"),
      redis: volume("redis-data"),
      storage: volume("storage"),
      caddy: volume("caddy-data"),
    };
  }

  /** `keepLocally`: destroying the stack does not remove images another container may use. */
  private pullImages(name: string): Record<SingleHostContainer, docker.RemoteImage> {
    const pull = (key: SingleHostContainer) =>
      new docker.RemoteImage(
        ...applyTransform(
          this.transforms.image,
          `${name}-${key}-image`,
          { name: this.plan.images[key], keepLocally: true },
          this.child(),
        ),
      );
    return {
      mongo: pull("mongo"),
      redis: pull("redis"),
      backend: pull("backend"),
      frontend: pull("frontend"),
      caddy: pull("caddy"),
    };
  }

  private generatePasswords(name: string) {
    const password = (key: string) =>
      new random.RandomPassword(
        `${name}-${key}-password`,
        { length: 32, special: false, minLower: 2, minUpper: 2, minNumeric: 2 },
        { parent: this, protect: this.plan.protect },
      );
    return {
      admin: password("mongo-admin"),
      readWrite: password("mongo-rw"),
      readOnly: password("mongo-ro"),
      redis: this.plan.redisPassword ? password("redis") : undefined,
    };
  }

  /** The vendor's connection string on the private network: `mongo:27017`, no TLS, authSource admin. */
  private mongoUri(name: string, user: string, password: random.RandomPassword): pulumi.Output<string> {
    return pulumi.secret(
      password.result.apply((pw) =>
        toucanMongoUri({ user, password: pw, hosts: [SINGLE_HOST_SERVICES.mongo] }, `SingleHost "${name}"`),
      ),
    );
  }

  private container(
    name: string,
    key: SingleHostContainer,
    network: docker.Network,
    image: docker.RemoteImage,
    settings: Omit<docker.ContainerArgs, "image">,
    opts: pulumi.CustomResourceOptions = {},
  ): docker.Container {
    return new docker.Container(
      ...applyTransform(
        this.transforms[key],
        `${name}-${key}`,
        {
          image: image.imageId,
          restart: "unless-stopped",
          networksAdvanced: [{ name: network.name, aliases: [key] }],
          ...settings,
        },
        // Delete first: a stateful container must not share its volume with its replacement, and
        // Caddy's replacement could not bind the host ports. (The Docker provider does it anyway.)
        this.child({ deleteBeforeReplace: true, ...opts }),
      ),
    );
  }

  private runMongo(
    name: string,
    network: docker.Network,
    volume: docker.Volume,
    image: docker.RemoteImage,
    passwords: ReturnType<SingleHost["generatePasswords"]>,
  ): docker.Container {
    const init = pulumi
      .all([passwords.readWrite.result, passwords.readOnly.result])
      .apply(([readWrite, readOnly]) =>
        renderSingleHostMongoInit({
          database: TOUCAN_DATABASE,
          grantAllDatabases: this.plan.mongoGrantAllDatabases,
          readWrite: { user: SINGLE_HOST_MONGO_USERS.readWrite, password: readWrite },
          readOnly: { user: SINGLE_HOST_MONGO_USERS.readOnly, password: readOnly },
        }),
      );
    return this.container(
      name,
      "mongo",
      network,
      image,
      {
        command: ["mongod", "--auth"],
        envs: [
          env("MONGO_INITDB_ROOT_USERNAME", SINGLE_HOST_MONGO_USERS.admin),
          secretEnv("MONGO_INITDB_ROOT_PASSWORD", passwords.admin.result),
        ],
        uploads: [{ file: SINGLE_HOST_FILES.mongoInit, content: pulumi.secret(init) }],
        volumes: [{ volumeName: volume.name, containerPath: MONGO_DATA_PATH }],
        healthcheck: MONGO_HEALTHCHECK,
        // The backend is created once Mongo is healthy (compose's `condition: service_healthy`).
        wait: true,
        waitTimeout: 180,
      },
      { additionalSecretOutputs: ["envs", "uploads"] },
    );
  }

  private runRedis(
    name: string,
    network: docker.Network,
    volume: docker.Volume,
    image: docker.RemoteImage,
    password: random.RandomPassword | undefined,
  ): docker.Container {
    const config = password
      ? pulumi.secret(password.result.apply((pw) => renderSingleHostRedisConfig(pw)))
      : renderSingleHostRedisConfig();
    return this.container(
      name,
      "redis",
      network,
      image,
      {
        command: ["redis-server", SINGLE_HOST_FILES.redisConfig],
        envs: password ? [secretEnv("REDISCLI_AUTH", password.result)] : [],
        uploads: [{ file: SINGLE_HOST_FILES.redisConfig, content: config }],
        volumes: [{ volumeName: volume.name, containerPath: REDIS_DATA_PATH }],
        healthcheck: REDIS_HEALTHCHECK,
        wait: true,
        waitTimeout: 120,
      },
      password ? { additionalSecretOutputs: ["envs", "uploads"] } : {},
    );
  }

  private runBackend(
    name: string,
    network: docker.Network,
    storage: docker.Volume,
    image: docker.RemoteImage,
    redisPassword: random.RandomPassword | undefined,
    dependsOn: docker.Container[],
  ): docker.Container {
    const names = this.plan.redisVariables;
    const plain = Object.entries(this.plan.backendEnvironment).map(([key, value]) => env(key, value));
    const secrets = [
      secretEnv("TOUCAN_MONGODB_HOST", this.mongodbHost),
      secretEnv("TOUCAN_MONGODB_READONLY_HOST", this.mongodbReadonlyHost),
      ...(redisPassword
        ? [
            secretEnv(
              names.url,
              redisPassword.result.apply((pw) => singleHostRedisUrl(pw)),
            ),
            secretEnv(names.password, redisPassword.result),
          ]
        : []),
    ];
    return this.container(
      name,
      "backend",
      network,
      image,
      {
        envs: [...plain, ...secrets],
        volumes: [{ volumeName: storage.name, containerPath: STORAGE_PATH }],
        // GET / answers the backend's version. Long start period: extra connectors install at start.
        healthcheck: httpHealthcheck("/", "300s"),
      },
      { dependsOn, additionalSecretOutputs: ["envs"] },
    );
  }

  private runFrontend(name: string, network: docker.Network, image: docker.RemoteImage): docker.Container {
    return this.container(name, "frontend", network, image, {
      envs: Object.entries(this.plan.frontendEnvironment).map(([key, value]) => env(key, value)),
      healthcheck: httpHealthcheck("/tucana-version.txt", "30s"),
    });
  }

  /** Caddy listens inside its container on the host's port numbers, so its redirects name the right port. */
  private runCaddy(
    name: string,
    network: docker.Network,
    data: docker.Volume,
    image: docker.RemoteImage,
    dependsOn: docker.Container[],
  ): docker.Container {
    const { httpPort, httpsPort, certificate } = this.plan;
    return this.container(
      name,
      "caddy",
      network,
      image,
      {
        ports: [
          { internal: httpPort, external: httpPort },
          { internal: httpsPort, external: httpsPort },
          { internal: httpsPort, external: httpsPort, protocol: "udp" },
        ],
        uploads: [
          { file: SINGLE_HOST_FILES.caddyfile, content: this.plan.caddyfile },
          ...(certificate
            ? [
                { file: SINGLE_HOST_FILES.certificate, content: certificate.certificatePem },
                {
                  file: SINGLE_HOST_FILES.key,
                  content: pulumi.secret(certificate.keyPem),
                  permissions: "0600",
                },
              ]
            : []),
        ],
        volumes: [{ volumeName: data.name, containerPath: CADDY_DATA_PATH }],
      },
      { dependsOn, ...(certificate ? { additionalSecretOutputs: ["uploads"] } : {}) },
    );
  }
}
