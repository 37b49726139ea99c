/**
 * The AWS account and credentials of the provider around a component, as plain data: what the static
 * site's deployment (a dynamic resource, run in its own process) needs to write with exactly the
 * credentials the rest of the stack uses, and what a second provider (us-east-1) copies.
 *
 * - {@link stackAwsSettings} (program side): the stack's `aws:` config (the default provider's);
 *   {@link normalizeAwsSettings} also reads a provider's `terraformConfig()` form.
 * - {@link credentialsFor} (provider process): an AWS SDK credential provider from them: static keys,
 *   else a profile and shared files, else the SDK's default chain (environment, SSO, IMDS...), then the web
 *   identity role and the chain of `assumeRoles`, in order, as the Terraform AWS provider does.
 */
import * as fs from "fs";
import * as pulumi from "@pulumi/pulumi";

/** One role of `aws:assumeRoles` (the provider's `assumeRoles`). */
export interface AssumeRoleSettings {
  roleArn?: string;
  sessionName?: string;
  externalId?: string;
  /** A Go duration, e.g. `1h` or `15m30s`. */
  duration?: string;
  policy?: string;
  policyArns?: string[];
  sourceIdentity?: string;
  tags?: Record<string, string>;
  transitiveTagKeys?: string[];
}

/** `aws:assumeRoleWithWebIdentity`. */
export interface WebIdentitySettings {
  roleArn?: string;
  sessionName?: string;
  webIdentityToken?: string;
  webIdentityTokenFile?: string;
  duration?: string;
  policy?: string;
  policyArns?: string[];
}

/** What picks the account and the credentials. */
export interface AwsSettings {
  region?: string;
  profile?: string;
  accessKey?: string;
  secretKey?: string;
  token?: string;
  sharedConfigFiles?: string[];
  sharedCredentialsFiles?: string[];
  assumeRoles?: AssumeRoleSettings[];
  assumeRoleWithWebIdentity?: WebIdentitySettings;
  allowedAccountIds?: string[];
  forbiddenAccountIds?: string[];
  defaultTags?: { tags?: Record<string, string> };
}

const KEYS: Record<string, keyof AwsSettings> = {
  region: "region",
  profile: "profile",
  accessKey: "accessKey",
  secretKey: "secretKey",
  token: "token",
  sharedConfigFiles: "sharedConfigFiles",
  sharedCredentialsFiles: "sharedCredentialsFiles",
  assumeRoles: "assumeRoles",
  assumeRole: "assumeRoles",
  assumeRoleWithWebIdentity: "assumeRoleWithWebIdentity",
  allowedAccountIds: "allowedAccountIds",
  forbiddenAccountIds: "forbiddenAccountIds",
  defaultTags: "defaultTags",
};

/** `role_arn` -> `roleArn`, at every depth except inside tag maps. */
function camel(value: unknown, inTags = false): unknown {
  if (Array.isArray(value)) return value.map((v) => camel(v));
  if (value === null || typeof value !== "object") return value;
  return Object.fromEntries(
    Object.entries(value as Record<string, unknown>).map(([k, v]) => {
      const key = inTags ? k : k.replace(/_([a-z])/g, (_m, c: string) => c.toUpperCase());
      return [key, camel(v, !inTags && key === "tags")];
    }),
  );
}

/**
 * The settings from a provider configuration, either form: the stack's `aws:` keys (camelCase, `assumeRoles`)
 * or a provider's `terraformConfig()` (snake_case, `assume_role`). Empty values are dropped.
 */
export function normalizeAwsSettings(config: Record<string, unknown>): AwsSettings {
  const out: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(camel(config) as Record<string, unknown>)) {
    const target = KEYS[key];
    if (target === undefined || value === undefined || value === null || value === "") continue;
    if (Array.isArray(value) && value.length === 0) continue;
    // Terraform keeps a single block as a list of one.
    out[target] =
      target === "assumeRoleWithWebIdentity" || target === "defaultTags"
        ? Array.isArray(value)
          ? value[0]
          : value
        : target === "assumeRoles" && !Array.isArray(value)
          ? [value]
          : value;
  }
  return out as AwsSettings;
}

/** The stack's `aws:` config: what the default provider uses. */
export function stackAwsSettings(): AwsSettings {
  const config = new pulumi.Config("aws");
  const raw: Record<string, unknown> = {};
  for (const key of ["region", "profile", "accessKey", "secretKey", "token"]) raw[key] = config.get(key);
  for (const key of [
    "sharedConfigFiles",
    "sharedCredentialsFiles",
    "assumeRoles",
    "assumeRoleWithWebIdentity",
    "allowedAccountIds",
    "forbiddenAccountIds",
    "defaultTags",
  ]) {
    raw[key] = config.getObject(key);
  }
  return normalizeAwsSettings(raw);
}

/** Seconds of a Go duration (`1h`, `15m`, `1h30m`, `900s`). */
export function durationSeconds(duration: string | undefined): number | undefined {
  if (duration === undefined || duration === "") return undefined;
  const parts = /^(?:(\d+)h)?(?:(\d+)m)?(?:(\d+)s)?$/.exec(duration);
  if (!parts || duration === "")
    throw new Error(`cannot read the duration "${duration}" (use e.g. 1h or 15m)`);
  return Number(parts[1] ?? 0) * 3600 + Number(parts[2] ?? 0) * 60 + Number(parts[3] ?? 0);
}

export interface Credentials {
  accessKeyId: string;
  secretAccessKey: string;
  sessionToken?: string;
  expiration?: Date;
}
export type CredentialProvider = () => Promise<Credentials>;

