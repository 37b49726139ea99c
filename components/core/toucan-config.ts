/**
 * The Toucan configuration model shared by the AWS topology and the single-host Docker variant: image
 * references and versions, the backend's environment contract, `API_BASEROUTE`, the same-domain path
 * prefix and the vendor's Mongo connection string. Pure functions: no resource is created here, so the
 * rules can be checked before a component registers anything, and tested by tables of cases.
 */
import * as pulumi from "@pulumi/pulumi";
import { ArgumentChecks, ToucanArgumentError } from "./errors";
import { MongoUriParts, mongoUri } from "./mongo-uri";
import { ImageRefError, parseImageRef } from "./image-ref";

const DEFAULT_COMPONENT = "Toucan configuration";

// ---------------------------------------------------------------------------------------------------
// Images and versions
// ---------------------------------------------------------------------------------------------------

/** The vendor's backend image (a version tag is appended). */
export const BACKEND_IMAGE_REPOSITORY = "quay.io/toucantoco/backend";
/** The vendor's frontend image (a version tag is appended). */
export const FRONTEND_IMAGE_REPOSITORY = "quay.io/toucantoco/frontend";
/** The tag that always points at the vendor's latest monthly release. */
export const FLOATING_VERSION = "latest-monthly";
/** An example of a pinned version, used in messages. */
const VERSION_EXAMPLE = "v100.5.1";

/**
 * A pinned vendor tag: `vMAJOR.MINOR.PATCH`, optionally followed by a suffix (`v100.5.1-hotfix1`).
 * The suffix keeps to Docker's tag alphabet, so every accepted version is a pullable tag.
 */
const PINNED_VERSION = /^v(\d+)\.(\d+)\.(\d+)(?:[-._][0-9A-Za-z][0-9A-Za-z._-]*)?$/;
const MAX_TAG_LENGTH = 128;

/** Which Toucan images to run. */
export interface ToucanVersionArgs {
  /**
   * Toucan version of both the backend and the frontend: a vendor tag such as `v100.5.1`, or
   * `latest-monthly` with `allowFloatingVersion`.
   * @default none: set it, or both `backendVersion` and `frontendVersion` (or custom images)
   * @example "v100.5.1"
   */
  version?: string;
  /**
   * The backend's version when it differs from the frontend's. Its MAJOR number must match the
   * frontend's (the vendor releases them together).
   * @default `version`
   * @example "v100.5.2"
   */
  backendVersion?: string;
  /**
   * The frontend's version when it differs from the backend's. Its MAJOR number must match the
   * backend's.
   * @default `version`
   * @example "v100.5.1"
   */
  frontendVersion?: string;
  /**
   * A full backend image reference instead of the vendor's, e.g. a derived image with connectors
   * built in (`FROM quay.io/toucantoco/backend:v100.5.1` + `RUN toucan-ctl install_connectors ...`).
   * The versions above then only describe it: when given, they are still checked.
   * @default `quay.io/toucantoco/backend:<backend version>`
   * @example "123456789012.dkr.ecr.eu-west-1.amazonaws.com/toucan-backend:v100.5.1-oracle"
   */
  backendImage?: string;
  /**
   * A full frontend image reference instead of the vendor's.
   * @default `quay.io/toucantoco/frontend:<frontend version>`
   */
  frontendImage?: string;
  /**
   * Accept the floating `latest-monthly` tag. The vendor asks production to pin a version: a
   * floating tag changes the running version whenever a task restarts.
   * @default false
   */
  allowFloatingVersion?: boolean;
}

/** The images to run, and the versions they were declared with. */
export interface ResolvedImages {
  /** Full image reference of the backend. */
  backendImage: string;
  /** Full image reference of the frontend. */
  frontendImage: string;
  /** The backend's declared version; `undefined` for a custom image given without one. */
  backendVersion?: string;
  /** The frontend's declared version; `undefined` for a custom image given without one. */
  frontendVersion?: string;
}

/**
 * The MAJOR number of a pinned vendor version: `majorOf("v100.5.1") === 100`. `undefined` for
 * `latest-monthly` and for anything that is not a vendor version.
 */
export function majorOf(version: string): number | undefined {
  const match = PINNED_VERSION.exec(version);
  return match ? Number(match[1]) : undefined;
}

/** Why a declared version is not acceptable, or `undefined` when it is. */
function versionProblem(version: string): { problem: string; fix: string } | undefined {
  if (version === FLOATING_VERSION) return undefined;
  const fix = `use a vendor tag such as "${VERSION_EXAMPLE}" (or "${FLOATING_VERSION}" with allowFloatingVersion)`;
  if (/^\d+\.\d+\.\d+/.test(version)) {
    return { problem: "lacks the leading `v` of the vendor's tags", fix: `write "v${version}"` };
  }
  if (version.length > MAX_TAG_LENGTH || !PINNED_VERSION.test(version)) {
    return { problem: "is not a vendor version (vMAJOR.MINOR.PATCH)", fix };
  }
  return undefined;
}

