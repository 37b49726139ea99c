/**
 * The pure core at the edges of its rules: argument-error wording (value shown, number-as-string hint,
 * secrets, truncation, collecting), CIDR text (RFC 4632 dotted quad and prefix), and MongoDB seed-list
 * strings (MongoDB's connection string format).
 */
import { strict as assert } from "assert";
import * as pulumi from "@pulumi/pulumi";
import { parseCidr } from "../components/core/cidr";
import {
  ArgumentChecks,
  ToucanArgumentError,
  checkAll,
  combineArgumentErrors,
  requireArgs,
} from "../components/core/errors";
import { mongoUri, mongoUriHosts, srvConnectionString } from "../components/core/mongo-uri";
import { validateSsoProviders } from "../components/core/sso";
import { transformingChildren } from "../components/core/transform";

const error = (value: unknown, problem = "is not a port number") =>
  new ToucanArgumentError("C", "port", value, problem, "give 1-65535").message;

describe("argument errors: how the value is shown", () => {
  it("tells a user who quoted a number to drop the quotes, for numeric problems only", () => {
    const hint = " (it is a string: give the number without quotes)";
    for (const text of ["8080", " 8080 ", "-3", "12", "1.5", "1.25", "-0.75"]) {
      assert.equal(
        error(text),
        `C: \`port\` is ${JSON.stringify(text)}: is not a port number${hint}. Fix: give 1-65535`,
      );
    }
    for (const text of ["8080x", "x8080", "1.", "1.x", "abc", "-", ".5"]) {
      assert.equal(
        error(text),
        `C: \`port\` is ${JSON.stringify(text)}: is not a port number. Fix: give 1-65535`,
        text,
      );
    }
    assert.equal(error(8080), "C: `port` is 8080: is not a port number. Fix: give 1-65535");
    assert.equal(
      error("123", "is not a valid name"),
      'C: `port` is "123": is not a valid name. Fix: give 1-65535',
    );
  });

  it("never shows the plan's stand-in for an encrypted value as if the user had typed it", () => {
    assert.equal(
      error("plan-placeholder-secret-value", "is not valid"),
      "C: `port` is an encrypted (secure:) value that is not valid. Fix: give 1-65535",
    );
  });

  it("shows strings quoted, objects as JSON, and what JSON cannot write as text", () => {
    assert.equal(error({ a: 1 }, "is wrong"), 'C: `port` is {"a":1}: is wrong. Fix: give 1-65535');
    assert.equal(error(Symbol("s"), "is wrong"), "C: `port` is Symbol(s): is wrong. Fix: give 1-65535");
    assert.equal(error(10n, "is wrong"), "C: `port` is 10: is wrong. Fix: give 1-65535");
    assert.equal(error(undefined, "is needed"), "C: `port` is not set and is needed. Fix: give 1-65535");
  });

  it("shortens a value longer than 120 characters to 117 and an ellipsis", () => {
    const at120 = "a".repeat(118); // 120 with its quotes
    assert.equal(error(at120, "is wrong"), `C: \`port\` is "${at120}": is wrong. Fix: give 1-65535`);
    const at121 = "a".repeat(119);
    assert.equal(
      error(at121, "is wrong"),
      `C: \`port\` is "${"a".repeat(116)}...: is wrong. Fix: give 1-65535`,
    );
  });
});

