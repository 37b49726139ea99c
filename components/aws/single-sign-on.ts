import * as pulumi from "@pulumi/pulumi";
import * as aws from "@pulumi/aws";
import { ArgumentChecks } from "../core/errors";
import { SsoProvider, SsoSettings, providerBlock, toYaml, validateSsoSettings } from "../core/sso";
import {
  ProviderWiring,
  SamlCredentials,
  SsoProviderOutputs,
  ssoOutputs,
  wireOidcProvider,
  wireSamlProvider,
} from "../core/sso-wiring";

export type { SsoProviderOutputs } from "../core/sso-wiring";

/** An Amazon Cognito user pool as the OpenID Connect provider, for a team that has no IdP yet. */
export interface CognitoIdentityProviderArgs {
  /**
   * The provider id in Toucan (part of the callback URL).
   * @default "cognito"
   */
  providerId?: string;
  /**
   * Prefix of the hosted sign-in domain, `https://<prefix>.auth.<region>.amazoncognito.com`: lower-case
   * letters, digits and `-`, unique in the region, without "aws", "amazon" or "cognito".
   */
  domainPrefix: string;
  /**
   * Display name on Toucan's login page.
   * @default "Sign in"
   */
  name?: string;
}

export interface SingleSignOnArgs extends SsoSettings {
  /** The backend's public base URL (`API_BASEROUTE`): the SAML entity id and the base of every SSO URL. */
  backendUrl: pulumi.Input<string>;
  /** The frontend URL: where users land after login (`defaultRedirectUrl`). */
  frontendUrl: pulumi.Input<string>;
  /**
   * Create an Amazon Cognito user pool as an OIDC provider (app client with exactly Toucan's callback
   * URL, hosted sign-in domain).
   * @default none
   */
  cognito?: CognitoIdentityProviderArgs;
  /**
   * KMS key (ARN) for the secrets holding the SP keys.
   * @default the AWS managed key `aws/secretsmanager`
   */
  kmsKeyId?: pulumi.Input<string>;
  /**
   * Protect the SP keys' secrets and the Cognito user pool (deletion protection on) from deletion.
   * @default true
   */
  protect?: boolean;
  /** Tags for every resource. @default none */
  tags?: Record<string, string>;
}

const COMPONENT = "toucan:aws:SingleSignOn";

