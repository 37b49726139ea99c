/**
 * The root Pulumi program: builds a Toucan deployment from the stack config (`Pulumi.<stack>.yaml`).
 * Every key is declared in Pulumi.yaml and documented in the README.
 *   platform: aws     the redundant topology (default)
 *   platform: docker  the vendor's docker-compose layout on one Docker host
 */
import * as pulumi from "@pulumi/pulumi";
import { SingleHost } from "./components/single-host";
import { Toucan } from "./components/toucan";
import { ConfigReader, singleHostArgsFromConfig, toucanArgsFromConfig } from "./components/stack-config";

const projectConfig = new pulumi.Config();
const config = new ConfigReader({ name: projectConfig.name, get: (key) => projectConfig.get(key) });
const platform = config.oneOf("platform", ["aws", "docker"] as const) ?? "aws";

interface Deployment {
  frontendUrl: pulumi.Output<string>;
  backendUrl: pulumi.Output<string>;
  aws?: Toucan;
  docker?: SingleHost;
}

function deploy(): Deployment {
  if (platform === "docker") {
    const host = new SingleHost("toucan", singleHostArgsFromConfig(config));
    return { frontendUrl: host.frontendUrl, backendUrl: host.backendUrl, docker: host };
  }
  const toucan = new Toucan("toucan", toucanArgsFromConfig(config));
  return { frontendUrl: toucan.frontendUrl, backendUrl: toucan.backendUrl, aws: toucan };
}

const deployment = deploy();

export const frontendUrl = deployment.frontendUrl;
/** API_BASEROUTE: the backend's public base URL. */
export const backendUrl = deployment.backendUrl;
export const vpcId = deployment.aws?.vpcId;
export const loadBalancerDnsNames = deployment.aws?.loadBalancerDnsNames;
export const securityGroupIds = deployment.aws?.securityGroupIds;
export const serviceNames = deployment.aws?.serviceNames;
export const connectionSecretArns = deployment.aws?.connectionSecretArns;
export const distributionId = deployment.aws?.distributionId;
export const containerNames = deployment.docker?.containerNames;
