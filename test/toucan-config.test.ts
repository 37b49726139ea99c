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
