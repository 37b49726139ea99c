import { strict as assert } from "assert";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { planProgram } from "../components/planner/plan-runner";
import type { PlanGraph } from "../components/planner/plan-runner";
import {
  buildDiagram,
  Diagram,
  REGIONAL,
  renderSvg,
  toDot,
  toMermaid,
  writeDiagram,
} from "../components/review/diagram";
import { emptyReviewOptions, parseReviewArg } from "../components/review/cli-options";

const ROOT = path.resolve(__dirname, "..");

/** Plans a config file of the repository, optionally with one text edit (a copy in a temp folder). */
async function plan(configFile: string, edit?: [string, string]): Promise<PlanGraph> {
  let file = path.join(ROOT, configFile);
  if (edit) {
    const text = fs.readFileSync(file, "utf8").replace(edit[0], edit[1]);
    assert.ok(text.includes(edit[1]), `${edit[0]} not in ${configFile}`);
    file = path.join(fs.mkdtempSync(path.join(os.tmpdir(), "toucan-diagram-")), configFile);
    fs.writeFileSync(file, text);
  }
  return (await planProgram({ programDir: ROOT, configFile: file })).graph;
}

/** "from -> to: ports" in the diagram's own labels, so the assertions read like the picture. */
function paths(d: Diagram): string[] {
  const label = (id: string) => d.items.find((i) => i.id === id)!.label;
  return d.paths
    .map((p) => `${label(p.from)} -> ${label(p.to)}: ${p.label.split(", ").sort().join(", ")}`)
    .sort();
}

function cell(d: Diagram, tier: string, column: string): string[] {
  return d.items.filter((i) => i.tier === tier && i.column === column).map((i) => i.label);
}

describe("review: the architecture diagram (--diagram)", function () {
  this.timeout(60_000);
  let demo: PlanGraph;
  before(async () => {
    demo = await plan("Pulumi.demo.yaml");
  });

  it("default topology: AZs as columns, tiers as rows, one Mongo member, NAT and mount target per AZ", () => {
    const d = buildDiagram(demo);
    assert.deepEqual(d.columns, [REGIONAL, "eu-west-1a", "eu-west-1b", "eu-west-1c"]);
    for (const [i, az] of ["eu-west-1a", "eu-west-1b", "eu-west-1c"].entries()) {
      assert.deepEqual(cell(d, "Database", az), [`mongo member-${i + 1} t4g.medium, 50 GiB gp3`]);
      assert.deepEqual(cell(d, "Network", az), [`NAT gateway toucan-nat-${i + 1}`]);
      assert.deepEqual(cell(d, "Storage", az), ["EFS mount target"]);
    }
    assert.deepEqual(cell(d, "Services", REGIONAL).sort(), [
      "toucan-backend × 2 tasks (Fargate, 3 AZs)",
      "toucan-frontend × 2 tasks (Fargate, 3 AZs)",
    ]);
    assert.deepEqual(cell(d, "Cache", REGIONAL), [
      "valkey cache.t4g.small: primary + 1 replica(s), automatic failover",
    ]);
  });

  it("default topology: the security-group paths, and no other (the frontend reaches no data store)", () => {
    assert.deepEqual(paths(buildDiagram(demo)), [
      "ALB toucan-lb-alb (internet-facing, 3 AZs) -> toucan-backend × 2 tasks (Fargate, 3 AZs): tcp/80",
      "ALB toucan-lb-alb (internet-facing, 3 AZs) -> toucan-frontend × 2 tasks (Fargate, 3 AZs): tcp/80",
      "Internet -> ALB toucan-lb-alb (internet-facing, 3 AZs): tcp/443, tcp/80",
      "toucan-backend × 2 tasks (Fargate, 3 AZs) -> EFS toucan-storage-fs (elastic): tcp/2049",
      "toucan-backend × 2 tasks (Fargate, 3 AZs) -> MongoDB replica set (3 members): tcp/27017",
      "toucan-backend × 2 tasks (Fargate, 3 AZs) -> valkey cache.t4g.small: primary + 1 replica(s), automatic failover: tcp/6379",
    ]);
  });

  it("static mode: CloudFront in front of the site bucket and the API's load balancer", async () => {
    const d = buildDiagram(await plan("Pulumi.demo-static.yaml"));
    const cdnPaths = paths(d).filter((p) => p.startsWith("CloudFront") || p.startsWith("Internet"));
    assert.deepEqual(cdnPaths, [
      "CloudFront toucan.example.com -> ALB toucan-lb-alb (internet-facing, 3 AZs): origin, tcp/443",
      "CloudFront toucan.example.com -> S3 toucan-static-site: origin",
      "Internet -> ALB toucan-lb-alb (internet-facing, 3 AZs): tcp/443, tcp/80",
      "Internet -> CloudFront toucan.example.com: https",
    ]);
    assert.equal(cell(d, "Services", REGIONAL).length, 1, "no frontend service in static mode");
  });

  it("a single NAT gateway shows in one AZ only", async () => {
    const d = buildDiagram(await plan("Pulumi.demo.yaml", ["toucan:nat: perAz", "toucan:nat: single"]));
    assert.deepEqual(
      d.items.filter((i) => i.tier === "Network").map((i) => i.column),
      ["eu-west-1a"],
    );
  });

  it("renders SVG with Graphviz (WebAssembly) and Mermaid text, in well under 2 s", async () => {
    const d = buildDiagram(demo);
    const started = Date.now();
    const svg = (await renderSvg(toDot(d, "toucan / demo"))).replace(/&#45;/g, "-");
    const ms = Date.now() - started;
    assert.match(svg, /^<\?xml[\s\S]*<svg [\s\S]*<\/svg>\s*$/);
    for (const text of [
      "eu-west-1a",
      "eu-west-1c",
      "Database",
      "tcp/27017",
      "MongoDB replica set (3 members)",
    ])
      assert.ok(svg.includes(text), `${text} missing from the SVG`);
    assert.ok(ms < 2_000, `rendering took ${ms} ms`);
    const mermaid = toMermaid(d);
    assert.match(mermaid, /^flowchart TB\n/);
    assert.equal((mermaid.match(/^ {2}subgraph /gm) ?? []).length, 7, "one subgraph per tier shown");
    assert.equal((mermaid.match(/ --> /g) ?? []).length, 6, "the six paths of the default topology");
    assert.ok(mermaid.includes('["mongo member-2 t4g.medium, 50 GiB gp3 · eu-west-1b"]'));
  });

  it("--diagram FILE.svg writes the SVG and FILE.mmd; another extension is refused", async () => {
    const opts = emptyReviewOptions();
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), "toucan-diagram-"));
    assert.equal(
      parseReviewArg(opts, "--diagram", () => path.join(dir, "arch.svg")),
      true,
    );
    const [svg, mermaid] = await writeDiagram(demo, opts.diagram!);
    assert.equal(mermaid, path.join(dir, "arch.mmd"));
    assert.match(fs.readFileSync(svg, "utf8"), /<svg [\s\S]*toucan \/ demo/);
    assert.match(fs.readFileSync(mermaid, "utf8"), /^flowchart TB\n/);
    assert.throws(
      () => parseReviewArg(emptyReviewOptions(), "--diagram", () => "arch.png"),
      /--diagram: arch\.png must end in \.svg/,
    );
  });
});
