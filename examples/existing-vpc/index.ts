import * as pulumi from "@pulumi/pulumi";
import { Network, Toucan } from "pulumi-toucan";

const config = new pulumi.Config();

// The platform team's VPC: nothing network-related is created, the ids are passed through.
const network = new Network("corp", {
  existing: {
    vpcId: config.require("vpcId"),
    publicSubnetIds: config.requireObject<string[]>("publicSubnetIds"),
    privateSubnetIds: config.requireObject<string[]>("privateSubnetIds"),
    availabilityZones: config.requireObject<string[]>("availabilityZones"),
  },
});

const toucan = new Toucan("toucan", {
  version: config.require("version"),
  frontendDomain: config.require("frontendDomain"),
  backendDomain: config.require("backendDomain"),
  network,
  // The company's ECS cluster and wildcard certificate; DNS records are managed elsewhere,
  // so no zone is given: point the names at `loadBalancerDnsNames` yourself.
  cluster: { arn: config.require("clusterArn"), name: config.require("clusterName") },
  certificateArn: config.require("certificateArn"),
  certificateDomains: config.requireObject<string[]>("certificateDomains"),
});

export const frontendUrl = toucan.frontendUrl;
export const backendUrl = toucan.backendUrl;
export const loadBalancerDnsNames = toucan.loadBalancerDnsNames;
export const securityGroupIds = toucan.securityGroupIds;
