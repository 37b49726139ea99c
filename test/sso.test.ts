import { strict as assert } from "assert";
import { X509Certificate } from "crypto";
import * as YAML from "yaml";
import { SingleSignOn, SingleSignOnArgs } from "../components/aws/single-sign-on";
import { Toucan, ToucanArgs } from "../components/aws/toucan";
import { SingleHost } from "../components/docker/single-host";
import { ConfigReader, toucanArgsFromConfig } from "../components/stack-config";
import { ArgumentChecks, ToucanArgumentError } from "../components/core/errors";
import {
  SsoProvider,
  pemBody,
  providerBlock,
  ssoUrls,
  toYaml,
  validateSsoProviders,
  validateSsoSettings,
} from "../components/core/sso";
import { Recording, record, recordFailure, valueOf } from "../components/planner/recorder";
import { reveal } from "../components/planner/values";

const KEY = "tls:index/privateKey:PrivateKey";
const CERT = "tls:index/selfSignedCert:SelfSignedCert";
const SECRET = "aws:secretsmanager/secret:Secret";
const SECRET_VERSION = "aws:secretsmanager/secretVersion:SecretVersion";
const POOL = "aws:cognito/userPool:UserPool";
const CLIENT = "aws:cognito/userPoolClient:UserPoolClient";
const DOMAIN = "aws:cognito/userPoolDomain:UserPoolDomain";

const TWO_NAMES = { backendUrl: "https://api-toucan.example.com", frontendUrl: "https://toucan.example.com" };
const SAME_DOMAIN = {
  backendUrl: "https://toucan.example.com/_api",
  frontendUrl: "https://toucan.example.com",
};

describe("SSO URLs (the vendor's FAQ, 'How can I setup SSO on my instance')", () => {
  const cases: [string, { backendUrl: string; frontendUrl: string }, SsoProvider, Record<string, string>][] =
    [
      [
        "SAML2 on two names",
        TWO_NAMES,
        { id: "okta", type: "SAML2" },
        {
          entityId: "https://api-toucan.example.com",
          acsUrl: "https://api-toucan.example.com/auth/provider/okta/acs",
          metadataUrl: "https://api-toucan.example.com/auth/provider/okta/metadata",
          defaultRedirectUrl: "https://toucan.example.com",
        },
      ],
      [
        "SAML2 on one name (backend under /_api)",
        SAME_DOMAIN,
        { id: "okta", type: "SAML2" },
        {
          entityId: "https://toucan.example.com/_api",
          acsUrl: "https://toucan.example.com/_api/auth/provider/okta/acs",
          metadataUrl: "https://toucan.example.com/_api/auth/provider/okta/metadata",
          defaultRedirectUrl: "https://toucan.example.com",
        },
      ],
      [
        "OIDC on two names",
        TWO_NAMES,
        { id: "google_openid_connect", type: "OIDC" },
        {
          callbackUrl: "https://api-toucan.example.com/auth/provider/google_openid_connect/auth_callback",
          defaultRedirectUrl: "https://toucan.example.com",
        },
      ],
      [
        "OIDC on one name",
        SAME_DOMAIN,
        { id: "azure", type: "OIDC" },
        {
          callbackUrl: "https://toucan.example.com/_api/auth/provider/azure/auth_callback",
          defaultRedirectUrl: "https://toucan.example.com",
        },
      ],
    ];
  for (const [label, urls, provider, expected] of cases) {
    it(label, () => {
      assert.deepEqual(ssoUrls(provider, urls.backendUrl, urls.frontendUrl), expected);
    });
  }

  it("writes YAML that parses back to the same block, quotes included", () => {
    const block = {
      id: "a'b",
      config: { flag: true, list: ["openid", "email"], nested: { url: "https://x/y?z=1" } },
    };
    assert.deepEqual(YAML.parse(toYaml(block)), block);
  });

  it("puts a PEM certificate's body on one line", () => {
    assert.equal(pemBody("-----BEGIN CERTIFICATE-----\nMIIB\nAAA=\n-----END CERTIFICATE-----\n"), "MIIBAAA=");
  });
});

