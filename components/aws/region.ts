import * as pulumi from "@pulumi/pulumi";

/**
 * The region the stack's default AWS provider deploys to, when the program knows it at plan time (the
 * `aws:region` config, else the AWS_REGION / AWS_DEFAULT_REGION environment the provider reads too).
 */
export function configuredRegion(): string | undefined {
  return new pulumi.Config("aws").get("region") ?? process.env.AWS_REGION ?? process.env.AWS_DEFAULT_REGION;
}
