/**
 * StaticFrontend: the resources it records (bucket, distribution, certificate, records, deployment) and
 * its dynamic provider, run against a real S3 API on loopback (s3rver) with a fake CloudFront client.
 */
import { strict as assert } from "assert";
import * as fs from "fs";
import * as path from "path";
import * as vm from "vm";
import * as pulumi from "@pulumi/pulumi";
import { CreateInvalidationCommand, CreateInvalidationCommandOutput } from "@aws-sdk/client-cloudfront";
import { HeadObjectCommand, S3Client } from "@aws-sdk/client-s3";
import {
  MANAGED_POLICY_IDS,
  StaticFrontend,
  StaticFrontendArgs,
  certificateRegion,
} from "../components/aws/static-frontend";
import { ToucanArgumentError } from "../components/core/errors";
import { CACHE_NO_CACHE, buildManifest } from "../components/static/manifest";
import { EMBED_PARAMS_PATH, TC_PARAMS_PATH } from "../components/static/tc-params";
import { STRIP_API_PREFIX_FUNCTION_CODE } from "../components/static/cloudfront-function";
import {
  SiteDeployment,
  SiteDeploymentInputs,
  SiteDeploymentOutputs,
  diffSiteDeployment,
  siteDeployProvider,
  siteOverrides,
} from "../components/static/deploy-provider";
import { InvalidationClient } from "../components/static/sync";
import { RecordedResource, Recording, record, recordFailure, valueOf } from "../components/planner/recorder";
import { Secret, reveal } from "../components/planner/values";
import { tempDir } from "./fixtures/static/tools";

const COMPONENT = "toucan:aws:StaticFrontend";
const BUCKET = "aws:s3/bucket:Bucket";
const DISTRIBUTION = "aws:cloudfront/distribution:Distribution";
const FUNCTION = "aws:cloudfront/function:Function";
const HEADERS = "aws:cloudfront/responseHeadersPolicy:ResponseHeadersPolicy";
const OAC = "aws:cloudfront/originAccessControl:OriginAccessControl";
const POLICY = "aws:s3/bucketPolicy:BucketPolicy";
const RECORD = "aws:route53/record:Record";
const CERTIFICATE = "aws:acm/certificate:Certificate";
const PROVIDER = "pulumi:providers:aws";
const DEPLOYMENT = "pulumi-nodejs:dynamic:Resource";

const DOMAIN = "toucan.example.com";
const ZONE = "Z0123456789ABCDEFGHIJ";
const IMAGE = "quay.io/toucantoco/frontend:v100.5.1";
const US_EAST_1_CERT = "arn:aws:acm:us-east-1:123456789012:certificate/0b6bd7e1-1a2b-4c3d-8e9f-0123456789ab";

let scratch: string;
let site: string;

/** A site folder shaped like the frontend's document root, `count` files in all. */
function writeSite(dir: string, count: number): string {
  const write = (file: string, content: string) => {
    fs.mkdirSync(path.dirname(path.join(dir, file)), { recursive: true });
    fs.writeFileSync(path.join(dir, file), content);
  };
  write("index.html", "<html><script src=scripts/tc-params.js></script></html>");
  write(TC_PARAMS_PATH, 'window.TC_PARAMS = {"API_BASEROUTE": "http://localhost"};');
  write(EMBED_PARAMS_PATH, '{"EMBED_THEME": "light", "API_BASEROUTE": "http://localhost"}');
  write("tucana-version.txt", "v100.5.1");
  for (let i = 4; i < count; i++)
    write(`assets/${i % 40}/chunk-${i}.${(0x10000000 + i).toString(16)}a.js`, `c${i}`);
  return dir;
}

before(() => {
  scratch = tempDir("static-frontend");
  site = writeSite(path.join(scratch, "site"), 12);
});
after(() => fs.rmSync(scratch, { recursive: true, force: true }));

function twoNames(extra: Partial<StaticFrontendArgs> = {}): StaticFrontendArgs {
  return {
    domainName: DOMAIN,
    zoneId: ZONE,
    assets: { directory: site },
    apiBaseRoute: "https://toucan-api.example.com",
    ...extra,
  };
}

function sameDomain(extra: Partial<StaticFrontendArgs> = {}): StaticFrontendArgs {
  return {
    domainName: DOMAIN,
    zoneId: ZONE,
    assets: { image: IMAGE },
    api: { originDomainName: "toucan-api.example.com" },
    ...extra,
  };
}

/** How long building the first StaticFrontend of the process took (it serializes the provider). */
let firstBuildMs: number | undefined;

async function build(args: StaticFrontendArgs, preview = false) {
  const start = process.hrtime.bigint();
  const { result, recording } = await record(() => new StaticFrontend("toucan-site", args), {
    preview,
    region: "eu-west-1",
  });
  firstBuildMs ??= Number(process.hrtime.bigint() - start) / 1e6;
  return { site: result, recording };
}

/** The shapes most tests read; each is built once. `custom*` change every option from its default. */
const SHAPES = {
  twoNames: () => twoNames(),
  sameDomain: () => sameDomain(),
  customTwoNames: () =>
    twoNames({
      zoneId: undefined,
      certificateArn: US_EAST_1_CERT,
      noncurrentVersionExpirationDays: 7,
      protect: false,
      priceClass: "PriceClass_All",
      frameOptions: "none",
      logging: { bucketDomainName: "toucan-logs.s3.amazonaws.com", prefix: "cdn/" },
      mixpanelAnalyticsId: "mp-token",
      tcParams: { DEFAULT_LANGUAGE: "fr" },
    }),
  customSameDomain: () =>
    sameDomain({
      api: { originDomainName: "toucan-api.example.com", forwardHostHeader: false },
      assets: {
        image: "registry.invalid/toucantoco/frontend:v100.5.1",
        platform: { os: "linux", architecture: "arm64" },
        credentials: { username: "robot", password: "s3cret" },
      },
    }),
};
const cache = new Map<string, ReturnType<typeof build>>();
/** Builds once per shape for the tests that only read the recording. */
function built(kind: keyof typeof SHAPES): ReturnType<typeof build> {
  if (!cache.has(kind)) cache.set(kind, build(SHAPES[kind]()));
  return cache.get(kind)!;
}

interface Behavior {
  pathPattern?: string;
  targetOriginId: string;
  viewerProtocolPolicy: string;
  allowedMethods: string[];
  cachePolicyId?: string;
  originRequestPolicyId?: string;
  responseHeadersPolicyId?: string;
  compress?: boolean;
  functionAssociations?: { eventType: string; functionArn: string }[];
}

