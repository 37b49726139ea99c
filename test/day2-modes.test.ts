import { strict as assert } from "assert";
import { Toucan, ToucanArgs } from "../components/aws/toucan";
import { Recording, RecordedResource, record } from "../components/planner/recorder";
import { canonicalUrn, compareRecordings, names } from "./support/day2";
import { transitionProblems } from "./support/transitions";

// What these tests check, in the engine's and AWS's terms (test/support/transitions.ts): while `pulumi up`
// runs, creates and updates come first and deletions last, so at some moment both the new resources and the
// ones about to go exist. At no such moment may Route 53 see two owners of one record, a listener two rules
// with one priority, a target group two load balancers; the load balancer the old DNS records point at
// (clients keep them for the TTL) must still reach registered tasks its groups admit; nothing protected, and
// no load balancer with deletion protection on, is deleted.

const RECORD = "aws:route53/record:Record";
const ALB = "aws:lb/loadBalancer:LoadBalancer";
const SERVICE = "aws:ecs/service:Service";
const TG = "aws:lb/targetGroup:TargetGroup";
const RULE = "aws:lb/listenerRule:ListenerRule";

const TWO_NAMES: ToucanArgs = {
  version: "v100.5.1",
  frontendDomain: "toucan.example.com",
  backendDomain: "api-toucan.example.com",
  zoneId: "Z0123456789EXAMPLE",
};
const SAME_DOMAIN: ToucanArgs = { ...TWO_NAMES, backendDomain: undefined };

async function stack(args: ToucanArgs): Promise<Recording> {
  return (await record(() => new Toucan("t", args), { region: "eu-west-1" })).recording;
}

function recordFor(recording: Recording, host: string, type = "A"): RecordedResource {
  const found = recording.byType(RECORD).filter((r) => r.inputs.name === host && r.inputs.type === type);
  assert.equal(found.length, 1, `one ${type} record for ${host}`);
  return found[0];
}

function aliasTarget(r: RecordedResource): unknown {
  return (r.inputs.aliases as { name: unknown }[])[0].name;
}

function serviceOf(recording: Recording, tier: string): RecordedResource {
  return recording.byType(SERVICE).find((s) => s.name.startsWith(`t-${tier}`))!;
}

const touched = (change: ReturnType<typeof compareRecordings>, type: string) =>
  [...change.created, ...change.deleted, ...Object.keys(change.changed)].filter((u) => u.includes(type));

describe("Changing loadBalancerMode on a running stack", function () {
  this.timeout(20_000);
  let shared: Recording;
  let both: Recording;
  let dedicated: Recording;
  before(async () => {
    shared = await stack(TWO_NAMES);
    both = await stack({ ...TWO_NAMES, loadBalancer: { mode: "dedicated", retiringMode: "shared" } });
    dedicated = await stack({ ...TWO_NAMES, loadBalancer: { mode: "dedicated" } });
  });

  it("in one step would leave the shared ALB, still in DNS, with no registered task", () => {
    const problems = transitionProblems(shared, dedicated);
    assert.ok(
      problems.some((p) => p.startsWith("no targets: t-lb-alb")),
      `expected the old ALB to lose its targets: ${problems.join("; ")}`,
    );
  });

  it("step 1 (retiringMode: shared) builds the dedicated ALBs next to the shared one and breaks no rule", () => {
    assert.deepEqual(transitionProblems(shared, both), []);
    const change = compareRecordings(shared, both);
    assert.deepEqual(names(change.created.filter((u) => u.includes(ALB))), ["t-lb-backend", "t-lb-frontend"]);
    assert.deepEqual(change.deleted, [], "nothing is deleted in the first step");
    // The old ALB loses its deletion protection now, so the second step can delete it.
    assert.deepEqual(change.changed[both.one(ALB, "t-lb-alb").urn], ["enableDeletionProtection"]);
    assert.equal(both.one(ALB, "t-lb-alb").inputs.enableDeletionProtection, false);
    assert.equal(both.one(ALB, "t-lb-frontend").inputs.enableDeletionProtection, true);
  });

  it("step 1 registers each service in its tier's new and old target groups", () => {
    for (const tier of ["frontend", "backend"]) {
      const lbs = serviceOf(both, tier).inputs.loadBalancers as { targetGroupArn: unknown }[];
      assert.deepEqual(
        lbs.map((l) => l.targetGroupArn),
        [both.one(TG, `t-lb-${tier}-d`).outputs.arn, both.one(TG, `t-lb-${tier}`).outputs.arn],
      );
    }
  });

  it("step 1 moves each name by updating its record, after the services are steady", () => {
    for (const [host, tier] of [
      ["toucan.example.com", "frontend"],
      ["api-toucan.example.com", "backend"],
    ]) {
      const rec = recordFor(both, host);
      assert.equal(rec.urn, recordFor(shared, host).urn, "the same record: an UPSERT, not a new owner");
      assert.equal(aliasTarget(rec), both.one(ALB, `t-lb-${tier}`).outputs.dnsName);
      assert.ok(
        rec.dependencies.includes(serviceOf(both, tier).urn),
        `${host} waits for the ${tier} service (dependencies: ${rec.dependencies.join(", ")})`,
      );
    }
  });

  it("step 2 (retiringMode removed) deletes the shared ALB, its rules and groups, and nothing else", () => {
    assert.deepEqual(transitionProblems(both, dedicated), []);
    const change = compareRecordings(both, dedicated);
    assert.deepEqual(change.created, []);
    assert.deepEqual(
      names(change.deleted.filter((u) => u.includes(ALB) || u.includes(TG) || u.includes(RULE))),
      ["t-lb-alb", "t-lb-backend", "t-lb-backend-host", "t-lb-frontend", "t-lb-frontend-host"],
    );
    assert.deepEqual(touched(change, RECORD), [], "the records moved in step 1");
  });

  it("back from dedicated to shared takes the same two steps without a problem", async () => {
    const back = await stack({ ...TWO_NAMES, loadBalancer: { mode: "shared", retiringMode: "dedicated" } });
    assert.deepEqual(transitionProblems(dedicated, back), []);
    assert.deepEqual(transitionProblems(back, shared), []);
    for (const alb of ["t-lb-frontend", "t-lb-backend"]) {
      assert.equal(back.one(ALB, alb).inputs.enableDeletionProtection, false);
    }
  });

  it("keeps the task security groups' rules: every mode uses one ALB security group", () => {
    const change = compareRecordings(shared, both);
    assert.deepEqual(touched(change, "securityGroup"), []);
  });
});

