/**
 * Computed attributes and function answers for the AWS types shared by every component:
 * networking, IAM, identity and region lookups, policy documents.
 */
import type { AttributeModule, CallContext, MethodContext } from "./types";
import { str } from "./types";
import { Secret, wireSecret } from "../values";

interface PolicyStatementInput {
  sid?: string;
  effect?: string;
  actions?: string[];
  notActions?: string[];
  resources?: string[];
  notResources?: string[];
  principals?: { type: string; identifiers: string[] }[];
  notPrincipals?: { type: string; identifiers: string[] }[];
  conditions?: { test: string; variable: string; values: string[] }[];
}

function one<T>(items: T[]): T | T[] {
  return items.length === 1 ? items[0] : items;
}

/** Renders `aws.iam.getPolicyDocument` statements the way the provider does. */
export function renderPolicyDocument(ctx: CallContext): Record<string, unknown> {
  const statements = (ctx.inputs.statements as PolicyStatementInput[] | undefined) ?? [];
  const rendered = statements.map((s) => {
    const out: Record<string, unknown> = {};
    if (s.sid) out.Sid = s.sid;
    out.Effect = s.effect ?? "Allow";
    if (s.actions) out.Action = one(s.actions);
    if (s.notActions) out.NotAction = one(s.notActions);
    if (s.resources) out.Resource = one(s.resources);
    if (s.notResources) out.NotResource = one(s.notResources);
    const principals = (list: PolicyStatementInput["principals"]) => {
      const p: Record<string, unknown> = {};
      for (const item of list ?? []) p[item.type] = one(item.identifiers);
      return p;
    };
    if (s.principals) out.Principal = principals(s.principals);
    if (s.notPrincipals) out.NotPrincipal = principals(s.notPrincipals);
    if (s.conditions) {
      const c: Record<string, Record<string, unknown>> = {};
      for (const cond of s.conditions) {
        c[cond.test] = { ...(c[cond.test] ?? {}), [cond.variable]: one(cond.values) };
      }
      out.Condition = c;
    }
    return out;
  });
  const json = JSON.stringify({ Version: "2012-10-17", Statement: rendered }, null, 2);
  return { id: String(json.length), json, minifiedJson: JSON.stringify(JSON.parse(json)) };
}

/**
 * AWS-managed prefix lists by name (ids as in eu-west-1; `maxEntries` is what each weighs in a security
 * group's rule quota). An unknown name fails the plan: the program asked for a list AWS does not have.
 */
function managedPrefixList(
  region: string,
  name: string | undefined,
  id: string | undefined,
): { id: string; name: string; maxEntries: number } {
  const lists = [
    { id: "pl-4fa04526", name: "com.amazonaws.global.cloudfront.origin-facing", maxEntries: 55 },
    { id: "pl-6da54004", name: `com.amazonaws.${region}.s3`, maxEntries: 1 },
    { id: "pl-6fa54006", name: `com.amazonaws.${region}.dynamodb`, maxEntries: 1 },
  ];
  const found = lists.find(
    (l) => (name !== undefined && l.name === name) || (id !== undefined && l.id === id),
  );
  if (!found) throw new Error(`no AWS-managed prefix list named ${name ?? id} in ${region}`);
  return found;
}

/** Public SSM parameters the components read: the newest Amazon Linux 2023 AMI per architecture. */
const PUBLIC_PARAMETERS: Record<string, string> = {
  "/aws/service/ami-amazon-linux-latest/al2023-ami-kernel-default-arm64": "ami-0a2c2f3e4d5b60a64",
  "/aws/service/ami-amazon-linux-latest/al2023-ami-kernel-default-x86_64": "ami-0b3d4e5f6a7c8d086",
};

/** Provider settings the `aws.Provider` constructor sends as JSON text (objects, lists, booleans, numbers). */
const PROVIDER_JSON_SETTINGS = new Set([
  "allowedAccountIds",
  "assumeRoleWithWebIdentity",
  "assumeRoles",
  "defaultTags",
  "endpoints",
  "forbiddenAccountIds",
  "ignoreTags",
  "insecure",
  "maxRetries",
  "s3UsePathStyle",
  "sharedConfigFiles",
  "sharedCredentialsFiles",
  "skipCredentialsValidation",
  "skipMetadataApiCheck",
  "skipRegionValidation",
  "skipRequestingAccountId",
  "tokenBucketRateLimiterCapacity",
  "useDualstackEndpoint",
  "useFipsEndpoint",
  "userAgents",
]);