async function buildSso(args: Partial<SingleSignOnArgs>, preview = false) {
  const { result, recording } = await record(
    () => new SingleSignOn("toucan-sso", { ...TWO_NAMES, ...args }),
    {
      preview,
      region: "eu-west-1",
    },
  );
  return { sso: result, recording };
}

describe("SingleSignOn: a SAML2 provider", () => {
  let recording: Recording;
  let sso: SingleSignOn;
  before(async () => {
    ({ recording, sso } = await buildSso({ providers: [{ id: "okta", type: "SAML2", name: "Okta" }] }));
  });

  it("generates an RSA key and a self-signed certificate for the backend's name, renewed 30 days before expiry", async () => {
    const key = recording.one(KEY);
    assert.equal(key.inputs.algorithm, "RSA");
    assert.equal(key.inputs.rsaBits, 2048);
    const cert = recording.one(CERT);
    assert.deepEqual(cert.inputs.subject, {
      commonName: "api-toucan.example.com",
      organization: "Toucan SAML2 service provider",
    });
    assert.equal(cert.inputs.validityPeriodHours, 730 * 24);
    assert.equal(cert.inputs.earlyRenewalHours, 30 * 24);
    assert.deepEqual(cert.inputs.allowedUses, ["digital_signature", "key_encipherment"]);
    // The certificate the stack outputs parses as X.509 with that subject.
    const outputs = (await valueOf(sso.providers)) as Record<string, { certificatePem: string }>;
    const x509 = new X509Certificate(outputs.okta.certificatePem);
    assert.match(x509.subject, /^CN=api-toucan\.example\.com$/m);
    assert.match(x509.subject, /^O=Toucan SAML2 service provider$/m);
    assert.equal(
      new Date(x509.validTo).getTime() - new Date(x509.validFrom).getTime(),
      730 * 24 * 3600 * 1000,
    );
  });

  it("keeps the key and certificate in a protected Secrets Manager secret, as a Pulumi secret", () => {
    const secret = recording.one(SECRET);
    assert.equal(secret.protect, true);
    const version = recording.one(SECRET_VERSION);
    assert.equal(version.inputs.secretId, secret.outputs.id);
    const stored = JSON.parse(String(reveal(version.inputs.secretString))) as Record<string, string>;
    assert.deepEqual(Object.keys(stored).sort(), ["certificate", "privateKey"]);
    assert.equal(stored.privateKey, recording.one(KEY).outputs.privateKeyPem);
    assert.equal(stored.certificate, recording.one(CERT).outputs.certPem);
  });

  it("outputs the URLs the IdP needs, not secret", async () => {
    assert.equal(await sso.providers.isSecret, false);
    const outputs = (await valueOf(sso.providers)) as unknown as Record<string, Record<string, string>>;
    assert.equal(outputs.okta.entityId, "https://api-toucan.example.com");
    assert.equal(outputs.okta.acsUrl, "https://api-toucan.example.com/auth/provider/okta/acs");
    assert.equal(outputs.okta.metadataUrl, "https://api-toucan.example.com/auth/provider/okta/metadata");
    assert.equal(outputs.okta.credentialsSecretArn, recording.one(SECRET).outputs.arn);
  });

  it("writes the vendor's SAML2 block, SP part filled, IdP part as placeholders, as a secret", async () => {
    assert.equal(await sso.providerBlocks.isSecret, true);
    const blocks = (await valueOf(sso.providerBlocks)) as Record<string, string>;
    const block = YAML.parse(blocks.okta);
    assert.equal(block.id, "okta");
    assert.equal(block.name, "Okta");
    assert.equal(block.type, "SAML2");
    assert.equal(block.config.defaultRedirectUrl, "https://toucan.example.com");
    assert.deepEqual(block.config.sp.assertionConsumerService, {
      url: "https://api-toucan.example.com/auth/provider/okta/acs",
      binding: "urn:oasis:names:tc:SAML:2.0:bindings:HTTP-POST",
    });
    assert.equal(block.config.sp.entityId, "https://api-toucan.example.com");
    assert.equal(block.config.sp.NameIDFormat, "urn:oasis:names:tc:SAML:2.0:nameid-format:unspecified");
    const cert = String(recording.one(CERT).outputs.certPem);
    assert.equal(block.config.sp.x509cert, pemBody(cert));
    assert.ok(
      new X509Certificate(
        `-----BEGIN CERTIFICATE-----\n${block.config.sp.x509cert}\n-----END CERTIFICATE-----`,
      ),
    );
    assert.equal(block.config.idp.entityId, "<IdP entity id>");
    assert.equal(
      block.config.idp.singleSignOnService.binding,
      "urn:oasis:names:tc:SAML:2.0:bindings:HTTP-Redirect",
    );
  });

  it("fills the IdP part when it is given", async () => {
    const { sso: withIdp } = await buildSso({
      providers: [
        {
          id: "adfs",
          type: "SAML2",
          saml: {
            entityId: "https://idp.example.com/adfs",
            singleSignOnUrl: "https://idp.example.com/adfs/ls",
            x509cert: "-----BEGIN CERTIFICATE-----\nIDPCERT\n-----END CERTIFICATE-----",
          },
        },
      ],
    });
    const block = YAML.parse(((await valueOf(withIdp.providerBlocks)) as Record<string, string>).adfs);
    assert.deepEqual(block.config.idp, {
      entityId: "https://idp.example.com/adfs",
      singleSignOnService: {
        url: "https://idp.example.com/adfs/ls",
        binding: "urn:oasis:names:tc:SAML:2.0:bindings:HTTP-Redirect",
      },
      x509cert: "IDPCERT",
    });
  });
});

