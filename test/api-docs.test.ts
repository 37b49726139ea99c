import { strict as assert } from "assert";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { undocumentedArguments } from "../tools/api-docs";

const ROOT = path.resolve(__dirname, "..");

describe("API reference (npm run docs:api)", () => {
  it("every property of the exported *Args interfaces has a description and states its default", () => {
    assert.deepEqual(undocumentedArguments(), []);
  });

  it("the check names an argument without a description, and an optional one without its default", () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), "api-docs-"));
    try {
      fs.writeFileSync(
        path.join(dir, "index.ts"),
        'export { Thing } from "./thing";\nexport type { ThingArgs } from "./thing";\n',
      );
      fs.writeFileSync(
        path.join(dir, "thing.ts"),
        [
          "export class Thing {}",
          "export interface ThingArgs {",
          "  /** The name. */",
          "  name: string;",
          "  size?: number;",
          "  /** How many. */",
          "  count?: number;",
          "  /** How long. @default 30 */",
          "  timeout?: number;",
          "  /** Where. Default: the stack's region. */",
          "  region?: string;",
          "}",
          "/** Not an argument interface: not checked. */",
          "export interface ThingOutputs { id?: string }",
        ].join("\n"),
      );
      assert.deepEqual(undocumentedArguments(path.join(dir, "index.ts")), [
        "ThingArgs.size: no description",
        'ThingArgs.count: its default is not stated (@default, or "Default: ..." in the text)',
      ]);
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });

  it("is built by .ci/run with TypeDoc into a folder git ignores", () => {
    const pkg = JSON.parse(fs.readFileSync(path.join(ROOT, "package.json"), "utf8"));
    assert.match(pkg.scripts["docs:api"], /^typedoc && .*tools\/api-docs\.ts$/);
    const typedoc = JSON.parse(fs.readFileSync(path.join(ROOT, "typedoc.json"), "utf8"));
    assert.equal(typedoc.out, "docs/api");
    assert.match(fs.readFileSync(path.join(ROOT, ".gitignore"), "utf8"), /^\/docs\/api\/$/m);
    assert.match(fs.readFileSync(path.join(ROOT, ".ci", "run"), "utf8"), /^npm run docs:api$/m);
  });
});
