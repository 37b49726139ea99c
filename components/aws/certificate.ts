import * as crypto from "crypto";
import * as fs from "fs";
import * as pulumi from "@pulumi/pulumi";
import * as aws from "@pulumi/aws";
import { zoneIdFix, zoneIdProblem } from "../core/aws-ids";
import { ArgumentChecks, requireArgs } from "../core/errors";
import { distinctValidationNames, hostnameProblem, validationName } from "../core/hostnames";
import { Transform, applyTransform } from "../core/transform";

const COMPONENT = "toucan:aws:Certificate";

/** ACM's default quota of names (primary + SANs) per certificate it issues. */
export const ACM_DEFAULT_DOMAIN_NAME_QUOTA = 10;
/** The most names ACM lets a raised quota reach. */
export const ACM_MAX_DOMAIN_NAME_QUOTA = 100;

/** Key algorithms ACM issues public certificates with. */
export type CertificateKeyAlgorithm = "RSA_2048" | "EC_prime256v1" | "EC_secp384r1";

/** A certificate and its private key, in PEM, to import into ACM. */
export interface CertificatePem {
  /** The certificate (PEM). */
  certificate: pulumi.Input<string>;
  /** Its private key (PEM, unencrypted). Stored as a secret. */
  privateKey: pulumi.Input<string>;
  /**
   * The intermediate certificates (PEM), leaf's issuer first.
   * @default none
   */
  chain?: pulumi.Input<string>;
}

/** Paths of PEM files to import into ACM, read when the component is constructed. */
export interface CertificatePemFiles {
  /** @example "./mydomain.com.crt" */
  certificate: string;
  /** @example "./mydomain.com.key" */
  privateKey: string;
  /**
   * @default none
   * @example "./chain.pem"
   */
  chain?: string;
}

export interface CertificateArgs {
  /**
   * Names to request from ACM, validated through DNS: the first is the certificate's primary name, the others
   * its subject alternative names. A wildcard (`*.example.com`) is allowed as a whole first label.
   * @default none: give exactly one of `domainNames`, `pem`, `pemFiles` or `existingArn`
   * @example ["toucan.example.com", "api-toucan.example.com"]
   */
  domainNames?: string[];
  /**
   * Route 53 hosted zone that receives the DNS validation records. Required with `domainNames`.
   * @default none
   * @example "Z0123456789ABCDEFGHIJ"
   */
  zoneId?: pulumi.Input<string>;
  /**
   * ACM key algorithm of a requested certificate.
   * @default "RSA_2048" (every client supports it)
   */
  keyAlgorithm?: CertificateKeyAlgorithm;
  /**
   * The most names `domainNames` may hold: ACM's "Domain names per ACM certificate" quota. Raise it only after
   * raising that quota in Service Quotas (up to 100).
   * @default 10 (ACM's default quota)
   */
  maxDomainNames?: number;
  /**
   * Import a certificate from PEM text instead of requesting one. When `certificate` is a plain string, its names
   * are read from it and exposed as `domainNames`.
   * @default none
   */
  pem?: CertificatePem;
  /**
   * Import a certificate from PEM files (e.g. the vendor's `mydomain.com.crt` and `mydomain.com.key`), read at
   * construction; the names are read from the certificate.
   * @default none
   * @example { certificate: "./mydomain.com.crt", privateKey: "./mydomain.com.key" }
   */
  pemFiles?: CertificatePemFiles;
  /**
   * Use an existing ACM certificate: nothing is created and `arn` echoes this.
   * @default none
   * @example "arn:aws:acm:eu-west-1:123456789012:certificate/0a1b2c3d-..."
   */
  existingArn?: pulumi.Input<string>;
  /**
   * The names the existing certificate covers, so that components using it can check their host names.
   * @default unknown: `domainNames` is undefined
   */
  existingDomainNames?: string[];
  /**
   * DNS validation records another `Certificate` of this account already owns (its `validationRecords`), by
   * validation name. ACM gives every certificate of a name the same CNAME in an account, whatever the region,
   * so this certificate creates no record for those names (one owner per record) and waits on the given ones.
   * @default none: a record for every name
   */
  sharedValidationRecords?: Record<string, aws.route53.Record>;
  /**
   * Tags for every resource.
   * @default no tags
   */
  tags?: Record<string, string>;
  /**
   * Change any child resource's arguments.
   * @default none: the arguments as built
   */
  transform?: {
    certificate?: Transform<aws.acm.CertificateArgs>;
    validationRecord?: Transform<aws.route53.RecordArgs>;
    validation?: Transform<aws.acm.CertificateValidationArgs>;
  };
}

