/**
 * Errors raised while validating a component's arguments. They are thrown from the constructor before
 * any child resource is registered, and always name the argument, the value given and the fix.
 */
export class ToucanArgumentError extends Error {
  /** Every problem this error reports (itself alone, or all those found at once). */
  errors: ToucanArgumentError[] = [this];

  constructor(
    readonly component: string,
    readonly argument: string,
    readonly value: unknown,
    readonly problem: string,
    readonly fix: string,
  ) {
    super(
      `${component}: \`${argument}\` ${describe(value)} ${problem}${typeHint(value, problem)}. Fix: ${fix}`,
    );
    this.name = "ToucanArgumentError";
  }
}

/**
 * What the offline plan passes for a `secure:` config value it cannot decrypt. Messages never show it as
 * if the user had typed it.
 */
export const SECRET_PLACEHOLDER = "plan-placeholder-secret-value";

/** Words of a problem about a number's range or kind. */
const NUMERIC_PROBLEM =
  /\b(number|integer|whole|between|outside|at least|at most|fewer|more than|port|seconds|days|GiB|MiB|count|tasks|replicas|CPU|memory)\b/i;

/**
 * A number written as a string fails numeric checks for its type, not its value: say so. Names quoted in the
 * problem (`redis.port`) are not its words: an environment variable's value is a string by right.
 */
function typeHint(value: unknown, problem: string): string {
  return typeof value === "string" &&
    /^-?\d+(\.\d+)?$/.test(value.trim()) &&
    NUMERIC_PROBLEM.test(problem.replace(/`[^`]*`/g, ""))
    ? " (it is a string: give the number without quotes)"
    : "";
}

function describe(value: unknown): string {
  if (value === undefined) return "is not set and";
  if (value === SECRET_PLACEHOLDER) return "is an encrypted (secure:) value that";
  let text: string;
  try {
    text = typeof value === "string" ? JSON.stringify(value) : (JSON.stringify(value) ?? String(value));
  } catch {
    text = String(value);
  }
  if (text.length > 120) text = `${text.slice(0, 117)}...`;
  return `is ${text}:`;
}

/**
 * Collects argument checks for one component and throws them all at once, so a user fixes every
 * problem in one round trip.
 */
export class ArgumentChecks {
  private readonly errors: ToucanArgumentError[] = [];

  constructor(private readonly component: string) {}

  /** Records a problem unless `ok` holds. */
  require(ok: boolean, argument: string, value: unknown, problem: string, fix: string): this {
    if (!ok) this.errors.push(new ToucanArgumentError(this.component, argument, value, problem, fix));
    return this;
  }

  /**
   * Checks an id or ARN whose value is known at plan time (a plain string); an Output is checked by AWS at
   * deployment. `problem` returns what is wrong, or undefined.
   */
  id(argument: string, value: unknown, problem: (value: string) => string | undefined, fix: string): this {
    if (typeof value !== "string") return this;
    const found = problem(value);
    return this.require(found === undefined, argument, value, found ?? "", fix);
  }

  fail(argument: string, value: unknown, problem: string, fix: string): this {
    return this.require(false, argument, value, problem, fix);
  }

  get ok(): boolean {
    return this.errors.length === 0;
  }

  /** Every problem found, as one error; undefined when there is none. */
  error(): ToucanArgumentError | undefined {
    return this.errors.length === 0 ? undefined : combineArgumentErrors(this.errors);
  }

  /** Throws the first problem, listing the others in the message. */
  throwIfAny(): void {
    if (this.errors.length === 0) return;
    if (this.errors.length === 1) throw this.errors[0];
    throw combineArgumentErrors(this.errors);
  }
}

/** One error reporting several problems: the first one's fields, every message, `errors` listing them all. */
export function combineArgumentErrors(errors: ToucanArgumentError[]): ToucanArgumentError {
  // A problem a parent and its child both find (the same value, the same words) is reported once.
  const seen = new Set<string>();
  const all = errors
    .flatMap((e) => e.errors)
    .filter((e) => {
      const key = `${e.problem}|${describe(e.value)}`;
      if (seen.has(key)) return false;
      seen.add(key);
      return true;
    });
  if (all.length === 1) return all[0];
  const [first] = all;
  const error = new ToucanArgumentError(
    first.component,
    first.argument,
    first.value,
    first.problem,
    first.fix,
  );
  error.message = all.map((e) => e.message).join("\n");
  error.errors = all;
  return error;
}

/**
 * Runs several argument checks (a component's children's, say) and throws every problem they found at
 * once, instead of stopping at the first child with a bad argument. Other errors pass through.
 */
export function checkAll(checks: (() => unknown)[]): void {
  const found: ToucanArgumentError[] = [];
  for (const check of checks) {
    try {
      check();
    } catch (error) {
      if (!(error instanceof ToucanArgumentError)) throw error;
      found.push(error);
    }
  }
  if (found.length > 0) throw combineArgumentErrors(found);
}

/**
 * The arguments object itself: `new Toucan("t", undefined)` gets this message rather than a TypeError.
 */
export function requireArgs<T>(component: string, args: T, example: string): asserts args is NonNullable<T> {
  if (args === null || typeof args !== "object" || Array.isArray(args)) {
    throw new ToucanArgumentError(
      component,
      "args",
      args,
      "is not an object of arguments",
      `pass ${example}`,
    );
  }
}
