/**
 * Computed attributes for the StaticFrontend's types: S3 buckets, CloudFront distributions, origin access
 * controls, response headers policies, functions, cache policy lookups and Route 53 records.
 */
import type { AttributeModule, CallContext } from "./types";
import { str } from "./types";

/** Route 53 zone of each region's S3 website/bucket endpoints (for `hostedZoneId`). */
const S3_HOSTED_ZONES: Record<string, string> = {
  "us-east-1": "Z3AQBSTGFYJSTF",
  "us-east-2": "Z2O1EMRO9K5GLX",
  "us-west-2": "Z3BJ6K6RIION7M",
  "eu-west-1": "Z1BKCTXD74EZPE",
  "eu-west-3": "Z3R1K369G5AVDG",
  "eu-central-1": "Z21DNDUVLTQW6Q",
};

/** The managed cache policies `getCachePolicy` answers, by name (ids as documented by AWS). */
const MANAGED_CACHE_POLICIES: Record<string, string> = {
  "Managed-CachingOptimized": "658327ea-f89d-4fab-a63d-7e88639e58f6",
  "Managed-CachingDisabled": "4135ea2d-6df8-44a3-9df3-4b5a84be39ad",
};

/** CloudFront ids are 13-14 uppercase letters and digits, e.g. E2QWRUHAPOMQZL. */
function cloudFrontId(hex: (n: number) => string): string {
  return `E${hex(13).toUpperCase()}`;
}

export const module: AttributeModule = {
  idPrefixes: {
    "aws:cloudfront/distribution:Distribution": "E",
    "aws:cloudfront/originAccessControl:OriginAccessControl": "E",
  },
  attributes: {
    "aws:s3/bucket:Bucket": ({ inputs, id, region, hex }) => {
      const prefix = str(inputs.bucketPrefix);
      const bucket = str(inputs.bucket) ?? (prefix ? `${prefix}${hex(26)}` : id);
      return {
        bucket,
        arn: `arn:aws:s3:::${bucket}`,
        bucketDomainName: `${bucket}.s3.amazonaws.com`,
        bucketRegionalDomainName: `${bucket}.s3.${region}.amazonaws.com`,
        region,
        bucketRegion: region,
        hostedZoneId: S3_HOSTED_ZONES[region] ?? "Z3AQBSTGFYJSTF",
      };
    },
    "aws:cloudfront/distribution:Distribution": ({ id, hex, accountId }) => ({
      arn: `arn:aws:cloudfront::${accountId}:distribution/${id}`,
      domainName: `d${hex(13)}.cloudfront.net`,
      hostedZoneId: "Z2FDTNDATAQYW2",
      status: "Deployed",
      etag: cloudFrontId(hex),
      callerReference: `terraform-${hex(20)}`,
      inProgressValidationBatches: 0,
      lastModifiedTime: "2026-01-01T10:00:00Z",
    }),
    "aws:cloudfront/originAccessControl:OriginAccessControl": ({ hex, id, accountId }) => ({
      etag: cloudFrontId(hex),
      arn: `arn:aws:cloudfront::${accountId}:origin-access-control/${id}`,
    }),
    "aws:cloudfront/responseHeadersPolicy:ResponseHeadersPolicy": ({ hex }) => ({
      etag: cloudFrontId(hex),
    }),
    "aws:cloudfront/function:Function": ({ inputs, name, hex, accountId }) => {
      const functionName = str(inputs.name) ?? `${name}-${hex(7)}`;
      return {
        name: functionName,
        arn: `arn:aws:cloudfront::${accountId}:function/${functionName}`,
        etag: cloudFrontId(hex),
        liveStageEtag: cloudFrontId(hex),
        status: "UNASSOCIATED",
      };
    },
    "aws:route53/record:Record": ({ inputs }) => ({
      fqdn: inputs.name,
    }),
  },
  calls: {
    "aws:cloudfront/getCachePolicy:getCachePolicy": ({ inputs }: CallContext) => {
      const name = str(inputs.name) ?? "";
      const id = str(inputs.id) ?? MANAGED_CACHE_POLICIES[name];
      if (id === undefined) throw new Error(`no cache policy named ${name}`);
      return { id, name, defaultTtl: 86400, maxTtl: 31536000, minTtl: 1, etag: "E23ZP02F085DFQ" };
    },
  },
};
