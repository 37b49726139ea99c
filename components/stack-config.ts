/**
 * Reads the root program's stack config (`Pulumi.<stack>.yaml`) into component arguments. Pure apart
 * from the config source, so tests call it with plain maps. Every key is declared in `Pulumi.yaml`.
 */
import { ToucanArgumentError } from "./core/errors";
import type { NetworkArgs, NatStrategy } from "./aws/network";

/** Where config values come from: `new pulumi.Config()` fits, so does a map in a test. */
export interface ConfigSource {
  /** The raw value of a key of the project's namespace, as the CLI passes it (JSON for lists). */
  get(key: string): string | undefined;
  /** The project name, to name keys in messages as `project:key`. */
  readonly name: string;
}

/** Typed, validated access to config keys; errors name the key, the value and the fix. */
export class ConfigReader {
  /** Every key read so far: tests check each is declared in Pulumi.yaml. */
  readonly keysRead = new Set<string>();

  constructor(private readonly source: ConfigSource) {}

  /** The project name, the namespace of the keys (`<project>:key`). */
  get projectName(): string {
    return this.source.name;
  }

  fail(key: string, value: unknown, problem: string, fix: string): never {
    throw new ToucanArgumentError("stack config", `${this.source.name}:${key}`, value, problem, fix);
  }

  str(key: string): string | undefined {
    this.keysRead.add(key);
    const value = this.source.get(key);
    return value === undefined || value === "" ? undefined : value;
  }

  oneOf<T extends string>(key: string, allowed: readonly T[]): T | undefined {
    const value = this.str(key);
    if (value !== undefined && !allowed.includes(value as T)) {
      this.fail(
        key,
        value,
        "is not an allowed value",
        `use one of ${allowed.map((a) => `"${a}"`).join(", ")}`,
      );
    }
    return value as T | undefined;
  }

  int(key: string): number | undefined {
    const value = this.str(key);
    if (value === undefined) return undefined;
    if (!/^-?\d+$/.test(value.trim()))
      this.fail(key, value, "is not an integer", `set a whole number, e.g. \`pulumi config set ${key} 3\``);
    return Number(value);
  }

  bool(key: string): boolean | undefined {
    const value = this.str(key);
    if (value === undefined) return undefined;
    if (value !== "true" && value !== "false") this.fail(key, value, "is not a boolean", "set true or false");
    return value === "true";
  }

  list(key: string): string[] | undefined {
    const value = this.str(key);
    if (value === undefined) return undefined;
    let parsed: unknown;
    try {
      parsed = JSON.parse(value);
    } catch {
      parsed = undefined;
    }
    if (!Array.isArray(parsed) || parsed.some((item) => typeof item !== "string")) {
      this.fail(
        key,
        value,
        "is not a list of strings",
        `set it with \`pulumi config set --path '${key}[0]' VALUE\` or as a YAML list in the stack file`,
      );
    }
    return parsed as string[];
  }

  /** A JSON object of string values, e.g. tags. */
  map(key: string): Record<string, string> | undefined {
    const value = this.str(key);
    if (value === undefined) return undefined;
    let parsed: unknown;
    try {
      parsed = JSON.parse(value);
    } catch {
      parsed = undefined;
    }
    if (
      parsed === null ||
      typeof parsed !== "object" ||
      Array.isArray(parsed) ||
      Object.values(parsed).some((v) => typeof v !== "string")
    ) {
      this.fail(key, value, "is not a map of strings", "set it as a YAML map of strings in the stack file");
    }
    return parsed as Record<string, string>;
  }
}

/** What the AZ choice of a new VPC depends on besides the config. */
export interface AzContext {
  /** The AZs the stack recorded at its last update (its `availabilityZones` output), if any. */
  recorded?: string[];
  /** The region's AZs that are available now, in AWS's order (only consulted when nothing is recorded). */
  available: string[];
  region: string;
}

/**
 * The AZs of a new VPC, in the order that fixes each one's subnet blocks and Mongo member. The AZs chosen at
 * the first deploy are kept (the stack records them as an output) until the config changes them: a lookup
 * answering another list (an AZ impaired, a region that gained one) or a reordered `availabilityZones`
 * changes nothing, a new AZ is appended, and leaving an AZ is refused (its EFS mount target and maybe a
 * Mongo member live there). Undefined for an existing VPC.
 */