function checkImageReference(checks: ArgumentChecks, argument: string, reference: string): void {
  try {
    parseImageRef(reference);
  } catch (error) {
    const problem = error instanceof ImageRefError ? error.problem : String(error);
    checks.fail(
      argument,
      reference,
      `is not an image reference (${problem})`,
      "give [REGISTRY/]REPOSITORY[:TAG][@DIGEST], e.g. quay.io/toucantoco/backend:v100.5.1",
    );
  }
}

/**
 * The backend and frontend images from {@link ToucanVersionArgs}, after checking that every declared
 * version is a vendor tag, that both MAJOR numbers match, and that `latest-monthly` is opted into.
 *
 * @param component names the component in error messages, e.g. `Toucan "prod"`.
 * @throws ToucanArgumentError listing every problem.
 * @example
 * ```ts
 * resolveImages({ version: "v100.5.1" }, 'Toucan "prod"');
 * // { backendImage: "quay.io/toucantoco/backend:v100.5.1", frontendImage: "quay.io/toucantoco/frontend:v100.5.1",
 * //   backendVersion: "v100.5.1", frontendVersion: "v100.5.1" }
 * ```
 */
export function resolveImages(args: ToucanVersionArgs, component: string): ResolvedImages {
  const checks = new ArgumentChecks(component);
  const tiers = [
    {
      tier: "backend",
      argument: args.backendVersion !== undefined ? "backendVersion" : "version",
      version: args.backendVersion ?? args.version,
      image: args.backendImage,
      imageArgument: "backendImage",
      repository: BACKEND_IMAGE_REPOSITORY,
    },
    {
      tier: "frontend",
      argument: args.frontendVersion !== undefined ? "frontendVersion" : "version",
      version: args.frontendVersion ?? args.version,
      image: args.frontendImage,
      imageArgument: "frontendImage",
      repository: FRONTEND_IMAGE_REPOSITORY,
    },
  ] as const;

  const reported = new Set<string>();
  if (tiers.every((t) => t.version === undefined && t.image === undefined)) {
    checks.fail(
      "version",
      undefined,
      "is needed: it picks the backend and frontend images",
      `set \`version\` to a vendor tag such as "${VERSION_EXAMPLE}" (or backendVersion and frontendVersion)`,
    );
    checks.throwIfAny();
  }
  for (const t of tiers) {
    if (t.image !== undefined) checkImageReference(checks, t.imageArgument, t.image);
    if (t.version === undefined) {
      checks.require(
        t.image !== undefined,
        `${t.tier}Version`,
        undefined,
        `leaves the ${t.tier} without an image version`,
        `set \`version\` (e.g. "${VERSION_EXAMPLE}") for both tiers, or \`${t.tier}Version\`, or a full \`${t.imageArgument}\``,
      );
      continue;
    }
    // `version` feeds both tiers: report a problem with it once.
    if (reported.has(t.argument)) continue;
    reported.add(t.argument);
    const problem = versionProblem(t.version);
    if (problem) {
      checks.fail(t.argument, t.version, problem.problem, problem.fix);
    } else if (t.version === FLOATING_VERSION) {
      checks.require(
        args.allowFloatingVersion === true,
        t.argument,
        t.version,
        "is a floating tag, and the vendor asks production to pin a version (a floating tag changes the " +
          "running version whenever a task restarts)",
        `pin a version such as "${VERSION_EXAMPLE}", or set \`allowFloatingVersion: true\` to accept the floating tag`,
      );
    }
  }

  const [backend, frontend] = tiers;
  if (backend.version !== undefined && frontend.version !== undefined && checks.ok) {
    const backendMajor = majorOf(backend.version);
    const frontendMajor = majorOf(frontend.version);
    const floating = [backend.version, frontend.version].filter((v) => v === FLOATING_VERSION).length;
    if (floating === 1) {
      checks.fail(
        "backendVersion",
        backend.version,
        `floats while frontendVersion ${JSON.stringify(frontend.version)} is pinned (or the other way ` +
          "round), so their MAJOR numbers cannot be kept equal",
        "pin both versions (same MAJOR), or float both",
      );
    } else if (backendMajor !== frontendMajor) {
      checks.fail(
        "backendVersion",
        backend.version,
        `has MAJOR ${backendMajor} but frontendVersion ${JSON.stringify(frontend.version)} has MAJOR ` +
          `${frontendMajor}; the vendor requires the backend and frontend MAJOR numbers to match`,
        `use versions of one release, e.g. backendVersion "v${frontendMajor}.x.y" with frontendVersion ${JSON.stringify(frontend.version)}`,
      );
    }
  }
  checks.throwIfAny();

  const resolved: ResolvedImages = {
    backendImage: backend.image ?? `${backend.repository}:${backend.version}`,
    frontendImage: frontend.image ?? `${frontend.repository}:${frontend.version}`,
  };
  if (backend.version !== undefined) resolved.backendVersion = backend.version;
  if (frontend.version !== undefined) resolved.frontendVersion = frontend.version;
  return resolved;
}