/** Settings that are one nested block in Terraform's schema: a list of one there. */
const SINGLE_BLOCKS = new Set(["assumeRoleWithWebIdentity", "defaultTags", "ignoreTags"]);

const snake = (key: string) => key.replace(/[A-Z]/g, (c) => `_${c.toLowerCase()}`);

/** Keys to Terraform's case at every depth, except inside tag maps (user keys). */
function terraformCased(value: unknown, inTags = false): unknown {
  if (Array.isArray(value)) return value.map((v) => terraformCased(v));
  if (value === null || typeof value !== "object") return value;
  return Object.fromEntries(
    Object.entries(value as Record<string, unknown>).map(([k, v]) => [
      inTags ? k : snake(k),
      terraformCased(v, !inTags && k === "tags"),
    ]),
  );
}

/**
 * `aws.Provider.terraformConfig()`: the provider's settings with Terraform's names and shapes
 * (`assume_role` a list of blocks, `default_tags` a list of one). With a secret setting (keys), the
 * whole result is a secret.
 */
function providerTerraformConfig({ self }: MethodContext): Record<string, unknown> {
  const result: Record<string, unknown> = {};
  let secret = false;
  for (const [key, raw] of Object.entries(self.inputs)) {
    secret ||= raw instanceof Secret;
    let value = raw instanceof Secret ? raw.value : raw;
    if (value === undefined || value === null) continue;
    if (typeof value === "string" && PROVIDER_JSON_SETTINGS.has(key)) value = JSON.parse(value);
    if (value === undefined || value === null) continue;
    if (SINGLE_BLOCKS.has(key)) value = [value];
    const name = key === "assumeRoles" ? "assume_role" : snake(key);
    result[name] = terraformCased(value);
  }
  return { result: secret ? wireSecret(result) : result };
}