interface DistributionInputs {
  aliases: string[];
  origins: Array<{
    originId: string;
    domainName: string;
    originAccessControlId?: string;
    customOriginConfig?: Record<string, unknown>;
  }>;
  defaultCacheBehavior: Behavior;
  orderedCacheBehaviors?: Behavior[];
  customErrorResponses?: Array<Record<string, unknown>>;
  viewerCertificate: Record<string, unknown>;
  [key: string]: unknown;
}

function distributionOf(recording: Recording): { resource: RecordedResource; inputs: DistributionInputs } {
  const resource = recording.one(DISTRIBUTION);
  return { resource, inputs: resource.inputs as unknown as DistributionInputs };
}

function deploymentOf(recording: Recording): SiteDeploymentInputs {
  return reveal(recording.one(DEPLOYMENT).inputs) as SiteDeploymentInputs;
}

interface PolicyStatement {
  Sid?: string;
  Effect: string;
  Principal: unknown;
  Action: string | string[];
  Resource: string | string[];
  Condition?: Record<string, Record<string, unknown>>;
}

function bucketPolicyOf(recording: Recording): PolicyStatement[] {
  const policy = JSON.parse(recording.one(POLICY).inputs.policy as string) as {
    Statement: PolicyStatement[];
  };
  return policy.Statement;
}

/** Parses tc-params.js the way tools in the wild do: strip the prefix, read strict JSON. */
function parseTcParams(content: string): Record<string, unknown> {
  const prefix = "window.TC_PARAMS = ";
  assert.ok(content.startsWith(prefix), content);
  return JSON.parse(content.slice(prefix.length).replace(/[\t\n;]/g, "")) as Record<string, unknown>;
}

/** Loads CloudFront Function code like the cloudfront-js runtime: a script with no Node.js globals. */
function loadFunction(code: string): (event: unknown) => { uri: string } {
  const context = vm.createContext(Object.create(null));
  new vm.Script(code).runInContext(context, { timeout: 1000 });
  return vm.runInContext("handler", context);
}

function viewerRequest(uri: string) {
  return { request: { method: "GET", uri, querystring: {}, headers: {}, cookies: {} } };
}

describe("StaticFrontend: the bucket", () => {
  it("GIVEN defaults THEN the bucket blocks every kind of public access", async () => {
    const { recording } = await built("twoNames");
    const block = recording.one("aws:s3/bucketPublicAccessBlock:BucketPublicAccessBlock").inputs;
    assert.deepEqual(
      [block.blockPublicAcls, block.blockPublicPolicy, block.ignorePublicAcls, block.restrictPublicBuckets],
      [true, true, true, true],
    );
    assert.equal(block.bucket, recording.one(BUCKET).outputs.id);
  });

  it("THEN ACLs are disabled (owner enforced) and objects are encrypted at rest", async () => {
    const { recording } = await built("twoNames");
    const ownership = recording.one("aws:s3/bucketOwnershipControls:BucketOwnershipControls").inputs;
    assert.deepEqual(ownership.rule, { objectOwnership: "BucketOwnerEnforced" });
    const encryption = recording.one(
      "aws:s3/bucketServerSideEncryptionConfiguration:BucketServerSideEncryptionConfiguration",
    ).inputs;
    assert.deepEqual(encryption.rules, [{ applyServerSideEncryptionByDefault: { sseAlgorithm: "AES256" } }]);
  });

  it("THEN versioning is on and old versions expire after 30 days", async () => {
    const { recording } = await built("twoNames");
    const versioning = recording.one("aws:s3/bucketVersioning:BucketVersioning").inputs;
    assert.deepEqual(versioning.versioningConfiguration, { status: "Enabled" });
    const lifecycle = recording.one("aws:s3/bucketLifecycleConfiguration:BucketLifecycleConfiguration");
    const [rule] = lifecycle.inputs.rules as Array<Record<string, unknown>>;
    assert.equal(rule.status, "Enabled");
    assert.deepEqual(rule.noncurrentVersionExpiration, { noncurrentDays: 30 });
  });

  it("GIVEN noncurrentVersionExpirationDays 7 THEN old versions expire after 7 days", async () => {
    const { recording } = await built("customTwoNames");
    const lifecycle = recording.one("aws:s3/bucketLifecycleConfiguration:BucketLifecycleConfiguration");
    assert.deepEqual(
      (lifecycle.inputs.rules as Array<Record<string, unknown>>)[0].noncurrentVersionExpiration,
      {
        noncurrentDays: 7,
      },
    );
  });

  it("THEN the bucket is protected, retained on delete, and cannot be force-destroyed", async () => {
    const { recording } = await built("twoNames");
    const bucket = recording.one(BUCKET);
    assert.equal(bucket.protect, true);
    assert.equal(bucket.retainOnDelete, true);
    assert.equal(bucket.inputs.forceDestroy, false);
  });

  it("GIVEN protect false THEN the bucket can be deleted with its objects", async () => {
    const { recording } = await built("customTwoNames");
    const bucket = recording.one(BUCKET);
    assert.deepEqual(
      [bucket.protect, bucket.retainOnDelete, bucket.inputs.forceDestroy],
      [false, false, true],
    );
  });

  it("THEN only the distribution may read objects: cloudfront.amazonaws.com with AWS:SourceArn = its ARN", async () => {
    const { recording } = await built("twoNames");
    const distribution = recording.one(DISTRIBUTION);
    const bucketArn = recording.one(BUCKET).outputs.arn as string;
    const allows = bucketPolicyOf(recording).filter((s) => s.Effect === "Allow");
    assert.equal(allows.length, 1);
    const [allow] = allows;
    assert.deepEqual(allow.Principal, { Service: "cloudfront.amazonaws.com" });
    assert.equal(allow.Action, "s3:GetObject");
    assert.equal(allow.Resource, `${bucketArn}/*`);
    assert.deepEqual(allow.Condition, { StringEquals: { "AWS:SourceArn": distribution.outputs.arn } });
    assert.match(distribution.outputs.arn as string, /^arn:aws:cloudfront::\d{12}:distribution\/E/);
  });

  it("THEN the distribution cannot read the sync state under .toucan/", async () => {
    const { recording } = await built("twoNames");
    const bucketArn = recording.one(BUCKET).outputs.arn as string;
    const deny = bucketPolicyOf(recording).find(
      (s) => s.Effect === "Deny" && s.Resource === `${bucketArn}/.toucan/*`,
    );
    assert.ok(deny, "a Deny statement on .toucan/*");
    assert.deepEqual(deny.Principal, { Service: "cloudfront.amazonaws.com" });
    assert.equal(deny.Action, "s3:GetObject");
  });

  it("THEN requests without TLS are denied to everyone", async () => {
    const { recording } = await built("twoNames");
    const tls = bucketPolicyOf(recording).find((s) => s.Condition?.Bool?.["aws:SecureTransport"] === "false");
    assert.ok(tls);
    assert.equal(tls.Effect, "Deny");
    assert.equal(tls.Principal, "*");
  });

  it("THEN the distribution reaches the bucket through an Origin Access Control that always signs (SigV4)", async () => {
    const { recording } = await built("twoNames");
    const oac = recording.one(OAC);
    assert.deepEqual(
      [oac.inputs.originAccessControlOriginType, oac.inputs.signingBehavior, oac.inputs.signingProtocol],
      ["s3", "always", "sigv4"],
    );
    const { inputs } = distributionOf(recording);
    const s3 = inputs.origins.find((o) => o.originId === inputs.defaultCacheBehavior.targetOriginId)!;
    assert.equal(s3.originAccessControlId, oac.outputs.id);
    assert.equal(s3.domainName, recording.one(BUCKET).outputs.bucketRegionalDomainName);
    assert.equal(s3.customOriginConfig, undefined);
  });
});

