import * as fs from "fs";
import * as path from "path";
import * as pulumi from "@pulumi/pulumi";
import * as aws from "@pulumi/aws";
import { lockDownBucket } from "./private-bucket";
import { Certificate } from "./certificate";
import { zoneIdFix, zoneIdProblem } from "../core/aws-ids";
import { ArgumentChecks, ToucanArgumentError, requireArgs } from "../core/errors";
import { hostnameProblem } from "../core/hostnames";
import { Transform, applyTransform } from "../core/transform";
import {
  CLOUDFRONT_FUNCTION_RUNTIME,
  DEFAULT_API_PREFIX,
  SPA_FALLBACK_FUNCTION_CODE,
  stripPrefixFunctionCode,
} from "../static/cloudfront-function";
import { ImageRefError, parseImageRef } from "../core/image-ref";
import { STATE_PREFIX } from "../static/manifest";
import type { Platform } from "../static/oci";
import { JsonValue, normalizeApiBaseRoute, renderTcParams } from "../static/tc-params";
import { SiteDeployment, SiteSource, siteManifest } from "../static/deploy-provider";
import { awsSettingsAround, usEast1Provider } from "./aws-provider";

/**
 * Where the site's files come from: a folder on the machine running Pulumi, or the vendor's frontend
 * image (its `/usr/share/nginx/html`), read straight from the registry at deploy time (no Docker engine).
 *
 * @example
 * ```ts
 * assets: { image: "quay.io/toucantoco/frontend:v100.5.1" }
 * assets: { directory: "./frontend-html" }
 * ```
 */
export type StaticAssets = DirectoryAssets | ImageAssets;

/** A CSP host source with a scheme: `https://example.com`, `https://*.example.com:8443`. */
const FRAME_ANCESTOR =
  /^https?:\/\/(\*\.)?[a-z0-9]([a-z0-9-]*[a-z0-9])?(\.[a-z0-9]([a-z0-9-]*[a-z0-9])?)*(:(\d{1,5}|\*))?$/i;
/** CloudFront's limit on a response headers policy's Content-Security-Policy value. */
const MAX_CSP_LENGTH = 1783;

/** A folder holding the site (`index.html` at its root). */
export interface DirectoryAssets {
  /** The folder, absolute or relative to the current directory. Read when the program runs. */
  directory: string;
}

/** The frontend image. */
export interface ImageAssets {
  /**
   * The image reference. Pin a version (`v100.5.1`) or a digest: the site is published again when the
   * reference (or the settings) change, not when a floating tag moves.
   */
  image: string;
  /**
   * Credentials for a private registry; stored as secrets.
   * @default anonymous (quay.io's public repositories)
   */
  credentials?: { username: pulumi.Input<string>; password: pulumi.Input<string> };
  /**
   * The platform picked from a multi-platform image (the static files are the same on every platform).
   * @default linux/amd64
   */
  platform?: Platform;
  /**
   * Folder of the site inside the image.
   * @default "/usr/share/nginx/html"
   */
  assetPrefix?: string;
}

/** The backend served under the frontend's name (`https://<domainName>/_api`). */
export interface StaticFrontendApi {
  /**
   * DNS name of the backend's origin, e.g. its load balancer's name. CloudFront talks HTTPS (TLS 1.2) to
   * it, so the origin must present a valid certificate: for this name when `forwardHostHeader` is false,
   * for the frontend's name (the Host header CloudFront forwards) otherwise.
   * @example "toucan-api.example.com"
   */
  originDomainName: pulumi.Input<string>;
  /**
   * The path prefix, stripped by a CloudFront Function before the request reaches the backend (see
   * `stripPrefix`).
   * @default "/_api"
   */
  pathPrefix?: string;
  /**
   * Strip the prefix at the edge. Set false when the origin strips it itself, e.g. a `LoadBalancer` target with
   * `pathPrefix` and `pathHostnames`: the same rule then serves the name whether CloudFront or the ALB is in DNS,
   * so moving the name between them never misroutes an API call.
   * @default true
   */
  stripPrefix?: boolean;
  /**
   * Resources the distribution waits for, e.g. the load balancer rules that route the prefix.
   * @default none
   */
  originReady?: pulumi.Input<pulumi.Resource>[];
  /**
   * Forward the viewer's Host header (the frontend's name) to the backend, with every other header,
   * cookie and query string (managed policy AllViewer). Set false to send the origin's own name instead
   * (AllViewerExceptHostHeader), e.g. when the backend's certificate only covers `originDomainName`.
   * @default true
   */
  forwardHostHeader?: boolean;
  /**
   * Seconds CloudFront waits for the backend's response. The backend's `/data` can be slow; 60 is the
   * highest value CloudFront accepts without a quota increase (up to 180 with one).
   * @default 60
   */
  originReadTimeout?: number;
}

/** A bucket to publish into instead of creating one. */
export interface ExistingBucket {
  /** @example "my-toucan-site" */
  name: pulumi.Input<string>;
  /** @example "arn:aws:s3:::my-toucan-site" */
  arn: pulumi.Input<string>;
  /** @example "my-toucan-site.s3.eu-west-1.amazonaws.com" */
  regionalDomainName: pulumi.Input<string>;
  /**
   * The bucket's region.
   * @default the stack's region
   */
  region?: pulumi.Input<string>;
  /**
   * Attach the bucket policy that lets the distribution read the site. A bucket has ONE policy: this
   * replaces any policy it has. Set false to merge the `bucketPolicy` output into your own policy.
   * @default true
   */
  attachPolicy?: boolean;
}

