/**
 * The contract of the files in this folder. Each file exports `attributes` (computed attributes a real
 * provider would return for a resource type) and/or `calls` (answers to provider functions). The harness
 * loads every file here, so adding a resource type means adding an entry, not editing the harness.
 */
import { createHash } from "crypto";

export interface AttributeContext {
  /** Resource type token, e.g. `aws:ec2/vpc:Vpc`. */
  type: string;
  /** Logical name given to the constructor. */
  name: string;
  /** Inputs with secrets unwrapped. */
  inputs: Record<string, unknown>;
  /** The physical id the harness assigned. */
  id: string;
  /** Region the resource is created in (its provider's, or the stack's). */
  region: string;
  /** Account id answered by getCallerIdentity. */
  accountId: string;
  /** A stable short hex string derived from the resource's name, for realistic suffixes. */
  hex: (length: number) => string;
}

/** Computes the attributes a provider would return for a new resource of one type. */
export type AttributeFn = (ctx: AttributeContext) => Record<string, unknown>;

export interface CallContext {
  token: string;
  inputs: Record<string, unknown>;
  region: string;
  accountId: string;
  availabilityZones: string[];
}

export type CallFn = (ctx: CallContext) => Record<string, unknown>;

export interface MethodContext {
  /** Method token, e.g. `pulumi:providers:aws/terraformConfig`. */
  token: string;
  /** The resource the method is called on, as recorded (its inputs as the monitor received them). */
  self: { urn: string; type: string; inputs: Record<string, unknown> };
  /** The method's other arguments. */
  args: Record<string, unknown>;
}

/** Answers a method call on a resource (a provider's `terraformConfig()`), in the wire form of its result. */
export type MethodFn = (ctx: MethodContext) => Record<string, unknown>;

export interface AttributeModule {
  attributes?: Record<string, AttributeFn>;
  /** Prefix of the physical id, e.g. `vpc-` for `aws:ec2/vpc:Vpc`. */
  idPrefixes?: Record<string, string>;
  calls?: Record<string, CallFn>;
  /** Answers to resource methods, by method token. */
  methods?: Record<string, MethodFn>;
}

export function stableHex(seed: string, length: number): string {
  let out = "";
  let counter = 0;
  while (out.length < length) {
    out += createHash("sha256").update(`${seed}#${counter++}`).digest("hex");
  }
  return out.slice(0, length);
}

export function str(value: unknown): string | undefined {
  return typeof value === "string" ? value : undefined;
}
