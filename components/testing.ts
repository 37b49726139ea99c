/**
 * `pulumi-toucan/testing`: the recording runtime, for unit tests and offline plans of your own
 * composition. `record(program)` runs a Pulumi program against the SDK's mock monitor, answers it the
 * way the providers would, and returns every resource as the engine would receive it.
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
export type { RecordedResource, RecordOptions } from "./planner/recorder";
export { Secret, UNKNOWN, SECRET_MARKER, redact, reveal } from "./planner/values";
export { planProgram } from "./planner/plan-runner";
export type { PlanGraph, PlanResource, PlanResult, PlanOptions } from "./planner/plan-runner";