describe("SingleSignOn: OIDC and a Cognito user pool", () => {
  let recording: Recording;
  let sso: SingleSignOn;
  before(async () => {
    ({ recording, sso } = await buildSso({
      providers: [{ id: "google", type: "OIDC", name: "Google" }],
      cognito: { domainPrefix: "acme-toucan" },
    }));
  });

  it("writes an OIDC block with the frontend as the landing page and placeholders for the IdP", async () => {
    const blocks = (await valueOf(sso.providerBlocks)) as Record<string, string>;
    const block = YAML.parse(blocks.google);
    assert.equal(block.type, "OIDC");
    assert.equal(block.config.defaultRedirectUrl, "https://toucan.example.com");
    assert.equal(block.config.appCredentials.client_id, "<client id>");
    assert.equal(block.config.providerConfig.issuer, "<issuer>");
    const outputs = (await valueOf(sso.providers)) as unknown as Record<string, Record<string, string>>;
    assert.equal(
      outputs.google.callbackUrl,
      "https://api-toucan.example.com/auth/provider/google/auth_callback",
    );
    assert.deepEqual(recording.byType(KEY), [], "no SAML key for OIDC providers");
  });

  it("creates a user pool for invited users only, deletion-protected", () => {
    const pool = recording.one(POOL);
    assert.deepEqual(pool.inputs.adminCreateUserConfig, { allowAdminCreateUserOnly: true });
    assert.equal(pool.inputs.deletionProtection, "ACTIVE");
    assert.equal(pool.protect, true);
  });

  it("registers exactly Toucan's callback URL on an authorization-code app client with a secret", () => {
    const client = recording.one(CLIENT);
    assert.equal(client.inputs.userPoolId, recording.one(POOL).outputs.id);
    assert.deepEqual(client.inputs.callbackUrls, [
      "https://api-toucan.example.com/auth/provider/cognito/auth_callback",
    ]);
    assert.deepEqual(client.inputs.allowedOauthFlows, ["code"]);
    assert.equal(client.inputs.allowedOauthFlowsUserPoolClient, true);
    assert.deepEqual(client.inputs.allowedOauthScopes, ["openid", "email", "profile"]);
    assert.equal(client.inputs.generateSecret, true);
    assert.deepEqual(client.inputs.supportedIdentityProviders, ["COGNITO"]);
    const domain = recording.one(DOMAIN);
    assert.equal(domain.inputs.domain, "acme-toucan");
  });

  it("fills the Cognito block with the pool's endpoints and the app client's credentials", async () => {
    const blocks = (await valueOf(sso.providerBlocks)) as Record<string, string>;
    const block = YAML.parse(blocks.cognito);
    const poolId = recording.one(POOL).outputs.id;
    const hosted = "https://acme-toucan.auth.eu-west-1.amazoncognito.com";
    assert.equal(block.config.providerConfig.issuer, `https://cognito-idp.eu-west-1.amazonaws.com/${poolId}`);
    assert.equal(block.config.providerConfig.authorization_endpoint, `${hosted}/oauth2/authorize`);
    assert.equal(block.config.providerConfig.token_endpoint, `${hosted}/oauth2/token`);
    assert.equal(block.config.providerConfig.userinfo_endpoint, `${hosted}/oauth2/userInfo`);
    assert.equal(
      block.config.providerConfig.jwks_uri,
      `https://cognito-idp.eu-west-1.amazonaws.com/${poolId}/.well-known/jwks.json`,
    );
    const client = recording.one(CLIENT);
    assert.equal(block.config.appCredentials.client_id, client.outputs.id);
    assert.equal(block.config.appCredentials.client_secret, reveal(client.outputs.clientSecret));
  });

  it("plans the same resources in preview", async () => {
    const { recording: preview } = await buildSso(
      { providers: [{ id: "google", type: "OIDC" }], cognito: { domainPrefix: "acme-toucan" } },
      true,
    );
    assert.deepEqual(
      preview.resources.map((r) => r.type).sort(),
      recording.resources.map((r) => r.type).sort(),
    );
  });
});

