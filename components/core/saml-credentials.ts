/**
 * The SAML2 service provider's key pair and self-signed certificate, made in the stack with @pulumi/tls
 * (platform-free: the AWS and single-host variants both use it).
 *
 * Rotation: the certificate is valid `validityDays` days; within its last 30 days, the next `pulumi up`
 * issues a new one (`earlyRenewalHours`). The IdP must then be given the new SP metadata
 * (`<backend>/auth/provider/<id>/metadata`) and the instance settings the new block.
 */
import * as pulumi from "@pulumi/pulumi";
import * as tls from "@pulumi/tls";

/** Days before expiry when `pulumi up` renews the SP certificate. */
export const SAML_RENEWAL_DAYS = 30;

export interface SamlCredentials {
  /** The SP private key (PEM), a Pulumi secret. */
  privateKeyPem: pulumi.Output<string>;
  /** The SP certificate (PEM). */
  certificatePem: pulumi.Output<string>;
}

export function createSamlCredentials(
  name: string,
  commonName: pulumi.Input<string>,
  validityDays: number,
  opts: pulumi.CustomResourceOptions,
): SamlCredentials {
  const key = new tls.PrivateKey(`${name}-key`, { algorithm: "RSA", rsaBits: 2048 }, opts);
  const cert = new tls.SelfSignedCert(
    `${name}-cert`,
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
