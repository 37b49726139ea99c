import { strict as assert } from "assert";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { spawnSync } from "child_process";
import * as YAML from "yaml";
import Ajv2020 from "ajv/dist/2020";
import { planProgram } from "../components/planner/plan-runner";
import { assertReplacementRules } from "./support/review";
import { readProject, qualify } from "../components/planner/project";
import { renderReadme } from "../tools/config-doc";
import {
  ConfigReader,
  networkArgsFromConfig,
  singleHostArgsFromConfig,
  toucanArgsFromConfig,
} from "../components/stack-config";

const ROOT = path.resolve(__dirname, "..");
// The Pulumi CLI's project schema (sdk/go/common/workspace/project.json), from the team's shared
// reference when it sits beside the checkout, else the copy kept in the fixtures.
const SHARED_SCHEMA = path.resolve(ROOT, "..", "shared", "reference", "pulumi-project.schema.json");
const SCHEMA = fs.existsSync(SHARED_SCHEMA)
  ? SHARED_SCHEMA
  : path.join(ROOT, "test", "fixtures", "pulumi-project.schema.json");

function pulumiProjects(): string[] {
  const examples = fs.existsSync(path.join(ROOT, "examples"))
    ? fs
        .readdirSync(path.join(ROOT, "examples"))
        .map((d) => path.join(ROOT, "examples", d))
        .filter((d) => fs.existsSync(path.join(d, "Pulumi.yaml")))
    : [];
  return [ROOT, ...examples];
}

function runPlanCli(args: string[]) {
  return spawnSync(
    process.execPath,
    ["-r", "ts-node/register", path.join(ROOT, "components", "planner", "cli.ts"), ...args],
    {
      cwd: ROOT,
      env: { ...process.env, TS_NODE_TRANSPILE_ONLY: "1" },
      encoding: "utf8",
      timeout: 60_000,
    },
  );
}

