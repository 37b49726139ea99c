import * as pulumi from "@pulumi/pulumi";
import * as aws from "@pulumi/aws";
import { lockDownBucket } from "./private-bucket";
import { certificateArnProblem, zoneIdFix, zoneIdProblem } from "../core/aws-ids";
import { checkedListWhenKnown, checkedWhenKnown, configuredRegion, plainList } from "./region";

/** The public subnets' check, run before anything registers or once another stack's list is known. */
function tooFewPublicSubnets(ids: unknown[]): string | undefined {
  return ids.length >= 2 ? undefined : "is fewer than the 2 Availability Zones an ALB needs";
}

function publicSubnetsCheck(name: string) {
  return {
    component: `LoadBalancer "${name}"`,
    argument: "publicSubnetIds",
    fix: "give public subnets in at least 2 AZs (network.publicSubnetIdList)",
    shown: (ids: unknown[]) => `${ids.length} subnet(s)`,
  };
}
import { ArgumentChecks, requireArgs } from "../core/errors";
import { isIntegerIn } from "../core/numbers";
import { parseCidr } from "../core/cidr";
import { hostnameProblem, isWildcard } from "../core/hostnames";
import { Transform, applyTransform } from "../core/transform";

const COMPONENT = "toucan:aws:LoadBalancer";

/**
 * How targets share application load balancers.
 * - `shared`: one ALB for every target, routing by host name (and path). One ALB-hour and one set of LCUs: the
 *   cheaper choice, and one DNS name, security group and access log stream to look after. A traffic spike or a
 *   misconfigured rule on one name affects the others, and every name shares the ALB's quotas.
 * - `dedicated`: one ALB per target that has host names, each forwarding everything to its target: the vendor's
 *   layout ("a load balancer for the frontend containers, one for the backend containers"). Tiers are isolated
 *   (own DNS name, security group, quotas, idle timeout budget), at the cost of one more ALB per tier. A target
 *   reached only through a path prefix (`pathPrefix`) rides on the ALB of the target whose host names it uses.
 */
export type LoadBalancerMode = "shared" | "dedicated";

/** Whether the ALBs answer over IPv4 only or over IPv4 and IPv6. */
export type LoadBalancerIpAddressType = "ipv4" | "dualstack";

/** One group of containers the load balancer sends requests to (an ECS service registers into its target group). */
export interface LoadBalancerTarget {
  /**
   * Host names routed to this target (a host-header rule). Lowercase; a wildcard is allowed as the whole first
   * label (`*.example.com`); each name belongs to one target only.
   * @default none: the target is reached through `pathPrefix` only
   * @example ["toucan.example.com"]
   */
  hostnames?: string[];
  /**
   * Same-domain routing: requests for this path prefix on another target's host names are sent to this target,
   * with the prefix stripped (an ALB `url-rewrite` transform: `/_api/x` reaches the target as `/x`, `/_api` as
   * `/`). The vendor's example serves the backend under `/_api/` of the frontend's name. Starts with `/`, does not
   * end with `/`.
   * @default none
   * @example "/_api"
   */
  pathPrefix?: string;
  /**
   * Host names the `pathPrefix` rule matches when no target of this load balancer carries them, e.g. a name
   * served by CloudFront that sends `/_api/*` here unchanged. Shared mode only; excludes `hostTarget`.
   * @default the host names of `hostTarget`
   * @example ["toucan.example.com"]
   */
  pathHostnames?: string[];
  /**
   * The target's slot among the listener rules' priorities (0-99). Keep it fixed per target so that a target
   * coming or going never makes two rules swap priorities (AWS refuses a priority in use, `PriorityInUse`).
   * @default its position in `targets`
   */
  ruleIndex?: number;
  /**
   * The target whose host names carry `pathPrefix`.
   * @default the only other target with host names (required when there are several)
   * @example "frontend"
   */
  hostTarget?: string;
  /**
   * Port the containers listen on.
   * @default 80 (the vendor's images listen on 80)
   */
  port?: number;
  /**
   * Path the ALB checks the targets' health on.
   * @example "/" for the backend (answers its version), "/tucana-version.txt" for the frontend
   */
  healthCheckPath: string;
  /**
   * HTTP codes that count as healthy (200-499, single codes, ranges or both, comma separated).
   * @default "200-399"
   */
  healthCheckMatcher?: string;
  /**
   * Seconds between health checks of a target (5-300).
   * @default 15
   */
  healthCheckIntervalSeconds?: number;
  /**
   * Seconds the ALB lets in-flight requests finish on a target being removed (0-3600).
   * @default 30
   */
  deregistrationDelaySeconds?: number;
}

/** Where access logs go. */
export interface LoadBalancerAccessLogs {
  /**
   * An existing bucket in the same region, whose policy lets Elastic Load Balancing write to it.
   * @default a bucket is created (SSE-S3, public access blocked, a policy for ELB log delivery)
   */
  bucket?: pulumi.Input<string>;
  /**
   * Key prefix of the logs (no leading or trailing `/`, must not contain `AWSLogs`).
   * @default none: logs are written under `AWSLogs/` at the bucket's root
   */
  prefix?: string;
}

