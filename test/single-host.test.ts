import { strict as assert } from "assert";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import * as vm from "vm";
import { ToucanArgumentError } from "../components/core/errors";
import { renderCaddyfile } from "../components/docker/caddyfile";
import {
  SINGLE_HOST_DEFAULT_IMAGES,
  SINGLE_HOST_FILES,
  SingleHost,
  SingleHostArgs,
  renderSingleHostMongoInit,
  renderSingleHostRedisConfig,
} from "../components/docker/single-host";
import { planProgram } from "../components/planner/plan-runner";
import {
  Recording,
  RecordedResource,
  isSecretOutput,
  record,
  recordFailure,
  valueOf,
} from "../components/planner/recorder";
import { Secret, redact, reveal } from "../components/planner/values";
import { CaddySandbox } from "./support/caddy";

const CONTAINER = "docker:index/container:Container";
const VOLUME = "docker:index/volume:Volume";
const NETWORK = "docker:index/network:Network";
const IMAGE = "docker:index/remoteImage:RemoteImage";
const PASSWORD = "random:index/randomPassword:RandomPassword";
const PROVIDER = "pulumi:providers:docker";

const CERTIFICATE_PEM = "-----BEGIN CERTIFICATE-----\nMIIBfake\n-----END CERTIFICATE-----\n";
const KEY_PEM = "-----BEGIN PRIVATE KEY-----\nMIGHfakekey\n-----END PRIVATE KEY-----\n";
const TWO_NAMES: SingleHostArgs = {
  version: "v100.5.1",
  frontendDomain: "toucan.localhost",
  backendDomain: "api-toucan.localhost",
};
const SAME_DOMAIN: SingleHostArgs = { version: "v100.5.1", frontendDomain: "toucan.localhost" };
/** A remote engine and a Redis password: the variant with the most secrets. */
const REMOTE: SingleHostArgs = {
  ...TWO_NAMES,
  redisPassword: true,
  host: "ssh://deploy@toucan-vm.internal",
  registryAuth: [{ address: "quay.io", username: "toucan+robot", password: "quay-s3cret" }],
};
/** A throwaway laptop stack: other host ports, nothing protected. */
const THROWAWAY: SingleHostArgs = { ...TWO_NAMES, httpPort: 8080, httpsPort: 8443, protect: false };
/** A public VM reached over TCP + TLS, with certificates from ACME. */
const PUBLIC_VM: SingleHostArgs = {
  version: "v100.5.1",
  frontendDomain: "toucan.example.com",
  tls: { mode: "acme", email: "ops@example.com" },
  host: {
    url: "tcp://toucan-vm.example.com:2376",
    tls: { caPem: "-----BEGIN CERTIFICATE-----ca", certPem: "-----BEGIN CERTIFICATE-----c", keyPem: KEY_PEM },
  },
};
/** The floating tag, opted into, and an explicit worker count. */
const FLOATING: SingleHostArgs = {
  ...TWO_NAMES,
  version: "latest-monthly",
  allowFloatingVersion: true,
  backend: { cpus: 4, gunicornWorkers: 7 },
};
/** A backend with every environment setting. */
const TUNED: SingleHostArgs = {
  ...TWO_NAMES,
  backend: {
    cpus: 4,
    extraConnectors: ["azure_mssql", "oracle"],
    oldAugmentWhitelist: ["small_app_1"],
    redisVariables: { url: "REDIS_URL" },
  },
  transform: { backend: { memory: 4096 } },
};

const builds = new Map<string, Promise<{ host: SingleHost; recording: Recording }>>();

/**
 * Builds a SingleHost under the recording runtime. A recording is read-only once settled, so tests that
 * build the same arguments share one (keeps the spec fast).
 */
function build(args: SingleHostArgs = TWO_NAMES, preview = false) {
  const key = JSON.stringify({ args, preview });
  if (!builds.has(key)) {
    builds.set(
      key,
      record(() => new SingleHost("toucan", args), { preview }).then(({ result, recording }) => ({
        host: result,
        recording,
      })),
    );
  }
  return builds.get(key)!;
}

function container(recording: Recording, role: string): RecordedResource {
  return recording.one(CONTAINER, `toucan-${role}`);
}

