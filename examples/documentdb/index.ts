import * as pulumi from "@pulumi/pulumi";
import { Toucan } from "pulumi-toucan";

const config = new pulumi.Config();

// Amazon DocumentDB is MongoDB-compatible, not MongoDB: check the features your small apps use.
// The read-only connection string uses the cluster's reader endpoint.
const toucan = new Toucan("toucan", {
  version: config.require("version"),
  frontendDomain: config.require("frontendDomain"),
  backendDomain: config.require("backendDomain"),
  zoneId: config.require("zoneId"),
  mongo: { engine: "documentdb", instanceCount: 2 },
});

export const frontendUrl = toucan.frontendUrl;
export const backendUrl = toucan.backendUrl;
