import { strict as assert } from "assert";
import * as pulumi from "@pulumi/pulumi";
import * as aws from "@pulumi/aws";
import {
  record,
  recordFailure,
  requireMockMonitor,
  startRecording,
  settle,
  valueOf,
  isSecretOutput,
} from "../components/planner/recorder";
import { Secret, UNKNOWN, redact, SECRET_MARKER } from "../components/planner/values";

const settings = require("@pulumi/pulumi/runtime/settings") as {
  resetOptions(...args: unknown[]): void;
};

describe("recording harness", () => {
  describe("fails loudly", () => {
    it("when no mock monitor is set", () => {
      // GIVEN a runtime with no monitor (what forgetting setMocks leaves behind)
      settings.resetOptions("p", "s", -1, "", "", false, "");
      // THEN the harness refuses to go on
      assert.throws(() => requireMockMonitor(), /no mock monitor is set/);
    });

    it("when two resources share a URN", async () => {
      await assert.rejects(
        record(() => {
          new aws.s3.Bucket("same");
          new aws.s3.Bucket("same");
        }),
        /two resources share the URN .*aws:s3\/bucket:Bucket::same/,
      );
    });

    it("when an input set from another resource's output resolved to undefined", async () => {
      // ipv6CidrBlock is not assigned (no IPv6 requested), so the subnet's input silently vanishes.
      await assert.rejects(
        record(() => {
          const vpc = new aws.ec2.Vpc("v", { cidrBlock: "10.0.0.0/16" });
          new aws.ec2.Subnet("s", {
            vpcId: vpc.id,
            cidrBlock: "10.0.0.0/24",
            ipv6CidrBlock: vpc.ipv6CidrBlock,
          });
        }),
        /input "ipv6CidrBlock" was set from the output of .*aws:ec2\/vpc:Vpc::v but resolved to undefined/,
      );
    });

    it("when an input's computation throws (the SDK would silently skip the resource)", async () => {
      await assert.rejects(
        record(() => {
          new aws.s3.Bucket("b", {
            bucket: pulumi.output("x").apply((): string => {
              throw new Error("boom");
            }),
          });
        }),
        /aws:s3\/bucket:Bucket\]: an input failed to resolve: .*boom/,
      );
    });

    it("when a program calls a function the harness cannot answer", async () => {
      await assert.rejects(
        record(async () => {
          await aws.ec2.getInstance({ instanceId: "i-1" });
        }),
        /no answer for the function aws:ec2\/getInstance:getInstance/,
      );
    });

    it("reports resources registered before a validation error", async () => {
      const { error, recording } = await recordFailure(() => {
        new aws.s3.Bucket("first");
        throw new Error("late validation");
      });
      assert.match(error.message, /late validation/);
      assert.deepEqual(
        recording.built.map((r) => r.name),
        ["first"],
      );
    });
  });

  describe("answers like a provider", () => {
    it("fills in computed attributes that later inputs depend on", async () => {
      const { recording } = await record(() => {
        const vpc = new aws.ec2.Vpc("v", { cidrBlock: "10.0.0.0/16" });
        const sg = new aws.ec2.SecurityGroup("sg", { vpcId: vpc.id });
        new aws.ec2.Subnet("s", {
          vpcId: vpc.id,
          cidrBlock: "10.0.0.0/24",
          tags: { sg: sg.name, arn: vpc.arn },
        });
      });
      const subnet = recording.one("aws:ec2/subnet:Subnet");
      assert.match(subnet.inputs.vpcId as string, /^vpc-[0-9a-f]{17}$/);
      const tags = subnet.inputs.tags as Record<string, string>;
      assert.match(tags.sg, /^sg-[0-9a-f]{7}$/);
      assert.match(tags.arn, /^arn:aws:ec2:us-east-1:123456789012:vpc\/vpc-/);
    });

    it("answers getAvailabilityZones for the configured region", async () => {
      const { result } = await record(() => aws.getAvailabilityZonesOutput({}).names, {
        config: { "aws:region": "eu-west-3" },
      });
      assert.deepEqual(await valueOf(result), ["eu-west-3a", "eu-west-3b", "eu-west-3c"]);
    });

    it("renders policy documents as IAM JSON", async () => {
      const { result } = await record(
        () =>
          aws.iam.getPolicyDocumentOutput({
            statements: [
              {
                actions: ["s3:GetObject"],
                resources: ["arn:aws:s3:::b/*"],
                principals: [{ type: "Service", identifiers: ["cloudfront.amazonaws.com"] }],
              },
            ],
          }).json,
      );
      const doc = JSON.parse((await valueOf(result)) as string);
      assert.deepEqual(doc.Statement[0], {
        Effect: "Allow",
        Action: "s3:GetObject",
        Resource: "arn:aws:s3:::b/*",
        Principal: { Service: "cloudfront.amazonaws.com" },
      });
    });
  });

  describe("records what the engine receives", () => {
    it("parent, provider, dependencies and resource options", async () => {
      const { recording } = await record(() => {
        const parent = new pulumi.ComponentResource("test:x:Parent", "p");
        const provider = new aws.Provider("use1", { region: "us-east-1" }, { parent });
        const first = new aws.s3.Bucket("first", {}, { parent });
        new aws.s3.Bucket(
          "second",
          {},
          {
            parent,
            provider,
            dependsOn: [first],
            protect: true,
            retainOnDelete: true,
            ignoreChanges: ["tags"],
            deleteBeforeReplace: true,
            aliases: [{ name: "old-second" }],
          },
        );
      });
      const parent = recording.one("test:x:Parent");
      const second = recording.one("aws:s3/bucket:Bucket", "second");
      assert.equal(second.parent, parent.urn);
      assert.equal(second.provider, recording.one("pulumi:providers:aws").urn);
      assert.deepEqual(second.dependencies, [recording.one("aws:s3/bucket:Bucket", "first").urn]);
      assert.equal(second.protect, true);
      assert.equal(second.retainOnDelete, true);
      assert.deepEqual(second.ignoreChanges, ["tags"]);
      assert.equal(second.deleteBeforeReplace, true);
      assert.ok(JSON.stringify(second.aliases).includes("old-second"));
      const first = recording.one("aws:s3/bucket:Bucket", "first");
      assert.equal(first.protect, false);
      assert.equal(first.retainOnDelete, false);
    });

    it("keeps secret inputs wrapped, and redacts them for output", async () => {
      const { recording } = await record(() => {
        new aws.secretsmanager.SecretVersion("v", { secretId: "s", secretString: pulumi.secret("hunter2") });
      });
      const version = recording.one("aws:secretsmanager/secretVersion:SecretVersion");
      assert.ok(version.inputs.secretString instanceof Secret);
      assert.equal((version.inputs.secretString as Secret).value, "hunter2");
      const printed = JSON.stringify(redact(version.inputs));
      assert.ok(!printed.includes("hunter2"));
      assert.ok(printed.includes(SECRET_MARKER));
    });
  });

  describe("preview mode", () => {
    it("leaves computed attributes unknown without hanging", async () => {
      const { result, recording } = await record(
        () => {
          const vpc = new aws.ec2.Vpc("v", { cidrBlock: "10.0.0.0/16" });
          new aws.ec2.Subnet("s", { vpcId: vpc.id, cidrBlock: "10.0.0.0/24" });
          return { id: vpc.id, cidr: vpc.cidrBlock, secret: pulumi.secret("x") };
        },
        { preview: true },
      );
      assert.equal(await valueOf(result.id), UNKNOWN);
      assert.equal(await valueOf(result.cidr), "10.0.0.0/16");
      assert.equal(await isSecretOutput(result.secret), true);
      assert.equal(recording.one("aws:ec2/subnet:Subnet").inputs.vpcId, UNKNOWN);
    });

    it("settle() waits for registrations started outside record()", async () => {
      const recording = startRecording();
      new aws.s3.Bucket("late");
      await settle(recording);
      assert.deepEqual(
        recording.built.map((r) => r.name),
        ["late"],
      );
    });
  });
});

