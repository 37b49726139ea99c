import { createHash } from "crypto";
import * as pulumi from "@pulumi/pulumi";

/**
 * Seven hex digits unique to this project, stack and component name: for names AWS wants unique in the
 * account, such as final snapshots, which outlive the stack that took them.
 */
export function stackHash(name: string): string {
  return createHash("sha256")
    .update(`${pulumi.getProject()}/${pulumi.getStack()}/${name}`)
    .digest("hex")
    .slice(0, 7);
}
