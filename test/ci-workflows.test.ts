import { strict as assert } from "assert";
import * as fs from "fs";
import * as path from "path";
import { validateWorkflow } from "@action-validator/core";
import { parse } from "yaml";

const DIR = path.resolve(__dirname, "..", "examples", "ci", ".github", "workflows");
const read = (file: string) => fs.readFileSync(path.join(DIR, file), "utf8");

interface Step {
  uses?: string;
  run?: string;
  with?: Record<string, unknown>;
}
interface Workflow {
  on: Record<string, unknown>;
  permissions?: Record<string, string>;
  jobs: Record<string, { if?: string; steps: Step[]; permissions?: Record<string, string> }>;
}

describe("examples/ci: the pull-request workflows", () => {
  for (const file of ["toucan-review.yml", "toucan-review-comment.yml"]) {
    it(`${file} validates against GitHub's workflow schema`, () => {
      assert.deepEqual(validateWorkflow(read(file)).errors, []);
    });
  }

  it("the validator refuses a broken workflow (the check can fail)", () => {
    const broken = read("toucan-review.yml").replace("runs-on: ubuntu-24.04", "runs_on: ubuntu-24.04");
    assert.notDeepEqual(validateWorkflow(broken).errors, []);
  });

  it("the review job works for forks: read-only token, no secret, no install scripts", () => {
    const text = read("toucan-review.yml");
    const workflow = parse(text) as Workflow;
    assert.deepEqual(Object.keys(workflow.on), ["pull_request"]);
    assert.deepEqual(workflow.permissions, { contents: "read" });
    const review = JSON.stringify(workflow.jobs.review);
    assert.doesNotMatch(review, /secrets\./);
    const installs = (review.match(/npm (ci|install)[^"\\]*/g) ?? []).map((c) => c.trim());
    assert.equal(installs.length, 2, "the base and the pull request are installed");
    for (const install of installs) assert.match(install, /--ignore-scripts/, install);
    assert.match(review, /--diff base-plan\.json --cost --az-loss/);
    assert.match(review, /--fail-on stateful,protected/);
  });

  it("every toucan-plan option the review uses is one the command documents", () => {
    const usage = fs.readFileSync(path.resolve(__dirname, "..", "components", "planner", "cli.ts"), "utf8");
    const used = new Set(read("toucan-review.yml").match(/--[a-z][a-z-]+/g));
    for (const npmFlag of ["--ignore-scripts", "--prefix"]) used.delete(npmFlag);
    assert.deepEqual([...used].sort(), [
      "--az-loss",
      "--config",
      "--cost",
      "--diagram",
      "--diff",
      "--fail-on",
      "--json",
      "--markdown",
      "--program",
    ]);
    for (const flag of used)
      assert.match(usage, new RegExp(`^  ${flag} `, "m"), `${flag} is not in toucan-plan's usage`);
  });

  it("the policy preview runs only for the repository's own branches, through pulumi/actions", () => {
    const workflow = parse(read("toucan-review.yml")) as Workflow;
    const policy = workflow.jobs.policy;
    assert.equal(policy.if, "github.event.pull_request.head.repo.full_name == github.repository");
    const pulumi = policy.steps.find((s) => s.uses?.startsWith("pulumi/actions@"))!;
    assert.equal(pulumi.with?.command, "preview");
    assert.equal(pulumi.with?.policyPacks, "policy");
  });

  it("the comment workflow never checks out or runs the pull request's code", () => {
    const workflow = parse(read("toucan-review-comment.yml")) as Workflow;
    assert.deepEqual(Object.keys(workflow.on), ["workflow_run"]);
    assert.deepEqual(workflow.permissions, { actions: "read", "pull-requests": "write" });
    const steps = workflow.jobs.comment.steps;
    assert.ok(steps.every((s) => !s.uses?.startsWith("actions/checkout")));
    assert.ok(steps.some((s) => s.uses?.startsWith("actions/download-artifact")));
  });
});
