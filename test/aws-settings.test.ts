/**
 * The static site's deployment writes with exactly the credentials of the AWS provider around it, and the
 * us-east-1 provider copies an explicit one: settings read from the stack config or from the provider,
 * and the SDK credential chain built from them (with fake SDK sources).
 */
import { strict as assert } from "assert";
import {
  AwsSettings,
  CredentialProvider,
  CredentialSources,
  credentialsFor,
  durationSeconds,
  normalizeAwsSettings,
} from "../components/static/aws-settings";
import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";
import { StaticFrontend } from "../components/aws/static-frontend";
import { Toucan } from "../components/aws/toucan";
import { Recording, record } from "../components/planner/recorder";
import { Secret, reveal } from "../components/planner/values";

const ROLE = "arn:aws:iam::210987654321:role/toucan-deploy";
const DEPLOYMENT = "pulumi-nodejs:dynamic:Resource";
/** A static frontend from the vendor's image. */
const args = {
  domainName: "toucan.example.com",
  zoneId: "Z0123456789ABCDEFGHIJ",
  assets: { image: "quay.io/toucantoco/frontend:v100.5.1" },
  apiBaseRoute: "https://api-toucan.example.com",
};
const CI_ROLE = "arn:aws:iam::123456789012:role/ci";

/** Fake SDK sources: each provider resolves to credentials naming how they were made. */
function fakeSources(calls: unknown[]): CredentialSources {
  const creds =
    (label: string): CredentialProvider =>
    async () => ({ accessKeyId: label, secretAccessKey: "x" });
  return {
    defaultChain: (init) => (calls.push(["defaultChain", init]), creds("default-chain")),
    fromIni: (init) => (calls.push(["fromIni", init]), creds("ini")),
    fromWebToken: (init) => (calls.push(["fromWebToken", init]), creds("web-identity")),
    assumeRole: (source, region, params) => async () => {
      const from = (await source()).accessKeyId;
      calls.push(["assumeRole", from, region, params]);
      return { accessKeyId: `role:${String(params.RoleArn)}`, secretAccessKey: "x" };
    },
    readFile: (file) => (calls.push(["readFile", file]), "token-from-file\n"),
  };
}

