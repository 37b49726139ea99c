import * as fs from "fs";
import { strict as assert } from "assert";
import * as os from "os";
import * as path from "path";
import { spawnSync } from "child_process";
import { Toucan, ToucanArgs, oneAtATimeMaximumPercent } from "../components/aws/toucan";
import { ToucanArgumentError } from "../components/core/errors";
import { rewritePath } from "../components/aws/load-balancer";
import { planProgram } from "../components/planner/plan-runner";
import { ConfigReader, toucanArgsFromConfig } from "../components/stack-config";
import {
  record,
  recordFailure,
  isSecretOutput,
  valueOf,
  Recording,
  RecordedResource,
} from "../components/planner/recorder";
import { Secret, reveal, redact } from "../components/planner/values";

const ROOT = path.resolve(__dirname, "..");

const SG_INGRESS = "aws:vpc/securityGroupIngressRule:SecurityGroupIngressRule";
const SG_EGRESS = "aws:vpc/securityGroupEgressRule:SecurityGroupEgressRule";
const SG = "aws:ec2/securityGroup:SecurityGroup";
const LISTENER = "aws:lb/listener:Listener";
const TASK_DEFINITION = "aws:ecs/taskDefinition:TaskDefinition";
const SERVICE = "aws:ecs/service:Service";

const BASE: ToucanArgs = {
  version: "v100.5.1",
  frontendDomain: "toucan.example.com",
  backendDomain: "api-toucan.example.com",
  zoneId: "Z0123456789EXAMPLE",
};

async function planOf(configFile: string): Promise<Recording> {
  return (await planProgram({ programDir: ROOT, configFile: path.join(ROOT, configFile) })).recording;
}

interface ContainerDefinition {
  name: string;
  image: string;
  essential?: boolean;
  environment?: { name: string; value: string }[];
  secrets?: { name: string; valueFrom: string }[];
  mountPoints?: { sourceVolume: string; containerPath: string; readOnly?: boolean }[];
  dependsOn?: { containerName: string; condition: string }[];
  command?: string[];
}

function containers(taskDefinition: RecordedResource): ContainerDefinition[] {
  return JSON.parse(reveal(taskDefinition.inputs.containerDefinitions) as string) as ContainerDefinition[];
}

function taskDefinitionOf(recording: Recording, tier: string): RecordedResource {
  const found = recording.byType(TASK_DEFINITION).filter((t) => t.name.includes(`-${tier}`));
  assert.equal(found.length, 1, `one ${tier} task definition`);
  return found[0];
}

function mainContainer(recording: Recording, tier: string): ContainerDefinition {
  const defs = containers(taskDefinitionOf(recording, tier));
  const main = defs.find((d) => d.essential !== false);
  assert.ok(main, `${tier} has an essential container`);
  return main;
}

function envOf(container: ContainerDefinition): Record<string, string> {
  return Object.fromEntries((container.environment ?? []).map((e) => [e.name, e.value]));
}

/** The security group a recorded SG id belongs to. */
function groupById(recording: Recording, id: unknown): RecordedResource {
  const group = recording.byType(SG).find((g) => g.outputs.id === id);
  assert.ok(group, `no security group with id ${String(id)}`);
  return group;
}

function ingressOf(recording: Recording, group: RecordedResource): RecordedResource[] {
  return recording.byType(SG_INGRESS).filter((r) => r.inputs.securityGroupId === group.outputs.id);
}

