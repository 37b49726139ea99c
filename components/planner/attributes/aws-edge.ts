/**
 * Computed attributes for the edge of the stack: ACM certificates and their validation, application load
 * balancers, target groups, listeners and rules, and the security groups and rules in front of them.
 */
import { X509Certificate } from "crypto";
import type { AttributeContext, AttributeModule } from "./types";
import { stableHex, str } from "./types";

/** Canonical hosted zone of each region's application load balancers (as documented by AWS). */
const ALB_HOSTED_ZONES: Record<string, string> = {
  "us-east-1": "Z35SXDOTRQ7X7K",
  "us-east-2": "Z3AADJGX6KTTL2",
  "us-west-1": "Z368ELLRRE2KJ0",
  "us-west-2": "Z1H1FL5HABSF5",
  "eu-west-1": "Z32O12XQLNTSW2",
  "eu-west-2": "ZHURV8PSTC4K8",
  "eu-west-3": "Z3Q77PNBQS71R4",
  "eu-central-1": "Z215JYRZR1TBD5",
};

function uuid(hex: (n: number) => string): string {
  const h = hex(32);
  return `${h.slice(0, 8)}-${h.slice(8, 12)}-${h.slice(12, 16)}-${h.slice(16, 20)}-${h.slice(20)}`;
}

/** ACM answers one CNAME per name; a wildcard and its base name share it. */
function validationOption(certificateSeed: string, domainName: string) {
  const base = domainName.startsWith("*.") ? domainName.slice(2) : domainName;
  const seed = `${certificateSeed}:${base}`;
  return {
    domainName,
    resourceRecordName: `_${stableHex(seed, 32)}.${base}.`,
    resourceRecordType: "CNAME",
    resourceRecordValue: `_${stableHex(`${seed}:value`, 32)}.${stableHex(`${seed}:zone`, 10)}.acm-validations.aws.`,
  };
}

function importedNames(body: string): { domainName?: string; subjectAlternativeNames: string[] } {
  try {
    const cert = new X509Certificate(body);
    const sans = (cert.subjectAltName ?? "")
      .split(",")
      .map((s) => s.trim())
      .filter((s) => s.startsWith("DNS:"))
      .map((s) => s.slice(4));
    const cn = /(?:^|\n)CN=([^\n]+)/.exec(cert.subject)?.[1];
    return { domainName: cn ?? sans[0], subjectAlternativeNames: sans };
  } catch {
    return { subjectAlternativeNames: [] };
  }
}

/**
 * `name` as the provider would set it: explicit, from a prefix (+ 26 unique characters, cut to the type's
 * limit), or autonamed from the logical name.
 */
function physicalName({ inputs, name, hex }: AttributeContext, maxLength = 255): string {
  const prefix = str(inputs.namePrefix);
  return str(inputs.name) ?? (prefix ? `${prefix}${hex(26)}`.slice(0, maxLength) : `${name}-${hex(7)}`);
}

export const module: AttributeModule = {
  attributes: {
    "aws:acm/certificate:Certificate": (ctx) => {
      const { inputs, region, accountId, hex, type, name } = ctx;
      const arn = `arn:aws:acm:${region}:${accountId}:certificate/${uuid(hex)}`;
      const body = str(inputs.certificateBody);
      if (body !== undefined) {
        const names = importedNames(body);
        return {
          arn,
          ...names,
          type: "IMPORTED",
          status: "ISSUED",
          domainValidationOptions: [],
          validationEmails: [],
          keyAlgorithm: "RSA_2048",
        };
      }
      const domainName = str(inputs.domainName) ?? "";
      const sans = (inputs.subjectAlternativeNames as string[] | undefined) ?? [];
      const allNames = [...new Set([domainName, ...sans])];
      return {
        arn,
        domainName,
        subjectAlternativeNames: allNames,
        type: "AMAZON_ISSUED",
        status: "PENDING_VALIDATION",
        keyAlgorithm: inputs.keyAlgorithm ?? "RSA_2048",
        domainValidationOptions: allNames.map((n) => validationOption(`${type}::${name}`, n)),
        validationEmails: [],
      };
    },
    "aws:acm/certificateValidation:CertificateValidation": ({ inputs }) => ({
      certificateArn: inputs.certificateArn,
    }),
    "aws:ec2/securityGroup:SecurityGroup": (ctx) => ({
      arn: `arn:aws:ec2:${ctx.region}:${ctx.accountId}:security-group/${ctx.id}`,
      name: physicalName(ctx),
      ownerId: ctx.accountId,
    }),
    "aws:vpc/securityGroupIngressRule:SecurityGroupIngressRule": ({ id, region, accountId }) => ({
      securityGroupRuleId: id,
      arn: `arn:aws:ec2:${region}:${accountId}:security-group-rule/${id}`,
    }),
    "aws:vpc/securityGroupEgressRule:SecurityGroupEgressRule": ({ id, region, accountId }) => ({
      securityGroupRuleId: id,
      arn: `arn:aws:ec2:${region}:${accountId}:security-group-rule/${id}`,
    }),
    "aws:lb/loadBalancer:LoadBalancer": (ctx) => {
      const { region, accountId, hex, inputs } = ctx;
      const lbName = physicalName(ctx, 32);
      const arnSuffix = `app/${lbName}/${hex(16)}`;
      const internal = inputs.internal === true ? "internal-" : "";
      const arn = `arn:aws:elasticloadbalancing:${region}:${accountId}:loadbalancer/${arnSuffix}`;
      return {
        name: lbName,
        arn,
        arnSuffix,
        dnsName: `${internal}${lbName}-${parseInt(hex(8), 16)}.${region}.elb.amazonaws.com`,
        zoneId: ALB_HOSTED_ZONES[region] ?? "Z35SXDOTRQ7X7K",
        loadBalancerType: inputs.loadBalancerType ?? "application",
        vpcId: "vpc-0123456789abcdef0",
      };
    },
    "aws:lb/targetGroup:TargetGroup": (ctx) => {
      const { region, accountId, hex } = ctx;
      const tgName = physicalName(ctx, 32);
      const arnSuffix = `targetgroup/${tgName}/${hex(16)}`;
      return {
        name: tgName,
        arn: `arn:aws:elasticloadbalancing:${region}:${accountId}:${arnSuffix}`,
        arnSuffix,
        loadBalancerArns: [],
      };
    },
    "aws:lb/listener:Listener": ({ inputs, hex }) => {
      const lbArn = str(inputs.loadBalancerArn) ?? "";
      return { arn: `${lbArn.replace(":loadbalancer/", ":listener/")}/${hex(16)}` };
    },
    "aws:lb/listenerRule:ListenerRule": ({ inputs, hex }) => {
      const listenerArn = str(inputs.listenerArn) ?? "";
      return { arn: `${listenerArn.replace(":listener/", ":listener-rule/")}/${hex(16)}` };
    },
  },
};