/** CloudFront standard logging. */
export interface StaticFrontendLogging {
  /**
   * Domain name of the log bucket. CloudFront standard logs need a bucket with ACLs enabled (object
   * ownership `BucketOwnerPreferred` or `ObjectWriter`), so it cannot be the site's bucket.
   * @example "my-logs.s3.amazonaws.com"
   */
  bucketDomainName: pulumi.Input<string>;
  /**
   * Key prefix of the log files.
   * @default none
   */
  prefix?: string;
  /**
   * Log cookies too.
   * @default false
   */
  includeCookies?: boolean;
}

export type PriceClass = "PriceClass_100" | "PriceClass_200" | "PriceClass_All";

export interface StaticFrontendArgs {
  /**
   * The frontend's public name: the distribution's alias and the certificate's name.
   * @example "toucan.example.com"
   */
  domainName: string;
  /**
   * Route 53 hosted zone of `domainName`: the certificate is validated there and alias A and AAAA records
   * point the name at the distribution.
   * @default none: no records are created and `certificateArn` is required
   */
  zoneId?: pulumi.Input<string>;
  /**
   * Create the alias A and AAAA records in `zoneId`. Set false when the caller owns the name's records, e.g.
   * `Toucan`, which moves the name between its load balancer and CloudFront as one record.
   * @default true
   */
  aliasRecords?: boolean;
  /**
   * An ACM certificate for `domainName` in us-east-1 (CloudFront only uses certificates from there).
   * @default a DNS-validated certificate made in us-east-1 (needs `zoneId`)
   */
  certificateArn?: pulumi.Input<string>;
  /**
   * The provider the certificate is made with; it must deploy to us-east-1.
   * @default a provider for us-east-1 with the account, credentials and default tags of the provider around
   * the component: the explicit `aws` provider given to it (or an ancestor), else the stack's `aws:` config
   */
  usEast1Provider?: aws.Provider;
  /**
   * The DNS validation records of `domainName` that another certificate of this account owns (a `Certificate`'s
   * `validationRecords`, e.g. the load balancer's): the us-east-1 certificate shares them instead of making a
   * second owner of the same CNAME.
   * @default none: the certificate owns its validation record
   */
  certificateValidationRecords?: Record<string, aws.route53.Record>;
  /** The site's files. */
  assets: StaticAssets;
  /**
   * Serve the backend under the frontend's name; `API_BASEROUTE` is then `https://<domainName>/_api`.
   * @default none: the backend has its own name, given in `apiBaseRoute`
   */
  api?: StaticFrontendApi;
  /**
   * The backend's public URL when it has its own name (without `api`).
   * @example "https://toucan-api.example.com"
   * @default none (required unless `api` is set, which derives it)
   */
  apiBaseRoute?: string;
  /**
   * Mixpanel project token, written to tc-params.js as `MIXPANEL_ANALYTICS_ID`.
   * @default none
   */
  mixpanelAnalyticsId?: string;
  /**
   * Further tc-params.js keys (see the vendor's frontend settings).
   * @default none
   * @example { DEFAULT_LANGUAGE: "fr" }
   */
  tcParams?: Record<string, JsonValue>;
  /**
   * The X-Frame-Options header. Toucan embeds are iframes: to embed the app in other sites, list them in
   * `frameAncestors` (which drops this header), or set "none" (no header: any site may embed it).
   * @default "SAMEORIGIN", or "none" with `frameAncestors`
   */
  frameOptions?: "SAMEORIGIN" | "DENY" | "none";
  /**
   * Sites allowed to embed the app in an iframe, sent as `Content-Security-Policy: frame-ancestors 'self'
   * <sites>` (CSP sources: `https://intranet.example.com`, `https://*.example.com`). Browsers that know
   * `frame-ancestors` ignore X-Frame-Options when it is present; the X-Frame-Options header is not sent.
   * @default none (no Content-Security-Policy header)
   * @example ["https://intranet.example.com"]
   */
  frameAncestors?: string[];
  /**
   * The CloudFront price class: which edge locations serve the site.
   * @default "PriceClass_100" (North America and Europe)
   */
  priceClass?: PriceClass;
  /**
   * CloudFront standard logging.
   * @default off
   */
  logging?: StaticFrontendLogging;
  /**
   * Seconds a file dropped by a release stays in the bucket, so pages loaded before the release can still
   * load their lazy chunks. A week covers a tab left open over a weekend; the files are small.
   * @default 604800 (7 days)
   */
  gracePeriodSeconds?: number;
  /**
   * Days an overwritten or deleted object's old version is kept (the bucket is versioned).
   * @default 30
   */
  noncurrentVersionExpirationDays?: number;
  /**
   * Publish into an existing bucket: no bucket resource is created.
   * @default a new private, encrypted, versioned bucket
   */
  existingBucket?: ExistingBucket;
  /**
   * Protect the bucket against deletion and keep it when the stack forgets it. Set false for throwaway
   * stacks: the bucket can then be deleted with its objects (`forceDestroy`).
   * @default true
   */
  protect?: boolean;
  /**
   * Tags for every resource that takes them.
   * @default no tags
   */
  tags?: Record<string, string>;
  /**
   * Change any child resource's arguments.
   * @default none: the arguments as built
   */
  transform?: {
    bucket?: Transform<aws.s3.BucketArgs>;
    distribution?: Transform<aws.cloudfront.DistributionArgs>;
    responseHeadersPolicy?: Transform<aws.cloudfront.ResponseHeadersPolicyArgs>;
  };
}