describe("SingleSignOn: bad input is refused before anything registers", () => {
  const cases: [string, Partial<SingleSignOnArgs>, string, RegExp][] = [
    ["an id with a slash", { providers: [{ id: "ok/ta", type: "SAML2" }] }, "providers[0].id", /provider id/],
    [
      "a lower-case type",
      { providers: [{ id: "okta", type: "saml2" as never }] },
      "providers[0].type",
      /SAML2/,
    ],
    [
      "two providers with one id",
      {
        providers: [
          { id: "a", type: "OIDC" },
          { id: "a", type: "SAML2" },
        ],
      },
      "providers[1].id",
      /two providers/,
    ],
    [
      "OIDC with SAML settings",
      { providers: [{ id: "a", type: "OIDC", saml: {} as never }] },
      "providers[0]",
      /saml/,
    ],
    [
      "a Cognito prefix with 'aws'",
      { cognito: { domainPrefix: "aws-toucan" } },
      "cognito.domainPrefix",
      /prefix/,
    ],
    [
      "a Cognito prefix with capitals",
      { cognito: { domainPrefix: "Acme" } },
      "cognito.domainPrefix",
      /prefix/,
    ],
    [
      "a Cognito id taken by a provider",
      { providers: [{ id: "cognito", type: "OIDC" }], cognito: { domainPrefix: "acme" } },
      "cognito.providerId",
      /already/,
    ],
    [
      "a 10-day certificate",
      { samlCertificateValidityDays: 10 },
      "samlCertificateValidityDays",
      /60 to 3650/,
    ],
  ];
  for (const [label, args, argument, problem] of cases) {
    it(`refuses ${label}`, async () => {
      const { error, recording } = await recordFailure(
        () => new SingleSignOn("toucan-sso", { ...TWO_NAMES, ...args }),
      );
      assert.ok(error instanceof ToucanArgumentError, String(error));
      assert.ok(error.message.includes(`\`${argument}\``), error.message);
      assert.match(error.message, problem);
      assert.deepEqual(recording.built, []);
    });
  }
});

