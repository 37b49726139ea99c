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
