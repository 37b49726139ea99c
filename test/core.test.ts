import { strict as assert } from "assert";
import { contains, formatCidr, overlaps, parseCidr, size, subBlock } from "../components/core/cidr";
import { ArgumentChecks, ToucanArgumentError } from "../components/core/errors";
import { isMongoUri, mongoUri, mongoUriHosts, srvConnectionString } from "../components/core/mongo-uri";
import { applyTransform } from "../components/core/transform";
import { planSubnets, subnetCidr } from "../components/aws/network-layout";

const cidr = (text: string) => {
  const parsed = parseCidr(text);
  assert.ok(parsed, `${text} parses`);
  return parsed;
};

describe("IPv4 CIDR arithmetic (RFC 4632)", () => {
  it("parses a network and writes it back", () => {
    // 10.0.0.0 = 10 * 2^24; 172.16.0.0 = 172 * 2^24 + 16 * 2^16; 192.168.1.0 = 0xC0A80100.
    assert.deepEqual(parseCidr("10.0.0.0/16"), { base: 167772160, prefix: 16 });
    assert.deepEqual(parseCidr(" 172.16.0.0/12 "), { base: 2886729728, prefix: 12 });
    assert.deepEqual(parseCidr("192.168.1.0/24"), { base: 0xc0a80100, prefix: 24 });
    assert.deepEqual(parseCidr("255.255.255.255/32"), { base: 0xffffffff, prefix: 32 });
    assert.deepEqual(parseCidr("0.0.0.0/0"), { base: 0, prefix: 0 });
    assert.equal(formatCidr({ base: 0xc0a80100, prefix: 24 }), "192.168.1.0/24");
    assert.equal(formatCidr({ base: 0xffffffff, prefix: 32 }), "255.255.255.255/32");
    assert.equal(formatCidr({ base: 0x0a010203, prefix: 32 }), "10.1.2.3/32");
  });

  for (const bad of [
    "10.0.0.1/16", // host bits set
    "10.0.0.0/33",
    "256.0.0.0/8",
    "10.0.0/16",
    "10.0.0.0",
    "10.0.0.0/-1",
    "a.b.c.d/8",
    "10.0.0.0/16/1",
    "0.0.0.1/0",
    "",
  ]) {
    it(`refuses ${JSON.stringify(bad)}`, () => assert.equal(parseCidr(bad), undefined));
  }

  it("counts addresses", () => {
    assert.equal(size(cidr("10.0.0.0/16")), 65536);
    assert.equal(size(cidr("10.0.0.0/24")), 256);
    assert.equal(size(cidr("10.0.0.1/32")), 1);
    assert.equal(size(cidr("0.0.0.0/0")), 4294967296);
  });

  it("numbers sub-blocks from the parent's first address", () => {
    const vpc = cidr("10.0.0.0/16");
    assert.equal(formatCidr(subBlock(vpc, 20, 0)), "10.0.0.0/20");
    assert.equal(formatCidr(subBlock(vpc, 20, 1)), "10.0.16.0/20");
    assert.equal(formatCidr(subBlock(vpc, 20, 15)), "10.0.240.0/20");
    assert.equal(formatCidr(subBlock(vpc, 16, 0)), "10.0.0.0/16");
    assert.equal(formatCidr(subBlock(cidr("192.168.0.0/16"), 24, 255)), "192.168.255.0/24");
    assert.throws(() => subBlock(vpc, 20, 16), /has no sub-block #16 of \/20/);
    assert.throws(() => subBlock(vpc, 20, -1), /has no sub-block #-1/);
    assert.throws(() => subBlock(vpc, 15, 0), /\/15 is larger than its parent \/16/);
  });

  it("detects overlap at the edges", () => {
    assert.equal(overlaps(cidr("10.0.0.0/24"), cidr("10.0.0.255/32")), true);
    assert.equal(overlaps(cidr("10.0.0.255/32"), cidr("10.0.0.0/24")), true);
    assert.equal(overlaps(cidr("10.0.0.0/24"), cidr("10.0.1.0/24")), false);
    assert.equal(overlaps(cidr("10.0.1.0/24"), cidr("10.0.0.0/24")), false);
    assert.equal(overlaps(cidr("10.0.0.0/16"), cidr("10.0.128.0/17")), true);
    assert.equal(overlaps(cidr("10.0.0.0/24"), cidr("10.0.0.0/24")), true);
  });

  it("decides containment at the edges", () => {
    const vpc = cidr("10.0.0.0/16");
    assert.equal(contains(vpc, cidr("10.0.0.0/16")), true);
    assert.equal(contains(vpc, cidr("10.0.255.0/24")), true);
    assert.equal(contains(vpc, cidr("10.0.255.255/32")), true);
    assert.equal(contains(vpc, cidr("10.1.0.0/24")), false, "after the end");
    assert.equal(contains(cidr("10.0.1.0/24"), cidr("10.0.0.0/24")), false, "before the start");
    assert.equal(contains(cidr("10.0.0.0/24"), vpc), false, "larger than the outer block");
    assert.equal(contains(cidr("10.0.0.0/24"), cidr("10.0.0.128/25")), true);
    assert.equal(contains(cidr("10.0.0.0/25"), cidr("10.0.0.128/25")), false, "the adjacent half");
  });
});

describe("MongoDB connection strings (MongoDB's connection string format)", () => {
  it("writes the vendor's documented form", () => {
    assert.equal(
      mongoUri({
        user: "toucan",
        password: "secret",
        hosts: ["mongo-1.internal", "mongo-2.internal:27018"],
        database: "api-toucan",
        retryWrites: true,
        authSource: "admin",
        replicaSet: "rs0",
        tls: true,
        tlsCAFile: "/etc/ssl/ca.pem",
      }),
      "mongodb://toucan:secret@mongo-1.internal:27017,mongo-2.internal:27018/api-toucan" +
        "?retryWrites=true&authSource=admin&replicaSet=rs0&tls=true&tlsCAFile=/etc/ssl/ca.pem",
    );
  });

  it("percent-encodes the reserved characters of user and password (: / ? # [ ] @)", () => {
    assert.equal(
      mongoUri({ user: "a@b", password: "p:/?#[]@%", hosts: ["h"] }),
      "mongodb://a%40b:p%3A%2F%3F%23%5B%5D%40%25@h:27017/",
    );
  });

  it("writes false options and extra options after the documented ones, and no ? without options", () => {
    assert.equal(
      mongoUri({
        user: "u",
        password: "p",
        hosts: ["h"],
        retryWrites: false,
        tls: false,
        extra: { w: "majority" },
      }),
      "mongodb://u:p@h:27017/?retryWrites=false&tls=false&w=majority",
    );
    assert.equal(mongoUri({ user: "u", password: "p", hosts: ["h:1"] }), "mongodb://u:p@h:1/");
    assert.throws(() => mongoUri({ user: "u", password: "p", hosts: [] }), /at least one host/);
  });

  it("reads the hosts of a string", () => {
    assert.deepEqual(mongoUriHosts("mongodb://u:p@a:27017,b:27018/db?x=1"), ["a", "b"]);
    assert.deepEqual(mongoUriHosts("mongodb+srv://cluster0.abcde.mongodb.net/?retryWrites=true"), [
      "cluster0.abcde.mongodb.net",
    ]);
    assert.deepEqual(mongoUriHosts("  mongodb://a  "), ["a"]);
    assert.deepEqual(mongoUriHosts("mongodb://a,,b"), ["a", "b"]);
    assert.deepEqual(mongoUriHosts("mongodb://u:p@/db"), []);
    assert.deepEqual(mongoUriHosts("postgres://a:5432/db"), []);
    assert.deepEqual(mongoUriHosts("xmongodb://a"), []);
    assert.equal(isMongoUri("mongodb://a"), true);
    assert.equal(isMongoUri("mongodb://"), false);
    assert.equal(isMongoUri("https://a"), false);
  });

  it("adds credentials, database and Atlas's recommended options to a seed list", () => {
    assert.equal(
      srvConnectionString("mongodb+srv://c0-pl-0.abcde.mongodb.net", {
        user: "t",
        password: "p@",
        database: "api",
      }),
      "mongodb+srv://t:p%40@c0-pl-0.abcde.mongodb.net/api?retryWrites=true&w=majority",
    );
    assert.equal(
      srvConnectionString("mongodb+srv://old@c.mongodb.net/?w=1&appName=x", {
        user: "t",
        password: "p",
        database: "d",
      }),
      "mongodb+srv://t:p@c.mongodb.net/d?w=1&appName=x&retryWrites=true",
    );
    assert.throws(
      () => srvConnectionString("mongodb://a", { user: "t", password: "p", database: "d" }),
      /seed-list/,
    );
  });
});

describe("argument errors", () => {
  it("names the component, the argument, the value, the problem and the fix", () => {
    const e = new ToucanArgumentError('Network "n"', "azCount", 1, "is too small", "use 3");
    assert.equal(e.message, 'Network "n": `azCount` is 1: is too small. Fix: use 3');
    assert.equal(e.name, "ToucanArgumentError");
    assert.equal(
      new ToucanArgumentError("C", "a", undefined, "must be set", "set it").message,
      "C: `a` is not set and must be set. Fix: set it",
    );
    assert.equal(new ToucanArgumentError("C", "a", "x", "p", "f").message, 'C: `a` is "x": p. Fix: f');
    const long = "y".repeat(200);
    assert.equal(
      new ToucanArgumentError("C", "a", long, "p", "f").message,
      `C: \`a\` is "${"y".repeat(116)}...: p. Fix: f`,
    );
    const cyclic: Record<string, unknown> = {};
    cyclic.self = cyclic;
    assert.equal(
      new ToucanArgumentError("C", "a", cyclic, "p", "f").message,
      "C: `a` is [object Object]: p. Fix: f",
    );
  });

  it("collects every problem and throws them at once, the first one's fields on the error", () => {
    const checks = new ArgumentChecks("C");
    checks.require(true, "ok", 1, "never", "never");
    assert.equal(checks.ok, true);
    checks.throwIfAny();
    checks.require(false, "a", 1, "is bad", "fix a").fail("b", 2, "is worse", "fix b");
    assert.equal(checks.ok, false);
    assert.throws(
      () => checks.throwIfAny(),
      (error: unknown) => {
        assert.ok(error instanceof ToucanArgumentError);
        assert.equal(error.argument, "a");
        assert.equal(error.message, "C: `a` is 1: is bad. Fix: fix a\nC: `b` is 2: is worse. Fix: fix b");
        return true;
      },
    );
    const one = new ArgumentChecks("D").fail("x", "v", "p", "f");
    assert.throws(() => one.throwIfAny(), { message: 'D: `x` is "v": p. Fix: f' });
  });
});

describe("transforms", () => {
  it("merges properties over the component's arguments", () => {
    const [name, args, opts] = applyTransform<{ a: number; b?: string }>(
      { b: "x" },
      "n",
      { a: 1 },
      { protect: true },
    );
    assert.equal(name, "n");
    assert.deepEqual(args, { a: 1, b: "x" });
    assert.deepEqual(opts, { protect: true });
  });

  it("lets a function edit arguments and options in place, and rename", () => {
    const [name, args, opts] = applyTransform<{ a: number }>(
      (a, o, n) => {
        a.a = 2;
        o.ignoreChanges = ["tags"];
        return { name: `${n}-x` };
      },
      "n",
      { a: 1 },
    );
    assert.equal(name, "n-x");
    assert.deepEqual(args, { a: 2 });
    assert.deepEqual(opts, { ignoreChanges: ["tags"] });
    assert.equal(applyTransform<{ a: number }>(() => undefined, "n", { a: 1 })[0], "n");
  });

  it("returns everything unchanged without a transform", () => {
    const args = { a: 1 };
    const result = applyTransform(undefined, "n", args);
    assert.equal(result[1], args);
    assert.deepEqual(result[2], {});
  });
});

describe("subnet layout at its edges", () => {
  it("puts the last AZ that fits in its own slots and refuses the next one", () => {
    const vpc = cidr("10.0.0.0/16");
    // /20 slots in a /16: 16 slots, a quarter (4 AZs) per tier; private i -> slot i, public i -> slot 8 + i.
    assert.equal(subnetCidr(vpc, 20, "private", 3), "10.0.48.0/20");
    assert.equal(subnetCidr(vpc, 20, "public", 3), "10.0.176.0/20");
    assert.throws(
      () => subnetCidr(vpc, 20, "private", 4),
      (e: Error) =>
        e instanceof RangeError && e.message === "no room for AZ #5 in 10.0.0.0/16 with /20 subnets",
    );
  });

  it("names a VPC block that is not a network", () => {
    assert.throws(
      () => planSubnets("10.0.0.1/16", 2),
      (e: Error) => e instanceof RangeError && e.message === "10.0.0.1/16 is not an IPv4 CIDR block",
    );
  });
});
