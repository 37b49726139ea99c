/**
 * The root Pulumi program: builds a Toucan deployment from the stack config (`Pulumi.<stack>.yaml`).
 * Every key is declared in Pulumi.yaml and documented in the README.
 *   platform: aws     the redundant topology (default)
 *   platform: docker  the vendor's docker-compose layout on one Docker host
 */
import * as fs from "fs";
import * as path from "path";
import * as pulumi from "@pulumi/pulumi";
import * as aws from "@pulumi/aws";
import * as YAML from "yaml";
import { SingleHost } from "./components/docker/single-host";
import { Toucan } from "./components/aws/toucan";
import { DEFAULT_MONGO_VERSION, MongoCluster } from "./components/aws/mongo-cluster";
import {
  ConfigReader,
  DeclaredKey,
  availabilityZonesFromConfig,
  inConfigTerms,
  previousMongoVersion,
  refuseIgnoredKeys,
  singleHostArgsFromConfig,
  toucanArgsFromConfig,
} from "./components/stack-config";

const projectConfig = new pulumi.Config();
const config = new ConfigReader({ name: projectConfig.name, get: (key) => projectConfig.get(key) });
const platform = config.oneOf("platform", ["aws", "docker"] as const) ?? "aws";

/** Refuses config keys this stack would ignore (misspelled, or for another layout), before any resource. */
function refuseIgnored(): void {
  const project = YAML.parse(fs.readFileSync(path.join(__dirname, "Pulumi.yaml"), "utf8")) as {
    config?: Record<string, DeclaredKey>;
  };
  refuseIgnoredKeys(config, pulumi.runtime.allConfig(), project.config ?? {}, platform);
}

/** This stack's outputs of its last update (what it chose then), through a StackReference to itself. */
let selfReference: pulumi.StackReference | undefined;
function lastUpdate(): pulumi.StackReference {
  selfReference ??= new pulumi.StackReference(
    `${pulumi.getOrganization()}/${pulumi.getProject()}/${pulumi.getStack()}`,
  );
  return selfReference;
}

/** The MongoDB version this stack's members run (see `previousMongoVersion`), when the config sets none. */
async function runningMongoVersion(): Promise<string | undefined> {
  // Read without marking the key used: with another engine it is still refused as ignored.
  if (projectConfig.get("mongoVersion") !== undefined) return undefined;
  const read = async (name: string) => (await lastUpdate().getOutputDetails(name))?.value;
  return previousMongoVersion({
    mongoVersion: await read("mongoVersion"),
    mongoAdminPasswordSecretArn: await read("mongoAdminPasswordSecretArn"),
  });
}

/**
 * The AZs of a new VPC, chosen before anything registers: the ones this stack recorded at its last update
 * (its own `availabilityZones` output, read through a StackReference to itself), else the region's
 * available AZs. See `availabilityZonesFromConfig`.
 */
async function chooseAvailabilityZones(): Promise<string[] | undefined> {
  if (config.str("vpcId")) return undefined;
  const self = lastUpdate();
  const recorded = (await self.getOutputDetails("availabilityZones"))?.value;
  const [zones, region] = await Promise.all([
    aws.getAvailabilityZones({ state: "available" }),
    aws.getRegion({}),
  ]);
  return availabilityZonesFromConfig(config, {
    recorded: Array.isArray(recorded) ? (recorded as string[]) : undefined,
    available: zones.names,
    region: region.region,
  });
}

/** The stack outputs (readable from other stacks with a StackReference), per platform. */
async function deploy(): Promise<Record<string, pulumi.Output<unknown>>> {
  if (platform === "docker") {
    const args = singleHostArgsFromConfig(config);
    refuseIgnored();
    const host = inConfigTerms(config.projectName, () => new SingleHost("toucan", args));
    return {
      frontendUrl: host.frontendUrl,
      backendUrl: host.backendUrl,
      containerNames: host.containerNames,
      ...(host.toolboxCommands ? { toolboxCommands: host.toolboxCommands } : {}),
      ...(host.ssoProviders
        ? { ssoProviders: host.ssoProviders, ssoProviderBlocks: host.ssoProviderBlocks! }
        : {}),
    };
  }
  const args = toucanArgsFromConfig(config, await chooseAvailabilityZones(), await runningMongoVersion());
  refuseIgnored();
  const toucan = inConfigTerms(config.projectName, () => new Toucan("toucan", args));
  return {
    /** The AZs, in the order that fixes their subnets and Mongo members; read back by the next update. */
    availabilityZones: toucan.network.availabilityZones,
    frontendUrl: toucan.frontendUrl,
    /** API_BASEROUTE: the backend's public base URL. */
    backendUrl: toucan.backendUrl,
    vpcId: toucan.vpcId,
    /** The public egress addresses partners allow-list. */
    natPublicIps: toucan.natPublicIps,
    loadBalancerDnsNames: toucan.loadBalancerDnsNames,
    securityGroupIds: toucan.securityGroupIds,
    serviceNames: toucan.serviceNames,
    connectionSecretArns: toucan.connectionSecretArns,
    ...(toucan.distributionId ? { distributionId: toucan.distributionId } : {}),
    ...(toucan.toolboxCommands ? { toolboxCommands: toucan.toolboxCommands } : {}),
    /** For a restore drill: the vault of the daily backups, and the Mongo administrator's password secret. */
    ...(toucan.backups ? { backupVaultName: toucan.backups.vaultName } : {}),
    /** The MongoDB version of the community members; read back by the next update (never upgraded unasked). */
    ...(toucan.mongo.engine === "community" ? { mongoVersion: pulumi.output(mongoVersionOf(args)) } : {}),
    ...(toucan.mongo.adminPasswordSecretArn
      ? { mongoAdminPasswordSecretArn: toucan.mongo.adminPasswordSecretArn }
      : {}),
    ...(toucan.ssoProviders
      ? { ssoProviders: toucan.ssoProviders, ssoProviderBlocks: toucan.ssoProviderBlocks! }
      : {}),
  };
}

/** The version the community members install: the config's, the running one, else the default. */
function mongoVersionOf(args: ReturnType<typeof toucanArgsFromConfig>): string {
  const mongo = args.mongo;
  const given = mongo !== undefined && !(mongo instanceof MongoCluster) ? mongo.version : undefined;
  return given ?? DEFAULT_MONGO_VERSION;
}

export = deploy();
