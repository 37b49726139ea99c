import { strict as assert } from "assert";
import * as fs from "fs";
import * as path from "path";
import { spawnSync } from "child_process";
import * as ts from "typescript";

const ROOT = path.resolve(__dirname, "..");
const CLI = path.join(ROOT, "components", "planner", "cli.ts");

/**
 * A consumer's program, in JavaScript: its own installed pulumi-toucan (a stand-in with its own version and
 * type token, so the plan shows which copy ran) and its own copy of @pulumi/pulumi (hard links: another
 * module instance, as a consumer's node_modules is). Under the repository (gitignored .scratch/) so the rest
 * of its dependencies resolve from the repository's node_modules.
 */
function consumerProgram(dir: string): void {
  fs.mkdirSync(path.join(dir, "node_modules", "pulumi-toucan"), { recursive: true });
  fs.writeFileSync(
    path.join(dir, "Pulumi.yaml"),
    "name: acme\nruntime: nodejs\nconfig:\n  greeting:\n    type: string\n    default: hello\n",
  );
  fs.writeFileSync(path.join(dir, "package.json"), JSON.stringify({ name: "acme", main: "index.js" }));
  fs.writeFileSync(
    path.join(dir, "node_modules", "pulumi-toucan", "package.json"),
    JSON.stringify({ name: "pulumi-toucan", version: "9.9.9-installed", main: "index.js" }),
  );
  fs.writeFileSync(
    path.join(dir, "node_modules", "pulumi-toucan", "index.js"),
    `const pulumi = require("@pulumi/pulumi");
class Marker extends pulumi.ComponentResource {
  constructor(name) { super("toucan:installed:Marker", name, {}); this.registerOutputs({}); }
}
module.exports = { Marker };
`,
  );
  const pulumiCopy = path.join(dir, "node_modules", "@pulumi", "pulumi");
  fs.mkdirSync(path.dirname(pulumiCopy), { recursive: true });
  const source = path.dirname(require.resolve("@pulumi/pulumi/package.json"));
  if (spawnSync("cp", ["-al", source, pulumiCopy]).status !== 0)
    fs.cpSync(source, pulumiCopy, { recursive: true });
  fs.writeFileSync(
    path.join(dir, "index.js"),
    `const pulumi = require("@pulumi/pulumi");
const { Marker } = require("pulumi-toucan");
const config = new pulumi.Config();
new Marker("marker");
const bucket = new pulumi.CustomResource("aws:s3/bucket:Bucket", "logs", {
  bucket: "acme-logs",
  tags: { greeting: config.require("greeting") },
});
new pulumi.CustomResource("aws:sqs/queue:Queue", "jobs", { name: "acme-jobs", redrivePolicy: "x".repeat(90) });
const loaded = Object.keys(require.cache).filter((f) => f.endsWith(require("path").join("@pulumi", "pulumi", "runtime", "mocks.js")));
module.exports = {
  greeting: config.require("greeting"),
  nested: { bucket: { name: bucket.bucket, id: bucket.id }, list: [pulumi.output("a"), pulumi.secret("s")] },
  notes: "line one\\nline two",
  pulumiCopies: loaded.length,
  pulumiCopyIsTheProgramOwn: loaded.every((f) => f.startsWith(__dirname)),
};
`,
  );
}

function run(args: string[], cwd: string, viaTsNode = true) {
  return spawnSync(process.execPath, viaTsNode ? ["-r", "ts-node/register", CLI, ...args] : args, {
    cwd,
    env: { ...process.env, TS_NODE_TRANSPILE_ONLY: "1" },
    encoding: "utf8",
    timeout: 60_000,
  });
}