/** The component's type token. */
export const STATIC_FRONTEND_TYPE = "toucan:aws:StaticFrontend";
const COMPONENT = STATIC_FRONTEND_TYPE;

/** AWS-managed CloudFront policies, by their documented ids (the same in every account). */
export const MANAGED_POLICY_IDS = {
  /** Managed-CachingOptimized: long TTLs honouring the objects' Cache-Control, gzip and brotli. */
  cachingOptimized: "658327ea-f89d-4fab-a63d-7e88639e58f6",
  /** Managed-CachingDisabled: TTL 0, nothing in the cache key. */
  cachingDisabled: "4135ea2d-6df8-44a3-9df3-4b5a84be39ad",
  /** Managed-AllViewer: every viewer header (Host included), cookie and query string. */
  allViewer: "216adef6-5c7f-47e4-b989-5492eafa07d3",
  /** Managed-AllViewerExceptHostHeader: the same without Host (the origin gets its own name). */
  allViewerExceptHostHeader: "b689b0a8-53d0-40ab-baf2-68738e2966ac",
} as const;

/** The hosted zone of every CloudFront distribution, for Route 53 alias records. */
export const CLOUDFRONT_HOSTED_ZONE_ID = "Z2FDTNDATAQYW2";

/** Default of `gracePeriodSeconds`. */
export const DEFAULT_GRACE_PERIOD_SECONDS = 7 * 24 * 3600;
/** Default of `noncurrentVersionExpirationDays`. */
export const DEFAULT_NONCURRENT_VERSION_DAYS = 30;
/** The highest origin read timeout CloudFront accepts without a quota increase. */
export const MAX_ORIGIN_READ_TIMEOUT = 60;

const ALL_METHODS = ["GET", "HEAD", "OPTIONS", "PUT", "POST", "PATCH", "DELETE"];
const S3_ORIGIN_ID = "site";
const API_ORIGIN_ID = "api";
const MAX_NAME_LENGTH = 40;

interface NormalizedArgs {
  apiBaseRoute: string;
  apiPrefix?: string;
  tcParams: string;
  source: SiteSource;
  priceClass: PriceClass;
  frameOptions: "SAMEORIGIN" | "DENY" | "none";
  /** `frame-ancestors ...` from `frameAncestors`, or none. */
  contentSecurityPolicy: string | undefined;
  gracePeriodSeconds: number;
  noncurrentDays: number;
  originReadTimeout: number;
  protect: boolean;
}

