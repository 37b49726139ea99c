/**
 * Single sign-on wiring, as the vendor's sysadmin FAQ ("How can I setup SSO on my instance") describes
 * it: every URL an identity provider needs is derived from the backend's public URL, and each provider
 * gets the block to paste into the instance settings (`instance_settings.cson`, `auth providers`).
 * Platform-free and pure: the AWS and the single-host variants both use it.
 */
import { ArgumentChecks } from "./errors";

export type SsoProviderType = "SAML2" | "OIDC";

/** The identity provider's side of a SAML2 provider, when you have it (else placeholders are written). */
export interface SamlIdentityProvider {
  /** The IdP's entity id. */
  entityId: string;
  /** Its single sign-on URL. */
  singleSignOnUrl: string;
  /**
   * Binding of that URL.
   * @default "urn:oasis:names:tc:SAML:2.0:bindings:HTTP-Redirect"
   */
  binding?: string;
  /** The IdP's signing certificate (PEM or its base64 body). */
  x509cert: string;
}

/** The OpenID Connect provider's discovery values, when you have them (else placeholders are written). */
export interface OidcIdentityProvider {
  issuer: string;
  authorizationEndpoint: string;
  tokenEndpoint: string;
  userinfoEndpoint: string;
  jwksUri: string;
  /** @default none */
  revocationEndpoint?: string;
  /**
   * Scopes Toucan asks for.
   * @default ["openid", "email"] (the vendor's default)
   */
  scopes?: string[];
}

/** One SSO provider of the instance. */
export interface SsoProvider {
  /**
   * The provider id: it is part of every URL (`/auth/provider/<id>/...`). Letters, digits, `_` and `-`.
   * @example "okta"
   */
  id: string;
  /** `SAML2` or `OIDC`. */
  type: SsoProviderType;
  /**
   * Display name on the login page.
   * @default the id
   */
  name?: string;
  /**
   * Font Awesome icon id shown on the login page.
   * @default none
   */
  icon?: string;
  /** SAML2: the IdP's side, if known. @default placeholders to fill in */
  saml?: SamlIdentityProvider;
  /** OIDC: the IdP's discovery values, if known. @default placeholders to fill in */
  oidc?: OidcIdentityProvider;
}

/** The service-provider URLs of one provider, all derived from the backend URL. */
export interface SsoUrls {
  /** SAML2: the SP entity id; by the vendor's convention, the backend URL. */
  entityId?: string;
  /** SAML2: the assertion consumer service, `<backend>/auth/provider/<id>/acs` (HTTP-POST). */
  acsUrl?: string;
  /** SAML2: the SP metadata to give the IdP, `<backend>/auth/provider/<id>/metadata`. */
  metadataUrl?: string;
  /**
   * OIDC: the redirect (callback) URL to allow at the IdP, `<backend>/auth/provider/<id>/auth_callback`.
   */
  callbackUrl?: string;
  /** Where users land after login: the frontend URL. */
  defaultRedirectUrl: string;
}

export const SAML_POST_BINDING = "urn:oasis:names:tc:SAML:2.0:bindings:HTTP-POST";
export const SAML_REDIRECT_BINDING = "urn:oasis:names:tc:SAML:2.0:bindings:HTTP-Redirect";
export const SAML_NAMEID_UNSPECIFIED = "urn:oasis:names:tc:SAML:2.0:nameid-format:unspecified";
const PLACEHOLDER = (what: string) => `<${what}>`;

