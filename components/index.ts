/**
 * pulumi-toucan: Pulumi components that deploy a self-hosted Toucan Toco.
 */
export * from "./core/errors";
export * from "./core/transform";
export * from "./aws/network";
export { planSubnets, subnetCidr, defaultSubnetPrefix, maxAzs } from "./aws/network-layout";
export * from "./core/toucan-config";
export * from "./docker/caddyfile";
export * from "./aws/mongo-cluster";
export { renderMongoUserData, MongoMemberBootstrap, MongoBootstrapUsers } from "./aws/mongo-user-data";
export * as staticAssets from "./static";
export * from "./aws/certificate";
export * from "./core/hostnames";
export * from "./aws/load-balancer";
export * from "./aws/toucan";
export * from "./aws/toucan-service";
export * from "./aws/redis-cache";
export * from "./aws/shared-storage";
export * from "./aws/static-frontend";
export * from "./docker/single-host";