/** Checks the arguments and reads the site folder; throws before anything is registered. Exported for tests. */
export function validateStaticFrontendArgs(name: string, args: StaticFrontendArgs): NormalizedArgs {
  requireArgs(`StaticFrontend "${name}"`, args, "an object of StaticFrontendArgs");
  const checks = new ArgumentChecks(`StaticFrontend "${name}"`);
  checkName(checks, name, args);
  checkDomainName(checks, args.domainName);
  checkCertificate(checks, args);

  const api = args.api;
  let apiPrefix: string | undefined;
  if (api !== undefined) {
    const origin = api.originDomainName;
    const problem =
      origin === undefined || origin === null
        ? "is needed: it is where CloudFront sends the API's requests"
        : typeof origin === "string"
          ? hostnameProblem(origin)
          : undefined;
    checks.require(
      problem === undefined,
      "api.originDomainName",
      origin,
      problem ?? "",
      'give the DNS name of the backend\'s load balancer, with no scheme or path, e.g. "toucan-api.example.com"',
    );
    apiPrefix = api.pathPrefix ?? DEFAULT_API_PREFIX;
    try {
      stripPrefixFunctionCode(apiPrefix);
    } catch (error) {
      checks.fail("api.pathPrefix", apiPrefix, (error as Error).message, 'use e.g. "/_api"');
    }
    const timeout = api.originReadTimeout ?? MAX_ORIGIN_READ_TIMEOUT;
    checks.require(
      Number.isInteger(timeout) && timeout >= 1 && timeout <= 180,
      "api.originReadTimeout",
      timeout,
      "must be a whole number of seconds between 1 and 180",
      `use ${MAX_ORIGIN_READ_TIMEOUT} (the most CloudFront allows without a quota increase)`,
    );
    checks.require(
      args.apiBaseRoute === undefined,
      "apiBaseRoute",
      args.apiBaseRoute,
      "is derived from `api` (https://<domainName><pathPrefix>)",
      "remove `apiBaseRoute`, or remove `api` to give the backend its own name",
    );
  } else {
    checks.require(
      args.apiBaseRoute !== undefined,
      "apiBaseRoute",
      args.apiBaseRoute,
      "is needed: the frontend must know where the backend is",
      'give the backend\'s public URL (e.g. "https://toucan-api.example.com"), or set `api` to serve the backend under /_api',
    );
  }
  let apiBaseRoute = api !== undefined ? `https://${args.domainName}${apiPrefix}` : (args.apiBaseRoute ?? "");

  let tcParams = "";
  try {
    if (api !== undefined || args.apiBaseRoute !== undefined) {
      apiBaseRoute = normalizeApiBaseRoute(apiBaseRoute);
      tcParams = renderTcParams({
        apiBaseRoute,
        mixpanelAnalyticsId: args.mixpanelAnalyticsId,
        extra: args.tcParams,
      });
    }
  } catch (error) {
    if (!(error instanceof ToucanArgumentError)) throw error;
    checks.fail(error.argument, error.value, error.problem, error.fix);
  }

  const priceClass = args.priceClass ?? "PriceClass_100";
  checks.require(
    ["PriceClass_100", "PriceClass_200", "PriceClass_All"].includes(priceClass),
    "priceClass",
    priceClass,
    "is not a CloudFront price class",
    'use "PriceClass_100", "PriceClass_200" or "PriceClass_All"',
  );
  const frameAncestors = args.frameAncestors ?? [];
  for (const site of frameAncestors) {
    checks.require(
      FRAME_ANCESTOR.test(site),
      "frameAncestors",
      site,
      "is not a CSP host source",
      'write it like "https://intranet.example.com" or "https://*.example.com"',
    );
  }
  const frameOptions = args.frameOptions ?? (frameAncestors.length > 0 ? "none" : "SAMEORIGIN");
  checks.require(
    ["SAMEORIGIN", "DENY", "none"].includes(frameOptions),
    "frameOptions",
    frameOptions,
    "is not an X-Frame-Options choice",
    'use "SAMEORIGIN", "DENY" or "none" (no header, for embedding in other sites)',
  );
  checks.require(
    frameAncestors.length === 0 || frameOptions === "none",
    "frameOptions",
    frameOptions,
    "would block the sites of `frameAncestors` in browsers that only know X-Frame-Options",
    "remove frameOptions (frameAncestors drops the header), or remove frameAncestors",
  );
  const contentSecurityPolicy =
    frameAncestors.length > 0 ? `frame-ancestors 'self' ${frameAncestors.join(" ")}` : undefined;
  checks.require(
    (contentSecurityPolicy ?? "").length <= MAX_CSP_LENGTH,
    "frameAncestors",
    frameAncestors,
    `makes a Content-Security-Policy longer than CloudFront's ${MAX_CSP_LENGTH} characters`,
    "use wildcards (https://*.example.com) for sites of one domain",
  );
  const gracePeriodSeconds = args.gracePeriodSeconds ?? DEFAULT_GRACE_PERIOD_SECONDS;
  checks.require(
    Number.isInteger(gracePeriodSeconds) && gracePeriodSeconds >= 0,
    "gracePeriodSeconds",
    gracePeriodSeconds,
    "must be a whole number of seconds >= 0",
    `use e.g. ${DEFAULT_GRACE_PERIOD_SECONDS} (7 days)`,
  );
  const noncurrentDays = args.noncurrentVersionExpirationDays ?? DEFAULT_NONCURRENT_VERSION_DAYS;
  checks.require(
    Number.isInteger(noncurrentDays) && noncurrentDays >= 1,
    "noncurrentVersionExpirationDays",
    noncurrentDays,
    "must be a whole number of days >= 1",
    `use e.g. ${DEFAULT_NONCURRENT_VERSION_DAYS}`,
  );
  if (args.existingBucket) {
    checks.require(
      args.noncurrentVersionExpirationDays === undefined,
      "noncurrentVersionExpirationDays",
      args.noncurrentVersionExpirationDays,
      "has no effect together with `existingBucket` (its lifecycle is yours)",
      "remove it, or remove `existingBucket`",
    );
  }

  const source = checkAssets(checks, args.assets, tcParams, apiBaseRoute);
  checks.throwIfAny();
  return {
    apiBaseRoute,
    apiPrefix,
    tcParams,
    source: source!,
    priceClass,
    frameOptions,
    contentSecurityPolicy,
    gracePeriodSeconds,
    noncurrentDays,
    originReadTimeout: api?.originReadTimeout ?? MAX_ORIGIN_READ_TIMEOUT,
    protect: args.protect ?? true,
  };
}

function checkName(checks: ArgumentChecks, name: string, args: StaticFrontendArgs): void {
  // Children are autonamed `<name>-<suffix>-<7 hex>`: CloudFront names allow 64 characters, S3 buckets 63
  // lowercase ones.
  const pattern = args.existingBucket ? /^[A-Za-z0-9][A-Za-z0-9-]*$/ : /^[a-z0-9][a-z0-9-]*$/;
  checks.require(
    name.length <= MAX_NAME_LENGTH && pattern.test(name),
    "name",
    name,
    `must be at most ${MAX_NAME_LENGTH} ${args.existingBucket ? "" : "lowercase "}letters, digits and hyphens ` +
      "(it names the bucket and the CloudFront policies and functions)",
    'use a short name such as "toucan-site"',
  );
}

function checkDomainName(checks: ArgumentChecks, domainName: string): void {
  const problem = hostnameProblem(domainName);
  checks.require(
    problem === undefined,
    "domainName",
    domainName,
    problem ?? "",
    'give the frontend\'s public name in lowercase, with no scheme or path, e.g. "toucan.example.com"',
  );
}

function checkCertificate(checks: ArgumentChecks, args: StaticFrontendArgs): void {
  checks.id("zoneId", args.zoneId, zoneIdProblem, zoneIdFix(String(args.zoneId)));
  const arn = args.certificateArn;
  if (typeof arn === "string") {
    const region = certificateRegion(arn);
    checks.require(
      region !== undefined,
      "certificateArn",
      arn,
      "is not an ACM certificate ARN",
      "give arn:aws:acm:us-east-1:<account>:certificate/<id>",
    );
    checks.require(
      region === undefined || region === "us-east-1",
      "certificateArn",
      arn,
      `is in ${region}, but CloudFront only uses certificates from us-east-1`,
      "request or import the certificate in us-east-1, or leave certificateArn out to have one made there",
    );
  }
  checks.require(
    arn !== undefined || args.zoneId !== undefined,
    "zoneId",
    args.zoneId,
    "is needed to validate the certificate made for the distribution",
    "give the Route 53 zone of domainName, or give certificateArn (a us-east-1 certificate)",
  );
  checks.require(
    !(arn !== undefined && args.usEast1Provider !== undefined),
    "usEast1Provider",
    "<provider>",
    "is only used to make the certificate, and certificateArn is given",
    "remove usEast1Provider",
  );
}