export const module: AttributeModule = {
  methods: {
    "pulumi:providers:aws/terraformConfig": providerTerraformConfig,
  },
  idPrefixes: {
    "aws:ec2/vpc:Vpc": "vpc-",
    "aws:ec2/subnet:Subnet": "subnet-",
    "aws:ec2/securityGroup:SecurityGroup": "sg-",
    "aws:ec2/internetGateway:InternetGateway": "igw-",
    "aws:ec2/natGateway:NatGateway": "nat-",
    "aws:ec2/eip:Eip": "eipalloc-",
    "aws:ec2/routeTable:RouteTable": "rtb-",
    "aws:ec2/routeTableAssociation:RouteTableAssociation": "rtbassoc-",
    "aws:ec2/vpcEndpoint:VpcEndpoint": "vpce-",
    "aws:ec2/instance:Instance": "i-",
    "aws:ebs/volume:Volume": "vol-",
    "aws:ec2/launchTemplate:LaunchTemplate": "lt-",
    "aws:vpc/securityGroupIngressRule:SecurityGroupIngressRule": "sgr-",
    "aws:vpc/securityGroupEgressRule:SecurityGroupEgressRule": "sgr-",
    "aws:kms/key:Key": "",
  },
  attributes: {
    "aws:ec2/vpc:Vpc": ({ hex }) => ({
      defaultSecurityGroupId: `sg-${hex(17)}`,
      defaultNetworkAclId: `acl-${hex(17)}`,
      defaultRouteTableId: `rtb-${hex(17)}`,
      mainRouteTableId: `rtb-${hex(17)}`,
      ownerId: "123456789012",
    }),
    "aws:ec2/defaultSecurityGroup:DefaultSecurityGroup": ({ inputs }) => ({ vpcId: inputs.vpcId }),
    "aws:ec2/eip:Eip": ({ hex, id }) => ({
      allocationId: id,
      publicIp: `203.0.113.${parseInt(hex(2), 16) % 250}`,
    }),
    "aws:ec2/natGateway:NatGateway": ({ hex }) => ({ privateIp: `10.0.0.${parseInt(hex(2), 16) % 250}` }),
    "aws:ec2/instance:Instance": ({ hex, region, inputs }) => {
      const ip = `10.0.${parseInt(hex(2), 16) % 250}.${parseInt(hex(4).slice(2), 16) % 250}`;
      return {
        privateIp: inputs.privateIp ?? ip,
        privateDns: `ip-${String(inputs.privateIp ?? ip).replace(/\./g, "-")}.${region}.compute.internal`,
        primaryNetworkInterfaceId: `eni-${hex(17)}`,
      };
    },
    "aws:ec2/vpcEndpoint:VpcEndpoint": ({ hex }) => ({ prefixListId: `pl-${hex(8)}` }),
    "aws:iam/role:Role": ({ inputs, name, hex, accountId }) => {
      const roleName = str(inputs.name) ?? `${name}-${hex(7)}`;
      return {
        name: roleName,
        arn: `arn:aws:iam::${accountId}:role/${inputs.path ?? ""}${roleName}`.replace("role//", "role/"),
        uniqueId: `AROA${hex(17).toUpperCase()}`,
      };
    },
    "aws:iam/policy:Policy": ({ inputs, name, hex, accountId }) => {
      const policyName = str(inputs.name) ?? `${name}-${hex(7)}`;
      return { name: policyName, arn: `arn:aws:iam::${accountId}:policy/${policyName}`, policyId: hex(21) };
    },
    "aws:iam/instanceProfile:InstanceProfile": ({ inputs, name, hex, accountId }) => {
      const profileName = str(inputs.name) ?? `${name}-${hex(7)}`;
      return { name: profileName, arn: `arn:aws:iam::${accountId}:instance-profile/${profileName}` };
    },
    "aws:kms/key:Key": ({ id, region, accountId }) => ({
      keyId: id,
      arn: `arn:aws:kms:${region}:${accountId}:key/${id}`,
    }),
    "aws:cloudwatch/logGroup:LogGroup": ({ inputs, name, hex, region, accountId }) => {
      const groupName = str(inputs.name) ?? `${name}-${hex(7)}`;
      return { name: groupName, arn: `arn:aws:logs:${region}:${accountId}:log-group:${groupName}` };
    },
    "aws:secretsmanager/secret:Secret": ({ inputs, name, hex, region, accountId }) => {
      const secretName = str(inputs.name) ?? `${name}-${hex(7)}`;
      return {
        name: secretName,
        arn: `arn:aws:secretsmanager:${region}:${accountId}:secret:${secretName}-${hex(6)}`,
      };
    },
    "aws:secretsmanager/secretVersion:SecretVersion": ({ hex, inputs }) => ({
      versionId: hex(32),
      arn: inputs.secretId,
    }),
  },
  calls: {
    "aws:index/getAvailabilityZones:getAvailabilityZones": ({ availabilityZones, region }) => ({
      id: region,
      names: availabilityZones,
      zoneIds: availabilityZones.map((_, i) => `${region.replace(/-/g, "").slice(0, 4)}-az${i + 1}`),
      state: "available",
      groupNames: [region],
    }),
    "aws:index/getCallerIdentity:getCallerIdentity": ({ accountId }) => ({
      id: accountId,
      accountId,
      arn: `arn:aws:iam::${accountId}:user/plan`,
      userId: "AIDAPLAN",
    }),
    "aws:index/getRegion:getRegion": ({ region }) => ({
      id: region,
      name: region,
      region,
      endpoint: `ec2.${region}.amazonaws.com`,
      description: region,
    }),
    "aws:index/getPartition:getPartition": () => ({
      id: "aws",
      partition: "aws",
      dnsSuffix: "amazonaws.com",
      reverseDnsPrefix: "com.amazonaws",
    }),
    "aws:iam/getPolicyDocument:getPolicyDocument": renderPolicyDocument,
    "aws:ec2/getManagedPrefixList:getManagedPrefixList": ({ inputs, region }) => {
      const list = managedPrefixList(region, str(inputs.name), str(inputs.id));
      return {
        id: list.id,
        name: list.name,
        entries: [],
        maxEntries: list.maxEntries,
        addressFamily: "IPv4",
      };
    },
    "aws:ec2/getVpc:getVpc": ({ inputs, region, accountId }) => ({
      id: inputs.id,
      cidrBlock: "10.0.0.0/16",
      arn: `arn:aws:ec2:${region}:${accountId}:vpc/${inputs.id}`,
      default: false,
      ownerId: accountId,
    }),
    "aws:ec2/getAmi:getAmi": () => ({
      id: "ami-0123456789abcdef0",
      imageId: "ami-0123456789abcdef0",
      architecture: "arm64",
      name: "al2023-ami-2023.6-kernel-6.1-arm64",
    }),
    "aws:ssm/getParameter:getParameter": ({ inputs }) => {
      const name = str(inputs.name) ?? "";
      const value = PUBLIC_PARAMETERS[name];
      if (value === undefined) throw new Error(`no such public SSM parameter: ${name}`);
      return { id: name, name, type: "String", value, insecureValue: value };
    },
  },
};
