import { strict as assert } from "assert";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import * as YAML from "yaml";
import { ToucanArgumentError } from "../components/core/errors";
import { planProgram } from "../components/planner/plan-runner";
import type { Recording } from "../components/planner/recorder";
import { ConfigReader, availabilityZonesFromConfig } from "../components/stack-config";
import { compareRecordings, names } from "./support/day2";

const ROOT = path.resolve(__dirname, "..");

function reader(values: Record<string, string>): ConfigReader {
  return new ConfigReader({ name: "toucan", get: (key) => values[key] });
}

const A = "eu-west-3a";
const B = "eu-west-3b";
const C = "eu-west-3c";
const D = "eu-west-3d";

describe("Which AZs a running stack uses (availabilityZonesFromConfig)", () => {
  const cases: {
    title: string;
    config: Record<string, string>;
    recorded?: string[];
    available: string[];
    expected: string[];
  }[] = [
    {
      title: "a new stack takes the first 3 available AZs",
      config: {},
      available: [A, B, C, D],
      expected: [A, B, C],
    },
    {
      title: "a new stack takes the AZs listed",
      config: { availabilityZones: JSON.stringify([C, A]) },
      available: [A, B, C],
      expected: [C, A],
    },
    {
      title: "an impaired AZ missing from the lookup changes nothing",
      config: {},
      recorded: [A, B, C],
      available: [A, C],
      expected: [A, B, C],
    },
    {
      title: "a lookup that shifts (a 4-AZ region answering another order) changes nothing",
      config: {},
      recorded: [A, B, C],
      available: [D, C, B, A],
      expected: [A, B, C],
    },
    {
      title: "the config listing the recorded AZs in another order changes nothing",
      config: { availabilityZones: JSON.stringify([C, B, A]) },
      recorded: [A, B, C],
      available: [A, B, C],
      expected: [A, B, C],
    },
    {
      title: "a larger azCount appends a new AZ after the recorded ones",
      config: { azCount: "4" },
      recorded: [A, B, C],
      available: [A, B, C, D],
      expected: [A, B, C, D],
    },
    {
      title: "a listed new AZ is appended, whatever its place in the list",
      config: { availabilityZones: JSON.stringify([D, A, B, C]) },
      recorded: [A, B, C],
      available: [A, B, C, D],
      expected: [A, B, C, D],
    },
  ];
  for (const c of cases) {
    it(c.title, () => {
      assert.deepEqual(
        availabilityZonesFromConfig(reader(c.config), {
          recorded: c.recorded,
          available: c.available,
          region: "eu-west-3",
        }),
        c.expected,
      );
    });
  }

  const refusals: {
    title: string;
    config: Record<string, string>;
    recorded?: string[];
    available: string[];
    key: string;
    says: RegExp;
  }[] = [
    {
      title: "an azCount above the region's available AZs names them",
      config: { azCount: "4" },
      available: [A, B, C],
      key: "toucan:azCount",
      says: /more than the 3 available AZs of eu-west-3 \(eu-west-3a, eu-west-3b, eu-west-3c\).*set azCount to 3 or less/s,
    },
    {
      title: "leaving a recorded AZ through availabilityZones",
      config: { availabilityZones: JSON.stringify([A, B]) },
      recorded: [A, B, C],
      available: [A, B, C],
      key: "toucan:availabilityZones",
      says: /leaves eu-west-3c, where the stack's EFS mount targets \(and Mongo members in .*\) live.*Restore drill/s,
    },
    {
      title: "leaving a recorded AZ through a smaller azCount",
      config: { azCount: "2" },
      recorded: [A, B, C],
      available: [A, B, C],
      key: "toucan:azCount",
      says: /leaves eu-west-3c/,
    },
    {
      title: "growing when the region has no other AZ",
      config: { azCount: "4" },
      recorded: [A, B, C],
      available: [A, B, C],
      key: "toucan:azCount",
      says: /needs 1 AZ\(s\) beyond eu-west-3a, eu-west-3b, eu-west-3c.*set azCount to 3/s,
    },
    {
      title: "fewer than 2 AZs",
      config: { azCount: "1" },
      available: [A, B, C],
      key: "toucan:azCount",
      says: /fewer than 2 Availability Zones/,
    },
  ];
  for (const r of refusals) {
    it(`refuses ${r.title}`, () => {
      assert.throws(
        () =>
          availabilityZonesFromConfig(reader(r.config), {
            recorded: r.recorded,
            available: r.available,
            region: "eu-west-3",
          }),
        (error: unknown) => {
          assert.ok(error instanceof ToucanArgumentError);
          assert.ok(error.message.includes(`\`${r.key}\``), error.message);
          assert.match(error.message, r.says);
          return true;
        },
      );
    });
  }
});

