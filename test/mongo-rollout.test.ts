import { strict as assert } from "assert";
import { execFileSync, spawnSync } from "child_process";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { MongoCluster, MongoClusterArgs } from "../components/aws/mongo-cluster";
import {
  ROLLOUT_ORDER,
  gateDocument,
  gateParameters,
  renderGateScript,
} from "../components/aws/mongo-rollout";
import { Toucan, ToucanArgs } from "../components/aws/toucan";
import { renderPreUpgradeBackupScript } from "../components/aws/pre-upgrade-backup";
import { Recording, RecordedResource, record } from "../components/planner/recorder";
import { assertUntouched, compareRecordings } from "./support/day2";

const INSTANCE = "aws:ec2/instance:Instance";
const ASSOCIATION = "aws:ssm/association:Association";

const NETWORK: MongoClusterArgs = {
  vpcId: "vpc-0a1b2c3d4e5f60718",
  subnetIds: ["subnet-1000000000000000a", "subnet-1000000000000000b", "subnet-1000000000000000c"],
  availabilityZones: ["eu-west-1a", "eu-west-1b", "eu-west-1c"],
  clientSecurityGroupIds: ["sg-0123456789abcdef0"],
};

async function cluster(args: Partial<MongoClusterArgs> = {}): Promise<Recording> {
  return (await record(() => new MongoCluster("db", { ...NETWORK, ...args }), { region: "eu-west-1" }))
    .recording;
}

/** Every URN a resource waits for, directly or through others. */
function waitsFor(recording: Recording, resource: RecordedResource): Set<string> {
  const seen = new Set<string>();
  const visit = (urn: string) => {
    const r = recording.get(urn);
    for (const dep of [...r.dependencies, ...Object.values(r.propertyDependencies).flat()]) {
      if (!seen.has(dep)) {
        seen.add(dep);
        visit(dep);
      }
    }
  };
  visit(resource.urn);
  return seen;
}

