/**
 * pulumi-toucan: Pulumi components that deploy a self-hosted Toucan Toco.
 */
export * from "./errors";
export * from "./transform";
export * from "./network";
export { planSubnets, subnetCidr, defaultSubnetPrefix, maxAzs } from "./network-layout";
export * from "./toucan-config";
export * from "./caddyfile";
export * from "./mongo-cluster";
export { renderMongoUserData, MongoMemberBootstrap, MongoBootstrapUsers } from "./mongo-user-data";
export * as staticAssets from "./static";
export * from "./certificate";
export * from "./hostnames";
export * from "./load-balancer";
export * from "./toucan";
export * from "./toucan-service";
export * from "./redis-cache";
export * from "./shared-storage";
export * from "./static-frontend";
export * from "./single-host";
