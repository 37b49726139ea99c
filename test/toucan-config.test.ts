import * as assert from "assert";
import * as pulumi from "@pulumi/pulumi";
import { ToucanArgumentError } from "../components/core/errors";
import {
  API_PATH_PREFIX,
  DEFAULT_REDIS_VARIABLES,
  MONGO_SECRET_VARIABLES,
  ToucanVersionArgs,
  apiBaseRoute,
  backendEnvironment,
  containsCredentialUri,
  gunicornWorkers,
  hostNameProblem,
  isApiPath,
  majorOf,
  resolveImages,
  secretVariableNames,
  stripApiPrefix,
  toucanMongoUri,
  vcpuFromCpuUnits,
  vendorJsonList,
} from "../components/core/toucan-config";

const COMPONENT = 'Toucan "test"';

/** Runs `fn`, expects a ToucanArgumentError, and returns it. */
function argumentError(fn: () => unknown): ToucanArgumentError {
  try {
    fn();
  } catch (error) {
    assert.ok(error instanceof ToucanArgumentError, `expected a ToucanArgumentError, got ${String(error)}`);
    return error;
  }
  assert.fail("expected a ToucanArgumentError, nothing was thrown");
}

/** Resolves an Output outside a Pulumi program (values here are always known). */
function valueOf<T>(input: pulumi.Input<T>): Promise<T> {
  return new Promise((resolve) => pulumi.output(input).apply((v) => resolve(v as T)));
}

describe("toucan-config: images and versions", () => {
  const cases: { given: ToucanVersionArgs; backendImage: string; frontendImage: string }[] = [
    {
      given: { version: "v100.5.1" },
      backendImage: "quay.io/toucantoco/backend:v100.5.1",
      frontendImage: "quay.io/toucantoco/frontend:v100.5.1",
    },
    {
      given: { backendVersion: "v100.5.2", frontendVersion: "v100.4.0" },
      backendImage: "quay.io/toucantoco/backend:v100.5.2",
      frontendImage: "quay.io/toucantoco/frontend:v100.4.0",
    },
    {
      given: { version: "v100.5.1", backendVersion: "v100.5.2-hotfix1" },
      backendImage: "quay.io/toucantoco/backend:v100.5.2-hotfix1",
      frontendImage: "quay.io/toucantoco/frontend:v100.5.1",
    },
    {
      given: { version: "latest-monthly", allowFloatingVersion: true },
      backendImage: "quay.io/toucantoco/backend:latest-monthly",
      frontendImage: "quay.io/toucantoco/frontend:latest-monthly",
    },
    {
      given: { version: "v100.5.1", backendImage: "registry.example.com/toucan/backend:v100.5.1-oracle" },
      backendImage: "registry.example.com/toucan/backend:v100.5.1-oracle",
      frontendImage: "quay.io/toucantoco/frontend:v100.5.1",
    },
    {
      // A custom image without a declared version: nothing to compare, both accepted.
      given: {
        frontendVersion: "v99.0.0",
        backendImage: "registry.example.com/toucan/backend@sha256:" + "a".repeat(64),
      },
      backendImage: "registry.example.com/toucan/backend@sha256:" + "a".repeat(64),
      frontendImage: "quay.io/toucantoco/frontend:v99.0.0",
    },
  ];
  for (const c of cases) {
    it(`GIVEN ${JSON.stringify(c.given)} THEN backend ${c.backendImage}, frontend ${c.frontendImage}`, () => {
      const images = resolveImages(c.given, COMPONENT);
      assert.strictEqual(images.backendImage, c.backendImage);
      assert.strictEqual(images.frontendImage, c.frontendImage);
    });
  }

  it("returns the declared versions, and none for a custom image given without one", () => {
    assert.deepStrictEqual(resolveImages({ version: "v100.5.1", backendVersion: "v100.6.0" }, COMPONENT), {
      backendImage: "quay.io/toucantoco/backend:v100.6.0",
      frontendImage: "quay.io/toucantoco/frontend:v100.5.1",
      backendVersion: "v100.6.0",
      frontendVersion: "v100.5.1",
    });
    const custom = resolveImages(
      { backendImage: "b.example.com/b:1", frontendImage: "b.example.com/f:1" },
      COMPONENT,
    );
    assert.strictEqual(custom.backendVersion, undefined);
    assert.strictEqual(custom.frontendVersion, undefined);
  });

  const refused: { given: ToucanVersionArgs; argument: string; says: RegExp[] }[] = [
    {
      given: { backendVersion: "v100.5.1", frontendVersion: "v99.2.0" },
      argument: "backendVersion",
      says: [/"v100\.5\.1"/, /"v99\.2\.0"/, /MAJOR 100/, /MAJOR 99/, /must match|match/],
    },
    {
      given: { version: "latest-monthly" },
      argument: "version",
      says: [/"latest-monthly"/, /vendor asks production to pin/, /allowFloatingVersion: true/, /v100\.5\.1/],
    },
    {
      given: { version: "v100.5.1", backendVersion: "latest-monthly", allowFloatingVersion: true },
      argument: "backendVersion",
      says: [/floats/, /pin both/],
    },
    { given: { version: "100.5.1" }, argument: "version", says: [/leading `v`/, /"v100\.5\.1"/] },
    { given: { version: "latest" }, argument: "version", says: [/not a vendor version/] },
    { given: { version: "v100.5" }, argument: "version", says: [/not a vendor version/] },
    { given: {}, argument: "version", says: [/is needed/, /"v100\.5\.1"/] },
    { given: { backendVersion: "v100.5.1" }, argument: "frontendVersion", says: [/frontendImage/] },
    {
      given: { version: "v100.5.1", backendImage: "https://quay.io/toucantoco/backend:v1" },
      argument: "backendImage",
      says: [/not an image reference/, /scheme/],
    },
    {
      given: {
        version: "v100.5.1",
        backendImage: "registry.example.com/b:v99.0.0",
        backendVersion: "v99.0.0",
      },
      argument: "backendVersion",
      says: [/MAJOR 99/, /MAJOR 100/],
    },
  ];
  for (const c of refused) {
    it(`GIVEN ${JSON.stringify(c.given)} THEN \`${c.argument}\` is refused with the fix`, () => {
      const error = argumentError(() => resolveImages(c.given, COMPONENT));
      assert.strictEqual(error.argument, c.argument, error.message);
      assert.ok(error.message.startsWith(`${COMPONENT}: \`${c.argument}\``), error.message);
      for (const pattern of c.says) assert.match(error.message, pattern);
    });
  }

  it("reports a bad `version` once, though it feeds both tiers", () => {
    const error = argumentError(() => resolveImages({ version: "v1" }, COMPONENT));
    assert.strictEqual(error.message.split("\n").length, 1, error.message);
  });

  const majors: [string, number | undefined][] = [
    ["v100.5.1", 100],
    ["v7.0.0", 7],
    ["v100.5.1-hotfix1", 100],
    ["latest-monthly", undefined],
    ["100.5.1", undefined],
    ["vX.1.2", undefined],
  ];
  for (const [version, major] of majors) {
    it(`majorOf(${JSON.stringify(version)}) === ${major}`, () => assert.strictEqual(majorOf(version), major));
  }
});