describe("Rolling changes of the community replica set", () => {
  let v7: Recording;
  let after: Recording;
  before(async () => {
    v7 = await cluster({ version: "7.0" });
    after = await cluster({ version: "8.0" });
  });

  it("a version change reaches every member, and each member's gate runs again", () => {
    const change = compareRecordings(v7, after);
    for (const member of [1, 2, 3]) {
      const instance = after.one(INSTANCE, `db-member-${member}`);
      assert.ok(change.changed[instance.urn]?.includes("userData"), `member ${member} changes`);
      const gate = after.one(ASSOCIATION, `db-member-${member}-gate`);
      assert.ok(change.changed[gate.urn]?.includes("parameters"), `gate ${member} has a new revision`);
      assert.deepEqual(
        gate.replaceOnChanges,
        ["parameters", "targets"],
        "a new revision replaces it: it runs and is waited for",
      );
    }
  });

  it("orders the members so the engine cannot change two at once: 2, then 3, then 1 (the primary)", () => {
    const instance = (m: number) => after.one(INSTANCE, `db-member-${m}`);
    const gate = (m: number) => after.one(ASSOCIATION, `db-member-${m}-gate`);
    assert.deepEqual(
      ROLLOUT_ORDER.map((i) => i + 1),
      [2, 3, 1],
    );
    // Each member waits for the previous member's gate, which waits for that member.
    assert.ok(waitsFor(after, instance(3)).has(gate(2).urn));
    assert.ok(waitsFor(after, instance(1)).has(gate(3).urn));
    assert.ok(waitsFor(after, gate(2)).has(instance(2).urn));
    for (const [a, b] of [
      [2, 3],
      [3, 1],
      [2, 1],
    ]) {
      assert.ok(waitsFor(after, instance(b)).has(instance(a).urn), `member ${b} waits for member ${a}`);
      assert.ok(
        !waitsFor(after, instance(a)).has(instance(b).urn),
        `member ${a} never waits for member ${b}`,
      );
    }
  });

  it("runs each gate on its own member, with the next member to step down and the last gate's duties", () => {
    const params = (m: number) =>
      after.one(ASSOCIATION, `db-member-${m}-gate`).inputs.parameters as Record<string, string>;
    const targets = (m: number) => after.one(ASSOCIATION, `db-member-${m}-gate`).inputs.targets;
    for (const m of [1, 2, 3]) {
      assert.deepEqual(targets(m), [
        { key: "InstanceIds", values: [after.one(INSTANCE, `db-member-${m}`).outputs.id] },
      ]);
    }
    const host = (m: number) => `mongo-${m}.db.toucan.internal`;
    assert.equal(params(2).selfHost, params(2).allHosts.split(" ")[1]);
    assert.deepEqual(
      [2, 3, 1].map((m) => [
        params(m).stepDownHost !== "",
        params(m).priorityHost !== "",
        params(m).featureCompatibilityVersion,
      ]),
      [
        [true, false, ""],
        [true, false, ""],
        [false, true, "8.0"],
      ],
    );
    assert.equal(params(2).stepDownHost, params(3).selfHost);
    assert.equal(params(3).stepDownHost, params(1).selfHost);
    assert.equal(params(1).priorityHost, params(1).selfHost);
    assert.ok(host(1).length > 0);
    const gate = after.one(ASSOCIATION, "db-member-2-gate");
    assert.equal(gate.inputs.waitForSuccessTimeoutSeconds, 2400);
    assert.equal(gate.inputs.maxConcurrency, "1");
    assert.equal(gate.inputs.maxErrors, "0");
  });

  it("an unchanged cluster re-runs no gate", async () => {
    const again = await cluster({ version: "8.0" });
    assert.deepEqual(compareRecordings(after, again), { created: [], deleted: [], changed: {}, moved: {} });
  });

  it("writes an SSM document whose parameters reach the script only through strict patterns", () => {
    const doc = JSON.parse(gateDocument()) as {
      schemaVersion: string;
      parameters: Record<string, { allowedPattern: string }>;
      mainSteps: { action: string; inputs: { runCommand: string[] } }[];
    };
    assert.equal(doc.schemaVersion, "2.2");
    assert.equal(doc.mainSteps[0].action, "aws:runShellScript");
    const sample = gateParameters(
      0,
      ["a.x", "b.x", "c.x"],
      "8.0",
      { maxLagSeconds: 10, timeoutSeconds: 60 },
      {
        region: "eu-west-1",
        adminSecretArn: "arn:aws:secretsmanager:eu-west-1:123456789012:secret:db-admin-password-AbC123",
        adminUser: "toucan-admin",
        revision: "0123abcd",
      },
    );
    for (const [name, value] of Object.entries(sample)) {
      assert.match(value, new RegExp(doc.parameters[name].allowedPattern), name);
    }
    assert.doesNotMatch("a.x; rm -rf /", new RegExp(doc.parameters.selfHost.allowedPattern));
    assert.ok(doc.mainSteps[0].inputs.runCommand.join("\n").includes(renderGateScript()));
  });
});

describe("A routine backend version bump (Toucan)", () => {
  it("changes the services and their task definitions, nothing of the data tier", async () => {
    const base: ToucanArgs = {
      version: "v100.5.1",
      frontendDomain: "toucan.example.com",
      backendDomain: "api-toucan.example.com",
      zoneId: "Z0123456789EXAMPLE",
    };
    const v1 = (await record(() => new Toucan("t", base), { region: "eu-west-1" })).recording;
    const v2 = (
      await record(() => new Toucan("t", { ...base, version: "v100.6.0" }), { region: "eu-west-1" })
    ).recording;
    const change = compareRecordings(v1, v2);
    assert.deepEqual(change.created, []);
    assert.deepEqual(change.deleted, []);
    for (const fragment of [
      "MongoCluster",
      "RedisCache",
      "SharedStorage",
      "aws:ebs/",
      "aws:efs/",
      "aws:ec2/instance",
    ]) {
      assertUntouched(change, fragment);
    }
    // The task definitions get new revisions (and their services roll to them: the recording keeps a
    // task definition's ARN across revisions, so the services show no change of their own here).
    const types = new Set(Object.keys(change.changed).map((u) => u.split("::")[2].split("$").pop()));
    assert.deepEqual([...types].sort(), [
      "aws:ecs/taskDefinition:TaskDefinition",
      "aws:ssm/association:Association",
    ]);
    // The association that changes is the pre-upgrade backup's (it runs again for the new version).
    const association = v2.one(ASSOCIATION, "t-pre-upgrade-backup");
    assert.deepEqual(change.changed[association.urn], ["parameters"]);
    assert.equal((association.inputs.parameters as Record<string, string>).version, "v100.6.0");
  });
});