// ---------------------------------------------------------------------------------------------------
// Gunicorn workers
// ---------------------------------------------------------------------------------------------------

/** Fargate CPU units per vCPU. */
export const CPU_UNITS_PER_VCPU = 1024;

/**
 * The vendor's recommended Gunicorn worker count, `2 * vCPU + 1`. Fargate sizes can be fractional,
 * so the product is rounded down (a worker is a whole process) before adding one:
 *
 * | vCPU | workers |
 * |---|---|
 * | 0.25 | 1 |
 * | 0.5 | 2 |
 * | 1 | 3 |
 * | 2 | 5 (the vendor's default) |
 * | 4 | 9 |
 *
 * @throws ToucanArgumentError when `vcpu` is not a positive number.
 */
export function gunicornWorkers(vcpu: number, component: string = DEFAULT_COMPONENT): number {
  if (!(typeof vcpu === "number" && Number.isFinite(vcpu) && vcpu > 0)) {
    throw new ToucanArgumentError(
      component,
      "vcpu",
      vcpu,
      "is not a positive number of vCPUs",
      "give the backend's vCPUs, e.g. 0.25, 0.5, 1, 2 or 4",
    );
  }
  return Math.floor(2 * vcpu) + 1;
}

/**
 * vCPUs of a Fargate CPU size: `vcpuFromCpuUnits(1024) === 1`, `vcpuFromCpuUnits(256) === 0.25`.
 * @throws ToucanArgumentError when `cpuUnits` is not a positive number.
 */
export function vcpuFromCpuUnits(cpuUnits: number, component: string = DEFAULT_COMPONENT): number {
  if (!(typeof cpuUnits === "number" && Number.isFinite(cpuUnits) && cpuUnits > 0)) {
    throw new ToucanArgumentError(
      component,
      "cpu",
      cpuUnits,
      "is not a positive number of CPU units",
      "give Fargate CPU units, e.g. 256, 512, 1024, 2048 or 4096",
    );
  }
  return cpuUnits / CPU_UNITS_PER_VCPU;
}

// ---------------------------------------------------------------------------------------------------
// The backend's environment
// ---------------------------------------------------------------------------------------------------

/** The Mongo connection strings: they carry passwords, so they are always secrets. */
export const MONGO_SECRET_VARIABLES = ["TOUCAN_MONGODB_HOST", "TOUCAN_MONGODB_READONLY_HOST"] as const;

/** Variables the vendor documents for the backend's plain environment. */
export const WORKERS_VARIABLE = "TOUCAN_GUNICORN_WORKERS";
export const EXTRA_CONNECTORS_VARIABLE = "TOUCAN_EXTRA_CONNECTORS";
export const OLD_AUGMENT_WHITELIST_VARIABLE = "TOUCAN_OLD_AUGMENT_WHITELIST";

/**
 * The environment variable names under which the backend receives Redis.
 *
 * **An assumption**: the vendor does not document how its backend is told where Redis is. These
 * defaults are clearly named guesses; set the names your Toucan version reads (ask the vendor) and
 * they are used everywhere: in the plain environment, in the secrets, and in the checks that keep
 * credentials out of plain text.
 */
export interface RedisVariableNames {
  /**
   * Host name of the Redis primary endpoint (plain).
   * @default "TOUCAN_REDIS_HOST"
   */
  host: string;
  /**
   * Port (plain).
   * @default "TOUCAN_REDIS_PORT"
   */
  port: string;
  /**
   * `"true"` when Redis requires TLS (plain).
   * @default "TOUCAN_REDIS_TLS"
   */
  tls: string;
  /**
   * The full `redis://` / `rediss://` URL. A secret whenever it carries the auth token; plain only for a
   * Redis without a password (the single-host layout).
   * @default "TOUCAN_REDIS_URL"
   */
  url: string;
  /**
   * The auth token alone. Always a secret.
   * @default "TOUCAN_REDIS_PASSWORD"
   */
  password: string;
}

/** The default Redis variable names (an assumption, see {@link RedisVariableNames}). */
export const DEFAULT_REDIS_VARIABLES: Readonly<RedisVariableNames> = Object.freeze({
  host: "TOUCAN_REDIS_HOST",
  port: "TOUCAN_REDIS_PORT",
  tls: "TOUCAN_REDIS_TLS",
  url: "TOUCAN_REDIS_URL",
  password: "TOUCAN_REDIS_PASSWORD",
});

/** The Redis variable names with the user's overrides applied. */
export function redisVariableNames(overrides: Partial<RedisVariableNames> = {}): RedisVariableNames {
  const names = { ...DEFAULT_REDIS_VARIABLES };
  for (const key of Object.keys(names) as (keyof RedisVariableNames)[]) {
    const value = overrides[key];
    if (value !== undefined) names[key] = value;
  }
  return names;
}