describe("toucan-config: Gunicorn workers", () => {
  const table: [number, number][] = [
    [0.25, 1],
    [0.5, 2],
    [1, 3],
    [2, 5],
    [4, 9],
    [8, 17],
  ];
  for (const [vcpu, workers] of table) {
    it(`${vcpu} vCPU -> ${workers} workers (2 * vCPU + 1, rounded down before the + 1)`, () => {
      assert.strictEqual(gunicornWorkers(vcpu), workers);
    });
  }

  it("converts Fargate CPU units to vCPUs", () => {
    assert.strictEqual(vcpuFromCpuUnits(1024), 1);
    assert.strictEqual(vcpuFromCpuUnits(256), 0.25);
    assert.strictEqual(gunicornWorkers(vcpuFromCpuUnits(2048)), 5);
  });

  for (const bad of [0, -1, Number.NaN, Number.POSITIVE_INFINITY]) {
    it(`refuses ${bad} vCPU and ${bad} CPU units`, () => {
      assert.match(argumentError(() => gunicornWorkers(bad)).message, /`vcpu`.*positive/);
      assert.match(argumentError(() => vcpuFromCpuUnits(bad)).message, /`cpu`.*positive/);
    });
  }
});

describe("toucan-config: backend environment", () => {
  it("writes the vendor's JSON lists exactly as the vendor writes them", () => {
    assert.strictEqual(vendorJsonList(["azure_mssql", "oracle"]), '["azure_mssql", "oracle"]');
    assert.strictEqual(vendorJsonList(["small_app_1", "small_app_2"]), '["small_app_1", "small_app_2"]');
    assert.strictEqual(vendorJsonList(["one"]), '["one"]');
  });

  it("GIVEN workers, connectors and old-augment apps THEN the plain env carries them under the vendor's names", () => {
    const env = backendEnvironment({
      workers: 5,
      extraConnectors: ["azure_mssql", "oracle"],
      oldAugmentWhitelist: ["small_app_1", "small_app_2"],
    });
    assert.deepStrictEqual(env, {
      TOUCAN_GUNICORN_WORKERS: "5",
      TOUCAN_EXTRA_CONNECTORS: '["azure_mssql", "oracle"]',
      TOUCAN_OLD_AUGMENT_WHITELIST: '["small_app_1", "small_app_2"]',
    });
    // The backend parses them as JSON lists.
    assert.deepStrictEqual(JSON.parse(env.TOUCAN_EXTRA_CONNECTORS as string), ["azure_mssql", "oracle"]);
  });

  it("leaves the list variables out when the lists are empty or absent", () => {
    assert.deepStrictEqual(backendEnvironment({ workers: 3, extraConnectors: [], oldAugmentWhitelist: [] }), {
      TOUCAN_GUNICORN_WORKERS: "3",
    });
  });

  it("GIVEN Redis host, port and TLS THEN they are written under the default (assumed) names", async () => {
    const env = backendEnvironment({
      workers: 3,
      redis: { host: "redis.internal", port: 6379, tls: true, url: "redis://redis:6379/0" },
    });
    assert.strictEqual(env.TOUCAN_REDIS_HOST, "redis.internal");
    assert.strictEqual(await valueOf(env.TOUCAN_REDIS_PORT), "6379");
    assert.strictEqual(await valueOf(env.TOUCAN_REDIS_TLS), "true");
    assert.strictEqual(env.TOUCAN_REDIS_URL, "redis://redis:6379/0");
    assert.deepStrictEqual(DEFAULT_REDIS_VARIABLES, {
      host: "TOUCAN_REDIS_HOST",
      port: "TOUCAN_REDIS_PORT",
      tls: "TOUCAN_REDIS_TLS",
      url: "TOUCAN_REDIS_URL",
      password: "TOUCAN_REDIS_PASSWORD",
    });
  });

  it("GIVEN renamed Redis variables THEN the values move to those names, and the defaults are not written", async () => {
    const env = backendEnvironment({
      workers: 3,
      redis: { host: pulumi.output("r.internal"), port: pulumi.output("6380"), tls: false },
      redisVariables: { host: "REDIS_HOST", port: "REDIS_PORT", tls: "REDIS_SSL" },
    });
    assert.deepStrictEqual(Object.keys(env).sort(), [
      "REDIS_HOST",
      "REDIS_PORT",
      "REDIS_SSL",
      "TOUCAN_GUNICORN_WORKERS",
    ]);
    assert.strictEqual(await valueOf(env.REDIS_HOST), "r.internal");
    assert.strictEqual(await valueOf(env.REDIS_SSL), "false");
  });

  it("keeps extra variables after the generated ones", () => {
    const env = backendEnvironment({ workers: 3, extra: { TZ: "Europe/Paris", _DEBUG: "0" } });
    assert.deepStrictEqual(Object.keys(env), ["TOUCAN_GUNICORN_WORKERS", "TZ", "_DEBUG"]);
  });

  it("lists the variables that are always secrets, with the configured Redis names", () => {
    assert.deepStrictEqual(
      [...MONGO_SECRET_VARIABLES],
      ["TOUCAN_MONGODB_HOST", "TOUCAN_MONGODB_READONLY_HOST"],
    );
    assert.deepStrictEqual(secretVariableNames(), [
      "TOUCAN_MONGODB_HOST",
      "TOUCAN_MONGODB_READONLY_HOST",
      "TOUCAN_REDIS_URL",
      "TOUCAN_REDIS_PASSWORD",
    ]);
    assert.deepStrictEqual(secretVariableNames({ url: "REDIS_URL" }).slice(2), [
      "REDIS_URL",
      "TOUCAN_REDIS_PASSWORD",
    ]);
  });

  const secretNames = [
    "TOUCAN_MONGODB_HOST",
    "TOUCAN_MONGODB_READONLY_HOST",
    "TOUCAN_REDIS_URL",
    "TOUCAN_REDIS_PASSWORD",
  ];
  for (const name of secretNames) {
    it(`GIVEN ${name} in the plain environment THEN it is refused as a secret, without printing the value`, () => {
      const value = "mongodb://toucan:hunter2@mongo:27017/api-toucan";
      const error = argumentError(() => backendEnvironment({ workers: 3, extra: { [name]: value } }));
      assert.strictEqual(error.argument, `environment.${name}`);
      assert.match(error.message, /is a secret/);
      assert.match(error.message, /deliver it as a secret/);
      assert.doesNotMatch(error.message, /hunter2/);
    });
  }

  it("refuses a secret name even after the Redis variables are renamed", () => {
    const error = argumentError(() =>
      backendEnvironment({
        workers: 3,
        redisVariables: { password: "REDIS_AUTH" },
        extra: { REDIS_AUTH: "x" },
      }),
    );
    assert.strictEqual(error.argument, "environment.REDIS_AUTH");
  });

  const credentialValues = [
    "mongodb://user:p%40ss@mongo:27017/db",
    "rediss://:token@master.cache.amazonaws.com:6379",
    "--uri=postgres://a:b@db/x",
    "https://user:pw@example.com/path",
  ];
  for (const value of credentialValues) {
    it(`GIVEN an extra value embedding a password (${value.replace(/:[^:@/]+@/, ":***@")}) THEN it is refused`, () => {
      const error = argumentError(() => backendEnvironment({ workers: 3, extra: { SOME_URI: value } }));
      assert.match(error.message, /holds a URI with a password/);
      assert.match(error.message, /as a secret/);
      assert.doesNotMatch(error.message, new RegExp(value.replace(/[.*+?^${}()|[\]\\]/g, "\\$&")));
    });
  }

  it("lets URIs without a password through", () => {
    for (const value of ["https://api.example.com", "redis://redis:6379/0", "mongodb://user@h/db", "a:b@c"]) {
      assert.strictEqual(containsCredentialUri(value), false, value);
    }
  });

  it("GIVEN an extra value that is an Output embedding a password THEN it is refused when it resolves", async () => {
    const env = backendEnvironment({ workers: 3, extra: { LATE: pulumi.output("redis://:tok@h:6379") } });
    // `promise()` is the Output's own accessor (see TESTING.md); it rejects when the apply throws.
    const late = env.LATE as unknown as { promise(): Promise<string> };
    await assert.rejects(late.promise(), (error: unknown) => {
      assert.ok(error instanceof ToucanArgumentError, String(error));
      assert.match(error.message, /`environment\.LATE` is "\(redacted\)"/);
      assert.doesNotMatch(error.message, /tok@/);
      return true;
    });
  });

  it("GIVEN a Redis URL with a password as a plain value THEN it is refused", () => {
    const error = argumentError(() =>
      backendEnvironment({ workers: 3, redis: { url: "rediss://:secret-token@redis:6379" } }),
    );
    assert.strictEqual(error.argument, "redis.url");
    assert.match(error.message, /TOUCAN_REDIS_URL/);
    assert.doesNotMatch(error.message, /secret-token/);
  });

  const invalid: { args: Parameters<typeof backendEnvironment>[0]; argument: string; says: RegExp }[] = [
    { args: { workers: 0 }, argument: "gunicornWorkers", says: /positive whole number/ },
    { args: { workers: 2.5 }, argument: "gunicornWorkers", says: /positive whole number/ },
    {
      args: { workers: 3, extraConnectors: ["Oracle"] },
      argument: "extraConnectors[0]",
      says: /connector name/,
    },
    {
      args: { workers: 3, extraConnectors: ["oracle", "azure-mssql"] },
      argument: "extraConnectors[1]",
      says: /\^\[a-z0-9_\]\+\$/,
    },
    {
      args: { workers: 3, extraConnectors: ["oracle", "oracle"] },
      argument: "extraConnectors[1]",
      says: /twice/,
    },
    {
      args: { workers: 3, oldAugmentWhitelist: ['app", "other'] },
      argument: "oldAugmentWhitelist[0]",
      says: /small-app name/,
    },
    {
      args: { workers: 3, oldAugmentWhitelist: [""] },
      argument: "oldAugmentWhitelist[0]",
      says: /small-app/,
    },
    { args: { workers: 3, extra: { "my-var": "x" } }, argument: "environment.my-var", says: /A-Z_/ },
    {
      args: { workers: 3, extra: { "1ABC": "x" } },
      argument: "environment.1ABC",
      says: /environment variable name/,
    },
    {
      args: { workers: 3, extra: { TOUCAN_GUNICORN_WORKERS: "9" } },
      argument: "environment.TOUCAN_GUNICORN_WORKERS",
      says: /use `gunicornWorkers`/,
    },
    {
      args: { workers: 3, extra: { TOUCAN_EXTRA_CONNECTORS: "[]" } },
      argument: "environment.TOUCAN_EXTRA_CONNECTORS",
      says: /use `extraConnectors`/,
    },
    {
      args: { workers: 3, extra: { TOUCAN_REDIS_HOST: "h" } },
      argument: "environment.TOUCAN_REDIS_HOST",
      says: /use `redis\.host`/,
    },
    {
      args: { workers: 3, redisVariables: { host: "redis-host" } },
      argument: "redisVariables.host",
      says: /A-Z/,
    },
    {
      args: { workers: 3, redisVariables: { host: "R", port: "R" } },
      argument: "redisVariables",
      says: /same variable name/,
    },
  ];
  for (const c of invalid) {
    it(`refuses ${JSON.stringify(c.args)} naming \`${c.argument}\``, () => {
      const error = argumentError(() => backendEnvironment(c.args, COMPONENT));
      assert.strictEqual(error.argument, c.argument, error.message);
      assert.match(error.message, c.says);
      assert.match(error.message, /Fix: /);
    });
  }

  it("reports every problem at once", () => {
    const error = argumentError(() =>
      backendEnvironment({ workers: 0, extraConnectors: ["Bad"], extra: { TOUCAN_MONGODB_HOST: "x" } }),
    );
    assert.strictEqual(error.message.split("\n").length, 3, error.message);
  });
});