describe("Toucan (the redundant topology of Pulumi.demo.yaml)", function () {
  let recording: Recording;

  before(async () => {
    recording = await planOf("Pulumi.demo.yaml");
  });

  function loadBalancerGroup(): RecordedResource {
    const groups = recording.byType(SG).filter((g) => g.name.includes("-lb"));
    assert.equal(groups.length, 1, "shared mode has one load balancer security group");
    return groups[0];
  }

  function serviceGroup(tier: string): RecordedResource {
    const service = recording.byType(SERVICE).find((s) => s.name.includes(`-${tier}`))!;
    const ids = (service.inputs.networkConfiguration as { securityGroups: string[] }).securityGroups;
    assert.equal(ids.length, 1);
    return groupById(recording, ids[0]);
  }

  it("admits only HTTP and HTTPS from the internet to the load balancer", () => {
    const rules = ingressOf(recording, loadBalancerGroup());
    assert.deepEqual(rules.map((r) => [r.inputs.fromPort, r.inputs.toPort, r.inputs.cidrIpv4]).sort(), [
      [443, 443, "0.0.0.0/0"],
      [80, 80, "0.0.0.0/0"],
    ]);
  });

  it("admits only the container port from the load balancer's group to each service", () => {
    const lb = loadBalancerGroup();
    for (const tier of ["backend", "frontend"]) {
      const rules = ingressOf(recording, serviceGroup(tier));
      assert.equal(rules.length, 1, `${tier} has one ingress rule`);
      assert.equal(rules[0].inputs.fromPort, 80);
      assert.equal(rules[0].inputs.toPort, 80);
      assert.equal(rules[0].inputs.referencedSecurityGroupId, lb.outputs.id);
      assert.equal(rules[0].inputs.cidrIpv4, undefined);
    }
  });

  it("lets the load balancer reach only the services' groups", () => {
    const lb = loadBalancerGroup();
    const egress = recording.byType(SG_EGRESS).filter((r) => r.inputs.securityGroupId === lb.outputs.id);
    const targets = egress.map((r) => r.inputs.referencedSecurityGroupId).sort();
    assert.deepEqual(
      targets,
      [serviceGroup("backend").outputs.id, serviceGroup("frontend").outputs.id].sort(),
    );
    for (const rule of egress) assert.equal(rule.inputs.fromPort, 80);
  });

  it("admits only the backend's group to Mongo, Redis and EFS, on their ports", () => {
    const backend = serviceGroup("backend");
    const expected: Record<string, number> = { mongo: 27017, redis: 6379, storage: 2049 };
    for (const [tier, port] of Object.entries(expected)) {
      const group = recording.byType(SG).find((g) => g.name.includes(`-${tier}`));
      assert.ok(group, `no ${tier} security group`);
      const external = ingressOf(recording, group).filter(
        (r) => r.inputs.referencedSecurityGroupId !== group.outputs.id,
      );
      assert.ok(external.length >= 1, `${tier} admits nobody`);
      for (const rule of external) {
        assert.equal(
          rule.inputs.referencedSecurityGroupId,
          backend.outputs.id,
          `${tier} admits another group`,
        );
        assert.equal(rule.inputs.fromPort, port);
        assert.equal(rule.inputs.toPort, port);
      }
    }
  });

  it("answers HTTP with a 301 to HTTPS, and serves HTTPS with a TLS 1.2+ policy", () => {
    const listeners = recording.byType(LISTENER);
    const http = listeners.find((l) => l.inputs.port === 80)!;
    const https = listeners.find((l) => l.inputs.port === 443)!;
    const [action] = http.inputs.defaultActions as {
      type: string;
      redirect: { protocol: string; statusCode: string; port: string };
    }[];
    assert.equal(action.type, "redirect");
    assert.equal(action.redirect.protocol, "HTTPS");
    assert.equal(action.redirect.statusCode, "HTTP_301");
    assert.equal(https.inputs.protocol, "HTTPS");
    assert.match(https.inputs.sslPolicy as string, /^ELBSecurityPolicy-TLS13-1-2-/);
  });

  it("injects the Mongo and Redis connection strings as secrets, never as plain environment", () => {
    const backend = mainContainer(recording, "backend");
    const secrets = Object.fromEntries((backend.secrets ?? []).map((s) => [s.name, s.valueFrom]));
    for (const name of ["TOUCAN_MONGODB_HOST", "TOUCAN_MONGODB_READONLY_HOST", "TOUCAN_REDIS_URL"]) {
      assert.match(secrets[name], /^arn:aws:secretsmanager:eu-west-1:123456789012:secret:/, name);
    }
    for (const def of recording.byType(TASK_DEFINITION).flatMap(containers)) {
      for (const { name, value } of def.environment ?? []) {
        assert.ok(!/:\/\/[^/\s]*:[^@/\s]+@/.test(value), `${def.name} has a credential in plain ${name}`);
        assert.ok(
          !["TOUCAN_MONGODB_HOST", "TOUCAN_MONGODB_READONLY_HOST", "TOUCAN_REDIS_URL"].includes(name),
        );
      }
    }
  });

  it("never prints a generated password", () => {
    const passwords = recording
      .byType("random:index/randomPassword:RandomPassword")
      .map((p) => reveal(p.outputs.result) as string);
    assert.ok(passwords.length > 0);
    const printed = JSON.stringify(recording.resources.map((r) => redact(r.inputs)));
    for (const password of passwords) assert.ok(!printed.includes(password));
  });

  it("mounts EFS at /app/storage with transit encryption and IAM authorization", () => {
    const taskDefinition = taskDefinitionOf(recording, "backend");
    const volumes = taskDefinition.inputs.volumes as {
      name: string;
      efsVolumeConfiguration?: {
        transitEncryption: string;
        authorizationConfig: { iam: string; accessPointId: string };
      };
    }[];
    const efs = volumes.find((v) => v.efsVolumeConfiguration)!;
    assert.equal(efs.efsVolumeConfiguration!.transitEncryption, "ENABLED");
    assert.equal(efs.efsVolumeConfiguration!.authorizationConfig.iam, "ENABLED");
    const accessPoint = recording.one("aws:efs/accessPoint:AccessPoint");
    assert.equal(efs.efsVolumeConfiguration!.authorizationConfig.accessPointId, accessPoint.outputs.id);
    const mount = mainContainer(recording, "backend").mountPoints!.find((m) => m.sourceVolume === efs.name)!;
    assert.equal(mount.containerPath, "/app/storage");
    assert.notEqual(mount.readOnly, true);
  });

  it("writes the Mongo CA to the path named in tlsCAFile before the backend starts", () => {
    const defs = containers(taskDefinitionOf(recording, "backend"));
    const backend = defs.find((d) => d.essential !== false)!;
    const init = defs.find((d) => d.name === "mongo-ca")!;
    assert.deepEqual(backend.dependsOn, [
      { containerName: "mongo-ca", condition: "SUCCESS" },
      { containerName: "mongo-ready", condition: "SUCCESS" },
    ]);
    const caSecret = (init.secrets ?? []).find((s) => s.name === "MONGO_CA_PEM");
    assert.ok(caSecret, "the CA comes from Secrets Manager");
    const hostSecret = recording
      .byType("aws:secretsmanager/secretVersion:SecretVersion")
      .map((v) => reveal(v.inputs.secretString) as string)
      .find((s) => s.startsWith("mongodb://") && !s.includes("readonly") && s.includes("tlsCAFile="))!;
    const caFile = new URLSearchParams(hostSecret.split("?")[1]).get("tlsCAFile")!;
    const caDir = caFile.slice(0, caFile.lastIndexOf("/"));
    assert.ok(backend.mountPoints!.some((m) => m.containerPath === caDir && m.readOnly === true));
  });

  it("starts the backend only once the replica set has a primary that accepts the application user", () => {
    const defs = containers(taskDefinitionOf(recording, "backend"));
    const ready = defs.find((d) => d.name === "mongo-ready")!;
    assert.equal(ready.essential, false);
    assert.equal(ready.image, "public.ecr.aws/docker/library/mongo:7.0");
    // The application's own connection string: its user, the replica set, TLS with the CA.
    const backend = defs.find((d) => d.essential !== false)!;
    const backendHost = backend.secrets!.find((s) => s.name === "TOUCAN_MONGODB_HOST")!.valueFrom;
    assert.deepEqual(ready.secrets, [{ name: "TOUCAN_MONGODB_HOST", valueFrom: backendHost }]);
    const caMount = backend.mountPoints!.find((m) => m.sourceVolume === "mongo-ca")!;
    assert.deepEqual(ready.mountPoints, [{ ...caMount, readOnly: true }]);
    // The command: retried every 10 s for 30 minutes until mongosh reaches a writable primary.
    const script = ready.command![2];
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), "mongo-ready-"));
    try {
      const stub = (name: string, body: string) =>
        fs.writeFileSync(path.join(dir, name), `#!/bin/sh\n${body}\n`, { mode: 0o755 });
      // No primary for the first two attempts, then one; `sleep` records its delay.
      stub(
        "mongosh",
        `n=$(cat "${dir}/n" 2>/dev/null || echo 0); echo $((n + 1)) >"${dir}/n"; echo "$*" >>"${dir}/args"; [ "$n" -ge 2 ]`,
      );
      stub("sleep", `echo "$1" >>"${dir}/slept"`);
      const env = {
        PATH: `${dir}:/usr/bin:/bin`,
        TOUCAN_MONGODB_HOST: "mongodb://u:p@db-1:27017/x?replicaSet=rs0",
      };
      const ok = spawnSync("sh", ["-c", script], { env, encoding: "utf8" });
      assert.equal(ok.status, 0, ok.stderr);
      assert.equal(fs.readFileSync(path.join(dir, "n"), "utf8").trim(), "3");
      assert.deepEqual(fs.readFileSync(path.join(dir, "slept"), "utf8").trim().split("\n"), ["10", "10"]);
      const args = fs.readFileSync(path.join(dir, "args"), "utf8").trim().split("\n")[0];
      assert.ok(args.startsWith("mongodb://u:p@db-1:27017/x?replicaSet=rs0 --quiet --norc --eval"), args);
      assert.ok(args.includes("db.hello().isWritablePrimary"));
      // Never a primary: it gives up after 180 attempts.
      stub("mongosh", "exit 1");
      fs.rmSync(path.join(dir, "slept"));
      const fail = spawnSync("sh", ["-c", script], { env, encoding: "utf8" });
      assert.equal(fail.status, 1);
      assert.match(fail.stderr, /no MongoDB primary accepting the application user/);
      assert.equal(fs.readFileSync(path.join(dir, "slept"), "utf8").trim().split("\n").length, 179);
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });

  it("with DocumentDB, writes the region's CA bundle from its secret with the CA writer image: no download at task start", async () => {
    const { recording: r } = await record(
      () => new Toucan("t", { ...BASE, mongo: { engine: "documentdb" } }),
    );
    const init = containers(taskDefinitionOf(r, "backend")).find((d) => d.name === "mongo-ca")!;
    assert.equal(init.image, "public.ecr.aws/docker/library/busybox:1.36.1");
    assert.deepEqual(init.environment ?? [], []);
    const [secret] = init.secrets!;
    assert.equal(secret.name, "MONGO_CA_PEM");
    const caSecret = r
      .byType("aws:secretsmanager/secret:Secret")
      .find((s) => s.outputs.arn === secret.valueFrom)!;
    const version = r
      .byType("aws:secretsmanager/secretVersion:SecretVersion")
      .find((v) => v.inputs.secretId === caSecret.outputs.id)!;
    assert.match(String(reveal(version.inputs.secretString)), /^-----BEGIN CERTIFICATE-----/);
    assert.doesNotMatch(init.command!.join(" "), /curl|wget|https?:/);
  });

  it("has no readiness step for DocumentDB or an external database", async () => {
    const { recording: r } = await record(
      () => new Toucan("t", { ...BASE, mongo: { engine: "documentdb" } }),
    );
    const defs = containers(taskDefinitionOf(r, "backend"));
    assert.equal(
      defs.find((d) => d.name === "mongo-ready"),
      undefined,
    );
  });

  it("runs at least 2 tasks of each service with a rolling circuit breaker and health checks on the vendor's paths", () => {
    for (const service of recording.byType(SERVICE)) {
      assert.ok((service.inputs.desiredCount as number) >= 2, service.name);
      assert.deepEqual(service.inputs.deploymentCircuitBreaker, { enable: true, rollback: true });
      assert.equal(service.inputs.deploymentMinimumHealthyPercent, 100);
    }
    const paths = recording
      .byType("aws:lb/targetGroup:TargetGroup")
      .map((t) => (t.inputs.healthCheck as { path: string }).path)
      .sort();
    assert.deepEqual(paths, ["/", "/tucana-version.txt"]);
  });

  it("starts the backend after the data tier, with time for migrations and connector installs", () => {
    const backend = recording.byType(SERVICE).find((s) => s.name.includes("-backend"))!;
    const mongo = recording.one("toucan:aws:MongoCluster");
    const instances = recording.byType("aws:ec2/instance:Instance");
    assert.ok(instances.length === 3);
    for (const instance of instances)
      assert.ok(backend.dependencies.includes(instance.urn) || backend.dependencies.includes(mongo.urn));
    assert.equal(
      backend.inputs.healthCheckGracePeriodSeconds,
      600,
      "the demo installs extra connectors at start",
    );
  });

  it("starts one new backend task at a time (migrations run at boot)", () => {
    const backend = recording.byType(SERVICE).find((s) => s.name.includes("-backend"))!;
    const desired = backend.inputs.desiredCount as number;
    const max = backend.inputs.deploymentMaximumPercent as number;
    assert.equal(Math.floor((desired * max) / 100), desired + 1);
  });

  it("passes API_BASEROUTE, extra connectors and workers to the containers", () => {
    assert.equal(envOf(mainContainer(recording, "frontend")).API_BASEROUTE, "https://api-toucan.example.com");
    const backend = envOf(mainContainer(recording, "backend"));
    assert.equal(backend.TOUCAN_EXTRA_CONNECTORS, '["azure_mssql", "oracle"]');
    assert.equal(backend.TOUCAN_GUNICORN_WORKERS, "3");
    assert.equal(mainContainer(recording, "backend").image, "quay.io/toucantoco/backend:v100.5.1");
    assert.equal(mainContainer(recording, "frontend").image, "quay.io/toucantoco/frontend:v100.5.1");
  });

  it("keeps every name it sets within AWS's length limits", () => {
    const limits: Record<string, number> = {
      "aws:lb/loadBalancer:LoadBalancer": 32,
      "aws:lb/targetGroup:TargetGroup": 32,
      "aws:iam/role:Role": 64,
      "aws:iam/policy:Policy": 128,
      "aws:iam/rolePolicy:RolePolicy": 128,
      "aws:iam/instanceProfile:InstanceProfile": 128,
      "aws:ec2/securityGroup:SecurityGroup": 255,
      "aws:ecs/cluster:Cluster": 255,
      "aws:ecs/service:Service": 255,
      "aws:cloudwatch/logGroup:LogGroup": 512,
      "aws:secretsmanager/secret:Secret": 512,
      "aws:elasticache/replicationGroup:ReplicationGroup": 40,
      "aws:elasticache/subnetGroup:SubnetGroup": 255,
      "aws:efs/fileSystem:FileSystem": 256,
    };
    const keyOf: Record<string, string> = {
      "aws:elasticache/replicationGroup:ReplicationGroup": "replicationGroupId",
    };
    for (const r of recording.resources) {
      const limit = limits[r.type];
      if (limit === undefined) continue;
      const key = keyOf[r.type] ?? "name";
      const value = (r.inputs[key] ?? r.outputs[key]) as string | undefined;
      if (value === undefined) continue;
      assert.ok(value.length <= limit, `${r.type} ${r.name}: ${key} "${value}" is longer than ${limit}`);
    }
    for (const def of recording.byType(TASK_DEFINITION))
      assert.ok((def.inputs.family as string).length <= 255);
  });

  it("protects the stateful resources", () => {
    for (const type of [
      "aws:ebs/volume:Volume",
      "aws:efs/fileSystem:FileSystem",
      "aws:elasticache/replicationGroup:ReplicationGroup",
    ]) {
      const found = recording.byType(type);
      assert.ok(found.length > 0, type);
      for (const r of found) assert.equal(r.protect, true, `${r.name} is not protected`);
    }
  });
});