/** The SDK pieces {@link credentialsFor} uses; tests replace them. */
export interface CredentialSources {
  defaultChain(init: { profile?: string }): CredentialProvider;
  fromIni(init: { profile?: string; filepath?: string; configFilepath?: string }): CredentialProvider;
  fromWebToken(init: {
    roleArn: string;
    roleSessionName: string;
    webIdentityToken: string;
    durationSeconds?: number;
    policy?: string;
    policyArns?: { arn: string }[];
    clientConfig: { region?: string };
  }): CredentialProvider;
  assumeRole(
    source: CredentialProvider,
    region: string | undefined,
    params: Record<string, unknown>,
  ): CredentialProvider;
  readFile(file: string): string;
}

const SESSION_NAME = "pulumi-toucan-site";

/**
 * The credentials of `settings`, as the Terraform AWS provider builds them: static keys, else the profile
 * and shared files, else the default chain; with a web identity role, its credentials instead; then each
 * role of `assumeRoles` in order, the previous credentials assuming the next role.
 */
export function credentialsFor(
  settings: AwsSettings | undefined,
  sources: CredentialSources = sdkCredentialSources(),
): CredentialProvider | undefined {
  const s = settings ?? {};
  const region = s.region;
  let credentials: CredentialProvider | undefined;
  if (s.accessKey && s.secretKey) {
    const fixed: Credentials = {
      accessKeyId: s.accessKey,
      secretAccessKey: s.secretKey,
      ...(s.token ? { sessionToken: s.token } : {}),
    };
    credentials = async () => fixed;
  } else if (s.profile || s.sharedConfigFiles?.length || s.sharedCredentialsFiles?.length) {
    credentials = sources.fromIni({
      ...(s.profile ? { profile: s.profile } : {}),
      ...(s.sharedCredentialsFiles?.length ? { filepath: s.sharedCredentialsFiles[0] } : {}),
      ...(s.sharedConfigFiles?.length ? { configFilepath: s.sharedConfigFiles[0] } : {}),
    });
  }
  const web = s.assumeRoleWithWebIdentity;
  if (web?.roleArn) {
    const token =
      web.webIdentityToken ??
      (web.webIdentityTokenFile ? sources.readFile(web.webIdentityTokenFile) : undefined);
    if (!token) throw new Error("assumeRoleWithWebIdentity needs webIdentityToken or webIdentityTokenFile");
    credentials = sources.fromWebToken({
      roleArn: web.roleArn,
      roleSessionName: web.sessionName ?? SESSION_NAME,
      webIdentityToken: token.trim(),
      ...(web.duration ? { durationSeconds: durationSeconds(web.duration) } : {}),
      ...(web.policy ? { policy: web.policy } : {}),
      ...(web.policyArns?.length ? { policyArns: web.policyArns.map((arn) => ({ arn })) } : {}),
      clientConfig: { region },
    });
  }
  for (const role of s.assumeRoles ?? []) {
    if (!role.roleArn) continue;
    credentials = sources.assumeRole(credentials ?? sources.defaultChain({}), region, {
      RoleArn: role.roleArn,
      RoleSessionName: role.sessionName ?? SESSION_NAME,
      ...(role.externalId ? { ExternalId: role.externalId } : {}),
      ...(role.duration ? { DurationSeconds: durationSeconds(role.duration) } : {}),
      ...(role.policy ? { Policy: role.policy } : {}),
      ...(role.policyArns?.length ? { PolicyArns: role.policyArns.map((arn) => ({ arn })) } : {}),
      ...(role.sourceIdentity ? { SourceIdentity: role.sourceIdentity } : {}),
      ...(role.tags && Object.keys(role.tags).length > 0
        ? { Tags: Object.entries(role.tags).map(([Key, Value]) => ({ Key, Value })) }
        : {}),
      ...(role.transitiveTagKeys?.length ? { TransitiveTagKeys: role.transitiveTagKeys } : {}),
    });
  }
  return credentials;
}

/** The installed AWS SDK's credential providers and STS client (loaded when first used). */
export function sdkCredentialSources(): CredentialSources {
  return {
    defaultChain: (init) =>
      (
        require("@aws-sdk/credential-provider-node") as { defaultProvider(i: object): CredentialProvider }
      ).defaultProvider(init),
    fromIni: (init) =>
      (require("@aws-sdk/credential-provider-ini") as { fromIni(i: object): CredentialProvider }).fromIni(
        init,
      ),
    fromWebToken: (init) =>
      (
        require("@aws-sdk/credential-provider-web-identity") as {
          fromWebToken(i: object): CredentialProvider;
        }
      ).fromWebToken(init),
    assumeRole: (source, region, params) => async () => {
      const sts = require("@aws-sdk/nested-clients/sts") as {
        STSClient: new (c: object) => {
          send(command: unknown): Promise<{ Credentials?: Record<string, unknown> }>;
          destroy(): void;
        };
        AssumeRoleCommand: new (input: object) => unknown;
      };
      const client = new sts.STSClient({ ...(region ? { region } : {}), credentials: source });
      try {
        const { Credentials: c } = await client.send(new sts.AssumeRoleCommand(params));
        if (!c) throw new Error(`AssumeRole ${String(params.RoleArn)} returned no credentials`);
        return {
          accessKeyId: c.AccessKeyId as string,
          secretAccessKey: c.SecretAccessKey as string,
          sessionToken: c.SessionToken as string,
          expiration: c.Expiration as Date,
        };
      } finally {
        client.destroy();
      }
    },
    readFile: (file) => fs.readFileSync(file, "utf8"),
  };
}