/** The container's `envs` as recorded: plain strings, or `Secret`s. */
function envsOf(recording: Recording, role: string): (string | Secret)[] {
  return (container(recording, role).inputs.envs as (string | Secret)[] | undefined) ?? [];
}

/** The value of `NAME=` in a container's envs, and whether it was a secret. */
function envVar(recording: Recording, role: string, name: string): { value: string; secret: boolean } {
  const found = envsOf(recording, role).filter((e) => String(reveal(e)).startsWith(`${name}=`));
  assert.equal(found.length, 1, `${role} has ${found.length} ${name} variable(s)`);
  return { value: String(reveal(found[0])).slice(name.length + 1), secret: found[0] instanceof Secret };
}

function upload(
  recording: Recording,
  role: string,
  file: string,
): { content: unknown; permissions?: string } {
  const uploads = (container(recording, role).inputs.uploads as { file: string; content: unknown }[]) ?? [];
  const found = uploads.find((u) => u.file === file);
  assert.ok(found, `${role} uploads no ${file} (has ${uploads.map((u) => u.file).join(", ")})`);
  return found;
}

function passwordOf(recording: Recording, name: string): string {
  return recording.one(PASSWORD, `toucan-${name}-password`).outputs.result as string;
}

/** A temporary PEM file. */
function tempFile(name: string, content: string): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "single-host-"));
  const file = path.join(dir, name);
  fs.writeFileSync(file, content);
  return file;
}