describe("argument errors: collecting problems", () => {
  it("checks an id known at plan time, and reports nothing for a good one or an Output", () => {
    const problem = (v: string) => (v.startsWith("subnet-") ? undefined : "is not a subnet id");
    const checks = new ArgumentChecks("Network");
    checks.id("subnetIds[0]", "subnet-0a1b", problem, "give subnet-...");
    checks.id("subnetIds[1]", { later: true }, problem, "give subnet-...");
    assert.equal(checks.ok, true);
    assert.equal(checks.error(), undefined);
    checks.id("subnetIds[2]", "sg-0a1b", problem, "give subnet-...");
    assert.equal(checks.ok, false);
    assert.equal(
      checks.error()?.message,
      'Network: `subnetIds[2]` is "sg-0a1b": is not a subnet id. Fix: give subnet-...',
    );
  });

  it("reports a problem found twice (a parent and its child) once, and flattens combined errors", () => {
    const a = new ToucanArgumentError("Toucan", "vpcCidr", "10.0.0.1/16", "is not a network", "fix a");
    const again = new ToucanArgumentError("Network", "cidr", "10.0.0.1/16", "is not a network", "fix a");
    const b = new ToucanArgumentError("Toucan", "azCount", 9, "is more than the region has", "fix b");
    const c = new ToucanArgumentError("Toucan", "domain", "x", "is not a host name", "fix c");
    const combined = combineArgumentErrors([combineArgumentErrors([a, b]), again, c]);
    assert.deepEqual(
      combined.errors.map((e) => e.argument),
      ["vpcCidr", "azCount", "domain"],
    );
    assert.equal(combined.message, [a.message, b.message, c.message].join("\n"));
    assert.equal(combined.argument, "vpcCidr");
    assert.equal(combineArgumentErrors([a]), a, "a single problem is thrown as is");
  });

  it("runs every check and throws all their argument problems; other errors pass through", () => {
    const a = new ToucanArgumentError("A", "x", 1, "is wrong", "fix x");
    const b = new ToucanArgumentError("B", "y", 2, "is wrong too", "fix y");
    assert.throws(
      () =>
        checkAll([
          () => {
            throw a;
          },
          () => undefined,
          () => {
            throw b;
          },
        ]),
      (e: ToucanArgumentError) => e.errors.length === 2 && e.message === `${a.message}\n${b.message}`,
    );
    assert.throws(
      () =>
        checkAll([
          () => {
            throw new TypeError("boom");
          },
        ]),
      TypeError,
    );
  });

  it("refuses arguments that are not an object, naming the example to pass", () => {
    const example = '{ version: "v100.5.1" }';
    for (const [args, shown] of [
      [undefined, "is not set and"],
      [null, "is null:"],
      ["v100.5.1", 'is "v100.5.1":'],
      [[], "is []:"],
    ] as const) {
      assert.throws(
        () => requireArgs("Toucan", args, example),
        (e: Error) =>
          e instanceof ToucanArgumentError &&
          e.message ===
            `Toucan: \`args\` ${shown} is not an object of arguments. Fix: pass { version: "v100.5.1" }`,
        String(args),
      );
    }
    assert.doesNotThrow(() => requireArgs("Toucan", {}, example));
  });
});

describe("CIDR text (RFC 4632: a dotted quad of 0-255, a prefix of 0-32)", () => {
  it("reads a last octet of two or three digits", () => {
    assert.deepEqual(parseCidr("10.0.0.16/28"), { base: 0x0a000010, prefix: 28 });
    assert.deepEqual(parseCidr("10.0.0.128/25"), { base: 0x0a000080, prefix: 25 });
  });

  for (const bad of ["1010.0.0.0/16", "10.0.0.0/160", "x10.0.0.0/16", "10.0.0.0/16x"]) {
    it(`refuses ${bad}`, () => assert.equal(parseCidr(bad), undefined));
  }
});

describe("MongoDB strings at their edges (MongoDB's connection string format)", () => {
  const parts = { user: "t", password: "p", database: "d" };

  it("gives an IPv6 host without a port the default port, and reads IPv6 hosts back", () => {
    assert.equal(
      mongoUri({ user: "u", password: "p", hosts: ["[fd00::1:2]", "[::1]:27018"] }),
      "mongodb://u:p@[fd00::1:2]:27017,[::1]:27018/",
    );
    assert.deepEqual(mongoUriHosts("mongodb://[::1]:27017,[fd00::5]/db"), ["[::1]", "[fd00::5]"]);
  });

  it("keeps a seed list's own retryWrites and w, and trims the base", () => {
    assert.equal(
      srvConnectionString(" mongodb+srv://c.mongodb.net/?retryWrites=false&w=1 ", parts),
      "mongodb+srv://t:p@c.mongodb.net/d?retryWrites=false&w=1",
    );
  });

  for (const base of ["xmongodb+srv://c.mongodb.net", "mongodb+srv://c.mongodb.net/other"]) {
    it(`refuses ${base} as a seed list, naming it`, () => {
      assert.throws(
        () => srvConnectionString(base, parts),
        (e: Error) => e.message === `srvConnectionString: not a mongodb+srv:// seed-list string: ${base}`,
      );
    });
  }
});