describe("root program", () => {
  describe("Pulumi.yaml files", () => {
    const validate = new Ajv2020({ strict: false }).compile(JSON.parse(fs.readFileSync(SCHEMA, "utf8")));
    for (const dir of pulumiProjects()) {
      it(`${path.relative(ROOT, dir) || "root"} validates against the CLI's project schema`, () => {
        const doc = YAML.parse(fs.readFileSync(path.join(dir, "Pulumi.yaml"), "utf8"));
        assert.ok(validate(doc), JSON.stringify(validate.errors, null, 2));
      });
    }

    it("the root declares every key the program reads, with a description", () => {
      const project = readProject(ROOT);
      const read = new Set<string>();
      const reader = new ConfigReader({ name: project.name, get: (key) => (read.add(key), undefined) });
      const answers = (values: Record<string, string>) =>
        new ConfigReader({ name: project.name, get: (key) => (read.add(key), values[key]) });
      networkArgsFromConfig(reader);
      networkArgsFromConfig(answers({ vpcId: "vpc-1" }));
      toucanArgsFromConfig(answers({ frontendDomain: "t.example.com" }));
      toucanArgsFromConfig(
        answers({ frontendDomain: "t.example.com", frontendMode: "static", mongoEngine: "documentdb" }),
      );
      toucanArgsFromConfig(
        answers({
          frontendDomain: "t.example.com",
          mongoEngine: "external",
          mongoUri: "a",
          mongoReadonlyUri: "b",
        }),
      );
      singleHostArgsFromConfig(answers({ tlsMode: "files" }));
      singleHostArgsFromConfig(answers({ tlsMode: "acme" }));
      assert.ok(
        read.has("frontendAssetsDir") && read.has("acmeEmail") && read.has("documentdbInstanceClass"),
      );
      for (const key of read) {
        const decl = project.config[key];
        assert.ok(
          decl && typeof decl === "object",
          `${key} is read by the program but not declared in Pulumi.yaml`,
        );
        assert.ok(decl.description, `${key} has no description`);
        assert.ok(decl.type, `${key} has no type`);
      }
    });

    it("every stack config file at the root uses declared keys of the project", () => {
      const project = readProject(ROOT);
      const declared = new Set(Object.keys(project.config).map((k) => qualify(project.name, k)));
      for (const file of fs.readdirSync(ROOT).filter((f) => /^Pulumi\..+\.yaml$/.test(f))) {
        const doc = YAML.parse(fs.readFileSync(path.join(ROOT, file), "utf8")) as {
          config: Record<string, unknown>;
        };
        for (const key of Object.keys(doc.config)) {
          if (key.startsWith(`${project.name}:`))
            assert.ok(declared.has(key), `${file}: ${key} is not declared in Pulumi.yaml`);
        }
      }
    });
  });

  describe("plan of Pulumi.demo.yaml", () => {
    it("builds one VPC with 3 public and 3 private subnets in 3 distinct AZs, a NAT per AZ, all under the Network", async () => {
      const { graph } = await planProgram({
        programDir: ROOT,
        configFile: path.join(ROOT, "Pulumi.demo.yaml"),
      });
      const network = graph.resources.filter((r) => r.type === "toucan:aws:Network");
      assert.equal(network.length, 1);
      assert.equal(graph.resources.filter((r) => r.type === "aws:ec2/vpc:Vpc").length, 1);
      const subnets = graph.resources.filter((r) => r.type === "aws:ec2/subnet:Subnet");
      for (const tier of ["public", "private"]) {
        const inTier = subnets.filter((s) => s.name.includes(`-${tier}-`));
        assert.equal(inTier.length, 3);
        assert.equal(new Set(inTier.map((s) => s.inputs.availabilityZone)).size, 3);
      }
      assert.equal(graph.resources.filter((r) => r.type === "aws:ec2/natGateway:NatGateway").length, 3);
      const networkTypes = [
        "vpc",
        "subnet",
        "natGateway",
        "eip",
        "routeTable",
        "routeTableAssociation",
        "internetGateway",
        "vpcEndpoint",
      ];
      const networkResources = graph.resources.filter((r) =>
        networkTypes.some((t) => r.type.startsWith(`aws:ec2/${t}:`)),
      );
      assert.ok(networkResources.length >= 25);
      for (const r of networkResources)
        assert.equal(r.parent, network[0].urn, `${r.name} is not a child of the Network`);
      const toucan = graph.resources.find((r) => r.type === "toucan:aws:Toucan")!;
      assert.equal(network[0].parent, toucan.urn);
    });

    it("registers the same resources in preview as in an update, for every demo config", async () => {
      for (const file of fs.readdirSync(ROOT).filter((f) => /^Pulumi\.demo.*\.yaml$/.test(f))) {
        const configFile = path.join(ROOT, file);
        const update = await planProgram({ programDir: ROOT, configFile });
        const preview = await planProgram({ programDir: ROOT, configFile, preview: true });
        assertReplacementRules(update.graph, file);
        assert.deepEqual(
          preview.graph.resources.map((r) => r.urn).sort(),
          update.graph.resources.map((r) => r.urn).sort(),
          file,
        );
      }
    });
  });

  describe("plan of Pulumi.demo-nat-none.yaml", () => {
    const CONFIG = path.join(ROOT, "Pulumi.demo-nat-none.yaml");
    const ECR = "123456789012.dkr.ecr.eu-west-1.amazonaws.com/";
    let recording: Awaited<ReturnType<typeof planProgram>>["recording"];
    before(async function () {
      this.timeout(60_000);
      ({ recording } = await planProgram({ programDir: ROOT, configFile: CONFIG }));
    });

    it("builds no NAT and no route out of the private subnets", () => {
      assert.equal(recording.byType("aws:ec2/natGateway:NatGateway").length, 0);
      assert.equal(recording.byType("aws:ec2/eip:Eip").length, 0);
      for (const i of [1, 2, 3])
        assert.deepEqual(
          recording.one("aws:ec2/routeTable:RouteTable", `toucan-private-${i}`).inputs.routes,
          [],
        );
    });

    it("reaches each AWS service the tasks and members call through an endpoint with private DNS in every AZ", () => {
      const privateSubnets = [1, 2, 3].map((i) =>
        recording.one("aws:ec2/subnet:Subnet", `toucan-private-${i}`),
      );
      const vpc = recording.one("aws:ec2/vpc:Vpc");
      const group = recording.one("aws:ec2/securityGroup:SecurityGroup", "toucan-endpoints");
      const interfaces = recording
        .byType("aws:ec2/vpcEndpoint:VpcEndpoint")
        .filter((e) => e.inputs.vpcEndpointType === "Interface");
      assert.deepEqual(
        interfaces.map((e) => e.inputs.serviceName).sort(),
        [
          "backup",
          "ec2messages",
          "ecr.api",
          "ecr.dkr",
          "logs",
          "monitoring",
          "secretsmanager",
          "ssm",
          "ssmmessages",
          "sts",
        ].map((svc) => `com.amazonaws.eu-west-1.${svc}`),
      );
      for (const e of interfaces) {
        assert.equal(e.inputs.vpcId, vpc.outputs.id);
        assert.deepEqual(
          e.inputs.subnetIds,
          privateSubnets.map((s) => s.outputs.id),
        );
        assert.deepEqual(e.inputs.securityGroupIds, [group.outputs.id]);
        assert.equal(e.inputs.privateDnsEnabled, true);
      }
      const ingress = recording
        .byType("aws:vpc/securityGroupIngressRule:SecurityGroupIngressRule")
        .filter((r) => r.inputs.securityGroupId === group.outputs.id)
        .map((r) => [r.inputs.cidrIpv4, r.inputs.ipProtocol, r.inputs.fromPort, r.inputs.toPort]);
      assert.deepEqual(ingress, [["10.0.0.0/16", "tcp", 443, 443]]);
      const s3 = recording.one("aws:ec2/vpcEndpoint:VpcEndpoint", "toucan-s3");
      assert.equal(s3.inputs.serviceName, "com.amazonaws.eu-west-1.s3");
      assert.equal(s3.inputs.vpcEndpointType, "Gateway");
    });

    it("pulls every container image from the mirrors in the region's ECR", () => {
      const images = recording
        .byType("aws:ecs/taskDefinition:TaskDefinition")
        .flatMap(
          (t) => JSON.parse(t.inputs.containerDefinitions as string) as { name: string; image: string }[],
        );
      assert.ok(images.length >= 6);
      for (const c of images) assert.ok(c.image.startsWith(ECR), `${c.name}: ${c.image}`);
      assert.ok(
        images.some((c) => c.name === "mongo-ca" && c.image === `${ECR}docker/library/busybox:1.36.1`),
      );
      assert.ok(images.some((c) => c.name === "mongo-ready" && c.image === `${ECR}docker/library/mongo:7.0`));
    });

    it("has the members install MongoDB from the private bucket, reading only its prefix", () => {
      const members = recording.byType("aws:ec2/instance:Instance");
      assert.equal(members.length, 3);
      for (const [i, m] of members.entries()) {
        assert.match(m.inputs.userData as string, /^PACKAGES_S3='s3:\/\/acme-toucan-mirror\/mongodb'$/m);
        const policy = JSON.parse(
          recording.one("aws:iam/rolePolicy:RolePolicy", `toucan-mongo-member-${i + 1}-secrets`).inputs
            .policy as string,
        ) as { Statement: { Action: string; Resource: unknown }[] };
        const s3 = policy.Statement.filter((st) => st.Action.startsWith("s3:"));
        assert.deepEqual(
          s3.map((st) => [st.Action, st.Resource]),
          [
            ["s3:GetObject", "arn:aws:s3:::acme-toucan-mirror/mongodb/*"],
            ["s3:ListBucket", "arn:aws:s3:::acme-toucan-mirror"],
          ],
        );
      }
    });

    it("refuses the vendor's images and a member without packages, naming the config keys", async () => {
      const config = YAML.parse(fs.readFileSync(CONFIG, "utf8")) as { config: Record<string, string> };
      for (const key of ["backendImage", "mongoCaImage", "mongoPackagesBucket", "mongoPackagesPrefix"])
        delete config.config[`toucan:${key}`];
      const dir = fs.mkdtempSync(path.join(os.tmpdir(), "nat-none-"));
      const file = path.join(dir, "Pulumi.nat-none.yaml");
      fs.writeFileSync(file, YAML.stringify(config));
      await assert.rejects(planProgram({ programDir: ROOT, configFile: file }), (error: Error) => {
        assert.match(
          error.message,
          /`toucan:backendImage` is "quay\.io\/toucantoco\/backend:v100\.5\.1": is pulled from quay\.io.*\(`pulumi config set backendImage \.\.\.`\)/,
        );
        assert.match(
          error.message,
          /`toucan:mongoCaImage` is "public\.ecr\.aws\/docker\/library\/busybox:1\.36\.1"/,
        );
        assert.match(
          error.message,
          /`toucan:mongoPackagesBucket` is not set and is needed without NAT \(`natAvailable: false`\): the members have no way to download MongoDB.*`pulumi config set mongoPackagesBucket \.\.\.`/,
        );
        return true;
      });
    });
  });

  describe("npm run plan", () => {
    it("writes the documented JSON graph with --json, quickly", function () {
      const out = path.join(fs.mkdtempSync(path.join(os.tmpdir(), "plan-")), "p.json");
      const started = Date.now();
      const run = runPlanCli(["--json", out]);
      assert.equal(run.status, 0, run.stderr);
      // A guard against a pathological slowdown (about 2 s alone on 2 cores; `npm run bench` measures it),
      // loose enough for a machine busy with other test runs.
      assert.ok(Date.now() - started < 30_000, "the plan of the demo config took 30 s or more");
      assert.match(run.stdout, /toucan \(toucan:aws:Network\)/);
      assert.match(run.stdout, /toucan \(toucan:aws:Toucan\)/);
      const graph = JSON.parse(fs.readFileSync(out, "utf8"));
      assert.deepEqual(Object.keys(graph).sort(), [
        "config",
        "invokes",
        "outputs",
        "project",
        "resources",
        "stack",
      ]);
      assert.ok(
        graph.invokes.some(
          (i: { token: string }) => i.token === "aws:index/getAvailabilityZones:getAvailabilityZones",
        ),
        "the AZ lookup is in the plan",
      );
      assert.equal(graph.project, "toucan");
      assert.equal(graph.stack, "demo");
      assert.deepEqual(Object.keys(graph.resources[0]).sort(), [
        "aliasUrns",
        "aliases",
        "custom",
        "deleteBeforeReplace",
        "dependencies",
        "ignoreChanges",
        "inputs",
        "name",
        "parent",
        "propertyDependencies",
        "protect",
        "provider",
        "replaceOnChanges",
        "retainOnDelete",
        "type",
        "urn",
      ]);
      assert.equal(graph.outputs.frontendUrl, "https://toucan.example.com");
      assert.equal(graph.outputs.backendUrl, "https://api-toucan.example.com");
      assert.ok(!JSON.stringify(graph).includes('__provider":"exports'), "dynamic provider code in the plan");
    });

    it("exits non-zero with the component's message alone on a config error", () => {
      const dir = fs.mkdtempSync(path.join(os.tmpdir(), "plan-"));
      const file = path.join(dir, "Pulumi.bad.yaml");
      fs.writeFileSync(
        file,
        "config:\n  toucan:version: v100.5.1\n  toucan:frontendDomain: toucan.example.com\n  toucan:zoneId: Z1\n  toucan:azCount: 1\n",
      );
      const run = runPlanCli(["--config", file]);
      assert.equal(run.status, 1);
      assert.equal(run.stdout, "");
      assert.match(
        run.stderr.trim(),
        /^stack config: `toucan:azCount` is 1: spreads the network over fewer than 2 Availability Zones.*Fix: .*$/s,
      );
      assert.equal(run.stderr.trim().split("\n").length, 1, run.stderr);
    });
  });
});

describe("README", () => {
  it("lists every key of Pulumi.yaml in its configuration reference (npm run docs:config)", () => {
    const readme = fs.readFileSync(path.join(ROOT, "README.md"), "utf8");
    assert.equal(readme, renderReadme(ROOT, readme), "README.md is out of date: run npm run docs:config");
  });

  it("names the test command", () => {
    assert.match(fs.readFileSync(path.join(ROOT, "README.md"), "utf8"), /npm test/);
  });
});
