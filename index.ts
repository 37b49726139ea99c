/**
 * The root Pulumi program: builds a Toucan deployment from the stack config (`Pulumi.<stack>.yaml`).
 * Every key is declared in Pulumi.yaml and documented in the README.
 *   platform: aws     the redundant topology (default)
 *   platform: docker  the vendor's docker-compose layout on one Docker host
 */
import * as pulumi from "@pulumi/pulumi";
import { SingleHost } from "./components/docker/single-host";
import { Toucan } from "./components/aws/toucan";
import { ConfigReader, singleHostArgsFromConfig, toucanArgsFromConfig } from "./components/stack-config";

const projectConfig = new pulumi.Config();
const config = new ConfigReader({ name: projectConfig.name, get: (key) => projectConfig.get(key) });
const platform = config.oneOf("platform", ["aws", "docker"] as const) ?? "aws";

/** The stack outputs (readable from other stacks with a StackReference), per platform. */
function deploy(): Record<string, pulumi.Output<unknown>> {
  if (platform === "docker") {
    const host = new SingleHost("toucan", singleHostArgsFromConfig(config));
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
  const toucan = new Toucan("toucan", toucanArgsFromConfig(config));
  return {
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
    ...(toucan.mongo.adminPasswordSecretArn
      ? { mongoAdminPasswordSecretArn: toucan.mongo.adminPasswordSecretArn }
      : {}),
    ...(toucan.ssoProviders
      ? { ssoProviders: toucan.ssoProviders, ssoProviderBlocks: toucan.ssoProviderBlocks! }
      : {}),
  };
}

export = deploy();