/** The region of an ACM certificate ARN, or undefined when it is not one. */
export function certificateRegion(arn: string): string | undefined {
  const match = /^arn:aws[a-z-]*:acm:([a-z0-9-]+):\d{12}:certificate\/[A-Za-z0-9-]+$/.exec(arn);
  return match?.[1];
}

function checkAssets(
  checks: ArgumentChecks,
  assets: StaticAssets | undefined,
  tcParams: string,
  apiBaseRoute: string,
): SiteSource | undefined {
  const hasDirectory = assets !== undefined && "directory" in assets && assets.directory !== undefined;
  const hasImage = assets !== undefined && "image" in assets && assets.image !== undefined;
  if (hasDirectory === hasImage) {
    checks.fail(
      "assets",
      assets,
      hasDirectory ? "names both a directory and an image" : "names no source for the site's files",
      'give either { image: "quay.io/toucantoco/frontend:<version>" } or { directory: "<folder with index.html>" }',
    );
    return undefined;
  }
  if (hasImage) {
    const image = assets as ImageAssets;
    try {
      parseImageRef(image.image);
    } catch (error) {
      if (!(error instanceof ImageRefError)) throw error;
      checks.fail(
        "assets.image",
        image.image,
        error.problem,
        "use e.g. quay.io/toucantoco/frontend:v100.5.1",
      );
      return undefined;
    }
    if (image.assetPrefix !== undefined) {
      checks.require(
        image.assetPrefix.startsWith("/"),
        "assets.assetPrefix",
        image.assetPrefix,
        "must be an absolute path in the image",
        'use e.g. "/usr/share/nginx/html"',
      );
    }
    const source: SiteSource = { kind: "image", image: image.image };
    if (image.platform) source.platform = image.platform;
    if (image.assetPrefix) source.assetPrefix = image.assetPrefix;
    return source;
  }
  const directory = path.resolve((assets as DirectoryAssets).directory);
  if (!fs.existsSync(directory) || !fs.statSync(directory).isDirectory()) {
    checks.fail("assets.directory", directory, "does not exist or is not a folder", "give the site's folder");
    return undefined;
  }
  if (!fs.existsSync(path.join(directory, "index.html"))) {
    checks.fail(
      "assets.directory",
      directory,
      "has no index.html at its root",
      "give the frontend's document root (the image's /usr/share/nginx/html)",
    );
    return undefined;
  }
  if (tcParams === "") return undefined; // the settings are wrong; that error is already recorded
  try {
    const manifest = siteManifest(directory, tcParams, apiBaseRoute);
    return { kind: "directory", path: directory, manifestDigest: manifest.digest };
  } catch (error) {
    checks.fail("assets.directory", directory, (error as Error).message, "fix the folder's content");
    return undefined;
  }
}

/**
 * The frontend's static files served from a private S3 bucket through CloudFront, with a generated
 * `scripts/tc-params.js` and `embed-params.json` carrying `API_BASEROUTE`; optionally the backend under
 * `/_api` on the same name.
 *
 * Resources: the bucket (public access blocked, owner-enforced, encrypted, versioned with old versions
 * expiring) readable only by the distribution (Origin Access Control + bucket policy), a us-east-1
 * certificate, security response headers, Route 53 alias records, and ONE deployment resource that
 * uploads the files (only the changed ones) and invalidates them, however many files the site has.
 *
 * @example
 * ```ts
 * const site = new StaticFrontend("toucan-site", {
 *   domainName: "toucan.example.com",
 *   zoneId: zone.zoneId,
 *   assets: { image: "quay.io/toucantoco/frontend:v100.5.1" },
 *   api: { originDomainName: "toucan-api.example.com" },
 * });
 * export const url = site.url;
 * ```
 */
export class StaticFrontend extends pulumi.ComponentResource {
  /** Name of the bucket holding the site. */
  readonly bucketName: pulumi.Output<string>;
  /** ARN of the bucket. */
  readonly bucketArn: pulumi.Output<string>;
  /**
   * The bucket policy that lets only the distribution read the site (JSON). Attached unless
   * `existingBucket.attachPolicy` is false.
   */
  readonly bucketPolicy: pulumi.Output<string>;
  /** Id of the CloudFront distribution. */
  readonly distributionId: pulumi.Output<string>;
  /** ARN of the CloudFront distribution. */
  readonly distributionArn: pulumi.Output<string>;
  /** The distribution's own name (`d111111abcdef8.cloudfront.net`), for DNS outside Route 53. */
  readonly distributionDomainName: pulumi.Output<string>;
  /** ARN of the certificate the distribution serves (us-east-1). */
  readonly certificateArn: pulumi.Output<string>;
  /** The site's URL: `https://<domainName>`. */
  readonly url: pulumi.Output<string>;
  /** `API_BASEROUTE` as written to tc-params.js: `https://<domainName>/_api` with `api`, else `apiBaseRoute`. */
  readonly apiBaseRoute: pulumi.Output<string>;

