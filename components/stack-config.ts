/**
 * Reads the root program's stack config (`Pulumi.<stack>.yaml`) into component arguments. Pure apart
 * from the config source, so tests call it with plain maps. Every key is declared in `Pulumi.yaml`.
 */
import { SECRET_PLACEHOLDER, ToucanArgumentError, combineArgumentErrors } from "./core/errors";
import type { NetworkArgs, NatStrategy } from "./aws/network";
import { LEGACY_DEFAULT_MONGO_VERSION } from "./aws/mongo-cluster";

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

  /**
   * A key declared secret. The offline plan cannot decrypt a `secure:` value and passes a placeholder: the
   * program then gets `standIn`, a value of the right form, so the rest of the plan goes on.
   */
  secretStr(key: string, standIn: string): string | undefined {
    const value = this.str(key);
    return value === SECRET_PLACEHOLDER ? standIn : value;
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
/**
 * The MongoDB version a running stack's members run, from the outputs of its last update, so that a new
 * default of this library never upgrades them unasked: its `mongoVersion` output; else, for a stack with a
 * Mongo cluster deployed before that output existed, the default of then (7.0.30); else none (a new stack
 * gets the current default). `mongoVersion` in the config always wins.
 */
export function previousMongoVersion(outputs: Record<string, unknown>): string | undefined {
  if (typeof outputs.mongoVersion === "string") return outputs.mongoVersion;
  if (outputs.mongoAdminPasswordSecretArn !== undefined) return LEGACY_DEFAULT_MONGO_VERSION;
  return undefined;
}

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

/** What the offline plan uses for an encrypted Mongo URI: the right form, an obviously planned host. */
export const MONGO_URI_STAND_IN =
  "mongodb://planned:planned@encrypted-value.invalid:27017/api-toucan?authSource=admin";

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
  /** The MongoDB version the stack runs, when `mongoVersion` is unset (see `previousMongoVersion`). */
  runningMongoVersion?: string,
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
  const mongoUri = mongoEngine === "external" ? config.secretStr("mongoUri", MONGO_URI_STAND_IN) : undefined;
  const mongoReadonlyUri =
    mongoEngine === "external" ? config.secretStr("mongoReadonlyUri", MONGO_URI_STAND_IN) : undefined;
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
    backendImage: config.str("backendImage"),
    frontendImage: config.str("frontendImage"),
    initImages: { mongoCa: config.str("mongoCaImage"), mongoReady: config.str("mongoReadyImage") },
    ...(config.str("toolboxImage") !== undefined || config.str("awsCliImage") !== undefined
      ? { toolbox: { image: config.str("toolboxImage"), awsCliImage: config.str("awsCliImage") } }
      : {}),
    network: networkArgsFromConfig(config, availabilityZones),
    mongo: {
      engine: mongoEngine,
      ...(mongoEngine === "community"
        ? {
            version: config.str("mongoVersion") ?? runningMongoVersion,
            instanceType: config.str("mongoInstanceType"),
            volumeSizeGiB: config.int("mongoVolumeSizeGiB"),
            amiId: config.str("mongoAmiId"),
            ...mongoPackagesFromConfig(config),
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
      applyImmediately: config.bool("redisApplyImmediately"),
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
    ...(mongoEngine === "community" ? preUpgradeBackupFromConfig(config) : {}),
    protect: config.bool("protect"),
    ...(config.int("logRetentionDays") !== undefined || config.str("logKmsKeyArn") !== undefined
      ? { logs: { retentionDays: config.int("logRetentionDays"), kmsKeyArn: config.str("logKmsKeyArn") } }
      : {}),
    ...(config.str("flowLogs") !== undefined
      ? {
          flowLogs: {
            destination: config.str("flowLogs") as "cloudWatch" | "s3",
            bucketArn: config.str("flowLogsBucketArn"),
            // The application's log retention is the flow log group's too; a bucket keeps its own rules.
            ...(config.str("flowLogs") === "cloudWatch"
              ? { retentionDays: config.int("logRetentionDays") }
              : {}),
          },
        }
      : {}),
    monitoring:
      config.bool("monitoring") === false
        ? false
        : {
            emails: config.list("alarmEmails"),
            httpsEndpoints: config.list("alarmHttpsEndpoints"),
            topicArn: config.str("alarmTopicArn"),
          },
  };
}

/** `mongoPackagesBucket` and `mongoPackagesPrefix`: MongoDB's RPMs from a private bucket (community engine). */
function mongoPackagesFromConfig(config: ConfigReader): { packages?: { bucket: string; prefix?: string } } {
  const bucket = config.str("mongoPackagesBucket");
  const prefix = config.str("mongoPackagesPrefix");
  if (bucket === undefined && prefix !== undefined) {
    config.fail(
      "mongoPackagesPrefix",
      prefix,
      "has no effect without mongoPackagesBucket",
      "set mongoPackagesBucket to the bucket holding the RPMs, or remove mongoPackagesPrefix",
    );
  }
  return bucket === undefined ? {} : { packages: { bucket, prefix } };
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

/** `preUpgradeBackup` (on by default) and `preUpgradeBackupStorage` (the file system too). */
function preUpgradeBackupFromConfig(
  config: ConfigReader,
): Pick<import("./aws/toucan").ToucanArgs, "preUpgradeBackup"> {
  const on = config.bool("preUpgradeBackup");
  const storage = config.bool("preUpgradeBackupStorage");
  if (on === false) return { preUpgradeBackup: false };
  return storage ? { preUpgradeBackup: { storage: true } } : {};
}

/** `frontendMode: static` serves the frontend from S3 + CloudFront (files from the image, or a folder). */
function staticFrontendFromConfig(
  config: ConfigReader,
): Pick<import("./aws/toucan").ToucanArgs, "staticFrontend" | "frontend"> {
  const mode = config.oneOf("frontendMode", ["containers", "static"] as const) ?? "containers";
  if (mode === "containers") {
    return {
      frontend: {
        cpu: config.int("frontendCpu"),
        memory: config.int("frontendMemory"),
        desiredCount: config.int("frontendCount"),
      },
    };
  }
  const directory = config.str("frontendAssetsDir");
  return {
    staticFrontend: {
      assets: directory ? { directory } : undefined,
      mixpanelAnalyticsId: config.str("mixpanelAnalyticsId"),
      frameOptions: config.oneOf("frameOptions", ["SAMEORIGIN", "DENY", "none"] as const),
      frameAncestors: config.list("frameAncestors"),
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

/** A key's declaration in Pulumi.yaml (the parts the checks below use). */
export interface DeclaredKey {
  default?: unknown;
  secret?: boolean;
}

/**
 * The setting each key belongs to, for keys that only apply in some layouts: a key set for another layout
 * would otherwise be silently ignored.
 */
const KEY_MODES: Record<string, string> = {
  ...Object.fromEntries(
    ["frontendCpu", "frontendMemory", "frontendCount"].map((k) => [
      k,
      "frontendMode: containers (the default)",
    ]),
  ),
  ...Object.fromEntries(
    ["frontendAssetsDir", "mixpanelAnalyticsId", "frameOptions", "frameAncestors"].map((k) => [
      k,
      "frontendMode: static",
    ]),
  ),
  ...Object.fromEntries(
    [
      "mongoVersion",
      "mongoInstanceType",
      "mongoVolumeSizeGiB",
      "mongoPackagesBucket",
      "mongoPackagesPrefix",
      "mongoAmiId",
      "mongoReadyImage",
      "preUpgradeBackup",
      "preUpgradeBackupStorage",
    ].map((k) => [k, "mongoEngine: community (the default)"]),
  ),
  documentdbInstanceClass: "mongoEngine: documentdb",
  ...Object.fromEntries(
    ["atlasOrgId", "atlasProjectId", "atlasInstanceSize", "atlasPointInTimeRestore"].map((k) => [
      k,
      "mongoEngine: atlas",
    ]),
  ),
  ...Object.fromEntries(["mongoUri", "mongoReadonlyUri"].map((k) => [k, "mongoEngine: external"])),
  ...Object.fromEntries(
    ["tlsMode", "tlsCertificateFile", "tlsKeyFile", "acmeEmail", "httpPort", "httpsPort", "dockerHost"].map(
      (k) => [k, "platform: docker"],
    ),
  ),
  ...Object.fromEntries(["publicSubnetIds", "privateSubnetIds"].map((k) => [k, "vpcId (an existing VPC)"])),
  ...Object.fromEntries(["vpcCidr", "azCount", "nat", "keepNatIps"].map((k) => [k, "a new VPC (no vpcId)"])),
};

/** Case-insensitive edit distance, for "did you mean". */
function distance(a: string, b: string): number {
  const x = a.toLowerCase();
  const y = b.toLowerCase();
  let row = Array.from({ length: y.length + 1 }, (_, j) => j);
  for (let i = 1; i <= x.length; i++) {
    const next = [i];
    for (let j = 1; j <= y.length; j++) {
      next[j] = Math.min(row[j] + 1, next[j - 1] + 1, row[j - 1] + (x[i - 1] === y[j - 1] ? 0 : 1));
    }
    row = next;
  }
  return row[y.length];
}

/** The declared key closest to a misspelled one. */
export function closestKey(key: string, declared: string[]): string | undefined {
  let best: string | undefined;
  let bestDistance = Infinity;
  for (const candidate of declared) {
    const d = distance(key, candidate);
    if (d < bestDistance) [best, bestDistance] = [candidate, d];
  }
  return best !== undefined && bestDistance <= Math.max(2, Math.floor(key.length / 3)) ? best : undefined;
}

/**
 * Refuses the project's config keys the program would silently ignore: a key Pulumi.yaml does not declare
 * (named with the closest declared key), and a declared key this stack's layout does not read (named with
 * the setting it belongs to). A key left at its declared default is never refused (the CLI passes defaults
 * as if they were set). Call it after the arguments are built, before any resource.
 */
export function refuseIgnoredKeys(
  config: ConfigReader,
  values: Record<string, string>,
  declared: Record<string, DeclaredKey>,
  platform: "aws" | "docker" = "aws",
): void {
  const prefix = `${config.projectName}:`;
  const errors: ToucanArgumentError[] = [];
  const names = Object.keys(declared);
  for (const [fullKey, value] of Object.entries(values)) {
    if (!fullKey.startsWith(prefix)) continue;
    const key = fullKey.slice(prefix.length);
    const decl = declared[key];
    const shown = decl?.secret || value === SECRET_PLACEHOLDER ? SECRET_PLACEHOLDER : value;
    if (!decl) {
      const near = closestKey(key, names);
      errors.push(
        new ToucanArgumentError(
          "stack config",
          fullKey,
          shown,
          "is not a setting of this project, so it would be ignored",
          near
            ? `did you mean \`${prefix}${near}\`? (pulumi config rm ${key} && pulumi config set ${near} ...)`
            : `remove it (pulumi config rm ${key}); the README's Configuration reference lists every key`,
        ),
      );
      continue;
    }
    if (config.keysRead.has(key)) continue;
    if (decl.default !== undefined && String(decl.default) === value) continue;
    // On a single host every key the AWS topology reads is for platform aws.
    const mode = platform === "docker" ? "platform: aws (the default)" : KEY_MODES[key];
    errors.push(
      new ToucanArgumentError(
        "stack config",
        fullKey,
        shown,
        mode
          ? `only applies with ${mode}, so this stack would ignore it`
          : "does not apply to this stack's settings",
        mode
          ? `remove it (pulumi config rm ${key}), or set ${mode.replace(/ \(.*\)$/, "")}`
          : `remove it (pulumi config rm ${key})`,
      ),
    );
  }
  if (errors.length > 0) throw combineArgumentErrors(errors);
}

/**
 * Component argument -> the config key that sets it, per component type (ToucanService per tier). A
 * component's message names its argument (`backend.desiredCount`); a root-program user set a config key
 * (`toucan:backendCount`), and reads that instead.
 */
/** Arguments named like the config keys that set them, on Toucan and SingleHost alike. */
const SAME_NAMED = Object.fromEntries(
  [
    "version",
    "backendVersion",
    "frontendVersion",
    "allowFloatingVersion",
    "frontendDomain",
    "backendDomain",
    "sameDomain",
  ].map((k) => [k, k]),
);

const ARGUMENT_KEYS: Record<string, Record<string, string>> = {
  Monitoring: { emails: "alarmEmails", httpsEndpoints: "alarmHttpsEndpoints", topicArn: "alarmTopicArn" },
  Toucan: {
    ...SAME_NAMED,
    zoneId: "zoneId",
    "flowLogs.destination": "flowLogs",
    "flowLogs.bucketArn": "flowLogsBucketArn",
    certificateArn: "certificateArn",
    protect: "protect",
    "backend.cpu": "backendCpu",
    "backend.memory": "backendMemory",
    "backend.desiredCount": "backendCount",
    "backend.gunicornWorkers": "gunicornWorkers",
    "backend.extraConnectors": "extraConnectors",
    "backend.oldAugmentWhitelist": "oldAugmentWhitelist",
    "frontend.cpu": "frontendCpu",
    "frontend.memory": "frontendMemory",
    "frontend.desiredCount": "frontendCount",
    "network.nat": "nat",
    "mongo.engine": "mongoEngine",
    backendImage: "backendImage",
    frontendImage: "frontendImage",
    "initImages.mongoCa": "mongoCaImage",
    "initImages.mongoReady": "mongoReadyImage",
    "toolbox.image": "toolboxImage",
    "toolbox.awsCliImage": "awsCliImage",
    "mongo.uris": "mongoUri",
    "staticFrontend.assets.directory": "frontendAssetsDir",
    "staticFrontend.mixpanelAnalyticsId": "mixpanelAnalyticsId",
    "staticFrontend.frameOptions": "frameOptions",
    "staticFrontend.frameAncestors": "frameAncestors",
    "sso.providers": "ssoProviders",
    "sso.cognito.domainPrefix": "ssoCognitoDomainPrefix",
  },
  Network: {
    cidrBlock: "vpcCidr",
    azCount: "azCount",
    availabilityZones: "availabilityZones",
    nat: "nat",
    keepNatIps: "keepNatIps",
    "existing.vpcId": "vpcId",
    "existing.publicSubnetIds": "publicSubnetIds",
    "existing.privateSubnetIds": "privateSubnetIds",
    "existing.availabilityZones": "availabilityZones",
  },
  MongoCluster: {
    engine: "mongoEngine",
    version: "mongoVersion",
    instanceType: "mongoInstanceType",
    volumeSizeGiB: "mongoVolumeSizeGiB",
    amiId: "mongoAmiId",
    "packages.bucket": "mongoPackagesBucket",
    "packages.prefix": "mongoPackagesPrefix",
    // Without NAT the members need the packages bucket (or an AMI with MongoDB).
    packages: "mongoPackagesBucket",
    instanceClass: "documentdbInstanceClass",
    uris: "mongoUri",
    "uris.readWrite": "mongoUri",
    "uris.readOnly": "mongoReadonlyUri",
    "atlas.orgId": "atlasOrgId",
    "atlas.projectId": "atlasProjectId",
    "atlas.instanceSize": "atlasInstanceSize",
    "atlas.pointInTimeRestore": "atlasPointInTimeRestore",
  },
  RedisCache: {
    nodeType: "redisNodeType",
    numReplicas: "redisReplicas",
    applyImmediately: "redisApplyImmediately",
  },
  LoadBalancer: {
    mode: "loadBalancerMode",
    retiringMode: "loadBalancerRetiringMode",
    idleTimeoutSeconds: "idleTimeoutSeconds",
    deletionProtection: "loadBalancerDeletionProtection",
  },
  "ToucanService:backend": {
    cpu: "backendCpu",
    memory: "backendMemory",
    desiredCount: "backendCount",
    "autoscaling.minCount": "backendCount",
  },
  "ToucanService:frontend": {
    cpu: "frontendCpu",
    memory: "frontendMemory",
    desiredCount: "frontendCount",
    "autoscaling.minCount": "frontendCount",
  },
  StaticFrontend: {
    domainName: "frontendDomain",
    "assets.directory": "frontendAssetsDir",
    mixpanelAnalyticsId: "mixpanelAnalyticsId",
  },
  Certificate: { domainNames: "frontendDomain", zoneId: "zoneId" },
  SingleSignOn: { providers: "ssoProviders", "cognito.domainPrefix": "ssoCognitoDomainPrefix" },
  SingleHost: {
    ...SAME_NAMED,
    "tls.mode": "tlsMode",
    "tls.certificateFile": "tlsCertificateFile",
    "tls.keyFile": "tlsKeyFile",
    "tls.email": "acmeEmail",
    httpPort: "httpPort",
    httpsPort: "httpsPort",
    host: "dockerHost",
    "backend.gunicornWorkers": "gunicornWorkers",
    "backend.extraConnectors": "extraConnectors",
  },
};

/** The config key behind a component's argument, if the root program sets it from one. */
export function configKeyFor(component: string, argument: string): string | undefined {
  const type = component.split(" ")[0];
  const instance = /"([^"]*)"/.exec(component)?.[1] ?? "";
  const table =
    ARGUMENT_KEYS[type === "ToucanService" ? `ToucanService:${instance.split("-").pop()}` : type] ?? {};
  // The argument itself, else its closest parent path (`backend.desiredCount` for `backend.desiredCount[0]`).
  for (let path = argument; path; path = path.replace(/(\[[^\]]*\]|\.[^.[]*)$/, "")) {
    if (table[path]) return table[path];
    if (!/[.[]/.test(path)) break;
  }
  return undefined;
}

/**
 * Runs the root program's construction and rewrites component argument errors in the terms of the stack
 * config: each problem names the config key the user set, with the command that changes it.
 */
export function inConfigTerms<T>(projectName: string, build: () => T): T {
  try {
    return build();
  } catch (error) {
    if (!(error instanceof ToucanArgumentError)) throw error;
    throw combineArgumentErrors(
      error.errors.map((e) => {
        const key = e.component === "stack config" ? undefined : configKeyFor(e.component, e.argument);
        if (!key) return e;
        return new ToucanArgumentError(
          "stack config",
          `${projectName}:${key}`,
          e.value,
          e.problem,
          `${e.fix} (\`pulumi config set ${key} ...\`)`,
        );
      }),
    );
  }
}
