import { strict as assert } from "assert";
import { spawnSync } from "child_process";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import type { PlanGraph, PlanResource } from "../components/planner/plan-runner";
import { diffPlans, failingKinds, PlanDiff } from "../components/review/plan-diff";
import { renderDiffMarkdown } from "../components/review/render-diff";
import { emptyReviewOptions, runReview } from "../components/review/cli-options";
import { cloneGraph, demoConfig, planConfig, withKey } from "./support/review";

// Each pair plans the root program twice, as a pull request's base and head would, and asserts what
// `pulumi up` would do in AWS's and the engine's terms: an ECS task definition revision is immutable (any
// change registers a new one), an EBS volume's or NAT gateway's placement forces a new resource, a
// protected resource stops the update, a released Elastic IP is gone for good.

const names = (diff: PlanDiff, action: string, type: string) =>
  diff.changes
    .filter((c) => c.action === action && c.type === type)
    .map((c) => c.name)
    .sort();

const kinds = (diff: PlanDiff) => [...new Set(diff.flags.map((f) => f.kind))].sort();

function one(graph: PlanGraph, type: string, name: string): PlanResource {
  const found = graph.resources.filter((r) => r.type === type && r.name === name);
  assert.equal(found.length, 1, `${type} ${name}`);
  return found[0];
}

const TASK_DEF = "aws:ecs/taskDefinition:TaskDefinition";
const INSTANCE = "aws:ec2/instance:Instance";
const NAT = "aws:ec2/natGateway:NatGateway";
const EIP = "aws:ec2/eip:Eip";
const VOLUME = "aws:ebs/volume:Volume";