describe("recording runtime: provider functions", () => {
  it("records every call with its inputs and answers it by its inputs", async () => {
    const { recording, result } = await record(
      async () => {
        const arm = await aws.ssm.getParameter({
          name: "/aws/service/ami-amazon-linux-latest/al2023-ami-kernel-default-arm64",
        });
        const x86 = await aws.ssm.getParameter({
          name: "/aws/service/ami-amazon-linux-latest/al2023-ami-kernel-default-x86_64",
        });
        const cloudfront = await aws.ec2.getManagedPrefixList({
          name: "com.amazonaws.global.cloudfront.origin-facing",
        });
        const s3 = await aws.ec2.getManagedPrefixList({ name: "com.amazonaws.eu-west-1.s3" });
        return { arm: arm.value, x86: x86.value, cloudfront: cloudfront.id, s3: s3.id };
      },
      { region: "eu-west-1" },
    );
    assert.notEqual(result.arm, result.x86, "one image per architecture");
    assert.notEqual(result.cloudfront, result.s3, "one list per name");
    assert.deepEqual(
      recording.invokes.map((i) => [i.token, i.inputs.name]),
      [
        [
          "aws:ssm/getParameter:getParameter",
          "/aws/service/ami-amazon-linux-latest/al2023-ami-kernel-default-arm64",
        ],
        [
          "aws:ssm/getParameter:getParameter",
          "/aws/service/ami-amazon-linux-latest/al2023-ami-kernel-default-x86_64",
        ],
        [
          "aws:ec2/getManagedPrefixList:getManagedPrefixList",
          "com.amazonaws.global.cloudfront.origin-facing",
        ],
        ["aws:ec2/getManagedPrefixList:getManagedPrefixList", "com.amazonaws.eu-west-1.s3"],
      ],
    );
  });

  it("fails loudly on a call it cannot answer, naming the call", async () => {
    const { error, recording } = await recordFailure(async () => {
      await aws.ec2.getManagedPrefixList({ name: "com.amazonaws.global.s3-typo" });
    });
    assert.ok(error, "the program fails");
    // The SDK reduces a mock's exception to "Error": the recording keeps the whole message.
    assert.ok(
      recording.failures.some(
        (f) =>
          f.includes("aws:ec2/getManagedPrefixList:getManagedPrefixList") &&
          f.includes("no AWS-managed prefix list named com.amazonaws.global.s3-typo"),
      ),
      recording.failures.join("\n"),
    );
  });

  it("answers the AZ lookup for the region of the provider it goes through", async () => {
    const { recording } = await record(
      async () => {
        const east = new aws.Provider("us-east-1", { region: "us-east-1" });
        const zones = await aws.getAvailabilityZones({}, { provider: east });
        return zones.names;
      },
      { region: "eu-west-1" },
    );
    const call = recording.invokes.find(
      (i) => i.token === "aws:index/getAvailabilityZones:getAvailabilityZones",
    )!;
    assert.equal(call.region, "us-east-1");
    assert.ok(call.provider?.includes("us-east-1"));
  });
});
