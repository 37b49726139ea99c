import * as fs from "fs";
import * as path from "path";

const AWS_SDK = path.dirname(require.resolve("@pulumi/aws/package.json"));
const cache = new Map<string, boolean>();

/**
 * Whether a resource type of @pulumi/aws takes a `tags` map, read from the SDK's own declarations: the
 * `<Class>Args` interface of `aws:<module>/<file>:<Class>` in `<module>/<file>.d.ts` has `tags?:
 * pulumi.Input<{ ... }>`. (A list of tag blocks, like an Auto Scaling group's, is not a map.)
 */
export function takesTags(type: string): boolean {
  const cached = cache.get(type);
  if (cached !== undefined) return cached;
  const match = /^aws:([^/]+)\/([^:]+):(\w+)$/.exec(type);
  if (!match) throw new Error(`${type} is not an @pulumi/aws resource type`);
  const [, module, file, className] = match;
  const declarations = path.join(AWS_SDK, module === "index" ? "" : module, `${file}.d.ts`);
  const text = fs.readFileSync(declarations, "utf8");
  const start = text.indexOf(`export interface ${className}Args {`);
  if (start < 0) throw new Error(`no ${className}Args in ${declarations}`);
  const body = text.slice(start, text.indexOf("\n}", start));
  const result = /^ {4}tags\?: pulumi\.Input<\{/m.test(body);
  cache.set(type, result);
  return result;
}
