/** Every attribute module the recording runtime consults, in a fixed order. */
import type { AttributeModule } from "./types";
import { module as awsCacheStorage } from "./aws-cache-storage";
import { module as awsCdn } from "./aws-cdn";
import { module as awsCognito } from "./aws-cognito";
import { module as awsCore } from "./aws-core";
import { module as awsEcr } from "./aws-ecr";
import { module as awsEcs } from "./aws-ecs";
import { module as awsEdge } from "./aws-edge";
import { module as awsMongo } from "./aws-mongo";
import { module as docker } from "./docker";
import { module as mongodbatlas } from "./mongodbatlas";

export const ATTRIBUTE_MODULES: readonly AttributeModule[] = [
  awsCacheStorage,
  awsCdn,
  awsCognito,
  awsCore,
  awsEcr,
  awsEcs,
  awsEdge,
  awsMongo,
  docker,
  mongodbatlas,
];