// ---------------------------------------------------------------------------------------------------
// The gate script, run for real under bash against stub mongosh and aws commands.

const HOSTS = ["mongo-1.db.toucan.internal", "mongo-2.db.toucan.internal", "mongo-3.db.toucan.internal"];

/** A stub `mongosh`: answers from files per host ($STUB/<host>.<query>), logs every call to $STUB/calls. */
const STUB_MONGOSH = `#!/bin/bash
set -euo pipefail
uri=""; js=""
while (($#)); do
  case "$1" in
    mongodb://*) uri=$1 ;;
    --eval) shift; js=$1 ;;
  esac
  shift
done
host=\${uri#mongodb://}; host=\${host%%:*}
[[ $host == 127.0.0.1 ]] && host=$(cat "$STUB/self")
answer() { # the current line of a file of answers: one per call, the last one repeats
  local file="$STUB/$host.$1" n
  [[ -f $file ]] || return 1
  n=$(cat "$file.n" 2>/dev/null || echo 0)
  echo $((n + 1)) >"$file.n"
  sed -n "$((n + 1))p" "$file" | grep . || tail -n 1 "$file"
}
case "$js" in
  *replSetStepDown*) echo "$host stepdown" >>"$STUB/calls"; [[ -f $STUB/after-stepdown ]] && bash "$STUB/after-stepdown"; exit 0 ;;
  *rs.reconfig*) echo "$host reconfig" >>"$STUB/calls" ;;
  *setFeatureCompatibilityVersion*) echo "$host fcv $js" >>"$STUB/calls" ;;
  *isWritablePrimary*) [[ -f $STUB/$host.down ]] && exit 1; answer state ;;
  *"db.hello().primary"*) answer primary || echo "" ;;
  *lastWriteDate*) answer lastwrite ;;
  *"db.version()"*) answer version ;;
  *) echo "unexpected query: $js" >&2; exit 3 ;;
esac
`;

const STUB_AWS = `#!/bin/bash
echo "admin-password"
`;

interface Setup {
  self: number;
  files: Record<string, string>;
  afterStepDown?: string;
}

function runGate(
  setup: Setup,
  params: { stepDown?: number; priority?: number; fcv?: string; timeout?: number },
) {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "gate-"));
  const bin = path.join(dir, "bin");
  const stub = path.join(dir, "stub");
  fs.mkdirSync(bin);
  fs.mkdirSync(stub);
  fs.writeFileSync(path.join(bin, "mongosh"), STUB_MONGOSH, { mode: 0o755 });
  fs.writeFileSync(path.join(bin, "aws"), STUB_AWS, { mode: 0o755 });
  fs.writeFileSync(path.join(bin, "sleep"), "#!/bin/bash\n", { mode: 0o755 });
  fs.writeFileSync(path.join(stub, "self"), HOSTS[setup.self - 1]);
  for (const [name, content] of Object.entries(setup.files)) fs.writeFileSync(path.join(stub, name), content);
  if (setup.afterStepDown) fs.writeFileSync(path.join(stub, "after-stepdown"), setup.afterStepDown);
  const script = path.join(dir, "gate.sh");
  fs.writeFileSync(script, renderGateScript(), { mode: 0o755 });
  const host = (m?: number) => (m ? HOSTS[m - 1] : "");
  const run = spawnSync(
    "bash",
    [
      script,
      HOSTS[setup.self - 1],
      host(params.stepDown),
      host(params.priority),
      params.fcv ?? "",
      HOSTS.join(" "),
      "10",
      String(params.timeout ?? 1),
      "eu-west-1",
      "arn:aws:secretsmanager:eu-west-1:123456789012:secret:db-admin-password-AbC123",
      "toucan-admin",
    ],
    {
      encoding: "utf8",
      env: { ...process.env, PATH: `${bin}:${process.env.PATH}`, STUB: stub, TOUCAN_GATE_POLL_SECONDS: "0" },
      timeout: 30_000,
    },
  );
  const calls = fs.existsSync(path.join(stub, "calls"))
    ? fs.readFileSync(path.join(stub, "calls"), "utf8")
    : "";
  return { status: run.status, stdout: run.stdout, stderr: run.stderr, calls, stub };
}