describe("StaticFrontend: the distribution", () => {
  it("THEN serves the frontend's name over HTTP/2 and 3, IPv6, compressed, index.html at the root", async () => {
    const { inputs } = distributionOf((await built("twoNames")).recording);
    assert.deepEqual(inputs.aliases, [DOMAIN]);
    assert.equal(inputs.httpVersion, "http2and3");
    assert.equal(inputs.isIpv6Enabled, true);
    assert.equal(inputs.defaultCacheBehavior.compress, true);
    assert.equal(inputs.defaultRootObject, "index.html");
    assert.equal(inputs.enabled, true);
    assert.equal(inputs.priceClass, "PriceClass_100");
  });

  it("GIVEN priceClass PriceClass_All THEN the distribution uses it", async () => {
    const { recording } = await built("customTwoNames");
    assert.equal(distributionOf(recording).inputs.priceClass, "PriceClass_All");
  });

  it("THEN the site's behaviour uses the managed CachingOptimized policy", async () => {
    const { inputs } = distributionOf((await built("twoNames")).recording);
    assert.equal(inputs.defaultCacheBehavior.cachePolicyId, "658327ea-f89d-4fab-a63d-7e88639e58f6");
    assert.deepEqual(inputs.defaultCacheBehavior.allowedMethods, ["GET", "HEAD", "OPTIONS"]);
  });

  it("THEN every behaviour redirects HTTP to HTTPS (same-domain mode, all behaviours)", async () => {
    const { inputs } = distributionOf((await built("sameDomain")).recording);
    const behaviors = [inputs.defaultCacheBehavior, ...(inputs.orderedCacheBehaviors ?? [])];
    assert.equal(behaviors.length, 3);
    for (const b of behaviors) assert.equal(b.viewerProtocolPolicy, "redirect-to-https", b.pathPattern);
  });

  it("THEN app routes fall back to /index.html with 200 (403 and 404), uncached", async () => {
    const { inputs } = distributionOf((await built("twoNames")).recording);
    assert.deepEqual(inputs.customErrorResponses, [
      { errorCode: 403, responseCode: 200, responsePagePath: "/index.html", errorCachingMinTtl: 0 },
      { errorCode: 404, responseCode: 200, responsePagePath: "/index.html", errorCachingMinTtl: 0 },
    ]);
  });

  it("THEN TLS: the certificate's ARN, SNI only, TLS 1.2 (2021 ciphers) at least", async () => {
    const { recording } = await built("twoNames");
    const certificate = recording.one(CERTIFICATE);
    const { inputs } = distributionOf(recording);
    assert.deepEqual(inputs.viewerCertificate, {
      acmCertificateArn: certificate.outputs.arn,
      sslSupportMethod: "sni-only",
      minimumProtocolVersion: "TLSv1.2_2021",
    });
  });

  it("GIVEN a stack in eu-west-1 THEN the certificate is made by an explicit provider for us-east-1", async () => {
    const { recording } = await built("twoNames");
    const certificate = recording.one(CERTIFICATE);
    assert.ok(certificate.provider, "the certificate has an explicit provider");
    const provider = recording.get(certificate.provider);
    assert.equal(provider.type, PROVIDER);
    assert.equal(provider.inputs.region, "us-east-1");
    assert.match(certificate.outputs.arn as string, /^arn:aws:acm:us-east-1:/);
    assert.deepEqual(certificate.inputs.domainName, DOMAIN);
  });

  it("GIVEN aws:profile and aws:assumeRoles in the stack config THEN the us-east-1 provider uses the same account", async () => {
    const role = "arn:aws:iam::123456789012:role/deploy";
    const { recording } = await record(() => new StaticFrontend("toucan-site", twoNames()), {
      region: "eu-west-1",
      config: {
        "aws:region": "eu-west-1",
        "aws:profile": "toucan-prod",
        "aws:assumeRoles": JSON.stringify([{ roleArn: role }]),
      },
    });
    const provider = recording.get(recording.one(CERTIFICATE).provider!);
    assert.equal(provider.inputs.region, "us-east-1");
    assert.equal(provider.inputs.profile, "toucan-prod");
    // Providers receive nested settings as JSON text.
    const roles = provider.inputs.assumeRoles;
    assert.deepEqual(typeof roles === "string" ? JSON.parse(roles) : roles, [{ roleArn: role }]);
    assert.equal(
      (reveal(recording.one(DEPLOYMENT).inputs.aws) as { profile?: string }).profile,
      "toucan-prod",
    );
  });

  it("GIVEN certificateArn in us-east-1 THEN no certificate or provider is made and the distribution uses it", async () => {
    const { recording } = await built("customTwoNames");
    assert.equal(recording.byType(CERTIFICATE).length, 0);
    assert.equal(recording.byType(PROVIDER).length, 0);
    assert.equal(distributionOf(recording).inputs.viewerCertificate.acmCertificateArn, US_EAST_1_CERT);
  });

  it("THEN responses carry HSTS (>= 1 year, subdomains), nosniff, a referrer policy and X-Frame-Options SAMEORIGIN", async () => {
    const { recording } = await built("twoNames");
    const policy = recording.one(HEADERS);
    const headers = policy.inputs.securityHeadersConfig as Record<string, Record<string, unknown>>;
    assert.ok((headers.strictTransportSecurity.accessControlMaxAgeSec as number) >= 31536000);
    assert.equal(headers.strictTransportSecurity.includeSubdomains, true);
    assert.deepEqual(headers.contentTypeOptions, { override: true });
    assert.equal(headers.referrerPolicy.referrerPolicy, "strict-origin-when-cross-origin");
    assert.deepEqual(headers.frameOptions, { frameOption: "SAMEORIGIN", override: true });
    const { inputs } = distributionOf(recording);
    assert.equal(inputs.defaultCacheBehavior.responseHeadersPolicyId, policy.outputs.id);
  });

  it("GIVEN frameOptions none (embedding in other sites) THEN no X-Frame-Options header", async () => {
    const { recording } = await built("customTwoNames");
    const headers = recording.one(HEADERS).inputs.securityHeadersConfig as Record<string, unknown>;
    assert.equal(headers.frameOptions, undefined);
    assert.ok(headers.strictTransportSecurity);
  });

  it("GIVEN frameAncestors THEN a frame-ancestors Content-Security-Policy and no X-Frame-Options", async () => {
    const { recording } = await build(
      twoNames({ frameAncestors: ["https://intranet.example.com", "https://*.example.org:8443"] }),
    );
    const headers = recording.one(HEADERS).inputs.securityHeadersConfig as Record<string, unknown>;
    assert.deepEqual(headers.contentSecurityPolicy, {
      contentSecurityPolicy: "frame-ancestors 'self' https://intranet.example.com https://*.example.org:8443",
      override: true,
    });
    assert.equal(headers.frameOptions, undefined);
  });

  it("THEN Route 53 alias A and AAAA records point the name at the distribution", async () => {
    const { recording } = await built("twoNames");
    const distribution = recording.one(DISTRIBUTION);
    const records = recording.byType(RECORD).filter((r) => r.inputs.name === DOMAIN);
    assert.deepEqual(records.map((r) => r.inputs.type).sort(), ["A", "AAAA"]);
    for (const r of records) {
      assert.equal(r.inputs.zoneId, ZONE);
      assert.deepEqual(r.inputs.aliases, [
        { name: distribution.outputs.domainName, zoneId: "Z2FDTNDATAQYW2", evaluateTargetHealth: false },
      ]);
    }
  });

  it("GIVEN no zoneId (certificateArn given) THEN no DNS record is made", async () => {
    const { recording } = await built("customTwoNames");
    assert.equal(recording.byType(RECORD).length, 0);
  });

  it("GIVEN logging THEN the distribution logs to that bucket; without it, no logging", async () => {
    const { recording } = await built("customTwoNames");
    assert.deepEqual(distributionOf(recording).inputs.loggingConfig, {
      bucket: "toucan-logs.s3.amazonaws.com",
      prefix: "cdn/",
      includeCookies: false,
    });
    assert.equal(distributionOf((await built("twoNames")).recording).inputs.loggingConfig, undefined);
  });

  it("THEN the outputs name the bucket, the distribution, the URL and API_BASEROUTE", async () => {
    const { site, recording } = await built("twoNames");
    const bucket = recording.one(BUCKET);
    const distribution = recording.one(DISTRIBUTION);
    assert.equal(await valueOf(site.bucketName), bucket.outputs.bucket);
    assert.equal(await valueOf(site.bucketArn), bucket.outputs.arn);
    assert.equal(await valueOf(site.distributionId), distribution.outputs.id);
    assert.equal(await valueOf(site.distributionArn), distribution.outputs.arn);
    assert.equal(await valueOf(site.distributionDomainName), distribution.outputs.domainName);
    assert.equal(await valueOf(site.url), `https://${DOMAIN}`);
    assert.equal(await valueOf(site.apiBaseRoute), "https://toucan-api.example.com");
    assert.equal(recording.one(COMPONENT).type, COMPONENT);
  });
});