describe("Toucan with sso", () => {
  const BASE: ToucanArgs = {
    version: "v100.5.1",
    frontendDomain: "toucan.example.com",
    zoneId: "Z0123456789EXAMPLE",
    sso: { providers: [{ id: "okta", type: "SAML2" }] },
  };

  it("derives the SSO URLs from the backend URL of the chosen layout (one name: /_api)", async () => {
    const { result } = await record(() => new Toucan("toucan", BASE), { region: "eu-west-1" });
    const providers = (await valueOf(result.ssoProviders!)) as unknown as Record<
      string,
      Record<string, string>
    >;
    assert.equal(providers.okta.acsUrl, "https://toucan.example.com/_api/auth/provider/okta/acs");
    assert.equal(providers.okta.entityId, "https://toucan.example.com/_api");
  });

  it("refuses bad SSO input before the first resource of the stack", async () => {
    const { error, recording } = await recordFailure(
      () => new Toucan("toucan", { ...BASE, sso: { providers: [{ id: "", type: "OIDC" }] } }),
      { region: "eu-west-1" },
    );
    assert.ok(error instanceof ToucanArgumentError, String(error));
    assert.match(error.message, /`providers\[0\]\.id`/);
    assert.deepEqual(recording.built, []);
  });
});

describe("SingleHost with sso: the same outputs as on AWS", () => {
  it("derives the URLs from the host's names and port, and makes a SAML2 SP certificate for the backend's name", async () => {
    const { result, recording } = await record(
      () =>
        new SingleHost("toucan", {
          version: "v100.5.1",
          frontendDomain: "toucan.localhost",
          backendDomain: "api-toucan.localhost",
          httpsPort: 8443,
          sso: {
            providers: [
              { id: "okta", type: "SAML2" },
              { id: "google", type: "OIDC" },
            ],
          },
        }),
    );
    const providers = (await valueOf(result.ssoProviders!)) as unknown as Record<
      string,
      Record<string, string>
    >;
    assert.equal(providers.okta.acsUrl, "https://api-toucan.localhost:8443/auth/provider/okta/acs");
    assert.equal(providers.okta.entityId, "https://api-toucan.localhost:8443");
    assert.equal(
      providers.google.callbackUrl,
      "https://api-toucan.localhost:8443/auth/provider/google/auth_callback",
    );
    assert.equal(providers.google.defaultRedirectUrl, "https://toucan.localhost:8443");
    const x509 = new X509Certificate(providers.okta.certificatePem);
    assert.match(x509.subject, /^CN=api-toucan\.localhost$/m);
    assert.equal(recording.one(CERT).inputs.validityPeriodHours, 730 * 24);
    assert.equal(await result.ssoProviderBlocks!.isSecret, true);
    const blocks = (await valueOf(result.ssoProviderBlocks!)) as Record<string, string>;
    assert.equal(YAML.parse(blocks.okta).config.sp.entityId, "https://api-toucan.localhost:8443");
    assert.deepEqual(recording.byType(SECRET), [], "no Secrets Manager on a single host");
  });

  it("refuses bad providers with the argument path the user wrote", async () => {
    const { error, recording } = await recordFailure(
      () =>
        new SingleHost("toucan", {
          version: "v100.5.1",
          frontendDomain: "toucan.localhost",
          sso: { providers: [{ id: "okta", type: "SAML" as never }] },
        }),
    );
    assert.ok(error instanceof ToucanArgumentError, String(error));
    assert.match(error.message, /`sso\.providers\[0\]\.type`/);
    assert.deepEqual(recording.built, []);
  });
});

