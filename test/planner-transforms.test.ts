import { strict as assert } from "assert";
import * as pulumi from "@pulumi/pulumi";
import * as aws from "@pulumi/aws";
import { record, reveal } from "../components/testing";

/** A component with one child, as a company's own composition would have. */
class Storage extends pulumi.ComponentResource {
  constructor(name: string, opts?: pulumi.ComponentResourceOptions) {
    super("acme:storage:Storage", name, {}, opts);
    new aws.s3.Bucket(`${name}-data`, { tags: { team: "data" } }, { parent: this });
    this.registerOutputs({});
  }
}

const tagWith =
  (key: string, value: string): pulumi.ResourceTransform =>
  (args) =>
    args.type === "aws:s3/bucket:Bucket"
      ? { props: { ...args.props, tags: { ...(args.props.tags ?? {}), [key]: value } }, opts: args.opts }
      : undefined;

describe("the offline plan honors Pulumi's engine-side transforms", () => {
  it("the transforms resource option: the inputs and options the transform returns are what registers", async () => {
    const { recording } = await record(() => {
      new aws.s3.Bucket(
        "logs",
        { bucket: "acme-logs" },
        {
          transforms: [
            (args) => ({
              props: { ...args.props, forceDestroy: false, tags: { owner: "platform" } },
              opts: pulumi.mergeOptions(args.opts, { protect: true, ignoreChanges: ["tags"] }),
            }),
          ],
        },
      );
    });
    const bucket = recording.one("aws:s3/bucket:Bucket", "logs");
    assert.deepEqual(reveal(bucket.inputs.tags), { owner: "platform" });
    assert.equal(bucket.inputs.forceDestroy, false);
    assert.equal(bucket.inputs.bucket, "acme-logs");
    assert.equal(bucket.protect, true);
    assert.deepEqual(bucket.ignoreChanges, ["tags"]);
  });

  it("a component's transforms reach its children, the resource's own first, then its parent's", async () => {
    const { recording } = await record(() => {
      new Storage("assets", { transforms: [tagWith("order", "parent"), tagWith("costCenter", "42")] });
    });
    const bucket = recording.one("aws:s3/bucket:Bucket", "assets-data");
    assert.deepEqual(reveal(bucket.inputs.tags), { team: "data", order: "parent", costCenter: "42" });
  });

  it("stack transforms (registerResourceTransform) reach every resource, after the resource's and its parents' own", async () => {
    const { recording } = await record(() => {
      pulumi.runtime.registerResourceTransform(tagWith("order", "stack"));
      pulumi.runtime.registerResourceTransform((args) =>
        args.type === "aws:s3/bucket:Bucket"
          ? { props: args.props, opts: pulumi.mergeOptions(args.opts, { retainOnDelete: true }) }
          : undefined,
      );
      new Storage("assets", { transforms: [tagWith("order", "parent")] });
      new aws.s3.Bucket("after", {});
    });
    const child = recording.one("aws:s3/bucket:Bucket", "assets-data");
    // The parent's transform ran first, then the stack's overwrote the same tag.
    assert.deepEqual(reveal(child.inputs.tags), { team: "data", order: "stack" });
    assert.equal(child.retainOnDelete, true);
    assert.deepEqual(reveal(recording.one("aws:s3/bucket:Bucket", "after").inputs.tags), { order: "stack" });
  });

  it("the deprecated registerStackTransform too", async () => {
    const { recording } = await record(() => {
      pulumi.runtime.registerStackTransform(tagWith("via", "registerStackTransform"));
      new aws.s3.Bucket("b", {});
    });
    assert.deepEqual(reveal(recording.one("aws:s3/bucket:Bucket", "b").inputs.tags), {
      via: "registerStackTransform",
    });
  });

  it("refuses a program that registers an invoke transform, which it would not apply", async () => {
    await assert.rejects(
      record(async () => {
        pulumi.runtime.registerInvokeTransform((args) => ({ args: args.args, opts: args.opts }));
        new aws.s3.Bucket("b", {});
      }),
      /invoke transform .*offline plan does not apply/,
    );
  });

  it("a transform that throws fails the plan, naming the resource", async () => {
    await assert.rejects(
      record(() => {
        new aws.s3.Bucket(
          "b",
          {},
          {
            transforms: [
              () => {
                throw new Error("no buckets here");
              },
            ],
          },
        );
      }),
      /aws:s3\/bucket:Bucket::b: a transform failed: .*no buckets here/,
    );
  });
});
