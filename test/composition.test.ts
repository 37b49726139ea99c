import { strict as assert } from "assert";
import { Toucan, ToucanArgs } from "../components/aws/toucan";
import { record, recordFailure, Recording } from "../components/planner/recorder";
import { takesTags } from "./support/taggable";

const BASE: ToucanArgs = {
  version: "v100.5.1",
  frontendDomain: "toucan.example.com",
  backendDomain: "api-toucan.example.com",
  zoneId: "Z0123456789EXAMPLE",
};

const TAGS = { costCenter: "bi-42", owner: "platform" };

/** The topologies a company composes: every optional piece on, in each frontend and database mode. */
const MODES: Record<string, ToucanArgs> = {
  containers: {
    ...BASE,
    loadBalancer: { mode: "dedicated" },
    screenshot: { image: "registry.example.com/screenshot:1.0.0" },
    monitoring: { emails: ["ops@example.com"] },
    flowLogs: { destination: "cloudWatch" },
    sso: { providers: [{ id: "okta", type: "SAML2", name: "Okta" }] },
  },
  static: {
    ...BASE,
    backendDomain: undefined,
    staticFrontend: {},
    monitoring: { emails: ["ops@example.com"] },
  },
  documentdb: { ...BASE, mongo: { engine: "documentdb" }, backups: false },
};

/** Records a mode with a transform that notes every resource it is run on. */
async function recordMarked(args: ToucanArgs): Promise<{ recording: Recording; seen: Set<string> }> {
  const seen = new Set<string>();
  const { recording } = await record(
    () =>
      new Toucan("t", {
        ...args,
        tags: TAGS,
        transform: ({ type, name }) => {
          seen.add(`${type}::${name}`);
        },
      }),
  );
  return { recording, seen };
}

describe("Composition: transform and tags reach every resource", function () {
  this.timeout(30_000);

  for (const [mode, args] of Object.entries(MODES)) {
    describe(`${mode} mode`, () => {
      let recording: Recording;
      let seen: Set<string>;
      before(async () => {
        ({ recording, seen } = await recordMarked(args));
      });

      it("runs the transform on every resource below the component, and not on the component", () => {
        const below = recording.resources.filter(
          (r) => r.type !== "toucan:aws:Toucan" && r.type !== "pulumi:pulumi:Stack",
        );
        assert.ok(below.length > 50, `a full topology (${below.length} resources)`);
        const missed = below
          .filter((r) => !seen.has(`${r.type}::${r.name}`))
          .map((r) => `${r.type} ${r.name}`);
        assert.deepEqual(missed, [], "resources the transform never saw");
        assert.ok(!seen.has("toucan:aws:Toucan::t"));
      });

      it("tags every AWS resource that takes tags", () => {
        const taggable = recording.resources.filter(
          (r) => r.custom && r.type.startsWith("aws:") && takesTags(r.type),
        );
        assert.ok(taggable.length > 20, `taggable resources found (${taggable.length})`);
        const untagged = taggable
          .filter((r) => {
            const tags = (r.inputs.tags ?? {}) as Record<string, unknown>;
            return Object.entries(TAGS).some(([k, v]) => tags[k] !== v);
          })
          .map((r) => `${r.type} ${r.name}`);
        assert.deepEqual(untagged, [], "taggable resources without the stack's tags");
      });
    });
  }

  it("finds the taggable types in the SDK's declarations", () => {
    // Known from the AWS provider's docs: a VPC and a log group take tags; a listener rule's target
    // attachment and a route do not.
    assert.equal(takesTags("aws:ec2/vpc:Vpc"), true);
    assert.equal(takesTags("aws:cloudwatch/logGroup:LogGroup"), true);
    assert.equal(takesTags("aws:ec2/route:Route"), false);
    assert.equal(takesTags("aws:iam/rolePolicy:RolePolicy"), false);
    // A list of tag blocks, not a map.
    assert.equal(takesTags("aws:autoscaling/group:Group"), false);
  });

  it("lets the transform change what AWS receives", async () => {
    const { recording } = await record(
      () =>
        new Toucan("t", {
          ...BASE,
          transform: ({ type, props, opts }) => {
            if (type === "aws:ecs/service:Service") props.propagateTags = "SERVICE";
            if (type === "aws:ecs/cluster:Cluster") opts.ignoreChanges = ["settings"];
          },
        }),
    );
    const services = recording.byType("aws:ecs/service:Service");
    assert.equal(services.length, 2);
    for (const s of services) assert.equal(s.inputs.propagateTags, "SERVICE");
    assert.deepEqual(recording.one("aws:ecs/cluster:Cluster").ignoreChanges, ["settings"]);
    // An edit of one resource's options does not leak into a sibling sharing the component's options.
    const roles = recording.byType("aws:iam/role:Role");
    for (const r of roles) assert.deepEqual(r.ignoreChanges, []);
  });

  it("refuses a transform that is not a function before anything registers", async () => {
    const { error, recording } = await recordFailure(
      () => new Toucan("t", { ...BASE, transform: { vpc: {} } as unknown as ToucanArgs["transform"] }),
    );
    assert.match(error.message, /`transform` is .*: is not a function/);
    assert.equal(recording.resources.filter((r) => r.custom).length, 0);
  });
});
