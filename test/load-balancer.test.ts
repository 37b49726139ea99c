import { strict as assert } from "assert";
import {
  DEFAULT_SSL_POLICY,
  LoadBalancer,
  LoadBalancerArgs,
  accessLogBucketPolicy,
  rewritePath,
} from "../components/aws/load-balancer";
import { ToucanArgumentError } from "../components/core/errors";
import { record, recordFailure, valueOf, RecordedResource, Recording } from "../components/planner/recorder";

const ALB = "aws:lb/loadBalancer:LoadBalancer";
const SG = "aws:ec2/securityGroup:SecurityGroup";
const INGRESS = "aws:vpc/securityGroupIngressRule:SecurityGroupIngressRule";
const EGRESS = "aws:vpc/securityGroupEgressRule:SecurityGroupEgressRule";
const TG = "aws:lb/targetGroup:TargetGroup";
const LISTENER = "aws:lb/listener:Listener";
const RULE = "aws:lb/listenerRule:ListenerRule";
const RECORD = "aws:route53/record:Record";
const BUCKET = "aws:s3/bucket:Bucket";
const BUCKET_POLICY = "aws:s3/bucketPolicy:BucketPolicy";

const CERT_ARN = "arn:aws:acm:eu-west-1:123456789012:certificate/0a1b2c3d-1111-2222-3333-444455556666";
const ZONE = "Z0123456789ABCDEFGHIJ";

const frontend = { hostnames: ["toucan.example.com"], healthCheckPath: "/tucana-version.txt" };
const backend = { hostnames: ["api-toucan.example.com"], healthCheckPath: "/" };
const sameDomainBackend = { pathPrefix: "/_api", healthCheckPath: "/" };

function args(overrides: Partial<LoadBalancerArgs> = {}): LoadBalancerArgs {
  return {
    vpcId: "vpc-0123456789abcdef0",
    publicSubnetIds: ["subnet-aaaaaaaaaaaaaaaaa", "subnet-bbbbbbbbbbbbbbbbb", "subnet-ccccccccccccccccc"],
    certificateArn: CERT_ARN,
    targets: { frontend, backend },
    ...overrides,
  };
}

const builds = new Map<string, Promise<{ lb: LoadBalancer; recording: Recording }>>();

/**
 * Builds the component once per distinct arguments: a recording is plain data, so tests that only read it share
 * it (this keeps the file fast).
 */
function build(a: LoadBalancerArgs, preview = false): Promise<{ lb: LoadBalancer; recording: Recording }> {
  const key = `${preview}:${JSON.stringify(a)}`;
  if (!builds.has(key)) {
    builds.set(
      key,
      record(() => new LoadBalancer("toucan-lb", a), { preview, region: "eu-west-1" }).then(
        ({ result, recording }) => ({ lb: result, recording }),
      ),
    );
  }
  return builds.get(key)!;
}

function listener(recording: Recording, port: number, alb = "toucan-lb-alb"): RecordedResource {
  const found = recording
    .byType(LISTENER)
    .filter(
      (l) => l.inputs.port === port && l.inputs.loadBalancerArn === recording.one(ALB, alb).outputs.arn,
    );
  assert.equal(found.length, 1, `expected one :${port} listener on ${alb}`);
  return found[0];
}

interface Condition {
  hostHeader?: { values: string[] };
  pathPattern?: { values: string[] };
}

function conditions(rule: RecordedResource): Condition[] {
  return rule.inputs.conditions as Condition[];
}

