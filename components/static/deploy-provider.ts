/**
 * The StaticFrontend's publishing step as ONE Pulumi resource, whatever the number of files: a dynamic
 * resource whose create/update reads the site (a folder, or the files extracted from the frontend image),
 * uploads what changed to S3 (`syncToS3`) and invalidates exactly those paths on CloudFront.
 *
 * It has two halves:
 * - {@link SITE_DEPLOY_PROVIDER}, what Pulumi serializes into the state (the `__provider` input): a
 *   few lines that load this file inside the provider process (`pulumi-toucan/site-deploy-provider`
 *   from the project's node_modules, or the source of a checkout) and delegate to it. They hold no path,
 *   so the state is the same from every machine. Pulumi's
 *   closure serializer walks everything a provider's functions reference; handing it the real
 *   implementation would drag the pipeline modules and the AWS SDK through it on every plan.
 * - {@link siteDeployProvider}, the implementation, run in the provider process (and by the tests with
 *   an S3 API on loopback and a fake CloudFront client).
 *
 * Deleting the resource leaves the objects where they are: the bucket is protected and retained on
 * delete by default, and a site that vanishes when a resource is renamed would be an outage. The
 * objects go with the bucket (`protect: false` turns on the bucket's `forceDestroy`).
 */
import * as fs from "fs";
import * as path from "path";
import * as pulumi from "@pulumi/pulumi";
import type { S3Client } from "@aws-sdk/client-s3";
import type { Platform } from "./oci";
import type { InvalidationClient } from "./sync";
import type { AwsSettings } from "./aws-settings";
import { AssetManifest, buildManifest } from "./manifest";
import { EMBED_PARAMS_PATH, TC_PARAMS_PATH, renderEmbedParams } from "./tc-params";

/** Where the site's files come from. */
export type SiteSource =
  | {
      kind: "directory";
      /** Absolute path of the site folder (it holds index.html). */
      path: string;
      /** The manifest digest computed when the program ran: what tells Pulumi the site changed. */
      manifestDigest: string;
    }
  | {
      kind: "image";
      /** The image reference, e.g. `quay.io/toucantoco/frontend:v100.5.1`. */
      image: string;
      /** The platform picked from a multi-platform image (linux/amd64 when unset). */
      platform?: Platform;
      /** Folder of the site inside the image (/usr/share/nginx/html when unset). */
      assetPrefix?: string;
    };

/** What the deployment resource receives. */
export interface SiteDeploymentInputs {
  /** Name of the bucket the site is published to. */
  bucket: string;
  /** Region of the bucket. */
  region: string;
  source: SiteSource;
  /** Credentials for a private registry (image sources only). Never returned as an output. */
  registryCredentials?: { username: string; password: string };
  /** The content of `scripts/tc-params.js`. */
  tcParams: string;
  /** `API_BASEROUTE`, set in `embed-params.json` over the site's own copy. */
  apiBaseRoute: string;
  /** Seconds a file dropped by a release stays in the bucket for pages loaded before it. */
  gracePeriodSeconds: number;
  /** The CloudFront distribution to invalidate. */
  distributionId: string;
  /**
   * The account and credentials of the AWS provider around the component (region, profile, keys, shared
   * files, assumed roles, web identity): the site is written with exactly those. A secret; never an output.
   */
  aws?: AwsSettings;
}

/** What the deployment resource reports after a create or update. */
export interface SiteDeploymentOutputs extends Omit<SiteDeploymentInputs, "registryCredentials" | "aws"> {
  /** Digest of the manifest that was published. */
  manifestDigest: string;
  /** Digest of the image manifest the files came from (image sources only). */
  imageDigest?: string;
  fileCount: number;
  /** How many files this run uploaded. */
  uploaded: number;
  /** How many files of earlier releases this run deleted (their grace period was over). */
  deleted: number;
  /** Id of the CloudFront invalidation, when something changed. */
  invalidationId?: string;
  /** The paths invalidated (at most the first 100). */
  invalidatedPaths: string[];
  releasedAt: string;
}