describe("AWS settings of the static site deployment", () => {
  it("reads a provider's terraformConfig (snake_case, one-element blocks) like the stack config", () => {
    assert.deepEqual(
      normalizeAwsSettings({
        region: "eu-west-1",
        profile: "",
        assume_role: [{ role_arn: ROLE, session_name: "ci", tags: { cost_center: "bi" } }],
        default_tags: [{ tags: { team_name: "bi" } }],
        shared_config_files: ["/ci/config"],
        skip_metadata_api_check: true,
      }),
      {
        region: "eu-west-1",
        assumeRoles: [{ roleArn: ROLE, sessionName: "ci", tags: { cost_center: "bi" } }],
        defaultTags: { tags: { team_name: "bi" } },
        sharedConfigFiles: ["/ci/config"],
      },
    );
  });

  it("reads Go durations", () => {
    assert.equal(durationSeconds("1h"), 3600);
    assert.equal(durationSeconds("15m30s"), 930);
    assert.throws(() => durationSeconds("1 hour"), /duration/);
  });

  describe("credentialsFor", () => {
    async function build(settings: AwsSettings) {
      const calls: unknown[] = [];
      const provider = credentialsFor(settings, fakeSources(calls));
      return { identity: provider ? (await provider()).accessKeyId : undefined, calls };
    }

    it("GIVEN nothing THEN the SDK's default chain (no explicit credentials)", async () => {
      assert.deepEqual(await build({ region: "eu-west-1" }), { identity: undefined, calls: [] });
    });

    it("GIVEN keys THEN exactly those", async () => {
      const provider = credentialsFor({ accessKey: "AKIA1", secretKey: "s", token: "t" }, fakeSources([]));
      assert.deepEqual(await provider!(), { accessKeyId: "AKIA1", secretAccessKey: "s", sessionToken: "t" });
    });

    it("GIVEN a profile and shared files THEN the profile read from those files", async () => {
      const { identity, calls } = await build({
        profile: "prod",
        sharedConfigFiles: ["/ci/config"],
        sharedCredentialsFiles: ["/ci/credentials"],
      });
      assert.equal(identity, "ini");
      assert.deepEqual(calls, [
        ["fromIni", { profile: "prod", filepath: "/ci/credentials", configFilepath: "/ci/config" }],
      ]);
    });

    it("GIVEN assumeRoles THEN each role is assumed in order with the previous credentials", async () => {
      const { identity, calls } = await build({
        region: "eu-west-1",
        profile: "ci",
        assumeRoles: [
          { roleArn: CI_ROLE },
          { roleArn: ROLE, sessionName: "deploy", externalId: "ext", duration: "1h", tags: { team: "bi" } },
        ],
      });
      assert.equal(identity, `role:${ROLE}`);
      assert.deepEqual(calls, [
        ["fromIni", { profile: "ci" }],
        ["assumeRole", "ini", "eu-west-1", { RoleArn: CI_ROLE, RoleSessionName: "pulumi-toucan-site" }],
        [
          "assumeRole",
          `role:${CI_ROLE}`,
          "eu-west-1",
          {
            RoleArn: ROLE,
            RoleSessionName: "deploy",
            ExternalId: "ext",
            DurationSeconds: 3600,
            Tags: [{ Key: "team", Value: "bi" }],
          },
        ],
      ]);
    });

    it("GIVEN assumeRoles alone THEN the default chain assumes the role", async () => {
      const { identity, calls } = await build({ assumeRoles: [{ roleArn: ROLE }] });
      assert.equal(identity, `role:${ROLE}`);
      assert.deepEqual(calls[0], ["defaultChain", {}]);
    });

    it("GIVEN a web identity token file THEN that role, with the file's token", async () => {
      const { identity, calls } = await build({
        region: "eu-west-1",
        assumeRoleWithWebIdentity: {
          roleArn: CI_ROLE,
          webIdentityTokenFile: "/var/run/token",
          duration: "15m",
        },
      });
      assert.equal(identity, "web-identity");
      assert.deepEqual(calls, [
        ["readFile", "/var/run/token"],
        [
          "fromWebToken",
          {
            roleArn: CI_ROLE,
            roleSessionName: "pulumi-toucan-site",
            webIdentityToken: "token-from-file",
            durationSeconds: 900,
            clientConfig: { region: "eu-west-1" },
          },
        ],
      ]);
    });
  });

  describe("StaticFrontend", () => {
    it("GIVEN aws:assumeRoles and keys in the stack config THEN the deployment receives them, as a secret", async () => {
      const { recording } = await record(() => new StaticFrontend("site", args), {
        region: "eu-west-1",
        config: {
          "aws:region": "eu-west-1",
          "aws:accessKey": "AKIAEXAMPLE",
          "aws:secretKey": "secret",
          "aws:assumeRoles": JSON.stringify([{ roleArn: ROLE, sessionName: "ci" }]),
        },
        secretKeys: ["aws:secretKey"],
      });
      const settings = recording.one(DEPLOYMENT).inputs.aws;
      assert.ok(settings instanceof Secret, "aws is a secret");
      assert.deepEqual(reveal(settings), {
        region: "eu-west-1",
        accessKey: "AKIAEXAMPLE",
        secretKey: "secret",
        assumeRoles: [{ roleArn: ROLE, sessionName: "ci" }],
      });
    });
  });

  describe("an explicit aws provider around the component", () => {
    const CERTIFICATE = "aws:acm/certificate:Certificate";
    const ACCOUNT_ROLE = "arn:aws:iam::222222222222:role/toucan-deploy";
    /** The provider of another account the user builds, as a multi-account stack does. */
    const account = () =>
      new aws.Provider("workload", {
        region: "eu-west-3",
        profile: "org-admin",
        assumeRoles: [{ roleArn: ACCOUNT_ROLE, sessionName: "toucan", externalId: "bi-7" }],
        defaultTags: { tags: { Team: "bi", "cost:center": "42" } },
        allowedAccountIds: ["222222222222"],
      });
    // The stack's own config names another account: nothing may be read from it.
    const stackConfig = {
      region: "eu-west-3",
      config: { "aws:region": "eu-west-3", "aws:profile": "ci-default" },
    };

    /** What an aws.Provider receives: nested settings as JSON text, keys as secrets. */
    function providerSettings(recording: Recording, urn: string) {
      const inputs = recording.get(urn).inputs;
      const json = (v: unknown) => (typeof v === "string" ? JSON.parse(v) : v);
      return {
        region: inputs.region,
        profile: inputs.profile,
        assumeRoles: json(inputs.assumeRoles),
        defaultTags: json(inputs.defaultTags),
        allowedAccountIds: json(inputs.allowedAccountIds),
      };
    }
    const COPIED = {
      region: "us-east-1",
      profile: "org-admin",
      assumeRoles: [{ roleArn: ACCOUNT_ROLE, sessionName: "toucan", externalId: "bi-7" }],
      defaultTags: { tags: { Team: "bi", "cost:center": "42" } },
      allowedAccountIds: ["222222222222"],
    };

    it("GIVEN StaticFrontend under it THEN the us-east-1 certificate and the upload use its account, role and tags", async () => {
      const { recording } = await record(
        () => new StaticFrontend("site", args, { provider: account() }),
        stackConfig,
      );
      const certificate = recording.one(CERTIFICATE);
      assert.deepEqual(providerSettings(recording, certificate.provider!), COPIED);
      const settings = recording.one(DEPLOYMENT).inputs.aws;
      assert.ok(settings instanceof Secret, "the settings are a secret");
      assert.deepEqual(reveal(settings), {
        region: "eu-west-3",
        profile: "org-admin",
        assumeRoles: [{ roleArn: ACCOUNT_ROLE, sessionName: "toucan", externalId: "bi-7" }],
        defaultTags: { tags: { Team: "bi", "cost:center": "42" } },
        allowedAccountIds: ["222222222222"],
      });
      // Read once, from the provider itself.
      const reads = recording.invokes.filter((i) => i.token === "pulumi:providers:aws/terraformConfig");
      assert.deepEqual(
        reads.map((i) => i.provider),
        [recording.one("pulumi:providers:aws", "workload").urn],
      );
    });

    it("GIVEN keys on the explicit provider THEN the copy and the upload get them, as secrets", async () => {
      const { recording } = await record(
        () =>
          new StaticFrontend("site", args, {
            provider: new aws.Provider("keys", {
              region: "eu-west-3",
              accessKey: "AKIAWORKLOAD",
              secretKey: pulumi.secret("workload-secret"),
            }),
          }),
        stackConfig,
      );
      const copy = recording.get(recording.one(CERTIFICATE).provider!).inputs;
      assert.ok(copy.accessKey instanceof Secret && copy.secretKey instanceof Secret);
      assert.deepEqual(reveal([copy.accessKey, copy.secretKey, copy.profile]), [
        "AKIAWORKLOAD",
        "workload-secret",
        undefined,
      ]);
      assert.deepEqual(reveal(recording.one(DEPLOYMENT).inputs.aws), {
        region: "eu-west-3",
        accessKey: "AKIAWORKLOAD",
        secretKey: "workload-secret",
      });
    });

    it("GIVEN Toucan in static mode under `providers` THEN its certificate and its CloudFront alarms' provider copy it", async () => {
      const { recording } = await record(
        () =>
          new Toucan(
            "t",
            {
              version: "v100.5.1",
              frontendDomain: "toucan.example.com",
              zoneId: "Z0123456789EXAMPLE",
              staticFrontend: {},
            },
            { providers: [account()] },
          ),
        stackConfig,
      );
      const east = recording
        .byType("pulumi:providers:aws")
        .filter((p) => p.name !== "workload")
        .map((p) => p.name)
        .sort();
      assert.deepEqual(east, ["t-monitoring-us-east-1", "t-static-us-east-1"]);
      for (const name of east) {
        assert.deepEqual(
          providerSettings(recording, recording.one("pulumi:providers:aws", name).urn),
          COPIED,
        );
      }
      const alarm = recording.one("aws:cloudwatch/metricAlarm:MetricAlarm", "t-monitoring-cdn5xxRate-cdn");
      assert.ok(
        alarm.provider?.startsWith(recording.one("pulumi:providers:aws", "t-monitoring-us-east-1").urn),
      );
      assert.equal(
        (reveal(recording.one(DEPLOYMENT).inputs.aws) as AwsSettings).assumeRoles?.[0].roleArn,
        ACCOUNT_ROLE,
      );
      // Everything else in the stack's region runs under the explicit provider itself.
      const workload = recording.one("pulumi:providers:aws", "workload").urn;
      assert.ok(recording.one("aws:s3/bucket:Bucket", "t-static-site").provider?.startsWith(workload));
    });

    it("GIVEN a method the recording runtime cannot answer THEN the run fails naming it", async () => {
      await assert.rejects(
        record(() => {
          const provider = account();
          pulumi.runtime.call("pulumi:providers:aws/unknownMethod", { __self__: provider }, provider);
        }),
        /no answer for the method pulumi:providers:aws\/unknownMethod/,
      );
    });
  });
});