describe("AZ changes on a running stack (root program, recorded before and after)", function () {
  this.timeout(30_000);
  const demo = path.join(ROOT, "Pulumi.demo.yaml");
  let first: Recording;
  let recordedAzs: string[];

  async function plan(configFile: string, recorded: string[] | undefined, lookup?: string[]) {
    return planProgram({
      programDir: ROOT,
      configFile,
      previousOutputs: recorded ? { availabilityZones: recorded } : undefined,
      availabilityZones: lookup,
    });
  }

  /** Pulumi.demo.yaml with some keys set (as `pulumi config set` would). */
  function withConfig(values: Record<string, unknown>): string {
    const doc = YAML.parse(fs.readFileSync(demo, "utf8")) as { config: Record<string, unknown> };
    for (const [key, value] of Object.entries(values)) doc.config[`toucan:${key}`] = value;
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), "azs-"));
    const file = path.join(dir, "Pulumi.demo.yaml");
    fs.writeFileSync(file, YAML.stringify(doc));
    return file;
  }

  before(async () => {
    const result = await plan(demo, undefined);
    first = result.recording;
    recordedAzs = result.graph.outputs.availabilityZones as string[];
  });

  it("records the chosen AZs as a stack output", () => {
    assert.equal(recordedAzs.length, 3);
    assert.equal(new Set(recordedAzs).size, 3);
  });

  it("an AZ lookup answering another list replaces and changes nothing", async () => {
    const [a, , c] = recordedAzs;
    const region = a.slice(0, -1);
    const after = await plan(demo, recordedAzs, [c, a, `${region}d`]);
    assert.deepEqual(compareRecordings(first, after.recording), {
      created: [],
      deleted: [],
      changed: {},
      moved: {},
    });
  });

  it("availabilityZones listing the same AZs reordered changes nothing", async () => {
    const reordered = [...recordedAzs].reverse();
    const file = withConfig({ availabilityZones: reordered });
    const after = await plan(file, recordedAzs);
    assert.deepEqual(compareRecordings(first, after.recording), {
      created: [],
      deleted: [],
      changed: {},
      moved: {},
    });
  });

  it("a fourth AZ only adds that AZ's resources and widens the lists that span AZs", async () => {
    const region = recordedAzs[0].slice(0, -1);
    const file = withConfig({ azCount: 4 });
    const after = await plan(file, recordedAzs, [...recordedAzs, `${region}d`]);
    const change = compareRecordings(first, after.recording);
    assert.deepEqual(change.deleted, []);
    const created = after.recording.resources.filter((r) => change.created.includes(r.urn));
    for (const r of created.filter((x) => "availabilityZone" in x.inputs)) {
      assert.equal(r.inputs.availabilityZone, `${region}d`, `${r.name} is in the new AZ`);
    }
    // Nothing stateful or per-AZ of the first three AZs changes.
    const touchedNames = names(Object.keys(change.changed));
    for (const n of touchedNames) {
      assert.ok(
        !/mongo.*(volume|instance|member)|-(public|private)-[123]$|nat-[123]$/.test(n),
        `${n} changed`,
      );
    }
    assert.deepEqual(names(change.created.filter((u) => u.includes("aws:ec2/subnet:Subnet"))), [
      "toucan-private-4",
      "toucan-public-4",
    ]);
  });
});