export interface LoadBalancerArgs {
  /**
   * The VPC of the target groups and security groups.
   * @example network.vpcId
   */
  vpcId: pulumi.Input<string>;
  /**
   * Public subnets the ALBs live in, in at least 2 Availability Zones (AWS requires 2; more AZs survive more).
   * A plain array (checked before anything registers) or one Output, e.g. another stack's list (checked with
   * the same message once known).
   * @example network.publicSubnetIdList
   */
  publicSubnetIds: pulumi.Input<pulumi.Input<string>[]>;
  /**
   * ACM certificate of the HTTPS listener; it must cover every host name (see `Certificate`).
   * @example certificate.arn
   */
  certificateArn: pulumi.Input<string>;
  /**
   * Security groups attached to every ALB next to the one made here (whose rules are 80 and 443 from
   * `ingressCidrs`). Give a rule of large weight its own group, e.g. CloudFront's origin-facing prefix list,
   * which counts as 55 of the 60 rules a group holds by default.
   * @default none
   */
  additionalSecurityGroupIds?: pulumi.Input<string>[];
  /**
   * One ALB for all targets, or one per target. See `LoadBalancerMode` for the trade-off.
   * @default "shared"
   */
  mode?: LoadBalancerMode;
  /**
   * Switching `mode` on a running stack: the mode being left. Its ALB(s), listeners, rules and target groups stay
   * up next to the new ones (deletion protection lifted), the services register in both, and the DNS records
   * move to the new ALB(s) once the services are steady (`dnsDependsOn`). Remove it in a second `pulumi up`,
   * after the records' TTL, to delete them. See the README, "Changing a running stack".
   * @default none
   */
  retiringMode?: LoadBalancerMode;
  /**
   * The targets, keyed by stable names (they name the child resources, so adding a target never renames the
   * others). Keys: letters, digits and hyphens.
   * @example
   * ```ts
   * {
   *   frontend: { hostnames: ["toucan.example.com"], healthCheckPath: "/tucana-version.txt" },
   *   backend: { hostnames: ["api-toucan.example.com"], healthCheckPath: "/" },
   * }
   * ```
   */
  targets: Record<string, LoadBalancerTarget>;
  /**
   * Networks allowed to reach the ALBs on 80 and 443 (IPv6 blocks need `ipAddressType: "dualstack"`).
   * @default ["0.0.0.0/0"], plus ["::/0"] with dualstack
   * @example ["203.0.113.0/24"]
   */
  ingressCidrs?: string[];
  /**
   * IPv4 only, or IPv4 and IPv6 (the public subnets must then have IPv6 blocks). With dualstack, alias AAAA records
   * are created next to the A records.
   * @default "ipv4"
   */
  ipAddressType?: LoadBalancerIpAddressType;
  /**
   * Seconds a connection may stay idle (1-4000). The backend's `/data` route can take long when an app's query is
   * heavy (vendor FAQ, "Gunicorn Workers and App Performance"); the ALB's own default of 60 s would cut it off
   * with a 504.
   * @default 120
   */
  idleTimeoutSeconds?: number;
  /**
   * TLS security policy of the HTTPS listeners. Only TLS 1.2+ policies are accepted.
   * @default "ELBSecurityPolicy-TLS13-1-2-2021-06" (TLS 1.3 and 1.2, AWS's recommended policy)
   */
  sslPolicy?: string;
  /**
   * Protect the ALBs from deletion (a `pulumi destroy` then fails until it is turned off).
   * @default true
   */
  deletionProtection?: boolean;
  /**
   * Access logs: `true` creates a bucket for them; an object names a bucket and/or a prefix.
   * @default none
   * @example true
   * @example { bucket: "my-alb-logs", prefix: "toucan" }
   */
  accessLogs?: LoadBalancerAccessLogs | boolean;
  /**
   * Route 53 hosted zone of the host names: alias A (and AAAA with dualstack) records are created for each, to the
   * ALB serving it.
   * @default none: no DNS record is created
   */
  zoneId?: pulumi.Input<string>;
  /**
   * What the DNS records wait for, e.g. the ECS services registered in the target groups: a record then
   * points at a new ALB only once its targets are healthy. May be a promise the caller resolves later.
   * @default none
   */
  dnsDependsOn?: pulumi.Input<pulumi.Input<pulumi.Resource>[]>;
  /**
   * Tags for every resource.
   * @default no tags
   */
  tags?: Record<string, string>;
  /**
   * Change any child resource's arguments.
   * @default none: the arguments as built
   */
  transform?: {
    loadBalancer?: Transform<aws.lb.LoadBalancerArgs>;
    securityGroup?: Transform<aws.ec2.SecurityGroupArgs>;
    targetGroup?: Transform<aws.lb.TargetGroupArgs>;
    httpsListener?: Transform<aws.lb.ListenerArgs>;
    httpListener?: Transform<aws.lb.ListenerArgs>;
    listenerRule?: Transform<aws.lb.ListenerRuleArgs>;
    record?: Transform<aws.route53.RecordArgs>;
    logBucket?: Transform<aws.s3.BucketArgs>;
  };
}

/** AWS's recommended TLS policy: TLS 1.3 and 1.2 only. */
export const DEFAULT_SSL_POLICY = "ELBSecurityPolicy-TLS13-1-2-2021-06";
/** Idle timeout long enough for a slow `/data` request (the ALB's own default is 60 s). */
export const DEFAULT_IDLE_TIMEOUT_SECONDS = 120;
/**
 * ALB and target group names are at most 32 characters and Pulumi appends `-` and 7 random characters to the
 * logical name, so logical names used for them are at most 24.
 */
export const MAX_AUTONAMED_LENGTH = 24;
/** ALB rules accept at most 3 values per condition (and 5 per rule). */
export const HOSTS_PER_RULE = 3;
/** Rule slots per target and kind: at most 10 rules of 3 names. */
const RULES_PER_TARGET = 10;
const MAX_HOSTNAMES_PER_TARGET = HOSTS_PER_RULE * RULES_PER_TARGET;
const MAX_TARGETS = 100;
/** Path rules come first, then exact host rules, then wildcard host rules. */
const PATH_RULE_PRIORITY = 1000;
const HOST_RULE_PRIORITY = 20000;
const WILDCARD_RULE_PRIORITY = 35000;

/** TLS policies that allow nothing older than TLS 1.2. */
const TLS12_PLUS_POLICY = /^ELBSecurityPolicy-(TLS13-1-[23]-|TLS-1-2-|FS-1-2-)/;

/**
 * The regex and replacement of the url-rewrite transform that strips `prefix`. AWS says the regex matches "the
 * request URL" without saying whether that includes the query string, so the regex gives the same result on
 * both readings: on the path alone (the ALB keeps the query string) `/_api` -> `/`, `/_api/a` -> `/a`; on path
 * and query `/_api?x=1` -> `/?x=1`, `/_api/a?b=1` -> `/a?b=1`. Anything else (`/_apiary`, `/x/_api`) does not
 * match and is sent unchanged. Only the subset AWS supports (no lookaround, no backreference); the group that
 * does not take part is replaced by nothing, as in RE2, JavaScript and Java.
 */
export function pathRewrite(prefix: string): { regex: string; replace: string } {
  const escaped = prefix.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");
  return { regex: `^${escaped}(?:/(.*)|(\\?.*))?$`, replace: "/$1$2" };
}

/**
 * What the target receives for a request path, applying the same rewrite as the ALB rule (JavaScript and the
 * ALB agree on this regex: an unmatched group is replaced by nothing). Paths outside the prefix are untouched.
 *
 * @example rewritePath("/_api/small-apps") === "/small-apps"; rewritePath("/_api") === "/"
 */
export function rewritePath(path: string, prefix = "/_api"): string {
  const { regex, replace } = pathRewrite(prefix);
  return path.replace(new RegExp(regex), replace);
}

/**
 * ELB accounts that write access logs in the Regions opened before August 2022; newer Regions use the
 * `logdelivery.elasticloadbalancing.amazonaws.com` service principal (granted in every Region).
 */
export const ELB_LOG_DELIVERY_ACCOUNTS: Record<string, string> = {
  "us-east-1": "127311923021",
  "us-east-2": "033677994240",
  "us-west-1": "027434742980",
  "us-west-2": "797873946194",
  "af-south-1": "098369216593",
  "ap-east-1": "754344448648",
  "ap-south-1": "718504428378",
  "ap-northeast-1": "582318560864",
  "ap-northeast-2": "600734575887",
  "ap-northeast-3": "383597477331",
  "ap-southeast-1": "114774131450",
  "ap-southeast-2": "783225319266",
  "ap-southeast-3": "589379963580",
  "ca-central-1": "985666609251",
  "eu-central-1": "054676820928",
  "eu-west-1": "156460612806",
  "eu-west-2": "652711504416",
  "eu-west-3": "009996457667",
  "eu-south-1": "635631232127",
  "eu-north-1": "897822967062",
  "me-south-1": "076674570225",
  "sa-east-1": "507241528517",
  "us-gov-west-1": "048591011584",
  "us-gov-east-1": "190560391635",
};