/** The normalized source of a certificate. */
type Source =
  | {
      kind: "request";
      domainNames: string[];
      zoneId: pulumi.Input<string>;
      keyAlgorithm: CertificateKeyAlgorithm;
    }
  | { kind: "import"; pem: CertificatePem; domainNames?: string[] }
  | { kind: "existing"; arn: pulumi.Input<string>; domainNames?: string[] };

/** Names a certificate covers, read from its PEM: the DNS subject alternative names, else the subject CN. */
export function certificateNames(certificatePem: string): string[] {
  const cert = new crypto.X509Certificate(certificatePem);
  const sans = (cert.subjectAltName ?? "")
    .split(",")
    .map((entry) => entry.trim())
    .filter((entry) => entry.startsWith("DNS:"))
    .map((entry) => entry.slice(4).toLowerCase());
  if (sans.length > 0) return [...new Set(sans)];
  const cn = /(?:^|\n)CN=([^\n]+)/.exec(cert.subject)?.[1];
  return cn ? [cn.toLowerCase()] : [];
}

function readFile(checks: ArgumentChecks, argument: string, path: string): string | undefined {
  try {
    return fs.readFileSync(path, "utf8");
  } catch (err) {
    checks.fail(
      argument,
      path,
      `cannot be read (${(err as NodeJS.ErrnoException).code ?? (err as Error).message})`,
      "give the path of an existing PEM file (relative paths start at the Pulumi program's folder)",
    );
    return undefined;
  }
}

/** Checks that PEM text parses and the key matches the certificate; returns the certificate's names. */
function checkPem(
  checks: ArgumentChecks,
  argument: string,
  certificate: string,
  privateKey: string | undefined,
  chain: string | undefined,
): string[] | undefined {
  let cert: crypto.X509Certificate;
  try {
    cert = new crypto.X509Certificate(certificate);
  } catch (err) {
    checks.fail(
      `${argument}.certificate`,
      `${certificate.slice(0, 40)}...`,
      `is not a PEM certificate (${(err as Error).message})`,
      "give the certificate in PEM (-----BEGIN CERTIFICATE-----)",
    );
    return undefined;
  }
  if (privateKey !== undefined) {
    let key: crypto.KeyObject | undefined;
    try {
      key = crypto.createPrivateKey(privateKey);
    } catch (err) {
      checks.fail(
        `${argument}.privateKey`,
        "(hidden)",
        `is not an unencrypted PEM private key (${(err as Error).message})`,
        "give the certificate's private key in PEM, without a passphrase",
      );
    }
    if (key) {
      checks.require(
        cert.checkPrivateKey(key),
        `${argument}.privateKey`,
        "(hidden)",
        "does not belong to the certificate",
        "give the private key the certificate was issued for",
      );
    }
  }
  if (chain !== undefined) {
    try {
      new crypto.X509Certificate(chain);
    } catch (err) {
      checks.fail(
        `${argument}.chain`,
        `${chain.slice(0, 40)}...`,
        `is not a PEM certificate chain (${(err as Error).message})`,
        "give the intermediate certificates in PEM, or leave chain out",
      );
    }
  }
  return certificateNames(certificate);
}

function checkNames(checks: ArgumentChecks, argument: string, names: string[]) {
  for (const name of names) {
    const problem = hostnameProblem(name, { wildcard: true });
    checks.require(
      problem === undefined,
      argument,
      name,
      problem ?? "",
      'use lowercase DNS names such as "toucan.example.com" or "*.example.com" (wildcard only as the first label)',
    );
  }
  const duplicates = names.filter((n, i) => names.indexOf(n) !== i);
  checks.require(
    duplicates.length === 0,
    argument,
    names,
    `repeats ${[...new Set(duplicates)].join(", ")}`,
    "list each name once",
  );
}

