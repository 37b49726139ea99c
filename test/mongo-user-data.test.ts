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
function runSourced(
  commands: string,
  env: Record<string, string> = {},
  member: MongoMemberBootstrap = MEMBER,
  stubs: Record<string, string> = {},
) {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "mongo-user-data-"));
  try {
    const bin = path.join(dir, "bin");
    const stub = path.join(dir, "stub");
    fs.mkdirSync(bin);
    fs.mkdirSync(stub);
    fs.writeFileSync(path.join(bin, "dnf"), flaky("dnf", "exit 0"), { mode: 0o755 });
    // `aws s3 cp ... SOURCE DIR` leaves $AWS_S3_FILES in DIR; other calls print a secret.
    const awsSuccess =
      'if [[ $1 == s3 ]]; then for f in ${AWS_S3_FILES:-}; do touch "${!#}/$f"; done; else echo "secret-of-$6"; fi';
    fs.writeFileSync(path.join(bin, "aws"), flaky("aws", awsSuccess), { mode: 0o755 });
    fs.writeFileSync(path.join(bin, "uname"), '#!/bin/bash\necho "${UNAME_M:-x86_64}"\n', { mode: 0o755 });
    fs.writeFileSync(path.join(bin, "sleep"), '#!/bin/bash\necho "$1" >>"$STUB/sleeps"\n', { mode: 0o755 });
    fs.writeFileSync(path.join(bin, "chown"), "#!/bin/bash\n", { mode: 0o755 });
    for (const [name, body] of Object.entries(stubs))
      fs.writeFileSync(path.join(bin, name), body, { mode: 0o755 });
    const script = path.join(dir, "member.sh");
    fs.writeFileSync(script, renderMongoUserData(member), { mode: 0o755 });
    const run = spawnSync(
      "bash",
      [
        "-c",
        `SCRIPT="${script}"; source "$SCRIPT"; YUM_REPOS_DIR="${dir}"; DNF_CONF="${dir}/dnf.conf"; RPM_DIR="${dir}/rpms"; touch "$DNF_CONF"; ${commands}`,
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
    const dnfConf = fs.readFileSync(path.join(dir, "dnf.conf"), "utf8");
    const repos = fs.readdirSync(dir).filter((f) => f.endsWith(".repo"));
    return {
      status: run.status,
      stderr: run.stderr,
      calls: read("calls"),
      sleeps,
      output,
      dir,
      dnfConf,
      repos,
    };
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

describe("Mongo member bootstrap with MongoDB's RPMs in a private bucket (bash, stub aws and dnf)", function () {
  this.timeout(30_000);
  const FROM_BUCKET: MongoMemberBootstrap = {
    ...MEMBER,
    installPackages: false,
    packagesS3: "s3://acme-mirror/mongodb",
  };
  const RPMS = [
    "mongodb-org-server-8.0.17-1.amzn2023.aarch64.rpm",
    "mongodb-mongosh-shared-openssl3-2.5.9.aarch64.rpm",
    "mongodb-database-tools-100.13.0.aarch64.rpm",
  ];

  it("GIVEN the bucket's RPMs THEN it copies <prefix>/<version>/<arch>/ and installs exactly them, no MongoDB repository", () => {
    const run = runSourced(
      "install_mongodb",
      { AWS_S3_FILES: RPMS.join(" "), UNAME_M: "aarch64" },
      FROM_BUCKET,
    );
    assert.equal(run.status, 0, run.stderr);
    const calls = run.calls.trim().split("\n");
    assert.equal(calls.length, 2, run.calls);
    assert.equal(
      calls[0],
      `aws s3 cp --recursive --only-show-errors --region eu-west-1 --exclude * --include *.rpm s3://acme-mirror/mongodb/8.0.17/aarch64/ ${run.dir}/rpms`,
    );
    const installed = calls[1].split(" ");
    assert.deepEqual(installed.slice(0, 3), ["dnf", "install", "-y"]);
    assert.deepEqual(installed.slice(3).sort(), RPMS.map((f) => `${run.dir}/rpms/${f}`).sort());
    assert.deepEqual(run.repos, [], "no repository file: nothing from repo.mongodb.org");
    assert.match(run.dnfConf, /^exclude=mongodb-org\*$/m);
  });

  it("GIVEN S3 unreachable for a while THEN it retries the copy with backoff", () => {
    const run = runSourced(
      "install_mongodb",
      { AWS_S3_FILES: RPMS.join(" "), AWS_FAILS: "3", UNAME_M: "x86_64" },
      FROM_BUCKET,
    );
    assert.equal(run.status, 0, run.stderr);
    assert.deepEqual(run.sleeps, [5, 10, 20]);
    assert.match(run.stderr, /copying s3:\/\/acme-mirror\/mongodb\/8\.0\.17\/x86_64\/ failed \(attempt 3/);
  });

  it("GIVEN an empty prefix THEN it stops, naming the location and what to copy there", () => {
    const run = runSourced("install_mongodb", { UNAME_M: "x86_64" }, FROM_BUCKET);
    assert.notEqual(run.status, 0);
    assert.match(
      run.stderr,
      /ERROR: no \*\.rpm under s3:\/\/acme-mirror\/mongodb\/8\.0\.17\/x86_64\/: copy mongodb-org-server, mongodb-mongosh-shared-openssl3 and mongodb-database-tools there/,
    );
    assert.doesNotMatch(run.calls, /^dnf /m);
  });

  it("refuses a packages location that is not s3://bucket[/prefix]", () => {
    assert.throws(
      () => renderMongoUserData({ ...FROM_BUCKET, packagesS3: "https://acme-mirror.s3.amazonaws.com/x" }),
      /bad packages location/,
    );
  });
});

/** The data volume: mounted or not, a file system of $STUB/fs-size bytes on a volume of $STUB/volume-size. */
const VOLUME_STUBS = {
  mountpoint: "#!/bin/bash\n[[ -f $STUB/mounted && ${@: -1} == /var/lib/mongo ]]\n",
  df: '#!/bin/bash\necho "     1B-blocks"\ncat "$STUB/fs-size"\n',
  xfs_growfs: '#!/bin/bash\necho "xfs_growfs $*" >>"$STUB/calls"\ncp "$STUB/volume-size" "$STUB/fs-size"\n',
};

describe("Mongo data volume growth (bash, stub xfs_growfs)", function () {
  this.timeout(20_000);
  const GIB = 1024 ** 3;

  function grow(setup: { mounted: boolean; fsBytes: number; volumeBytes: number }) {
    const prepare = [
      setup.mounted ? 'touch "$STUB/mounted"' : "",
      `echo ${setup.fsBytes} >"$STUB/fs-size"`,
      `echo ${setup.volumeBytes} >"$STUB/volume-size"`,
    ]
      .filter((c) => c !== "")
      .join("; ");
    // As the timer runs it: the installed script with the `grow` argument.
    return runSourced(`${prepare}; bash "$SCRIPT" grow`, {}, MEMBER, VOLUME_STUBS);
  }

  it("GIVEN mongoVolumeSizeGiB raised from 100 to 200 (EBS grew the volume) THEN the mounted XFS grows online to it", () => {
    const run = grow({ mounted: true, fsBytes: 100 * GIB, volumeBytes: 200 * GIB });
    assert.equal(run.status, 0, run.stderr);
    assert.equal(run.calls, "xfs_growfs -d /var/lib/mongo\n");
    assert.match(
      run.stderr,
      new RegExp(`grew the file system of /var/lib/mongo from ${100 * GIB} to ${200 * GIB} bytes`),
    );
  });

  it("GIVEN the same size THEN nothing is logged", () => {
    const run = grow({ mounted: true, fsBytes: 100 * GIB, volumeBytes: 100 * GIB });
    assert.equal(run.status, 0, run.stderr);
    assert.doesNotMatch(run.stderr, /grew/);
  });

  it("GIVEN the volume not mounted (mongod not prepared yet) THEN it touches nothing", () => {
    const run = grow({ mounted: false, fsBytes: 100 * GIB, volumeBytes: 200 * GIB });
    assert.equal(run.status, 0, run.stderr);
    assert.equal(run.calls, "");
  });

  it("THEN a systemd timer runs it every 5 minutes, and every start of mongod grows it first", () => {
    const script = renderMongoUserData(MEMBER);
    const unit = (file: string) => {
      const start = script.indexOf(`cat >/etc/systemd/system/${file} <<EOF\n`);
      assert.ok(start >= 0, `${file} is not written`);
      const body = script.slice(script.indexOf("\n", start) + 1);
      return body.slice(0, body.indexOf("\nEOF\n"));
    };
    assert.match(unit("toucan-mongo-grow.service"), /^Type=oneshot$/m);
    assert.match(unit("toucan-mongo-grow.service"), /^ExecStart=\$SELF grow$/m);
    assert.match(unit("toucan-mongo-grow.timer"), /^OnUnitActiveSec=5min$/m);
    assert.match(unit("toucan-mongo-grow.timer"), /^WantedBy=timers.target$/m);
    assert.match(script, /^ {2}systemctl enable --now toucan-mongo-grow.timer$/m);
    assert.match(script, /^prepare\(\) \{\n {2}mount_data_volume\n {2}grow_data_volume\n/m);
  });
});