  constructor(name: string, args: StaticFrontendArgs, opts: pulumi.ComponentResourceOptions = {}) {
    const plan = validateStaticFrontendArgs(name, args);
    super(COMPONENT, name, {}, opts);
    const tags = args.tags ?? {};

    const bucket = args.existingBucket
      ? this.existingBucket(args.existingBucket)
      : this.createBucket(name, plan, args, tags);
    const accessControl = this.createOriginAccessControl(name);
    const headers = this.createResponseHeadersPolicy(name, plan, args);
    const certificateArn = this.certificateFor(name, args);
    const distribution = this.createDistribution(name, plan, args, tags, {
      bucket,
      accessControl,
      headers,
      certificateArn,
    });
    const policy = this.bucketPolicyDocument(bucket, distribution);
    if (args.existingBucket?.attachPolicy ?? true) this.attachBucketPolicy(name, bucket, policy);
    const deployment = this.deploySite(name, plan, args, bucket, distribution);
    if (args.zoneId !== undefined && (args.aliasRecords ?? true)) {
      this.createAliasRecords(name, args.domainName, args.zoneId, distribution, deployment);
    }

    this.bucketName = pulumi.output(bucket.name);
    this.bucketArn = pulumi.output(bucket.arn);
    this.bucketPolicy = policy;
    this.distributionId = distribution.id;
    this.distributionArn = distribution.arn;
    this.distributionDomainName = distribution.domainName;
    this.certificateArn = certificateArn;
    this.url = pulumi.output(`https://${args.domainName}`);
    this.apiBaseRoute = pulumi.output(plan.apiBaseRoute);
    this.registerOutputs({
      bucketName: this.bucketName,
      bucketArn: this.bucketArn,
      distributionId: this.distributionId,
      distributionArn: this.distributionArn,
      distributionDomainName: this.distributionDomainName,
      certificateArn: this.certificateArn,
      url: this.url,
      apiBaseRoute: this.apiBaseRoute,
    });
  }

  private existingBucket(existing: ExistingBucket): SiteBucket {
    return {
      name: pulumi.output(existing.name),
      arn: pulumi.output(existing.arn),
      regionalDomainName: pulumi.output(existing.regionalDomainName),
      region: existing.region
        ? pulumi.output(existing.region)
        : aws.getRegionOutput({}, { parent: this }).region,
      ready: [],
    };
  }

  /** A private bucket: no public access, no ACLs, encrypted, versioned with old versions expiring. */
  private createBucket(
    name: string,
    plan: NormalizedArgs,
    args: StaticFrontendArgs,
    tags: Record<string, string>,
  ): SiteBucket {
    const bucket = new aws.s3.Bucket(
      ...applyTransform(
        args.transform?.bucket,
        `${name}-site`,
        { forceDestroy: !plan.protect, tags },
        { parent: this, protect: plan.protect, retainOnDelete: plan.protect },
      ),
    );
    const { publicAccess, ownership, encryption } = lockDownBucket(`${name}-site`, bucket, this);
    const versioning = new aws.s3.BucketVersioning(
      `${name}-site`,
      { bucket: bucket.id, versioningConfiguration: { status: "Enabled" } },
      { parent: this },
    );
    const lifecycle = new aws.s3.BucketLifecycleConfiguration(
      `${name}-site`,
      {
        bucket: bucket.id,
        rules: [
          {
            id: "expire-old-versions",
            status: "Enabled",
            filter: {},
            noncurrentVersionExpiration: { noncurrentDays: plan.noncurrentDays },
            // Files past their grace period are deleted by the sync; this removes the markers left behind.
            expiration: { expiredObjectDeleteMarker: true },
            abortIncompleteMultipartUpload: { daysAfterInitiation: 7 },
          },
        ],
      },
      { parent: this, dependsOn: [versioning] },
    );
    return {
      name: bucket.bucket,
      arn: bucket.arn,
      regionalDomainName: bucket.bucketRegionalDomainName,
      region: bucket.region,
      ready: [publicAccess, ownership, encryption, versioning, lifecycle],
    };
  }

  /** Requests from CloudFront to S3 are always signed (SigV4), so the bucket can stay private. */
  private createOriginAccessControl(name: string): aws.cloudfront.OriginAccessControl {
    return new aws.cloudfront.OriginAccessControl(
      `${name}-oac`,
      {
        description: `Lets the ${name} distribution read its bucket`,
        originAccessControlOriginType: "s3",
        signingBehavior: "always",
        signingProtocol: "sigv4",
      },
      { parent: this },
    );
  }

  private createResponseHeadersPolicy(
    name: string,
    plan: NormalizedArgs,
    args: StaticFrontendArgs,
  ): aws.cloudfront.ResponseHeadersPolicy {
    return new aws.cloudfront.ResponseHeadersPolicy(
      ...applyTransform(
        args.transform?.responseHeadersPolicy,
        `${name}-headers`,
        {
          comment: `Security headers of ${args.domainName}`,
          securityHeadersConfig: {
            strictTransportSecurity: {
              accessControlMaxAgeSec: 63072000, // two years
              includeSubdomains: true,
              override: true,
            },
            contentTypeOptions: { override: true },
            referrerPolicy: { referrerPolicy: "strict-origin-when-cross-origin", override: true },
            ...(plan.frameOptions === "none"
              ? {}
              : { frameOptions: { frameOption: plan.frameOptions, override: true } }),
            ...(plan.contentSecurityPolicy
              ? {
                  contentSecurityPolicy: {
                    contentSecurityPolicy: plan.contentSecurityPolicy,
                    override: true,
                  },
                }
              : {}),
          },
        },
        { parent: this },
      ),
    );
  }