describe("review: plan diff (--diff)", function () {
  this.timeout(60_000);
  let base: PlanGraph;
  before(async () => {
    base = await planConfig(demoConfig());
  });

  it("GIVEN the same plan THEN nothing changes and nothing is flagged", () => {
    const diff = diffPlans(base, base);
    assert.deepEqual(diff.changes, []);
    assert.deepEqual(diff.flags, []);
    assert.equal(diff.unchanged, base.resources.filter((r) => r.custom).length);
  });

  it("version bump: new task definition revisions, services updated in place, nothing flagged", async () => {
    const diff = diffPlans(base, await planConfig(withKey(demoConfig(), "version", "v100.6.0")));
    assert.deepEqual(names(diff, "replace", TASK_DEF), [
      "toucan-backend-task",
      "toucan-frontend-task",
      "toucan-toolbox-backup",
    ]);
    for (const c of diff.changes.filter((c) => c.type === TASK_DEF))
      assert.deepEqual(c.forcedBy, [{ property: "containerDefinitions" }]);
    const services = diff.changes.filter((c) => c.type === "aws:ecs/service:Service");
    assert.deepEqual(
      services.map((s) => [s.action, s.changes.map((c) => c.property)]),
      [
        ["update", ["taskDefinition"]],
        ["update", ["taskDefinition"]],
      ],
    );
    assert.deepEqual(diff.flags, []);
    assert.ok(
      !diff.changes.some((c) => c.component.includes("MongoCluster") || c.type.includes("elasticache")),
    );
  });

  it("Mongo version change: members replaced one at a time on their kept volumes, not flagged", async () => {
    const diff = diffPlans(base, await planConfig(withKey(demoConfig(), "mongoVersion", '"8.0"')));
    assert.deepEqual(names(diff, "replace", INSTANCE), [
      "toucan-mongo-member-1",
      "toucan-mongo-member-2",
      "toucan-mongo-member-3",
    ]);
    for (const c of diff.changes.filter((c) => c.type === INSTANCE))
      assert.deepEqual(
        c.forcedBy.map((f) => f.property),
        ["userData"],
        "user data replaces: userDataReplaceOnChange is true",
      );
    // The new instance has a new id: its volume attachment is replaced, the volume itself is not touched.
    assert.deepEqual(names(diff, "replace", "aws:ec2/volumeAttachment:VolumeAttachment").length, 3);
    const attachment = diff.changes.find((c) => c.type === "aws:ec2/volumeAttachment:VolumeAttachment")!;
    assert.deepEqual(attachment.forcedBy, [{ property: "instanceId" }]);
    assert.equal(diff.changes.filter((c) => c.type === VOLUME).length, 0);
    assert.deepEqual(diff.flags, []);
    assert.equal(diff.notes.length, 1);
    assert.match(diff.notes[0], /3 of 3 MongoDB members change, one at a time/);
  });

  it("NAT perAz -> single: two NATs and their addresses go, flagged public-ip and redundancy", async () => {
    const diff = diffPlans(base, await planConfig(withKey(demoConfig(), "nat", "single")));
    assert.deepEqual(names(diff, "delete", NAT), ["toucan-nat-2", "toucan-nat-3"]);
    assert.deepEqual(names(diff, "delete", EIP), ["toucan-nat-2", "toucan-nat-3"]);
    assert.deepEqual(names(diff, "update", "aws:ec2/routeTable:RouteTable"), [
      "toucan-private-2",
      "toucan-private-3",
    ]);
    assert.deepEqual(kinds(diff), ["public-ip", "redundancy"]);
    assert.equal(diff.flags.filter((f) => f.kind === "public-ip").length, 2);
    assert.match(diff.flags.find((f) => f.kind === "redundancy")!.message, /NAT gateways: 3 before, 1 after/);
    assert.deepEqual(failingKinds(diff, ["stateful", "public-ip"]), ["public-ip"]);
    assert.deepEqual(failingKinds(diff, ["stateful"]), []);
  });

  it("frontend static -> containers: the site bucket deleted and the name moved to the ALB, flagged", async () => {
    const staticYaml = demoConfig("Pulumi.demo-static.yaml");
    const before = await planConfig(staticYaml, "demo-static");
    const after = await planConfig(withKey(staticYaml, "frontendMode", "containers"), "demo-static");
    const diff = diffPlans(before, after);
    assert.deepEqual(names(diff, "delete", "aws:s3/bucket:Bucket"), ["toucan-static-site"]);
    assert.deepEqual(names(diff, "create", "aws:ecs/service:Service"), ["toucan-frontend-service"]);
    const stateful = diff.flags.filter((f) => f.kind === "stateful");
    assert.equal(stateful.length, 1);
    assert.match(stateful[0].message, /S3 bucket toucan-static-site .* would be deleted/);
    const dns = diff.flags.filter((f) => f.kind === "dns").map((f) => f.message);
    assert.ok(
      dns.some((m) =>
        /toucan\.example\.com A moves from alias \S+\.cloudfront\.net to alias toucan-lb-alb\S+\.elb\.amazonaws\.com/.test(
          m,
        ),
      ),
      dns.join("\n"),
    );
    // Toucan's record is updated in place (it adopted the StaticFrontend's), not deleted and re-created.
    const record = diff.changes.find((c) => c.name === "toucan-toucan.example.com")!;
    assert.equal(record.action, "update");
  });

  describe("flags on hand-made changes of the demo plan", () => {
    it("a Mongo volume moved to another AZ: replaced, stateful and protected, its attachment replaced too", () => {
      const after = cloneGraph(base);
      one(after, VOLUME, "toucan-mongo-member-2-data").inputs.availabilityZone = "eu-west-1c";
      const diff = diffPlans(base, after);
      const volume = diff.changes.find((c) => c.name === "toucan-mongo-member-2-data")!;
      assert.equal(volume.action, "replace");
      assert.deepEqual(volume.forcedBy, [{ property: "availabilityZone" }]);
      const attachment = diff.changes.find((c) => c.name === "toucan-mongo-member-2-data-attachment")!;
      assert.equal(attachment.action, "replace");
      // The user data names the volume, so the member's instance is replaced too (userDataReplaceOnChange).
      assert.deepEqual(attachment.forcedBy, [{ property: "instanceId" }, { property: "volumeId" }]);
      assert.deepEqual(names(diff, "replace", INSTANCE), ["toucan-mongo-member-2"]);
      assert.deepEqual(kinds(diff), ["protected", "stateful"]);
      assert.match(diff.flags.find((f) => f.kind === "protected")!.message, /pulumi state unprotect/);
    });

    it("every NAT replaced with nothing ordering them: flagged redundancy; ordered, a note", () => {
      const after = cloneGraph(base);
      for (const nat of after.resources.filter((r) => r.type === NAT)) nat.inputs.connectivityType = "public";
      const diff = diffPlans(base, after);
      assert.deepEqual(names(diff, "replace", NAT), ["toucan-nat-1", "toucan-nat-2", "toucan-nat-3"]);
      const flag = diff.flags.find((f) => f.kind === "redundancy")!;
      assert.match(flag.message, /3 of 3 NAT gateways would change at once/);
      // Chained by dependencies (2 waits for 1, 3 for 2), the engine replaces them one at a time.
      const nats = after.resources.filter((r) => r.type === NAT);
      nats[1].dependencies.push(nats[0].urn);
      nats[2].dependencies.push(nats[1].urn);
      const ordered = diffPlans(base, after);
      assert.deepEqual(
        ordered.flags.filter((f) => f.kind === "redundancy"),
        [],
      );
      assert.match(ordered.notes.join("\n"), /3 of 3 NAT gateways change, one at a time/);
    });

    it("a Mongo member's instance type changed on all members at once is flagged; tags alone are not", () => {
      const retyped = cloneGraph(base);
      const tagged = cloneGraph(base);
      for (const g of [retyped, tagged])
        for (const r of g.resources.filter((r) => r.type === INSTANCE)) r.dependencies = [];
      for (const r of retyped.resources.filter((r) => r.type === INSTANCE))
        r.inputs.instanceType = "m7g.large";
      for (const r of tagged.resources.filter((r) => r.type === INSTANCE)) r.inputs.tags = { owner: "data" };
      const strip = (g: PlanGraph) => {
        for (const r of g.resources.filter((r) => r.type === INSTANCE)) {
          r.propertyDependencies = {};
        }
        return g;
      };
      const diff = diffPlans(strip(cloneGraph(base)), strip(retyped));
      assert.deepEqual(
        names(diff, "update", INSTANCE).length,
        3,
        "instanceType updates in place (stop/start)",
      );
      assert.match(
        diff.flags.map((f) => f.message).join("\n"),
        /3 of 3 MongoDB members would change at once/,
      );
      assert.deepEqual(diffPlans(strip(cloneGraph(base)), strip(tagged)).flags, []);
    });

    it("security group opened wider: SSH from the internet on the backend's group, not a narrower rule", () => {
      const after = cloneGraph(base);
      const rule = after.resources.find(
        (r) =>
          r.type === "aws:vpc/securityGroupIngressRule:SecurityGroupIngressRule" &&
          r.name === "toucan-lb-alb-https-0.0.0.0-0",
      )!;
      const backend = one(after, "aws:ec2/securityGroup:SecurityGroup", "toucan-backend");
      const backendId = after.resources.find((r) =>
        r.propertyDependencies.securityGroupId?.includes(backend.urn),
      )!.inputs.securityGroupId;
      after.resources.push({
        ...cloneGraph({ ...base, resources: [rule] }).resources[0],
        urn: rule.urn.replace(/::[^:]+$/, "::toucan-backend-ssh"),
        name: "toucan-backend-ssh",
        inputs: {
          cidrIpv4: "0.0.0.0/0",
          fromPort: 22,
          toPort: 22,
          ipProtocol: "tcp",
          securityGroupId: backendId,
        },
      });
      const diff = diffPlans(base, after);
      const flags = diff.flags.filter((f) => f.kind === "security-group");
      assert.equal(flags.length, 1);
      assert.match(
        flags[0].message,
        /Security group toucan-backend opens wider: tcp\/22 from 0\.0\.0\.0\/0 is new/,
      );

      // Narrowing the ALB's HTTPS rule to one network is covered by the old rule: not flagged.
      const narrowed = cloneGraph(base);
      narrowed.resources.find((r) => r.urn === rule.urn)!.inputs.cidrIpv4 = "203.0.113.0/24";
      assert.deepEqual(diffPlans(base, narrowed).flags, []);
      // Widening it to all ports is.
      const widened = cloneGraph(base);
      Object.assign(widened.resources.find((r) => r.urn === rule.urn)!.inputs, {
        fromPort: 0,
        toPort: 65535,
      });
      assert.match(diffPlans(base, widened).flags[0].message, /tcp\/0-65535 from 0\.0\.0\.0\/0 is new/);
    });

    it("a protected secret removed from the program: stateful and protected, so --fail-on protected fails", () => {
      const after = cloneGraph(base);
      const secret = one(after, "aws:secretsmanager/secret:Secret", "toucan-redis-url");
      after.resources = after.resources.filter((r) => r !== secret);
      const diff = diffPlans(base, after);
      assert.deepEqual(names(diff, "delete", "aws:secretsmanager/secret:Secret"), ["toucan-redis-url"]);
      assert.deepEqual(kinds(diff), ["protected", "stateful"]);
      assert.deepEqual(failingKinds(diff, ["protected"]), ["protected"]);
    });

    it("renders the flags and each change in Markdown for a pull-request comment", () => {
      const after = cloneGraph(base);
      one(after, EIP, "toucan-nat-1").inputs.domain = "standard";
      const md = renderDiffMarkdown(diffPlans(base, after));
      assert.match(md, /\*\*0 to create, 1 to update, 2 to replace, 0 to delete, \d+ unchanged\*\*/);
      assert.match(md, /- \*\*public-ip\*\*: Elastic IP toucan-nat-1 would be replaced/);
      assert.match(
        md,
        /\| replace \| toucan-nat-1 \| ec2\/eip \| toucan \(Network\) \| `domain: vpc -> standard` \| domain \|/,
      );
      assert.match(md, /\| replace \| toucan-nat-1 \| ec2\/natGateway \| .* \| allocationId \|/);
    });
  });

  describe("npm run plan -- --diff", () => {
    const cli = (args: string[]) =>
      spawnSync(
        process.execPath,
        ["-r", "ts-node/register", path.join(__dirname, "..", "components", "planner", "cli.ts"), ...args],
        {
          cwd: path.join(__dirname, ".."),
          env: { ...process.env, TS_NODE_TRANSPILE_ONLY: "1" },
          encoding: "utf8",
          timeout: 60_000,
        },
      );

    it("exits 3 when a --fail-on kind is flagged and writes the Markdown comment", () => {
      const dir = fs.mkdtempSync(path.join(os.tmpdir(), "toucan-diff-"));
      fs.writeFileSync(path.join(dir, "base.json"), JSON.stringify(base));
      fs.writeFileSync(path.join(dir, "Pulumi.demo.yaml"), withKey(demoConfig(), "nat", "single"));
      const run = cli([
        "--config",
        path.join(dir, "Pulumi.demo.yaml"),
        "--diff",
        path.join(dir, "base.json"),
        "--fail-on",
        "stateful,public-ip",
        "--markdown",
        path.join(dir, "review.md"),
        "--cost",
        "--az-loss",
      ]);
      assert.equal(run.status, 3, run.stderr);
      assert.match(run.stdout, /\[public-ip\] Elastic IP toucan-nat-2 would be deleted/);
      assert.match(run.stdout, /fail-on: public-ip present/);
      assert.match(run.stdout, /Monthly cost change: \$411\.02 -> \$333\.64 \(-\$77\.38\)/);
      assert.match(run.stdout, /NAT egress \(NAT in eu-west-1a\)\n {4}eu-west-1a lost: FAILS/);
      assert.match(
        fs.readFileSync(path.join(dir, "review.md"), "utf8"),
        /- \*\*redundancy\*\*: NAT gateways: 3 before, 1 after/,
      );
    });

    it("returns 4 with --az-loss alone when a tier fails on the loss of one AZ, 0 when none does", async () => {
      const lines: string[] = [];
      const opts = { ...emptyReviewOptions(), azLoss: true };
      const single = await planConfig(withKey(demoConfig(), "nat", "single"));
      assert.equal(
        runReview(single, opts, (l) => lines.push(l)),
        4,
      );
      assert.match(lines.join("\n"), /A tier fails when one AZ is lost/);
      assert.equal(
        runReview(base, opts, () => undefined),
        0,
      );
    });

    it("refuses an unknown --fail-on kind before planning (exit 2)", () => {
      const run = cli(["--diff", __filename, "--fail-on", "stateful,everything"]);
      assert.equal(run.status, 2);
      assert.match(run.stderr, /--fail-on: unknown kind everything/);
    });
  });
});
