/**
 * The README's config reference, generated from Pulumi.yaml so the two never drift apart.
 *   npm run docs:config   rewrites the table between the markers in README.md
 * A test fails when README.md is out of date.
 */
import * as fs from "fs";
import * as path from "path";
import { readProject, ConfigDeclaration } from "../components/planner/project";

export const BEGIN = "<!-- config-reference:begin (generated from Pulumi.yaml by npm run docs:config) -->";
export const END = "<!-- config-reference:end -->";

function cell(text: string): string {
  return text.replace(/\|/g, "\\|").replace(/\n/g, " ");
}

export function configTable(rootDir: string): string {
  const project = readProject(rootDir);
  const rows = Object.entries(project.config).map(([key, raw]) => {
    const decl: ConfigDeclaration = typeof raw === "object" && raw !== null ? raw : { default: raw };
    const type = decl.type === "array" ? "list of strings" : (decl.type ?? "");
    const def = decl.default === undefined ? "" : `\`${JSON.stringify(decl.default)}\``;
    return `| \`${project.name}:${key}\` | ${type}${decl.secret ? " (secret)" : ""} | ${def} | ${cell(decl.description ?? "")} |`;
  });
  return ["| key | type | default | what it does |", "| --- | --- | --- | --- |", ...rows].join("\n");
}

export function renderReadme(rootDir: string, readme: string): string {
  const start = readme.indexOf(BEGIN);
  const end = readme.indexOf(END);
  if (start < 0 || end < start) throw new Error("README.md has no config-reference markers");
  return readme.slice(0, start + BEGIN.length) + "\n" + configTable(rootDir) + "\n" + readme.slice(end);
}

if (require.main === module) {
  const root = path.resolve(__dirname, "..");
  const file = path.join(root, "README.md");
  fs.writeFileSync(file, renderReadme(root, fs.readFileSync(file, "utf8")));
}