/** The bucket policy that lets Elastic Load Balancing write access logs, and nobody use plain HTTP. */
export function accessLogBucketPolicy(p: {
  bucketArn: string;
  prefix?: string;
  accountId: string;
  region: string;
  partition: string;
}): string {
  const logs = `${p.bucketArn}/${p.prefix ? `${p.prefix}/` : ""}AWSLogs/${p.accountId}/*`;
  const legacyAccount = ELB_LOG_DELIVERY_ACCOUNTS[p.region];
  const statements: Record<string, unknown>[] = [
    {
      Sid: "ElbLogDelivery",
      Effect: "Allow",
      Principal: { Service: "logdelivery.elasticloadbalancing.amazonaws.com" },
      Action: "s3:PutObject",
      Resource: logs,
    },
  ];
  if (legacyAccount) {
    statements.push({
      Sid: "ElbLogDeliveryRegionAccount",
      Effect: "Allow",
      Principal: { AWS: `arn:${p.partition}:iam::${legacyAccount}:root` },
      Action: "s3:PutObject",
      Resource: logs,
    });
  }
  statements.push({
    Sid: "DenyInsecureTransport",
    Effect: "Deny",
    Principal: "*",
    Action: "s3:*",
    Resource: [p.bucketArn, `${p.bucketArn}/*`],
    Condition: { Bool: { "aws:SecureTransport": "false" } },
  });
  return JSON.stringify({ Version: "2012-10-17", Statement: statements });
}

/** A target with its defaults filled in. */
export interface PlannedTarget {
  key: string;
  /** Position among the targets: fixes its rules' priorities (appending a target changes no other priority). */
  index: number;
  hostnames: string[];
  pathPrefix?: string;
  /** The host names the path rule matches, when given rather than taken from `hostTarget`. */
  pathHostnames?: string[];
  /** The target whose host names carry `pathPrefix`. */
  hostTarget?: string;
  port: number;
  healthCheckPath: string;
  healthCheckMatcher: string;
  healthCheckIntervalSeconds: number;
  deregistrationDelaySeconds: number;
}

/** The ALBs of one mode. */
export interface AlbLayout {
  /** Logical names of the ALBs, each with the target it forwards to by default (dedicated mode). */
  albs: { logicalName: string; defaultTarget?: string }[];
  /** Logical name of the ALB serving each target. */
  servedBy: Record<string, string>;
}

/** What the component builds, decided from plain arguments only. */
export interface LoadBalancerPlan extends AlbLayout {
  mode: LoadBalancerMode;
  targets: PlannedTarget[];
  /** The mode being left and its ALBs, kept next to the new ones until `retiringMode` is removed. */
  retiring?: AlbLayout & { mode: LoadBalancerMode };
  ingressCidrs: string[];
  ipAddressType: LoadBalancerIpAddressType;
  idleTimeoutSeconds: number;
  sslPolicy: string;
  deletionProtection: boolean;
  accessLogs?: { createBucket: boolean; bucket?: pulumi.Input<string>; prefix?: string };
}

const NAME = /^[A-Za-z0-9]+(-[A-Za-z0-9]+)*$/;
const PATH_PREFIX = /^(\/[A-Za-z0-9._~-]+)+$/;
const MATCHER = /^\d{3}(-\d{3})?(,\d{3}(-\d{3})?)*$/;
const IPV6_CIDR = /^[0-9a-fA-F:]+(:[0-9a-fA-F]{0,4})*\/(\d{1,3})$/;

function matcherInRange(matcher: string): boolean {
  return matcher
    .split(/[,-]/)
    .map(Number)
    .every((code) => code >= 200 && code <= 499);
}

/** Checks the arguments; throws before anything is registered. Exported for table tests. */
export function validateLoadBalancerArgs(name: string, args: LoadBalancerArgs): LoadBalancerPlan {
  requireArgs(`LoadBalancer "${name}"`, args, "an object of LoadBalancerArgs");
  const checks = new ArgumentChecks(`LoadBalancer "${name}"`);
  const { mode, retiringMode, modes } = checkModesAndName(checks, name, args);
  checkPlacementAndDns(checks, name, args);
  const entries = checkTargetCount(checks, name, args, modes);
  const owners = new Map<string, string>();
  const targets = entries.map(([key, t], index) => planTarget(checks, name, modes, owners, key, t, index));
  checkRuleSlots(checks, targets);
  resolveHostTargets(checks, args, targets, modes);
  const { ipAddressType, ingressCidrs, idleTimeoutSeconds, sslPolicy } = checkListeners(checks, args);
  const accessLogs = checkAccessLogs(checks, args);

  checks.throwIfAny();

  return {
    mode,
    targets,
    ...albLayout(name, mode, targets),
    retiring: retiringMode ? { mode: retiringMode, ...albLayout(name, retiringMode, targets) } : undefined,
    ingressCidrs,
    ipAddressType,
    idleTimeoutSeconds,
    sslPolicy,
    deletionProtection: args.deletionProtection ?? true,
    accessLogs,
  };
}

// The steps of validateLoadBalancerArgs: modes, placement, targets one by one, then across targets,
// listeners and logs.
type Checks = ArgumentChecks;
type TargetArgs = LoadBalancerArgs["targets"][string];

/** The mode, the one being retired, and a name an ALB can take. */
function checkModesAndName(checks: Checks, name: string, args: LoadBalancerArgs) {
  const mode = args.mode ?? "shared";
  checks.require(
    mode === "shared" || mode === "dedicated",
    "mode",
    mode,
    "is not a load balancer mode",
    'use "shared" (one ALB, routing by host name) or "dedicated" (one ALB per target)',
  );
  const retiringMode = args.retiringMode;
  checks.require(
    retiringMode === undefined ||
      ((retiringMode === "shared" || retiringMode === "dedicated") && retiringMode !== mode),
    "retiringMode",
    retiringMode,
    retiringMode === mode ? `is the current mode "${mode}"` : "is not a load balancer mode",
    "set it to the mode the stack is leaving while both run, and remove it once the DNS records have moved",
  );
  const modes = [mode, ...(retiringMode ? [retiringMode] : [])];
  checks.require(
    NAME.test(name) && !name.toLowerCase().startsWith("internal-"),
    "name",
    name,
    "cannot name an ALB (letters, digits and single hyphens only, not starting with internal-)",
    'use a short name such as "toucan-lb"',
  );
  return { mode, retiringMode, modes };
}

/** Public subnets in two AZs or more, the certificate and the hosted zone. */
function checkPlacementAndDns(checks: Checks, name: string, args: LoadBalancerArgs): void {
  const subnets = plainList(args.publicSubnetIds) ?? [];
  const subnetsWhere = publicSubnetsCheck(name);
  // A list that is an Output is checked once known (where the ALB uses it).
  const subnetsAreOutput = args.publicSubnetIds !== undefined && !Array.isArray(args.publicSubnetIds);
  checks.require(
    subnetsAreOutput || tooFewPublicSubnets(subnets) === undefined,
    subnetsWhere.argument,
    subnetsWhere.shown(subnets),
    tooFewPublicSubnets(subnets) ?? "",
    subnetsWhere.fix,
  );
  checks.id(
    "certificateArn",
    args.certificateArn,
    (arn) => certificateArnProblem(arn, configuredRegion()),
    "give an ACM certificate of the load balancer's region that covers every host name",
  );
  checks.id("zoneId", args.zoneId, zoneIdProblem, zoneIdFix(String(args.zoneId)));
}

