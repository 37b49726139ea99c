/**
 * The pulumi-toucan policy pack: `pulumi preview --policy-pack policy` (after `npm install` in this
 * folder). The rules live in `rules.ts`, where the tests run them over the offline plan's graphs.
 */
import { PolicyPack } from "@pulumi/policy";
import { toucanPolicies } from "./rules";

new PolicyPack("pulumi-toucan", {
  description:
    "Encryption, exposure, protection and redundancy rules for a Toucan stack built with pulumi-toucan.",
  policies: toucanPolicies,
});