describe("Toucan (Pulumi.demo-same-domain.yaml)", () => {
  let recording: Recording;

  before(async () => {
    recording = await planOf("Pulumi.demo-same-domain.yaml");
  });

  it("sets API_BASEROUTE to https://<name>/_api", () => {
    assert.equal(
      envOf(mainContainer(recording, "frontend")).API_BASEROUTE,
      "https://toucan.example.com/_api",
    );
  });

  it("routes /_api/* to the backend with the prefix stripped", () => {
    const rules = recording.byType("aws:lb/listenerRule:ListenerRule");
    const rewriting = rules.filter(
      (r) => Array.isArray(r.inputs.transforms) && (r.inputs.transforms as unknown[]).length > 0,
    );
    assert.equal(rewriting.length, 1);
    const backendGroup = recording
      .byType("aws:lb/targetGroup:TargetGroup")
      .find((t) => (t.inputs.healthCheck as { path: string }).path === "/")!;
    const [action] = rewriting[0].inputs.actions as { targetGroupArn: string }[];
    assert.equal(action.targetGroupArn, backendGroup.outputs.arn);
    const [transform] = rewriting[0].inputs.transforms as {
      urlRewriteConfig: { rewrite: { regex: string; replace: string } };
    }[];
    const rewrite = transform.urlRewriteConfig.rewrite;
    const apply = (p: string) =>
      p.replace(new RegExp(rewrite.regex), rewrite.replace.replace(/\$(\d)/g, "$$$1"));
    for (const [from, to] of [
      ["/_api/x", "/x"],
      ["/_api/small-apps/demo/data", "/small-apps/demo/data"],
      ["/_api", "/"],
      ["/_api/", "/"],
    ]) {
      assert.equal(apply(from), to, from);
      assert.equal(rewritePath(from), to, from);
    }
  });
});