/** At least one target, no more than an ALB's rules, and a shared ALB's name within its limit. */
function checkTargetCount(checks: Checks, name: string, args: LoadBalancerArgs, modes: LoadBalancerMode[]) {
  const entries = Object.entries(args.targets ?? {});
  checks.require(
    entries.length > 0,
    "targets",
    args.targets,
    "is empty",
    'add a target, e.g. { frontend: { hostnames: ["toucan.example.com"], healthCheckPath: "/tucana-version.txt" } }',
  );
  checks.require(
    entries.length <= MAX_TARGETS,
    "targets",
    `${entries.length} targets`,
    `exceeds ${MAX_TARGETS}, the rules an ALB holds`,
    "split the targets over several load balancers",
  );
  if (modes.includes("shared")) {
    checks.require(
      `${name}-alb`.length <= MAX_AUTONAMED_LENGTH,
      "name",
      name,
      `is ${name.length} characters: the ALB's logical name "${name}-alb" exceeds ${MAX_AUTONAMED_LENGTH} ` +
        "(ALB names are at most 32 characters and Pulumi appends 8)",
      `use a name of at most ${MAX_AUTONAMED_LENGTH - 4} characters`,
    );
  }
  return entries;
}

/** One target: its key, names, host names (each owned by one target), port, health check and rule slot. */
function planTarget(
  checks: Checks,
  name: string,
  modes: LoadBalancerMode[],
  owners: Map<string, string>,
  key: string,
  t: TargetArgs,
  index: number,
): PlannedTarget {
  const at = `targets.${key}`;
  checks.require(
    NAME.test(key),
    "targets",
    key,
    "is not a usable target key (it names the target group)",
    "use letters, digits and single hyphens, e.g. frontend",
  );
  const longest = modes.includes("dedicated") ? targetGroupName(name, key, "dedicated") : `${name}-${key}`;
  checks.require(
    longest.length <= MAX_AUTONAMED_LENGTH,
    at,
    longest,
    `is ${longest.length} characters, the logical name of its target group${modes.includes("dedicated") ? " (dedicated mode)" : ""}: ` +
      `more than ${MAX_AUTONAMED_LENGTH} (AWS allows 32 and Pulumi appends 8)`,
    "shorten the component name or the target key",
  );
  const ruleIndex = t.ruleIndex ?? index;
  checks.require(
    isIntegerIn(ruleIndex, 0, MAX_TARGETS - 1),
    `${at}.ruleIndex`,
    ruleIndex,
    `is not a rule slot (a whole number from 0 to ${MAX_TARGETS - 1})`,
    "give each target its own fixed slot, e.g. 0 for the frontend and 1 for the backend",
  );
  const hostnames = t.hostnames ?? [];
  checks.require(
    hostnames.length > 0 || t.pathPrefix !== undefined,
    at,
    t,
    "has neither hostnames nor pathPrefix, so no request would reach it",
    "give hostnames (its own names) or pathPrefix (a path on another target's names)",
  );
  checks.require(
    hostnames.length <= MAX_HOSTNAMES_PER_TARGET,
    `${at}.hostnames`,
    `${hostnames.length} names`,
    `exceeds ${MAX_HOSTNAMES_PER_TARGET} (${RULES_PER_TARGET} rules of ${HOSTS_PER_RULE} names)`,
    "use a wildcard name, or split the names over several targets",
  );
  for (const host of hostnames) {
    const problem = hostnameProblem(host, { wildcard: true });
    checks.require(
      problem === undefined,
      `${at}.hostnames`,
      host,
      problem ?? "",
      'use lowercase DNS names such as "toucan.example.com"',
    );
    const owner = owners.get(host);
    checks.require(
      owner === undefined,
      `${at}.hostnames`,
      host,
      owner === key ? "is listed twice" : `is also a host name of target "${owner}"`,
      "route each host name to one target; use pathPrefix to share a name",
    );
    owners.set(host, key);
  }
  if (t.pathPrefix !== undefined) {
    checks.require(
      PATH_PREFIX.test(t.pathPrefix) && t.pathPrefix.length <= 100,
      `${at}.pathPrefix`,
      t.pathPrefix,
      t.pathPrefix.startsWith("/")
        ? t.pathPrefix.endsWith("/")
          ? "ends with /"
          : "is not a plain path (segments of letters, digits, . _ ~ -; at most 100 characters)"
        : "does not start with /",
      'write it like "/_api": a leading slash, no trailing slash, no wildcard',
    );
  }
  const port = t.port ?? 80;
  checks.require(
    isIntegerIn(port, 1, 65535),
    `${at}.port`,
    port,
    "is not a TCP port",
    "use 1-65535 (80 by default)",
  );
  checks.require(
    typeof t.healthCheckPath === "string" &&
      t.healthCheckPath.startsWith("/") &&
      t.healthCheckPath.length <= 1024,
    `${at}.healthCheckPath`,
    t.healthCheckPath,
    "is not a path",
    'give a path starting with /, e.g. "/" (backend) or "/tucana-version.txt" (frontend)',
  );
  const matcher = t.healthCheckMatcher ?? "200-399";
  checks.require(
    MATCHER.test(matcher) && matcherInRange(matcher),
    `${at}.healthCheckMatcher`,
    matcher,
    "is not a list of HTTP codes between 200 and 499",
    'use e.g. "200", "200-399" or "200,301,302"',
  );
  const interval = t.healthCheckIntervalSeconds ?? 15;
  checks.require(
    isIntegerIn(interval, 5, 300),
    `${at}.healthCheckIntervalSeconds`,
    interval,
    "is outside 5-300",
    "use a whole number of seconds between 5 and 300",
  );
  const delay = t.deregistrationDelaySeconds ?? 30;
  checks.require(
    isIntegerIn(delay, 0, 3600),
    `${at}.deregistrationDelaySeconds`,
    delay,
    "is outside 0-3600",
    "use a whole number of seconds between 0 and 3600",
  );
  checks.require(
    t.hostTarget === undefined || t.pathPrefix !== undefined,
    `${at}.hostTarget`,
    t.hostTarget,
    "only applies with pathPrefix",
    "remove hostTarget, or give pathPrefix",
  );
  if (t.pathHostnames !== undefined) {
    checks.require(
      t.pathPrefix !== undefined && t.hostTarget === undefined && !modes.includes("dedicated"),
      `${at}.pathHostnames`,
      t.pathHostnames,
      t.pathPrefix === undefined
        ? "only applies with pathPrefix"
        : t.hostTarget !== undefined
          ? "and hostTarget both name the path rule's host names"
          : "needs a shared load balancer (in dedicated mode a path rides on its host target's ALB)",
      "give either pathHostnames or hostTarget with pathPrefix, in shared mode",
    );
    checks.require(
      t.pathHostnames.length > 0 && t.pathHostnames.length <= HOSTS_PER_RULE * RULES_PER_TARGET,
      `${at}.pathHostnames`,
      t.pathHostnames,
      "is empty or longer than the rules of one target hold",
      `give 1 to ${HOSTS_PER_RULE * RULES_PER_TARGET} host names`,
    );
    for (const host of t.pathHostnames) {
      const problem = hostnameProblem(host, { wildcard: true });
      checks.require(
        problem === undefined,
        `${at}.pathHostnames`,
        host,
        problem ?? "",
        'use lowercase DNS names such as "toucan.example.com"',
      );
    }
  }
  return {
    key,
    index: ruleIndex,
    hostnames,
    pathPrefix: t.pathPrefix,
    pathHostnames: t.pathHostnames,
    port,
    healthCheckPath: t.healthCheckPath,
    healthCheckMatcher: matcher,
    healthCheckIntervalSeconds: interval,
    deregistrationDelaySeconds: delay,
  };
}