describe("SingleHost: the compose layout", () => {
  it("puts five containers on one private bridge network, each under its service alias", async () => {
    const { host, recording } = await build();
    const network = recording.one(NETWORK);
    assert.equal(network.inputs.driver, "bridge");
    assert.notEqual(network.inputs.internal, true, "the backend needs egress for its connectors");
    for (const role of ["mongo", "redis", "backend", "frontend", "caddy"]) {
      assert.deepEqual(container(recording, role).inputs.networksAdvanced, [
        { name: network.outputs.name, aliases: [role] },
      ]);
    }
    assert.equal(recording.byType(CONTAINER).length, 5);
    assert.equal(await valueOf(host.networkName), network.outputs.name);
  });

  it("publishes ports on Caddy only: 80, and 443 over TCP and UDP (HTTP/3)", async () => {
    const { recording } = await build();
    assert.deepEqual(container(recording, "caddy").inputs.ports, [
      { internal: 80, external: 80 },
      { internal: 443, external: 443 },
      { internal: 443, external: 443, protocol: "udp" },
    ]);
    for (const role of ["mongo", "redis", "backend", "frontend"]) {
      assert.equal(container(recording, role).inputs.ports, undefined, `${role} publishes a port`);
      assert.notEqual(container(recording, role).inputs.publishAllPorts, true);
    }
  });

  it("GIVEN other host ports THEN Caddy listens on them, redirects to them and the URLs carry the HTTPS port", async () => {
    const { host, recording } = await build(THROWAWAY);
    assert.deepEqual(container(recording, "caddy").inputs.ports, [
      { internal: 8080, external: 8080 },
      { internal: 8443, external: 8443 },
      { internal: 8443, external: 8443, protocol: "udp" },
    ]);
    const caddyfile = upload(recording, "caddy", SINGLE_HOST_FILES.caddyfile).content as string;
    assert.match(caddyfile, /^\thttp_port 8080\n\thttps_port 8443$/m);
    assert.match(caddyfile, /redir https:\/\/\{host\}:8443\{uri\} 308/);
    assert.equal(await valueOf(host.frontendUrl), "https://toucan.localhost:8443");
    assert.equal(envVar(recording, "frontend", "API_BASEROUTE").value, "https://api-toucan.localhost:8443");
  });

  it("keeps Mongo, Redis, the backend's storage and Caddy's certificates in named volumes, protected and retained", async () => {
    const { host, recording } = await build();
    const mounts: [string, string, string][] = [
      ["mongo", "toucan-mongo-data", "/data/db"],
      ["redis", "toucan-redis-data", "/data"],
      ["backend", "toucan-storage", "/app/storage"],
      ["caddy", "toucan-caddy-data", "/data"],
    ];
    for (const [role, volumeName, containerPath] of mounts) {
      const volume = recording.one(VOLUME, volumeName);
      assert.equal(volume.protect, true, `${volumeName} is not protected`);
      assert.equal(volume.retainOnDelete, true, `${volumeName} is not retained on delete`);
      assert.deepEqual(container(recording, role).inputs.volumes, [
        { volumeName: volume.outputs.name, containerPath },
      ]);
    }
    assert.equal(recording.byType(VOLUME).length, 4);
    assert.deepEqual(await valueOf(host.volumeNames), {
      mongo: recording.one(VOLUME, "toucan-mongo-data").outputs.name,
      redis: recording.one(VOLUME, "toucan-redis-data").outputs.name,
      storage: recording.one(VOLUME, "toucan-storage").outputs.name,
      caddy: recording.one(VOLUME, "toucan-caddy-data").outputs.name,
    });
  });

  it("protects the generated passwords; `protect: false` protects nothing", async () => {
    const { recording } = await build();
    assert.deepEqual(
      recording.byType(PASSWORD).map((p) => [p.name, p.protect]),
      [
        ["toucan-mongo-admin-password", true],
        ["toucan-mongo-rw-password", true],
        ["toucan-mongo-ro-password", true],
      ],
    );
    const unprotected = (await build(THROWAWAY)).recording;
    assert.deepEqual(
      unprotected.built.filter((r) => r.protect || r.retainOnDelete).map((r) => r.name),
      [],
    );
  });

  it("GIVEN a transform THEN that child gets the change, on top of the component's arguments", async () => {
    const { recording } = await build(TUNED);
    assert.equal(container(recording, "backend").inputs.memory, 4096);
    assert.equal(container(recording, "backend").inputs.restart, "unless-stopped");
    assert.equal(container(recording, "frontend").inputs.memory, undefined);
  });

  it("restarts every container unless stopped, and replaces them delete-first", async () => {
    const { recording } = await build();
    for (const c of recording.byType(CONTAINER)) {
      assert.equal(c.inputs.restart, "unless-stopped", c.name);
      assert.equal(c.deleteBeforeReplace, true, c.name);
    }
  });

  it("starts the backend after Mongo and Redis (which it waits healthy), and Caddy after both Toucan tiers", async () => {
    const { recording } = await build();
    const urn = (role: string) => container(recording, role).urn;
    const backend = container(recording, "backend");
    assert.ok(backend.dependencies.includes(urn("mongo")) && backend.dependencies.includes(urn("redis")));
    const caddy = container(recording, "caddy");
    assert.ok(caddy.dependencies.includes(urn("backend")) && caddy.dependencies.includes(urn("frontend")));
    for (const role of ["mongo", "redis"]) {
      assert.equal(container(recording, role).inputs.wait, true, `${role} is not waited healthy`);
    }
  });

  it("runs the pinned images, by the id of the pulled image", async () => {
    const { recording } = await build();
    const expected: Record<string, string> = {
      mongo: "mongo:7.0",
      redis: "redis:7.2-alpine",
      backend: "quay.io/toucantoco/backend:v100.5.1",
      frontend: "quay.io/toucantoco/frontend:v100.5.1",
      caddy: "caddy:2.8-alpine",
    };
    for (const [role, reference] of Object.entries(expected)) {
      const image = recording.one(IMAGE, `toucan-${role}-image`);
      assert.equal(image.inputs.name, reference);
      assert.equal(image.inputs.keepLocally, true);
      assert.match(String(image.outputs.imageId), /^sha256:[0-9a-f]{64}$/);
      assert.equal(container(recording, role).inputs.image, image.outputs.imageId);
    }
    assert.deepEqual(SINGLE_HOST_DEFAULT_IMAGES, {
      mongo: "mongo:7.0",
      redis: "redis:7.2-alpine",
      caddy: "caddy:2.8-alpine",
    });
  });

  it("checks health on the vendor's version endpoints, Mongo's ping and Redis's PING", async () => {
    const { recording } = await build();
    const test = (role: string) =>
      (container(recording, role).inputs.healthcheck as { tests: string[] }).tests;
    assert.deepEqual(test("backend"), [
      "CMD-SHELL",
      "wget -q -O /dev/null http://127.0.0.1/ || curl -fsS -o /dev/null http://127.0.0.1/ || exit 1",
    ]);
    assert.deepEqual(test("frontend"), [
      "CMD-SHELL",
      "wget -q -O /dev/null http://127.0.0.1/tucana-version.txt || curl -fsS -o /dev/null http://127.0.0.1/tucana-version.txt || exit 1",
    ]);
    assert.equal(test("mongo")[0], "CMD-SHELL");
    assert.match(
      test("mongo")[1],
      /^mongosh --quiet --host "\$\(hostname\)" --eval "db\.adminCommand\('ping'\)"/,
    );
    assert.deepEqual(test("redis"), ["CMD-SHELL", "redis-cli ping | grep -q PONG"]);
  });
});

