/** ECR repositories and the Docker images built and pushed to them. */
import type { AttributeModule } from "./types";

export const module: AttributeModule = {
  attributes: {
    "aws:ecr/repository:Repository": ({ inputs, name, hex, region, accountId }) => {
      const repositoryName = (inputs.name as string | undefined) ?? `${name}-${hex(7)}`;
      return {
        name: repositoryName,
        registryId: accountId,
        repositoryUrl: `${accountId}.dkr.ecr.${region}.amazonaws.com/${repositoryName}`,
        arn: `arn:aws:ecr:${region}:${accountId}:repository/${repositoryName}`,
      };
    },
    "aws:ecr/lifecyclePolicy:LifecyclePolicy": ({ inputs, accountId }) => ({
      registryId: accountId,
      repository: inputs.repository,
    }),
    "docker:index/image:Image": ({ inputs, hex }) => {
      const imageName = inputs.imageName as string;
      return {
        imageName,
        repoDigest: `${imageName.split(":")[0]}@sha256:${hex(64)}`,
        baseImageName: imageName,
      };
    },
  },
  calls: {
    "aws:ecr/getAuthorizationToken:getAuthorizationToken": ({ region, accountId }) => ({
      id: region,
      authorizationToken: "QVdTOnBsYW4=",
      userName: "AWS",
      password: "plan",
      proxyEndpoint: `https://${accountId}.dkr.ecr.${region}.amazonaws.com`,
      expiresAt: "2099-01-01T00:00:00Z",
      region,
    }),
  },
};