/** Each target in its own rule slot, so priorities never collide. */
function checkRuleSlots(checks: Checks, targets: PlannedTarget[]): void {
  const slots = new Map<number, string>();
  for (const t of targets) {
    const other = slots.get(t.index);
    checks.require(
      other === undefined,
      `targets.${t.key}.ruleIndex`,
      t.index,
      `is also the rule slot of target "${other}"`,
      "give each target its own ruleIndex",
    );
    slots.set(t.index, t.key);
  }
}

/** A path target rides on the host names of exactly one other target (same domain). */
function resolveHostTargets(
  checks: Checks,
  args: LoadBalancerArgs,
  targets: PlannedTarget[],
  modes: LoadBalancerMode[],
): void {
  for (const t of targets) {
    if (t.pathPrefix === undefined || t.pathHostnames !== undefined) continue;
    const at = `targets.${t.key}`;
    const candidates = targets.filter((o) => o.key !== t.key && o.hostnames.length > 0).map((o) => o.key);
    const requested = args.targets[t.key].hostTarget;
    if (requested !== undefined) {
      checks.require(
        candidates.includes(requested),
        `${at}.hostTarget`,
        requested,
        "is not another target with host names",
        `name one of: ${candidates.join(", ") || "(none: add a target with hostnames)"}`,
      );
      t.hostTarget = requested;
    } else {
      checks.require(
        candidates.length === 1,
        `${at}.pathPrefix`,
        t.pathPrefix,
        candidates.length === 0
          ? "needs another target's host names to live on (same domain), and no other target has hostnames"
          : `could live on the names of ${candidates.join(" or ")}`,
        candidates.length === 0
          ? 'give the frontend target hostnames, e.g. ["toucan.example.com"]'
          : "set hostTarget to the target whose names carry the prefix",
      );
      t.hostTarget = candidates.length === 1 ? candidates[0] : undefined;
    }
    checks.require(
      !modes.includes("dedicated") || t.hostnames.length === 0,
      at,
      { hostnames: t.hostnames, pathPrefix: t.pathPrefix },
      "has host names and a path prefix; in dedicated mode its target group would need two ALBs, which AWS refuses",
      'use mode "shared", or drop the hostnames or the pathPrefix',
    );
  }
}

/** Address type, who may connect, idle timeout and TLS policy. */
function checkListeners(checks: Checks, args: LoadBalancerArgs) {
  const ipAddressType = args.ipAddressType ?? "ipv4";
  checks.require(
    ipAddressType === "ipv4" || ipAddressType === "dualstack",
    "ipAddressType",
    ipAddressType,
    "is not an ALB address type",
    'use "ipv4" or "dualstack"',
  );
  const ingressCidrs =
    args.ingressCidrs ?? (ipAddressType === "dualstack" ? ["0.0.0.0/0", "::/0"] : ["0.0.0.0/0"]);
  checks.require(
    ingressCidrs.length > 0,
    "ingressCidrs",
    ingressCidrs,
    "lets nobody reach the load balancer",
    'list the networks allowed in, e.g. ["0.0.0.0/0"]',
  );
  for (const cidr of ingressCidrs) {
    const ipv6 = cidr.includes(":");
    checks.require(
      ipv6 ? IPV6_CIDR.test(cidr) && Number(cidr.split("/")[1]) <= 128 : parseCidr(cidr) !== undefined,
      "ingressCidrs",
      cidr,
      "is not a network block (host bits must be zero)",
      'use e.g. "203.0.113.0/24" or "2001:db8::/32"',
    );
    checks.require(
      !ipv6 || ipAddressType === "dualstack",
      "ingressCidrs",
      cidr,
      "is an IPv6 block, but the ALB only answers over IPv4",
      'set ipAddressType: "dualstack", or remove the IPv6 block',
    );
  }
  checks.require(
    new Set(ingressCidrs).size === ingressCidrs.length,
    "ingressCidrs",
    ingressCidrs,
    "repeats a block",
    "list each block once",
  );
  const idleTimeoutSeconds = args.idleTimeoutSeconds ?? DEFAULT_IDLE_TIMEOUT_SECONDS;
  checks.require(
    isIntegerIn(idleTimeoutSeconds, 1, 4000),
    "idleTimeoutSeconds",
    idleTimeoutSeconds,
    "is outside the 1-4000 seconds an ALB accepts",
    `use a whole number of seconds (default ${DEFAULT_IDLE_TIMEOUT_SECONDS}, enough for slow /data requests)`,
  );
  const sslPolicy = args.sslPolicy ?? DEFAULT_SSL_POLICY;
  checks.require(
    TLS12_PLUS_POLICY.test(sslPolicy),
    "sslPolicy",
    sslPolicy,
    "is not an ALB security policy limited to TLS 1.2 and later",
    `use "${DEFAULT_SSL_POLICY}" (default), a ELBSecurityPolicy-TLS13-1-3-*, -TLS-1-2-* or -FS-1-2-* policy`,
  );
  return { ipAddressType, ingressCidrs, idleTimeoutSeconds, sslPolicy };
}

/** Access logs: a bucket of the component's, or one given with a usable prefix. */
function checkAccessLogs(checks: Checks, args: LoadBalancerArgs): LoadBalancerPlan["accessLogs"] {
  let accessLogs: LoadBalancerPlan["accessLogs"];
  if (args.accessLogs === true) accessLogs = { createBucket: true };
  else if (typeof args.accessLogs === "object" && args.accessLogs !== null) {
    const prefix = args.accessLogs.prefix;
    if (prefix !== undefined) {
      checks.require(
        prefix.length > 0 && !prefix.startsWith("/") && !prefix.endsWith("/") && !prefix.includes("AWSLogs"),
        "accessLogs.prefix",
        prefix,
        "is not a usable log prefix (empty, a leading or trailing /, or containing AWSLogs)",
        'use e.g. "toucan" or "prod/toucan"',
      );
    }
    accessLogs = {
      createBucket: args.accessLogs.bucket === undefined,
      bucket: args.accessLogs.bucket,
      prefix,
    };
  }
  return accessLogs;
}

