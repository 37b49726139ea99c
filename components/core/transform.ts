import * as pulumi from "@pulumi/pulumi";

/**
 * An escape hatch to change a child resource without forking the component: either properties to merge
 * over the component's arguments, or a function that edits the arguments and options in place.
 *
 * @example
 * ```ts
 * transform: { vpc: { enableDnsHostnames: true } }
 * transform: { vpc: (args, opts) => { args.tags = { ...args.tags, team: "bi" }; } }
 * ```
 */
export type Transform<T> =
  Partial<T> | ((args: T, opts: pulumi.CustomResourceOptions, name: string) => void | { name?: string });

/** Applies a user transform to a child's name, arguments and options. */
export function applyTransform<T extends object>(
  transform: Transform<T> | undefined,
  name: string,
  args: T,
  opts: pulumi.CustomResourceOptions = {},
): [string, T, pulumi.CustomResourceOptions] {
  if (transform === undefined) return [name, args, opts];
  if (typeof transform === "function") {
    const result = transform(args, opts, name);
    return [result?.name ?? name, args, opts];
  }
  return [name, { ...args, ...transform }, opts];
}
