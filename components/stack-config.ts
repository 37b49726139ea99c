/**
 * Reads the root program's stack config (`Pulumi.<stack>.yaml`) into component arguments. Pure apart
 * from the config source, so tests call it with plain maps. Every key is declared in `Pulumi.yaml`.
 */
import { ToucanArgumentError } from "./errors";
import type { NetworkArgs, NatStrategy } from "./network";

/** Where config values come from: `new pulumi.Config()` fits, so does a map in a test. */
export interface ConfigSource {
  /** The raw value of a key of the project's namespace, as the CLI passes it (JSON for lists). */
  get(key: string): string | undefined;
  /** The project name, to name keys in messages as `project:key`. */
  readonly name: string;
}

/** Typed, validated access to config keys; errors name the key, the value and the fix. */
export class ConfigReader {
  /** Every key read so far: tests check each is declared in Pulumi.yaml. */
  readonly keysRead = new Set<string>();

  constructor(private readonly source: ConfigSource) {}

  private fail(key: string, value: unknown, problem: string, fix: string): never {
    throw new ToucanArgumentError("stack config", `${this.source.name}:${key}`, value, problem, fix);
  }

  str(key: string): string | undefined {
    this.keysRead.add(key);
    const value = this.source.get(key);
    return value === undefined || value === "" ? undefined : value;
  }

  oneOf<T extends string>(key: string, allowed: readonly T[]): T | undefined {
    const value = this.str(key);
    if (value !== undefined && !allowed.includes(value as T)) {
      this.fail(
        key,
        value,
        "is not an allowed value",
        `use one of ${allowed.map((a) => `"${a}"`).join(", ")}`,
      );
    }
    return value as T | undefined;
  }

  int(key: string): number | undefined {
    const value = this.str(key);
    if (value === undefined) return undefined;
    if (!/^-?\d+$/.test(value.trim()))
      this.fail(key, value, "is not an integer", `set a whole number, e.g. \`pulumi config set ${key} 3\``);
    return Number(value);
  }

  bool(key: string): boolean | undefined {
    const value = this.str(key);
    if (value === undefined) return undefined;
    if (value !== "true" && value !== "false") this.fail(key, value, "is not a boolean", "set true or false");
    return value === "true";
  }

  list(key: string): string[] | undefined {
    const value = this.str(key);
    if (value === undefined) return undefined;
    let parsed: unknown;
    try {
      parsed = JSON.parse(value);
    } catch {
      parsed = undefined;
    }
    if (!Array.isArray(parsed) || parsed.some((item) => typeof item !== "string")) {
      this.fail(
        key,
        value,
        "is not a list of strings",
        `set it with \`pulumi config set --path '${key}[0]' VALUE\` or as a YAML list in the stack file`,
      );
    }
    return parsed as string[];
  }

  /** A JSON object of string values, e.g. tags. */
  map(key: string): Record<string, string> | undefined {
    const value = this.str(key);
    if (value === undefined) return undefined;
    let parsed: unknown;
    try {
      parsed = JSON.parse(value);
    } catch {
      parsed = undefined;
    }
    if (
      parsed === null ||
      typeof parsed !== "object" ||
      Array.isArray(parsed) ||
      Object.values(parsed).some((v) => typeof v !== "string")
    ) {
      this.fail(key, value, "is not a map of strings", "set it as a YAML map of strings in the stack file");
    }
    return parsed as Record<string, string>;
  }
}

/** The Network's arguments from config: a new VPC, or an existing one when `vpcId` is set. */
export function networkArgsFromConfig(config: ConfigReader): NetworkArgs {
  const vpcId = config.str("vpcId");
  if (vpcId) {
    return {
      existing: {
        vpcId,
        publicSubnetIds: config.list("publicSubnetIds") ?? [],
        privateSubnetIds: config.list("privateSubnetIds") ?? [],
        availabilityZones: config.list("availabilityZones") ?? [],
      },
    };
  }
  return {
    cidrBlock: config.str("vpcCidr"),
    azCount: config.int("azCount"),
    availabilityZones: config.list("availabilityZones"),
    nat: config.oneOf<NatStrategy>("nat", ["perAz", "single", "none"]),
  };
}
