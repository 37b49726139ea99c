/**
 * The default MongoDB version (a current 8.0 patch) and running stacks: the root program never upgrades
 * the members of a stack unasked. It records the version as a stack output and reads it back; a stack
 * deployed before that output existed keeps the default of then (7.0.30).
 */
import { strict as assert } from "assert";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import * as YAML from "yaml";
import { planProgram } from "../components/planner/plan-runner";
import { previousMongoVersion } from "../components/stack-config";

const ROOT = path.resolve(__dirname, "..");
const DEMO = path.join(ROOT, "Pulumi.demo.yaml");
const ADMIN_SECRET = "arn:aws:secretsmanager:eu-west-1:123456789012:secret:toucan-mongo-admin-AbC123";

/** The MongoDB package every member installs, read from its user data. */
async function installed(previousOutputs?: Record<string, unknown>, mongoVersion?: string) {
  let configFile = DEMO;
  if (mongoVersion !== undefined) {
    const doc = YAML.parse(fs.readFileSync(DEMO, "utf8")) as { config: Record<string, unknown> };
    doc.config["toucan:mongoVersion"] = mongoVersion;
    configFile = path.join(fs.mkdtempSync(path.join(os.tmpdir(), "mongo-version-")), "Pulumi.demo.yaml");
    fs.writeFileSync(configFile, YAML.stringify(doc));
  }
  const { recording, graph } = await planProgram({ programDir: ROOT, configFile, previousOutputs });
  const packages = recording
    .byType("aws:ec2/instance:Instance")
    .filter((i) => i.name.includes("mongo-member"))
    .map((i) => /^MONGO_PACKAGE='([^']+)'$/m.exec(String(i.inputs.userData))?.[1]);
  assert.equal(packages.length, 3);
  return { packages: [...new Set(packages)], output: graph.outputs.mongoVersion };
}

describe("Default MongoDB version", function () {
  this.timeout(60_000);

  it("GIVEN a new stack THEN the members install MongoDB 8.0.17, recorded as the stack output mongoVersion", async () => {
    assert.deepEqual(await installed(), { packages: ["mongodb-org-server-8.0.17"], output: "8.0.17" });
  });

  it("GIVEN a stack deployed before (a Mongo cluster, no mongoVersion output) THEN it keeps 7.0.30", async () => {
    assert.deepEqual(await installed({ mongoAdminPasswordSecretArn: ADMIN_SECRET }), {
      packages: ["mongodb-org-server-7.0.30"],
      output: "7.0.30",
    });
  });

  it("GIVEN a stack that recorded its version THEN it keeps it", async () => {
    const previous = { mongoVersion: "7.0.30", mongoAdminPasswordSecretArn: ADMIN_SECRET };
    assert.deepEqual(await installed(previous), {
      packages: ["mongodb-org-server-7.0.30"],
      output: "7.0.30",
    });
  });

  it("GIVEN mongoVersion in the config THEN it wins over the recorded version (the upgrade is asked)", async () => {
    const previous = { mongoVersion: "7.0.30", mongoAdminPasswordSecretArn: ADMIN_SECRET };
    assert.deepEqual(await installed(previous, "8.0.17"), {
      packages: ["mongodb-org-server-8.0.17"],
      output: "8.0.17",
    });
  });

  it("previousMongoVersion: the recorded output, else 7.0.30 for a stack with a cluster, else none", () => {
    assert.equal(previousMongoVersion({ mongoVersion: "8.0" }), "8.0");
    assert.equal(previousMongoVersion({ mongoAdminPasswordSecretArn: ADMIN_SECRET }), "7.0.30");
    assert.equal(previousMongoVersion({}), undefined);
  });
});