describe("root config: Atlas and SSO keys (Pulumi.demo-atlas.yaml)", () => {
  const reader = (values: Record<string, string>) =>
    new ConfigReader({ name: "toucan", get: (key) => values[key] });
  const BASE_CONFIG = { frontendDomain: "toucan.example.com", version: "v100.5.1" };

  it("maps the Atlas keys to the atlas engine's arguments", () => {
    const args = toucanArgsFromConfig(
      reader({
        ...BASE_CONFIG,
        mongoEngine: "atlas",
        atlasOrgId: "0123456789abcdef01234567",
        atlasInstanceSize: "M30",
        atlasPointInTimeRestore: "true",
      }),
    );
    assert.deepEqual((args.mongo as { atlas: unknown }).atlas, {
      orgId: "0123456789abcdef01234567",
      projectId: undefined,
      instanceSize: "M30",
      pointInTimeRestore: true,
    });
  });

  it("reads ssoProviders as id:TYPE[:Display name] and the Cognito prefix", () => {
    const args = toucanArgsFromConfig(
      reader({
        ...BASE_CONFIG,
        ssoProviders: JSON.stringify(["okta:SAML2:Okta Workforce", "google:OIDC"]),
        ssoCognitoDomainPrefix: "acme-toucan",
      }),
    );
    assert.deepEqual(args.sso, {
      providers: [
        { id: "okta", type: "SAML2", name: "Okta Workforce" },
        { id: "google", type: "OIDC" },
      ],
      cognito: { domainPrefix: "acme-toucan" },
    });
  });

  it("refuses an entry without a type, naming the config key and the form", () => {
    assert.throws(
      () => toucanArgsFromConfig(reader({ ...BASE_CONFIG, ssoProviders: JSON.stringify(["okta"]) })),
      (e: Error) =>
        e instanceof ToucanArgumentError &&
        e.message.includes("`toucan:ssoProviders[0]`") &&
        /okta:SAML2:Okta/.test(e.message),
    );
  });
});

