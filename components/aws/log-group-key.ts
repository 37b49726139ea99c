/**
 * The customer-managed key of a CloudWatch log group (services, toolbox, flow logs): CloudWatch Logs takes
 * the key's ARN, not its id or an alias. Checked before anything registers when plain, and with the same
 * message once another stack's Output is known.
 */
import * as pulumi from "@pulumi/pulumi";
import { checkedWhenKnown } from "./region";

/** What is wrong with a log group's key ARN, or undefined. */
export function logKeyProblem(arn: string): string | undefined {
  return /^arn:aws[a-z-]*:kms:[a-z]{2}(?:-[a-z]+)+-\d:\d{12}:key\/[0-9a-f-]+$|^arn:aws[a-z-]*:kms:[a-z]{2}(?:-[a-z]+)+-\d:\d{12}:key\/mrk-[0-9a-f]{32}$/.test(
    arn,
  )
    ? undefined
    : "is not a KMS key ARN (CloudWatch Logs takes the key's ARN, not its id or an alias)";
}

export const LOG_KEY_FIX = "give arn:aws:kms:<region>:<account>:key/<key id>";

/** A log group's `kmsKeyId` input: none without a key, else the key checked once known. */
export function logGroupKey(
  kmsKeyArn: pulumi.Input<string> | undefined,
  component: string,
  argument: string,
): { kmsKeyId?: pulumi.Input<string> } {
  if (kmsKeyArn === undefined) return {};
  return { kmsKeyId: checkedWhenKnown(kmsKeyArn, { component, argument, fix: LOG_KEY_FIX }, logKeyProblem) };
}
