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
import { StaticFrontend } from "../components/aws/static-frontend";
import { record } from "../components/planner/recorder";
import { Secret, reveal } from "../components/planner/values";

const ROLE = "arn:aws:iam::210987654321:role/toucan-deploy";
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
    const args = {
      domainName: "toucan.example.com",
      zoneId: "Z0123456789ABCDEFGHIJ",
      assets: { image: "quay.io/toucantoco/frontend:v100.5.1" },
      apiBaseRoute: "https://api-toucan.example.com",
    };
    const DEPLOYMENT = "pulumi-nodejs:dynamic:Resource";

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
});