/** How the implementation reaches AWS; tests replace these. */
export interface SiteDeployClients {
  s3: (region: string) => S3Client;
  cloudfront: () => InvalidationClient;
  log: (message: string) => void;
  now: () => Date;
  /** Cache folder for extracted images (see `extractImageFiles`). */
  cacheDir: string;
}

/** Inputs whose change means the site must be published again. */
const DIFF_KEYS = [
  "bucket",
  "region",
  "source",
  "tcParams",
  "apiBaseRoute",
  "gracePeriodSeconds",
  "distributionId",
] as const;

/**
 * The generated files that replace the site's copies: `scripts/tc-params.js` as given, and
 * `embed-params.json` with `API_BASEROUTE` set over the site's own copy (other keys survive).
 * The component calls it at construction (manifest digest of a folder) and the provider at deploy time,
 * so both see the same bytes.
 */
export function siteOverrides(
  siteDir: string,
  tcParams: string,
  apiBaseRoute: string,
): Record<string, string> {
  const embedFile = path.join(siteDir, ...EMBED_PARAMS_PATH.split("/"));
  const base = fs.existsSync(embedFile) ? fs.readFileSync(embedFile) : undefined;
  return {
    [TC_PARAMS_PATH]: tcParams,
    [EMBED_PARAMS_PATH]: renderEmbedParams({ apiBaseRoute }, base),
  };
}

/** The manifest of a site folder with its generated files, as the provider will publish it. */
export function siteManifest(siteDir: string, tcParams: string, apiBaseRoute: string): AssetManifest {
  return buildManifest(siteDir, { overrides: siteOverrides(siteDir, tcParams, apiBaseRoute) });
}

/** What identifies a source's content: a folder by its digest (not its path, which differs per machine). */
function sourceIdentity(source: SiteSource | undefined): unknown {
  if (source === undefined || typeof source !== "object") return source;
  if (source.kind === "directory") return { kind: source.kind, manifestDigest: source.manifestDigest };
  return {
    kind: source.kind,
    image: source.image,
    platform: source.platform ?? null,
    assetPrefix: source.assetPrefix ?? null,
  };
}

function stableJson(value: unknown): string {
  return JSON.stringify(value, (_key, v: unknown) =>
    v !== null && typeof v === "object" && !Array.isArray(v)
      ? Object.fromEntries(Object.entries(v as Record<string, unknown>).sort(([a], [b]) => (a < b ? -1 : 1)))
      : v,
  );
}

/**
 * Whether the site must be published again. Nothing is ever replaced: a new bucket or distribution
 * is an update that publishes everything there. Registry credentials and the folder's path are not
 * compared (rotating a password or moving the checkout republishes nothing).
 */
export function diffSiteDeployment(
  olds: Partial<SiteDeploymentOutputs>,
  news: SiteDeploymentInputs,
): pulumi.dynamic.DiffResult {
  const changed = DIFF_KEYS.filter((key) => {
    const before = key === "source" ? sourceIdentity(olds.source) : olds[key];
    const after = key === "source" ? sourceIdentity(news.source) : news[key];
    return stableJson(before) !== stableJson(after);
  });
  return { changes: changed.length > 0, replaces: [], deleteBeforeReplace: false };
}