/** Checks a list of providers; `argument` is how the user wrote it (e.g. `sso.providers`). */
export function validateSsoProviders(
  checks: ArgumentChecks,
  argument: string,
  providers: unknown,
): SsoProvider[] {
  if (!Array.isArray(providers)) {
    checks.fail(argument, providers, "is not a list", 'give e.g. [{ id: "okta", type: "SAML2" }]');
    return [];
  }
  const seen = new Set<string>();
  providers.forEach((p: Partial<SsoProvider> | undefined, i) => {
    const at = `${argument}[${i}]`;
    const id = p?.id;
    checks.require(
      typeof id === "string" && /^[A-Za-z0-9_-]{1,64}$/.test(id),
      `${at}.id`,
      id,
      "is not a provider id (it becomes part of URLs)",
      'use letters, digits, "_" and "-", e.g. "okta" or "google_openid_connect"',
    );
    checks.require(
      p?.type === "SAML2" || p?.type === "OIDC",
      `${at}.type`,
      p?.type,
      "is not an SSO provider type",
      'use "SAML2" or "OIDC" (the vendor\'s spelling)',
    );
    if (typeof id === "string") {
      checks.require(
        !seen.has(id),
        `${at}.id`,
        id,
        "is used by two providers",
        "give each provider its own id",
      );
      seen.add(id);
    }
    checks.require(
      !(p?.type === "OIDC" && p.saml !== undefined) && !(p?.type === "SAML2" && p.oidc !== undefined),
      `${at}`,
      p?.type,
      p?.type === "OIDC" ? "has `saml` settings" : "has `oidc` settings",
      p?.type === "OIDC" ? "remove `saml`, or set type SAML2" : "remove `oidc`, or set type OIDC",
    );
  });
  return providers as SsoProvider[];
}

/** Joins a base URL (no trailing slash expected) and a path. */
function under(base: string, path: string): string {
  return `${base.replace(/\/+$/, "")}${path}`;
}

/** The URLs of one provider, from the backend's public base URL (`API_BASEROUTE`) and the frontend URL. */
export function ssoUrls(
  provider: Pick<SsoProvider, "id" | "type">,
  backendUrl: string,
  frontendUrl: string,
): SsoUrls {
  const base = `/auth/provider/${provider.id}`;
  if (provider.type === "SAML2") {
    return {
      entityId: backendUrl.replace(/\/+$/, ""),
      acsUrl: under(backendUrl, `${base}/acs`),
      metadataUrl: under(backendUrl, `${base}/metadata`),
      defaultRedirectUrl: frontendUrl,
    };
  }
  return { callbackUrl: under(backendUrl, `${base}/auth_callback`), defaultRedirectUrl: frontendUrl };
}

/** The base64 body of a PEM certificate on one line, as python-saml settings take it. */
export function pemBody(pem: string): string {
  return pem.replace(/-----(BEGIN|END) [A-Z ]+-----/g, "").replace(/\s+/g, "");
}

/** What the stack fills in for a provider's block. */
export interface ProviderBlockInputs {
  urls: SsoUrls;
  /** SAML2: the SP certificate (PEM). */
  spCertificatePem?: string;
  /** SAML2: the SP private key (PEM), needed to sign authentication requests. */
  spPrivateKeyPem?: string;
  /** OIDC: the app credentials, when the stack knows them (e.g. a Cognito app client). */
  clientId?: string;
  clientSecret?: string;
}

type YamlValue = string | boolean | number | YamlValue[] | { [key: string]: YamlValue | undefined };

/**
 * The provider block in the vendor's form (FAQ: "Complete configuration of a SAML2 auth provider" and
 * the OpenID Connect template), SP part filled, IdP part from the arguments or as `<placeholders>`.
 */