  /** The given us-east-1 certificate, or one made and DNS-validated there. */
  private certificateFor(name: string, args: StaticFrontendArgs): pulumi.Output<string> {
    if (args.certificateArn !== undefined) {
      return pulumi.output(args.certificateArn).apply((arn) => {
        const region = certificateRegion(arn);
        if (region !== "us-east-1") {
          throw new ToucanArgumentError(
            `StaticFrontend "${name}"`,
            "certificateArn",
            arn,
            region
              ? `is in ${region}, but CloudFront only uses certificates from us-east-1`
              : "is not an ACM certificate ARN",
            "give a certificate made in us-east-1",
          );
        }
        return arn;
      });
    }
    const provider = args.usEast1Provider ?? usEast1Provider(this, `${name}-us-east-1`);
    const certificate = new Certificate(
      `${name}-cert`,
      {
        domainNames: [args.domainName],
        zoneId: args.zoneId!,
        sharedValidationRecords: args.certificateValidationRecords,
        tags: args.tags,
      },
      { parent: this, provider },
    );
    return certificate.arn;
  }

  private createDistribution(
    name: string,
    plan: NormalizedArgs,
    args: StaticFrontendArgs,
    tags: Record<string, string>,
    parts: {
      bucket: SiteBucket;
      accessControl: aws.cloudfront.OriginAccessControl;
      headers: aws.cloudfront.ResponseHeadersPolicy;
      certificateArn: pulumi.Output<string>;
    },
  ): aws.cloudfront.Distribution {
    const sameDomain = plan.apiPrefix !== undefined;
    const origins: aws.types.input.cloudfront.DistributionOrigin[] = [
      {
        originId: S3_ORIGIN_ID,
        domainName: parts.bucket.regionalDomainName,
        originAccessControlId: parts.accessControl.id,
      },
    ];
    const siteFunctions: aws.types.input.cloudfront.DistributionDefaultCacheBehaviorFunctionAssociation[] =
      [];
    const orderedCacheBehaviors: aws.types.input.cloudfront.DistributionOrderedCacheBehavior[] = [];
    if (sameDomain) {
      origins.push(this.apiOrigin(args.api!, plan));
      const strip =
        (args.api!.stripPrefix ?? true)
          ? this.createFunction(
              name,
              "api-prefix",
              stripPrefixFunctionCode(plan.apiPrefix),
              `Strips ${plan.apiPrefix} before requests reach the backend`,
              tags,
            )
          : undefined;
      const fallback = this.createFunction(
        name,
        "spa",
        SPA_FALLBACK_FUNCTION_CODE,
        "Serves /index.html for app routes",
        tags,
      );
      siteFunctions.push({ eventType: "viewer-request", functionArn: fallback.arn });
      // `/_api` alone too: `/_api/*` does not match it, and it would otherwise reach the bucket.
      for (const pathPattern of [`${plan.apiPrefix}/*`, plan.apiPrefix!]) {
        orderedCacheBehaviors.push({
          pathPattern,
          targetOriginId: API_ORIGIN_ID,
          viewerProtocolPolicy: "redirect-to-https",
          allowedMethods: ALL_METHODS,
          cachedMethods: ["GET", "HEAD"],
          compress: false, // the backend compresses; a CachingDisabled behaviour cannot
          cachePolicyId: MANAGED_POLICY_IDS.cachingDisabled,
          // AllViewer forwards every header, cookie and query string. `Authorization` (which the backend
          // requires) is forwarded by an origin request policy only when caching is disabled, as here:
          // "If caching is disabled, you can use the AllViewer and AllViewerExceptHostHeader origin request
          // policies to forward an Authorization header"
          // (https://repost.aws/knowledge-center/cloudfront-authorization-header). With caching enabled it
          // would have to be part of the cache key instead.
          originRequestPolicyId:
            (args.api!.forwardHostHeader ?? true)
              ? MANAGED_POLICY_IDS.allViewer
              : MANAGED_POLICY_IDS.allViewerExceptHostHeader,
          responseHeadersPolicyId: parts.headers.id,
          functionAssociations: strip ? [{ eventType: "viewer-request", functionArn: strip.arn }] : [],
        });
      }
    }

    const distributionArgs: aws.cloudfront.DistributionArgs = {
      enabled: true,
      comment: `Toucan frontend ${args.domainName}`,
      aliases: [args.domainName],
      httpVersion: "http2and3",
      isIpv6Enabled: true,
      priceClass: plan.priceClass,
      defaultRootObject: "index.html",
      origins,
      defaultCacheBehavior: {
        targetOriginId: S3_ORIGIN_ID,
        viewerProtocolPolicy: "redirect-to-https",
        allowedMethods: ["GET", "HEAD", "OPTIONS"],
        cachedMethods: ["GET", "HEAD"],
        compress: true,
        cachePolicyId: MANAGED_POLICY_IDS.cachingOptimized,
        responseHeadersPolicyId: parts.headers.id,
        functionAssociations: siteFunctions,
      },
      orderedCacheBehaviors,
      // The app routes in the browser: a path with no object (S3 answers 403 without s3:ListBucket) gets
      // index.html. Distribution-wide, so only without the backend on this distribution (see
      // static/cloudfront-function.ts); not cached, so a release is visible at once.
      customErrorResponses: sameDomain
        ? []
        : [403, 404].map((errorCode) => ({
            errorCode,
            responseCode: 200,
            responsePagePath: "/index.html",
            errorCachingMinTtl: 0,
          })),
      restrictions: { geoRestriction: { restrictionType: "none" } },
      viewerCertificate: {
        acmCertificateArn: parts.certificateArn,
        sslSupportMethod: "sni-only",
        minimumProtocolVersion: "TLSv1.2_2021",
      },
      tags,
    };
    if (args.logging) {
      distributionArgs.loggingConfig = {
        bucket: args.logging.bucketDomainName,
        prefix: args.logging.prefix,
        includeCookies: args.logging.includeCookies ?? false,
      };
    }
    return new aws.cloudfront.Distribution(
      ...applyTransform(args.transform?.distribution, `${name}-cdn`, distributionArgs, {
        parent: this,
        dependsOn: args.api?.originReady,
      }),
    );
  }