export function availabilityZonesFromConfig(config: ConfigReader, context: AzContext): string[] | undefined {
  if (config.str("vpcId")) return undefined;
  const explicit = config.list("availabilityZones");
  const azCount = config.int("azCount") ?? 3;
  if (!explicit && azCount < 2) {
    config.fail(
      "azCount",
      azCount,
      "spreads the network over fewer than 2 Availability Zones, so it cannot survive the loss of one",
      "use at least 2 AZs (3 is the default and what a 3-member Mongo replica set needs)",
    );
  }
  const recorded = context.recorded?.length ? context.recorded : undefined;
  if (!recorded) {
    if (explicit) return explicit;
    if (azCount > context.available.length) {
      config.fail(
        "azCount",
        azCount,
        `is more than the ${context.available.length} available AZs of ${context.region} (${context.available.join(", ") || "none"})`,
        `set azCount to ${context.available.length} or less, or deploy to another region (aws:region)`,
      );
    }
    return context.available.slice(0, azCount);
  }
  const wanted = explicit ?? [
    ...recorded.slice(0, azCount),
    ...context.available
      .filter((az) => !recorded.includes(az))
      .slice(0, Math.max(0, azCount - recorded.length)),
  ];
  const dropped = recorded.filter((az) => !wanted.includes(az));
  if (dropped.length > 0) {
    config.fail(
      explicit ? "availabilityZones" : "azCount",
      explicit ?? azCount,
      `leaves ${dropped.join(", ")}, where the stack's EFS mount targets (and Mongo members in ${recorded.slice(0, 3).join(", ")}) live`,
      `keep ${recorded.join(", ")} (the order does not matter); to leave an AZ, restore the backups into a new stack (README: Restore drill)`,
    );
  }
  if (!explicit && wanted.length < azCount) {
    config.fail(
      "azCount",
      azCount,
      `needs ${azCount - recorded.length} AZ(s) beyond ${recorded.join(", ")}, and ${context.region} has no other available one`,
      `set azCount to ${wanted.length}`,
    );
  }
  // The recorded order first, whatever order the config lists them in; new AZs after it.
  return [...recorded, ...wanted.filter((az) => !recorded.includes(az))];
}

/** The Network's arguments from config: a new VPC, or an existing one when `vpcId` is set. */
export function networkArgsFromConfig(config: ConfigReader, availabilityZones?: string[]): NetworkArgs {
  const vpcId = config.str("vpcId");
  if (vpcId) {
    return {
      existing: {
        vpcId,
        publicSubnetIds: config.list("publicSubnetIds") ?? [],
        privateSubnetIds: config.list("privateSubnetIds") ?? [],
        availabilityZones: config.list("availabilityZones") ?? [],
      },
    };
  }
  const azCount = config.int("azCount");
  const listed = config.list("availabilityZones");
  return {
    cidrBlock: config.str("vpcCidr"),
    ...(availabilityZones ? { availabilityZones } : { azCount, availabilityZones: listed }),
    nat: config.oneOf<NatStrategy>("nat", ["perAz", "single", "none"]),
    keepNatIps: config.bool("keepNatIps"),
  };
}

/** The engines the root program can build for Mongo. */
const MONGO_ENGINES = ["community", "documentdb", "atlas", "external"] as const;

/**
 * The whole topology's arguments from config (the root program's `platform: aws`). Imported lazily
 * by type only, so this module stays free of resource code.
 */
/**
 * @param availabilityZones the AZs `availabilityZonesFromConfig` chose (the root program looks them up before
 *   anything registers); without them the Network looks them up itself.
 */
export function toucanArgsFromConfig(
  config: ConfigReader,
  availabilityZones?: string[],
): import("./aws/toucan").ToucanArgs {
  const frontendDomain = config.str("frontendDomain");
  if (frontendDomain === undefined) {
    throw new ToucanArgumentError(
      "stack config",
      "toucan:frontendDomain",
      undefined,
      "is required: it is the public name of Toucan",
      "pulumi config set frontendDomain toucan.example.com",
    );
  }
  const mongoEngine = config.oneOf("mongoEngine", MONGO_ENGINES) ?? "community";
  const mongoUri = config.str("mongoUri");
  const mongoReadonlyUri = config.str("mongoReadonlyUri");
  return {
    version: config.str("version"),
    backendVersion: config.str("backendVersion"),
    frontendVersion: config.str("frontendVersion"),
    allowFloatingVersion: config.bool("allowFloatingVersion"),
    frontendDomain,
    backendDomain: config.str("backendDomain"),
    sameDomain: config.bool("sameDomain"),
    zoneId: config.str("zoneId"),
    certificateArn: config.str("certificateArn"),
    network: networkArgsFromConfig(config, availabilityZones),
    mongo: {
      engine: mongoEngine,
      ...(mongoEngine === "community"
        ? {
            version: config.str("mongoVersion"),
            instanceType: config.str("mongoInstanceType"),
            volumeSizeGiB: config.int("mongoVolumeSizeGiB"),
          }
        : {}),
      ...(mongoEngine === "documentdb" ? { instanceClass: config.str("documentdbInstanceClass") } : {}),
      ...(mongoEngine === "atlas"
        ? {
            atlas: {
              orgId: config.str("atlasOrgId"),
              projectId: config.str("atlasProjectId"),
              instanceSize: config.str("atlasInstanceSize"),
              pointInTimeRestore: config.bool("atlasPointInTimeRestore"),
            },
          }
        : {}),
      ...(mongoEngine === "external" && mongoUri && mongoReadonlyUri
        ? { uris: { readWrite: mongoUri, readOnly: mongoReadonlyUri } }
        : {}),
    },
    redis: {
      nodeType: config.str("redisNodeType"),
      numReplicas: config.int("redisReplicas"),
    },
    loadBalancer: {
      mode: config.oneOf("loadBalancerMode", ["shared", "dedicated"] as const),
      retiringMode: config.oneOf("loadBalancerRetiringMode", ["shared", "dedicated"] as const),
      idleTimeoutSeconds: config.int("idleTimeoutSeconds"),
      deletionProtection: config.bool("loadBalancerDeletionProtection"),
    },
    backend: {
      cpu: config.int("backendCpu"),
      memory: config.int("backendMemory"),
      desiredCount: config.int("backendCount"),
      gunicornWorkers: config.int("gunicornWorkers"),
      extraConnectors: config.list("extraConnectors"),
      oldAugmentWhitelist: config.list("oldAugmentWhitelist"),
    },
    ...staticFrontendFromConfig(config),
    ...ssoFromConfig(config, true),
    protect: config.bool("protect"),
  };
}

