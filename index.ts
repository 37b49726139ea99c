/**
 * The root Pulumi program: builds a Toucan deployment from the stack config (`Pulumi.<stack>.yaml`).
 * Every key is declared in Pulumi.yaml and documented in the README.
 */
import * as pulumi from "@pulumi/pulumi";
import { Network } from "./components";
import { ConfigReader, networkArgsFromConfig } from "./components/stack-config";

const projectConfig = new pulumi.Config();
const config = new ConfigReader({ name: projectConfig.name, get: (key) => projectConfig.get(key) });

const network = new Network("toucan", networkArgsFromConfig(config));

export const vpcId = network.vpcId;
export const vpcCidrBlock = network.cidrBlock;
export const publicSubnetIds = network.publicSubnetIds;
export const privateSubnetIds = network.privateSubnetIds;
export const availabilityZones = network.availabilityZones;
