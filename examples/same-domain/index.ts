import * as pulumi from "@pulumi/pulumi";
import { Toucan } from "pulumi-toucan";

const config = new pulumi.Config();

// One name: the load balancer sends /_api/* to the backend with the prefix stripped, and the
// frontend gets API_BASEROUTE=https://<domain>/_api.
const toucan = new Toucan("toucan", {
  version: config.require("version"),
  frontendDomain: config.require("domain"),
  sameDomain: true,
  zoneId: config.require("zoneId"),
});

export const frontendUrl = toucan.frontendUrl;
export const backendUrl = toucan.backendUrl;