describe("Toucan (component)", () => {
  for (const [cpu, workers] of [
    [1024, "3"],
    [2048, "5"],
    [4096, "9"],
  ] as const) {
    it(`sets TOUCAN_GUNICORN_WORKERS to ${workers} for a ${cpu / 1024}-vCPU backend`, async () => {
      const { recording } = await record(
        () => new Toucan("t", { ...BASE, protect: false, backend: { cpu, memory: cpu * 4 } }),
      );
      assert.equal(envOf(mainContainer(recording, "backend")).TOUCAN_GUNICORN_WORKERS, workers);
    });
  }

  it("registers the same resources in preview as in an update", async () => {
    const update = await record(() => new Toucan("t", BASE));
    const preview = await record(() => new Toucan("t", BASE), { preview: true });
    assert.deepEqual(
      preview.recording.resources.map((r) => r.urn).sort(),
      update.recording.resources.map((r) => r.urn).sort(),
    );
  });

  it("lets the backend decrypt secrets under a customer-managed key", async () => {
    const key = "arn:aws:kms:us-east-1:123456789012:key/1234abcd-12ab-34cd-56ef-1234567890ab";
    const { recording } = await record(() => new Toucan("t", { ...BASE, redis: { kmsKeyArn: key } }));
    const policies = recording
      .byType("aws:iam/rolePolicy:RolePolicy")
      .filter((p) => p.name.includes("-backend"))
      .map((p) => p.inputs.policy as string);
    assert.ok(
      policies.some((p) => p.includes("kms:Decrypt") && p.includes(key)),
      "no kms:Decrypt on the Redis key for the backend",
    );
  });

  it("starts each Mongo member only once its subnet has egress: NAT gateway, default route and association", async () => {
    const { recording } = await record(() => new Toucan("t", BASE));
    for (const member of [1, 2, 3]) {
      const instance = recording.one("aws:ec2/instance:Instance", `t-mongo-member-${member}`);
      const subnet = recording.one("aws:ec2/subnet:Subnet", `t-private-${member}`);
      assert.equal(instance.inputs.subnetId, subnet.outputs.id);
      const table = recording.one("aws:ec2/routeTable:RouteTable", `t-private-${member}`);
      const nat = recording.one("aws:ec2/natGateway:NatGateway", `t-nat-${member}`);
      assert.deepEqual(table.inputs.routes, [{ cidrBlock: "0.0.0.0/0", natGatewayId: nat.outputs.id }]);
      const association = recording.one(
        "aws:ec2/routeTableAssociation:RouteTableAssociation",
        `t-private-${member}`,
      );
      assert.equal(association.inputs.subnetId, subnet.outputs.id);
      for (const needed of [nat, table, association]) {
        assert.ok(
          instance.dependencies.includes(needed.urn),
          `member ${member} does not wait for ${needed.name}`,
        );
      }
    }
  });

  it("with a static frontend, each name's ACM validation record has one owner: the us-east-1 certificate waits on the regional one's", async () => {
    const { recording } = await record(() => new Toucan("t", { ...BASE, staticFrontend: {} }));
    const validationRecords = recording
      .byType("aws:route53/record:Record")
      .filter((r) =>
        String((r.inputs.records as string[] | undefined)?.[0]).endsWith(".acm-validations.aws."),
      );
    // ACM gives every certificate of a name the same CNAME in an account, whatever the region.
    const owners = new Map<string, string[]>();
    for (const r of validationRecords) {
      const domain = String(r.inputs.name)
        .replace(/^_[0-9a-f]+\./, "")
        .replace(/\.$/, "");
      owners.set(domain, [...(owners.get(domain) ?? []), r.name]);
    }
    assert.deepEqual([...owners.entries()].sort(), [
      ["api-toucan.example.com", ["t-cert-validation-api-toucan.example.com"]],
      ["toucan.example.com", ["t-cert-validation-toucan.example.com"]],
    ]);
    const usEast1 = recording
      .byType("aws:acm/certificateValidation:CertificateValidation")
      .find((v) => v.name !== "t-cert-validation")!;
    assert.deepEqual(usEast1.inputs.validationRecordFqdns, [
      recording.one("aws:route53/record:Record", "t-cert-validation-toucan.example.com").outputs.fqdn,
    ]);
  });

  it("with a static frontend on one name, admits CloudFront's origin-facing ranges to the load balancer", async () => {
    const { recording } = await record(
      () => new Toucan("t", { ...BASE, backendDomain: undefined, staticFrontend: {} }),
    );
    const rule = recording.one(SG_INGRESS, "t-lb-cloudfront");
    assert.equal(rule.inputs.fromPort, 443);
    // CloudFront's origin-facing list (AWS's documented name), not any other managed list.
    const lookups = recording.invokes.filter(
      (i) => i.token === "aws:ec2/getManagedPrefixList:getManagedPrefixList",
    );
    assert.deepEqual(
      lookups.map((i) => i.inputs.name),
      ["com.amazonaws.global.cloudfront.origin-facing"],
    );
    assert.match(String(rule.inputs.prefixListId), /^pl-[0-9a-f]{8}$/);
    assert.equal(rule.inputs.toPort, 443, "only 443: CloudFront reaches the HTTPS listener");
    const group = recording.one(SG, "t-lb-cloudfront");
    assert.equal(rule.inputs.securityGroupId, group.outputs.id);
    assert.equal(group.inputs.vpcId, recording.one("aws:ec2/vpc:Vpc").outputs.id);
    const alb = recording.one("aws:lb/loadBalancer:LoadBalancer");
    assert.deepEqual(alb.inputs.securityGroups, [recording.one(SG, "t-lb-alb").outputs.id, group.outputs.id]);
    assert.equal(recording.byType("aws:ecs/service:Service").length, 1, "no frontend containers");
  });

  it("with a static frontend on one name and several ingressCidrs, no security group passes 60 inbound rules", async () => {
    // AWS counts a rule referencing a managed prefix list as the list's weight: 55 for CloudFront's
    // origin-facing list; a group holds 60 inbound rules by default (VPC user guide, prefix list weight).
    const cidrs = ["203.0.113.0/24", "198.51.100.0/24", "192.0.2.0/24", "10.10.0.0/16", "10.20.0.0/16"];
    const { recording } = await record(
      () =>
        new Toucan("t", {
          ...BASE,
          backendDomain: undefined,
          staticFrontend: {},
          loadBalancer: { ingressCidrs: cidrs },
        }),
    );
    const weight = new Map<unknown, number>();
    for (const r of recording.byType(SG_INGRESS)) {
      const w = r.inputs.prefixListId !== undefined ? 55 : 1;
      weight.set(r.inputs.securityGroupId, (weight.get(r.inputs.securityGroupId) ?? 0) + w);
    }
    for (const [group, rules] of weight) assert.ok(rules <= 60, `${String(group)}: ${rules} rules`);
    const albGroup = recording.one(SG, "t-lb-alb").outputs.id;
    assert.equal(weight.get(albGroup), cidrs.length * 2, "443 and 80 per block");
  });

  it("with frameAncestors in the root config, CloudFront sends them (embeds in other sites)", async () => {
    const values: Record<string, string> = {
      version: "v100.5.1",
      frontendDomain: "toucan.example.com",
      zoneId: "Z0123456789EXAMPLE",
      frontendMode: "static",
      frameAncestors: JSON.stringify(["https://intranet.example.com"]),
    };
    const config = new ConfigReader({ name: "toucan", get: (k) => values[k] });
    const { recording } = await record(() => new Toucan("t", toucanArgsFromConfig(config)));
    const embedded = recording.one("aws:cloudfront/responseHeadersPolicy:ResponseHeadersPolicy").inputs
      .securityHeadersConfig as Record<string, unknown>;
    assert.deepEqual(embedded.contentSecurityPolicy, {
      contentSecurityPolicy: "frame-ancestors 'self' https://intranet.example.com",
      override: true,
    });
    assert.equal(embedded.frameOptions, undefined);
  });

  it("bakes the extra connectors into an image pushed to ECR, and runs it by digest", async () => {
    const { recording } = await record(
      () =>
        new Toucan("t", {
          ...BASE,
          backend: { extraConnectors: ["azure_mssql", "oracle"], bakeConnectors: true },
        }),
    );
    const repository = recording.one("aws:ecr/repository:Repository");
    const image = recording.one("docker:index/image:Image");
    const build = image.inputs.build as { context: string; dockerfile: string; platform: string };
    assert.equal(
      fs.readFileSync(build.dockerfile, "utf8"),
      "FROM quay.io/toucantoco/backend:v100.5.1\nRUN toucan-ctl install_connectors azure_mssql oracle\n",
    );
    assert.equal(build.platform, "linux/amd64");
    assert.match(
      image.inputs.imageName as string,
      new RegExp(`^${repository.outputs.repositoryUrl}:v100\\.5\\.1-azure_mssql-oracle$`),
    );
    assert.ok(
      image.inputs.registry && (image.inputs.registry as { password: unknown }).password instanceof Secret,
    );
    const backend = mainContainer(recording, "backend");
    assert.equal(backend.image, image.outputs.repoDigest);
    assert.equal(
      envOf(backend).TOUCAN_EXTRA_CONNECTORS,
      undefined,
      "baked connectors are not installed again at start",
    );
  });

  it("keeps one new backend task at a time for any task count", () => {
    for (const desired of [2, 3, 4, 5, 6, 10]) {
      assert.equal(
        Math.floor((desired * oneAtATimeMaximumPercent(desired)) / 100),
        desired + 1,
        String(desired),
      );
    }
  });

  it("outputs where the connection strings are (secret ARNs), never the strings themselves", async () => {
    const { result } = await record(() => new Toucan("t", BASE));
    const arns = (await valueOf(result.connectionSecretArns)) as Record<string, string>;
    assert.deepEqual(Object.keys(arns).sort(), ["mongodbHost", "mongodbReadonlyHost", "redisUrl"]);
    for (const arn of Object.values(arns))
      assert.match(arn, /^arn:aws:secretsmanager:us-east-1:123456789012:secret:/);
    for (const output of [
      result.connectionSecretArns,
      result.securityGroupIds,
      result.serviceNames,
      result.backendUrl,
    ]) {
      assert.equal(
        await isSecretOutput(output),
        false,
        "a stack output other stacks read must not need decryption",
      );
      assert.ok(!JSON.stringify(await valueOf<unknown>(output)).includes("mongodb://"));
    }
  });

  describe("rejects bad input before registering anything", () => {
    const cases: { title: string; args: ToucanArgs; message: RegExp }[] = [
      {
        title: "mismatched major versions",
        args: { ...BASE, version: undefined, backendVersion: "v100.5.1", frontendVersion: "v99.1.0" },
        message: /major|MAJOR/,
      },
      {
        title: "latest-monthly without the opt-in",
        args: { ...BASE, version: "latest-monthly" },
        message: /latest-monthly/,
      },
      {
        title: "same domain without a frontend name",
        args: { ...BASE, frontendDomain: "", backendDomain: undefined },
        message: /frontend/i,
      },
      {
        title: "a certificate for the wrong names",
        args: {
          ...BASE,
          zoneId: undefined,
          certificateArn: "arn:aws:acm:eu-west-1:123456789012:certificate/x",
          certificateDomains: ["*.other.com"],
        },
        message: /do not cover toucan\.example\.com/,
      },
      {
        title: "1 AZ",
        args: { ...BASE, network: { azCount: 1 } },
        message: /fewer than 2 Availability Zones/,
      },
      {
        title: "a Mongo CA file whose volume would hide the system certificates",
        args: {
          ...BASE,
          mongo: {
            engine: "external",
            uris: { readWrite: "mongodb://a", readOnly: "mongodb://b" },
            caPem: "PEM",
            tlsCAFile: "/etc/ssl/myCA.crt",
          },
        },
        message: /`mongo.tlsCAFile` is "\/etc\/ssl\/myCA.crt": puts the CA in \/etc\/ssl,/,
      },
      {
        title: "a KMS key id where the backend needs an ARN",
        args: { ...BASE, redis: { kmsKeyArn: "alias/toucan" } },
        message: /`redis.kmsKeyArn` is "alias\/toucan": is not a key ARN/,
      },
      {
        title: "no NAT with the vendor's images",
        args: { ...BASE, network: { nat: "none" } },
        message:
          /`backendImage` is "quay\.io\/toucantoco\/backend:v100\.5\.1": is pulled from quay\.io, which a network with `nat: "none"` cannot reach/,
      },
      {
        title: "baking connectors without any",
        args: { ...BASE, backend: { bakeConnectors: true } },
        message: /`backend.bakeConnectors` is true: has no connector to bake/,
      },
    ];
    for (const c of cases) {
      it(c.title, async () => {
        const { error, recording } = await recordFailure(() => new Toucan("t", c.args));
        assert.ok(error instanceof ToucanArgumentError, String(error));
        assert.match(error.message, c.message);
        assert.match(error.message, /Fix: /);
        assert.deepEqual(recording.built, []);
      });
    }
  });
});