describe("toucan-config: API_BASEROUTE and host names", () => {
  it("two names: the backend's own name, no trailing slash", () => {
    assert.strictEqual(
      apiBaseRoute({
        frontendName: "toucan.example.com",
        backendName: "api-toucan.example.com",
        sameDomain: false,
      }),
      "https://api-toucan.example.com",
    );
  });

  it("same domain: the frontend's name with /_api, no trailing slash", () => {
    assert.strictEqual(API_PATH_PREFIX, "/_api");
    assert.strictEqual(
      apiBaseRoute({ frontendName: "toucan.example.com", sameDomain: true }),
      "https://toucan.example.com/_api",
    );
    assert.strictEqual(
      apiBaseRoute({ frontendName: "toucan.localhost", sameDomain: true, scheme: "http" }),
      "http://toucan.localhost/_api",
    );
  });

  const refused: { args: Parameters<typeof apiBaseRoute>[0]; argument: string; says: RegExp }[] = [
    {
      args: { frontendName: undefined as unknown as string, sameDomain: true },
      argument: "frontendName",
      says: /same-domain mode/,
    },
    {
      args: { frontendName: "toucan.example.com", sameDomain: false },
      argument: "backendName",
      says: /is needed/,
    },
    {
      args: { frontendName: "toucan.example.com", backendName: "api.example.com", sameDomain: true },
      argument: "backendName",
      says: /same-domain mode/,
    },
    {
      args: { frontendName: "toucan.example.com", backendName: "toucan.example.com", sameDomain: false },
      argument: "backendName",
      says: /frontend's name too/,
    },
    {
      args: { frontendName: "https://toucan.example.com/", sameDomain: true },
      argument: "frontendName",
      says: /URL scheme https:\/\/.*"toucan\.example\.com"/,
    },
    {
      args: {
        frontendName: "toucan.example.com",
        backendName: "https://api.example.com:8443/x",
        sameDomain: false,
      },
      argument: "backendName",
      says: /give just the name: "api\.example\.com"/,
    },
  ];
  for (const c of refused) {
    it(`refuses ${JSON.stringify(c.args)} naming \`${c.argument}\``, () => {
      const error = argumentError(() => apiBaseRoute(c.args, COMPONENT));
      assert.strictEqual(error.argument, c.argument, error.message);
      assert.match(error.message, c.says);
    });
  }

  const hostNames: [string, RegExp | undefined][] = [
    ["toucan.example.com", undefined],
    ["api-toucan.example.com", undefined],
    ["localhost", undefined],
    ["a1.b2", undefined],
    ["Toucan.Example.com", /lower case: "toucan\.example\.com"/],
    ["toucan.example.com.", /ends with a dot/],
    ["toucan.example.com:443", /port/],
    ["toucan.example.com/_api", /path/],
    ["http://toucan.example.com", /scheme/],
    ["*.example.com", /wildcard/],
    ["-toucan.example.com", /label "-toucan"/],
    ["toucan_app.example.com", /label "toucan_app"/],
    ["a..b", /label ""/],
    [`${"a".repeat(64)}.com`, /label/],
    ["", /not a host name/],
  ];
  for (const [name, problem] of hostNames) {
    it(`host name ${JSON.stringify(name)} is ${problem ? `refused (${problem.source})` : "accepted"}`, () => {
      const found = hostNameProblem(name);
      if (problem === undefined) assert.strictEqual(found, undefined);
      else assert.match(`${found?.problem} ${found?.fix}`, problem);
    });
  }
});

