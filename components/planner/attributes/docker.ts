/**
 * Computed attributes of the @pulumi/docker types used by the single-host layout (`SingleHost`):
 * images, networks, volumes and containers, as the Docker provider reports them after a create.
 * Names are autonamed by the harness (`<logical>-<7hex>`) unless the program sets one.
 */
import type { AttributeModule } from "./types";
import { str } from "./types";

/** `quay.io/toucantoco/backend:v100.5.1` -> `quay.io/toucantoco/backend`; `mongo:7.0` -> `mongo`. */
function repositoryOf(reference: string): string {
  const withoutDigest = reference.split("@")[0];
  const lastSlash = withoutDigest.lastIndexOf("/");
  const colon = withoutDigest.lastIndexOf(":");
  return colon > lastSlash ? withoutDigest.slice(0, colon) : withoutDigest;
}

export const module: AttributeModule = {
  attributes: {
    "docker:index/remoteImage:RemoteImage": ({ inputs, hex }) => {
      const name = str(inputs.name) ?? "unknown";
      return {
        // The local image id (a config digest), what `docker.Container.image` takes.
        imageId: `sha256:${hex(64)}`,
        repoDigest: `${repositoryOf(name)}@sha256:${hex(64).split("").reverse().join("")}`,
      };
    },
    "docker:index/network:Network": ({ inputs, hex }) => ({
      driver: str(inputs.driver) ?? "bridge",
      scope: "local",
      internal: inputs.internal ?? false,
      ipamDriver: "default",
      ipamConfigs: [
        {
          subnet: `172.${18 + (parseInt(hex(2), 16) % 12)}.0.0/16`,
          gateway: "",
          ipRange: "",
          auxAddress: {},
        },
      ],
    }),
    "docker:index/volume:Volume": ({ inputs, name, hex }) => {
      const volumeName = str(inputs.name) ?? `${name}-${hex(7)}`;
      return {
        driver: str(inputs.driver) ?? "local",
        mountpoint: `/var/lib/docker/volumes/${volumeName}/_data`,
      };
    },
    "docker:index/container:Container": ({ hex }) => ({
      // Docker's default hostname: the first 12 characters of the container id.
      hostname: hex(12),
      exitCode: 0,
      bridge: "",
      init: false,
      ipcMode: "private",
      logDriver: "json-file",
      runtime: "runc",
      shmSize: 64,
      stopSignal: "",
      stopTimeout: 0,
      networkDatas: [],
    }),
  },
};
