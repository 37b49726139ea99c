import { strict as assert } from "assert";
import * as path from "path";
import { planProgram } from "../components/planner/plan-runner";
import type { PlanGraph, PlanResource } from "../components/planner/plan-runner";
import { assertReplacementRules } from "./support/review";

const ROOT = path.resolve(__dirname, "..");

async function planExample(name: string): Promise<PlanGraph> {
  const dir = path.join(ROOT, "examples", name);
  const { graph } = await planProgram({ programDir: dir, configFile: path.join(dir, "Pulumi.demo.yaml") });
  assertReplacementRules(graph, `examples/${name}`);
  return graph;
}

function ofType(graph: PlanGraph, type: string): PlanResource[] {
  return graph.resources.filter((r) => r.type === type);
}

function frontendEnvironment(graph: PlanGraph): Record<string, string> {
  const frontend = ofType(graph, "aws:ecs/taskDefinition:TaskDefinition").find((t) =>
    t.name.includes("-frontend"),
  )!;
  const [container] = JSON.parse(frontend.inputs.containerDefinitions as string) as {
    environment: { name: string; value: string }[];
  }[];
  return Object.fromEntries(container.environment.map((e) => [e.name, e.value]));
}

describe("examples (each program planned under the recording harness)", () => {
  it("redundant: the default topology with two names", async () => {
    const graph = await planExample("redundant");
    assert.equal(ofType(graph, "toucan:aws:Toucan").length, 1);
    assert.equal(ofType(graph, "aws:ec2/instance:Instance").length, 3, "3 Mongo members");
    assert.equal(ofType(graph, "aws:ecs/service:Service").length, 2);
    assert.equal(frontendEnvironment(graph).API_BASEROUTE, "https://api-toucan.example.com");
    assert.equal(graph.outputs.frontendUrl, "https://toucan.example.com");
  });

  it("same-domain: the backend under /_api on the frontend's name", async () => {
    const graph = await planExample("same-domain");
    assert.equal(frontendEnvironment(graph).API_BASEROUTE, "https://toucan.example.com/_api");
    const rewriting = ofType(graph, "aws:lb/listenerRule:ListenerRule").filter((r) =>
      Array.isArray(r.inputs.transforms),
    );
    assert.equal(rewriting.length, 1);
    assert.equal(graph.outputs.backendUrl, "https://toucan.example.com/_api");
  });

  it("existing-vpc: builds no network, no cluster and no certificate of its own", async () => {
    const graph = await planExample("existing-vpc");
    for (const type of [
      "aws:ec2/vpc:Vpc",
      "aws:ec2/subnet:Subnet",
      "aws:ecs/cluster:Cluster",
      "aws:acm/certificate:Certificate",
      "aws:route53/record:Record",
    ]) {
      const found = ofType(graph, type).filter((r) => !r.name.includes("mongo"));
      assert.equal(found.length, 0, `${type} was created`);
    }
    for (const service of ofType(graph, "aws:ecs/service:Service")) {
      assert.equal(service.inputs.cluster, "arn:aws:ecs:eu-west-1:123456789012:cluster/platform");
      const subnets = (service.inputs.networkConfiguration as { subnets: string[] }).subnets;
      assert.deepEqual(subnets, ["subnet-0bbb1111", "subnet-0bbb2222", "subnet-0bbb3333"]);
    }
    const https = ofType(graph, "aws:lb/listener:Listener").find((l) => l.inputs.port === 443)!;
    assert.equal(
      https.inputs.certificateArn,
      "arn:aws:acm:eu-west-1:123456789012:certificate/0a1b2c3d-1111-2222-3333-444455556666",
    );
    assert.deepEqual(ofType(graph, "aws:lb/loadBalancer:LoadBalancer")[0].inputs.subnets, [
      "subnet-0aaa1111",
      "subnet-0aaa2222",
      "subnet-0aaa3333",
    ]);
  });

  it("documentdb: a DocumentDB cluster of 2 instances in 2 AZs instead of Mongo members", async () => {
    const graph = await planExample("documentdb");
    assert.equal(ofType(graph, "aws:ec2/instance:Instance").length, 0);
    assert.equal(ofType(graph, "aws:docdb/cluster:Cluster").length, 1);
    const instances = ofType(graph, "aws:docdb/clusterInstance:ClusterInstance");
    assert.equal(instances.length, 2);
    assert.equal(new Set(instances.map((i) => i.inputs.availabilityZone)).size, 2);
  });

  it("atlas: an Atlas cluster over PrivateLink instead of Mongo members, and SSO outputs", async () => {
    const graph = await planExample("atlas");
    assert.equal(ofType(graph, "aws:ec2/instance:Instance").length, 0);
    const [cluster] = ofType(graph, "mongodbatlas:index/advancedCluster:AdvancedCluster");
    assert.equal(cluster.inputs.clusterType, "REPLICASET");
    assert.equal(
      ofType(graph, "aws:ec2/vpcEndpoint:VpcEndpoint").filter((e) => e.inputs.vpcEndpointType === "Interface")
        .length,
      1,
    );
    // The backend's group is the only client of the PrivateLink endpoint.
    const dir = path.join(ROOT, "examples", "atlas");
    const { recording } = await planProgram({
      programDir: dir,
      configFile: path.join(dir, "Pulumi.demo.yaml"),
    });
    const backendGroup = recording.one("aws:ec2/securityGroup:SecurityGroup", "toucan-backend");
    const endpointGroup = recording.one("aws:ec2/securityGroup:SecurityGroup", "toucan-mongo-sg");
    const rules = recording
      .byType("aws:vpc/securityGroupIngressRule:SecurityGroupIngressRule")
      .filter((r) => r.inputs.securityGroupId === endpointGroup.outputs.id);
    assert.deepEqual(
      rules.map((r) => [r.inputs.referencedSecurityGroupId, r.inputs.fromPort, r.inputs.toPort]),
      [[backendGroup.outputs.id, 1024, 65535]],
    );
    const sso = graph.outputs.ssoProviders as Record<string, Record<string, string>>;
    assert.equal(sso.okta.acsUrl, "https://api-toucan.example.com/auth/provider/okta/acs");
    assert.equal(
      sso.cognito.callbackUrl,
      "https://api-toucan.example.com/auth/provider/cognito/auth_callback",
    );
    assert.equal(graph.outputs.ssoProviderBlocks, "[secret]");
  });

  it("restore: Mongo volumes from snapshots, the storage around a restored file system", async () => {
    const graph = await planExample("restore");
    const volumes = [...ofType(graph, "aws:ebs/volume:Volume")].sort((a, b) => a.name.localeCompare(b.name));
    assert.deepEqual(
      volumes.map((v) => v.inputs.snapshotId),
      ["snap-0123456789abcdef0", "snap-0123456789abcdef1", "snap-0123456789abcdef2"],
    );
    assert.deepEqual(ofType(graph, "aws:efs/fileSystem:FileSystem"), []);
    const targets = ofType(graph, "aws:efs/mountTarget:MountTarget");
    assert.equal(targets.length, 3);
    assert.ok(targets.every((t) => t.inputs.fileSystemId === "fs-0123456789abcdef0"));
    // The restored file system is backed up like a new one would be.
    const [selection] = ofType(graph, "aws:backup/selection:Selection");
    assert.match(JSON.stringify(selection.inputs.resources), /file-system\/fs-0123456789abcdef0/);
  });
});

