/**
 * Reads a Pulumi project (Pulumi.yaml) and a stack config file (Pulumi.<stack>.yaml) the way the CLI
 * would hand them to a program: project-namespaced keys, declared defaults applied, structured values
 * as JSON, `secure:` values marked secret.
 */
import * as fs from "fs";
import * as path from "path";
import * as YAML from "yaml";
import { SECRET_PLACEHOLDER, ToucanArgumentError } from "../core/errors";

export interface ConfigDeclaration {
  type?: string;
  description?: string;
  default?: unknown;
  secret?: boolean;
  items?: unknown;
}

export interface PulumiProject {
  dir: string;
  name: string;
  main?: string;
  config: Record<string, ConfigDeclaration | string | number | boolean>;
}

export interface StackConfig {
  stack: string;
  /** `namespace:key` -> value as the program receives it. */
  values: Record<string, string>;
  secretKeys: string[];
}

/** Marker value the plan passes for `secure:` values it cannot decrypt. */
export const SECURE_PLACEHOLDER = SECRET_PLACEHOLDER;

/** A stack file's YAML, or one line naming the file, the line and (for a repeated key) the key. */
function parseStackFile(file: string): { config?: Record<string, unknown> } {
  const text = fs.readFileSync(file, "utf8");
  try {
    return (YAML.parse(text) ?? {}) as { config?: Record<string, unknown> };
  } catch (error) {
    if (!(error instanceof YAML.YAMLError)) throw error;
    const line = error.linePos?.[0].line;
    const source = line ? (text.split("\n")[line - 1] ?? "").trim() : "";
    const key = /^([^:#\s][^:]*(?::[^:\s]+)?):/.exec(source)?.[1];
    if (error.code === "DUPLICATE_KEY" && key) {
      throw new ToucanArgumentError(
        path.basename(file),
        key,
        undefined,
        `is set twice (line ${line}), and the CLI refuses a stack file with a repeated key`,
        "keep one of the two lines",
      );
    }
    throw new ToucanArgumentError(
      path.basename(file),
      `line ${line ?? "?"}`,
      source || "(end of file)",
      `is not valid YAML (${error.message.split("\n")[0].replace(/ at line \d+, column \d+:?$/, "")})`,
      "fix the YAML: `key: value` pairs under `config:`, two spaces of indentation",
    );
  }
}

export function readProject(dir: string): PulumiProject {
  const file = path.join(dir, "Pulumi.yaml");
  if (!fs.existsSync(file)) throw new Error(`no Pulumi.yaml in ${dir}`);
  const doc = YAML.parse(fs.readFileSync(file, "utf8")) as Partial<PulumiProject>;
  if (!doc?.name) throw new Error(`${file} has no project name`);
  return { dir, name: doc.name, main: doc.main, config: (doc.config ?? {}) as PulumiProject["config"] };
}

/** The stack name a config file is for: `Pulumi.demo.yaml` -> `demo`. */
export function stackNameOf(file: string): string {
  const m = /^Pulumi\.(.+)\.ya?ml$/.exec(path.basename(file));
  return m ? m[1] : "dev";
}

function asConfigString(value: unknown): string {
  return typeof value === "string" ? value : JSON.stringify(value);
}

/** Qualifies a key of Pulumi.yaml's `config:` (unqualified keys belong to the project). */
export function qualify(project: string, key: string): string {
  return key.includes(":") ? key : `${project}:${key}`;
}

function checkType(
  key: string,
  decl: ConfigDeclaration,
  value: unknown,
  file: string,
  project: string,
): void {
  const type = decl.type;
  const ok =
    type === undefined ||
    (type === "string" && typeof value === "string") ||
    (type === "integer" &&
      ((typeof value === "number" && Number.isInteger(value)) || /^-?\d+$/.test(String(value)))) ||
    (type === "boolean" && (typeof value === "boolean" || value === "true" || value === "false")) ||
    (type === "array" && Array.isArray(value));
  if (!ok) {
    const short = key.startsWith(`${project}:`) ? key.slice(project.length + 1) : key;
    const example =
      type === "integer" ? "3" : type === "boolean" ? "true" : type === "array" ? "" : "a-text-value";
    throw new ToucanArgumentError(
      path.basename(file),
      key,
      value,
      `is not ${type === "integer" ? "an integer" : `a ${type}`}, as Pulumi.yaml declares it`,
      type === "array"
        ? `write it as a YAML list, or \`pulumi config set --path '${short}[0]' VALUE\``
        : `\`pulumi config set ${short} ${example}\`${type === "string" ? " (quote it in YAML)" : ""}`,
    );
  }
}

/** Reads a stack config file and applies the project's declared defaults, as the CLI does. */
export function readStackConfig(project: PulumiProject, file: string): StackConfig {
  const doc = fs.existsSync(file) ? parseStackFile(file) : {};
  const raw = doc.config ?? {};
  const values: Record<string, string> = {};
  const secretKeys: string[] = [];
  const declared = new Map<string, ConfigDeclaration>();
  for (const [key, decl] of Object.entries(project.config)) {
    declared.set(
      qualify(project.name, key),
      typeof decl === "object" && decl !== null ? decl : { default: decl },
    );
  }
  for (const [key, value] of Object.entries(raw)) {
    const fullKey = qualify(project.name, key);
    if (value !== null && typeof value === "object" && !Array.isArray(value) && "secure" in value) {
      values[fullKey] = SECURE_PLACEHOLDER;
      secretKeys.push(fullKey);
      continue;
    }
    const decl = declared.get(fullKey);
    if (decl?.secret) {
      // As the CLI: "configuration key ... must be encrypted as it's secret".
      throw new ToucanArgumentError(
        path.basename(file),
        fullKey,
        "(plain text, not shown)",
        "is declared secret in Pulumi.yaml but written in plain text, which the Pulumi CLI refuses",
        `\`pulumi config set --secret ${key.replace(`${project.name}:`, "")} VALUE\` (it writes a secure: value)`,
      );
    }
    if (decl) checkType(fullKey, decl, value, file, project.name);
    values[fullKey] = asConfigString(value);
    if (decl?.secret) secretKeys.push(fullKey);
  }
  for (const [key, decl] of declared) {
    if (!(key in values) && decl.default !== undefined) values[key] = asConfigString(decl.default);
  }
  return { stack: stackNameOf(file), values, secretKeys };
}
