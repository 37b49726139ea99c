/**
 * Computed attributes of the MongoDB Atlas types `MongoCluster` (`engine: "atlas"`) uses, shaped like the
 * provider's: 24-hex ids, the endpoint service name AWS shows for Atlas's PrivateLink, and the cluster's
 * private-endpoint connection strings once an endpoint is registered.
 */
import type { AttributeModule } from "./types";
import { str } from "./types";

/** Atlas ids are 24 hexadecimal characters (ObjectIds). */
const objectId = (hex: (n: number) => string) => hex(24);

export const module: AttributeModule = {
  attributes: {
    "mongodbatlas:index/project:Project": ({ hex, inputs }) => ({
      projectId: objectId(hex),
      clusterCount: 0,
      created: "2026-01-01T00:00:00Z",
      name: str(inputs.name),
    }),
    "mongodbatlas:index/advancedCluster:AdvancedCluster": ({ hex, inputs }) => {
      const name = str(inputs.name) ?? "cluster";
      const host = `${name.toLowerCase()}.${hex(5)}.mongodb.net`;
      return {
        clusterId: objectId(hex),
        stateName: "IDLE",
        mongoDbVersion: `${str(inputs.mongoDbMajorVersion) ?? "8.0"}.4`,
        connectionStrings: {
          standard: `mongodb://${host}:27017`,
          standardSrv: `mongodb+srv://${host}`,
          private: "",
          privateSrv: "",
          // Filled only after a refresh: the program reads them through getAdvancedCluster.
          privateEndpoints: [],
        },
      };
    },
    "mongodbatlas:index/databaseUser:DatabaseUser": ({ inputs }) => ({
      username: str(inputs.username),
    }),
    "mongodbatlas:index/privateLinkEndpoint:PrivateLinkEndpoint": ({ hex, region }) => ({
      privateLinkId: objectId(hex),
      endpointServiceName: `com.amazonaws.vpce.${region}.vpce-svc-${hex(17)}`,
      status: "AVAILABLE",
      regionName: region.toUpperCase().replace(/-/g, "_"),
      interfaceEndpoints: [],
    }),
    "mongodbatlas:index/privateLinkEndpointService:PrivateLinkEndpointService": ({ inputs }) => ({
      interfaceEndpointId: str(inputs.endpointServiceId),
      awsConnectionStatus: "AVAILABLE",
      deleteRequested: false,
    }),
  },
  calls: {
    // After our endpoint is registered, the cluster reports one private-endpoint string per endpoint.
    "mongodbatlas:index/getAdvancedCluster:getAdvancedCluster": ({ inputs, region }) => {
      const name = str(inputs.name) ?? "cluster";
      const host = `${name.toLowerCase()}-pl-0.a1b2c.mongodb.net`;
      return {
        projectId: str(inputs.projectId),
        name,
        stateName: "IDLE",
        connectionStrings: {
          standard: "",
          standardSrv: `mongodb+srv://${name.toLowerCase()}.a1b2c.mongodb.net`,
          private: "",
          privateSrv: "",
          privateEndpoints: [
            {
              type: "MONGOD",
              connectionString: `mongodb://pl-0-${region}.a1b2c.mongodb.net:1024`,
              srvConnectionString: `mongodb+srv://${host}`,
              srvShardOptimizedConnectionString: "",
              endpoints: [{ endpointId: "vpce-registered", providerName: "AWS", region }],
            },
          ],
        },
      };
    },
  },
};