describe("toucan-plan (the planner's command)", function () {
  this.timeout(60_000);
  const scratch = path.join(ROOT, ".scratch", `planner-cli-${process.pid}`);
  const program = path.join(scratch, "program");

  before(() => {
    fs.rmSync(scratch, { recursive: true, force: true });
    consumerProgram(program);
  });
  after(() => fs.rmSync(scratch, { recursive: true, force: true }));

  describe("GIVEN a JavaScript program with its own pulumi-toucan and @pulumi/pulumi, and no stack file", () => {
    let stdout: string;
    let stderr: string;
    let graph: {
      resources: { type: string; inputs: Record<string, unknown> }[];
      outputs: Record<string, unknown>;
    };

    before(() => {
      const result = run(["--program", "program", "--json", "plan.json"], scratch);
      assert.equal(result.status, 0, result.stderr);
      ({ stdout, stderr } = result);
      graph = JSON.parse(fs.readFileSync(path.join(scratch, "plan.json"), "utf8"));
    });

    it("THEN it plans the library version the program installed, and says so", () => {
      assert.ok(graph.resources.some((r) => r.type === "toucan:installed:Marker"));
      assert.match(
        stdout,
        /^library: pulumi-toucan 9\.9\.9-installed installed at .*program\/node_modules\/pulumi-toucan$/m,
      );
    });

    it("THEN the recording runtime ran on the program's own @pulumi/pulumi (one instance loaded)", () => {
      assert.equal(graph.outputs.pulumiCopies, 1);
      assert.equal(graph.outputs.pulumiCopyIsTheProgramOwn, true);
    });

    it("THEN it warns that it read no stack file, and plans with Pulumi.yaml's defaults", () => {
      assert.match(
        stderr,
        /^warning: no stack config file read: no --config and no Pulumi\.<stack>\.yaml in program\b/m,
      );
      assert.match(
        stdout,
        /^config: {2}program\/Pulumi\.dev\.yaml \(not found: Pulumi\.yaml's defaults alone\) -> stack "dev"$/m,
      );
      const bucket = graph.resources.find((r) => r.type === "aws:s3/bucket:Bucket")!;
      assert.deepEqual(bucket.inputs.tags, { greeting: "hello" });
    });

    it("THEN nested Outputs in the exports are resolved, a nested secret masked where it sits", () => {
      const nested = graph.outputs.nested as { bucket: { name: string; id: string }; list: unknown[] };
      assert.equal(nested.bucket.name, "acme-logs");
      assert.match(nested.bucket.id, /^logs-[0-9a-f]{8}$/);
      assert.deepEqual(nested.list, ["a", "[secret]"]);
    });

    it("THEN the per-type summary comes first, then the tree", () => {
      const summary = stdout.indexOf("3 resources of 3 types:");
      assert.ok(summary >= 0, stdout);
      assert.ok(summary < stdout.indexOf("acme / dev"), "the summary precedes the tree");
      assert.match(stdout, /^ {2}1 {2}aws:s3\/bucket:Bucket$/m);
    });

    it("THEN a multi-line value stays on one line, a long one is cut, a made-up id is labelled", () => {
      assert.match(stdout, /^ {2}notes: "line one\\nline two"$/m);
      assert.match(stdout, /redrivePolicy=x{57}\.\.\./);
      assert.match(stdout, /"id":"logs-[0-9a-f]{8}".* \(placeholder\)$/m);
      assert.match(stdout, /^\(placeholder\): an id, ARN or address AWS assigns at deploy time/m);
      assert.match(
        stdout,
        /\(aws:s3\/bucket:Bucket\) {2}bucket=acme-logs$/m,
        "a name the program wrote is no placeholder",
      );
    });
  });

  it("GIVEN --config THEN it is read relative to --program, named, and --wide prints values whole", () => {
    fs.writeFileSync(path.join(program, "Pulumi.dev.yaml"), "config:\n  acme:greeting: bonjour\n");
    try {
      const result = run(["--program", "program", "--config", "Pulumi.dev.yaml", "--wide"], scratch);
      assert.equal(result.status, 0, result.stderr);
      assert.equal(result.stderr, "");
      assert.match(result.stdout, /^config: {2}program\/Pulumi\.dev\.yaml -> stack "dev"$/m);
      assert.match(result.stdout, /^ {2}greeting: bonjour$/m);
      assert.match(result.stdout, new RegExp(`redrivePolicy=x{90}( |$)`, "m"));

      const wrong = run(["--program", "program", "--config", "program/Pulumi.dev.yaml"], scratch);
      assert.equal(wrong.status, 2);
      assert.match(
        wrong.stderr,
        /no such config file: program\/program\/Pulumi\.dev\.yaml \(--config is relative to --program: pass Pulumi\.dev\.yaml\)/,
      );
    } finally {
      fs.rmSync(path.join(program, "Pulumi.dev.yaml"));
    }
  });

  it("GIVEN the built command (JavaScript, no ts-node of its own) THEN it plans a JavaScript program, and a TypeScript one with the program's ts-node", () => {
    // What `npm pack` ships: the library compiled to dist/components, with the package.json beside dist/.
    const pkg = path.join(scratch, "package");
    for (const file of ts.sys.readDirectory(path.join(ROOT, "components"), [".ts"])) {
      const out = path.join(pkg, "dist", path.relative(ROOT, file)).replace(/\.ts$/, ".js");
      fs.mkdirSync(path.dirname(out), { recursive: true });
      const js = ts.transpileModule(fs.readFileSync(file, "utf8"), {
        compilerOptions: {
          module: ts.ModuleKind.CommonJS,
          target: ts.ScriptTarget.ES2022,
          esModuleInterop: true,
        },
      }).outputText;
      fs.writeFileSync(out, js);
    }
    const manifest = JSON.parse(fs.readFileSync(path.join(ROOT, "package.json"), "utf8"));
    fs.writeFileSync(path.join(pkg, "package.json"), JSON.stringify(manifest));
    const bin = path.join(pkg, manifest.bin["toucan-plan"]);
    assert.match(fs.readFileSync(bin, "utf8"), /^#!\/usr\/bin\/env node\n/, "the command has a shebang");

    const result = run(
      [bin, "--program", program, "--json", path.join(scratch, "built.json")],
      scratch,
      false,
    );
    assert.equal(result.status, 0, result.stderr);
    const graph = JSON.parse(fs.readFileSync(path.join(scratch, "built.json"), "utf8"));
    assert.ok(graph.resources.some((r: { type: string }) => r.type === "toucan:installed:Marker"));
    assert.equal(graph.outputs.pulumiCopies, 1);

    // A TypeScript program: loaded with the program's own ts-node, as the Pulumi CLI does.
    const tsProgram = path.join(scratch, "ts-program");
    fs.mkdirSync(tsProgram);
    fs.writeFileSync(path.join(tsProgram, "Pulumi.yaml"), "name: acme-ts\nruntime: nodejs\n");
    fs.writeFileSync(
      path.join(tsProgram, "index.ts"),
      'import * as pulumi from "@pulumi/pulumi";\nconst tasks: number = 2;\nexport const doubled = pulumi.output(tasks * 2);\n',
    );
    const typescript = run(
      [bin, "--program", tsProgram, "--json", path.join(scratch, "ts.json")],
      scratch,
      false,
    );
    assert.equal(typescript.status, 0, typescript.stderr);
    assert.match(typescript.stdout, /^program: ts-program\/index\.ts$/m);
    assert.equal(JSON.parse(fs.readFileSync(path.join(scratch, "ts.json"), "utf8")).outputs.doubled, 4);
  });

  it("GIVEN the root program with a config error THEN the message names the key the user set", () => {
    const file = path.join(scratch, "Pulumi.bad.yaml");
    fs.writeFileSync(
      file,
      "config:\n  toucan:version: v100.5.1\n  toucan:frontendDomain: toucan.example.com\n  toucan:zoneId: Z1\n  toucan:backendCount: 1\n",
    );
    const result = run(["--config", file], ROOT);
    assert.equal(result.status, 1, result.stdout);
    assert.match(
      result.stderr,
      /^stack config: `toucan:backendCount` is 1: .*pulumi config set backendCount/m,
    );
    assert.doesNotMatch(result.stderr, /desiredCount/);
  });
});
