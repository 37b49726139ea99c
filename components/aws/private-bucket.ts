import * as pulumi from "@pulumi/pulumi";
import * as aws from "@pulumi/aws";

/** The controls that keep a bucket private, made once for every bucket the components create. */
export interface PrivateBucketControls {
  publicAccess: aws.s3.BucketPublicAccessBlock;
  ownership: aws.s3.BucketOwnershipControls;
  encryption: aws.s3.BucketServerSideEncryptionConfiguration;
}

/**
 * Blocks every form of public access, disables ACLs (bucket owner enforced) and encrypts at rest with
 * SSE-S3 (the only encryption ALB access logs and the simplest one CloudFront OAC reads).
 */
export function lockDownBucket(
  name: string,
  bucket: aws.s3.Bucket,
  parent: pulumi.Resource,
): PrivateBucketControls {
  const publicAccess = new aws.s3.BucketPublicAccessBlock(
    name,
    {
      bucket: bucket.id,
      blockPublicAcls: true,
      blockPublicPolicy: true,
      ignorePublicAcls: true,
      restrictPublicBuckets: true,
    },
    { parent },
  );
  const ownership = new aws.s3.BucketOwnershipControls(
    name,
    { bucket: bucket.id, rule: { objectOwnership: "BucketOwnerEnforced" } },
    { parent },
  );
  const encryption = new aws.s3.BucketServerSideEncryptionConfiguration(
    name,
    { bucket: bucket.id, rules: [{ applyServerSideEncryptionByDefault: { sseAlgorithm: "AES256" } }] },
    { parent },
  );
  return { publicAccess, ownership, encryption };
}