describe("SSO providers that are right", () => {
  it("accepts one SAML2 provider with its IdP and one OIDC provider with its discovery values", () => {
    const checks = new ArgumentChecks("SingleSignOn");
    const providers = [
      {
        id: "okta",
        type: "SAML2",
        saml: {
          entityId: "http://www.okta.com/exk1",
          singleSignOnUrl: "https://o.example.com/sso",
          x509cert: "MIIB",
        },
      },
      {
        id: "google_openid_connect",
        type: "OIDC",
        oidc: {
          issuer: "https://accounts.google.com",
          authorizationEndpoint: "https://accounts.google.com/o/oauth2/v2/auth",
          tokenEndpoint: "https://oauth2.googleapis.com/token",
          userinfoEndpoint: "https://openidconnect.googleapis.com/v1/userinfo",
          jwksUri: "https://www.googleapis.com/oauth2/v3/certs",
        },
      },
    ];
    assert.deepEqual(validateSsoProviders(checks, "sso.providers", providers), providers);
    assert.equal(checks.ok, true, checks.error()?.message);
  });
});

describe("a component's transform over every resource below it", () => {
  type Args = Parameters<pulumi.ResourceTransformation>[0];
  const resource = (
    type: string,
    name: string,
    props: pulumi.Inputs = {},
    opts: pulumi.ResourceOptions = {},
  ) => ({ type, name, props, opts }) as unknown as Args;
  const SELF = { type: "toucan:aws:Network", name: "net" };

  it("leaves the options as they are without a transform", () => {
    const opts = { protect: true };
    assert.equal(transformingChildren(opts, undefined, SELF), opts);
  });

  it("keeps the component's options and transformations, and adds one that skips the component itself once", () => {
    const seen: string[] = [];
    const earlier: pulumi.ResourceTransformation = () => undefined;
    const opts = transformingChildren(
      { protect: true, transformations: [earlier] },
      (r) => seen.push(`${r.type} ${r.name}`),
      SELF,
    );
    assert.equal(opts.protect, true);
    assert.equal(opts.transformations?.length, 2);
    assert.equal(opts.transformations?.[0], earlier);
    const run = opts.transformations![1];
    assert.equal(run(resource("toucan:aws:Network", "net")), undefined);
    assert.deepEqual(seen, []);
    run(resource("toucan:aws:Network", "net-2"));
    run(resource("aws:ec2/vpc:Vpc", "net"));
    run(resource("toucan:aws:Network", "net"));
    assert.deepEqual(seen, ["toucan:aws:Network net-2", "aws:ec2/vpc:Vpc net", "toucan:aws:Network net"]);
  });

  it("gives the transform its own copy of each resource's inputs and options, and returns the edits", () => {
    const opts = transformingChildren(
      {} as pulumi.ResourceOptions,
      ({ props, opts: o }) => {
        props.tags = { team: "data" };
        o.protect = true;
      },
      SELF,
    );
    const props = { cidrBlock: "10.0.0.0/16" };
    const options: pulumi.ResourceOptions = { ignoreChanges: ["tags"] };
    const result = opts.transformations![0](resource("aws:ec2/vpc:Vpc", "net-vpc", props, options));
    assert.deepEqual(result, {
      props: { cidrBlock: "10.0.0.0/16", tags: { team: "data" } },
      opts: { ignoreChanges: ["tags"], protect: true },
    });
    assert.deepEqual(props, { cidrBlock: "10.0.0.0/16" });
    assert.deepEqual(options, { ignoreChanges: ["tags"] });
  });
});
