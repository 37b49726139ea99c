import { strict as assert } from "assert";
import * as path from "path";
import { planProgram } from "../components/planner/plan-runner";
import type { PlanGraph, PlanResource } from "../components/planner/plan-runner";
import { imageIsPinned, toucanPolicies } from "../policy/rules";
import { runPolicies } from "./support/policy-run";

const ROOT = path.resolve(__dirname, "..");

async function plan(configFile: string, programDir = ROOT): Promise<PlanGraph> {
  return (await planProgram({ programDir, configFile: path.join(programDir, configFile) })).graph;
}

const clone = (graph: PlanGraph): PlanGraph => JSON.parse(JSON.stringify(graph)) as PlanGraph;

function find(graph: PlanGraph, type: string, name?: string): PlanResource {
  const found = graph.resources.find((r) => r.type === type && (name === undefined || r.name === name));
  assert.ok(found, `no ${type} ${name ?? ""} in the graph`);
  return found;
}

/** The violations of a mutated graph, as "policy: message". */
async function violations(graph: PlanGraph): Promise<string[]> {
  return (await runPolicies(graph, toucanPolicies)).map((v) => `${v.policy}: ${v.message}`);
}

describe("policy pack (policy/): every rule over the recorded graphs", function () {
  this.timeout(60_000);
  let demo: PlanGraph;
  let staticDemo: PlanGraph;
  before(async () => {
    demo = await plan("Pulumi.demo.yaml");
    staticDemo = await plan("Pulumi.demo-static.yaml");
  });

  it("lists twelve mandatory rules with a description and remediation each", () => {
    assert.deepEqual(
      toucanPolicies.map((p) => p.name),
      [
        "toucan-encryption-at-rest",
        "toucan-bucket-encryption",
        "toucan-encryption-in-transit",
        "toucan-efs-tls-only",
        "toucan-public-ingress",
        "toucan-data-store-access",
        "toucan-stateful-protected",
        "toucan-redundancy",
        "toucan-imdsv2",
        "toucan-tls-policy",
        "toucan-no-plain-connection-strings",
        "toucan-pinned-images",
      ],
    );
    for (const p of toucanPolicies) {
      assert.equal(p.enforcementLevel, "mandatory", p.name);
      assert.ok(p.description.length > 20 && (p.remediationSteps ?? "").length > 20, p.name);
    }
  });

  it("every demo config and the DocumentDB example pass every rule", async () => {
    const graphs: [string, PlanGraph][] = [
      ["Pulumi.demo.yaml", demo],
      ["Pulumi.demo-static.yaml", staticDemo],
      ["Pulumi.demo-same-domain.yaml", await plan("Pulumi.demo-same-domain.yaml")],
      ["Pulumi.demo-atlas.yaml", await plan("Pulumi.demo-atlas.yaml")],
      ["Pulumi.demo-single-host.yaml", await plan("Pulumi.demo-single-host.yaml")],
      ["examples/documentdb", await plan("Pulumi.demo.yaml", path.join(ROOT, "examples", "documentdb"))],
    ];
    for (const [name, graph] of graphs) assert.deepEqual(await violations(graph), [], name);
  });

  // One realistic mistake per rule, applied to the default topology's recording.
  const mutations: [string, (g: PlanGraph) => void, string][] = [
    [
      "an unencrypted Mongo data volume",
      (g) => (find(g, "aws:ebs/volume:Volume", "toucan-mongo-member-2-data").inputs.encrypted = false),
      "toucan-encryption-at-rest: EBS volume is not encrypted (encrypted: true)",
    ],
    [
      "a bucket without its encryption configuration",
      (g) => {
        const sse = find(
          g,
          "aws:s3/bucketServerSideEncryptionConfiguration:BucketServerSideEncryptionConfiguration",
        );
        g.resources = g.resources.filter((r) => r !== sse);
      },
      "toucan-bucket-encryption: bucket has no server-side encryption configuration",
    ],
    [
      "Redis without transit encryption",
      (g) =>
        (find(g, "aws:elasticache/replicationGroup:ReplicationGroup").inputs.transitEncryptionEnabled =
          false),
      "toucan-encryption-in-transit: ElastiCache replication group accepts plain-text clients (transitEncryptionEnabled)",
    ],
    [
      "an EFS policy without the deny on plain transport",
      (g) => {
        const policy = find(g, "aws:efs/fileSystemPolicy:FileSystemPolicy");
        const doc = JSON.parse(policy.inputs.policy as string) as { Statement: { Sid: string }[] };
        doc.Statement = doc.Statement.filter((s) => s.Sid !== "DenyUnencryptedTransport");
        policy.inputs.policy = JSON.stringify(doc);
      },
      "toucan-efs-tls-only: EFS file system accepts connections without TLS",
    ],
    [
      "the load balancer's HTTPS rule opened up to 65535",
      (g) =>
        (find(
          g,
          "aws:vpc/securityGroupIngressRule:SecurityGroupIngressRule",
          "toucan-lb-alb-https-0.0.0.0-0",
        ).inputs.toPort = 65535),
      "toucan-public-ingress: open to the internet on 443-65535: only 80 and 443 may be",
    ],
    [
      "Redis admitting the frontend's group",
      (g) => {
        const rule = find(
          g,
          "aws:vpc/securityGroupIngressRule:SecurityGroupIngressRule",
          "toucan-redis-from-client-1",
        );
        rule.propertyDependencies.referencedSecurityGroupId = [
          find(g, "aws:ec2/securityGroup:SecurityGroup", "toucan-frontend-sg").urn,
        ];
      },
      "toucan-data-store-access: Redis admits toucan-frontend-sg, which is not the backend's security group",
    ],
    [
      "an unprotected file system",
      (g) => (find(g, "aws:efs/fileSystem:FileSystem").protect = false),
      "toucan-stateful-protected: aws:efs/fileSystem:FileSystem holds data but is not protected",
    ],
    [
      "two Mongo members in one AZ",
      (g) =>
        (find(g, "aws:ec2/instance:Instance", "toucan-mongo-member-3").inputs.availabilityZone =
          "eu-west-1a"),
      "toucan-redundancy: Mongo replica set of 3 member(s) in 2 AZ(s): 3 members in 3 AZs",
    ],
    [
      "a member accepting IMDSv1",
      (g) =>
        ((
          find(g, "aws:ec2/instance:Instance", "toucan-mongo-member-1").inputs.metadataOptions as Record<
            string,
            unknown
          >
        ).httpTokens = "optional"),
      "toucan-imdsv2: instance metadata accepts IMDSv1 (metadataOptions.httpTokens must be required)",
    ],
    [
      "a listener on the 2016 TLS policy",
      (g) =>
        (find(g, "aws:lb/listener:Listener", "toucan-lb-alb-https").inputs.sslPolicy =
          "ELBSecurityPolicy-2016-08"),
      "toucan-tls-policy: listener policy ELBSecurityPolicy-2016-08 allows TLS older than 1.2",
    ],
    [
      "a connection string in the backend's environment",
      (g) => {
        const task = find(g, "aws:ecs/taskDefinition:TaskDefinition", "toucan-backend-task");
        const defs = JSON.parse(task.inputs.containerDefinitions as string) as {
          name: string;
          environment?: unknown[];
        }[];
        const app = defs.find((d) => d.name === "app")!;
        app.environment = [
          ...(app.environment ?? []),
          { name: "MONGO_URL", value: "mongodb://toucan:pw@mongo-1:27017/toucan" },
        ];
        task.inputs.containerDefinitions = JSON.stringify(defs);
      },
      "toucan-no-plain-connection-strings: container app gets a connection string in plain environment variable MONGO_URL",
    ],
    [
      "the frontend on the latest tag",
      (g) => {
        const task = find(g, "aws:ecs/taskDefinition:TaskDefinition", "toucan-frontend-task");
        task.inputs.containerDefinitions = (task.inputs.containerDefinitions as string).replace(
          "quay.io/toucantoco/frontend:v100.5.1",
          "quay.io/toucantoco/frontend:latest",
        );
      },
      "toucan-pinned-images: image quay.io/toucantoco/frontend:latest is not pinned to a version",
    ],
  ];

  for (const [what, mutate, expected] of mutations) {
    it(`fails on ${what}, and on nothing else`, async () => {
      const graph = clone(demo);
      mutate(graph);
      assert.deepEqual(await violations(graph), [expected]);
    });
  }

  it("static mode: CloudFront serving plain HTTP or accepting TLS 1.0 fails", async () => {
    const graph = clone(staticDemo);
    const cdn = find(graph, "aws:cloudfront/distribution:Distribution");
    (cdn.inputs.defaultCacheBehavior as Record<string, unknown>).viewerProtocolPolicy = "allow-all";
    (cdn.inputs.viewerCertificate as Record<string, unknown>).minimumProtocolVersion = "TLSv1";
    assert.deepEqual(await violations(graph), [
      "toucan-encryption-in-transit: CloudFront behavior default serves plain HTTP (allow-all)",
      "toucan-tls-policy: CloudFront minimum protocol TLSv1 is older than TLS 1.2",
    ]);
  });

  it("a violation names the resource it is about", async () => {
    const graph = clone(demo);
    find(graph, "aws:ebs/volume:Volume", "toucan-mongo-member-2-data").inputs.encrypted = false;
    const [v] = await runPolicies(graph, toucanPolicies);
    assert.match(v.urn!, /aws:ebs\/volume:Volume::toucan-mongo-member-2-data$/);
  });

  it("pinned images: a version tag or a sha256 digest (Docker reference grammar), not a floating tag", () => {
    const pinned = [
      "quay.io/toucantoco/backend:v100.5.1",
      "mongo:7.0",
      "localhost:5000/toucan/frontend:1.2.3",
      "123456789012.dkr.ecr.eu-west-1.amazonaws.com/toucan@sha256:" + "a".repeat(64),
    ];
    const floating = [
      "quay.io/toucantoco/backend",
      "quay.io/toucantoco/backend:latest",
      "localhost:5000/toucan/frontend",
      "busybox:stable",
      "nginx:mainline",
      "mongo@sha256:abc",
    ];
    for (const image of pinned) assert.equal(imageIsPinned(image), true, image);
    for (const image of floating) assert.equal(imageIsPinned(image), false, image);
  });
});
