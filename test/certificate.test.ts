import { strict as assert } from "assert";
import { execFileSync } from "child_process";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import * as pulumi from "@pulumi/pulumi";
import * as aws from "@pulumi/aws";
import { Certificate, CertificateArgs, certificateNames } from "../components/aws/certificate";
import { ToucanArgumentError } from "../components/core/errors";
import { record, recordFailure, valueOf, Secret, UNKNOWN } from "../components/planner/recorder";

const CERT = "aws:acm/certificate:Certificate";
const RECORD = "aws:route53/record:Record";
const VALIDATION = "aws:acm/certificateValidation:CertificateValidation";
const ZONE = "Z0123456789ABCDEFGHIJ";

interface DomainValidationOption {
  domainName: string;
  resourceRecordName: string;
  resourceRecordType: string;
  resourceRecordValue: string;
}

/** A throwaway self-signed certificate and key, made with openssl. */
function selfSigned(dir: string, base: string, names: string[]): { crt: string; key: string } {
  const crt = path.join(dir, `${base}.crt`);
  const key = path.join(dir, `${base}.key`);
  execFileSync(
    "openssl",
    [
      "req",
      "-x509",
      "-newkey",
      "ec",
      "-pkeyopt",
      "ec_paramgen_curve:prime256v1",
      "-nodes",
      "-keyout",
      key,
      "-out",
      crt,
      "-days",
      "1",
      "-subj",
      `/CN=${names[0]}`,
      "-addext",
      `subjectAltName=${names.map((n) => `DNS:${n}`).join(",")}`,
    ],
    { stdio: "ignore" },
  );
  return { crt, key };
}

async function build(args: CertificateArgs, preview = false) {
  const { result, recording } = await record(() => new Certificate("toucan-cert", args), {
    preview,
    region: "eu-west-1",
  });
  return { certificate: result, recording };
}

/** URNs of the resources an Output was computed from (SDK internals, as the harness uses them). */
async function sourcesOf(output: pulumi.Output<unknown>): Promise<string[]> {
  const internals = output as unknown as { resources(): Set<pulumi.Resource> };
  return Promise.all([...internals.resources()].map((r) => valueOf(r.urn) as Promise<string>));
}

async function refused(args: CertificateArgs, message: RegExp) {
  const { error, recording } = await recordFailure(() => new Certificate("toucan-cert", args));
  assert.ok(error instanceof ToucanArgumentError, `expected a ToucanArgumentError, got ${error}`);
  assert.match(error.message, message);
  assert.deepEqual(recording.built, [], "nothing may be registered when the arguments are refused");
}