describe("LoadBalancer", () => {
  describe("shared (default): one ALB routing by host name", () => {
    it("GIVEN two targets THEN one ALB and one security group are built, in the public subnets", async () => {
      const { recording } = await build(args());
      const alb = recording.one(ALB);
      assert.equal(recording.byType(SG).length, 1);
      assert.equal(alb.inputs.loadBalancerType, "application");
      assert.equal(alb.inputs.internal, false);
      assert.deepEqual(alb.inputs.subnets, args().publicSubnetIds);
      assert.deepEqual(alb.inputs.securityGroups, [recording.one(SG).outputs.id]);
    });

    it("GIVEN defaults THEN the ALB drops invalid headers, is deletion-protected and waits >= 120 s on idle", async () => {
      const { recording } = await build(args());
      const alb = recording.one(ALB);
      assert.equal(alb.inputs.dropInvalidHeaderFields, true);
      assert.equal(alb.inputs.enableDeletionProtection, true);
      assert.ok((alb.inputs.idleTimeout as number) >= 120, `idle timeout ${alb.inputs.idleTimeout}`);
      assert.equal(alb.inputs.accessLogs, undefined);
    });

    it("GIVEN deletionProtection false and an idle timeout THEN the ALB gets them", async () => {
      const { recording } = await build(args({ deletionProtection: false, idleTimeoutSeconds: 300 }));
      assert.equal(recording.one(ALB).inputs.enableDeletionProtection, false);
      assert.equal(recording.one(ALB).inputs.idleTimeout, 300);
    });

    it("GIVEN defaults THEN the security group lets in exactly 80 and 443 from anywhere, and has no egress rule", async () => {
      const { recording } = await build(args());
      const sg = recording.one(SG);
      assert.equal(sg.inputs.ingress, undefined, "no inline rules");
      assert.equal(sg.inputs.egress, undefined, "no inline rules");
      const rules = recording
        .byType(INGRESS)
        .map((r) => ({ ...r.inputs }))
        .map(({ securityGroupId, ipProtocol, fromPort, toPort, cidrIpv4, cidrIpv6 }) => ({
          securityGroupId,
          ipProtocol,
          fromPort,
          toPort,
          cidrIpv4,
          cidrIpv6,
        }));
      const base = {
        securityGroupId: sg.outputs.id,
        ipProtocol: "tcp",
        cidrIpv4: "0.0.0.0/0",
        cidrIpv6: undefined,
      };
      assert.deepEqual(
        rules.sort((a, b) => (a.fromPort as number) - (b.fromPort as number)),
        [
          { ...base, fromPort: 80, toPort: 80 },
          { ...base, fromPort: 443, toPort: 443 },
        ],
      );
      assert.deepEqual(recording.byType(EGRESS), []);
    });

    it("GIVEN ingress CIDRs THEN 80 and 443 are open to those only", async () => {
      const cidrs = ["203.0.113.0/24", "198.51.100.0/24"];
      const { recording } = await build(args({ ingressCidrs: cidrs }));
      const open = recording.byType(INGRESS).map((r) => `${r.inputs.fromPort}<-${r.inputs.cidrIpv4}`);
      assert.deepEqual(open.sort(), [
        "443<-198.51.100.0/24",
        "443<-203.0.113.0/24",
        "80<-198.51.100.0/24",
        "80<-203.0.113.0/24",
      ]);
    });

    it("GIVEN dualstack THEN IPv6 gets in too and the ALB answers on both", async () => {
      const { recording } = await build(args({ ipAddressType: "dualstack" }));
      assert.equal(recording.one(ALB).inputs.ipAddressType, "dualstack");
      const v6 = recording.byType(INGRESS).filter((r) => r.inputs.cidrIpv6 === "::/0");
      assert.deepEqual(v6.map((r) => r.inputs.fromPort).sort(), [443, 80]);
    });

    it("GIVEN the HTTP listener THEN it redirects every request to HTTPS with a 301", async () => {
      const { recording } = await build(args());
      const http = listener(recording, 80);
      assert.equal(http.inputs.protocol, "HTTP");
      assert.deepEqual(http.inputs.defaultActions, [
        { type: "redirect", redirect: { protocol: "HTTPS", port: "443", statusCode: "HTTP_301" } },
      ]);
    });

    it("GIVEN the HTTPS listener THEN it serves the certificate with the TLS 1.2+/1.3 policy and answers 404 by default", async () => {
      const { recording } = await build(args());
      const https = listener(recording, 443);
      assert.equal(https.inputs.protocol, "HTTPS");
      assert.equal(https.inputs.certificateArn, CERT_ARN);
      assert.equal(https.inputs.sslPolicy, "ELBSecurityPolicy-TLS13-1-2-2021-06");
      assert.equal(DEFAULT_SSL_POLICY, "ELBSecurityPolicy-TLS13-1-2-2021-06");
      assert.deepEqual(https.inputs.defaultActions, [
        {
          type: "fixed-response",
          fixedResponse: { contentType: "text/plain", messageBody: "Not found", statusCode: "404" },
        },
      ]);
    });

    it("GIVEN targets THEN each gets an IP target group with its port, health check and deregistration delay", async () => {
      const { recording } = await build(
        args({
          targets: {
            frontend,
            backend: { ...backend, port: 8080, healthCheckMatcher: "200", deregistrationDelaySeconds: 10 },
          },
        }),
      );
      const fe = recording.one(TG, "toucan-lb-frontend");
      const be = recording.one(TG, "toucan-lb-backend");
      for (const tg of [fe, be]) {
        assert.equal(tg.inputs.targetType, "ip");
        assert.equal(tg.inputs.protocol, "HTTP");
        assert.equal(tg.inputs.vpcId, "vpc-0123456789abcdef0");
      }
      assert.equal(fe.inputs.port, 80);
      assert.equal(fe.inputs.deregistrationDelay, 30);
      assert.deepEqual(fe.inputs.healthCheck, {
        enabled: true,
        protocol: "HTTP",
        port: "traffic-port",
        path: "/tucana-version.txt",
        matcher: "200-399",
        interval: 15,
        timeout: 5,
        healthyThreshold: 2,
        unhealthyThreshold: 3,
      });
      assert.equal(be.inputs.port, 8080);
      assert.equal(be.inputs.deregistrationDelay, 10);
      assert.equal((be.inputs.healthCheck as { path: string }).path, "/");
      assert.equal((be.inputs.healthCheck as { matcher: string }).matcher, "200");
    });

    it("GIVEN host names THEN each target gets a host-header rule on the HTTPS listener forwarding to its group", async () => {
      const { recording } = await build(args());
      const https = listener(recording, 443);
      for (const [key, host] of [
        ["frontend", "toucan.example.com"],
        ["backend", "api-toucan.example.com"],
      ]) {
        const rule = recording.one(RULE, `toucan-lb-${key}-host`);
        assert.equal(rule.inputs.listenerArn, https.outputs.arn);
        assert.deepEqual(conditions(rule), [{ hostHeader: { values: [host] } }]);
        assert.deepEqual(rule.inputs.actions, [
          { type: "forward", targetGroupArn: recording.one(TG, `toucan-lb-${key}`).outputs.arn },
        ]);
        assert.equal(rule.inputs.transforms, undefined);
      }
      const priorities = recording.byType(RULE).map((r) => r.inputs.priority);
      assert.equal(new Set(priorities).size, priorities.length, "priorities are unique on a listener");
    });

    it("GIVEN more than 3 names THEN they are split over rules of 3 (ALB's limit per condition)", async () => {
      const hostnames = ["a.example.com", "b.example.com", "c.example.com", "d.example.com"];
      const { recording } = await build(args({ targets: { frontend: { ...frontend, hostnames } } }));
      const first = recording.one(RULE, "toucan-lb-frontend-host");
      const second = recording.one(RULE, "toucan-lb-frontend-host-2");
      assert.deepEqual(conditions(first), [{ hostHeader: { values: hostnames.slice(0, 3) } }]);
      assert.deepEqual(conditions(second), [{ hostHeader: { values: ["d.example.com"] } }]);
      assert.equal(second.inputs.priority, (first.inputs.priority as number) + 1);
    });

    it("GIVEN a wildcard name THEN its rule comes after every exact host rule", async () => {
      const { recording } = await build(
        args({
          targets: {
            frontend: { ...frontend, hostnames: ["*.example.com"] },
            backend: { ...backend, hostnames: ["api-toucan.example.com"] },
          },
        }),
      );
      const wildcard = recording.one(RULE, "toucan-lb-frontend-wildcard");
      const exact = recording.one(RULE, "toucan-lb-backend-host");
      assert.ok((wildcard.inputs.priority as number) > (exact.inputs.priority as number));
    });

    it("GIVEN a third target THEN the existing resources keep their names and rule priorities", async () => {
      const two = await build(args());
      const three = await build(
        args({
          targets: {
            frontend,
            backend,
            screenshot: { hostnames: ["shots.example.com"], healthCheckPath: "/health" },
          },
        }),
      );
      const urns = new Set(three.recording.resources.map((r) => r.urn));
      for (const r of two.recording.resources) assert.ok(urns.has(r.urn), `${r.urn} was renamed`);
      for (const rule of two.recording.byType(RULE)) {
        assert.equal(three.recording.one(RULE, rule.name).inputs.priority, rule.inputs.priority);
      }
    });

    it("GIVEN a zone THEN each host name gets an alias A record to the ALB, evaluating target health", async () => {
      const { recording } = await build(args({ zoneId: ZONE }));
      const alb = recording.one(ALB);
      const records = recording.byType(RECORD);
      assert.deepEqual(records.map((r) => r.inputs.name).sort(), [
        "api-toucan.example.com",
        "toucan.example.com",
      ]);
      for (const r of records) {
        assert.equal(r.inputs.zoneId, ZONE);
        assert.equal(r.inputs.type, "A");
        assert.deepEqual(r.inputs.aliases, [
          { name: alb.outputs.dnsName, zoneId: alb.outputs.zoneId, evaluateTargetHealth: true },
        ]);
      }
    });

    it("GIVEN dualstack and a zone THEN AAAA aliases join the A records", async () => {
      const { recording } = await build(args({ zoneId: ZONE, ipAddressType: "dualstack" }));
      const types = recording.byType(RECORD).map((r) => `${r.inputs.type} ${r.inputs.name}`);
      assert.deepEqual(types.sort(), [
        "A api-toucan.example.com",
        "A toucan.example.com",
        "AAAA api-toucan.example.com",
        "AAAA toucan.example.com",
      ]);
    });

    it("GIVEN no zone THEN no DNS record is created", async () => {
      const { recording } = await build(args());
      assert.deepEqual(recording.byType(RECORD), []);
    });

    it("GIVEN the outputs THEN they point at the shared ALB and each target's group", async () => {
      const { lb, recording } = await build(args());
      const alb = recording.one(ALB);
      const sg = recording.one(SG);
      for (const key of ["frontend", "backend"]) {
        const tg = recording.one(TG, `toucan-lb-${key}`);
        assert.equal(await valueOf(lb.securityGroupIds[key]), sg.outputs.id);
        assert.equal(await valueOf(lb.targetGroupArns[key]), tg.outputs.arn);
        assert.equal(await valueOf(lb.targetGroupArnSuffixes[key]), tg.outputs.arnSuffix);
        assert.equal(await valueOf(lb.loadBalancerArnSuffixes[key]), alb.outputs.arnSuffix);
        assert.equal(await valueOf(lb.dnsNames[key]), alb.outputs.dnsName);
        assert.equal(await valueOf(lb.zoneIds[key]), alb.outputs.zoneId);
        assert.equal(await valueOf(lb.httpsListenerArns[key]), listener(recording, 443).outputs.arn);
      }
      assert.match(
        String(await valueOf(lb.targetGroupArnSuffixes.backend)),
        /^targetgroup\/toucan-lb-backend-/,
      );
      assert.match(String(await valueOf(lb.loadBalancerArnSuffixes.backend)), /^app\/toucan-lb-alb-/);
    });

    it("GIVEN the listeners and rules THEN they are what ECS services must wait for", async () => {
      const { lb, recording } = await build(args());
      const ready = await Promise.all(lb.readyResources.map((r) => valueOf(r.urn)));
      const expected = [...recording.byType(LISTENER), ...recording.byType(RULE)].map((r) => r.urn);
      assert.deepEqual(ready.sort(), expected.sort());
    });

    it("GIVEN every AWS name THEN it is within AWS's limits (ALB and target group <= 32)", async () => {
      const { recording } = await build(
        args({
          zoneId: ZONE,
          accessLogs: true,
          targets: { "screenshot-x": { ...frontend, hostnames: ["s.example.com"] } },
        }),
      );
      for (const r of [...recording.byType(ALB), ...recording.byType(TG)]) {
        const name = String(r.outputs.name);
        assert.ok(name.length <= 32, `${r.type} name ${name} is ${name.length} characters`);
        assert.match(name, /^[A-Za-z0-9-]+$/);
      }
      for (const r of recording.byType(SG)) assert.ok(String(r.outputs.name).length <= 255);
      for (const r of recording.byType(BUCKET)) {
        const bucket = String(r.outputs.bucket);
        assert.ok(bucket.length <= 63 && /^[a-z0-9.-]+$/.test(bucket), `bucket ${bucket}`);
      }
    });

    it("GIVEN a transform THEN the child's arguments are changed", async () => {
      const { recording } = await build(args({ transform: { loadBalancer: { enableHttp2: false } } }));
      assert.equal(recording.one(ALB).inputs.enableHttp2, false);
    });
  });

  describe("same domain: the backend under /_api of the frontend's name", () => {
    it("GIVEN a path prefix THEN a rule on the frontend's names sends /_api and /_api/* to the backend, stripping the prefix", async () => {
      const { recording } = await build(
        args({ zoneId: ZONE, targets: { frontend, backend: sameDomainBackend } }),
      );
      const rule = recording.one(RULE, "toucan-lb-backend-path");
      assert.equal(rule.inputs.listenerArn, listener(recording, 443).outputs.arn);
      assert.deepEqual(conditions(rule), [
        { hostHeader: { values: ["toucan.example.com"] } },
        { pathPattern: { values: ["/_api", "/_api/*"] } },
      ]);
      assert.deepEqual(rule.inputs.actions, [
        { type: "forward", targetGroupArn: recording.one(TG, "toucan-lb-backend").outputs.arn },
      ]);
      assert.deepEqual(rule.inputs.transforms, [
        {
          type: "url-rewrite",
          urlRewriteConfig: { rewrite: { regex: "^/_api(?:/(.*)|(\\?.*))?$", replace: "/$1$2" } },
        },
      ]);
    });

    it("GIVEN the path rule THEN it is evaluated before the frontend's host rule", async () => {
      const { recording } = await build(
        args({ zoneId: ZONE, targets: { frontend, backend: sameDomainBackend } }),
      );
      const path = recording.one(RULE, "toucan-lb-backend-path").inputs.priority as number;
      const host = recording.one(RULE, "toucan-lb-frontend-host").inputs.priority as number;
      assert.ok(path < host, `path rule ${path} must come before host rule ${host}`);
      assert.deepEqual(
        recording
          .byType(RULE)
          .map((r) => r.name)
          .sort(),
        ["toucan-lb-backend-path", "toucan-lb-frontend-host"],
        "the backend has no host rule of its own",
      );
    });

    it("GIVEN a zone THEN only the frontend's name gets a record", async () => {
      const { recording } = await build(
        args({ zoneId: ZONE, targets: { frontend, backend: sameDomainBackend } }),
      );
      assert.deepEqual(
        recording.byType(RECORD).map((r) => r.inputs.name),
        ["toucan.example.com"],
      );
    });

    const table: [string, string][] = [
      ["/_api/x", "/x"],
      ["/_api/small-apps", "/small-apps"],
      [new URL("https://toucan.example.com/_api/small-apps?x=1").pathname, "/small-apps"],
      ["/_api/a/b/c.json", "/a/b/c.json"],
      ["/_api", "/"],
      ["/_api/", "/"],
      ["/_apiary", "/_apiary"],
      ["/x/_api/y", "/x/_api/y"],
      ["/", "/"],
    ];
    for (const [input, output] of table) {
      it(`rewrites ${input} to ${output}`, () => {
        assert.equal(rewritePath(input), output);
      });
    }

    // What the backend receives for a request, from the regex and replacement the rule sends to AWS, on both
    // readings of "the request URL": the path alone (the ALB keeps the query string), or path and query.
    const received: [string, string][] = [
      ["/_api", "/"],
      ["/_api/", "/"],
      ["/_api?x=1", "/?x=1"],
      ["/_api/?x=1", "/?x=1"],
      ["/_api/a?b=1", "/a?b=1"],
      ["/_api/a/b?c=1&d=/_api", "/a/b?c=1&d=/_api"],
      ["/_apiary?x=1", "/_apiary?x=1"],
      ["/_api.json?x=1", "/_api.json?x=1"],
      ["/x/_api?y=1", "/x/_api?y=1"],
    ];
    for (const reading of ["path only", "path and query"] as const) {
      it(`GIVEN the rule's regex read on the ${reading} THEN the backend receives the request without /_api`, async () => {
        const { recording } = await build(
          args({ zoneId: ZONE, targets: { frontend, backend: sameDomainBackend } }),
        );
        const [transform] = recording.one(RULE, "toucan-lb-backend-path").inputs.transforms as {
          urlRewriteConfig: { rewrite: { regex: string; replace: string } };
        }[];
        const { regex, replace } = transform.urlRewriteConfig.rewrite;
        // AWS supports no lookaround and no backreference.
        assert.doesNotMatch(regex, /\(\?[=!<]|\\[1-9]/);
        const re = new RegExp(regex);
        const substitute = (s: string) =>
          re.test(s) ? replace.replace(/\$(\d)/g, (_, n: string) => s.match(re)![Number(n)] ?? "") : s;
        for (const [request, expected] of received) {
          const q = request.indexOf("?");
          const [path, query] = q < 0 ? [request, ""] : [request.slice(0, q), request.slice(q)];
          const got = reading === "path only" ? substitute(path) + query : substitute(request);
          assert.equal(got, expected, `${request} (${reading})`);
        }
      });
    }

    it("rewrites another prefix, escaping its regex characters", () => {
      assert.equal(rewritePath("/v1.0/x", "/v1.0"), "/x");
      assert.equal(rewritePath("/v1x0/x", "/v1.0"), "/v1x0/x");
    });
  });

  describe("dedicated: one ALB per target (the vendor's layout)", () => {
    it("GIVEN two targets with names THEN two ALBs are built, in the one group every mode uses", async () => {
      const { recording } = await build(args({ mode: "dedicated", zoneId: ZONE }));
      assert.deepEqual(
        recording.byType(ALB).map((r) => r.name),
        ["toucan-lb-frontend", "toucan-lb-backend"],
      );
      // The same group as in shared mode: a mode switch changes no task's ingress rule.
      assert.deepEqual(
        recording.byType(SG).map((r) => r.name),
        ["toucan-lb-alb"],
      );
      for (const alb of recording.byType(ALB)) {
        const sg = recording.one(SG, "toucan-lb-alb");
        assert.deepEqual(alb.inputs.securityGroups, [sg.outputs.id]);
        const ports = recording
          .byType(INGRESS)
          .filter((r) => r.inputs.securityGroupId === sg.outputs.id)
          .map((r) => r.inputs.fromPort);
        assert.deepEqual(ports.sort(), [443, 80]);
      }
    });

    it("GIVEN each ALB THEN its HTTPS listener forwards to its own target and HTTP redirects", async () => {
      const { recording } = await build(args({ mode: "dedicated", zoneId: ZONE }));
      for (const key of ["frontend", "backend"]) {
        const https = listener(recording, 443, `toucan-lb-${key}`);
        assert.equal(https.inputs.sslPolicy, DEFAULT_SSL_POLICY);
        assert.deepEqual(https.inputs.defaultActions, [
          { type: "forward", targetGroupArn: recording.one(TG, `toucan-lb-${key}-d`).outputs.arn },
        ]);
        const http = listener(recording, 80, `toucan-lb-${key}`);
        assert.equal(
          (http.inputs.defaultActions as { redirect: { statusCode: string } }[])[0].redirect.statusCode,
          "HTTP_301",
        );
      }
      assert.deepEqual(recording.byType(RULE), [], "no host rule is needed: each ALB serves one target");
    });

    it("GIVEN the outputs THEN each target points at its own ALB", async () => {
      const { lb, recording } = await build(args({ mode: "dedicated", zoneId: ZONE }));
      for (const key of ["frontend", "backend"]) {
        const alb = recording.one(ALB, `toucan-lb-${key}`);
        assert.equal(await valueOf(lb.securityGroupIds[key]), recording.one(SG, "toucan-lb-alb").outputs.id);
        assert.equal(await valueOf(lb.loadBalancerArnSuffixes[key]), alb.outputs.arnSuffix);
        assert.equal(await valueOf(lb.dnsNames[key]), alb.outputs.dnsName);
        const host = key === "frontend" ? "toucan.example.com" : "api-toucan.example.com";
        const rec = recording.byType(RECORD).find((r) => r.inputs.name === host)!;
        assert.deepEqual(rec.inputs.aliases, [
          { name: alb.outputs.dnsName, zoneId: alb.outputs.zoneId, evaluateTargetHealth: true },
        ]);
      }
    });

    it("GIVEN a same-domain backend THEN it rides on the frontend's ALB with the path rule", async () => {
      const { lb, recording } = await build(
        args({ mode: "dedicated", targets: { frontend, backend: sameDomainBackend } }),
      );
      assert.deepEqual(
        recording.byType(ALB).map((r) => r.name),
        ["toucan-lb-frontend"],
      );
      const rule = recording.one(RULE, "toucan-lb-backend-path-d");
      assert.equal(rule.inputs.listenerArn, listener(recording, 443, "toucan-lb-frontend").outputs.arn);
      // Stacks made before both modes could run at once named it without the suffix: the alias keeps it.
      assert.ok(
        rule.aliasUrns.includes(rule.urn.replace(/::toucan-lb-backend-path-d$/, "::toucan-lb-backend-path")),
        `aliases: ${rule.aliasUrns.join(", ")}`,
      );
      assert.equal(await valueOf(lb.securityGroupIds.backend), await valueOf(lb.securityGroupIds.frontend));
    });

    it("GIVEN a preview THEN the same resources are registered as in an update", async () => {
      const a = args({ mode: "dedicated", zoneId: ZONE, accessLogs: true });
      const update = await build(a);
      const preview = await build(a, true);
      assert.deepEqual(
        preview.recording.resources.map((r) => r.urn).sort(),
        update.recording.resources.map((r) => r.urn).sort(),
      );
    });
  });

  describe("access logs", () => {
    it("GIVEN true THEN an encrypted, private bucket receives the logs of the ALB, which waits for its policy", async () => {
      const { recording } = await build(args({ accessLogs: true }));
      const bucket = recording.one(BUCKET);
      assert.equal(bucket.inputs.forceDestroy, false);
      assert.equal(bucket.inputs.bucketPrefix, "toucan-lb-logs-");
      assert.match(String(bucket.outputs.bucket), /^toucan-lb-logs-[a-z0-9]+$/);
      const sse = recording.one(
        "aws:s3/bucketServerSideEncryptionConfiguration:BucketServerSideEncryptionConfiguration",
      );
      assert.deepEqual(sse.inputs.rules, [
        { applyServerSideEncryptionByDefault: { sseAlgorithm: "AES256" } },
      ]);
      const pab = recording.one("aws:s3/bucketPublicAccessBlock:BucketPublicAccessBlock");
      for (const flag of [
        "blockPublicAcls",
        "blockPublicPolicy",
        "ignorePublicAcls",
        "restrictPublicBuckets",
      ]) {
        assert.equal(pab.inputs[flag], true, flag);
      }
      const alb = recording.one(ALB);
      assert.deepEqual(alb.inputs.accessLogs, { bucket: bucket.outputs.bucket, enabled: true });
      assert.ok(
        alb.dependencies.includes(recording.one(BUCKET_POLICY).urn),
        "the ALB waits for the bucket policy",
      );
    });

    it("GIVEN the created bucket THEN its policy lets ELB log delivery write under AWSLogs/<account>/", async () => {
      const { recording } = await build(args({ accessLogs: { prefix: "toucan" } }));
      const bucketArn = recording.one(BUCKET).outputs.arn;
      const policy = JSON.parse(String(recording.one(BUCKET_POLICY).inputs.policy));
      const delivery = policy.Statement.find((s: { Sid: string }) => s.Sid === "ElbLogDelivery");
      assert.deepEqual(delivery, {
        Sid: "ElbLogDelivery",
        Effect: "Allow",
        Principal: { Service: "logdelivery.elasticloadbalancing.amazonaws.com" },
        Action: "s3:PutObject",
        Resource: `${bucketArn}/toucan/AWSLogs/123456789012/*`,
      });
      assert.equal(
        recording.one(ALB).inputs.accessLogs &&
          (recording.one(ALB).inputs.accessLogs as { prefix: string }).prefix,
        "toucan",
      );
    });

    it("GIVEN a Region opened before August 2022 THEN its ELB account is granted too; a newer one gets the principal only", () => {
      const common = { bucketArn: "arn:aws:s3:::logs", accountId: "123456789012", partition: "aws" };
      const old = JSON.parse(accessLogBucketPolicy({ ...common, region: "eu-west-1" }));
      assert.deepEqual(
        old.Statement.find((s: { Sid: string }) => s.Sid === "ElbLogDeliveryRegionAccount").Principal,
        { AWS: "arn:aws:iam::156460612806:root" },
      );
      const recent = JSON.parse(accessLogBucketPolicy({ ...common, region: "ap-southeast-7" }));
      assert.deepEqual(
        recent.Statement.map((s: { Sid: string }) => s.Sid),
        ["ElbLogDelivery", "DenyInsecureTransport"],
      );
      assert.equal(recent.Statement[0].Resource, "arn:aws:s3:::logs/AWSLogs/123456789012/*");
    });

    it("GIVEN a bucket THEN it is used and none is created", async () => {
      const { recording } = await build(args({ accessLogs: { bucket: "my-alb-logs", prefix: "toucan" } }));
      assert.deepEqual(recording.byType(BUCKET), []);
      assert.deepEqual(recording.one(ALB).inputs.accessLogs, {
        bucket: "my-alb-logs",
        prefix: "toucan",
        enabled: true,
      });
    });
  });

  it("GIVEN a preview of the shared same-domain layout THEN the same resources are registered as in an update", async () => {
    const a = args({ zoneId: ZONE, accessLogs: true, targets: { frontend, backend: sameDomainBackend } });
    const update = await build(a);
    const preview = await build(a, true);
    assert.deepEqual(
      preview.recording.resources.map((r) => r.urn).sort(),
      update.recording.resources.map((r) => r.urn).sort(),
    );
  });

  describe("refuses bad input before registering anything", () => {
    const cases: [string, Partial<LoadBalancerArgs>, RegExp, string?][] = [
      [
        "fewer than 2 public subnets",
        { publicSubnetIds: ["subnet-a"] },
        /`publicSubnetIds` is "1 subnet\(s\)"/,
      ],
      ["no targets", { targets: {} }, /`targets` is \{\}: is empty/],
      [
        "a target with neither hostnames nor pathPrefix",
        { targets: { frontend: { healthCheckPath: "/" } } },
        /`targets.frontend` .* has neither hostnames nor pathPrefix/,
      ],
      [
        "a path prefix without another target with names",
        { targets: { backend: sameDomainBackend } },
        /`targets.backend.pathPrefix` is "\/_api": needs another target's host names/,
      ],
      [
        "a path prefix not starting with /",
        { targets: { frontend, backend: { ...sameDomainBackend, pathPrefix: "_api" } } },
        /`targets.backend.pathPrefix` is "_api": does not start with \//,
      ],
      [
        "a path prefix ending with /",
        { targets: { frontend, backend: { ...sameDomainBackend, pathPrefix: "/_api/" } } },
        /`targets.backend.pathPrefix` is "\/_api\/": ends with \//,
      ],
      [
        "a path prefix with a wildcard",
        { targets: { frontend, backend: { ...sameDomainBackend, pathPrefix: "/_api*" } } },
        /not a plain path/,
      ],
      [
        "a path prefix that could live on several targets",
        { targets: { frontend, other: backend, api: sameDomainBackend } },
        /could live on the names of frontend or other/,
      ],
      [
        "a host target that is not a target",
        { targets: { frontend, api: { ...sameDomainBackend, hostTarget: "web" } } },
        /`targets.api.hostTarget` is "web": is not another target with host names/,
      ],
      [
        "the same host name on two targets",
        { targets: { frontend, backend: { ...backend, hostnames: ["toucan.example.com"] } } },
        /is also a host name of target "frontend"/,
      ],
      [
        "an invalid host name",
        { targets: { frontend: { ...frontend, hostnames: ["Toucan.example.com"] } } },
        /`targets.frontend.hostnames` is "Toucan.example.com": has uppercase letters/,
      ],
      [
        "more than 30 names on a target",
        {
          targets: {
            frontend: { ...frontend, hostnames: Array.from({ length: 31 }, (_, i) => `h${i}.example.com`) },
          },
        },
        /exceeds 30/,
      ],
      ["an idle timeout of 0", { idleTimeoutSeconds: 0 }, /`idleTimeoutSeconds` is 0: is outside the 1-4000/],
      ["an idle timeout of 4001", { idleTimeoutSeconds: 4001 }, /`idleTimeoutSeconds` is 4001/],
      ["an unknown mode", { mode: "split" as "shared" }, /`mode` is "split": is not a load balancer mode/],
      [
        "a policy that allows TLS 1.0",
        { sslPolicy: "ELBSecurityPolicy-2016-08" },
        /`sslPolicy` is "ELBSecurityPolicy-2016-08": is not an ALB security policy limited to TLS 1.2/,
      ],
      ["an invalid ingress block", { ingressCidrs: ["10.0.0.1/16"] }, /`ingressCidrs` is "10.0.0.1\/16"/],
      [
        "an IPv6 block without dualstack",
        { ingressCidrs: ["::/0"] },
        /is an IPv6 block, but the ALB only answers over IPv4/,
      ],
      ["no ingress block", { ingressCidrs: [] }, /lets nobody reach the load balancer/],
      [
        "a health check matcher outside 200-499",
        { targets: { frontend: { ...frontend, healthCheckMatcher: "200-599" } } },
        /`targets.frontend.healthCheckMatcher` is "200-599"/,
      ],
      ["a port of 0", { targets: { frontend: { ...frontend, port: 0 } } }, /`targets.frontend.port` is 0/],
      [
        "a log prefix containing AWSLogs",
        { accessLogs: { prefix: "x/AWSLogs" } },
        /`accessLogs.prefix` is "x\/AWSLogs"/,
      ],
      [
        "a target with names and a prefix in dedicated mode",
        { mode: "dedicated", targets: { frontend, backend: { ...backend, pathPrefix: "/_api" } } },
        /would need two ALBs/,
      ],
      [
        "a name too long for the ALB",
        {},
        /`name` is "toucan-production-lb1": is 21 characters: the ALB's logical name "toucan-production-lb1-alb" exceeds 24/,
        "toucan-production-lb1",
      ],
      [
        "a name and key too long for the target group",
        { targets: { "frontend-tier": frontend } },
        /`targets.frontend-tier` is "toucan-lb-x-frontend-tier": is 25 characters, the logical name of its target group/,
        "toucan-lb-x",
      ],
      ["a name an ALB cannot take", {}, /`name` is "toucan_lb": cannot name an ALB/, "toucan_lb"],
    ];
    for (const [what, overrides, message, name] of cases) {
      it(`GIVEN ${what} THEN it is refused`, async () => {
        const { error, recording } = await recordFailure(
          () => new LoadBalancer(name ?? "toucan-lb", args(overrides)),
        );
        assert.ok(error instanceof ToucanArgumentError, `expected a ToucanArgumentError, got ${error}`);
        assert.match(error.message, message);
        assert.deepEqual(recording.built, []);
      });
    }
  });
});
