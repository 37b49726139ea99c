/**
 * Rules of the pure core that the other unit tests reach only on one side: the vendor's worker formula on
 * valid sizes, a run-task command for several subnets and groups, a version problem reported once for the
 * two tiers it feeds, an empty host name, and a plain variable holding a credential URI named by its key.
 */
import { strict as assert } from "assert";
import { ArgumentChecks } from "../components/core/errors";
import { hostnameProblem } from "../components/core/hostnames";
import { runTaskCommand } from "../components/core/toolbox";
import {
  checkPlainEnvironment,
  gunicornWorkers,
  resolveImages,
  vcpuFromCpuUnits,
} from "../components/core/toucan-config";

describe("core rules on both sides", () => {
  it("workers: the vendor's 2 * vCPU + 1, from the task's CPU units (1024 per vCPU)", () => {
    assert.equal(gunicornWorkers(2), 5);
    assert.equal(gunicornWorkers(0.5), 2);
    assert.equal(vcpuFromCpuUnits(1024), 1);
    assert.equal(vcpuFromCpuUnits(4096), 4);
  });

  it("a run-task command lists every subnet and security group, comma-separated", () => {
    const command = runTaskCommand(
      {
        clusterArn: "arn:aws:ecs:eu-west-1:123456789012:cluster/toucan",
        taskDefinitionArn: "arn:aws:ecs:eu-west-1:123456789012:task-definition/toucan-toolbox:3",
        subnetIds: ["subnet-a", "subnet-b"],
        securityGroupIds: ["sg-backend", "sg-toolbox"],
      },
      ["toolbox"],
      {},
    );
    assert.ok(
      command.includes(
        "awsvpcConfiguration={subnets=[subnet-a,subnet-b],securityGroups=[sg-backend,sg-toolbox],assignPublicIp=DISABLED}",
      ),
      command,
    );
  });

  it("a bad `version` is reported once, though it feeds both tiers", () => {
    assert.throws(
      () => resolveImages({ version: "100.5.1" }, "Toucan"),
      (e: Error) => e.message.split("lacks the leading `v`").length === 2,
    );
  });

  it("an empty host name is empty", () => {
    assert.equal(hostnameProblem(""), "is empty");
  });

  it("a plain variable holding a URI with a password is named by its key", () => {
    const checks = new ArgumentChecks("C");
    checkPlainEnvironment(checks, "environment", { DB: "mongodb://user:pw@db.example.com/x" });
    assert.match(checks.error()!.message, /`environment\.DB` is "\(redacted\)": holds a URI with a password/);
  });
});
