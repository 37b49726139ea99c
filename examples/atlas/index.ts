import * as pulumi from "@pulumi/pulumi";
import { Toucan } from "pulumi-toucan";

const config = new pulumi.Config();

// MongoDB Atlas as the database: a dedicated cluster (3 electable nodes over the region's AZs, cloud
// backup, termination protection) reached only through AWS PrivateLink from the backend's tasks. The
// Atlas API key comes from the mongodbatlas provider's config (mongodbatlas:publicKey / privateKey).
// Single sign-on: one SAML2 provider (the stack makes its SP key and certificate) and a Cognito user
// pool as a ready OpenID Connect provider.
const toucan = new Toucan("toucan", {
  version: config.require("version"),
  frontendDomain: config.require("frontendDomain"),
  backendDomain: config.require("backendDomain"),
  zoneId: config.require("zoneId"),
  mongo: {
    engine: "atlas",
    atlas: {
      orgId: config.require("atlasOrgId"),
      instanceSize: config.get("atlasInstanceSize") ?? "M10",
      pointInTimeRestore: config.getBoolean("atlasPointInTimeRestore") ?? false,
    },
  },
  sso: {
    providers: [{ id: "okta", type: "SAML2", name: "Okta" }],
    cognito: { domainPrefix: config.require("cognitoDomainPrefix") },
  },
});

export const frontendUrl = toucan.frontendUrl;
export const backendUrl = toucan.backendUrl;
/** What each identity provider needs: entity id, ACS and metadata URLs (SAML2), callback URL (OIDC). */
export const ssoProviders = toucan.ssoProviders;
/** The blocks for the instance settings (`pulumi stack output ssoProviderBlocks --show-secrets`). */
export const ssoProviderBlocks = toucan.ssoProviderBlocks;