/** A healthy set: member 1 primary, 2 and 3 caught-up secondaries. */
function healthy(): Record<string, string> {
  const files: Record<string, string> = {};
  HOSTS.forEach((h, i) => {
    files[`${h}.state`] = i === 0 ? "PRIMARY" : "SECONDARY";
    files[`${h}.primary`] = `${HOSTS[0]}:27017`;
    files[`${h}.lastwrite`] = "1000";
    files[`${h}.version`] = "8.0.4";
  });
  return files;
}

describe("The rollout gate script (bash, stub mongosh)", function () {
  this.timeout(30_000);

  it("passes shellcheck", () => {
    const file = path.join(fs.mkdtempSync(path.join(os.tmpdir(), "gate-")), "gate.sh");
    fs.writeFileSync(file, renderGateScript());
    execFileSync("shellcheck", ["-s", "bash", file], { encoding: "utf8", stdio: "pipe" });
  });

  it("lets a new cluster through: no replica set yet", () => {
    const r = runGate({ self: 2, files: { [`${HOSTS[1]}.state`]: "NONE" } }, { stepDown: 3 });
    assert.equal(r.status, 0, r.stderr);
    assert.match(r.stdout, /no replica set yet \(a new cluster\), nothing to wait for/);
  });

  it("waits while the member catches up, then passes", () => {
    const files = healthy();
    files[`${HOSTS[1]}.state`] = "DOWN\nOTHER\nSECONDARY";
    files[`${HOSTS[1]}.lastwrite`] = "400\n800\n995";
    const r = runGate({ self: 2, files: { ...files, [`${HOSTS[1]}.down`]: "" } }, {});
    // A member whose mongod never answers fails: here it is down for good.
    assert.equal(r.status, 1);
    assert.match(r.stderr, /member mongo-2.db.toucan.internal: mongod does not answer after 1s/);
    const ok = runGate({ self: 2, files }, { timeout: 5 });
    assert.equal(ok.status, 0, ok.stderr);
    assert.match(ok.stdout, /member mongo-2.db.toucan.internal is SECONDARY, 5s behind the primary/);
  });

  it("stops the rollout when the member never catches up, saying which member, its state and how to resume", () => {
    const files = healthy();
    files[`${HOSTS[1]}.state`] = "SECONDARY";
    files[`${HOSTS[1]}.lastwrite`] = "100";
    const r = runGate({ self: 2, files }, { stepDown: 3 });
    assert.equal(r.status, 1);
    assert.match(
      r.stderr,
      /member mongo-2.db.toucan.internal is SECONDARY, 900s behind the primary mongo-1.db.toucan.internal:27017 after 1s: the rollout stops here.*run pulumi up again to resume/,
    );
    assert.doesNotMatch(r.calls, /stepdown/, "nothing else is touched");
  });

  it("steps the next member down when it is the primary, and waits for a new primary", () => {
    const files = healthy();
    const r = runGate(
      {
        self: 3,
        files,
        afterStepDown: `for h in ${HOSTS.join(" ")}; do echo "${HOSTS[1]}:27017" >"$STUB/$h.primary"; rm -f "$STUB/$h.primary.n"; done
echo SECONDARY >"$STUB/${HOSTS[0]}.state"; rm -f "$STUB/${HOSTS[0]}.state.n"`,
      },
      { stepDown: 1 },
    );
    assert.equal(r.status, 0, r.stderr);
    assert.match(r.calls, /^mongo-1.db.toucan.internal stepdown$/m);
    assert.match(r.stdout, /mongo-2.db.toucan.internal:27017 is the primary now/);
  });

  it("stops before the primary's turn when the primary will not step down", () => {
    const r = runGate({ self: 3, files: healthy() }, { stepDown: 1 });
    assert.equal(r.status, 1);
    assert.match(r.calls, /stepdown/);
    assert.match(
      r.stderr,
      /the primary mongo-1.db.toucan.internal will not step down \(no other member elected after 1s\): the rollout stops before changing it/,
    );
  });

  it("leaves a secondary that is not the primary alone", () => {
    const r = runGate({ self: 2, files: healthy() }, { stepDown: 3 });
    assert.equal(r.status, 0, r.stderr);
    assert.doesNotMatch(r.calls, /stepdown/);
  });

  it("after the last member, sets its priority and raises the feature compatibility version once all run the series", () => {
    const r = runGate({ self: 1, files: healthy() }, { priority: 1, fcv: "8.0" });
    assert.equal(r.status, 0, r.stderr);
    assert.match(r.calls, /mongo-1.db.toucan.internal reconfig/);
    assert.match(
      r.calls,
      /mongo-1.db.toucan.internal fcv .*setFeatureCompatibilityVersion: '8.0', confirm: true/s,
    );
  });

  it("keeps the feature compatibility version while a member still runs the old series", () => {
    const files = healthy();
    files[`${HOSTS[2]}.version`] = "7.0.14";
    const r = runGate({ self: 1, files }, { priority: 1, fcv: "8.0" });
    assert.equal(r.status, 1);
    assert.match(r.stderr, /member mongo-3.db.toucan.internal runs MongoDB 7.0.14, not 8.0/);
    assert.doesNotMatch(r.calls, /fcv/);
  });
});