describe("Toucan with a screenshot service", () => {
  const SCREENSHOT = "registry.example.com/toucantoco/screenshot:1.0.0";
  let recording: Recording;
  before(async function () {
    this.timeout(60_000);
    ({ recording } = await record(
      () => new Toucan("t", { ...BASE, screenshot: { image: SCREENSHOT, port: 3000 } }),
    ));
  });

  function service(tier: string): RecordedResource {
    const found = recording.byType(SERVICE).filter((s) => s.name.includes(`-${tier}`));
    assert.equal(found.length, 1, tier);
    return found[0];
  }
  const groupOf = (tier: string) =>
    groupById(
      recording,
      (service(tier).inputs.networkConfiguration as { securityGroups: string[] }).securityGroups[0],
    );

  it("registers its tasks under a private name of the VPC (Cloud Map A records)", () => {
    const namespace = recording.one("aws:servicediscovery/privateDnsNamespace:PrivateDnsNamespace");
    assert.equal(namespace.inputs.name, "t.internal");
    assert.equal(namespace.inputs.vpc, recording.one("aws:ec2/vpc:Vpc").outputs.id);
    const discovery = recording.one("aws:servicediscovery/service:Service");
    assert.equal(discovery.inputs.name, "screenshot");
    assert.deepEqual(discovery.inputs.dnsConfig, {
      namespaceId: namespace.outputs.id,
      dnsRecords: [{ type: "A", ttl: 10 }],
      routingPolicy: "MULTIVALUE",
    });
    assert.deepEqual(service("screenshot").inputs.serviceRegistries, { registryArn: discovery.outputs.arn });
  });

  it("admits the backend's tasks on its port, and nothing else", () => {
    const rules = ingressOf(recording, groupOf("screenshot"));
    assert.equal(rules.length, 1);
    assert.equal(rules[0].inputs.referencedSecurityGroupId, groupOf("backend").outputs.id);
    assert.equal(rules[0].inputs.ipProtocol, "tcp");
    assert.equal(rules[0].inputs.fromPort, 3000);
    assert.equal(rules[0].inputs.toPort, 3000);
  });

  it("tells the backend its URL under TOUCAN_SCREENSHOT_URL", () => {
    assert.equal(
      envOf(mainContainer(recording, "backend")).TOUCAN_SCREENSHOT_URL,
      "http://screenshot.t.internal:3000",
    );
  });

  it("GIVEN urlVariable and namespace THEN the backend gets the URL under that name", async () => {
    const { recording: other } = await record(
      () =>
        new Toucan("t", {
          ...BASE,
          screenshot: { image: SCREENSHOT, urlVariable: "SCREENSHOT_URL", namespace: "toucan.corp.internal" },
        }),
    );
    const env = envOf(mainContainer(other, "backend"));
    assert.equal(env.SCREENSHOT_URL, "http://screenshot.toucan.corp.internal:80");
    assert.equal(env.TOUCAN_SCREENSHOT_URL, undefined);
  });

  for (const [title, screenshot, argument] of [
    ["a variable name that is not one", { urlVariable: "screenshot-url" }, "screenshot.urlVariable"],
    ["a Redis variable's name", { urlVariable: "TOUCAN_REDIS_HOST" }, "screenshot.urlVariable"],
    ["a namespace that is not a DNS name", { namespace: "Toucan_Internal" }, "screenshot.namespace"],
    [
      // screenshot.<namespace> would pass DNS's 253 characters.
      "a namespace of 243 characters",
      { namespace: `${"a".repeat(63)}.${"b".repeat(63)}.${"c".repeat(63)}.${"d".repeat(51)}` },
      "screenshot.namespace",
    ],
  ] as const) {
    it(`GIVEN ${title} THEN names ${argument} before anything registers`, async () => {
      const { error, recording: failed } = await recordFailure(
        () => new Toucan("t", { ...BASE, screenshot: { image: SCREENSHOT, ...screenshot } }),
      );
      assert.ok(error instanceof ToucanArgumentError, String(error));
      assert.match(error.message, new RegExp(`\`${argument.replace(".", "\\.")}\``));
      assert.deepEqual(failed.built, []);
    });
  }
});