describe("toucan-config: same-domain prefix", () => {
  const table: [string, string, boolean][] = [
    ["/_api/x?y=1", "/x?y=1", true],
    ["/_api/small-apps/demo/data", "/small-apps/demo/data", true],
    ["/_api", "/", true],
    ["/_api/", "/", true],
    ["/_api?y=1", "/?y=1", true],
    ["/_api/x#frag", "/x#frag", true],
    ["/_apiary", "/_apiary", false],
    ["/index.html", "/index.html", false],
    ["/", "/", false],
    ["/static/_api/x", "/static/_api/x", false],
  ];
  for (const [path, backendPath, toBackend] of table) {
    it(`${path} -> ${toBackend ? `backend ${backendPath}` : "frontend, unchanged"}`, () => {
      assert.strictEqual(isApiPath(path), toBackend);
      assert.strictEqual(stripApiPrefix(path), backendPath);
    });
  }
});

describe("toucan-config: Mongo connection strings", () => {
  it("writes the vendor's form, with its defaults", () => {
    assert.strictEqual(
      toucanMongoUri({
        user: "toucan",
        password: "secret",
        hosts: ["mongo-0.internal", "mongo-1.internal:27018"],
        replicaSet: "rs0",
        tls: true,
        tlsCAFile: "/etc/ssl/myCA.crt",
      }),
      "mongodb://toucan:secret@mongo-0.internal:27017,mongo-1.internal:27018/api-toucan" +
        "?retryWrites=true&authSource=admin&replicaSet=rs0&tls=true&tlsCAFile=/etc/ssl/myCA.crt",
    );
  });

  it("matches the FAQ's example byte for byte", () => {
    assert.strictEqual(
      toucanMongoUri({
        user: "USER_RW",
        password: "PASSWORD_RW",
        hosts: ["mongo.yourdomain.com"],
        tls: true,
        tlsCAFile: "/etc/ssl/myCA.crt",
      }),
      "mongodb://USER_RW:PASSWORD_RW@mongo.yourdomain.com:27017/api-toucan?retryWrites=true&authSource=admin&tls=true&tlsCAFile=/etc/ssl/myCA.crt",
    );
  });

  const passwords: [string, string][] = [
    ["p@ss", "p%40ss"],
    ["a:b", "a%3Ab"],
    ["a/b", "a%2Fb"],
    ["100%", "100%25"],
    ["q?h#", "q%3Fh%23"],
    ["sp ace", "sp%20ace"],
    ["[x]", "%5Bx%5D"],
    ["é", "%C3%A9"],
  ];
  for (const [password, encoded] of passwords) {
    it(`percent-encodes the password ${JSON.stringify(password)} as ${encoded}, and the driver's parse gives it back`, () => {
      const uri = toucanMongoUri({ user: "u@corp", password, hosts: ["h"] });
      assert.ok(uri.startsWith(`mongodb://u%40corp:${encoded}@h:27017/`), uri);
      // What a driver does: split the user info at the last @, decode each part.
      const userInfo = uri.slice("mongodb://".length, uri.lastIndexOf("@"));
      const [user, pw] = userInfo.split(":").map(decodeURIComponent);
      assert.deepStrictEqual([user, pw], ["u@corp", password]);
    });
  }

  it("lets DocumentDB turn retryWrites off and change the database", () => {
    assert.strictEqual(
      toucanMongoUri({
        user: "u",
        password: "p",
        hosts: ["d.docdb.amazonaws.com"],
        retryWrites: false,
        database: "toucan",
      }),
      "mongodb://u:p@d.docdb.amazonaws.com:27017/toucan?retryWrites=false&authSource=admin",
    );
  });

  const refused: { args: Parameters<typeof toucanMongoUri>[0]; argument: string }[] = [
    { args: { user: "", password: "p", hosts: ["h"] }, argument: "user" },
    { args: { user: "u", password: "", hosts: ["h"] }, argument: "password" },
    { args: { user: "u", password: "p", hosts: [] }, argument: "hosts" },
    { args: { user: "u", password: "p", hosts: ["mongodb://h:27017"] }, argument: "hosts[0]" },
    { args: { user: "u", password: "p", hosts: ["h:99999"] }, argument: "hosts[0]" },
    { args: { user: "u", password: "p", hosts: ["h"], database: "api.toucan" }, argument: "database" },
    { args: { user: "u", password: "p", hosts: ["h"], tlsCAFile: "myCA.crt" }, argument: "tlsCAFile" },
    { args: { user: "u", password: "p", hosts: ["h"], replicaSet: "rs 0" }, argument: "replicaSet" },
  ];
  for (const c of refused) {
    it(`refuses a bad \`${c.argument}\``, () => {
      const error = argumentError(() => toucanMongoUri(c.args));
      assert.strictEqual(error.argument, c.argument, error.message);
    });
  }

  it("never prints the password in an error", () => {
    const error = argumentError(() => toucanMongoUri({ user: "u", password: "hunter2", hosts: [] }));
    assert.doesNotMatch(error.message, /hunter2/);
  });
});

