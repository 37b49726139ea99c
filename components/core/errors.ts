/**
 * Errors raised while validating a component's arguments. They are thrown from the constructor before
 * any child resource is registered, and always name the argument, the value given and the fix.
 */
export class ToucanArgumentError extends Error {
  constructor(
    readonly component: string,
    readonly argument: string,
    readonly value: unknown,
    readonly problem: string,
    readonly fix: string,
  ) {
    super(`${component}: \`${argument}\` ${describe(value)} ${problem}. Fix: ${fix}`);
    this.name = "ToucanArgumentError";
  }
}

function describe(value: unknown): string {
  if (value === undefined) return "is not set and";
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

  fail(argument: string, value: unknown, problem: string, fix: string): this {
    return this.require(false, argument, value, problem, fix);
  }

  get ok(): boolean {
    return this.errors.length === 0;
  }

  /** Throws the first problem, listing the others in the message. */
  throwIfAny(): void {
    if (this.errors.length === 0) return;
    if (this.errors.length === 1) throw this.errors[0];
    const [first, ...rest] = this.errors;
    const error = new ToucanArgumentError(
      first.component,
      first.argument,
      first.value,
      first.problem,
      first.fix,
    );
    error.message = [first.message, ...rest.map((e) => e.message)].join("\n");
    throw error;
  }
}