describe("Toucan without NAT (nat none)", () => {
  const ECR = "123456789012.dkr.ecr.us-east-1.amazonaws.com";
  const MIRRORED: ToucanArgs = {
    ...BASE,
    backendImage: `${ECR}/toucantoco/backend:v100.5.1`,
    frontendImage: `${ECR}/toucantoco/frontend:v100.5.1`,
    initImages: {
      mongoCa: `${ECR}/docker/library/busybox:1.36.1`,
      mongoReady: `${ECR}/docker/library/mongo:7.0`,
    },
    toolbox: {
      image: `${ECR}/toucantoco/toolbox:toucan_backend_toolbox_100.5.1-latest`,
      awsCliImage: `${ECR}/aws-cli/aws-cli:2.17.0`,
    },
    network: { nat: "none" },
    mongo: { packages: { bucket: "acme-mirror", prefix: "mongodb" } },
  };
  let recording: Recording;
  before(async function () {
    this.timeout(60_000);
    ({ recording } = await record(() => new Toucan("t", MIRRORED)));
  });

  it("with DocumentDB, writes its CA bundle (read at deployment) with the mirrored writer image", async () => {
    const { recording: r } = await record(
      () => new Toucan("t", { ...MIRRORED, mongo: { engine: "documentdb" } }),
      { config: { "aws:region": "us-east-1" } },
    );
    const init = containers(taskDefinitionOf(r, "backend")).find((c) => c.name === "mongo-ca")!;
    assert.equal(init.image, `${ECR}/docker/library/busybox:1.36.1`);
    assert.deepEqual(
      init.secrets!.map((s) => s.name),
      ["MONGO_CA_PEM"],
    );
  });

  it("pulls every container of every task from the stack's private ECR", () => {
    const images = recording
      .byType(TASK_DEFINITION)
      .flatMap((t) => containers(t).map((c) => [c.name, c.image]));
    assert.ok(images.length >= 6, JSON.stringify(images));
    for (const [container, image] of images)
      assert.ok(image.startsWith(`${ECR}/`), `${container} pulls ${image}`);
    const backend = containers(taskDefinitionOf(recording, "backend"));
    assert.equal(backend.find((c) => c.name === "mongo-ca")?.image, `${ECR}/docker/library/busybox:1.36.1`);
    assert.equal(backend.find((c) => c.name === "mongo-ready")?.image, `${ECR}/docker/library/mongo:7.0`);
  });

  it("builds no NAT and reaches ECR, Logs, Secrets Manager, SSM, STS, CloudWatch and AWS Backup through endpoints", () => {
    assert.equal(recording.byType("aws:ec2/natGateway:NatGateway").length, 0);
    const services = recording
      .byType("aws:ec2/vpcEndpoint:VpcEndpoint")
      .map((e) => e.inputs.serviceName as string)
      .sort();
    assert.deepEqual(
      services,
      [
        "backup",
        "ec2messages",
        "ecr.api",
        "ecr.dkr",
        "logs",
        "monitoring",
        "s3",
        "secretsmanager",
        "ssm",
        "ssmmessages",
        "sts",
      ].map((svc) => `com.amazonaws.us-east-1.${svc}`),
    );
  });

  it("has the members install MongoDB from the private bucket, not from the internet", () => {
    const members = recording.byType("aws:ec2/instance:Instance");
    assert.equal(members.length, 3);
    for (const m of members) {
      assert.match(m.inputs.userData as string, /^INSTALL_PACKAGES=false$/m);
      assert.match(m.inputs.userData as string, /^PACKAGES_S3='s3:\/\/acme-mirror\/mongodb'$/m);
    }
  });

  describe("refuses before registering anything", () => {
    const cases: { title: string; args: ToucanArgs; messages: RegExp[] }[] = [
      {
        title: "every image not mirrored, naming each argument",
        args: {
          ...BASE,
          network: { nat: "none" },
          mongo: { packages: { bucket: "acme-mirror" } },
        },
        messages: [
          /`backendImage` is "quay\.io\/toucantoco\/backend:v100\.5\.1": is pulled from quay\.io/,
          /`frontendImage` is "quay\.io\/toucantoco\/frontend:v100\.5\.1"/,
          /`initImages\.mongoCa` is "public\.ecr\.aws\/docker\/library\/busybox:1\.36\.1": is pulled from public\.ecr\.aws/,
          /`initImages\.mongoReady` is "public\.ecr\.aws\/docker\/library\/mongo:7\.0"/,
          /`toolbox\.image` is "quay\.io\/toucantoco\/backup:toucan_backend_toolbox_100\.5\.1-latest"/,
          /`toolbox\.awsCliImage` is "public\.ecr\.aws\/aws-cli\/aws-cli:2\.17\.0"/,
          /crane copy quay\.io\/toucantoco\/backend:v100\.5\.1 <account>\.dkr\.ecr\.us-east-1\.amazonaws\.com\/toucantoco\/backend:v100\.5\.1`/,
        ],
      },
      {
        // The vendor's FAQ: the screenshot container reaches the frontend and backend through their DNS.
        title: "a screenshot service, even mirrored: it browses the public names",
        args: { ...MIRRORED, screenshot: { image: `${ECR}/toucantoco/screenshot:v100.5.1` } },
        messages: [
          /`screenshot` is ".*\/toucantoco\/screenshot:v100\.5\.1": must reach the frontend and the backend through their public names, which a network with `nat: "none"` has no route to.*use network\.nat "single" or "perAz"/,
        ],
      },
      {
        title: "an image in another region's ECR",
        args: {
          ...MIRRORED,
          backendImage: "123456789012.dkr.ecr.eu-west-1.amazonaws.com/toucantoco/backend:v100.5.1",
        },
        messages: [
          /`backendImage` .*: is in ECR of eu-west-1, but the VPC's ECR endpoints reach only the registry of us-east-1/,
        ],
      },
      {
        title: "Mongo members with neither packages nor an AMI",
        args: { ...MIRRORED, mongo: {} },
        messages: [
          /`packages` is not set and is needed without NAT \(`natAvailable: false`\): the members have no way to download MongoDB/,
        ],
      },
      {
        title: "an existing VPC declared without NAT, with the vendor's images and no MongoDB source",
        args: {
          ...BASE,
          network: {
            existing: {
              vpcId: "vpc-0a1b2c3d4e5f60718",
              publicSubnetIds: [
                "subnet-0000000000000000a",
                "subnet-0000000000000000b",
                "subnet-0000000000000000c",
              ],
              privateSubnetIds: [
                "subnet-1000000000000000a",
                "subnet-1000000000000000b",
                "subnet-1000000000000000c",
              ],
              availabilityZones: ["us-east-1a", "us-east-1b", "us-east-1c"],
              nat: "none",
            },
          },
        },
        messages: [
          /`backendImage` is "quay\.io\/toucantoco\/backend:v100\.5\.1": is pulled from quay\.io/,
          /`packages` is not set and is needed without NAT/,
        ],
      },
      {
        title: "natAvailable contradicting the network",
        args: { ...MIRRORED, mongo: { natAvailable: true, amiId: "ami-0123456789abcdef0" } },
        messages: [/`mongo\.natAvailable` is true: contradicts `network\.nat` \(none\)/],
      },
    ];
    for (const c of cases) {
      it(c.title, async () => {
        const { error, recording } = await recordFailure(() => new Toucan("t", c.args), {
          config: { "aws:region": "us-east-1" },
        });
        assert.ok(error instanceof ToucanArgumentError, String(error));
        for (const m of c.messages) assert.match(error.message, m);
        assert.deepEqual(recording.built, []);
      });
    }
  });
});