describe("The backup before a backend version change", function () {
  this.timeout(30_000);
  const base: ToucanArgs = {
    version: "v100.5.1",
    frontendDomain: "toucan.example.com",
    backendDomain: "api-toucan.example.com",
    zoneId: "Z0123456789EXAMPLE",
  };

  it("runs on the second Mongo member, backs up its data volume into the stack's vault, and the backend waits", async () => {
    const { recording } = await record(() => new Toucan("t", base), { region: "eu-west-1" });
    const association = recording.one(ASSOCIATION, "t-pre-upgrade-backup");
    const params = association.inputs.parameters as Record<string, string>;
    const member2 = recording.one(INSTANCE, "t-mongo-member-2");
    assert.deepEqual(association.inputs.targets, [{ key: "InstanceIds", values: [member2.outputs.id] }]);
    assert.equal(params.version, "v100.5.1");
    assert.equal(
      params.resourceArns,
      recording.one("aws:ebs/volume:Volume", "t-mongo-member-2-data").outputs.arn,
    );
    assert.equal(params.vaultName, recording.one("aws:backup/vault:Vault").outputs.name);
    assert.equal(association.inputs.waitForSuccessTimeoutSeconds, 4 * 3600);
    assert.deepEqual(association.replaceOnChanges, ["parameters", "targets"]);
    const service = recording.one("aws:ecs/service:Service", "t-backend-service");
    assert.ok(service.dependencies.includes(association.urn), "the backend service waits for the backup");
    const frontend = recording.one("aws:ecs/service:Service", "t-frontend-service");
    assert.ok(!frontend.dependencies.includes(association.urn));
    const grant = recording.one("aws:iam/rolePolicy:RolePolicy", "t-pre-upgrade-backup");
    const policy = JSON.parse(grant.inputs.policy as string) as {
      Statement: { Action: string; Resource: string }[];
    };
    assert.deepEqual(
      policy.Statement.map((st) => [st.Action, st.Resource]),
      [
        ["backup:StartBackupJob", recording.one("aws:backup/vault:Vault").outputs.arn],
        ["backup:DescribeBackupJob", "*"],
        ["iam:PassRole", params.roleArn],
      ],
    );
  });

  it("adds the file system with { storage: true }, and is left out with false", async () => {
    const withStorage = (
      await record(() => new Toucan("t", { ...base, preUpgradeBackup: { storage: true } }), {
        region: "eu-west-1",
      })
    ).recording;
    const arns = (
      withStorage.one(ASSOCIATION, "t-pre-upgrade-backup").inputs.parameters as Record<string, string>
    ).resourceArns.split(" ");
    assert.equal(arns.length, 2);
    assert.equal(arns[1], withStorage.one("aws:efs/fileSystem:FileSystem").outputs.arn);
    const off = (
      await record(() => new Toucan("t", { ...base, preUpgradeBackup: false }), { region: "eu-west-1" })
    ).recording;
    assert.equal(off.byType(ASSOCIATION).filter((a) => a.name === "t-pre-upgrade-backup").length, 0);
  });

  /** Runs the script with a stub `aws` whose backup jobs end in the given states. */
  function runBackup(states: string[]) {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), "backup-"));
    fs.mkdirSync(path.join(dir, "bin"));
    fs.writeFileSync(
      path.join(dir, "bin", "aws"),
      `#!/bin/bash
echo "$*" >>"${dir}/calls"
case "$*" in
  *start-backup-job*) echo "job-$(wc -l <"${dir}/calls")" ;;
  *StatusMessage*) echo "Insufficient privileges to perform this action" ;;
  *describe-backup-job*)
    n=$(cat "${dir}/n" 2>/dev/null || echo 0); echo $((n + 1)) >"${dir}/n"
    states=(${states.join(" ")}); i=$((n < \${#states[@]} ? n : \${#states[@]} - 1)); echo "\${states[$i]}" ;;
esac
`,
      { mode: 0o755 },
    );
    const script = path.join(dir, "backup.sh");
    fs.writeFileSync(script, renderPreUpgradeBackupScript());
    const run = spawnSync(
      "bash",
      [
        script,
        "eu-west-1",
        "t-backups-vault",
        "arn:aws:iam::123456789012:role/t-backups",
        "v100.6.0",
        "arn:aws:ec2:eu-west-1:123456789012:volume/vol-0123456789abcdef0",
      ],
      {
        encoding: "utf8",
        env: {
          ...process.env,
          PATH: `${path.join(dir, "bin")}:${process.env.PATH}`,
          TOUCAN_BACKUP_POLL_SECONDS: "0",
        },
      },
    );
    return { ...run, calls: fs.readFileSync(path.join(dir, "calls"), "utf8") };
  }

  it("passes shellcheck", () => {
    const file = path.join(fs.mkdtempSync(path.join(os.tmpdir(), "backup-")), "backup.sh");
    fs.writeFileSync(file, renderPreUpgradeBackupScript());
    execFileSync("shellcheck", ["-s", "bash", file], { encoding: "utf8", stdio: "pipe" });
  });

  it("starts a job into the vault with the backup role and waits until it completed", () => {
    const run = runBackup(["CREATED", "RUNNING", "RUNNING", "COMPLETED"]);
    assert.equal(run.status, 0, run.stderr);
    assert.match(
      run.calls,
      /backup start-backup-job --region eu-west-1 --backup-vault-name t-backups-vault --resource-arn arn:aws:ec2:eu-west-1:123456789012:volume\/vol-0123456789abcdef0 --iam-role-arn arn:aws:iam::123456789012:role\/t-backups/,
    );
    assert.equal(run.calls.match(/describe-backup-job/g)?.length, 4);
    assert.match(run.stdout, /1 backup\(s\) completed in \d+ s: the backend can move to v100.6.0/);
  });

  it("fails pulumi up when a job fails, saying why and how to go on", () => {
    const run = runBackup(["RUNNING", "FAILED"]);
    assert.equal(run.status, 1);
    assert.match(
      run.stderr,
      /backup job job-1 ended FAILED \(Insufficient privileges to perform this action\): the backend stays on its version.*preUpgradeBackup to false/,
    );
  });
});