describe("SSO provider blocks and checks, pure (the vendor's FAQ SAML2 example and OIDC template)", () => {
  const URLS_SAML = {
    entityId: "https://api-toucan.example.com",
    acsUrl: "https://api-toucan.example.com/auth/provider/okta/acs",
    metadataUrl: "https://api-toucan.example.com/auth/provider/okta/metadata",
    defaultRedirectUrl: "https://toucan.example.com",
  };
  const URLS_OIDC = {
    callbackUrl: "https://api-toucan.example.com/auth/provider/google/auth_callback",
    defaultRedirectUrl: "https://toucan.example.com",
  };

  it("writes a SAML2 block with the SP part filled and the IdP part as <placeholders>", () => {
    assert.deepEqual(providerBlock({ id: "okta", type: "SAML2" }, { urls: URLS_SAML }), {
      id: "okta",
      name: "okta",
      type: "SAML2",
      config: {
        defaultRedirectUrl: "https://toucan.example.com",
        security: { authnRequestsSigned: true, signedMetaData: true },
        sp: {
          entityId: "https://api-toucan.example.com",
          assertionConsumerService: {
            url: "https://api-toucan.example.com/auth/provider/okta/acs",
            binding: "urn:oasis:names:tc:SAML:2.0:bindings:HTTP-POST",
          },
          NameIDFormat: "urn:oasis:names:tc:SAML:2.0:nameid-format:unspecified",
          x509cert: "<SP certificate>",
        },
        idp: {
          entityId: "<IdP entity id>",
          singleSignOnService: {
            url: "<IdP sign-on URL>",
            binding: "urn:oasis:names:tc:SAML:2.0:bindings:HTTP-Redirect",
          },
          x509cert: "<IdP certificate>",
        },
      },
    });
  });

  it("writes a SAML2 block with the SP key, the IdP given, a display name and an icon", () => {
    const block = providerBlock(
      {
        id: "okta",
        type: "SAML2",
        name: "Okta",
        icon: "fa-lock",
        saml: {
          entityId: "http://www.okta.com/exk1",
          singleSignOnUrl: "https://example.okta.com/app/sso/saml",
          binding: "urn:oasis:names:tc:SAML:2.0:bindings:HTTP-POST",
          x509cert: "-----BEGIN CERTIFICATE-----\nIDP1\nIDP2==\n-----END CERTIFICATE-----\n",
        },
      },
      {
        urls: URLS_SAML,
        spCertificatePem: "-----BEGIN CERTIFICATE-----\nSPC1\nSPC2\n-----END CERTIFICATE-----\n",
        spPrivateKeyPem: "-----BEGIN PRIVATE KEY-----\nKEY1\nKEY2\n-----END PRIVATE KEY-----\n",
      },
    );
    assert.deepEqual(block, {
      id: "okta",
      name: "Okta",
      type: "SAML2",
      icon: "fa-lock",
      config: {
        defaultRedirectUrl: "https://toucan.example.com",
        security: { authnRequestsSigned: true, signedMetaData: true },
        sp: {
          entityId: "https://api-toucan.example.com",
          assertionConsumerService: {
            url: "https://api-toucan.example.com/auth/provider/okta/acs",
            binding: "urn:oasis:names:tc:SAML:2.0:bindings:HTTP-POST",
          },
          NameIDFormat: "urn:oasis:names:tc:SAML:2.0:nameid-format:unspecified",
          x509cert: "SPC1SPC2",
          privateKey: "KEY1KEY2",
        },
        idp: {
          entityId: "http://www.okta.com/exk1",
          singleSignOnService: {
            url: "https://example.okta.com/app/sso/saml",
            binding: "urn:oasis:names:tc:SAML:2.0:bindings:HTTP-POST",
          },
          x509cert: "IDP1IDP2==",
        },
      },
    });
  });

  it("writes an OIDC block with <placeholders> for the IdP and the app credentials", () => {
    assert.deepEqual(providerBlock({ id: "google", type: "OIDC" }, { urls: URLS_OIDC }), {
      id: "google",
      name: "google",
      type: "OIDC",
      config: {
        providerConfig: {
          issuer: "<issuer>",
          authorization_endpoint: "<authorization endpoint>",
          token_endpoint: "<token endpoint>",
          userinfo_endpoint: "<userinfo endpoint>",
          jwks_uri: "<JWKS URI>",
          response_types_supported: ["code"],
          subject_types_supported: ["public"],
          id_token_signing_alg_values_supported: ["RS256"],
          scopes_supported: ["openid", "email"],
          token_endpoint_auth_methods_supported: ["client_secret_basic", "client_secret_post"],
        },
        defaultRedirectUrl: "https://toucan.example.com",
        appCredentials: { client_id: "<client id>", client_secret: "<client secret>" },
      },
    });
  });

  it("writes an OIDC block with Google's discovery values, scopes and the app credentials", () => {
    const block = providerBlock(
      {
        id: "google",
        type: "OIDC",
        name: "Google",
        oidc: {
          issuer: "https://accounts.google.com",
          authorizationEndpoint: "https://accounts.google.com/o/oauth2/v2/auth",
          tokenEndpoint: "https://oauth2.googleapis.com/token",
          userinfoEndpoint: "https://openidconnect.googleapis.com/v1/userinfo",
          revocationEndpoint: "https://oauth2.googleapis.com/revoke",
          jwksUri: "https://www.googleapis.com/oauth2/v3/certs",
          scopes: ["openid", "email", "profile"],
        },
      },
      { urls: URLS_OIDC, clientId: "app-client", clientSecret: "app-secret" },
    );
    assert.deepEqual(block, {
      id: "google",
      name: "Google",
      type: "OIDC",
      config: {
        providerConfig: {
          issuer: "https://accounts.google.com",
          authorization_endpoint: "https://accounts.google.com/o/oauth2/v2/auth",
          token_endpoint: "https://oauth2.googleapis.com/token",
          userinfo_endpoint: "https://openidconnect.googleapis.com/v1/userinfo",
          revocation_endpoint: "https://oauth2.googleapis.com/revoke",
          jwks_uri: "https://www.googleapis.com/oauth2/v3/certs",
          response_types_supported: ["code"],
          subject_types_supported: ["public"],
          id_token_signing_alg_values_supported: ["RS256"],
          scopes_supported: ["openid", "email", "profile"],
          token_endpoint_auth_methods_supported: ["client_secret_basic", "client_secret_post"],
        },
        defaultRedirectUrl: "https://toucan.example.com",
        appCredentials: { client_id: "app-client", client_secret: "app-secret" },
      },
    });
  });

  it("drops every trailing slash of the backend URL", () => {
    assert.deepEqual(
      ssoUrls({ id: "okta", type: "SAML2" }, "https://api.example.com//", "https://example.com"),
      {
        entityId: "https://api.example.com",
        acsUrl: "https://api.example.com/auth/provider/okta/acs",
        metadataUrl: "https://api.example.com/auth/provider/okta/metadata",
        defaultRedirectUrl: "https://example.com",
      },
    );
  });

  const messages = (run: (checks: ArgumentChecks) => unknown): string[] => {
    const checks = new ArgumentChecks("SingleSignOn");
    run(checks);
    return (checks.error()?.errors ?? []).map((e) => e.message);
  };

  it("accepts no providers and the validity bounds 60 and 3650 days", () => {
    for (const sso of [{}, { samlCertificateValidityDays: 60 }, { samlCertificateValidityDays: 3650 }]) {
      const checks = new ArgumentChecks("SingleSignOn");
      const { providers } = validateSsoSettings(checks, "sso.", sso);
      assert.deepEqual(providers, []);
      assert.equal(checks.ok, true, JSON.stringify(sso));
    }
    assert.equal(validateSsoSettings(new ArgumentChecks("SingleSignOn"), "sso.", {}).validityDays, 730);
  });

  for (const days of [59, 3651, 100.5]) {
    it(`refuses a certificate validity of ${days} days`, () => {
      assert.deepEqual(
        messages((c) => validateSsoSettings(c, "sso.", { samlCertificateValidityDays: days })),
        [
          `SingleSignOn: \`sso.samlCertificateValidityDays\` is ${days}: is not a whole number of days from 60 to 3650. ` +
            "Fix: use e.g. 730 (the certificate renews 30 days before it expires)",
        ],
      );
    });
  }

  it("refuses providers that are not a list", () => {
    assert.deepEqual(
      messages((c) => validateSsoProviders(c, "sso.providers", "okta")),
      [
        'SingleSignOn: `sso.providers` is "okta": is not a list. Fix: give e.g. [{ id: "okta", type: "SAML2" }]',
      ],
    );
  });

  it("names each bad provider's id, type, repeated id and misplaced settings", () => {
    assert.deepEqual(
      messages((c) =>
        validateSsoProviders(c, "sso.providers", [
          { id: "okta idp", type: "SAML2" },
          { id: "azure", type: "saml" },
          { id: "azure", type: "OIDC" },
          { id: "google", type: "OIDC", saml: { entityId: "x" } },
          { id: "adfs", type: "SAML2", oidc: { issuer: "x" } },
        ]),
      ),
      [
        'SingleSignOn: `sso.providers[0].id` is "okta idp": is not a provider id (it becomes part of URLs). ' +
          'Fix: use letters, digits, "_" and "-", e.g. "okta" or "google_openid_connect"',
        'SingleSignOn: `sso.providers[1].type` is "saml": is not an SSO provider type. ' +
          'Fix: use "SAML2" or "OIDC" (the vendor\'s spelling)',
        'SingleSignOn: `sso.providers[2].id` is "azure": is used by two providers. Fix: give each provider its own id',
        'SingleSignOn: `sso.providers[3]` is "OIDC": has `saml` settings. Fix: remove `saml`, or set type SAML2',
        'SingleSignOn: `sso.providers[4]` is "SAML2": has `oidc` settings. Fix: remove `oidc`, or set type OIDC',
      ],
    );
  });
});
