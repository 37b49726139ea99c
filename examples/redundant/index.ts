import * as pulumi from "@pulumi/pulumi";
import { Toucan } from "pulumi-toucan";

const config = new pulumi.Config();

// Everything redundant across 3 AZs: a community MongoDB replica set, Redis with a replica,
// EFS, one shared HTTPS load balancer and two Fargate services of 2 tasks each.
const toucan = new Toucan("toucan", {
  version: config.require("version"),
  frontendDomain: config.require("frontendDomain"),
  backendDomain: config.require("backendDomain"),
  zoneId: config.require("zoneId"),
});

export const frontendUrl = toucan.frontendUrl;
export const backendUrl = toucan.backendUrl;
export const connectionSecretArns = toucan.connectionSecretArns;