describe("StaticFrontend: the backend under /_api (same-domain mode)", () => {
  it("GIVEN no api THEN there is no /_api behaviour, no backend origin and no function", async () => {
    const { recording } = await built("twoNames");
    const { inputs } = distributionOf(recording);
    assert.deepEqual(inputs.orderedCacheBehaviors ?? [], []);
    assert.deepEqual(
      inputs.origins.map((o) => o.originId),
      [inputs.defaultCacheBehavior.targetOriginId],
    );
    assert.equal(recording.byType(FUNCTION).length, 0);
  });

  function apiBehaviors(inputs: DistributionInputs): Behavior[] {
    return (inputs.orderedCacheBehaviors ?? []).filter((b) => b.pathPattern?.startsWith("/_api"));
  }

  it("GIVEN api THEN /_api/* and /_api go to the backend's origin with caching disabled", async () => {
    const { inputs } = distributionOf((await built("sameDomain")).recording);
    const behaviors = apiBehaviors(inputs);
    assert.deepEqual(
      behaviors.map((b) => b.pathPattern),
      ["/_api/*", "/_api"],
    );
    const origin = inputs.origins.find((o) => o.domainName === "toucan-api.example.com")!;
    for (const b of behaviors) {
      assert.equal(b.targetOriginId, origin.originId);
      assert.equal(b.cachePolicyId, "4135ea2d-6df8-44a3-9df3-4b5a84be39ad"); // Managed-CachingDisabled
    }
  });

  it("THEN every viewer header (Authorization and Host included), cookie and query string is forwarded", async () => {
    const { inputs } = distributionOf((await built("sameDomain")).recording);
    for (const b of apiBehaviors(inputs)) {
      assert.equal(b.originRequestPolicyId, "216adef6-5c7f-47e4-b989-5492eafa07d3"); // Managed-AllViewer
      // AllViewer forwards Authorization only together with CachingDisabled.
      assert.equal(b.cachePolicyId, MANAGED_POLICY_IDS.cachingDisabled);
    }
  });

  it("GIVEN forwardHostHeader false THEN AllViewerExceptHostHeader", async () => {
    const { recording } = await built("customSameDomain");
    for (const b of apiBehaviors(distributionOf(recording).inputs)) {
      assert.equal(b.originRequestPolicyId, "b689b0a8-53d0-40ab-baf2-68738e2966ac");
    }
  });

  it("THEN all 7 methods are allowed on the API", async () => {
    const { inputs } = distributionOf((await built("sameDomain")).recording);
    for (const b of apiBehaviors(inputs)) {
      assert.deepEqual([...b.allowedMethods].sort(), [
        "DELETE",
        "GET",
        "HEAD",
        "OPTIONS",
        "PATCH",
        "POST",
        "PUT",
      ]);
    }
  });

  it("THEN a viewer-request CloudFront Function strips the prefix before the backend", async () => {
    const { recording } = await built("sameDomain");
    const strip = recording.byType(FUNCTION).find((f) => f.inputs.code === STRIP_API_PREFIX_FUNCTION_CODE);
    assert.ok(strip, "a function with the strip-prefix code");
    assert.equal(strip.inputs.runtime, "cloudfront-js-2.0");
    assert.equal(strip.inputs.publish, true);
    for (const b of apiBehaviors(distributionOf(recording).inputs)) {
      assert.deepEqual(b.functionAssociations, [
        { eventType: "viewer-request", functionArn: strip.outputs.arn },
      ]);
    }
    assert.equal(
      loadFunction(strip.inputs.code as string)(viewerRequest("/_api/small-apps")).uri,
      "/small-apps",
    );
  });

  it("THEN the backend's origin is HTTPS only, TLS 1.2, with a 60 s read timeout", async () => {
    const { inputs } = distributionOf((await built("sameDomain")).recording);
    const origin = inputs.origins.find((o) => o.domainName === "toucan-api.example.com")!;
    assert.deepEqual(
      {
        protocol: origin.customOriginConfig!.originProtocolPolicy,
        tls: origin.customOriginConfig!.originSslProtocols,
        timeout: origin.customOriginConfig!.originReadTimeout,
      },
      { protocol: "https-only", tls: ["TLSv1.2"], timeout: 60 },
    );
  });

  it("THEN API_BASEROUTE is https://<name>/_api in tc-params.js and in the output", async () => {
    const { site, recording } = await built("sameDomain");
    assert.equal(await valueOf(site.apiBaseRoute), `https://${DOMAIN}/_api`);
    const deployment = deploymentOf(recording);
    assert.equal(parseTcParams(deployment.tcParams).API_BASEROUTE, `https://${DOMAIN}/_api`);
    assert.equal(deployment.apiBaseRoute, `https://${DOMAIN}/_api`);
  });

  it("THEN the backend's errors are not replaced: no custom error responses, app routes use a function instead", async () => {
    const { recording } = await built("sameDomain");
    const { inputs } = distributionOf(recording);
    assert.deepEqual(inputs.customErrorResponses, []);
    const [association] = inputs.defaultCacheBehavior.functionAssociations!;
    assert.equal(association.eventType, "viewer-request");
    const fallback = recording.byType(FUNCTION).find((f) => f.outputs.arn === association.functionArn)!;
    const handler = loadFunction(fallback.inputs.code as string);
    assert.equal(handler(viewerRequest("/my-app/stories")).uri, "/index.html");
    assert.equal(handler(viewerRequest("/")).uri, "/index.html");
    assert.equal(handler(viewerRequest("/scripts/tc-params.js")).uri, "/scripts/tc-params.js");
  });
});