/**
 * The variables that never go in the backend's plain environment: the two Mongo URIs and the Redis
 * URL and auth token (under their configured names). Deliver them as secrets (ECS `secrets`, Docker
 * secrets); {@link backendEnvironment} refuses them in `extra`.
 */
export function secretVariableNames(redisVariables: Partial<RedisVariableNames> = {}): string[] {
  const redis = redisVariableNames(redisVariables);
  return [...MONGO_SECRET_VARIABLES, redis.url, redis.password];
}

/** Where Redis is, for the backend's plain environment. Every field is optional. */
export interface RedisSettings {
  /**
   * Host name of the primary endpoint.
   * @default not set
   */
  host?: pulumi.Input<string>;
  /**
   * Port.
   * @default not set
   */
  port?: pulumi.Input<string | number>;
  /**
   * Whether Redis requires TLS; written as `"true"` / `"false"`.
   * @default not set
   */
  tls?: pulumi.Input<boolean>;
  /**
   * A Redis URL **without** a password (e.g. `redis://redis:6379/0` in the single-host layout). A URL
   * with a password is refused: deliver it as a secret under the `url` variable name instead.
   * @default not set
   */
  url?: pulumi.Input<string>;
}

/** Inputs of {@link backendEnvironment}. */
export interface BackendEnvironmentArgs {
  /** `TOUCAN_GUNICORN_WORKERS`: see {@link gunicornWorkers} for the vendor's formula. */
  workers: number;
  /**
   * Connectors whose dependencies the backend installs when it starts (`TOUCAN_EXTRA_CONNECTORS`).
   * @default none (the variable is not set)
   * @example ["azure_mssql", "oracle"]
   */
  extraConnectors?: string[];
  /**
   * Small apps that keep the pre-v28.5 augment syntax (`TOUCAN_OLD_AUGMENT_WHITELIST`).
   * @default none (the variable is not set)
   * @example ["small_app_1", "small_app_2"]
   */
  oldAugmentWhitelist?: string[];
  /**
   * Where Redis is; written under {@link RedisVariableNames}.
   * @default no Redis variable
   */
  redis?: RedisSettings;
  /**
   * Names for the Redis variables (an assumption, see {@link RedisVariableNames}).
   * @default {@link DEFAULT_REDIS_VARIABLES}
   */
  redisVariables?: Partial<RedisVariableNames>;
  /**
   * The screenshot service's private URL and the variable it is written under (the vendor does not
   * document the name: {@link DEFAULT_SCREENSHOT_URL_VARIABLE} is an assumption you can change).
   * @default no screenshot variable
   */
  screenshot?: { url: string; variable?: string };
  /**
   * More plain variables. Names are `^[A-Z_][A-Z0-9_]*$`; secrets ({@link secretVariableNames}) and values
   * that embed a password in a URI are refused, as are the variables this function writes itself.
   * @default none
   */
  extra?: Record<string, pulumi.Input<string>>;
}

/** The backend variable carrying the screenshot service's URL (an assumption: the vendor does not name it). */
export const DEFAULT_SCREENSHOT_URL_VARIABLE = "TOUCAN_SCREENSHOT_URL";

const CONNECTOR_NAME = /^[a-z0-9_]+$/;
/** Small-app ids are slugs; the list is JSON read by the backend, so quotes or spaces would corrupt it. */
const SMALL_APP_NAME = /^[A-Za-z0-9][A-Za-z0-9_-]*$/;
const ENV_NAME = /^[A-Z_][A-Z0-9_]*$/;

/**
 * A JSON list written exactly as the vendor writes it: `["azure_mssql", "oracle"]` (a space after each
 * comma). The backend parses it as JSON, so the spacing is cosmetic, but it matches the documentation.
 */
export function vendorJsonList(items: readonly string[]): string {
  return `[${items.map((item) => JSON.stringify(item)).join(", ")}]`;
}

/**
 * Whether `value` embeds a URI with a password (`scheme://user:password@host`, `redis://:token@host`),
 * anywhere in the text.
 */
