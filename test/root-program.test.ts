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

  describe("npm run plan", () => {
    it("writes the documented JSON graph with --json, quickly", function () {
      const out = path.join(fs.mkdtempSync(path.join(os.tmpdir(), "plan-")), "p.json");
      const started = Date.now();
      const run = runPlanCli(["--json", out]);
      assert.equal(run.status, 0, run.stderr);
      assert.ok(Date.now() - started < 10_000, "the plan of the demo config took 10 s or more");
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