describe("StaticFrontend: publishing the files", () => {
  it("THEN ONE deployment resource publishes into the bucket and invalidates the distribution", async () => {
    const { recording } = await built("twoNames");
    const deployment = recording.one(DEPLOYMENT);
    const inputs = deploymentOf(recording);
    assert.equal(inputs.bucket, recording.one(BUCKET).outputs.bucket);
    assert.equal(inputs.region, "eu-west-1");
    assert.equal(inputs.distributionId, recording.one(DISTRIBUTION).outputs.id);
    assert.equal(inputs.gracePeriodSeconds, 7 * 24 * 3600);
    assert.equal(deployment.parent, recording.one(COMPONENT).urn);
    for (const type of [
      "aws:s3/bucketPublicAccessBlock:BucketPublicAccessBlock",
      "aws:s3/bucketVersioning:BucketVersioning",
    ]) {
      assert.ok(deployment.dependencies.includes(recording.one(type).urn), `waits for ${type}`);
    }
  });

  it("THEN tc-params.js given to it parses back (prefix stripped, strict JSON) with API_BASEROUTE", async () => {
    const { recording } = await built("customTwoNames");
    assert.deepEqual(parseTcParams(deploymentOf(recording).tcParams), {
      API_BASEROUTE: "https://toucan-api.example.com",
      MIXPANEL_ANALYTICS_ID: "mp-token",
      DEFAULT_LANGUAGE: "fr",
    });
  });

  it("THEN the folder's digest covers the generated files, which are served no-cache", async () => {
    const { recording } = await built("twoNames");
    const inputs = deploymentOf(recording);
    assert.equal(inputs.source.kind, "directory");
    if (inputs.source.kind !== "directory") return;
    assert.equal(inputs.source.path, site);
    const overrides = siteOverrides(site, inputs.tcParams, inputs.apiBaseRoute);
    const manifest = buildManifest(site, { overrides });
    assert.equal(inputs.source.manifestDigest, manifest.digest);
    const entry = (p: string) => manifest.entries.find((e) => e.path === p)!;
    assert.equal(entry(TC_PARAMS_PATH).cacheControl, CACHE_NO_CACHE);
    assert.equal(entry(EMBED_PARAMS_PATH).cacheControl, CACHE_NO_CACHE);
    assert.equal(entry("index.html").cacheControl, CACHE_NO_CACHE);
    assert.equal(JSON.parse(overrides[EMBED_PARAMS_PATH]).API_BASEROUTE, "https://toucan-api.example.com");
    assert.equal(
      JSON.parse(overrides[EMBED_PARAMS_PATH]).EMBED_THEME,
      "light",
      "the image's other keys survive",
    );
  });

  it("GIVEN 50 files or 5,000 files THEN the same resources are registered", async function () {
    this.timeout(20_000);
    const small = writeSite(path.join(scratch, "site-50"), 50);
    const large = writeSite(path.join(scratch, "site-5000"), 5_000);
    const count = async (dir: string) => {
      const { recording } = await build(twoNames({ assets: { directory: dir } }));
      return recording.resources.map((r) => `${r.type}::${r.name}`).sort();
    };
    const [a, b] = [await count(small), await count(large)];
    assert.equal(a.length, b.length);
    assert.deepEqual(a, b);
  });

  it("GIVEN an image THEN nothing is fetched at plan time: the reference goes to the deployment", async () => {
    // An unresolvable registry: extracting at plan time would fail.
    const { recording } = await built("customSameDomain");
    assert.deepEqual(deploymentOf(recording).source, {
      kind: "image",
      image: "registry.invalid/toucantoco/frontend:v100.5.1",
      platform: { os: "linux", architecture: "arm64" },
    });
  });

  it("GIVEN registry credentials THEN the deployment receives them as a secret", async () => {
    const { recording } = await built("customSameDomain");
    const credentials = recording.one(DEPLOYMENT).inputs.registryCredentials;
    assert.ok(credentials instanceof Secret, "registryCredentials is a secret");
    assert.deepEqual(reveal(credentials), { username: "robot", password: "s3cret" });
  });

  it("THEN the serialized provider is a small shim that carries none of the pipeline", async () => {
    const { recording } = await built("twoNames");
    const text = recording.one(DEPLOYMENT).inputs.__provider as string;
    assert.equal(typeof text, "string");
    assert.ok(text.length < 8_000, `__provider is ${text.length} characters`);
    assert.ok(text.includes("deploy-provider"), "it loads the implementation by its package subpath");
    for (const pipelinePart of ["syncToS3(", "extractImageFiles(", "PutObjectCommand", "renderTcParams("]) {
      assert.ok(!text.includes(pipelinePart), `does not serialize ${pipelinePart}`);
    }
  });

  it("THEN the serialized provider, loaded like Pulumi's provider process does, delegates to the implementation", async () => {
    const { recording } = await built("twoNames");
    const text = recording.one(DEPLOYMENT).inputs.__provider as string;
    // The loader Pulumi's dynamic provider process uses (a dependency of @pulumi/pulumi).
    const pulumiDir = path.dirname(require.resolve("@pulumi/pulumi/package.json"));
    const requireFromString = require(require.resolve("require-from-string", { paths: [pulumiDir] })) as (
      code: string,
    ) => { handler(): pulumi.dynamic.ResourceProvider };
    const provider = requireFromString(text).handler();
    const inputs = deploymentOf(recording);
    const same = await provider.diff!("id", inputs, inputs);
    assert.equal(same.changes, false);
    const changed = await provider.diff!("id", inputs, { ...inputs, tcParams: "window.TC_PARAMS = {};\n" });
    assert.equal(changed.changes, true);
    await provider.delete!("id", inputs); // loads nothing, touches nothing
  });

  it("THEN building the component takes well under a few seconds, the first time included", async () => {
    await built("twoNames");
    // The first build loads @pulumi/aws's modules and Pulumi's closure serializer (which loads TypeScript):
    // about 1.5 s on a busy machine, once per process.
    assert.ok(firstBuildMs !== undefined && firstBuildMs < 4_000, `the first build took ${firstBuildMs} ms`);
    const start = process.hrtime.bigint();
    await build(sameDomain({ assets: { image: "quay.io/toucantoco/frontend:v100.5.2" } }));
    const ms = Number(process.hrtime.bigint() - start) / 1e6;
    assert.ok(ms < 1_000, `took ${ms.toFixed(0)} ms`);
  });

  it("GIVEN preview THEN the same resources are registered as in an update", async () => {
    for (const kind of ["twoNames", "sameDomain"] as const) {
      const { recording: update } = await built(kind);
      const { recording: preview } = await build(SHAPES[kind](), true);
      assert.deepEqual(preview.resources.map((r) => r.urn).sort(), update.resources.map((r) => r.urn).sort());
    }
  });
});