/** The ALBs of a mode and which one serves each target. */
function albLayout(name: string, mode: LoadBalancerMode, targets: PlannedTarget[]): AlbLayout {
  const albs: AlbLayout["albs"] = [];
  const servedBy: Record<string, string> = {};
  if (mode === "shared") {
    albs.push({ logicalName: `${name}-alb` });
    for (const t of targets) servedBy[t.key] = `${name}-alb`;
  } else {
    for (const t of targets.filter((x) => x.hostnames.length > 0)) {
      albs.push({ logicalName: `${name}-${t.key}`, defaultTarget: t.key });
      servedBy[t.key] = `${name}-${t.key}`;
    }
    for (const t of targets.filter((x) => x.hostnames.length === 0))
      servedBy[t.key] = servedBy[t.hostTarget!];
  }
  return { albs, servedBy };
}

/**
 * Logical name of a target's target group in a mode. A target group serves one ALB only (AWS refuses a second,
 * `TargetGroupAssociationLimit`), so while both modes run each has its own; shared mode keeps the original name.
 */
export function targetGroupName(name: string, key: string, mode: LoadBalancerMode): string {
  return mode === "shared" ? `${name}-${key}` : `${name}-${key}-d`;
}

/** Splits a list into groups of `size`. */
function chunks<T>(items: T[], size: number): T[][] {
  const out: T[][] = [];
  for (let i = 0; i < items.length; i += size) out.push(items.slice(i, i + size));
  return out;
}