describe("toucan-config: the exact messages a user reads, and the edges of each rule", () => {
  const message = (fn: () => unknown) => argumentError(fn).message;
  const messages = (fn: () => unknown) => argumentError(fn).errors.map((e) => e.message);

  it("names the default component, the value and the fix of a bad CPU size", () => {
    assert.strictEqual(
      message(() => gunicornWorkers(0)),
      "Toucan configuration: `vcpu` is 0: is not a positive number of vCPUs. Fix: give the backend's vCPUs, e.g. 0.25, 0.5, 1, 2 or 4",
    );
    assert.strictEqual(
      message(() => vcpuFromCpuUnits(-256, COMPONENT)),
      'Toucan "test": `cpu` is -256: is not a positive number of CPU units. Fix: give Fargate CPU units, e.g. 256, 512, 1024, 2048 or 4096',
    );
    for (const bad of [Number.NaN, Number.POSITIVE_INFINITY, "2" as unknown as number]) {
      argumentError(() => gunicornWorkers(bad));
      argumentError(() => vcpuFromCpuUnits(bad));
    }
    assert.strictEqual(gunicornWorkers(0.25), 1);
    assert.strictEqual(vcpuFromCpuUnits(512), 0.5);
  });

  it("accepts vendor tags with multi-digit MINOR and PATCH and refuses text around them", () => {
    for (const version of ["v100.55.1", "v100.5.12", "v1.22.333-hotfix1"]) {
      assert.strictEqual(resolveImages({ version }, COMPONENT).backendVersion, version);
    }
    for (const version of ["v100.5.1+build", "xv100.5.1", "release-v100.5.1"]) {
      assert.strictEqual(
        message(() => resolveImages({ version }, COMPONENT)),
        `Toucan "test": \`version\` is ${JSON.stringify(version)}: is not a vendor version (vMAJOR.MINOR.PATCH). ` +
          'Fix: use a vendor tag such as "v100.5.1" (or "latest-monthly" with allowFloatingVersion)',
      );
    }
    assert.strictEqual(
      message(() => resolveImages({ version: "100.55.1" }, COMPONENT)),
      'Toucan "test": `version` is "100.55.1": lacks the leading `v` of the vendor\'s tags. Fix: write "v100.55.1"',
    );
  });

  it("takes a version of Docker's 128-character tag limit and refuses one longer", () => {
    const at128 = `v1.2.3-${"a".repeat(121)}`;
    assert.strictEqual(at128.length, 128);
    assert.strictEqual(resolveImages({ version: at128 }, COMPONENT).backendVersion, at128);
    const at129 = `${at128}a`;
    assert.match(
      message(() => resolveImages({ version: at129 }, COMPONENT)),
      /is not a vendor version/,
    );
  });

  it("explains a bad image reference with the expected form", () => {
    assert.strictEqual(
      message(() => resolveImages({ version: "v100.5.1", backendImage: "https://quay.io/x:1" }, COMPONENT)),
      'Toucan "test": `backendImage` is "https://quay.io/x:1": is not an image reference (an image reference has no URL scheme (drop `https://`)). ' +
        "Fix: give [REGISTRY/]REPOSITORY[:TAG][@DIGEST], e.g. quay.io/toucantoco/backend:v100.5.1",
    );
  });

  it("names the tier left without a version", () => {
    assert.strictEqual(
      message(() => resolveImages({ backendVersion: "v100.5.1" }, COMPONENT)),
      'Toucan "test": `frontendVersion` is not set and leaves the frontend without an image version. ' +
        'Fix: set `version` (e.g. "v100.5.1") for both tiers, or `frontendVersion`, or a full `frontendImage`',
    );
  });

  it("explains the floating tag, one tier floating, and MAJOR numbers that differ", () => {
    assert.strictEqual(
      message(() => resolveImages({ version: "latest-monthly" }, COMPONENT)),
      'Toucan "test": `version` is "latest-monthly": is a floating tag, and the vendor asks production to pin a version ' +
        "(a floating tag changes the running version whenever a task restarts). " +
        'Fix: pin a version such as "v100.5.1", or set `allowFloatingVersion: true` to accept the floating tag',
    );
    assert.strictEqual(
      message(() =>
        resolveImages(
          { backendVersion: "latest-monthly", frontendVersion: "v100.5.1", allowFloatingVersion: true },
          COMPONENT,
        ),
      ),
      'Toucan "test": `backendVersion` is "latest-monthly": floats while frontendVersion "v100.5.1" is pinned ' +
        "(or the other way round), so their MAJOR numbers cannot be kept equal. Fix: pin both versions (same MAJOR), or float both",
    );
    assert.strictEqual(
      message(() => resolveImages({ backendVersion: "v99.0.1", frontendVersion: "v100.5.1" }, COMPONENT)),
      'Toucan "test": `backendVersion` is "v99.0.1": has MAJOR 99 but frontendVersion "v100.5.1" has MAJOR 100; ' +
        "the vendor requires the backend and frontend MAJOR numbers to match. " +
        'Fix: use versions of one release, e.g. backendVersion "v100.x.y" with frontendVersion "v100.5.1"',
    );
  });

  it("leaves the version fields out of the result for custom images given without one", () => {
    const resolved = resolveImages(
      { backendImage: "registry.example.com/backend:1", frontendImage: "registry.example.com/frontend:1" },
      COMPONENT,
    );
    assert.deepStrictEqual(Object.keys(resolved).sort(), ["backendImage", "frontendImage"]);
  });

  const env = { workers: 5 };

  it("accepts one worker and refuses none, with the vendor's formula as the fix", () => {
    assert.deepStrictEqual(backendEnvironment({ workers: 1 }), { TOUCAN_GUNICORN_WORKERS: "1" });
    assert.strictEqual(
      message(() => backendEnvironment({ workers: 0 }, COMPONENT)),
      'Toucan "test": `gunicornWorkers` is 0: is not a positive whole number of workers. ' +
        "Fix: use the vendor's 2 * vCPU + 1 (5 on 2 vCPUs), or leave it out to compute it from the CPU size",
    );
  });

  it("names the list, the bad item, the repeated item and the vendor's example", () => {
    assert.deepStrictEqual(
      messages(() =>
        backendEnvironment(
          {
            ...env,
            extraConnectors: "oracle" as unknown as string[],
            oldAugmentWhitelist: ["app 1", "a", "a"],
          },
          COMPONENT,
        ),
      ),
      [
        'Toucan "test": `extraConnectors` is "oracle": is not a list. Fix: give a list, e.g. ["azure_mssql", "oracle"]',
        'Toucan "test": `oldAugmentWhitelist[0]` is "app 1": is not a small-app name (^[A-Za-z0-9][A-Za-z0-9_-]*$). ' +
          'Fix: use the small-app name as the vendor spells it, e.g. ["small_app_1"]',
        'Toucan "test": `oldAugmentWhitelist[2]` is "a": is listed twice. Fix: list it once',
      ],
    );
    assert.deepStrictEqual(
      messages(() =>
        backendEnvironment({ ...env, extraConnectors: ["Oracle", 7 as unknown as string] }, COMPONENT),
      ),
      [
        'Toucan "test": `extraConnectors[0]` is "Oracle": is not a connector name (^[a-z0-9_]+$). ' +
          'Fix: use the connector name as the vendor spells it, e.g. ["azure_mssql", "oracle"]',
        'Toucan "test": `extraConnectors[1]` is 7: is not a connector name (^[a-z0-9_]+$). ' +
          'Fix: use the connector name as the vendor spells it, e.g. ["azure_mssql", "oracle"]',
      ],
    );
  });

  it("refuses a variable name with lower-case letters anywhere, showing a plain value and hiding an Output", () => {
    assert.deepStrictEqual(
      messages(() =>
        backendEnvironment({ ...env, extra: { MY_var: "x", "my-var": pulumi.output("y") } }, COMPONENT),
      ),
      [
        'Toucan "test": `environment.MY_var` is "x": is not under an environment variable name (^[A-Z_][A-Z0-9_]*$). ' +
          "Fix: use upper-case letters, digits and underscores, not starting with a digit",
        'Toucan "test": `environment.my-var` is "(redacted)": is not under an environment variable name (^[A-Z_][A-Z0-9_]*$). ' +
          "Fix: use upper-case letters, digits and underscores, not starting with a digit",
      ],
    );
  });

  it("names the argument that writes a reserved variable, showing its plain value, and hides a secret's", () => {
    assert.deepStrictEqual(
      messages(() =>
        backendEnvironment(
          {
            ...env,
            extra: {
              TOUCAN_OLD_AUGMENT_WHITELIST: "[]",
              TOUCAN_REDIS_PORT: "$PORT",
              TOUCAN_REDIS_TLS: "yes",
              TOUCAN_REDIS_PASSWORD: "hunter2",
            },
          },
          COMPONENT,
        ),
      ),
      [
        'Toucan "test": `environment.TOUCAN_OLD_AUGMENT_WHITELIST` is "[]": is written from `oldAugmentWhitelist`. Fix: use `oldAugmentWhitelist`',
        'Toucan "test": `environment.TOUCAN_REDIS_PORT` is "$PORT": is written from `redis.port`. Fix: use `redis.port`',
        'Toucan "test": `environment.TOUCAN_REDIS_TLS` is "yes": is written from `redis.tls`. Fix: use `redis.tls`',
        'Toucan "test": `environment.TOUCAN_REDIS_PASSWORD` is "(redacted)": is a secret, and plain environment variables are stored in plain text. ' +
          "Fix: deliver it as a secret (the component's `secrets`), never as a plain variable",
      ],
    );
  });

  it("refuses bad and repeated Redis variable names with the default as example", () => {
    assert.deepStrictEqual(
      messages(() =>
        backendEnvironment(
          { ...env, redisVariables: { host: "redis-host", port: "REDIS", tls: "REDIS" } },
          COMPONENT,
        ),
      ),
      [
        'Toucan "test": `redisVariables.host` is "redis-host": is not an environment variable name (^[A-Z_][A-Z0-9_]*$). ' +
          'Fix: use upper-case letters, digits and underscores, e.g. "TOUCAN_REDIS_HOST"',
        'Toucan "test": `redisVariables` is {"host":"redis-host","port":"REDIS","tls":"REDIS","url":"TOUCAN_REDIS_URL","password":"TOUCAN_REDIS_PASSWORD"}: ' +
          "gives two Redis settings the same variable name. Fix: give each of host, port, tls, url and password its own name",
      ],
    );
  });

  it("refuses a plain Redis URL with a password, and one given as an Output when it resolves", async () => {
    assert.strictEqual(
      message(() => backendEnvironment({ ...env, redis: { url: "rediss://:token@cache:6379" } }, COMPONENT)),
      'Toucan "test": `redis.url` is "(redacted)": holds a password, which would be stored in plain text in the container definition. ' +
        "Fix: deliver the URL as a secret under TOUCAN_REDIS_URL instead",
    );
    const environment = backendEnvironment(
      { ...env, redis: { url: pulumi.output("rediss://:token@cache:6379") } },
      COMPONENT,
    );
    await assert.rejects(
      (environment.TOUCAN_REDIS_URL as unknown as { promise(): Promise<string> }).promise(),
      (error: Error) =>
        error.message ===
        'Toucan "test": `redis.url` is "(redacted)": holds a URI with a password, which would be stored in plain text in the container definition. ' +
          "Fix: deliver the URL as a secret under TOUCAN_REDIS_URL",
    );
  });

  it("keeps a plain extra value a plain string, lets an Output without a password through, and refuses one with a password", async () => {
    const environment = backendEnvironment(
      {
        ...env,
        extra: {
          PLAIN: "redis://cache:6379",
          LATER: pulumi.output("https://example.com/a"),
          LEAK: pulumi.output("postgres://app:pw@db/app"),
        },
      },
      COMPONENT,
    );
    assert.strictEqual(environment.PLAIN, "redis://cache:6379");
    assert.strictEqual(await valueOf(environment.LATER), "https://example.com/a");
    await assert.rejects(
      (environment.LEAK as unknown as { promise(): Promise<string> }).promise(),
      (error: Error) =>
        error.message ===
        'Toucan "test": `environment.LEAK` is "(redacted)": holds a URI with a password, which would be stored in plain text in the container definition. ' +
          "Fix: pass it as a secret instead",
    );
  });

  it("finds passwords in URIs of any RFC 3986 scheme, and only in the user-info part", () => {
    assert.strictEqual(containsCredentialUri("x://user:pw@host"), true, "a one-letter scheme");
    assert.strictEqual(containsCredentialUri("s3://key:secret@bucket"), true, "a scheme ending with a digit");
    assert.strictEqual(containsCredentialUri("redis://user@cache:6379"), false, "a port is not a password");
    assert.strictEqual(containsCredentialUri("redis://user:@cache"), false, "an empty password");
    assert.strictEqual(containsCredentialUri("redis://u:p@cache"), true, "a one-character password");
  });

  it("explains each kind of bad host name with the name to write", () => {
    const example = "e.g. toucan.example.com";
    const cases: [unknown, { problem: string; fix: string }][] = [
      ["", { problem: "is not a host name", fix: `give a DNS name, ${example}` }],
      [
        "https://Toucan.example.com:8443/x",
        {
          problem: "includes the URL scheme https://; a host name is the bare name",
          fix: 'give just the name: "toucan.example.com"',
        },
      ],
      [
        "http://[::1]:8080",
        {
          problem: "includes the URL scheme http://; a host name is the bare name",
          fix: 'give just the name: "[::1]"',
        },
      ],
      [
        "https:///path",
        {
          problem: "includes the URL scheme https://; a host name is the bare name",
          fix: `give just the name, ${example}`,
        },
      ],
      [
        "toucan.example.com/redirect=https://x",
        { problem: "includes a path; a host name is the bare name", fix: `give just the name, ${example}` },
      ],
      [
        "toucan.example.com:8443",
        { problem: "includes a port; a host name has none", fix: 'remove ":8443"' },
      ],
      ["toucan.example.com:", { problem: "includes a port; a host name has none", fix: 'remove ":"' }],
      [
        "a:b.example.com",
        {
          problem:
            'has the label "a:b", which is not 1-63 of [a-z0-9-] starting and ending with a letter or digit',
          fix: `give a DNS name, ${example}`,
        },
      ],
      ["toucan.example.com..", { problem: "ends with a dot", fix: 'write "toucan.example.com"' }],
      ["toucan.example.com.", { problem: "ends with a dot", fix: 'write "toucan.example.com"' }],
      [
        "Toucan.Example.com",
        { problem: "has capital letters", fix: 'write it in lower case: "toucan.example.com"' },
      ],
    ];
    for (const [value, expected] of cases) {
      assert.deepStrictEqual(hostNameProblem(value), expected, JSON.stringify(value));
    }
    const label63 = "a".repeat(63);
    const at253 = `${label63}.${label63}.${label63}.${"b".repeat(61)}`;
    assert.strictEqual(at253.length, 253);
    assert.strictEqual(hostNameProblem(at253), undefined);
    assert.deepStrictEqual(hostNameProblem(`${at253}c`), {
      problem: "is longer than 253 characters",
      fix: "use a shorter name",
    });
  });

  it("explains a bad scheme, missing names, and a backend name that cannot be told apart", () => {
    assert.deepStrictEqual(
      messages(() =>
        apiBaseRoute(
          { frontendName: undefined as unknown as string, sameDomain: false, scheme: "ftp" as "https" },
          COMPONENT,
        ),
      ),
      [
        'Toucan "test": `scheme` is "ftp": is not a URL scheme Toucan is served over. Fix: use "https"',
        'Toucan "test": `frontendName` is not set and is needed. Fix: give the frontend\'s public name, e.g. toucan.example.com',
        'Toucan "test": `backendName` is not set and is needed when the backend has its own name (same-domain mode is off). ' +
          "Fix: give the backend's public name (e.g. api-toucan.example.com), or turn on same-domain mode to serve it under /_api",
      ],
    );
    assert.deepStrictEqual(
      messages(() =>
        apiBaseRoute(
          { frontendName: undefined as unknown as string, backendName: "api.example.com", sameDomain: true },
          COMPONENT,
        ),
      ),
      [
        'Toucan "test": `frontendName` is not set and is needed in same-domain mode: the backend is served under its /_api. ' +
          "Fix: give the frontend's public name, e.g. toucan.example.com",
        'Toucan "test": `backendName` is "api.example.com": is set in same-domain mode, where the backend is served under /_api ' +
          "on the frontend's name. Fix: remove backendName, or turn same-domain mode off",
      ],
    );
    assert.strictEqual(
      message(() =>
        apiBaseRoute(
          { frontendName: "t.example.com", backendName: "t.example.com", sameDomain: false },
          COMPONENT,
        ),
      ),
      'Toucan "test": `backendName` is "t.example.com": is the frontend\'s name too, so requests cannot be told apart by name. ' +
        "Fix: give the backend its own name, or turn on same-domain mode to serve it under /_api",
    );
    assert.strictEqual(
      apiBaseRoute({ frontendName: "t.example.com", sameDomain: true, scheme: "http" }),
      "http://t.example.com/_api",
    );
  });

  const mongo = { user: "toucan", password: "pw", hosts: ["mongo-0.internal"] };

  it("names each bad Mongo part and never shows the password", () => {
    assert.deepStrictEqual(
      messages(() =>
        toucanMongoUri(
          {
            user: "",
            password: "",
            hosts: ["mongo-0.internal:0", "mongo-1.internal:65536", 27017 as unknown as string],
            database: "api.toucan",
            replicaSet: "rs 0",
            tlsCAFile: "certs/ca.pem",
          },
          COMPONENT,
        ),
      ),
      [
        'Toucan "test": `user` is "": is empty. Fix: give the Mongo user name',
        'Toucan "test": `password` is "(redacted)": is empty. Fix: give the user\'s password (any characters; it is percent-encoded)',
        'Toucan "test": `hosts[0]` is "mongo-0.internal:0": is not HOST or HOST:PORT. Fix: give e.g. mongo-0.internal or mongo-0.internal:27017 (no scheme, no credentials)',
        'Toucan "test": `hosts[1]` is "mongo-1.internal:65536": is not HOST or HOST:PORT. Fix: give e.g. mongo-0.internal or mongo-0.internal:27017 (no scheme, no credentials)',
        'Toucan "test": `hosts[2]` is 27017: is not HOST or HOST:PORT. Fix: give e.g. mongo-0.internal or mongo-0.internal:27017 (no scheme, no credentials)',
        'Toucan "test": `database` is "api.toucan": is not a MongoDB database name. Fix: use e.g. "api-toucan" (no / \\ . space " $ and at most 63 characters)',
        'Toucan "test": `replicaSet` is "rs 0": is not a replica set name. Fix: use the set\'s name, e.g. "rs0"',
        'Toucan "test": `tlsCAFile` is "certs/ca.pem": is not an absolute path inside the backend container. ' +
          "Fix: mount the CA in the container and give its path, e.g. /etc/ssl/myCA.crt",
      ],
    );
    assert.deepStrictEqual(
      messages(() =>
        toucanMongoUri({ user: "toucan" } as unknown as Parameters<typeof toucanMongoUri>[0], COMPONENT),
      ),
      [
        'Toucan "test": `password` is not set and is empty. Fix: give the user\'s password (any characters; it is percent-encoded)',
        'Toucan "test": `hosts` is not set and names no Mongo host. Fix: give at least one host, e.g. ["mongo.example.com:27017"]',
      ],
    );
  });

  it("accepts ports 1 and 65535, one-letter labels and a bracketed IPv6 host, and appends extra options", () => {
    assert.strictEqual(
      toucanMongoUri({ ...mongo, hosts: ["a:1", "mongo-0.c.internal:65535", "[::1]", "[fd00::5]:27018"] }),
      "mongodb://toucan:pw@a:1,mongo-0.c.internal:65535,[::1]:27017,[fd00::5]:27018/api-toucan?retryWrites=true&authSource=admin",
    );
    assert.strictEqual(
      toucanMongoUri({ ...mongo, extra: { readPreference: "secondaryPreferred" } }),
      "mongodb://toucan:pw@mongo-0.internal:27017/api-toucan?retryWrites=true&authSource=admin&readPreference=secondaryPreferred",
    );
  });
});