describe("StaticFrontend: an existing bucket", () => {
  const existing = {
    name: "corp-toucan-site",
    arn: "arn:aws:s3:::corp-toucan-site",
    regionalDomainName: "corp-toucan-site.s3.eu-west-1.amazonaws.com",
  };

  let attached: ReturnType<typeof build> | undefined;
  const withExisting = () => (attached ??= build(twoNames({ existingBucket: existing })));

  it("GIVEN existingBucket THEN no bucket resource is made and the site is published there", async () => {
    const { site, recording } = await withExisting();
    assert.deepEqual(
      recording.built.filter((r) => r.type.startsWith("aws:s3/bucket") && r.type !== POLICY),
      [],
    );
    assert.equal(deploymentOf(recording).bucket, existing.name);
    assert.equal(deploymentOf(recording).region, "eu-west-1");
    assert.equal(await valueOf(site.bucketName), existing.name);
    assert.equal(await valueOf(site.bucketArn), existing.arn);
    const { inputs } = distributionOf(recording);
    assert.equal(inputs.origins[0].domainName, existing.regionalDomainName);
  });

  it("THEN the read policy is attached to it (replacing its policy), naming the distribution", async () => {
    const { recording } = await withExisting();
    assert.equal(recording.one(POLICY).inputs.bucket, existing.name);
    const allow = bucketPolicyOf(recording).find((s) => s.Effect === "Allow")!;
    assert.equal(allow.Resource, `${existing.arn}/*`);
    assert.deepEqual(allow.Condition, {
      StringEquals: { "AWS:SourceArn": recording.one(DISTRIBUTION).outputs.arn },
    });
  });

  it("GIVEN attachPolicy false THEN no policy is attached, and the bucketPolicy output holds it to merge", async () => {
    const { site, recording } = await build(
      twoNames({ existingBucket: { ...existing, attachPolicy: false } }),
    );
    assert.equal(recording.byType(POLICY).length, 0);
    const policy = JSON.parse((await valueOf(site.bucketPolicy)) as string) as {
      Statement: PolicyStatement[];
    };
    assert.ok(
      policy.Statement.some(
        (s) => s.Condition?.StringEquals?.["AWS:SourceArn"] === recording.one(DISTRIBUTION).outputs.arn,
      ),
    );
  });
});

