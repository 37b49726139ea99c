import { strict as assert } from "assert";
import { noNatImageFix, noNatImageProblem } from "../components/aws/private-registry";

describe("images reachable without NAT", () => {
  const cases: [string, string | undefined, RegExp | undefined][] = [
    ["123456789012.dkr.ecr.eu-west-1.amazonaws.com/toucantoco/backend:v100.5.1", "eu-west-1", undefined],
    ["123456789012.dkr.ecr.eu-west-1.amazonaws.com/mongo@sha256:" + "a".repeat(64), "eu-west-1", undefined],
    ["123456789012.dkr.ecr-fips.us-east-1.amazonaws.com/x:1", "us-east-1", undefined],
    ["123456789012.dkr.ecr.cn-north-1.amazonaws.com.cn/x:1", "cn-north-1", undefined],
    // The region is not known before deployment (no aws:region): the registry's form is enough.
    ["123456789012.dkr.ecr.eu-west-1.amazonaws.com/x:1", undefined, undefined],
    [
      "123456789012.dkr.ecr.us-east-1.amazonaws.com/x:1",
      "eu-west-1",
      /is in ECR of us-east-1, .* of eu-west-1/,
    ],
    ["quay.io/toucantoco/backend:v100.5.1", "eu-west-1", /is pulled from quay\.io/],
    ["public.ecr.aws/docker/library/busybox:1.36.1", "eu-west-1", /is pulled from public\.ecr\.aws/],
    ["busybox:1.36.1", "eu-west-1", /is pulled from docker\.io/],
    ["library/mongo:7.0", "eu-west-1", /is pulled from docker\.io/],
    ["localhost:5000/x:1", "eu-west-1", /is pulled from localhost:5000/],
    // An account id of the wrong length, or no repository, is not a private ECR reference.
    ["12345678901.dkr.ecr.eu-west-1.amazonaws.com/x:1", "eu-west-1", /is pulled from/],
    ["123456789012.dkr.ecr.eu-west-1.amazonaws.com.evil.example/x:1", "eu-west-1", /is pulled from/],
  ];
  for (const [image, region, problem] of cases) {
    it(`${image} in ${region ?? "an unknown region"}: ${problem ? "refused" : "accepted"}`, () => {
      const found = noNatImageProblem(image, region);
      if (problem) assert.match(found ?? "", problem);
      else assert.equal(found, undefined);
    });
  }

  it("the fix names the copy command to the same repository path in the region's ECR", () => {
    assert.equal(
      noNatImageFix("public.ecr.aws/docker/library/busybox:1.36.1", "eu-west-1"),
      "mirror it (README: No NAT (private registries)), e.g. `crane copy public.ecr.aws/docker/library/busybox:1.36.1 <account>.dkr.ecr.eu-west-1.amazonaws.com/docker/library/busybox:1.36.1`, and give the mirror's reference",
    );
    assert.match(
      noNatImageFix("busybox:1.36.1", undefined),
      /<account>\.dkr\.ecr\.<region>\.amazonaws\.com\/busybox:1\.36\.1`/,
    );
  });
});