/** A host name or block as a piece of a logical name. */
function slug(text: string): string {
  return text.replace(/^\*\./, "wildcard.").replace(/\//g, "-").replace(/:/g, "x");
}

/** Where the ALBs write access logs, and what must exist before they do. */
interface AccessLogsDestination {
  bucket: pulumi.Input<string>;
  prefix?: string;
  ready: pulumi.Resource[];
}

/** How one mode names its resources. */
interface ModeNaming {
  mode: LoadBalancerMode;
  /** Appended to rule names (empty in shared mode, which keeps the original names). */
  suffix: string;
  /** Alias each resource to its original (suffix-less) name. */
  aliasOriginal: boolean;
}

interface Alb {
  logicalName: string;
  securityGroup: aws.ec2.SecurityGroup;
  loadBalancer: aws.lb.LoadBalancer;
  httpsListener: aws.lb.Listener;
  httpListener: aws.lb.Listener;
}

/**
 * Application load balancer(s) in the public subnets for the Toucan tiers: HTTPS with the certificate and a
 * TLS 1.2+/1.3 policy, HTTP redirected to HTTPS (301), host-name rules per target, and same-domain path rules
 * that strip their prefix (`/_api/x` -> `/x`). IP target groups for Fargate tasks, security groups that let in
 * 80 and 443 from `ingressCidrs` only, Route 53 alias records, optional access logs.
 *
 * The security groups get NO egress rule here: each ToucanService adds one, from the ALB's group to its own
 * group on its container port, so the ALB can reach exactly its targets and nothing else.
 *
 * @example
 * ```ts
 * const lb = new LoadBalancer("toucan-lb", {
 *   vpcId: network.vpcId,
 *   publicSubnetIds: network.publicSubnetIdList,
 *   certificateArn: certificate.arn,
 *   zoneId,
 *   targets: {
 *     frontend: { hostnames: ["toucan.example.com"], healthCheckPath: "/tucana-version.txt" },
 *     backend: { pathPrefix: "/_api", healthCheckPath: "/" },
 *   },
 * });
 * ```
 */
export class LoadBalancer extends pulumi.ComponentResource {
  /** Per target: the security group of the ALB serving it (in shared mode, the same group for all). */
  readonly securityGroupIds: Record<string, pulumi.Output<string>>;
  /** Per target: its target group's ARN (an ECS service registers its tasks there). */
  readonly targetGroupArns: Record<string, pulumi.Output<string>>;
  /**
   * Per target: the target group of the retiring mode's ALB (`retiringMode`), where the services stay registered
   * until it is removed. Empty without `retiringMode`.
   */
  readonly retiringTargetGroupArns: Record<string, pulumi.Output<string>>;
  /** Per target: its target group's ARN suffix (CloudWatch dimension `TargetGroup`). */
  readonly targetGroupArnSuffixes: Record<string, pulumi.Output<string>>;
  /**
   * Per target: the ARN suffix of the ALB serving it. With the target group's suffix it forms the
   * `ALBRequestCountPerTarget` resource label `${loadBalancerArnSuffix}/${targetGroupArnSuffix}`.
   */
  readonly loadBalancerArnSuffixes: Record<string, pulumi.Output<string>>;
  /** Per target: the DNS name of the ALB serving it. */
  readonly dnsNames: Record<string, pulumi.Output<string>>;
  /** Per target: the canonical hosted zone of the ALB serving it (for alias records made elsewhere). */
  readonly zoneIds: Record<string, pulumi.Output<string>>;
  /** Per target: the HTTPS listener of the ALB serving it. */
  readonly httpsListenerArns: Record<string, pulumi.Output<string>>;
  /**
   * What an ECS service must wait for before attaching to its target group: the listeners and rules (ECS refuses
   * a target group that no load balancer uses yet).
   */
  readonly readyResources: pulumi.Resource[];
  private readonly componentName: string;

  constructor(name: string, args: LoadBalancerArgs, opts: pulumi.ComponentResourceOptions = {}) {
    const plan = validateLoadBalancerArgs(name, args);
    super(COMPONENT, name, {}, opts);
    this.componentName = name;
    const tags = args.tags ?? {};

    const logs = plan.accessLogs ? this.accessLogsDestination(name, plan.accessLogs, tags, args) : undefined;
    // One security group for every ALB of either mode: switching modes changes no task's ingress rule.
    const securityGroup = this.createSecurityGroup(`${name}-alb`, plan, tags, args);
    const bothModes = plan.retiring !== undefined;
    const current = this.createMode(
      name,
      plan,
      plan,
      { securityGroup, logs, bothModes, retiring: false },
      args,
    );
    const retiring = plan.retiring
      ? this.createMode(name, plan, plan.retiring, { securityGroup, logs, bothModes, retiring: true }, args)
      : undefined;
    const albs = current.albs;
    const targetGroups = current.targetGroups;
    const rules = [...current.rules, ...(retiring?.rules ?? [])];
    if (args.zoneId !== undefined) this.createAliasRecords(name, plan, albs, args.zoneId, args);

    const perTarget = <T>(pick: (alb: Alb, tg: aws.lb.TargetGroup) => pulumi.Output<T>) =>
      Object.fromEntries(
        plan.targets.map((t) => [t.key, pick(albs.get(plan.servedBy[t.key])!, targetGroups[t.key])]),
      ) as Record<string, pulumi.Output<T>>;
    this.securityGroupIds = perTarget((alb) => alb.securityGroup.id);
    this.targetGroupArns = perTarget((_, tg) => tg.arn);
    this.targetGroupArnSuffixes = perTarget((_, tg) => tg.arnSuffix);
    this.loadBalancerArnSuffixes = perTarget((alb) => alb.loadBalancer.arnSuffix);
    this.dnsNames = perTarget((alb) => alb.loadBalancer.dnsName);
    this.zoneIds = perTarget((alb) => alb.loadBalancer.zoneId);
    this.httpsListenerArns = perTarget((alb) => alb.httpsListener.arn);
    this.retiringTargetGroupArns = retiring
      ? Object.fromEntries(Object.entries(retiring.targetGroups).map(([key, tg]) => [key, tg.arn]))
      : {};
    this.readyResources = [
      ...[...albs.values(), ...(retiring ? retiring.albs.values() : [])].flatMap((a) => [
        a.httpsListener,
        a.httpListener,
      ]),
      ...rules,
    ];

    this.registerOutputs({
      securityGroupIds: this.securityGroupIds,
      targetGroupArns: this.targetGroupArns,
      targetGroupArnSuffixes: this.targetGroupArnSuffixes,
      loadBalancerArnSuffixes: this.loadBalancerArnSuffixes,
      dnsNames: this.dnsNames,
      zoneIds: this.zoneIds,
      httpsListenerArns: this.httpsListenerArns,
    });
  }

  /** The given bucket, or a new one with SSE-S3 (the only encryption ALB logs support) and a delivery policy. */
  private accessLogsDestination(
    name: string,
    spec: NonNullable<LoadBalancerPlan["accessLogs"]>,
    tags: Record<string, string>,
    args: LoadBalancerArgs,
  ): AccessLogsDestination {
    if (!spec.createBucket) return { bucket: spec.bucket!, prefix: spec.prefix, ready: [] };
    const bucket = new aws.s3.Bucket(
      ...applyTransform(
        args.transform?.logBucket,
        `${name}-logs`,
        {
          bucketPrefix: `${name.toLowerCase()}-logs-`,
          forceDestroy: false,
          tags: { ...tags, Name: `${name}-logs` },
        },
        { parent: this },
      ),
    );
    const { publicAccess, ownership, encryption } = lockDownBucket(`${name}-logs`, bucket, this);
    const region = aws.getRegionOutput({}, { parent: this }).region;
    const partition = aws.getPartitionOutput({}, { parent: this }).partition;
    const accountId = aws.getCallerIdentityOutput({}, { parent: this }).accountId;
    const policy = new aws.s3.BucketPolicy(
      `${name}-logs`,
      {
        bucket: bucket.id,
        policy: pulumi
          .all([bucket.arn, region, partition, accountId])
          .apply(([bucketArn, r, p, a]) =>
            accessLogBucketPolicy({ bucketArn, prefix: spec.prefix, region: r, partition: p, accountId: a }),
          ),
      },
      { parent: this, dependsOn: [publicAccess] },
    );
    return { bucket: bucket.bucket, prefix: spec.prefix, ready: [policy, ownership, encryption] };
  }

  /**
   * The target groups, ALBs and rules of one mode. Dedicated-mode resources carry an alias to the names they had
   * before both modes could run at once, unless the shared mode's resources hold those names in this graph.
   */
  private createMode(
    name: string,
    plan: LoadBalancerPlan,
    layout: AlbLayout & { mode: LoadBalancerMode },
    shared: {
      securityGroup: aws.ec2.SecurityGroup;
      logs: AccessLogsDestination | undefined;
      bothModes: boolean;
      retiring: boolean;
    },
    args: LoadBalancerArgs,
  ): {
    albs: Map<string, Alb>;
    targetGroups: Record<string, aws.lb.TargetGroup>;
    rules: aws.lb.ListenerRule[];
  } {
    const tags = args.tags ?? {};
    const naming: ModeNaming = {
      mode: layout.mode,
      suffix: layout.mode === "dedicated" ? "-d" : "",
      aliasOriginal: layout.mode === "dedicated" && !shared.bothModes,
    };
    const targetGroups = this.createTargetGroups(name, plan, naming, tags, args);
    const albs = new Map<string, Alb>();
    for (const spec of layout.albs) {
      albs.set(
        spec.logicalName,
        this.createAlb(
          spec,
          plan,
          targetGroups,
          shared.securityGroup,
          shared.logs,
          shared.retiring,
          tags,
          args,
        ),
      );
    }
    const rules = this.createRules(name, plan, layout, naming, albs, targetGroups, tags, args);
    return { albs, targetGroups, rules };
  }

  private createTargetGroups(
    name: string,
    plan: LoadBalancerPlan,
    naming: ModeNaming,
    tags: Record<string, string>,
    args: LoadBalancerArgs,
  ): Record<string, aws.lb.TargetGroup> {
    const groups: Record<string, aws.lb.TargetGroup> = {};
    for (const t of plan.targets) {
      groups[t.key] = new aws.lb.TargetGroup(
        ...applyTransform(
          args.transform?.targetGroup,
          targetGroupName(name, t.key, naming.mode),
          {
            vpcId: args.vpcId,
            targetType: "ip",
            protocol: "HTTP",
            port: t.port,
            deregistrationDelay: t.deregistrationDelaySeconds,
            healthCheck: {
              enabled: true,
              protocol: "HTTP",
              port: "traffic-port",
              path: t.healthCheckPath,
              matcher: t.healthCheckMatcher,
              interval: t.healthCheckIntervalSeconds,
              timeout: Math.min(5, t.healthCheckIntervalSeconds - 1),
              healthyThreshold: 2,
              unhealthyThreshold: 3,
            },
            tags: { ...tags, Name: `${name}-${t.key}` },
          },
          { parent: this, aliases: naming.aliasOriginal ? [{ name: `${name}-${t.key}` }] : undefined },
        ),
      );
    }
    return groups;
  }

  private createAlb(
    spec: LoadBalancerPlan["albs"][number],
    plan: LoadBalancerPlan,
    targetGroups: Record<string, aws.lb.TargetGroup>,
    securityGroup: aws.ec2.SecurityGroup,
    logs: AccessLogsDestination | undefined,
    retiring: boolean,
    tags: Record<string, string>,
    args: LoadBalancerArgs,
  ): Alb {
    const alb = spec.logicalName;
    const loadBalancer = new aws.lb.LoadBalancer(
      ...applyTransform(
        args.transform?.loadBalancer,
        alb,
        {
          loadBalancerType: "application",
          internal: false,
          ipAddressType: plan.ipAddressType,
          subnets: checkedListWhenKnown(
            args.publicSubnetIds,
            publicSubnetsCheck(this.componentName),
            tooFewPublicSubnets,
          ),
          securityGroups: [securityGroup.id, ...(args.additionalSecurityGroupIds ?? [])],
          // Drops headers whose names are not valid HTTP tokens (request smuggling); Authorization is untouched.
          dropInvalidHeaderFields: true,
          // A retiring ALB is deleted by the next `pulumi up`: its protection is lifted now.
          enableDeletionProtection: plan.deletionProtection && !retiring,
          idleTimeout: plan.idleTimeoutSeconds,
          enableHttp2: true,
          accessLogs: logs ? { bucket: logs.bucket, prefix: logs.prefix, enabled: true } : undefined,
          tags: { ...tags, Name: alb },
        },
        { parent: this, dependsOn: logs?.ready ?? [] },
      ),
    );
    const httpsListener = new aws.lb.Listener(
      ...applyTransform(
        args.transform?.httpsListener,
        `${alb}-https`,
        {
          loadBalancerArn: loadBalancer.arn,
          port: 443,
          protocol: "HTTPS",
          sslPolicy: plan.sslPolicy,
          certificateArn: checkedWhenKnown(
            args.certificateArn,
            {
              component: `LoadBalancer "${this.componentName}"`,
              argument: "certificateArn",
              fix: "give an ACM certificate of the load balancer's region that covers every host name",
            },
            (arn) => certificateArnProblem(arn, configuredRegion()),
          ),
          defaultActions: [
            spec.defaultTarget
              ? { type: "forward", targetGroupArn: targetGroups[spec.defaultTarget].arn }
              : {
                  type: "fixed-response",
                  fixedResponse: { contentType: "text/plain", messageBody: "Not found", statusCode: "404" },
                },
          ],
          tags: { ...tags, Name: `${alb}-https` },
        },
        { parent: this },
      ),
    );
    const httpListener = new aws.lb.Listener(
      ...applyTransform(
        args.transform?.httpListener,
        `${alb}-http`,
        {
          loadBalancerArn: loadBalancer.arn,
          port: 80,
          protocol: "HTTP",
          defaultActions: [
            { type: "redirect", redirect: { protocol: "HTTPS", port: "443", statusCode: "HTTP_301" } },
          ],
          tags: { ...tags, Name: `${alb}-http` },
        },
        { parent: this },
      ),
    );
    return { logicalName: alb, securityGroup, loadBalancer, httpsListener, httpListener };
  }

  /** Ingress on 80 and 443 from the allowed networks, one rule per port and block; no egress (see the class doc). */
  private createSecurityGroup(
    alb: string,
    plan: LoadBalancerPlan,
    tags: Record<string, string>,
    args: LoadBalancerArgs,
  ): aws.ec2.SecurityGroup {
    const securityGroup = new aws.ec2.SecurityGroup(
      ...applyTransform(
        args.transform?.securityGroup,
        alb,
        {
          vpcId: args.vpcId,
          description: `Load balancer ${alb}: HTTPS, and HTTP redirected to HTTPS`,
          tags: { ...tags, Name: alb },
        },
        { parent: this },
      ),
    );
    for (const [protocol, port] of [
      ["https", 443],
      ["http", 80],
    ] as const) {
      for (const cidr of plan.ingressCidrs) {
        const ipv6 = cidr.includes(":");
        new aws.vpc.SecurityGroupIngressRule(
          `${alb}-${protocol}-${slug(cidr)}`,
          {
            securityGroupId: securityGroup.id,
            ...(ipv6 ? { cidrIpv6: cidr } : { cidrIpv4: cidr }),
            ipProtocol: "tcp",
            fromPort: port,
            toPort: port,
            description: port === 443 ? "HTTPS from the allowed networks" : "HTTP (redirected to HTTPS)",
            tags,
          },
          { parent: this },
        );
      }
    }
    return securityGroup;
  }

  /**
   * Shared mode: host-header rules per target. Both modes: same-domain path rules, before any host rule, that
   * strip the prefix. Priorities follow the target's position, so appending a target moves no existing rule.
   */
  private createRules(
    name: string,
    plan: LoadBalancerPlan,
    layout: AlbLayout & { mode: LoadBalancerMode },
    naming: ModeNaming,
    albs: Map<string, Alb>,
    targetGroups: Record<string, aws.lb.TargetGroup>,
    tags: Record<string, string>,
    args: LoadBalancerArgs,
  ): aws.lb.ListenerRule[] {
    const rules: aws.lb.ListenerRule[] = [];
    const rule = (
      original: string,
      listener: aws.lb.Listener,
      ruleArgs: Omit<aws.lb.ListenerRuleArgs, "listenerArn">,
    ) => {
      const logical = `${original}${naming.suffix}`;
      rules.push(
        new aws.lb.ListenerRule(
          ...applyTransform(
            args.transform?.listenerRule,
            logical,
            { listenerArn: listener.arn, ...ruleArgs, tags: { ...tags, Name: original } },
            { parent: this, aliases: naming.aliasOriginal ? [{ name: original }] : undefined },
          ),
        ),
      );
    };
    const numbered = (base: string, i: number) => (i === 0 ? base : `${base}-${i + 1}`);

    for (const t of plan.targets) {
      const forward = [{ type: "forward", targetGroupArn: targetGroups[t.key].arn }];
      if (t.pathPrefix !== undefined) {
        const listener = albs.get(layout.servedBy[t.key])!.httpsListener;
        const hosts = t.pathHostnames ?? plan.targets.find((o) => o.key === t.hostTarget)!.hostnames;
        chunks(hosts, HOSTS_PER_RULE).forEach((group, i) =>
          rule(numbered(`${name}-${t.key}-path`, i), listener, {
            priority: PATH_RULE_PRIORITY + t.index * RULES_PER_TARGET + i,
            conditions: [
              { hostHeader: { values: group } },
              { pathPattern: { values: [t.pathPrefix!, `${t.pathPrefix}/*`] } },
            ],
            actions: forward,
            transforms: [{ type: "url-rewrite", urlRewriteConfig: { rewrite: pathRewrite(t.pathPrefix!) } }],
          }),
        );
      }
      if (layout.mode === "shared" && t.hostnames.length > 0) {
        const listener = albs.get(layout.servedBy[t.key])!.httpsListener;
        const exact = t.hostnames.filter((h) => !isWildcard(h));
        const wildcards = t.hostnames.filter(isWildcard);
        for (const [kind, hosts, base] of [
          ["host", exact, HOST_RULE_PRIORITY],
          ["wildcard", wildcards, WILDCARD_RULE_PRIORITY],
        ] as const) {
          chunks(hosts, HOSTS_PER_RULE).forEach((group, i) =>
            rule(numbered(`${name}-${t.key}-${kind}`, i), listener, {
              priority: base + t.index * RULES_PER_TARGET + i,
              conditions: [{ hostHeader: { values: group } }],
              actions: forward,
            }),
          );
        }
      }
    }
    return rules;
  }

  private createAliasRecords(
    name: string,
    plan: LoadBalancerPlan,
    albs: Map<string, Alb>,
    zoneId: pulumi.Input<string>,
    args: LoadBalancerArgs,
  ) {
    const types = plan.ipAddressType === "dualstack" ? (["A", "AAAA"] as const) : (["A"] as const);
    for (const t of plan.targets) {
      const lb = albs.get(plan.servedBy[t.key])!.loadBalancer;
      for (const host of t.hostnames) {
        for (const type of types) {
          new aws.route53.Record(
            ...applyTransform(
              args.transform?.record,
              `${name}-${slug(host)}${type === "AAAA" ? "-aaaa" : ""}`,
              {
                zoneId,
                name: host,
                type,
                aliases: [{ name: lb.dnsName, zoneId: lb.zoneId, evaluateTargetHealth: true }],
              },
              { parent: this, dependsOn: args.dnsDependsOn },
            ),
          );
        }
      }
    }
  }
}