describe("examples/company-stack (Toucan inside a company's own VPC, cluster and certificate)", () => {
  const dir = path.join(ROOT, "examples", "company-stack");
  const COMPANY_TAGS = {
    "acme:cost-center": "cc-4711",
    "acme:team": "data-platform",
    "acme:environment": "demo",
    "acme:managed-by": "pulumi",
  };
  let plan: Awaited<ReturnType<typeof planProgram>>;
  before(async () => {
    plan = await planProgram({ programDir: dir, configFile: path.join(dir, "Pulumi.demo.yaml") });
  });

  it("Toucan creates no VPC, subnet, cluster or certificate: it runs in the company's", () => {
    const { recording, graph } = plan;
    for (const [type, count] of [
      ["aws:ec2/vpc:Vpc", 1],
      ["aws:ec2/subnet:Subnet", 6],
      ["aws:ecs/cluster:Cluster", 1],
      ["aws:acm/certificate:Certificate", 1],
    ] as const) {
      assert.equal(ofType(graph, type).length, count, type);
    }
    const cluster = recording.one("aws:ecs/cluster:Cluster", "acme-demo-ecs");
    for (const service of ofType(graph, "aws:ecs/service:Service")) {
      assert.equal(service.inputs.cluster, cluster.outputs.arn, service.name);
    }
    const privateIds = recording
      .byType("aws:ec2/subnet:Subnet")
      .filter((s) => s.name.startsWith("acme-demo-private-"))
      .map((s) => s.outputs.id);
    const backend = ofType(graph, "aws:ecs/service:Service").find(
      (s) => s.name === "toucan-backend-service",
    )!;
    assert.deepEqual(
      (backend.inputs.networkConfiguration as { subnets: string[] }).subnets,
      privateIds,
      "the backend runs in the company's private subnets",
    );
  });

  it("the wildcard certificate is DNS-validated in the platform zone and serves Toucan's HTTPS listener", () => {
    const { recording, graph } = plan;
    const [certificate] = ofType(graph, "aws:acm/certificate:Certificate");
    assert.equal(certificate.inputs.domainName, "*.corp.example.com");
    assert.equal(certificate.inputs.validationMethod, "DNS");
    const validation = recording.one(
      "aws:acm/certificateValidation:CertificateValidation",
      "acme-demo-wildcard",
    );
    const https = ofType(graph, "aws:lb/listener:Listener").find((l) => l.inputs.port === 443)!;
    assert.equal(https.inputs.certificateArn, validation.outputs.certificateArn);
    const record = recording.one("aws:route53/record:Record", "acme-demo-wildcard-validation");
    assert.equal(record.inputs.zoneId, "Z0123456789EXAMPLE");
    assert.equal(record.inputs.type, "CNAME");
    const names = ofType(graph, "aws:route53/record:Record")
      .filter((r) => r.inputs.zoneId === "Z0123456789EXAMPLE" && r.inputs.type === "A")
      .map((r) => r.inputs.name)
      .sort();
    assert.deepEqual(names, ["api-toucan.corp.example.com", "toucan.corp.example.com"]);
  });

  it("the company's tags on every tagged resource, its names on its own resources", () => {
    const tagged = plan.graph.resources.filter((r) => r.custom && r.inputs.tags !== undefined);
    assert.ok(tagged.length > 100, `${tagged.length} tagged resources`);
    for (const resource of tagged) {
      const tags = resource.inputs.tags as Record<string, string>;
      for (const [key, value] of Object.entries(COMPANY_TAGS)) {
        assert.equal(tags[key], value, `${resource.type} ${resource.name}: tag ${key}`);
      }
    }
    for (const vpcPart of ofType(plan.graph, "aws:ec2/subnet:Subnet")) {
      assert.match(vpcPart.name, /^acme-demo-(public|private)-[1-3]$/);
      assert.equal((vpcPart.inputs.tags as Record<string, string>).Name, vpcPart.name);
    }
  });

  it("the log groups use the platform's KMS key; the outputs other stacks read", () => {
    const { graph, recording } = plan;
    for (const name of ["toucan-backend-logs", "toucan-frontend-logs", "toucan-toolbox-logs"]) {
      const group = ofType(graph, "aws:cloudwatch/logGroup:LogGroup").find((g) => g.name === name)!;
      assert.equal(
        group.inputs.kmsKeyId,
        "arn:aws:kms:eu-west-1:123456789012:key/0a1b2c3d-4444-5555-6666-777788889999",
      );
      assert.equal(group.inputs.retentionInDays, 90);
    }
    assert.equal(graph.outputs.toucanFrontendUrl, "https://toucan.corp.example.com");
    assert.equal(graph.outputs.toucanBackendUrl, "https://api-toucan.corp.example.com");
    const backendGroup = recording.one("aws:ec2/securityGroup:SecurityGroup", "toucan-backend");
    assert.equal(graph.outputs.toucanBackendSecurityGroupId, backendGroup.outputs.id);
    assert.equal(graph.outputs.vpcId, recording.one("aws:ec2/vpc:Vpc", "acme-demo-vpc").outputs.id);
  });
});
