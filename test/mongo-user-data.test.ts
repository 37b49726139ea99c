/**
 * The Mongo member bootstrap, run for real under bash (sourced: its functions) against stub `dnf`, `aws`
 * and `sleep` commands: every network step keeps trying, backing off, for at least 15 minutes.
 */
import { strict as assert } from "assert";
import { spawnSync } from "child_process";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { MongoMemberBootstrap, renderMongoUserData } from "../components/aws/mongo-user-data";

const MEMBER: MongoMemberBootstrap = {
  memberIndex: 1,
  memberHosts: ["mongo-1.db.toucan.internal", "mongo-2.db.toucan.internal", "mongo-3.db.toucan.internal"],
  replicaSetName: "rs0",
  mongoVersion: "8.0.17",
  installPackages: true,
  region: "eu-west-1",
  dataVolumeId: "vol-0123456789abcdef0",
  secretArns: {
    keyFile: "arn:aws:secretsmanager:eu-west-1:123456789012:secret:db-keyfile-AbC123",
    caCertificate: "arn:aws:secretsmanager:eu-west-1:123456789012:secret:db-ca-AbC123",
    memberCertificate: "arn:aws:secretsmanager:eu-west-1:123456789012:secret:db-member-1-AbC123",
  },
};

/** A command that fails (as without a route: a timeout) its first $FAILS calls, then succeeds. */
function flaky(name: string, success: string): string {
  return `#!/bin/bash
n=$(cat "$STUB/${name}.n" 2>/dev/null || echo 0)
n=$((n + 1))
echo "$n" >"$STUB/${name}.n"
echo "${name} $*" >>"$STUB/calls"
if ((n <= \${${name.toUpperCase()}_FAILS:-0})); then
  echo "${name}: Connect timeout on endpoint URL (no route)" >&2
  exit 255
fi
${success}
`;
}

/** Runs `commands` in bash with the member's script sourced, stubs first on PATH. */
function runSourced(commands: string, env: Record<string, string> = {}) {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "mongo-user-data-"));
  try {
    const bin = path.join(dir, "bin");
    const stub = path.join(dir, "stub");
    fs.mkdirSync(bin);
    fs.mkdirSync(stub);
    fs.writeFileSync(path.join(bin, "dnf"), flaky("dnf", "exit 0"), { mode: 0o755 });
    fs.writeFileSync(path.join(bin, "aws"), flaky("aws", 'echo "secret-of-$6"'), { mode: 0o755 });
    fs.writeFileSync(path.join(bin, "sleep"), '#!/bin/bash\necho "$1" >>"$STUB/sleeps"\n', { mode: 0o755 });
    fs.writeFileSync(path.join(bin, "chown"), "#!/bin/bash\n", { mode: 0o755 });
    const script = path.join(dir, "member.sh");
    fs.writeFileSync(script, renderMongoUserData(MEMBER), { mode: 0o755 });
    const run = spawnSync(
      "bash",
      [
        "-c",
        `source "${script}"; YUM_REPOS_DIR="${dir}"; DNF_CONF="${dir}/dnf.conf"; touch "$DNF_CONF"; ${commands}`,
      ],
      {
        encoding: "utf8",
        env: { ...process.env, PATH: `${bin}:${process.env.PATH}`, STUB: stub, ...env },
        timeout: 20_000,
      },
    );
    const read = (file: string) =>
      fs.existsSync(path.join(stub, file)) ? fs.readFileSync(path.join(stub, file), "utf8") : "";
    const sleeps = read("sleeps")
      .split("\n")
      .filter((l) => l !== "")
      .map(Number);
    const output = fs.existsSync(path.join(dir, "out")) ? fs.readFileSync(path.join(dir, "out"), "utf8") : "";
    return { status: run.status, stderr: run.stderr, calls: read("calls"), sleeps, output, dir };
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
}

const FIFTEEN_MINUTES = 15 * 60;

describe("Mongo member bootstrap network steps (bash, stub dnf and aws)", function () {
  this.timeout(30_000);

  it("GIVEN dnf failing 4 times (no route yet) THEN it backs off 5, 10, 20, 40 s and installs, logging each failure", () => {
    const run = runSourced("install_mongodb", { DNF_FAILS: "4" });
    assert.equal(run.status, 0, run.stderr);
    assert.equal(run.calls.match(/^dnf install -y mongodb-org-server-8\.0\.17 /gm)?.length, 5);
    assert.deepEqual(run.sleeps, [5, 10, 20, 40]);
    assert.match(
      run.stderr,
      /dnf install mongodb-org-server-8\.0\.17 failed \(attempt 1, exit status 255\): retrying in 5s/,
    );
    assert.match(run.stderr, /failed \(attempt 4, exit status 255\): retrying in 40s/);
  });

  it("GIVEN dnf never succeeding THEN it tries for at least 15 minutes, then gives up saying why", () => {
    const run = runSourced("install_mongodb", { DNF_FAILS: "1000" });
    assert.notEqual(run.status, 0);
    const waited = run.sleeps.reduce((a, b) => a + b, 0);
    assert.ok(waited >= FIFTEEN_MINUTES, `gave up after ${waited} s`);
    assert.ok(Math.max(...run.sleeps) <= 60, "backs off to at most a minute");
    assert.match(
      run.stderr,
      /ERROR: dnf install mongodb-org-server-8\.0\.17 failed \d+ times in \d+s .*giving up/,
    );
    assert.match(run.stderr, /ERROR: cannot install mongodb-org-server-8\.0\.17/);
  });

  it("GIVEN Secrets Manager unreachable for a while THEN the secret is read once it answers", () => {
    const out = "$STUB/../out";
    const run = runSourced(`write_secret "$KEYFILE_SECRET" "${out}"`, { AWS_FAILS: "6" });
    assert.equal(run.status, 0, run.stderr);
    assert.deepEqual(run.sleeps, [5, 10, 20, 40, 60, 60]);
    assert.equal(
      run.output,
      "secret-of-arn:aws:secretsmanager:eu-west-1:123456789012:secret:db-keyfile-AbC123\n",
    );
    assert.match(
      run.calls,
      /^aws secretsmanager get-secret-value --region eu-west-1 --secret-id arn:aws:secretsmanager:eu-west-1:123456789012:secret:db-keyfile-AbC123 /m,
    );
    assert.match(
      run.stderr,
      /reading the secret arn:aws:secretsmanager:eu-west-1:123456789012:secret:db-keyfile-AbC123 failed \(attempt 6/,
    );
  });

  it("GIVEN Secrets Manager never answering THEN it tries for at least 15 minutes, then gives up saying why", () => {
    const run = runSourced(`write_secret "$CA_SECRET" "$STUB/../ca.pem"`, { AWS_FAILS: "1000" });
    assert.notEqual(run.status, 0);
    assert.ok(run.sleeps.reduce((a, b) => a + b, 0) >= FIFTEEN_MINUTES);
    assert.match(run.stderr, /ERROR: reading the secret .*db-ca-AbC123 failed \d+ times .*giving up/);
    assert.match(run.stderr, /ERROR: cannot read the secret .*db-ca-AbC123/);
  });
});
