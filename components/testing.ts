/**
 * `pulumi-toucan/testing`: the recording runtime, to unit-test and plan your own composition offline, the
 * way CDK's assertions test a CDK app. No cloud account, no Pulumi CLI: `record(program)` runs a function
 * that builds resources against the Pulumi SDK's mock monitor, answers it the way the providers would (ids,
 * ARNs, computed attributes, data sources) and returns every resource as the engine would receive it:
 * inputs, parent, provider, dependencies and options (`protect`, `ignoreChanges`, ...). Pulumi's
 * `transforms` option and stack transforms are applied as the engine applies them.
 *
 * It fails loudly where the bare mock runtime stays silent: two resources with the same URN, an input set
 * from another resource's output that resolved to `undefined`, a data source it cannot answer.
 *
 * `planProgram({ programDir, configFile })` does the same for a whole Pulumi program (its Pulumi.yaml and a
 * stack file): what `npx toucan-plan` prints.
 *
 * @example
 * ```ts
 * import { strict as assert } from "assert";
 * import { record } from "pulumi-toucan/testing";
 * import { AcmeToucan } from "../acme-toucan"; // your composition of pulumi-toucan's components
 *
 * describe("AcmeToucan", () => {
 *   it("runs three backend tasks, tagged with the cost center", async () => {
 *     const { recording } = await record(() => new AcmeToucan("toucan", { costCenter: "42" }), {
 *       config: { "aws:region": "eu-west-1" },
 *     });
 *     const service = recording.hasResource("aws:ecs/service:Service", { desiredCount: 3 });
 *     assert.equal(service.protect, false);
 *     for (const subnet of recording.byType("aws:ec2/subnet:Subnet")) {
 *       assert.equal((subnet.inputs.tags as Record<string, string>).costCenter, "42");
 *     }
 *     assert.equal(recording.count("aws:ec2/natGateway:NatGateway"), 3);
 *   });
 * });
 * ```
 * @module
 */
export {
  record,
  recordFailure,
  startRecording,
  settle,
  valueOf,
  isSecretOutput,
  HarnessError,
  Recording,
} from "./planner/recorder";
export type { RecordedResource, RecordedInvoke, RecordOptions } from "./planner/recorder";
export { Secret, UNKNOWN, SECRET_MARKER, redact, reveal } from "./planner/values";
export { planProgram } from "./planner/plan-runner";
export type { PlanGraph, PlanResource, PlanInvoke, PlanResult, PlanOptions } from "./planner/plan-runner";
