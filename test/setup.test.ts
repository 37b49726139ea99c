import { strict as assert } from "assert";
import { spawnSync } from "child_process";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";

const ROOT = path.resolve(__dirname, "..");
const SCRIPT = path.join(ROOT, "tools", "ensure-tools.sh");
const PACKAGES = ["caddy", "docker-registry", "umoci", "skopeo", "shellcheck", "openssl"];

/** A PATH of stubs: `id` (and whichever tools are given) only; bash is run by its absolute path. */
function stubPath(tools: string[]): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "toucan-tools-"));
  for (const tool of tools) fs.writeFileSync(path.join(dir, tool), "#!/bin/sh\nexit 0\n", { mode: 0o755 });
  fs.symlinkSync(
    spawnSync("sh", ["-c", "command -v id"], { encoding: "utf8" }).stdout.trim(),
    path.join(dir, "id"),
  );
  return dir;
}

function ensureTools(tools: string[]) {
  const dir = stubPath(tools);
  try {
    return spawnSync("/bin/bash", [SCRIPT], { env: { PATH: dir }, encoding: "utf8" });
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
}

describe("set-up: the README's test command installs what the tests need", () => {
  it("npm test checks the tools first (pretest), and .ci/run runs the pack-install test and counts it", () => {
    const manifest = JSON.parse(fs.readFileSync(path.join(ROOT, "package.json"), "utf8")) as {
      scripts: Record<string, string>;
    };
    assert.equal(manifest.scripts.pretest, "bash tools/ensure-tools.sh");
    const ci = fs.readFileSync(path.join(ROOT, ".ci", "run"), "utf8");
    assert.match(ci, /^bash tools\/ensure-tools\.sh$/m);
    assert.match(ci, /^npm ci --engine-strict/m);
    assert.match(ci, /^npm run test:pack 2>&1 \| tee -a "\$log"$/m, "the pack test's results are counted");
  });

  it("with every tool on PATH: nothing to do", () => {
    const result = ensureTools(PACKAGES);
    assert.equal(result.status, 0, result.stderr);
    assert.equal(result.stderr, "");
  });

  it("without apt-get: stops at once and names the packages to install", () => {
    const result = ensureTools(["caddy", "umoci", "openssl"]);
    assert.equal(result.status, 1);
    assert.match(result.stderr, /the tests need docker-registry skopeo shellcheck, which this machine lacks/);
    assert.match(result.stderr, /sudo apt-get install docker-registry skopeo shellcheck/);
  });
});
