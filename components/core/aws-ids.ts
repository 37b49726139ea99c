/**
 * Format, region and kind checks of the AWS ids and ARNs users pass, at plan time. Each returns the problem
 * in the user's terms, or undefined when the value is fine. Pure and table-tested.
 */

const PARTITION = "aws(?:-cn|-us-gov)?";
const REGION = "[a-z]{2}(?:-[a-z]+)+-\\d";
const HEX_ID = (prefix: string) => new RegExp(`^${prefix}-(?:[0-9a-f]{8}|[0-9a-f]{17})$`);

/** The region of an ARN, or undefined when it is not an ARN. */
export function arnRegion(arn: string): string | undefined {
  return /^arn:[^:]+:[^:]+:([^:]*):/.exec(arn)?.[1];
}

/**
 * An ACM certificate ARN, in `region` when given (an ALB needs its own region's certificate, CloudFront
 * one from us-east-1).
 */
export function certificateArnProblem(value: string, region?: string): string | undefined {
  const match = new RegExp(`^arn:${PARTITION}:acm:(${REGION}):\\d{12}:certificate/[0-9a-f-]{36}$`).exec(
    value,
  );
  if (!match) {
    if (/^arn:[^:]+:iam::\d{12}:server-certificate\//.test(value))
      return "is an IAM server certificate, not an ACM certificate";
    if (/^arn:/.test(value)) return "is the ARN of something else than an ACM certificate";
    return "is not an ACM certificate ARN (arn:aws:acm:REGION:ACCOUNT:certificate/ID)";
  }
  if (region && match[1] !== region)
    return `is a certificate of ${match[1]}, and this one must be in ${region}`;
  return undefined;
}

/** A Route 53 hosted zone id (`Z...`), not a domain name nor the `/hostedzone/` path form. */
export function zoneIdProblem(value: string): string | undefined {
  if (/^Z[A-Z0-9]{1,32}$/.test(value)) return undefined;
  if (/^\/?hostedzone\/Z[A-Z0-9]+$/.test(value)) return "is the API path form of a zone id";
  if (value.includes(".")) return "is a domain name, not a hosted zone id";
  return "is not a Route 53 hosted zone id (Z followed by capital letters and digits)";
}

/** The zone id a user probably meant, for messages. */
export function zoneIdFix(value: string): string {
  const bare = /Z[A-Z0-9]+$/.exec(value)?.[0];
  return /hostedzone/.test(value) && bare
    ? `give "${bare}" (without /hostedzone/)`
    : "give the zone's id as the Route 53 console shows it, e.g. Z0123456789ABCDEFGHIJ (aws route53 list-hosted-zones-by-name)";
}

export function vpcIdProblem(value: string): string | undefined {
  return HEX_ID("vpc").test(value) ? undefined : "is not a VPC id (vpc- and 8 or 17 hex digits)";
}

export function subnetIdProblem(value: string): string | undefined {
  if (HEX_ID("subnet").test(value)) return undefined;
  if (/^\d+\.\d+\.\d+\.\d+\/\d+$/.test(value)) return "is a CIDR block, not a subnet id";
  return "is not a subnet id (subnet- and 8 or 17 hex digits)";
}

export function securityGroupIdProblem(value: string): string | undefined {
  return HEX_ID("sg").test(value) ? undefined : "is not a security group id (sg- and 8 or 17 hex digits)";
}

/** An AZ name of `region` (e.g. eu-west-3a; Local Zones such as us-west-2-lax-1a too). */
export function availabilityZoneProblem(value: string, region?: string): string | undefined {
  const match = new RegExp(`^(${REGION})(?:-[a-z]+-\\d)?[a-z]$`).exec(value);
  if (!match) return "is not an Availability Zone name (e.g. eu-west-3a)";
  if (region && match[1] !== region) return `is an Availability Zone of ${match[1]}, not of ${region}`;
  return undefined;
}

/** A KMS key: its id, its ARN, or an alias (name or ARN), in `region` when it is an ARN and a region is given. */
export function kmsKeyProblem(value: string, region?: string): string | undefined {
  const arn = new RegExp(
    `^arn:${PARTITION}:kms:(${REGION}):\\d{12}:(?:key/[0-9a-f-]{36}|key/mrk-[0-9a-f]{32}|alias/[\\w/-]+)$`,
  ).exec(value);
  if (arn) return region && arn[1] !== region ? `is a key of ${arn[1]}, not of ${region}` : undefined;
  if (/^(?:[0-9a-f-]{36}|mrk-[0-9a-f]{32}|alias\/[\w/-]+)$/.test(value)) return undefined;
  return "is not a KMS key id, key ARN or alias";
}

/** EC2 instance sizes (https://docs.aws.amazon.com/ec2/latest/instancetypes/instance-type-names.html). */
const SIZE = "(?:nano|micro|small|medium|large|xlarge|\\d{1,2}xlarge|metal(?:-\\d{2}xl)?)";
/** Families whose generation and options the name spells: m7g, r6gd, c7gn, t4g, x2iedn... */
const FAMILY = "[a-z]{1,3}\\d[a-z-]*";

/** An EC2 instance type's form (`m7g.large`); whether the region offers it is only known at deploy time. */
export function instanceTypeProblem(value: string): string | undefined {
  return new RegExp(`^${FAMILY}\\.${SIZE}$`).test(value)
    ? undefined
    : "is not an EC2 instance type (family.size, e.g. t4g.medium or m7i.large)";
}

/** ElastiCache node types (https://docs.aws.amazon.com/AmazonElastiCache/latest/dg/CacheNodes.SupportedTypes.html). */
const CACHE_FAMILIES = [
  "t2",
  "t3",
  "t4g",
  "m4",
  "m5",
  "m6g",
  "m7g",
  "r4",
  "r5",
  "r6g",
  "r6gd",
  "r7g",
  "c7gn",
];

export function cacheNodeTypeProblem(value: string): string | undefined {
  const match = new RegExp(`^cache\\.(${FAMILY})\\.${SIZE}$`).exec(value);
  if (!match) return "is not an ElastiCache node type (cache.family.size, e.g. cache.t4g.small)";
  if (!CACHE_FAMILIES.includes(match[1]))
    return `is not a node family ElastiCache offers for Valkey or Redis OSS (${CACHE_FAMILIES.join(", ")})`;
  return undefined;
}

/** DocumentDB instance classes (https://docs.aws.amazon.com/documentdb/latest/developerguide/db-instance-classes.html). */
const DOCDB_FAMILIES = ["t3", "t4g", "r5", "r6g", "r6gd", "r8g"];

export function documentDbInstanceClassProblem(value: string): string | undefined {
  if (value === "db.serverless") return undefined;
  const match = new RegExp(`^db\\.(${FAMILY})\\.${SIZE}$`).exec(value);
  if (!match) return "is not a DocumentDB instance class (db.family.size, e.g. db.r6g.large)";
  if (!DOCDB_FAMILIES.includes(match[1]))
    return `is not an instance family DocumentDB offers (${DOCDB_FAMILIES.join(", ")}, or db.serverless)`;
  return undefined;
}