/**
 * `ssoProviders` (entries `id:TYPE` or `id:TYPE:Display name`, TYPE `SAML2` or `OIDC`) and, on AWS,
 * `ssoCognitoDomainPrefix` (a Cognito user pool as an OIDC provider).
 */
function ssoFromConfig(
  config: ConfigReader,
  aws: boolean,
): {
  sso?: {
    providers: { id: string; type: "SAML2" | "OIDC"; name?: string }[];
    cognito?: { domainPrefix: string };
  };
} {
  const entries = config.list("ssoProviders");
  const cognitoPrefix = aws ? config.str("ssoCognitoDomainPrefix") : undefined;
  if (entries === undefined && cognitoPrefix === undefined) return {};
  const providers = (entries ?? []).map((entry, i) => {
    const match = /^([^:]+):(SAML2|OIDC)(?::(.+))?$/.exec(entry);
    if (!match) {
      throw new ToucanArgumentError(
        "stack config",
        `${config.projectName}:ssoProviders[${i}]`,
        entry,
        "is not `id:TYPE` or `id:TYPE:Display name` with TYPE SAML2 or OIDC",
        `write e.g. "okta:SAML2:Okta" or "google:OIDC"`,
      );
    }
    return { id: match[1], type: match[2] as "SAML2" | "OIDC", ...(match[3] ? { name: match[3] } : {}) };
  });
  return { sso: { providers, ...(cognitoPrefix ? { cognito: { domainPrefix: cognitoPrefix } } : {}) } };
}

/** `frontendMode: static` serves the frontend from S3 + CloudFront (files from the image, or a folder). */
function staticFrontendFromConfig(
  config: ConfigReader,
): Pick<import("./aws/toucan").ToucanArgs, "staticFrontend" | "frontend"> {
  const mode = config.oneOf("frontendMode", ["containers", "static"] as const) ?? "containers";
  const frontend = {
    cpu: config.int("frontendCpu"),
    memory: config.int("frontendMemory"),
    desiredCount: config.int("frontendCount"),
  };
  if (mode === "containers") return { frontend };
  const directory = config.str("frontendAssetsDir");
  return {
    staticFrontend: {
      assets: directory ? { directory } : undefined,
      mixpanelAnalyticsId: config.str("mixpanelAnalyticsId"),
    },
  };
}

/** The single-host layout's arguments from config (the root program's `platform: docker`). */
export function singleHostArgsFromConfig(
  config: ConfigReader,
): import("./docker/single-host").SingleHostArgs {
  const frontendDomain = config.str("frontendDomain") ?? "toucan.localhost";
  const tlsMode = config.oneOf("tlsMode", ["internal", "files", "acme"] as const) ?? "internal";
  const tls =
    tlsMode === "files"
      ? {
          mode: "files" as const,
          certificateFile: config.str("tlsCertificateFile") ?? "",
          keyFile: config.str("tlsKeyFile") ?? "",
        }
      : tlsMode === "acme"
        ? { mode: "acme" as const, email: config.str("acmeEmail") ?? "" }
        : { mode: "internal" as const };
  return {
    version: config.str("version"),
    backendVersion: config.str("backendVersion"),
    frontendVersion: config.str("frontendVersion"),
    allowFloatingVersion: config.bool("allowFloatingVersion"),
    frontendDomain,
    backendDomain: config.str("backendDomain"),
    sameDomain: config.bool("sameDomain"),
    tls,
    httpPort: config.int("httpPort"),
    httpsPort: config.int("httpsPort"),
    host: config.str("dockerHost"),
    backend: {
      gunicornWorkers: config.int("gunicornWorkers"),
      extraConnectors: config.list("extraConnectors"),
      oldAugmentWhitelist: config.list("oldAugmentWhitelist"),
    },
    ...ssoFromConfig(config, false),
    protect: config.bool("protect"),
  };
}