/** Publishes the site: extract or read, manifest, sync, invalidate. */
export async function deploySite(
  inputs: SiteDeploymentInputs,
  clients: Partial<SiteDeployClients> = {},
): Promise<SiteDeploymentOutputs> {
  // Loaded here, not at the top: the component imports this file at plan time, which needs none of it.
  const { extractImageFiles } = require("./oci") as typeof import("./oci");
  const { syncToS3, invalidationPaths, createInvalidation } = require("./sync") as typeof import("./sync");
  const log = clients.log ?? (() => undefined);
  const now = clients.now?.() ?? new Date();
  const { source } = inputs;

  let siteDir: string;
  let imageDigest: string | undefined;
  if (source.kind === "image") {
    const extracted = await extractImageFiles({
      image: source.image,
      platform: source.platform,
      prefix: source.assetPrefix,
      credentials: inputs.registryCredentials,
      cacheDir: clients.cacheDir,
      log,
    });
    siteDir = extracted.dir;
    imageDigest = extracted.digest;
  } else {
    siteDir = source.path;
  }
  const overrides = siteOverrides(siteDir, inputs.tcParams, inputs.apiBaseRoute);
  const manifest = buildManifest(siteDir, { overrides });
  if (source.kind === "directory" && manifest.digest !== source.manifestDigest) {
    log(`${siteDir} changed since the program ran; publishing its current content (${manifest.digest})`);
  }

  const ownClients: { destroy(): void }[] = [];
  // The provider's credentials; none set: the SDK's default chain, as the provider's own.
  const { credentialsFor } = require("./aws-settings") as typeof import("./aws-settings");
  const credentials = credentialsFor(inputs.aws);
  const auth = credentials ? { credentials } : {};
  try {
    let s3: S3Client;
    if (clients.s3) {
      s3 = clients.s3(inputs.region);
    } else {
      const { S3Client: Client } = require("@aws-sdk/client-s3") as typeof import("@aws-sdk/client-s3");
      s3 = new Client({ region: inputs.region, ...auth });
      ownClients.push(s3);
    }
    const result = await syncToS3({
      client: s3,
      bucket: inputs.bucket,
      sourceDir: siteDir,
      manifest,
      overrides,
      gracePeriodSeconds: inputs.gracePeriodSeconds,
      now,
      log,
    });

    const paths = invalidationPaths(result.changedPaths);
    let invalidationId: string | undefined;
    if (paths.length > 0) {
      let cloudfront: InvalidationClient;
      if (clients.cloudfront) {
        cloudfront = clients.cloudfront();
      } else {
        const { CloudFrontClient } =
          require("@aws-sdk/client-cloudfront") as typeof import("@aws-sdk/client-cloudfront");
        // CloudFront's API lives in us-east-1 whatever the stack's region.
        const client = new CloudFrontClient({ region: "us-east-1", ...auth });
        ownClients.push(client);
        cloudfront = client;
      }
      invalidationId = await createInvalidation(cloudfront, inputs.distributionId, paths);
      log(`invalidated ${paths.length} path(s) on ${inputs.distributionId}`);
    }

    const outputs: SiteDeploymentOutputs = {
      bucket: inputs.bucket,
      region: inputs.region,
      source: inputs.source,
      tcParams: inputs.tcParams,
      apiBaseRoute: inputs.apiBaseRoute,
      gracePeriodSeconds: inputs.gracePeriodSeconds,
      distributionId: inputs.distributionId,
      manifestDigest: manifest.digest,
      fileCount: manifest.entries.length,
      uploaded: result.uploaded.length,
      deleted: result.deleted.length,
      invalidatedPaths: paths.slice(0, 100),
      releasedAt: result.state.releasedAt,
    };
    if (imageDigest !== undefined) outputs.imageDigest = imageDigest;
    if (invalidationId !== undefined) outputs.invalidationId = invalidationId;
    return outputs;
  } finally {
    for (const client of ownClients) client.destroy();
  }
}

/**
 * The provider's implementation. Production passes no clients (the AWS SDK's default credential chain,
 * with the credentials of the stack's AWS provider, `aws`); tests pass an S3 client for s3rver and a fake
 * CloudFront client.
 */
export function siteDeployProvider(
  clients: Partial<SiteDeployClients> = {},
): pulumi.dynamic.ResourceProvider<SiteDeploymentInputs, SiteDeploymentOutputs> {
  return {
    async diff(_id, olds, news) {
      return diffSiteDeployment(olds, news);
    },
    async create(inputs) {
      const outs = await deploySite(inputs, clients);
      return { id: `s3://${inputs.bucket}`, outs };
    },
    async update(_id, _olds, news) {
      return { outs: await deploySite(news, clients) };
    },
    async delete() {
      // The objects stay: see the file's comment.
    },
  };
}