export function providerBlock(provider: SsoProvider, inputs: ProviderBlockInputs): Record<string, YamlValue> {
  const common = {
    id: provider.id,
    name: provider.name ?? provider.id,
    type: provider.type,
    ...(provider.icon ? { icon: provider.icon } : {}),
  };
  if (provider.type === "SAML2") {
    const idp = provider.saml;
    return {
      ...common,
      config: {
        defaultRedirectUrl: inputs.urls.defaultRedirectUrl,
        security: { authnRequestsSigned: true, signedMetaData: true },
        sp: {
          entityId: inputs.urls.entityId!,
          assertionConsumerService: { url: inputs.urls.acsUrl!, binding: SAML_POST_BINDING },
          NameIDFormat: SAML_NAMEID_UNSPECIFIED,
          x509cert: inputs.spCertificatePem
            ? pemBody(inputs.spCertificatePem)
            : PLACEHOLDER("SP certificate"),
          ...(inputs.spPrivateKeyPem ? { privateKey: pemBody(inputs.spPrivateKeyPem) } : {}),
        },
        idp: {
          entityId: idp?.entityId ?? PLACEHOLDER("IdP entity id"),
          singleSignOnService: {
            url: idp?.singleSignOnUrl ?? PLACEHOLDER("IdP sign-on URL"),
            binding: idp?.binding ?? SAML_REDIRECT_BINDING,
          },
          x509cert: idp ? pemBody(idp.x509cert) : PLACEHOLDER("IdP certificate"),
        },
      },
    };
  }
  const oidc = provider.oidc;
  return {
    ...common,
    config: {
      providerConfig: {
        issuer: oidc?.issuer ?? PLACEHOLDER("issuer"),
        authorization_endpoint: oidc?.authorizationEndpoint ?? PLACEHOLDER("authorization endpoint"),
        token_endpoint: oidc?.tokenEndpoint ?? PLACEHOLDER("token endpoint"),
        userinfo_endpoint: oidc?.userinfoEndpoint ?? PLACEHOLDER("userinfo endpoint"),
        ...(oidc?.revocationEndpoint ? { revocation_endpoint: oidc.revocationEndpoint } : {}),
        jwks_uri: oidc?.jwksUri ?? PLACEHOLDER("JWKS URI"),
        response_types_supported: ["code"],
        subject_types_supported: ["public"],
        id_token_signing_alg_values_supported: ["RS256"],
        scopes_supported: oidc?.scopes ?? ["openid", "email"],
        token_endpoint_auth_methods_supported: ["client_secret_basic", "client_secret_post"],
      },
      defaultRedirectUrl: inputs.urls.defaultRedirectUrl,
      appCredentials: {
        client_id: inputs.clientId ?? PLACEHOLDER("client id"),
        client_secret: inputs.clientSecret ?? PLACEHOLDER("client secret"),
      },
    },
  };
}

function yamlScalar(value: string | boolean | number): string {
  if (typeof value !== "string") return String(value);
  return `'${value.replace(/'/g, "''")}'`;
}

/** Writes a block as YAML (single-quoted strings, two-space indent), the vendor's notation. */
export function toYaml(value: Record<string, YamlValue | undefined>, indent = 0): string {
  const pad = " ".repeat(indent);
  const lines: string[] = [];
  for (const [key, v] of Object.entries(value)) {
    if (v === undefined) continue;
    if (Array.isArray(v)) {
      lines.push(`${pad}${key}: [${v.map((x) => yamlScalar(x as string)).join(", ")}]`);
    } else if (typeof v === "object") {
      lines.push(`${pad}${key}:`, toYaml(v, indent + 2));
    } else {
      lines.push(`${pad}${key}: ${yamlScalar(v)}`);
    }
  }
  return lines.join("\n");
}

/** SSO settings shared by the AWS and single-host variants. */
export interface SsoSettings {
  /**
   * The instance's SSO providers.
   * @default none
   */
  providers?: SsoProvider[];
  /**
   * Validity of each generated SAML2 service-provider certificate, in days (renewed by `pulumi up` in its
   * last 30 days).
   * @default 730
   */
  samlCertificateValidityDays?: number;
}

/** Checks `providers` and `samlCertificateValidityDays`; `prefix` is how the user reaches them (e.g. `sso.`). */
export function validateSsoSettings(
  checks: ArgumentChecks,
  prefix: string,
  sso: SsoSettings,
): { providers: SsoProvider[]; validityDays: number } {
  const providers = validateSsoProviders(checks, `${prefix}providers`, sso.providers ?? []);
  const validityDays = sso.samlCertificateValidityDays ?? 730;
  checks.require(
    Number.isInteger(validityDays) && validityDays >= 60 && validityDays <= 3650,
    `${prefix}samlCertificateValidityDays`,
    validityDays,
    "is not a whole number of days from 60 to 3650",
    "use e.g. 730 (the certificate renews 30 days before it expires)",
  );
  return { providers, validityDays };
}
