import * as pulumi from "@pulumi/pulumi";
import { SingleHost, SingleHostTls } from "pulumi-toucan";

const config = new pulumi.Config();

function tls(): SingleHostTls {
  const mode = config.get("tlsMode") ?? "internal";
  switch (mode) {
    case "files":
      return { mode, certificateFile: config.require("certificateFile"), keyFile: config.require("keyFile") };
    case "acme":
      return { mode, email: config.require("acmeEmail") };
    case "internal":
      return { mode };
    default:
      throw new Error(`tlsMode is "${mode}": use internal, files or acme`);
  }
}

const sameDomain = config.getBoolean("sameDomain") ?? false;

// mongo, redis, backend, frontend and Caddy on one Docker host; only Caddy publishes ports.
const toucan = new SingleHost("toucan", {
  version: config.require("version"),
  allowFloatingVersion: config.getBoolean("allowFloatingVersion"),
  frontendDomain: config.require("frontendDomain"),
  backendDomain: sameDomain ? undefined : config.require("backendDomain"),
  sameDomain,
  tls: tls(),
  httpPort: config.getNumber("httpPort"),
  httpsPort: config.getNumber("httpsPort"),
  host: config.get("dockerHost"),
  backend: {
    cpus: config.getNumber("cpus"),
    extraConnectors: config.getObject<string[]>("extraConnectors"),
  },
  protect: config.getBoolean("protect"),
});

export const frontendUrl = toucan.frontendUrl;
export const backendUrl = toucan.backendUrl;
export const containerNames = toucan.containerNames;
export const volumeNames = toucan.volumeNames;
export const networkName = toucan.networkName;
// A secret: `pulumi stack output --show-secrets mongodbHost`, e.g. for the vendor's backup toolbox run on `networkName`.
export const mongodbHost = toucan.mongodbHost;