describe("Changing frontendMode on a running stack", function () {
  this.timeout(20_000);

  for (const [layout, base] of [
    ["two names", TWO_NAMES],
    ["same domain", SAME_DOMAIN],
  ] as const) {
    describe(layout, () => {
      let containers: Recording;
      let cdn: Recording;
      before(async () => {
        containers = await stack(base);
        cdn = await stack({ ...base, staticFrontend: {} });
      });

      it("containers to static breaks no rule and moves the frontend's name by updating its record", () => {
        assert.deepEqual(transitionProblems(containers, cdn), []);
        const rec = recordFor(cdn, "toucan.example.com");
        assert.equal(rec.urn, recordFor(containers, "toucan.example.com").urn);
        const site = cdn.resources.filter((r) => r.name === "t-static-deploy");
        assert.equal(site.length, 1);
        assert.ok(rec.dependencies.includes(site[0].urn), "the name moves once the site is published");
      });

      it("containers to static keeps every backend rule and group as it is", () => {
        const change = compareRecordings(containers, cdn);
        const backend = [...Object.keys(change.changed), ...change.deleted, ...change.created].filter(
          (u) => (u.includes(RULE) || u.includes(TG)) && u.includes("backend"),
        );
        assert.deepEqual(backend, []);
        assert.deepEqual(names(change.deleted.filter((u) => u.includes(SERVICE))), ["t-frontend-service"]);
      });

      it("static back to containers breaks no rule (the site bucket is not protected)", () => {
        assert.deepEqual(transitionProblems(cdn, containers), []);
      });
    });
  }

  it("same domain: CloudFront sends /_api/* unchanged to the rule that strips it on the ALB", async () => {
    const cdn = await stack({ ...SAME_DOMAIN, staticFrontend: {} });
    const dist = cdn.one("aws:cloudfront/distribution:Distribution");
    const behaviors = dist.inputs.orderedCacheBehaviors as {
      pathPattern: string;
      functionAssociations: unknown[];
    }[];
    const api = behaviors.filter((b) => b.pathPattern.startsWith("/_api"));
    assert.deepEqual(
      api.map((b) => [b.pathPattern, b.functionAssociations]),
      [
        ["/_api/*", []],
        ["/_api", []],
      ],
    );
    const rule = cdn.one(RULE, "t-lb-backend-path");
    assert.deepEqual(rule.inputs.conditions, [
      { hostHeader: { values: ["toucan.example.com"] } },
      { pathPattern: { values: ["/_api", "/_api/*"] } },
    ]);
    // The distribution is updated only once the ALB routes the prefix.
    assert.ok(dist.dependencies.includes(rule.urn));
  });
});

describe("Public DNS records keep their state when their owner changes", () => {
  it("adopt, through aliases, the records the load balancer and the static frontend owned", async () => {
    const recording = await stack(TWO_NAMES);
    const rec = recordFor(recording, "toucan.example.com");
    const aliases = rec.aliasUrns.map(canonicalUrn);
    assert.ok(
      aliases.some((a) => a.endsWith(`toucan:aws:LoadBalancer$${RECORD}::t-lb-toucan.example.com`)),
      aliases.join("\n"),
    );
    assert.ok(aliases.some((a) => a.endsWith(`toucan:aws:StaticFrontend$${RECORD}::t-static-a`)));
  });
});