describe("Changing the Mongo members' architecture (t4g to m7i)", () => {
  it("builds new instances from the x86_64 AMI, one member at a time, and keeps the data volumes", async () => {
    const arm = await cluster({ instanceType: "t4g.medium" });
    const x86 = await cluster({ instanceType: "m7i.large" });
    const change = compareRecordings(arm, x86);
    assertUntouched(change, "aws:ebs/volume:Volume");
    for (const m of [1, 2, 3]) {
      const instance = x86.one(INSTANCE, `db-member-${m}-x86_64`);
      assert.equal(instance.inputs.instanceType, "m7i.large");
      assert.ok(change.created.includes(instance.urn));
      assert.ok(change.deleted.includes(arm.one(INSTANCE, `db-member-${m}`).urn));
    }
    const amiLookups = x86.invokes.filter((i) => i.token === "aws:ssm/getParameter:getParameter");
    assert.deepEqual(
      amiLookups.map((i) => i.inputs.name),
      ["/aws/service/ami-amazon-linux-latest/al2023-ami-kernel-default-x86_64"],
    );
    const ami = x86.one(INSTANCE, "db-member-1-x86_64").inputs.ami;
    assert.notEqual(ami, arm.one(INSTANCE, "db-member-1").inputs.ami);
    // Still one member at a time: member 1's new instance waits for member 3's gate.
    assert.ok(
      waitsFor(x86, x86.one(INSTANCE, "db-member-1-x86_64")).has(
        x86.one(ASSOCIATION, "db-member-3-gate").urn,
      ),
    );
  });
});
