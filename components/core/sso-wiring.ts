/**
 * The resources and outputs of single sign-on that do not depend on a platform: a SAML2 service
 * provider's key pair and self-signed certificate (@pulumi/tls), each provider's URLs and block. The AWS
 * component adds Secrets Manager and Cognito; the single host uses it as it is.
 *
 * Certificate rotation: the SP certificate is valid `validityDays` days; within its last 30 days, the next
 * `pulumi up` issues a new one (`earlyRenewalHours`). Give the IdP the new SP metadata
 * (`<backend>/auth/provider/<id>/metadata`) and the instance settings the new block.
 */
import * as pulumi from "@pulumi/pulumi";
import * as tls from "@pulumi/tls";
import { SsoProvider, SsoUrls, providerBlock, ssoUrls, toYaml } from "./sso";

/** Days before expiry when `pulumi up` renews a SAML2 SP certificate. */
export const SAML_RENEWAL_DAYS = 30;

/** What a provider's identity provider needs, and what Toucan's instance settings need. */
export interface SsoProviderOutputs extends SsoUrls {
  type: "SAML2" | "OIDC";
  /** SAML2: the SP certificate (PEM), for an IdP that does not read the metadata URL. */
  certificatePem?: string;
  /** SAML2 on AWS: Secrets Manager ARN holding `{ privateKey, certificate }` of the SP. */
  credentialsSecretArn?: string;
}

/** One provider's outputs (readable without `--show-secrets`) and its block (a secret). */
export interface ProviderWiring {
  id: string;
  outputs: pulumi.Output<SsoProviderOutputs>;
  block: pulumi.Output<string>;
}

export interface SamlCredentials {
  /** The SP private key (PEM), a Pulumi secret. */
  privateKeyPem: pulumi.Output<string>;
  /** The SP certificate (PEM). */
  certificatePem: pulumi.Output<string>;
}

export interface SsoUrlInputs {
  backendUrl: pulumi.Input<string>;
  frontendUrl: pulumi.Input<string>;
}

/** The SP key pair and certificate of one SAML2 provider, for the backend's host name. */
export function createSamlCredentials(
  prefix: string,
  commonName: pulumi.Input<string>,
  validityDays: number,
  opts: pulumi.CustomResourceOptions,
): SamlCredentials {
  const key = new tls.PrivateKey(`${prefix}-key`, { algorithm: "RSA", rsaBits: 2048 }, opts);
  const cert = new tls.SelfSignedCert(
    `${prefix}-cert`,
    {
      privateKeyPem: key.privateKeyPem,
      subject: { commonName, organization: "Toucan SAML2 service provider" },
      validityPeriodHours: validityDays * 24,
      earlyRenewalHours: SAML_RENEWAL_DAYS * 24,
      allowedUses: ["digital_signature", "key_encipherment"],
    },
    opts,
  );
  return { privateKeyPem: pulumi.secret(key.privateKeyPem), certificatePem: cert.certPem };
}

/** An OIDC provider: its callback URL and its block (IdP values from the arguments or placeholders). */
export function wireOidcProvider(provider: SsoProvider, urls: SsoUrlInputs): ProviderWiring {
  const outputs = pulumi
    .all([urls.backendUrl, urls.frontendUrl])
    .apply(([backend, frontend]): SsoProviderOutputs => ({
      type: "OIDC",
      ...ssoUrls(provider, backend, frontend),
    }));
  return {
    id: provider.id,
    outputs,
    block: outputs.apply((u) => toYaml(providerBlock(provider, { urls: u }))),
  };
}

/**
 * A SAML2 provider: SP credentials, URLs and block. `store` keeps the credentials somewhere of the
 * platform's and returns where (a secret ARN on AWS).
 */
export function wireSamlProvider(
  parent: pulumi.Resource,
  prefix: string,
  provider: SsoProvider,
  urls: SsoUrlInputs,
  validityDays: number,
  store?: (credentials: SamlCredentials) => pulumi.Output<string>,
): ProviderWiring {
  const host = pulumi.output(urls.backendUrl).apply((u) => new URL(u).hostname);
  const credentials = createSamlCredentials(prefix, host, validityDays, { parent });
  const location = store ? store(credentials) : pulumi.output(undefined);
  const outputs = pulumi
    .all([urls.backendUrl, urls.frontendUrl, credentials.certificatePem, location])
    .apply(([backend, frontend, certificatePem, arn]): SsoProviderOutputs => ({
      type: "SAML2",
      ...ssoUrls(provider, backend, frontend),
      certificatePem,
      ...(arn ? { credentialsSecretArn: arn } : {}),
    }));
  // Only the block holds the private key: the URLs stay readable without --show-secrets.
  const block = pulumi.all([outputs, credentials.privateKeyPem]).apply(([o, privateKeyPem]) =>
    toYaml(
      providerBlock(provider, {
        urls: o,
        spCertificatePem: o.certificatePem,
        spPrivateKeyPem: privateKeyPem,
      }),
    ),
  );
  return { id: provider.id, outputs, block };
}

/** Every provider's outputs and blocks, keyed by provider id (the blocks as one secret). */
export function ssoOutputs(wirings: ProviderWiring[]): {
  providers: pulumi.Output<Record<string, SsoProviderOutputs>>;
  providerBlocks: pulumi.Output<Record<string, string>>;
} {
  const byId = <T>(pick: (w: ProviderWiring) => pulumi.Output<T>) =>
    pulumi.output(Object.fromEntries(wirings.map((w) => [w.id, pick(w)]))) as pulumi.Output<
      Record<string, T>
    >;
  return { providers: byId((w) => w.outputs), providerBlocks: pulumi.secret(byId((w) => w.block)) };
}