/** Checks the arguments; throws before anything is registered. Exported for table tests. */
export function validateCertificateArgs(name: string, args: CertificateArgs): Source {
  requireArgs(`Certificate "${name}"`, args, "an object of CertificateArgs");
  const checks = new ArgumentChecks(`Certificate "${name}"`);
  const given = (["domainNames", "pem", "pemFiles", "existingArn"] as const).filter(
    (k) => args[k] !== undefined,
  );
  checks.require(
    given.length === 1,
    given.length === 0 ? "domainNames" : given.join(", "),
    given.length === 0 ? undefined : given,
    given.length === 0
      ? "leaves the certificate's source open"
      : "name several sources for the certificate; exactly one is used",
    "give exactly one of domainNames (+ zoneId: ACM, DNS-validated), pem or pemFiles (import) or existingArn",
  );
  checks.require(
    args.zoneId === undefined || args.domainNames !== undefined,
    "zoneId",
    "(given)",
    "is only used to validate requested names, and domainNames is not set",
    "remove zoneId, or request the certificate with domainNames",
  );
  checks.id("zoneId", args.zoneId, zoneIdProblem, zoneIdFix(String(args.zoneId)));
  checks.require(
    args.existingDomainNames === undefined || args.existingArn !== undefined,
    "existingDomainNames",
    args.existingDomainNames,
    "describes an existing certificate, and existingArn is not set",
    "remove existingDomainNames, or give existingArn",
  );
  const keyAlgorithm = args.keyAlgorithm ?? "RSA_2048";
  checks.require(
    ["RSA_2048", "EC_prime256v1", "EC_secp384r1"].includes(keyAlgorithm),
    "keyAlgorithm",
    keyAlgorithm,
    "is not a key algorithm ACM issues public certificates with",
    'use "RSA_2048" (default), "EC_prime256v1" or "EC_secp384r1"',
  );
  checks.require(
    args.keyAlgorithm === undefined || args.domainNames !== undefined,
    "keyAlgorithm",
    args.keyAlgorithm,
    "only applies to a certificate ACM issues (domainNames)",
    "remove keyAlgorithm: an imported or existing certificate keeps its own key",
  );

  if (args.domainNames !== undefined) {
    const names = args.domainNames;
    const quota = args.maxDomainNames ?? ACM_DEFAULT_DOMAIN_NAME_QUOTA;
    checks.require(
      Number.isInteger(quota) && quota >= 1 && quota <= ACM_MAX_DOMAIN_NAME_QUOTA,
      "maxDomainNames",
      quota,
      `is not between 1 and ${ACM_MAX_DOMAIN_NAME_QUOTA} (the most ACM allows)`,
      "leave it at 10, or set the quota you raised in Service Quotas",
    );
    checks.require(names.length > 0, "domainNames", names, "is empty", "list at least one name");
    checks.require(
      names.length <= quota,
      "domainNames",
      `${names.length} names`,
      `exceeds ACM's quota of ${quota} names per certificate`,
      "split the names over several certificates, or raise the ACM quota and set maxDomainNames",
    );
    checkNames(checks, "domainNames", names);
    checks.require(
      args.zoneId !== undefined,
      "zoneId",
      undefined,
      "is needed to validate the requested names through DNS",
      "give the id of the Route 53 hosted zone the names live in",
    );
    checks.throwIfAny();
    return { kind: "request", domainNames: [...names], zoneId: args.zoneId!, keyAlgorithm };
  }

  if (args.pemFiles !== undefined) {
    const files = args.pemFiles;
    const certificate = readFile(checks, "pemFiles.certificate", files.certificate);
    const privateKey = readFile(checks, "pemFiles.privateKey", files.privateKey);
    const chain = files.chain === undefined ? undefined : readFile(checks, "pemFiles.chain", files.chain);
    let domainNames: string[] | undefined;
    if (certificate !== undefined) domainNames = checkPem(checks, "pemFiles", certificate, privateKey, chain);
    checks.throwIfAny();
    return {
      kind: "import",
      pem: { certificate: certificate!, privateKey: pulumi.secret(privateKey!), chain },
      domainNames,
    };
  }

  if (args.pem !== undefined) {
    const pem = args.pem;
    let domainNames: string[] | undefined;
    if (typeof pem.certificate === "string") {
      domainNames = checkPem(
        checks,
        "pem",
        pem.certificate,
        typeof pem.privateKey === "string" ? pem.privateKey : undefined,
        typeof pem.chain === "string" ? pem.chain : undefined,
      );
    }
    checks.throwIfAny();
    return { kind: "import", pem: { ...pem, privateKey: pulumi.secret(pem.privateKey) }, domainNames };
  }

  if (args.existingDomainNames !== undefined)
    checkNames(checks, "existingDomainNames", args.existingDomainNames);
  checks.throwIfAny();
  return { kind: "existing", arn: args.existingArn!, domainNames: args.existingDomainNames };
}

/**
 * A TLS certificate for the load balancer or CloudFront: requested from ACM and validated through DNS records
 * in Route 53, imported from PEM text or files, or an existing certificate passed through.
 *
 * With `opts.provider` (e.g. a us-east-1 provider for CloudFront) every child is made with that provider.
 *
 * @example
 * ```ts
 * const cert = new Certificate("toucan-cert", {
 *   domainNames: ["toucan.example.com", "api-toucan.example.com"],
 *   zoneId: zone.zoneId,
 * });
 * ```
 */
