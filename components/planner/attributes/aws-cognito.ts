/** Computed attributes of the Amazon Cognito types the SSO wiring uses (user pool, app client, domain). */
import type { AttributeModule } from "./types";
import { str } from "./types";

export const module: AttributeModule = {
  attributes: {
    // Pool ids are `<region>_<9 alphanumerics>`.
    "aws:cognito/userPool:UserPool": ({ region, accountId, id }) => ({
      endpoint: `cognito-idp.${region}.amazonaws.com/${id}`,
      arn: `arn:aws:cognito-idp:${region}:${accountId}:userpool/${id}`,
      creationDate: "2026-01-01T00:00:00Z",
      estimatedNumberOfUsers: 0,
      domain: "",
    }),
    // Client ids are 26 lower-case alphanumerics; the secret is 51 characters.
    "aws:cognito/userPoolClient:UserPoolClient": ({ hex }) => ({
      clientSecret: `${hex(51)}`,
    }),
    "aws:cognito/userPoolDomain:UserPoolDomain": ({ inputs, hex }) => ({
      cloudfrontDistribution: `d${hex(13)}.cloudfront.net`,
      cloudfrontDistributionZoneId: "Z2FDTNDATAQYW2",
      domain: str(inputs.domain),
    }),
  },
};