/** Checks SingleSignOn arguments; throws every problem at once, before anything is registered. */
export function validateSingleSignOnArgs(
  name: string,
  args: SingleSignOnArgs,
): { providers: SsoProvider[]; validityDays: number } {
  const checks = new ArgumentChecks(`SingleSignOn "${name}"`);
  const { providers, validityDays } = validateSsoSettings(checks, "", args);
  const cognito = args.cognito;
  if (cognito) {
    const id = cognito.providerId ?? "cognito";
    checks.require(
      !providers.some((p) => p.id === id),
      "cognito.providerId",
      id,
      "is already the id of a provider in `providers`",
      "give the Cognito provider another id",
    );
    checks.require(
      /^[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?$/.test(cognito.domainPrefix ?? "") &&
        !/aws|amazon|cognito/.test(cognito.domainPrefix ?? ""),
      "cognito.domainPrefix",
      cognito.domainPrefix,
      "is not a Cognito domain prefix (1-63 lower-case letters, digits and '-', without aws, amazon or cognito)",
      'use e.g. "acme-toucan"',
    );
  }
  checks.throwIfAny();
  return { providers, validityDays };
}

/**
 * Single sign-on wiring for Toucan's SSO providers (SAML2 and OpenID Connect), as the vendor's FAQ
 * describes it: the service-provider URLs, a SAML2 SP key and certificate per SAML2 provider (kept in
 * Secrets Manager), the provider block to paste into the instance settings, and, optionally, an Amazon
 * Cognito user pool as a ready OIDC provider.
 */
export class SingleSignOn extends pulumi.ComponentResource {
  /** Per provider id: its URLs (entity id, ACS, metadata, or callback) and SP certificate. */
  readonly providers: pulumi.Output<Record<string, SsoProviderOutputs>>;
  /**
   * Per provider id: the block to paste into the instance settings, YAML in the vendor's form. A secret:
   * SAML2 blocks hold the SP private key, the Cognito block its client secret.
   */
  readonly providerBlocks: pulumi.Output<Record<string, string>>;
  /** The Cognito user pool's id, when `cognito` is set. */
  readonly cognitoUserPoolId: pulumi.Output<string> | undefined;

  constructor(name: string, args: SingleSignOnArgs, opts: pulumi.ComponentResourceOptions = {}) {
    const { providers, validityDays } = validateSingleSignOnArgs(name, args);
    super(COMPONENT, name, {}, opts);
    const protect = args.protect ?? true;
    const tags = args.tags ?? {};
    const urls = { backendUrl: args.backendUrl, frontendUrl: args.frontendUrl };
    const wirings = providers.map((provider) =>
      provider.type === "OIDC"
        ? wireOidcProvider(provider, urls)
        : wireSamlProvider(this, `${name}-${provider.id}`, provider, urls, validityDays, (credentials) =>
            this.storeCredentials(
              `${name}-${provider.id}`,
              provider,
              credentials,
              args.kmsKeyId,
              protect,
              tags,
            ),
          ),
    );
    if (args.cognito) {
      const cognito = this.createCognito(name, args, args.cognito, protect, tags);
      this.cognitoUserPoolId = cognito.userPoolId;
      wirings.push(cognito.wiring);
    }
    const { providers: outputs, providerBlocks } = ssoOutputs(wirings);
    this.providers = outputs;
    this.providerBlocks = providerBlocks;
    this.registerOutputs({ providers: this.providers, providerBlocks: this.providerBlocks });
  }

  /** The SP key and certificate in a Secrets Manager secret (for the backend or an operator); its ARN. */
  private storeCredentials(
    prefix: string,
    provider: SsoProvider,
    credentials: SamlCredentials,
    kmsKeyId: pulumi.Input<string> | undefined,
    protect: boolean,
    tags: Record<string, string>,
  ): pulumi.Output<string> {
    const secret = new aws.secretsmanager.Secret(
      `${prefix}-sp`,
      {
        description: `SAML2 service provider key and certificate of SSO provider ${provider.id}`,
        kmsKeyId,
        tags,
      },
      { parent: this, protect },
    );
    new aws.secretsmanager.SecretVersion(
      `${prefix}-sp-value`,
      {
        secretId: secret.id,
        secretString: pulumi.secret(
          pulumi
            .all([credentials.privateKeyPem, credentials.certificatePem])
            .apply(([privateKey, certificate]) => JSON.stringify({ privateKey, certificate })),
        ),
      },
      { parent: this },
    );
    return secret.arn;
  }

  private createCognito(
    name: string,
    args: SingleSignOnArgs,
    cognito: CognitoIdentityProviderArgs,
    protect: boolean,
    tags: Record<string, string>,
  ): { userPoolId: pulumi.Output<string>; wiring: ProviderWiring } {
    const provider: SsoProvider = {
      id: cognito.providerId ?? "cognito",
      type: "OIDC",
      name: cognito.name ?? "Sign in",
    };
    const { outputs } = wireOidcProvider(provider, args);
    const pool = new aws.cognito.UserPool(
      `${name}-users`,
      {
        usernameAttributes: ["email"],
        autoVerifiedAttributes: ["email"],
        // Users are invited by an administrator: no self sign-up into a company's BI.
        adminCreateUserConfig: { allowAdminCreateUserOnly: true },
        passwordPolicy: {
          minimumLength: 12,
          requireLowercase: true,
          requireUppercase: true,
          requireNumbers: true,
          requireSymbols: false,
          temporaryPasswordValidityDays: 7,
        },
        mfaConfiguration: "OPTIONAL",
        softwareTokenMfaConfiguration: { enabled: true },
        deletionProtection: protect ? "ACTIVE" : "INACTIVE",
        tags,
      },
      { parent: this, protect },
    );
    const client = new aws.cognito.UserPoolClient(
      `${name}-toucan`,
      {
        userPoolId: pool.id,
        generateSecret: true,
        allowedOauthFlowsUserPoolClient: true,
        allowedOauthFlows: ["code"],
        allowedOauthScopes: ["openid", "email", "profile"],
        callbackUrls: [outputs.apply((o) => o.callbackUrl!)],
        supportedIdentityProviders: ["COGNITO"],
        preventUserExistenceErrors: "ENABLED",
        enableTokenRevocation: true,
      },
      { parent: this },
    );
    new aws.cognito.UserPoolDomain(
      `${name}-domain`,
      { domain: cognito.domainPrefix, userPoolId: pool.id },
      { parent: this },
    );
    const region = aws.getRegionOutput({}, { parent: this }).region;
    const block = pulumi
      .all([outputs, region, pool.id, client.id, client.clientSecret])
      .apply(([urls, r, poolId, clientId, clientSecret]) => {
        const hosted = `https://${cognito.domainPrefix}.auth.${r}.amazoncognito.com`;
        const issuer = `https://cognito-idp.${r}.amazonaws.com/${poolId}`;
        const withIdp: SsoProvider = {
          ...provider,
          oidc: {
            issuer,
            authorizationEndpoint: `${hosted}/oauth2/authorize`,
            tokenEndpoint: `${hosted}/oauth2/token`,
            userinfoEndpoint: `${hosted}/oauth2/userInfo`,
            revocationEndpoint: `${hosted}/oauth2/revoke`,
            jwksUri: `${issuer}/.well-known/jwks.json`,
            scopes: ["openid", "email", "profile"],
          },
        };
        return toYaml(providerBlock(withIdp, { urls, clientId, clientSecret }));
      });
    return { userPoolId: pool.id, wiring: { id: provider.id, outputs, block } };
  }
}