  private apiOrigin(
    api: StaticFrontendApi,
    plan: NormalizedArgs,
  ): aws.types.input.cloudfront.DistributionOrigin {
    return {
      originId: API_ORIGIN_ID,
      domainName: api.originDomainName,
      customOriginConfig: {
        httpPort: 80,
        httpsPort: 443,
        originProtocolPolicy: "https-only",
        originSslProtocols: ["TLSv1.2"],
        originReadTimeout: plan.originReadTimeout,
        originKeepaliveTimeout: 5,
      },
    };
  }

  private createFunction(
    name: string,
    suffix: string,
    code: string,
    comment: string,
    tags: Record<string, string>,
  ): aws.cloudfront.Function {
    return new aws.cloudfront.Function(
      `${name}-${suffix}`,
      { runtime: CLOUDFRONT_FUNCTION_RUNTIME, code, comment, publish: true, tags },
      { parent: this },
    );
  }

  /**
   * Only the distribution reads, and not the sync's state under `.toucan/`; nothing reaches the bucket
   * without TLS.
   */
  private bucketPolicyDocument(
    bucket: SiteBucket,
    distribution: aws.cloudfront.Distribution,
  ): pulumi.Output<string> {
    const cloudfront = { Service: "cloudfront.amazonaws.com" };
    return pulumi.jsonStringify({
      Version: "2012-10-17",
      Statement: [
        {
          Sid: "DistributionReadsTheSite",
          Effect: "Allow",
          Principal: cloudfront,
          Action: "s3:GetObject",
          Resource: pulumi.interpolate`${bucket.arn}/*`,
          Condition: { StringEquals: { "AWS:SourceArn": distribution.arn } },
        },
        {
          Sid: "SyncStateIsNotServed",
          Effect: "Deny",
          Principal: cloudfront,
          Action: "s3:GetObject",
          Resource: pulumi.interpolate`${bucket.arn}/${STATE_PREFIX}*`,
        },
        {
          Sid: "TlsOnly",
          Effect: "Deny",
          Principal: "*",
          Action: "s3:*",
          Resource: [bucket.arn, pulumi.interpolate`${bucket.arn}/*`],
          Condition: { Bool: { "aws:SecureTransport": "false" } },
        },
      ],
    });
  }

  private attachBucketPolicy(name: string, bucket: SiteBucket, policy: pulumi.Output<string>): void {
    new aws.s3.BucketPolicy(
      `${name}-site`,
      { bucket: bucket.name, policy },
      // The public access block must exist first, or S3 could judge the policy before it is in place.
      { parent: this, dependsOn: bucket.ready },
    );
  }

  private createAliasRecords(
    name: string,
    domainName: string,
    zoneId: pulumi.Input<string>,
    distribution: aws.cloudfront.Distribution,
    deployment: pulumi.Resource,
  ): void {
    for (const type of ["A", "AAAA"]) {
      new aws.route53.Record(
        `${name}-${type.toLowerCase()}`,
        {
          zoneId,
          name: domainName,
          type,
          aliases: [
            { name: distribution.domainName, zoneId: CLOUDFRONT_HOSTED_ZONE_ID, evaluateTargetHealth: false },
          ],
        },
        // The name moves here once the site is published, not while the bucket is still empty.
        { parent: this, dependsOn: [deployment] },
      );
    }
  }

  /** ONE resource publishes every file (see static/deploy-provider.ts). */
  private deploySite(
    name: string,
    plan: NormalizedArgs,
    args: StaticFrontendArgs,
    bucket: SiteBucket,
    distribution: aws.cloudfront.Distribution,
  ): SiteDeployment {
    const credentials = "image" in args.assets ? args.assets.credentials : undefined;
    return new SiteDeployment(
      `${name}-deploy`,
      {
        bucket: bucket.name,
        region: bucket.region,
        source: plan.source,
        tcParams: plan.tcParams,
        apiBaseRoute: plan.apiBaseRoute,
        gracePeriodSeconds: plan.gracePeriodSeconds,
        distributionId: distribution.id,
        ...(credentials
          ? {
              registryCredentials: pulumi.secret(
                pulumi.output({ username: credentials.username, password: credentials.password }),
              ),
            }
          : {}),
        // The account and credentials of the provider around the component (explicit, or the stack's).
        aws: awsSettingsAround(this),
      },
      { parent: this, dependsOn: bucket.ready },
    );
  }
}

/** The bucket the site lives in, created or given. */
interface SiteBucket {
  name: pulumi.Output<string>;
  arn: pulumi.Output<string>;
  regionalDomainName: pulumi.Output<string>;
  region: pulumi.Output<string>;
  /** Its settings, which must be in place before objects are written. */
  ready: pulumi.Resource[];
}