// ---------------------------------------------------------------------------------------------------
// The serialized half. Everything below the line that a provider method references ends up in the
// state, so it references nothing imported and nothing of the machine that ran the program (no path):
// a teammate or CI running from another checkout, or from the installed package, serializes the same
// text and sees no diff. It finds the implementation in the provider process, whose working folder is
// the Pulumi project's.

/** The subpath the installed package exposes this file under (`exports` in package.json). */
const PACKAGE_SUBPATH = "pulumi-toucan/site-deploy-provider";

function loadImplementation(): typeof import("./deploy-provider") {
  try {
    // The installed package (the project's node_modules), as built JavaScript.
    return require(PACKAGE_SUBPATH) as typeof import("./deploy-provider");
  } catch (err) {
    const missing = (err as { code?: string }).code === "MODULE_NOT_FOUND";
    if (!missing || !String((err as Error).message).includes(PACKAGE_SUBPATH)) throw err;
  }
  // A program run from a checkout of this library (its root program): its source, under ts-node.
  const path = require("path") as typeof import("path");
  const fs = require("fs") as typeof import("fs");
  for (let dir = process.cwd(); ; dir = path.dirname(dir)) {
    const source = path.join(dir, "components", "static", "deploy-provider.ts");
    const manifest = path.join(dir, "package.json");
    if (
      fs.existsSync(source) &&
      fs.existsSync(manifest) &&
      (JSON.parse(fs.readFileSync(manifest, "utf8")) as { name?: string }).name === "pulumi-toucan"
    ) {
      if (!(process as unknown as Record<symbol, unknown>)[Symbol.for("ts-node.register.instance")]) {
        const tsNode = require(require.resolve("ts-node", { paths: [dir] })) as {
          register(options: { transpileOnly: boolean; projectSearchDir: string }): unknown;
        };
        tsNode.register({ transpileOnly: true, projectSearchDir: dir });
      }
      return require(source) as typeof import("./deploy-provider");
    }
    if (path.dirname(dir) === dir) {
      throw new Error(
        `${PACKAGE_SUBPATH} not found from ${process.cwd()}: install pulumi-toucan in the Pulumi project`,
      );
    }
  }
}

/**
 * The provider Pulumi serializes: it loads {@link siteDeployProvider} in the provider process.
 * `delete` loads nothing, so deleting works even after the library moved.
 */
const SITE_DEPLOY_PROVIDER: pulumi.dynamic.ResourceProvider<SiteDeploymentInputs, SiteDeploymentOutputs> = {
  diff: (id, olds, news) => loadImplementation().siteDeployProvider().diff!(id, olds, news),
  create: (inputs) => loadImplementation().siteDeployProvider().create(inputs),
  update: (id, olds, news) => loadImplementation().siteDeployProvider().update!(id, olds, news),
  delete: async () => undefined,
};

/** The arguments of {@link SiteDeployment}: its inputs, each possibly an Output. */
export type SiteDeploymentArgs = {
  [K in keyof SiteDeploymentInputs]: pulumi.Input<SiteDeploymentInputs[K]>;
};

/**
 * Publishes a site to S3 and invalidates what changed: one resource for the whole site. Used by
 * `StaticFrontend`; see this file's comment.
 */
export class SiteDeployment extends pulumi.dynamic.Resource {
  declare readonly bucket: pulumi.Output<string>;
  declare readonly manifestDigest: pulumi.Output<string>;
  declare readonly imageDigest: pulumi.Output<string | undefined>;
  declare readonly fileCount: pulumi.Output<number>;
  declare readonly invalidationId: pulumi.Output<string | undefined>;
  declare readonly releasedAt: pulumi.Output<string>;

  constructor(name: string, args: SiteDeploymentArgs, opts: pulumi.CustomResourceOptions = {}) {
    super(
      SITE_DEPLOY_PROVIDER,
      name,
      {
        ...args,
        manifestDigest: undefined,
        imageDigest: undefined,
        fileCount: undefined,
        invalidationId: undefined,
        releasedAt: undefined,
      },
      opts,
    );
  }
}
