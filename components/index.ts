/**
 * pulumi-toucan: Pulumi components that deploy a self-hosted Toucan Toco.
 */
export * from "./errors";
export * from "./transform";
export * from "./network";
export { planSubnets, subnetCidr, defaultSubnetPrefix, maxAzs } from "./network-layout";
