/**
 * The AWS provider around a component, and what must act with exactly its account and credentials:
 *
 * - {@link awsSettingsAround}: the settings as plain data, for the static site's deployment (a dynamic
 *   resource that writes to S3 and CloudFront with the AWS SDK, in its own process);
 * - {@link usEast1Provider}: a second provider for us-east-1 (CloudFront's certificate, its metrics and
 *   alarms), which must deploy into the same account with the same credentials and default tags.
 *
 * The provider around a component is the explicit `aws` provider given to it or to an ancestor
 * (`provider`, `providers`), else the stack's default provider, which reads the stack's `aws:` config. An
 * explicit provider's settings are read back through its `terraformConfig()` method: the provider object
 * does not expose the arguments it was built with.
 */
import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";
import { AwsSettings, normalizeAwsSettings, stackAwsSettings } from "../static/aws-settings";

/** The token of the `aws` provider's `terraformConfig` method. */
export const TERRAFORM_CONFIG = "pulumi:providers:aws/terraformConfig";

/** The explicit `aws` provider the component's children use, if one was given to it or an ancestor. */
export function explicitAwsProvider(component: pulumi.Resource): pulumi.ProviderResource | undefined {
  return component.getProvider("aws::Provider");
}

const configs = new WeakMap<pulumi.ProviderResource, pulumi.Output<Record<string, unknown>>>();

/** An explicit provider's configuration, Terraform-cased (`assume_role`, `default_tags`...), asked once. */
function terraformConfig(provider: pulumi.ProviderResource): pulumi.Output<Record<string, unknown>> {
  const known = configs.get(provider);
  if (known !== undefined) return known;
  const method = (provider as Partial<aws.Provider>).terraformConfig;
  const result: pulumi.Output<{ result?: Record<string, unknown> }> =
    typeof method === "function"
      ? method.call(provider)
      : pulumi.runtime.call(TERRAFORM_CONFIG, { __self__: provider }, provider);
  const config = result.apply((r) => r.result ?? {});
  configs.set(provider, config);
  return config;
}

/**
 * The account and credentials of the provider around `component`, as data (a secret: it may hold keys):
 * the explicit provider's settings, else the stack's `aws:` config.
 */
export function awsSettingsAround(component: pulumi.Resource): pulumi.Output<AwsSettings> {
  const provider = explicitAwsProvider(component);
  if (provider === undefined) return pulumi.secret(stackAwsSettings());
  return pulumi.secret(terraformConfig(provider).apply((config) => normalizeAwsSettings(config)));
}

/**
 * The stack's default provider's settings for a us-east-1 copy: what picks the account and the credentials,
 * read from the stack's `aws:` config (an explicit provider does not read it). Keys stay secrets.
 */
function stackUsEast1Args(): aws.ProviderArgs {
  const config = new pulumi.Config("aws");
  const settings: aws.ProviderArgs = { region: "us-east-1" };
  const profile = config.get("profile");
  if (profile !== undefined) settings.profile = profile;
  for (const key of [
    "sharedConfigFiles",
    "sharedCredentialsFiles",
    "allowedAccountIds",
    "forbiddenAccountIds",
  ] as const) {
    const value = config.getObject<string[]>(key);
    if (value !== undefined) settings[key] = value;
  }
  const assumeRoles = config.getObject<aws.types.input.ProviderAssumeRole[]>("assumeRoles");
  if (assumeRoles !== undefined) settings.assumeRoles = assumeRoles;
  const webIdentity =
    config.getObject<aws.types.input.ProviderAssumeRoleWithWebIdentity>("assumeRoleWithWebIdentity");
  if (webIdentity !== undefined) settings.assumeRoleWithWebIdentity = webIdentity;
  const defaultTags = config.getObject<aws.types.input.ProviderDefaultTags>("defaultTags");
  if (defaultTags !== undefined) settings.defaultTags = defaultTags;
  for (const key of ["accessKey", "secretKey", "token"] as const) {
    if (config.get(key) !== undefined) settings[key] = config.getSecret(key);
  }
  return settings;
}

/**
 * An explicit provider's settings for a us-east-1 copy, each read from its `terraformConfig()`: plain as in
 * the provider itself, the keys made secrets again by the provider's constructor.
 */
function explicitUsEast1Args(component: pulumi.Resource): aws.ProviderArgs {
  const settings = pulumi.unsecret(awsSettingsAround(component));
  const field = <K extends keyof AwsSettings>(key: K) => settings.apply((s) => s[key]);
  return {
    region: "us-east-1",
    profile: field("profile"),
    accessKey: field("accessKey"),
    secretKey: field("secretKey"),
    token: field("token"),
    sharedConfigFiles: field("sharedConfigFiles"),
    sharedCredentialsFiles: field("sharedCredentialsFiles"),
    allowedAccountIds: field("allowedAccountIds"),
    forbiddenAccountIds: field("forbiddenAccountIds"),
    assumeRoles: field("assumeRoles"),
    assumeRoleWithWebIdentity: field("assumeRoleWithWebIdentity"),
    defaultTags: field("defaultTags"),
  };
}

/**
 * A provider for us-east-1 with the account, credentials and default tags of the provider around
 * `component` (CloudFront only uses certificates from us-east-1 and publishes its metrics there).
 */
export function usEast1Provider(component: pulumi.Resource, name: string): aws.Provider {
  const args =
    explicitAwsProvider(component) === undefined ? stackUsEast1Args() : explicitUsEast1Args(component);
  return new aws.Provider(name, args, { parent: component });
}
