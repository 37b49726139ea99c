import * as pulumi from "@pulumi/pulumi";
import { ToucanArgumentError } from "../core/errors";

/**
 * The region the stack's default AWS provider deploys to, when the program knows it at plan time (the
 * `aws:region` config, else the AWS_REGION / AWS_DEFAULT_REGION environment the provider reads too).
 */
export function configuredRegion(): string | undefined {
  return new pulumi.Config("aws").get("region") ?? process.env.AWS_REGION ?? process.env.AWS_DEFAULT_REGION;
}

/**
 * An id or ARN argument, checked once its value is known: a plain string was checked before anything
 * registered; an Output (another stack's, say) is checked here, with the same message, before the resource
 * that uses it is created.
 */
export function checkedWhenKnown(
  value: pulumi.Input<string>,
  where: { component: string; argument: string; fix: string | ((value: string) => string) },
  problem: (value: string) => string | undefined,
): pulumi.Input<string> {
  if (typeof value === "string") return value;
  return pulumi.output(value).apply((known) => {
    const found = problem(known);
    const fix = typeof where.fix === "function" ? where.fix(known) : where.fix;
    if (found) throw new ToucanArgumentError(where.component, where.argument, known, found, fix);
    return known;
  });
}

/** The plain array of a list argument; undefined when the list itself is an Output (another stack's, say). */
export function plainList<T>(
  list: pulumi.Input<pulumi.Input<T>[]> | undefined,
): pulumi.Input<T>[] | undefined {
  return Array.isArray(list) ? list : undefined;
}

/**
 * A list argument, checked once its value is known: a plain array was checked before anything registered
 * and passes through; a list that is one Output is checked here, with the same message, before the resource
 * that uses it is created. `shown` is how the value appears in the message (e.g. "1 subnet(s)").
 */
export function checkedListWhenKnown<T>(
  list: pulumi.Input<pulumi.Input<T>[]>,
  where: { component: string; argument: string; fix: string; shown?: (values: T[]) => unknown },
  problem: (values: T[]) => string | undefined,
): pulumi.Input<pulumi.Input<T>[]> {
  if (Array.isArray(list)) return list;
  return (pulumi.output(list) as pulumi.Output<T[]>).apply((known) => {
    const found = problem(known);
    if (found) {
      const shown = where.shown ? where.shown(known) : known;
      throw new ToucanArgumentError(where.component, where.argument, shown, found, where.fix);
    }
    return known;
  });
}