describe("StaticFrontend: bad input fails before anything is registered", () => {
  async function failure(args: StaticFrontendArgs, name = "toucan-site") {
    const { error, recording } = await recordFailure(() => new StaticFrontend(name, args));
    assert.deepEqual(recording.built, []);
    assert.ok(error instanceof ToucanArgumentError, `${error}`);
    return error;
  }

  it("GIVEN frameAncestors that is not a CSP host source THEN names frameAncestors", async () => {
    for (const site of ["intranet.example.com", "https://a.example.com/path", "*", "https://a b.com"]) {
      const error = await failure(twoNames({ frameAncestors: [site] }));
      assert.equal(error.argument, "frameAncestors", site);
      assert.match(error.message, /is not a CSP host source/);
    }
  });

  it("GIVEN frameAncestors with frameOptions SAMEORIGIN THEN names frameOptions (it would block those sites)", async () => {
    const error = await failure(
      twoNames({ frameAncestors: ["https://intranet.example.com"], frameOptions: "SAMEORIGIN" }),
    );
    assert.equal(error.argument, "frameOptions");
    assert.match(error.message, /remove frameOptions/);
  });

  it("GIVEN no source for the files THEN names `assets`", async () => {
    const error = await failure(twoNames({ assets: {} as StaticFrontendArgs["assets"] }));
    assert.equal(error.argument, "assets");
    assert.match(error.message, /names no source/);
  });

  it("GIVEN both a directory and an image THEN names `assets`", async () => {
    const error = await failure(
      twoNames({ assets: { directory: site, image: IMAGE } as StaticFrontendArgs["assets"] }),
    );
    assert.match(error.message, /both a directory and an image/);
  });

  it("GIVEN a folder without index.html THEN names assets.directory and the fix", async () => {
    const empty = path.join(scratch, "no-index");
    fs.mkdirSync(empty, { recursive: true });
    fs.writeFileSync(path.join(empty, "app.js"), "x");
    const error = await failure(twoNames({ assets: { directory: empty } }));
    assert.equal(error.argument, "assets.directory");
    assert.match(error.message, /no index\.html/);
  });

  it("GIVEN a folder that does not exist THEN names assets.directory", async () => {
    const error = await failure(twoNames({ assets: { directory: path.join(scratch, "missing") } }));
    assert.match(error.message, /does not exist/);
  });

  it("GIVEN an unparseable image reference THEN names assets.image", async () => {
    const error = await failure(sameDomain({ assets: { image: "https://quay.io/Toucan/Frontend" } }));
    assert.equal(error.argument, "assets.image");
    assert.match(error.message, /quay\.io\/toucantoco\/frontend:v100\.5\.1/);
  });

  it("GIVEN api without an origin THEN names api.originDomainName", async () => {
    const error = await failure(sameDomain({ api: {} as StaticFrontendArgs["api"] }));
    assert.equal(error.argument, "api.originDomainName");
  });

  it("GIVEN an origin with a scheme THEN names api.originDomainName", async () => {
    const error = await failure(sameDomain({ api: { originDomainName: "https://toucan-api.example.com/" } }));
    assert.equal(error.argument, "api.originDomainName");
  });

  it("GIVEN neither api nor apiBaseRoute THEN names apiBaseRoute", async () => {
    const error = await failure(twoNames({ apiBaseRoute: undefined }));
    assert.equal(error.argument, "apiBaseRoute");
    assert.match(error.message, /api/);
  });

  it("GIVEN both api and apiBaseRoute THEN names apiBaseRoute", async () => {
    const error = await failure(sameDomain({ apiBaseRoute: "https://toucan-api.example.com" }));
    assert.equal(error.argument, "apiBaseRoute");
  });

  it("GIVEN an http:// apiBaseRoute THEN says https", async () => {
    const error = await failure(twoNames({ apiBaseRoute: "http://toucan-api.example.com" }));
    assert.match(error.message, /https/);
  });

  it("GIVEN a certificate outside us-east-1 THEN names certificateArn and us-east-1", async () => {
    const error = await failure(
      twoNames({
        certificateArn: "arn:aws:acm:eu-west-1:123456789012:certificate/0b6bd7e1-aaaa-bbbb-cccc-0123456789ab",
      }),
    );
    assert.equal(error.argument, "certificateArn");
    assert.match(error.message, /eu-west-1.*us-east-1/);
  });

  it("GIVEN a URL instead of a domain name THEN names domainName", async () => {
    const error = await failure(twoNames({ domainName: "https://toucan.example.com" }));
    assert.equal(error.argument, "domainName");
  });

  it("GIVEN neither zoneId nor certificateArn THEN names zoneId", async () => {
    const error = await failure(twoNames({ zoneId: undefined }));
    assert.equal(error.argument, "zoneId");
  });

  it("GIVEN a name S3 cannot use THEN names it", async () => {
    const error = await failure(twoNames(), "Toucan_Site");
    assert.equal(error.argument, "name");
  });

  it("GIVEN several problems THEN reports them all at once", async () => {
    const error = await failure(
      twoNames({ zoneId: undefined, apiBaseRoute: undefined, assets: { image: "UPPER/Case" } }),
    );
    for (const argument of ["zoneId", "apiBaseRoute", "assets.image"])
      assert.match(error.message, new RegExp(argument));
  });

  it("reads the region of a certificate ARN", () => {
    assert.equal(certificateRegion(US_EAST_1_CERT), "us-east-1");
    assert.equal(certificateRegion("arn:aws:iam::123456789012:server-certificate/x"), undefined);
  });
});

// ---------------------------------------------------------------------------------------------------
// The dynamic provider, for real against an S3 API on loopback.

interface S3rverServer {
  run(): Promise<{ port: number }>;
  close(): Promise<void>;
}
const S3rver: new (options: {
  address: string;
  port: number;
  silent: boolean;
  directory: string;
  configureBuckets: Array<{ name: string; configs: string[] }>;
}) => S3rverServer = require("s3rver");

/** Records the invalidations a deployment asks for. */
class FakeCloudFront implements InvalidationClient {
  readonly calls: Array<{ distributionId: string; paths: string[] }> = [];
  async send(command: CreateInvalidationCommand): Promise<CreateInvalidationCommandOutput> {
    const input = command.input;
    this.calls.push({ distributionId: input.DistributionId!, paths: input.InvalidationBatch!.Paths!.Items! });
    return { Invalidation: { Id: `I${this.calls.length}` } } as CreateInvalidationCommandOutput;
  }
}

