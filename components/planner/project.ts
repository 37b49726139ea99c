/**
 * Reads a Pulumi project (Pulumi.yaml) and a stack config file (Pulumi.<stack>.yaml) the way the CLI
 * would hand them to a program: project-namespaced keys, declared defaults applied, structured values
 * as JSON, `secure:` values marked secret.
 */
import * as fs from "fs";
import * as path from "path";
import * as YAML from "yaml";

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
export const SECURE_PLACEHOLDER = "plan-placeholder-secret-value";

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

function checkType(key: string, decl: ConfigDeclaration, value: unknown, file: string): void {
  const type = decl.type;
  const ok =
    type === undefined ||
    (type === "string" && typeof value === "string") ||
    (type === "integer" &&
      ((typeof value === "number" && Number.isInteger(value)) || /^-?\d+$/.test(String(value)))) ||
    (type === "boolean" && (typeof value === "boolean" || value === "true" || value === "false")) ||
    (type === "array" && Array.isArray(value));
  if (!ok) {
    throw new Error(
      `${file}: config key ${key} is declared as ${type} in Pulumi.yaml but is ${JSON.stringify(value)}`,
    );
  }
}

/** Reads a stack config file and applies the project's declared defaults, as the CLI does. */
export function readStackConfig(project: PulumiProject, file: string): StackConfig {
  const doc = fs.existsSync(file)
    ? ((YAML.parse(fs.readFileSync(file, "utf8")) ?? {}) as { config?: Record<string, unknown> })
    : {};
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
    if (decl) checkType(fullKey, decl, value, file);
    values[fullKey] = asConfigString(value);
    if (decl?.secret) secretKeys.push(fullKey);
  }
  for (const [key, decl] of declared) {
    if (!(key in values) && decl.default !== undefined) values[key] = asConfigString(decl.default);
  }
  return { stack: stackNameOf(file), values, secretKeys };
}
