/**
 * The API reference's completeness check: every property of the public `*Args` interfaces (those the
 * package root exports) has a TSDoc description, and every optional one states its default (a `@default`
 * tag, or "Default: ..." / "defaults to ..." / "by default" in its text). Pure syntax (no type checker), so
 * it runs in well under a second.
 *
 *   npm run docs:api      builds the reference with TypeDoc into docs/api/, then runs this check
 */
import * as fs from "fs";
import * as path from "path";
import * as ts from "typescript";

const ROOT = path.resolve(__dirname, "..");
const ENTRY = path.join(ROOT, "components", "index.ts");

function parse(file: string): ts.SourceFile {
  return ts.createSourceFile(file, fs.readFileSync(file, "utf8"), ts.ScriptTarget.ES2022, true);
}

/** The module a relative import names (`./aws/network` -> components/aws/network.ts). */
function moduleFile(from: string, specifier: string): string | undefined {
  const base = path.resolve(path.dirname(from), specifier);
  return [`${base}.ts`, path.join(base, "index.ts")].find((f) => fs.existsSync(f));
}

/** The interfaces the package root exports, by exported name, with the file that declares each. */
function exportedInterfaces(
  entry: string,
): Map<string, { file: ts.SourceFile; node: ts.InterfaceDeclaration }> {
  const found = new Map<string, { file: ts.SourceFile; node: ts.InterfaceDeclaration }>();
  const root = parse(entry);
  for (const statement of root.statements) {
    if (!ts.isExportDeclaration(statement) || !statement.moduleSpecifier) continue;
    const file = moduleFile(entry, (statement.moduleSpecifier as ts.StringLiteral).text);
    if (!file) continue;
    const source = parse(file);
    const interfaces = new Map(
      source.statements.filter(ts.isInterfaceDeclaration).map((i) => [i.name.text, i] as const),
    );
    const names =
      statement.exportClause && ts.isNamedExports(statement.exportClause)
        ? statement.exportClause.elements.map((e) => [e.name.text, (e.propertyName ?? e.name).text] as const)
        : [...interfaces.keys()].map((n) => [n, n] as const);
    for (const [exported, local] of names) {
      const node = interfaces.get(local);
      if (node) found.set(exported, { file: source, node });
    }
  }
  return found;
}

function docOf(member: ts.TypeElement): { text: string; tags: string[] } {
  let text = "";
  const tags: string[] = [];
  for (const doc of ts.getJSDocCommentsAndTags(member)) {
    if (!ts.isJSDoc(doc)) continue;
    text += ts.getTextOfJSDocComment(doc.comment) ?? "";
    for (const tag of doc.tags ?? []) {
      tags.push(tag.tagName.text);
      text += ` ${ts.getTextOfJSDocComment(tag.comment) ?? ""}`;
    }
  }
  return { text: text.trim(), tags };
}

/** How a description states a default: "Default: ...", "defaults to ...", "by default ...". */
const STATES_DEFAULT = /\bdefault/i;

/** Every public argument lacking a description or (when optional) its default, as `Interface.property: what`. */
export function undocumentedArguments(entry = ENTRY): string[] {
  const problems: string[] = [];
  for (const [name, { node }] of exportedInterfaces(entry)) {
    if (!name.endsWith("Args")) continue;
    for (const member of node.members) {
      if (!ts.isPropertySignature(member) || !member.name) continue;
      const property = `${name}.${member.name.getText()}`;
      const { text, tags } = docOf(member);
      if (text.replace(/@\w+/g, "").trim() === "") problems.push(`${property}: no description`);
      else if (member.questionToken && !tags.includes("default") && !STATES_DEFAULT.test(text))
        problems.push(`${property}: its default is not stated (@default, or "Default: ..." in the text)`);
    }
  }
  return problems;
}

if (require.main === module) {
  const problems = undocumentedArguments();
  if (problems.length > 0) {
    console.error(`${problems.length} public argument(s) not documented:\n- ${problems.join("\n- ")}`);
    process.exit(1);
  }
  console.log("every public argument has a description and states its default");
}