describe("StaticFrontend: the deployment provider against a real S3 API", function () {
  this.timeout(15_000);
  const bucket = "toucan-deploy";
  let server: S3rverServer;
  let s3: S3Client;
  let puts: string[] = [];
  let cloudfront: FakeCloudFront;
  let siteDir: string;

  before(async () => {
    const dir = path.join(scratch, "s3");
    server = new S3rver({
      address: "127.0.0.1",
      port: 0,
      silent: true,
      directory: dir,
      configureBuckets: [{ name: bucket, configs: [] }],
    });
    const { port } = await server.run();
    s3 = new S3Client({
      region: "eu-west-1",
      endpoint: `http://127.0.0.1:${port}`,
      forcePathStyle: true,
      credentials: { accessKeyId: "S3RVER", secretAccessKey: "S3RVER" },
    });
    s3.middlewareStack.add(
      (next, context) => async (args) => {
        const input = args.input as { Key?: string };
        if (context.commandName === "PutObjectCommand" && input.Key) puts.push(input.Key);
        return next(args);
      },
      { step: "initialize", name: "recordPuts" },
    );
    siteDir = writeSite(path.join(scratch, "deploy-site"), 8);
  });

  after(async () => {
    s3?.destroy();
    await server?.close();
  });

  beforeEach(() => {
    puts = [];
    cloudfront = new FakeCloudFront();
  });

  const tcParams = 'window.TC_PARAMS = {\n  "API_BASEROUTE": "https://toucan-api.example.com"\n};\n';
  function inputs(extra: Partial<SiteDeploymentInputs> = {}): SiteDeploymentInputs {
    const apiBaseRoute = "https://toucan-api.example.com";
    const manifest = buildManifest(siteDir, { overrides: siteOverrides(siteDir, tcParams, apiBaseRoute) });
    return {
      bucket,
      region: "eu-west-1",
      source: { kind: "directory", path: siteDir, manifestDigest: manifest.digest },
      tcParams,
      apiBaseRoute,
      gracePeriodSeconds: 3600,
      distributionId: "E2QWRUHAPOMQZL",
      ...extra,
    };
  }
  const provider = () => siteDeployProvider({ s3: () => s3, cloudfront: () => cloudfront });
  let created: SiteDeploymentOutputs;

  it("GIVEN an empty bucket WHEN created THEN uploads every file and invalidates them", async () => {
    const given = inputs();
    const result = await provider().create(given);
    created = result.outs!;
    const files = buildManifest(siteDir).entries.map((e) => e.path);
    assert.deepEqual(puts.filter((k) => !k.startsWith(".toucan/")).sort(), [...files].sort());
    assert.equal(cloudfront.calls.length, 1);
    assert.equal(cloudfront.calls[0].distributionId, "E2QWRUHAPOMQZL");
    assert.ok(cloudfront.calls[0].paths.includes("/index.html"));
    assert.ok(cloudfront.calls[0].paths.includes(`/${TC_PARAMS_PATH}`));
    assert.equal(created.uploaded, files.length);
    assert.equal(created.invalidationId, "I1");
    assert.equal(
      created.manifestDigest,
      given.source.kind === "directory" ? given.source.manifestDigest : "",
    );
    assert.equal(result.id, `s3://${bucket}`);
  });

  it("THEN the generated tc-params.js is in the bucket, served no-cache", async () => {
    const head = await s3.send(new HeadObjectCommand({ Bucket: bucket, Key: TC_PARAMS_PATH }));
    assert.equal(head.CacheControl, CACHE_NO_CACHE);
    assert.equal(head.ContentType, "text/javascript; charset=utf-8");
  });

  it("GIVEN the same manifest WHEN updated THEN uploads nothing and makes no invalidation call", async () => {
    const result = await provider().update!(
      "s3://toucan-deploy",
      created,
      inputs({ gracePeriodSeconds: 7200 }),
    );
    assert.deepEqual(
      puts.filter((k) => !k.startsWith(".toucan/")),
      [],
    );
    assert.equal(cloudfront.calls.length, 0);
    assert.equal(result.outs!.uploaded, 0);
    assert.equal(result.outs!.invalidationId, undefined);
  });

  it("GIVEN new settings WHEN updated THEN uploads and invalidates only the changed tc-params.js", async () => {
    const other = 'window.TC_PARAMS = {\n  "API_BASEROUTE": "https://api2.example.com"\n};\n';
    await provider().update!("s3://toucan-deploy", created, inputs({ tcParams: other }));
    assert.deepEqual(
      puts.filter((k) => !k.startsWith(".toucan/")),
      [TC_PARAMS_PATH],
    );
    assert.deepEqual(cloudfront.calls, [{ distributionId: "E2QWRUHAPOMQZL", paths: [`/${TC_PARAMS_PATH}`] }]);
  });

  it("WHEN deleted THEN leaves the objects in place", async () => {
    await provider().delete!("s3://toucan-deploy", created);
    const head = await s3.send(new HeadObjectCommand({ Bucket: bucket, Key: "index.html" }));
    assert.equal(head.CacheControl, CACHE_NO_CACHE);
  });
});

describe("StaticFrontend: when the deployment runs again (diff)", () => {
  const base: SiteDeploymentInputs = {
    bucket: "b",
    region: "eu-west-1",
    source: { kind: "directory", path: "/home/a/site", manifestDigest: "sha256:aa" },
    tcParams: "window.TC_PARAMS = {};\n",
    apiBaseRoute: "https://api.example.com",
    gracePeriodSeconds: 60,
    distributionId: "E1",
  };

  const cases: Array<[string, Partial<SiteDeploymentInputs>, boolean]> = [
    ["nothing changed", {}, false],
    [
      "the folder moved, same content",
      { source: { kind: "directory", path: "/ci/site", manifestDigest: "sha256:aa" } },
      false,
    ],
    ["registry credentials rotated", { registryCredentials: { username: "u", password: "p2" } }, false],
    [
      "the content changed",
      { source: { kind: "directory", path: "/home/a/site", manifestDigest: "sha256:bb" } },
      true,
    ],
    ["tc-params.js changed", { tcParams: 'window.TC_PARAMS = {"A": 1};\n' }, true],
    ["another image", { source: { kind: "image", image: IMAGE } }, true],
    ["another distribution", { distributionId: "E2" }, true],
    ["another bucket", { bucket: "c" }, true],
  ];
  for (const [label, change, expected] of cases) {
    it(`GIVEN ${label} THEN ${expected ? "publishes again" : "does nothing"}, and never replaces`, () => {
      const result = diffSiteDeployment(base, { ...base, ...change });
      assert.equal(result.changes, expected);
      assert.deepEqual(result.replaces, []);
    });
  }
});

describe("StaticFrontend: the deployment resource on its own", () => {
  it("registers one pulumi-nodejs dynamic resource with the inputs and the serialized provider", async () => {
    const { recording } = await record(
      () =>
        new SiteDeployment("d", {
          bucket: "b",
          region: "eu-west-1",
          source: { kind: "image", image: IMAGE },
          tcParams: "window.TC_PARAMS = {};\n",
          apiBaseRoute: "https://api.example.com",
          gracePeriodSeconds: 60,
          distributionId: "E1",
        }),
    );
    const resource = recording.one(DEPLOYMENT, "d");
    assert.equal(resource.inputs.bucket, "b");
    assert.equal(typeof resource.inputs.__provider, "string");
  });
});
