import { strict as assert } from "assert";
import { execFileSync, spawnSync } from "child_process";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { mongoMetricsInstallCommands, renderMongoMetricsCollector } from "../components/aws/mongo-metrics";

const INSTANCE = "i-0123456789abcdef0";

/**
 * Runs the collector under bash with a PATH of stubs: `curl` answers the metadata service, `mongosh`
 * answers `db.hello()` per host, `aws` records its arguments (one per line). `df` is the real one, on a
 * temporary folder.
 */
function runCollector(hello: { self: string; primary?: string }) {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "mongo-metrics-"));
  const bin = path.join(dir, "bin");
  fs.mkdirSync(bin);
  const stub = (name: string, body: string) =>
    fs.writeFileSync(path.join(bin, name), `#!/bin/bash\n${body}\n`, { mode: 0o755 });
  stub(
    "curl",
    `case "$*" in *api/token*) echo token ;; *meta-data/instance-id*) echo ${INSTANCE} ;; *) exit 22 ;; esac`,
  );
  stub(
    "mongosh",
    [
      'case "$3" in',
      `  mongodb://127.0.0.1:27017/*) ${hello.self} ;;`,
      `  mongodb://db-2.toucan.internal:27017/*) ${hello.primary ?? "exit 1"} ;;`,
      "  *) exit 1 ;;",
      "esac",
    ].join("\n"),
  );
  stub("aws", `printf '%s\\n' "$@" >"${dir}/aws-args"`);
  const script = path.join(dir, "collector.sh");
  fs.writeFileSync(script, renderMongoMetricsCollector("eu-west-1"));
  const run = spawnSync("bash", [script], {
    encoding: "utf8",
    env: {
      PATH: `${bin}:/usr/bin:/bin`,
      TOUCAN_MONGO_DATA_DIR: dir,
      TOUCAN_MONGO_CA_FILE: path.join(dir, "ca.pem"),
    },
  });
  const argsFile = path.join(dir, "aws-args");
  const args = fs.existsSync(argsFile) ? fs.readFileSync(argsFile, "utf8").trimEnd().split("\n") : [];
  fs.rmSync(dir, { recursive: true, force: true });
  return { status: run.status, stderr: run.stderr, args };
}

function metricData(args: string[]): string[] {
  return args.slice(args.indexOf("--metric-data") + 1);
}

describe("Mongo member metrics collector", () => {
  it("passes shellcheck, alone and as the SSM document's install commands", function () {
    this.timeout(20000);
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), "mongo-metrics-sc-"));
    const collector = renderMongoMetricsCollector("eu-west-1");
    fs.writeFileSync(path.join(dir, "collector.sh"), collector);
    fs.writeFileSync(
      path.join(dir, "install.sh"),
      `#!/bin/bash\n${mongoMetricsInstallCommands(collector).join("\n")}\n`,
    );
    try {
      execFileSync(
        "shellcheck",
        ["-s", "bash", path.join(dir, "collector.sh"), path.join(dir, "install.sh")],
        {
          encoding: "utf8",
          stdio: "pipe",
        },
      );
    } catch (error) {
      const e = error as NodeJS.ErrnoException & { stdout?: string };
      if (e.code === "ENOENT") {
        throw new Error("shellcheck is not installed: run `apt-get update && apt-get install -y shellcheck`");
      }
      throw new Error(`shellcheck found problems in the collector:\n${e.stdout}`);
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });

  it("on a secondary publishes health, disk used and the lag behind the primary", () => {
    const run = runCollector({
      self: "echo secondary db-2.toucan.internal:27017 1700000000",
      primary: "echo 1700000042",
    });
    assert.equal(run.status, 0, run.stderr);
    assert.deepEqual(run.args.slice(0, 6), [
      "cloudwatch",
      "put-metric-data",
      "--region",
      "eu-west-1",
      "--namespace",
      "Toucan/MongoDB",
    ]);
    const data = metricData(run.args);
    const dim = `Dimensions=[{Name=InstanceId,Value=${INSTANCE}}]`;
    assert.equal(data[0], `MetricName=MemberHealthy,Value=1,Unit=Count,${dim}`);
    assert.match(
      data[1],
      new RegExp(
        `^MetricName=DataVolumeUsedPercent,Value=\\d{1,3},Unit=Percent,${dim.replace(/[[\]{}]/g, "\\$&")}$`,
      ),
    );
    assert.equal(data[2], `MetricName=ReplicationLagSeconds,Value=42,Unit=Seconds,${dim}`);
    assert.equal(data.length, 3);
  });

  it("on the primary publishes no lag", () => {
    const run = runCollector({ self: "echo primary db-1.toucan.internal:27017 1700000000" });
    assert.equal(run.status, 0, run.stderr);
    const data = metricData(run.args);
    assert.equal(data.length, 2);
    assert.match(data[0], /^MetricName=MemberHealthy,Value=1,/);
  });

  it("reports an unhealthy member when mongod does not answer", () => {
    const run = runCollector({ self: "exit 1" });
    assert.equal(run.status, 0, run.stderr);
    const data = metricData(run.args);
    assert.match(data[0], /^MetricName=MemberHealthy,Value=0,/);
    assert.equal(data.length, 2);
  });
});