describe("Certificate", () => {
  let dir: string;
  let pair: { crt: string; key: string };
  let other: { crt: string; key: string };

  before(() => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), "toucan-cert-"));
    pair = selfSigned(dir, "mydomain.com", ["toucan.mydomain.com", "api-toucan.mydomain.com"]);
    other = selfSigned(dir, "other", ["other.example.org"]);
  });
  after(() => fs.rmSync(dir, { recursive: true, force: true }));

  describe("requested from ACM, validated in Route 53", () => {
    const names = ["toucan.example.com", "*.toucan.example.com", "api-toucan.example.com"];

    it("GIVEN names THEN ACM is asked for the first as primary and the others as SANs, DNS-validated, RSA 2048", async () => {
      const { recording } = await build({ domainNames: names, zoneId: ZONE });
      const cert = recording.one(CERT);
      assert.equal(cert.inputs.domainName, "toucan.example.com");
      assert.deepEqual(cert.inputs.subjectAlternativeNames, [
        "*.toucan.example.com",
        "api-toucan.example.com",
      ]);
      assert.equal(cert.inputs.validationMethod, "DNS");
      assert.equal(cert.inputs.keyAlgorithm, "RSA_2048");
      assert.equal(cert.deleteBeforeReplace, false, "a replacement is created before the old one is deleted");
    });

    it("GIVEN a name and its wildcard THEN they share one validation record: one record per distinct name", async () => {
      const { recording } = await build({ domainNames: names, zoneId: ZONE });
      assert.deepEqual(
        recording.byType(RECORD).map((r) => r.name),
        ["toucan-cert-validation-toucan.example.com", "toucan-cert-validation-api-toucan.example.com"],
      );
    });

    it("GIVEN ACM's validation options THEN each record carries its name, type and value, in the zone", async () => {
      const { recording } = await build({ domainNames: names, zoneId: ZONE });
      const options = recording.one(CERT).outputs.domainValidationOptions as DomainValidationOption[];
      for (const [record, domain] of [
        [recording.one(RECORD, "toucan-cert-validation-toucan.example.com"), "toucan.example.com"],
        [recording.one(RECORD, "toucan-cert-validation-api-toucan.example.com"), "api-toucan.example.com"],
      ] as const) {
        const option = options.find((o) => o.domainName === domain)!;
        assert.equal(record.inputs.name, option.resourceRecordName);
        assert.equal(record.inputs.type, "CNAME");
        assert.deepEqual(record.inputs.records, [option.resourceRecordValue]);
        assert.equal(record.inputs.zoneId, ZONE);
        assert.equal(record.inputs.allowOverwrite, true);
      }
    });

    it("GIVEN the records THEN the validation waits for their FQDNs on the certificate's ARN", async () => {
      const { recording } = await build({ domainNames: names, zoneId: ZONE });
      const validation = recording.one(VALIDATION);
      assert.equal(validation.inputs.certificateArn, recording.one(CERT).outputs.arn);
      assert.deepEqual(
        validation.inputs.validationRecordFqdns,
        recording.byType(RECORD).map((r) => r.outputs.fqdn),
      );
    });

    it("GIVEN validation THEN `arn` comes from the validation, so users wait for issuance", async () => {
      const { certificate, recording } = await build({ domainNames: names, zoneId: ZONE });
      assert.deepEqual(await sourcesOf(certificate.arn), [recording.one(VALIDATION).urn]);
      assert.match(
        String(await valueOf(certificate.arn)),
        /^arn:aws:acm:eu-west-1:123456789012:certificate\//,
      );
      assert.deepEqual(certificate.domainNames, names);
    });

    it("GIVEN an EC key algorithm THEN ACM is asked for it", async () => {
      const { recording } = await build({
        domainNames: ["toucan.example.com"],
        zoneId: ZONE,
        keyAlgorithm: "EC_prime256v1",
      });
      assert.equal(recording.one(CERT).inputs.keyAlgorithm, "EC_prime256v1");
      assert.equal(recording.one(CERT).inputs.subjectAlternativeNames, undefined);
    });

    it("GIVEN a preview THEN the same resources are registered as in an update", async () => {
      const update = await build({ domainNames: names, zoneId: ZONE });
      const preview = await build({ domainNames: names, zoneId: ZONE }, true);
      assert.deepEqual(
        preview.recording.resources.map((r) => r.urn).sort(),
        update.recording.resources.map((r) => r.urn).sort(),
      );
      assert.equal(
        preview.recording.one(RECORD, "toucan-cert-validation-toucan.example.com").inputs.name,
        UNKNOWN,
      );
    });

    it("GIVEN a provider on the component (us-east-1 for CloudFront) THEN every child uses it", async () => {
      const { result, recording } = await record(
        () => {
          const provider = new aws.Provider("us-east-1", { region: "us-east-1" });
          const certificate = new Certificate(
            "cdn-cert",
            { domainNames: ["toucan.example.com"], zoneId: ZONE },
            { provider },
          );
          return { provider, certificate };
        },
        { region: "eu-west-1" },
      );
      const providerUrn = await valueOf(result.provider.urn);
      for (const type of [CERT, RECORD, VALIDATION]) {
        assert.equal(recording.one(type).provider, providerUrn, `${type} must use the us-east-1 provider`);
      }
      assert.match(String(await valueOf(result.certificate.arn)), /^arn:aws:acm:us-east-1:/);
    });

    it("GIVEN another certificate's records THEN the names they validate get no second record, and the validation waits on them", async () => {
      const { recording } = await record(
        () => {
          const regional = new Certificate("regional", { domainNames: names, zoneId: ZONE });
          const provider = new aws.Provider("us-east-1", { region: "us-east-1" });
          new Certificate(
            "cdn",
            {
              domainNames: ["toucan.example.com", "www.example.com"],
              zoneId: ZONE,
              sharedValidationRecords: regional.validationRecords,
            },
            { provider },
          );
        },
        { region: "eu-west-1" },
      );
      assert.deepEqual(
        recording.byType(RECORD).map((r) => r.name),
        [
          "regional-validation-toucan.example.com",
          "regional-validation-api-toucan.example.com",
          "cdn-validation-www.example.com",
        ],
      );
      assert.deepEqual(recording.one(VALIDATION, "cdn-validation").inputs.validationRecordFqdns, [
        recording.one(RECORD, "regional-validation-toucan.example.com").outputs.fqdn,
        recording.one(RECORD, "cdn-validation-www.example.com").outputs.fqdn,
      ]);
    });

    it("GIVEN tags THEN the certificate carries them", async () => {
      const { recording } = await build({
        domainNames: ["toucan.example.com"],
        zoneId: ZONE,
        tags: { team: "bi" },
      });
      assert.deepEqual(recording.one(CERT).inputs.tags, { team: "bi", Name: "toucan.example.com" });
    });
  });

  describe("imported", () => {
    it("GIVEN the vendor's .crt and .key files THEN ACM imports them, the key as a secret, and the names are read", async () => {
      const { certificate, recording } = await build({
        pemFiles: { certificate: pair.crt, privateKey: pair.key },
      });
      const cert = recording.one(CERT);
      assert.equal(cert.inputs.certificateBody, fs.readFileSync(pair.crt, "utf8"));
      assert.ok(cert.inputs.privateKey instanceof Secret, "the private key must be a secret");
      assert.equal((cert.inputs.privateKey as Secret).value, fs.readFileSync(pair.key, "utf8"));
      assert.equal(cert.inputs.validationMethod, undefined);
      assert.deepEqual(certificate.domainNames, ["toucan.mydomain.com", "api-toucan.mydomain.com"]);
      assert.equal(await valueOf(certificate.arn), cert.outputs.arn);
      assert.deepEqual(recording.byType(RECORD), []);
      assert.deepEqual(recording.byType(VALIDATION), []);
    });

    it("GIVEN a chain file THEN it is imported with the certificate", async () => {
      const { recording } = await build({
        pemFiles: { certificate: pair.crt, privateKey: pair.key, chain: other.crt },
      });
      assert.equal(recording.one(CERT).inputs.certificateChain, fs.readFileSync(other.crt, "utf8"));
    });

    it("GIVEN PEM text THEN it is imported and the names are read", async () => {
      const { certificate, recording } = await build({
        pem: {
          certificate: fs.readFileSync(other.crt, "utf8"),
          privateKey: fs.readFileSync(other.key, "utf8"),
        },
      });
      assert.ok(recording.one(CERT).inputs.privateKey instanceof Secret);
      assert.deepEqual(certificate.domainNames, ["other.example.org"]);
    });

    it("GIVEN PEM from another resource's output THEN the names are unknown at construction", async () => {
      const { certificate } = await build({
        pem: {
          certificate: pulumi.output(fs.readFileSync(other.crt, "utf8")),
          privateKey: fs.readFileSync(other.key, "utf8"),
        },
      });
      assert.equal(certificate.domainNames, undefined);
    });

    it("reads SANs, else the CN, from a certificate", () => {
      assert.deepEqual(certificateNames(fs.readFileSync(pair.crt, "utf8")), [
        "toucan.mydomain.com",
        "api-toucan.mydomain.com",
      ]);
    });
  });

  describe("existing", () => {
    const arn = "arn:aws:acm:eu-west-1:123456789012:certificate/0a1b2c3d-1111-2222-3333-444455556666";

    it("GIVEN an ARN THEN nothing is created and `arn` echoes it", async () => {
      const { certificate, recording } = await build({
        existingArn: arn,
        existingDomainNames: ["*.example.com"],
      });
      assert.deepEqual(
        recording.built.map((r) => r.type),
        ["toucan:aws:Certificate"],
      );
      assert.equal(await valueOf(certificate.arn), arn);
      assert.deepEqual(certificate.domainNames, ["*.example.com"]);
    });

    it("GIVEN an ARN without names THEN domainNames is undefined", async () => {
      const { certificate } = await build({ existingArn: arn });
      assert.equal(certificate.domainNames, undefined);
    });
  });

  describe("refuses bad input before registering anything", () => {
    const many = Array.from({ length: 11 }, (_, i) => `n${i}.example.com`);
    const cases: [string, () => CertificateArgs, RegExp][] = [
      ["no source", () => ({}), /`domainNames` is not set and leaves the certificate's source open/],
      [
        "several sources",
        () => ({ domainNames: ["a.example.com"], zoneId: ZONE, existingArn: "arn:aws:acm:x" }),
        /`domainNames, existingArn` is .* name several sources/,
      ],
      [
        "domainNames without zoneId",
        () => ({ domainNames: ["a.example.com"] }),
        /`zoneId` is not set .* validate/,
      ],
      ["an empty list", () => ({ domainNames: [], zoneId: ZONE }), /`domainNames` is \[\]: is empty/],
      ["an uppercase name", () => ({ domainNames: ["Toucan.example.com"], zoneId: ZONE }), /uppercase/],
      [
        "a wildcard not first",
        () => ({ domainNames: ["a.*.example.com"], zoneId: ZONE }),
        /not the first label/,
      ],
      [
        "a name over 253 characters",
        () => ({ domainNames: [`${"a.".repeat(127)}com`], zoneId: ZONE }),
        /at most 253/,
      ],
      [
        "11 names (ACM's default quota is 10)",
        () => ({ domainNames: many, zoneId: ZONE }),
        /quota of 10 names/,
      ],
      [
        "a duplicate name",
        () => ({ domainNames: ["a.example.com", "a.example.com"], zoneId: ZONE }),
        /repeats a.example.com/,
      ],
      [
        "a quota above ACM's maximum",
        () => ({ domainNames: ["a.example.com"], zoneId: ZONE, maxDomainNames: 101 }),
        /`maxDomainNames` is 101/,
      ],
      [
        "an unknown key algorithm",
        () => ({ domainNames: ["a.example.com"], zoneId: ZONE, keyAlgorithm: "RSA_1024" as "RSA_2048" }),
        /`keyAlgorithm` is "RSA_1024"/,
      ],
      [
        "zoneId with an imported certificate",
        () => ({ pemFiles: { certificate: pair.crt, privateKey: pair.key }, zoneId: ZONE }),
        /`zoneId` .* only used to validate requested names/,
      ],
      [
        "a missing PEM file",
        () => ({ pemFiles: { certificate: path.join(dir, "nope.crt"), privateKey: pair.key } }),
        /`pemFiles.certificate` is ".*nope.crt": cannot be read \(ENOENT\)/,
      ],
      [
        "a file that is not a certificate",
        () => ({ pemFiles: { certificate: pair.key, privateKey: pair.key } }),
        /`pemFiles.certificate` .* is not a PEM certificate/,
      ],
      [
        "a key file that is not a key",
        () => ({ pemFiles: { certificate: pair.crt, privateKey: other.crt } }),
        /`pemFiles.privateKey` .* is not an unencrypted PEM private key/,
      ],
      [
        "a key that belongs to another certificate",
        () => ({ pemFiles: { certificate: pair.crt, privateKey: other.key } }),
        /does not belong to the certificate/,
      ],
      [
        "existing names without an ARN",
        () => ({ domainNames: ["a.example.com"], zoneId: ZONE, existingDomainNames: ["a.example.com"] }),
        /`existingDomainNames` .* existingArn is not set/,
      ],
    ];
    for (const [what, args, message] of cases) {
      it(`GIVEN ${what} THEN it is refused`, async () => {
        await refused(args(), message);
      });
    }
  });
});