export function containsCredentialUri(value: string): boolean {
  const uri = /[A-Za-z][A-Za-z0-9+.-]*:\/\/([^\s/?#]*)/g;
  for (const match of value.matchAll(uri)) {
    const authority = match[1];
    const at = authority.lastIndexOf("@");
    if (at < 0) continue;
    const userInfo = authority.slice(0, at);
    const colon = userInfo.indexOf(":");
    if (colon >= 0 && colon < userInfo.length - 1) return true;
  }
  return false;
}

function checkNameList(
  checks: ArgumentChecks,
  argument: string,
  items: readonly string[] | undefined,
  pattern: RegExp,
  what: string,
  example: string,
): void {
  if (items === undefined) return;
  checks.require(Array.isArray(items), argument, items, "is not a list", `give a list, e.g. ${example}`);
  if (!Array.isArray(items)) return;
  const seen = new Set<string>();
  items.forEach((item, i) => {
    checks.require(
      typeof item === "string" && pattern.test(item),
      `${argument}[${i}]`,
      item,
      `is not a ${what} (${pattern.source})`,
      `use the ${what} as the vendor spells it, e.g. ${example}`,
    );
    checks.require(!seen.has(item), `${argument}[${i}]`, item, "is listed twice", "list it once");
    seen.add(item);
  });
}

/** Why a variable may not be set in a plain environment, and how to set it instead. */
export interface ReservedVariable {
  /** What is wrong, e.g. "is a secret, ...". */
  problem: string;
  /** How to set it instead. */
  fix: string;
  /** Whether its value is a secret, so messages never print it. */
  secret: boolean;
}

/**
 * Checks plain environment variables: names are `^[A-Z_][A-Z0-9_]*$`, no name is `reserved` (secrets
 * and variables written elsewhere), and no plain string value embeds a password in a URI. Values that
 * are not known yet (Outputs) cannot be read here: {@link backendEnvironment} checks them when they
 * resolve. Messages never print a value that may be a secret.
 */
export function checkPlainEnvironment(
  checks: ArgumentChecks,
  argument: string,
  environment: Record<string, pulumi.Input<string>> | undefined,
  reserved: ReadonlyMap<string, ReservedVariable> = new Map(),
): void {
  for (const [name, value] of Object.entries(environment ?? {})) {
    const credential = typeof value === "string" && containsCredentialUri(value);
    const reason = reserved.get(name);
    const shown = typeof value !== "string" || credential || reason?.secret ? REDACTED : value;
    checks.require(
      ENV_NAME.test(name),
      `${argument}.${name}`,
      shown,
      "is not under an environment variable name (^[A-Z_][A-Z0-9_]*$)",
      "use upper-case letters, digits and underscores, not starting with a digit",
    );
    if (reason) {
      checks.fail(`${argument}.${name}`, shown, reason.problem, reason.fix);
    } else {
      checks.require(
        !credential,
        `${argument}.${name}`,
        shown,
        "holds a URI with a password, which would be stored in plain text in the container definition",
        "pass it as a secret (e.g. `secrets`) instead of a plain environment variable",
      );
    }
  }
}

/** What messages print instead of a value that may hold a credential. */
const REDACTED = "(redacted)";

/** Rejects a resolved value that embeds a password; used for values that are Outputs at check time. */
function refuseCredential(component: string, argument: string, fix: string): (value: string) => string {
  return (value) => {
    if (typeof value === "string" && containsCredentialUri(value)) {
      throw new ToucanArgumentError(
        component,
        argument,
        REDACTED,
        "holds a URI with a password, which would be stored in plain text in the container definition",
        fix,
      );
    }
    return value;
  };
}

/**
 * The backend's plain environment, as the vendor documents it:
 *
 * - `TOUCAN_GUNICORN_WORKERS`: the worker count;
 * - `TOUCAN_EXTRA_CONNECTORS`: `["azure_mssql", "oracle"]`, only when the list is not empty;
 * - `TOUCAN_OLD_AUGMENT_WHITELIST`: `["small_app_1"]`, only when the list is not empty;
 * - Redis host, port, TLS (and a password-less URL) under {@link RedisVariableNames} (an assumption);
 * - then `extra`.
 *
 * Secrets are not part of it: the Mongo URIs and the Redis URL / auth token go in the container's
 * secrets, under {@link secretVariableNames}.
 *
 * @param component names the component in error messages.
 * @throws ToucanArgumentError listing every problem with the plain inputs. Values given as Outputs are
 *   checked for embedded passwords when they resolve.
 */
export function backendEnvironment(
  args: BackendEnvironmentArgs,
  component: string = DEFAULT_COMPONENT,
): Record<string, pulumi.Input<string>> {
  const checks = new ArgumentChecks(component);
  checks.require(
    Number.isInteger(args.workers) && args.workers >= 1,
    "gunicornWorkers",
    args.workers,
    "is not a positive whole number of workers",
    "use the vendor's 2 * vCPU + 1 (5 on 2 vCPUs), or leave it out to compute it from the CPU size",
  );
  checkNameList(
    checks,
    "extraConnectors",
    args.extraConnectors,
    CONNECTOR_NAME,
    "connector name",
    '["azure_mssql", "oracle"]',
  );
  checkNameList(
    checks,
    "oldAugmentWhitelist",
    args.oldAugmentWhitelist,
    SMALL_APP_NAME,
    "small-app name",
    '["small_app_1"]',
  );

  const names = redisVariableNames(args.redisVariables);
  for (const [key, name] of Object.entries(names)) {
    checks.require(
      typeof name === "string" && ENV_NAME.test(name),
      `redisVariables.${key}`,
      name,
      "is not an environment variable name (^[A-Z_][A-Z0-9_]*$)",
      `use upper-case letters, digits and underscores, e.g. "${DEFAULT_REDIS_VARIABLES[key as keyof RedisVariableNames]}"`,
    );
  }
  checks.require(
    new Set(Object.values(names)).size === Object.values(names).length,
    "redisVariables",
    names,
    "gives two Redis settings the same variable name",
    "give each of host, port, tls, url and password its own name",
  );
  const screenshotVariable = args.screenshot
    ? (args.screenshot.variable ?? DEFAULT_SCREENSHOT_URL_VARIABLE)
    : undefined;
  if (screenshotVariable !== undefined) {
    checks.require(
      ENV_NAME.test(screenshotVariable),
      "screenshot.urlVariable",
      screenshotVariable,
      "is not an environment variable name (^[A-Z_][A-Z0-9_]*$)",
      `use upper-case letters, digits and underscores, e.g. "${DEFAULT_SCREENSHOT_URL_VARIABLE}"`,
    );
    checks.require(
      !Object.values(names).includes(screenshotVariable),
      "screenshot.urlVariable",
      screenshotVariable,
      "is also a Redis variable name",
      "give the screenshot URL a name of its own",
    );
  }
  const redis = args.redis ?? {};
  if (typeof redis.url === "string") {
    checks.require(
      !containsCredentialUri(redis.url),
      "redis.url",
      REDACTED,
      "holds a password, which would be stored in plain text in the container definition",
      `deliver the URL as a secret under ${names.url} instead`,
    );
  }

  const reserved = new Map<string, ReservedVariable>();
  const owned = (name: string, argument: string): void => {
    reserved.set(name, {
      problem: `is written from \`${argument}\``,
      fix: `use \`${argument}\``,
      secret: false,
    });
  };
  owned(WORKERS_VARIABLE, "gunicornWorkers");
  owned(EXTRA_CONNECTORS_VARIABLE, "extraConnectors");
  owned(OLD_AUGMENT_WHITELIST_VARIABLE, "oldAugmentWhitelist");
  owned(names.host, "redis.host");
  owned(names.port, "redis.port");
  owned(names.tls, "redis.tls");
  if (screenshotVariable !== undefined) owned(screenshotVariable, "screenshot");
  for (const name of secretVariableNames(names)) {
    reserved.set(name, {
      problem: "is a secret, and plain environment variables are stored in plain text",
      fix: "deliver it as a secret (the component's `secrets`), never as a plain variable",
      secret: true,
    });
  }
  checkPlainEnvironment(checks, "environment", args.extra, reserved);
  checks.throwIfAny();

  const environment: Record<string, pulumi.Input<string>> = { [WORKERS_VARIABLE]: String(args.workers) };
  if (args.extraConnectors?.length) {
    environment[EXTRA_CONNECTORS_VARIABLE] = vendorJsonList(args.extraConnectors);
  }
  if (args.oldAugmentWhitelist?.length) {
    environment[OLD_AUGMENT_WHITELIST_VARIABLE] = vendorJsonList(args.oldAugmentWhitelist);
  }
  if (redis.host !== undefined) environment[names.host] = redis.host;
  if (redis.port !== undefined) environment[names.port] = pulumi.output(redis.port).apply(String);
  if (redis.tls !== undefined) {
    environment[names.tls] = pulumi.output(redis.tls).apply((tls) => (tls ? "true" : "false"));
  }
  if (redis.url !== undefined) {
    environment[names.url] =
      typeof redis.url === "string"
        ? redis.url
        : pulumi
            .output(redis.url)
            .apply(
              refuseCredential(component, "redis.url", `deliver the URL as a secret under ${names.url}`),
            );
  }
  if (args.screenshot && screenshotVariable !== undefined)
    environment[screenshotVariable] = args.screenshot.url;
  for (const [name, value] of Object.entries(args.extra ?? {})) {
    environment[name] =
      typeof value === "string"
        ? value
        : pulumi
            .output(value)
            .apply(refuseCredential(component, `environment.${name}`, "pass it as a secret instead"));
  }
  return environment;
}

// ---------------------------------------------------------------------------------------------------
// Public names and API_BASEROUTE
// ---------------------------------------------------------------------------------------------------

/** The path prefix the backend is served under in same-domain mode (stripped before the backend). */
export const API_PATH_PREFIX = "/_api";

/**
 * Why `value` is not a bare, lower-case DNS name (RFC 1123), or `undefined` when it is one. The
 * problems name what to change: a scheme, a path, a port, capitals, a trailing dot, a wildcard.
 */
export function hostNameProblem(value: unknown): { problem: string; fix: string } | undefined {
  const example = "e.g. toucan.example.com";
  if (typeof value !== "string" || value === "") {
    return { problem: "is not a host name", fix: `give a DNS name, ${example}` };
  }
  const scheme = /^([A-Za-z][A-Za-z0-9+.-]*):\/\//.exec(value);
  if (scheme) {
    let bare = value.slice(scheme[0].length).split(/[/?#]/)[0];
    bare = bare.replace(/:\d+$/, "").toLowerCase();
    return {
      problem: `includes the URL scheme ${scheme[1]}://; a host name is the bare name`,
      fix: bare ? `give just the name: "${bare}"` : `give just the name, ${example}`,
    };
  }
  if (/[/?#]/.test(value)) {
    return {
      problem: "includes a path; a host name is the bare name",
      fix: `give just the name, ${example}`,
    };
  }
  if (/:\d*$/.test(value)) {
    return { problem: "includes a port; a host name has none", fix: `remove ":${value.split(":").pop()}"` };
  }
  if (value.includes("*")) {
    return { problem: "is a wildcard; Toucan needs the exact name it is served under", fix: example };
  }
  if (value.endsWith(".")) {
    return { problem: "ends with a dot", fix: `write "${value.replace(/\.+$/, "")}"` };
  }
  if (value !== value.toLowerCase()) {
    return { problem: "has capital letters", fix: `write it in lower case: "${value.toLowerCase()}"` };
  }
  if (value.length > 253) return { problem: "is longer than 253 characters", fix: "use a shorter name" };
  for (const label of value.split(".")) {
    if (!/^[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?$/.test(label)) {
      return {
        problem: `has the label ${JSON.stringify(label)}, which is not 1-63 of [a-z0-9-] starting and ending with a letter or digit`,
        fix: `give a DNS name, ${example}`,
      };
    }
  }
  return undefined;
}

/** Records a problem when `value` is not a bare, lower-case DNS name. */
export function checkHostName(checks: ArgumentChecks, argument: string, value: unknown): void {
  const problem = hostNameProblem(value);
  if (problem) checks.fail(argument, value, problem.problem, problem.fix);
}

/** Inputs of {@link apiBaseRoute}. */
export interface ApiBaseRouteArgs {
  /** Public name of the frontend, e.g. `toucan.example.com`. */
  frontendName: string;
  /**
   * Public name of the backend (two-name mode).
   * @default none: required unless `sameDomain`
   */
  backendName?: string;
  /** Serve the backend under `/_api` on the frontend's name. */
  sameDomain: boolean;
  /**
   * URL scheme. Browsers reach Toucan over HTTPS; `http` is only for local experiments.
   * @default "https"
   */
  scheme?: "https" | "http";
}

/**
 * The frontend's `API_BASEROUTE`, the backend's public base URL without a trailing slash:
 * `https://<backendName>` (two names) or `https://<frontendName>/_api` (same domain).
 *
 * @throws ToucanArgumentError when a name is missing or is not a bare DNS name.
 */
export function apiBaseRoute(args: ApiBaseRouteArgs, component: string = DEFAULT_COMPONENT): string {
  const checks = new ArgumentChecks(component);
  const scheme = args.scheme ?? "https";
  checks.require(
    scheme === "https" || scheme === "http",
    "scheme",
    scheme,
    "is not a URL scheme Toucan is served over",
    'use "https"',
  );
  if (args.frontendName === undefined) {
    checks.fail(
      "frontendName",
      undefined,
      args.sameDomain ? "is needed in same-domain mode: the backend is served under its /_api" : "is needed",
      "give the frontend's public name, e.g. toucan.example.com",
    );
  } else {
    checkHostName(checks, "frontendName", args.frontendName);
  }
  if (args.sameDomain) {
    checks.require(
      args.backendName === undefined,
      "backendName",
      args.backendName,
      `is set in same-domain mode, where the backend is served under ${API_PATH_PREFIX} on the frontend's name`,
      "remove backendName, or turn same-domain mode off",
    );
  } else if (args.backendName === undefined) {
    checks.fail(
      "backendName",
      undefined,
      "is needed when the backend has its own name (same-domain mode is off)",
      `give the backend's public name (e.g. api-toucan.example.com), or turn on same-domain mode to serve it under ${API_PATH_PREFIX}`,
    );
  } else {
    checkHostName(checks, "backendName", args.backendName);
    checks.require(
      args.backendName !== args.frontendName,
      "backendName",
      args.backendName,
      "is the frontend's name too, so requests cannot be told apart by name",
      `give the backend its own name, or turn on same-domain mode to serve it under ${API_PATH_PREFIX}`,
    );
  }
  checks.throwIfAny();
  return args.sameDomain
    ? `${scheme}://${args.frontendName}${API_PATH_PREFIX}`
    : `${scheme}://${args.backendName}`;
}

/**
 * What the backend receives for a request path in same-domain mode: the prefix is stripped from
 * `/_api` and `/_api/...` (`/_api/x?y=1` -> `/x?y=1`, `/_api` -> `/`); any other path, `/_apiary`
 * included, is the frontend's and passes unchanged. The reference the proxies' rewrite rules are
 * tested against.
 */
export function stripApiPrefix(path: string, prefix: string = API_PATH_PREFIX): string {
  const queryAt = path.search(/[?#]/);
  const pathname = queryAt < 0 ? path : path.slice(0, queryAt);
  const rest = queryAt < 0 ? "" : path.slice(queryAt);
  if (pathname === prefix) return `/${rest}`;
  if (pathname.startsWith(`${prefix}/`)) return `${pathname.slice(prefix.length)}${rest}`;
  return path;
}

/** Whether a request path is routed to the backend in same-domain mode. */
export function isApiPath(path: string, prefix: string = API_PATH_PREFIX): boolean {
  const pathname = path.split(/[?#]/)[0];
  return pathname === prefix || pathname.startsWith(`${prefix}/`);
}

// ---------------------------------------------------------------------------------------------------
// Mongo connection strings
// ---------------------------------------------------------------------------------------------------

/** The database the vendor's examples connect to. */
export const TOUCAN_DATABASE = "api-toucan";

/**
 * Inputs of {@link toucanMongoUri}: the parts of {@link MongoUriParts}, where a missing `database`
 * means `"api-toucan"`, `retryWrites` means `true` and `authSource` means `"admin"` (the vendor's
 * defaults); a host without a port gets 27017.
 */
export type ToucanMongoUriArgs = MongoUriParts;

const MONGO_HOST =
  /^(?:[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?(?:\.[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?)*|\[[0-9A-Fa-f:.]+\])(?::(\d{1,5}))?$/;
/** MongoDB forbids these in database names (and NUL; a name is at most 63 bytes). */
const MONGO_DATABASE = /^[^/\\. "$*<>:|?]{1,63}$/;

/**
 * A `mongodb://` connection string in the vendor's form:
 * `mongodb://USER:PW@h1:27017,h2:27017/api-toucan?retryWrites=true&authSource=admin&replicaSet=rs0&tls=true&tlsCAFile=/etc/ssl/myCA.crt`.
 * User and password are percent-encoded; hosts without a port get 27017. The string is built by
 * `mongoUri` (`mongo-uri.ts`, shared with the data tier); this adds the vendor's defaults and checks.
 *
 * @throws ToucanArgumentError listing every problem.
 */
export function toucanMongoUri(args: ToucanMongoUriArgs, component: string = DEFAULT_COMPONENT): string {
  const checks = new ArgumentChecks(component);
  checks.require(
    typeof args.user === "string" && args.user !== "",
    "user",
    args.user,
    "is empty",
    "give the Mongo user name",
  );
  checks.require(
    typeof args.password === "string" && args.password !== "",
    "password",
    args.password === undefined ? undefined : REDACTED,
    "is empty",
    "give the user's password (any characters; it is percent-encoded)",
  );
  checks.require(
    Array.isArray(args.hosts) && args.hosts.length > 0,
    "hosts",
    args.hosts,
    "names no Mongo host",
    'give at least one host, e.g. ["mongo.example.com:27017"]',
  );
  (args.hosts ?? []).forEach((host, i) => {
    const match = typeof host === "string" ? MONGO_HOST.exec(host) : null;
    checks.require(
      match !== null && (match[1] === undefined || (Number(match[1]) >= 1 && Number(match[1]) <= 65535)),
      `hosts[${i}]`,
      host,
      "is not HOST or HOST:PORT",
      "give e.g. mongo-0.internal or mongo-0.internal:27017 (no scheme, no credentials)",
    );
  });
  const database = args.database ?? TOUCAN_DATABASE;
  checks.require(
    MONGO_DATABASE.test(database) && !database.includes("\u0000"),
    "database",
    database,
    "is not a MongoDB database name",
    `use e.g. "${TOUCAN_DATABASE}" (no / \\ . space " $ and at most 63 characters)`,
  );
  if (args.replicaSet !== undefined) {
    checks.require(
      /^[A-Za-z0-9_.-]+$/.test(args.replicaSet),
      "replicaSet",
      args.replicaSet,
      "is not a replica set name",
      'use the set\'s name, e.g. "rs0"',
    );
  }
  if (args.tlsCAFile !== undefined) {
    checks.require(
      args.tlsCAFile.startsWith("/"),
      "tlsCAFile",
      args.tlsCAFile,
      "is not an absolute path inside the backend container",
      "mount the CA in the container and give its path, e.g. /etc/ssl/myCA.crt",
    );
  }
  checks.throwIfAny();
  const parts: MongoUriParts = {
    user: args.user,
    password: args.password,
    hosts: args.hosts,
    database,
    retryWrites: args.retryWrites ?? true,
    authSource: args.authSource ?? "admin",
  };
  if (args.replicaSet !== undefined) parts.replicaSet = args.replicaSet;
  if (args.tls !== undefined) parts.tls = args.tls;
  if (args.tlsCAFile !== undefined) parts.tlsCAFile = args.tlsCAFile;
  if (args.extra !== undefined) parts.extra = args.extra;
  return mongoUri(parts);
}