describe("SingleHost: the backend's environment and secrets", () => {
  it("gives the backend the Mongo URIs only as secrets, with the vendor's users, host, database and authSource", async () => {
    const { host, recording } = await build();
    const rw = envVar(recording, "backend", "TOUCAN_MONGODB_HOST");
    const ro = envVar(recording, "backend", "TOUCAN_MONGODB_READONLY_HOST");
    assert.equal(rw.secret, true);
    assert.equal(ro.secret, true);
    assert.equal(
      rw.value,
      `mongodb://toucan:${passwordOf(recording, "mongo-rw")}@mongo:27017/api-toucan?retryWrites=true&authSource=admin`,
    );
    assert.equal(
      ro.value,
      `mongodb://toucan-readonly:${passwordOf(recording, "mongo-ro")}@mongo:27017/api-toucan?retryWrites=true&authSource=admin`,
    );
    for (const e of envsOf(recording, "backend")) {
      if (!(e instanceof Secret)) assert.doesNotMatch(e, /mongodb:\/\//, `plain variable ${e}`);
    }
    assert.equal(await isSecretOutput(host.mongodbHost), true);
    assert.equal(await isSecretOutput(host.mongodbReadonlyHost), true);
    assert.equal(await valueOf(host.mongodbHost), rw.value);
  });

  it("never puts a generated password (or the registry password) in a plain input of any resource", async () => {
    const { recording } = await build(REMOTE);
    const passwords = ["mongo-admin", "mongo-rw", "mongo-ro", "redis"].map((p) => passwordOf(recording, p));
    passwords.push("quay-s3cret");
    for (const r of recording.resources) {
      const plain = JSON.stringify(redact(r.inputs));
      for (const password of passwords)
        assert.ok(!plain.includes(password), `${r.name} holds a password in plain text`);
    }
  });

  it("sets the workers from the CPUs (2 -> 5 by default), or as given", async () => {
    const workers = async (args: SingleHostArgs) =>
      envVar((await build(args)).recording, "backend", "TOUCAN_GUNICORN_WORKERS").value;
    assert.equal(await workers(TWO_NAMES), "5");
    assert.equal(await workers(TUNED), "9");
    assert.equal(await workers(FLOATING), "7");
  });

  it("writes extra connectors and the old-augment whitelist as the vendor's JSON lists", async () => {
    const { recording } = await build(TUNED);
    assert.deepEqual(envVar(recording, "backend", "TOUCAN_EXTRA_CONNECTORS"), {
      value: '["azure_mssql", "oracle"]',
      secret: false,
    });
    assert.equal(envVar(recording, "backend", "TOUCAN_OLD_AUGMENT_WHITELIST").value, '["small_app_1"]');
  });

  it("tells the backend where Redis is, in plain text when Redis has no password, under configurable names", async () => {
    const { recording } = await build();
    assert.deepEqual(envVar(recording, "backend", "TOUCAN_REDIS_URL"), {
      value: "redis://redis:6379/0",
      secret: false,
    });
    assert.equal(envVar(recording, "backend", "TOUCAN_REDIS_HOST").value, "redis");
    assert.equal(envVar(recording, "backend", "TOUCAN_REDIS_PORT").value, "6379");
    const renamed = (await build(TUNED)).recording;
    assert.equal(envVar(renamed, "backend", "REDIS_URL").value, "redis://redis:6379/0");
    assert.ok(!envsOf(renamed, "backend").some((e) => String(reveal(e)).startsWith("TOUCAN_REDIS_URL=")));
  });

  it("GIVEN redisPassword THEN Redis requires the generated password, and the URL and password are secrets", async () => {
    const { recording } = await build(REMOTE);
    const password = passwordOf(recording, "redis");
    assert.deepEqual(envVar(recording, "backend", "TOUCAN_REDIS_URL"), {
      value: `redis://:${password}@redis:6379/0`,
      secret: true,
    });
    assert.deepEqual(envVar(recording, "backend", "TOUCAN_REDIS_PASSWORD"), {
      value: password,
      secret: true,
    });
    const config = upload(recording, "redis", SINGLE_HOST_FILES.redisConfig).content;
    assert.ok(config instanceof Secret);
    assert.match(String(reveal(config)), new RegExp(`^requirepass ${password}$`, "m"));
    assert.deepEqual(envVar(recording, "redis", "REDISCLI_AUTH"), { value: password, secret: true });
    assert.deepEqual(container(recording, "redis").inputs.command, [
      "redis-server",
      SINGLE_HOST_FILES.redisConfig,
    ]);
  });

  it("renders redis.conf with append-only persistence, and protected mode off only without a password", () => {
    assert.equal(
      renderSingleHostRedisConfig(),
      "# Generated by pulumi-toucan (SingleHost).\ndir /data\nappendonly yes\nprotected-mode no\n",
    );
    assert.doesNotMatch(renderSingleHostRedisConfig("s3cret"), /protected-mode/);
  });

  it("gives the frontend API_BASEROUTE: the backend's name, or /_api on the frontend's name", async () => {
    const two = await build();
    assert.deepEqual(envVar(two.recording, "frontend", "API_BASEROUTE"), {
      value: "https://api-toucan.localhost",
      secret: false,
    });
    assert.equal(await valueOf(two.host.backendUrl), "https://api-toucan.localhost");
    const one = await build(SAME_DOMAIN);
    assert.equal(envVar(one.recording, "frontend", "API_BASEROUTE").value, "https://toucan.localhost/_api");
    assert.equal(await valueOf(one.host.frontendUrl), "https://toucan.localhost");
  });
});

describe("SingleHost: Mongo", () => {
  /** Runs the init script against a stand-in for mongosh's `db`, recording the users it creates. */
  function usersCreatedBy(script: string): { db: string; user: string; pwd: string; roles: unknown }[] {
    const created: { db: string; user: string; pwd: string; roles: unknown }[] = [];
    const db = {
      getSiblingDB: (name: string) => ({
        createUser: (u: { user: string; pwd: string; roles: unknown }) => created.push({ db: name, ...u }),
      }),
    };
    vm.runInNewContext(script, { db });
    // Objects made in the script's context have its prototypes: compare them as plain JSON.
    return JSON.parse(JSON.stringify(created));
  }

  it("turns authentication on with a generated root password", async () => {
    const { recording } = await build();
    assert.deepEqual(container(recording, "mongo").inputs.command, ["mongod", "--auth"]);
    assert.deepEqual(envVar(recording, "mongo", "MONGO_INITDB_ROOT_USERNAME"), {
      value: "toucan-admin",
      secret: false,
    });
    assert.deepEqual(envVar(recording, "mongo", "MONGO_INITDB_ROOT_PASSWORD"), {
      value: passwordOf(recording, "mongo-admin"),
      secret: true,
    });
  });

  it("uploads an init script, as a secret, that creates the read/write and read-only users of the two URIs", async () => {
    const { recording } = await build();
    const script = upload(recording, "mongo", "/docker-entrypoint-initdb.d/10-toucan-users.js").content;
    assert.ok(script instanceof Secret, "the init script holds passwords");
    assert.deepEqual(usersCreatedBy(String(reveal(script))), [
      {
        db: "admin",
        user: "toucan",
        pwd: passwordOf(recording, "mongo-rw"),
        roles: [{ role: "readWrite", db: "api-toucan" }],
      },
      {
        db: "admin",
        user: "toucan-readonly",
        pwd: passwordOf(recording, "mongo-ro"),
        roles: [{ role: "read", db: "api-toucan" }],
      },
    ]);
  });

  it("GIVEN mongoGrantAllDatabases THEN the users get the any-database roles", () => {
    const users = usersCreatedBy(
      renderSingleHostMongoInit({
        database: "api-toucan",
        grantAllDatabases: true,
        readWrite: { user: "toucan", password: "a\"b'c" },
        readOnly: { user: "toucan-readonly", password: "d" },
      }),
    );
    assert.deepEqual(
      users.map((u) => [u.pwd, u.roles]),
      [
        ["a\"b'c", [{ role: "readWriteAnyDatabase", db: "admin" }]],
        ["d", [{ role: "readAnyDatabase", db: "admin" }]],
      ],
    );
  });
});

describe("SingleHost: Caddy", () => {
  let sandbox: CaddySandbox;
  before(() => (sandbox = new CaddySandbox()));
  after(async () => sandbox?.cleanup());

  for (const [label, args] of [
    ["two names, Caddy's internal CA", TWO_NAMES],
    ["one name with /_api", SAME_DOMAIN],
  ] as const) {
    it(`uploads a Caddyfile that \`caddy validate\` accepts (${label})`, async () => {
      const { recording } = await build(args);
      const caddyfile = upload(recording, "caddy", SINGLE_HOST_FILES.caddyfile).content;
      assert.equal(typeof caddyfile, "string");
      const result = sandbox.validate(
        sandbox.write(`${label.replace(/\W+/g, "-")}/Caddyfile`, String(caddyfile)),
      );
      assert.ok(result.ok, result.output);
    });
  }

  it("uploads exactly the rendered Caddyfile: internal CA by default, proxying to the containers' aliases", async () => {
    const { host, recording } = await build(SAME_DOMAIN);
    const expected = renderCaddyfile({
      frontendName: "toucan.localhost",
      sameDomain: true,
      tls: { mode: "internal" },
      skipInstallTrust: true,
    });
    assert.equal(upload(recording, "caddy", SINGLE_HOST_FILES.caddyfile).content, expected);
    assert.equal(host.caddyfile, expected);
    assert.match(expected, /^\t\turi strip_prefix \/_api\n\t\treverse_proxy backend:80$/m);
    assert.match(expected, /^\ttls internal$/m);
  });

  it("GIVEN certificate files THEN uploads the certificate, and the key as a secret readable by root only", async () => {
    const certificateFile = tempFile("toucan.crt", CERTIFICATE_PEM);
    const keyFile = tempFile("toucan.key", KEY_PEM);
    const { recording } = await build({ ...TWO_NAMES, tls: { mode: "files", certificateFile, keyFile } });
    assert.equal(upload(recording, "caddy", SINGLE_HOST_FILES.certificate).content, CERTIFICATE_PEM);
    const key = upload(recording, "caddy", SINGLE_HOST_FILES.key);
    assert.ok(key.content instanceof Secret);
    assert.equal(reveal(key.content), KEY_PEM);
    assert.equal(key.permissions, "0600");
    const caddyfile = upload(recording, "caddy", SINGLE_HOST_FILES.caddyfile).content as string;
    assert.equal(
      caddyfile.match(/^\ttls \/etc\/caddy\/certs\/toucan\.crt \/etc\/caddy\/certs\/toucan\.key$/gm)?.length,
      2,
    );
  });

  it("GIVEN ACME THEN the account email is a global option and no site names a certificate", async () => {
    const { recording } = await build(PUBLIC_VM);
    const caddyfile = upload(recording, "caddy", SINGLE_HOST_FILES.caddyfile).content as string;
    assert.match(caddyfile, /^\temail ops@example\.com$/m);
    assert.doesNotMatch(caddyfile, /^\s*tls /m);
  });
});

describe("SingleHost: the Docker host", () => {
  it("GIVEN an ssh:// host THEN one Docker provider is created and every Docker resource uses it", async () => {
    const { recording } = await build(REMOTE);
    const provider = recording.one(PROVIDER);
    assert.equal(provider.name, "toucan-docker");
    assert.equal(provider.inputs.host, "ssh://deploy@toucan-vm.internal");
    assert.ok(provider.inputs.registryAuth instanceof Secret, "the registry credentials are not a secret");
    assert.ok(JSON.stringify(reveal(provider.inputs.registryAuth)).includes("quay-s3cret"));
    const dockerResources = recording.built.filter((r) => r.type.startsWith("docker:"));
    assert.equal(dockerResources.length, 15);
    for (const r of dockerResources)
      assert.equal(r.provider, provider.urn, `${r.name} is not on the provider`);
  });

  it("GIVEN a tcp:// host with TLS THEN the provider gets the certificates, the key as a secret", async () => {
    const { recording } = await build(PUBLIC_VM);
    const provider = recording.one(PROVIDER);
    assert.equal(provider.inputs.host, "tcp://toucan-vm.example.com:2376");
    assert.equal(provider.inputs.caMaterial, "-----BEGIN CERTIFICATE-----ca");
    assert.ok(provider.inputs.keyMaterial instanceof Secret, "the client key is not a secret");
    assert.ok(!JSON.stringify(redact(provider.inputs)).includes("fakekey"));
  });

  it("GIVEN no host THEN no provider is created and the children use the default one", async () => {
    const { recording } = await build();
    assert.deepEqual(recording.byType(PROVIDER), []);
    for (const r of recording.built) assert.equal(r.provider, undefined, r.name);
  });
});

describe("SingleHost: bad input is refused before anything is registered", () => {
  const missing = path.join(os.tmpdir(), "no-such-dir-single-host", "toucan.crt");
  const cases: { title: string; args: SingleHostArgs; argument: string; says: RegExp }[] = [
    {
      title: "backend and frontend of different MAJOR versions",
      args: { ...TWO_NAMES, version: undefined, backendVersion: "v101.0.0", frontendVersion: "v100.5.1" },
      argument: "backendVersion",
      says: /MAJOR/,
    },
    {
      title: "latest-monthly without the opt-in",
      args: { ...TWO_NAMES, version: "latest-monthly" },
      argument: "version",
      says: /floating tag/,
    },
    {
      title: "files mode with a missing certificate file",
      args: {
        ...TWO_NAMES,
        tls: { mode: "files", certificateFile: missing, keyFile: tempFile("k.key", KEY_PEM) },
      },
      argument: "tls.certificateFile",
      says: /does not exist/,
    },
    {
      title: "files mode with the key in the certificate file",
      args: {
        ...TWO_NAMES,
        tls: {
          mode: "files",
          certificateFile: tempFile("both.pem", CERTIFICATE_PEM + KEY_PEM),
          keyFile: tempFile("k.key", KEY_PEM),
        },
      },
      argument: "tls.certificateFile",
      says: /holds a private key/,
    },
    {
      title: "ACME without an email",
      args: {
        version: "v100.5.1",
        frontendDomain: "toucan.example.com",
        tls: { mode: "acme" } as unknown as SingleHostArgs["tls"],
      },
      argument: "tls.email",
      says: /not an email address/,
    },
    {
      title: "ACME for a local name",
      args: { ...SAME_DOMAIN, tls: { mode: "acme", email: "ops@example.com" } },
      argument: "frontendDomain",
      says: /not a public DNS name/,
    },
    {
      title: "ACME with neither port 80 nor 443",
      args: {
        version: "v100.5.1",
        frontendDomain: "toucan.example.com",
        httpPort: 8080,
        httpsPort: 8443,
        tls: { mode: "acme", email: "ops@example.com" },
      },
      argument: "httpsPort",
      says: /ACME challenge port/,
    },
    {
      title: "the same port twice",
      args: { ...TWO_NAMES, httpPort: 8443, httpsPort: 8443 },
      argument: "httpsPort",
      says: /also the HTTP port/,
    },
    {
      title: "a port out of range",
      args: { ...TWO_NAMES, httpPort: 70000 },
      argument: "httpPort",
      says: /not a port/,
    },
    {
      title: "same-domain mode without a frontend name",
      args: { version: "v100.5.1" } as SingleHostArgs,
      argument: "frontendDomain",
      says: /same-domain mode/,
    },
    {
      title: "a backend name together with sameDomain",
      args: { ...TWO_NAMES, sameDomain: true },
      argument: "backendDomain",
      says: /sameDomain: true/,
    },
    {
      title: "a name with a scheme",
      args: { ...TWO_NAMES, backendDomain: "https://api-toucan.localhost" },
      argument: "backendDomain",
      says: /scheme/,
    },
    {
      title: "an unpinned Mongo image",
      args: { ...TWO_NAMES, mongoImage: "mongo" },
      argument: "mongoImage",
      says: /not pinned/,
    },
    {
      title: "MongoDB older than 4.2",
      args: { ...TWO_NAMES, mongoImage: "mongo:4.0" },
      argument: "mongoImage",
      says: /4\.2/,
    },
    {
      title: "Caddy 1",
      args: { ...TWO_NAMES, caddyImage: "caddy:1.0.4" },
      argument: "caddyImage",
      says: /Caddy 2/,
    },
    {
      title: "a tcp:// Docker host without TLS",
      args: { ...TWO_NAMES, host: "tcp://toucan-vm.internal:2375" },
      argument: "host.tls",
      says: /root on the host/,
    },
    {
      title: "a Docker host that is no address",
      args: { ...TWO_NAMES, host: "toucan-vm" },
      argument: "host",
      says: /Docker host address/,
    },
    {
      title: "a credential URI in the backend's plain environment",
      args: { ...TWO_NAMES, backend: { environment: { OTHER_DB: "postgres://u:pw@db/x" } } },
      argument: "environment.OTHER_DB",
      says: /password/,
    },
    {
      title: "API_BASEROUTE in the frontend's environment",
      args: { ...TWO_NAMES, frontend: { environment: { API_BASEROUTE: "https://elsewhere" } } },
      argument: "frontend.environment.API_BASEROUTE",
      says: /written by the component/,
    },
    {
      title: "zero CPUs",
      args: { ...TWO_NAMES, backend: { cpus: 0 } },
      argument: "backend.cpus",
      says: /positive/,
    },
  ];
  for (const c of cases) {
    it(`refuses ${c.title}`, async () => {
      const { error, recording } = await recordFailure(() => new SingleHost("toucan", c.args));
      assert.ok(error instanceof ToucanArgumentError, String(error));
      assert.equal(error.argument, c.argument, error.message);
      assert.match(error.message, c.says);
      assert.match(error.message, /^SingleHost "toucan": /);
      assert.match(error.message, /Fix: /);
      assert.deepEqual(recording.built, []);
    });
  }

  it("accepts latest-monthly with allowFloatingVersion", async () => {
    const { recording } = await build(FLOATING);
    assert.equal(
      recording.one(IMAGE, "toucan-backend-image").inputs.name,
      "quay.io/toucantoco/backend:latest-monthly",
    );
  });
});

describe("SingleHost in preview", () => {
  it("registers the same resources in preview as in an update", async () => {
    const update = await build(REMOTE);
    const preview = await build(REMOTE, true);
    assert.deepEqual(
      preview.recording.resources.map((r) => r.urn).sort(),
      update.recording.resources.map((r) => r.urn).sort(),
    );
  });
});

describe("examples/single-host", () => {
  it("plans under the harness with Pulumi.demo.yaml: five containers, the demo's names and connectors", async () => {
    const index = require("../components/index") as Record<string, unknown>;
    assert.equal(
      typeof index.SingleHost,
      "function",
      'components/index.ts does not export SingleHost: add `export * from "./single-host";`',
    );
    const { graph } = await planProgram({
      programDir: "examples/single-host",
      configFile: "examples/single-host/Pulumi.demo.yaml",
    });
    const containers = graph.resources.filter((r) => r.type === CONTAINER);
    assert.deepEqual(containers.map((c) => c.name).sort(), [
      "toucan-backend",
      "toucan-caddy",
      "toucan-frontend",
      "toucan-mongo",
      "toucan-redis",
    ]);
    assert.equal(graph.outputs.frontendUrl, "https://toucan.localhost");
    assert.equal(graph.outputs.backendUrl, "https://api-toucan.localhost");
    assert.equal(graph.outputs.mongodbHost, "[secret]");
    const backend = containers.find((c) => c.name === "toucan-backend")!;
    assert.ok(
      (backend.inputs.envs as string[]).includes('TOUCAN_EXTRA_CONNECTORS=["azure_mssql", "oracle"]'),
    );
  });
});