export class Certificate extends pulumi.ComponentResource {
  /**
   * ARN of the certificate. For a requested certificate it comes from the validation, so whatever uses it waits
   * until ACM has issued the certificate.
   */
  readonly arn: pulumi.Output<string>;
  /**
   * The names the certificate covers, when known at construction: the requested names, the names read from an
   * imported PEM, or `existingDomainNames`.
   */
  readonly domainNames: string[] | undefined;
  /**
   * The DNS validation records this certificate owns, by validation name (none for an imported or existing
   * certificate, nor for the names of `sharedValidationRecords`). Another certificate of the same names
   * takes them as its `sharedValidationRecords`.
   */
  readonly validationRecords: Record<string, aws.route53.Record> = {};

  constructor(name: string, args: CertificateArgs, opts: pulumi.ComponentResourceOptions = {}) {
    const source = validateCertificateArgs(name, args);
    super(COMPONENT, name, {}, opts);
    const tags = args.tags ?? {};

    this.domainNames = source.domainNames;
    switch (source.kind) {
      case "request": {
        const certificate = this.requestCertificate(name, source, tags, args);
        const shared = args.sharedValidationRecords ?? {};
        const records = distinctValidationNames(source.domainNames).map((domain) => {
          if (shared[domain] !== undefined) return shared[domain];
          return (this.validationRecords[domain] = this.createValidationRecord(
            name,
            domain,
            source,
            certificate,
            args,
          ));
        });
        this.arn = this.awaitValidation(name, certificate, records, args);
        break;
      }
      case "import":
        this.arn = this.importCertificate(name, source.pem, tags, args).arn;
        break;
      case "existing":
        this.arn = pulumi.output(source.arn);
        break;
    }
    this.registerOutputs({ arn: this.arn, domainNames: this.domainNames });
  }

  private requestCertificate(
    name: string,
    source: Extract<Source, { kind: "request" }>,
    tags: Record<string, string>,
    args: CertificateArgs,
  ): aws.acm.Certificate {
    const [primary, ...alternatives] = source.domainNames;
    return new aws.acm.Certificate(
      ...applyTransform(
        args.transform?.certificate,
        `${name}-cert`,
        {
          domainName: primary,
          subjectAlternativeNames: alternatives.length > 0 ? alternatives : undefined,
          validationMethod: "DNS",
          keyAlgorithm: source.keyAlgorithm,
          tags: { ...tags, Name: primary },
        },
        { parent: this },
      ),
    );
  }

  /**
   * The record of one distinct validation name, keyed by the plain name (known at construction) so the number and
   * names of records never depend on ACM's answer; only their values are read from it.
   */
  private createValidationRecord(
    name: string,
    domain: string,
    source: Extract<Source, { kind: "request" }>,
    certificate: aws.acm.Certificate,
    args: CertificateArgs,
  ): aws.route53.Record {
    const option = certificate.domainValidationOptions.apply((options) => {
      const found = options.find((o) => validationName(o.domainName) === domain);
      if (!found) {
        throw new Error(
          `Certificate "${name}": ACM returned no DNS validation record for ${domain} ` +
            `(got ${options.map((o) => o.domainName).join(", ") || "none"})`,
        );
      }
      return found;
    });
    return new aws.route53.Record(
      ...applyTransform(
        args.transform?.validationRecord,
        `${name}-validation-${domain}`,
        {
          zoneId: source.zoneId,
          name: option.resourceRecordName,
          type: option.resourceRecordType,
          records: [option.resourceRecordValue],
          ttl: 300,
          // A record left by an earlier certificate of the name (the CNAME is the same) is taken over.
          allowOverwrite: true,
        },
        { parent: this },
      ),
    );
  }

  private awaitValidation(
    name: string,
    certificate: aws.acm.Certificate,
    records: aws.route53.Record[],
    args: CertificateArgs,
  ): pulumi.Output<string> {
    const validation = new aws.acm.CertificateValidation(
      ...applyTransform(
        args.transform?.validation,
        `${name}-validation`,
        { certificateArn: certificate.arn, validationRecordFqdns: records.map((r) => r.fqdn) },
        { parent: this },
      ),
    );
    return validation.certificateArn;
  }

  private importCertificate(
    name: string,
    pem: CertificatePem,
    tags: Record<string, string>,
    args: CertificateArgs,
  ): aws.acm.Certificate {
    return new aws.acm.Certificate(
      ...applyTransform(
        args.transform?.certificate,
        `${name}-cert`,
        {
          certificateBody: pem.certificate,
          privateKey: pem.privateKey,
          certificateChain: pem.chain,
          tags: { ...tags, Name: this.domainNames?.[0] ?? name },
        },
        { parent: this },
      ),
    );
  }
}
