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

/** A resource about to register, as a {@link ResourceTransform} sees it. */
export interface TransformedResource {
  /** The type token, e.g. `aws:ecs/service:Service` (or a component's, e.g. `toucan:aws:Network`). */
  type: string;
  /** The logical name. */
  name: string;
  /** The resource's inputs: edit them in place (e.g. `props.tags`). */
  props: pulumi.Inputs;
  /** The resource's options: edit them in place (except `parent`). */
  opts: pulumi.ResourceOptions;
}

/**
 * A function run on every resource a component creates, its children's children included, before it
 * registers: edit `props` and `opts` in place.
 *
 * @example
 * ```ts
 * transform: ({ type, props }) => {
 *   if (type === "aws:ecs/service:Service") props.propagateTags = "SERVICE";
 * }
 * ```
 */
export type ResourceTransform = (resource: TransformedResource) => void;

/**
 * The component's options with `transform` applied to every resource below it (Pulumi's `transformations`
 * option, which children inherit, run in the program itself, so the offline plan sees it too). The
 * component itself (`self`) is left out. Each resource gets its own copy of its inputs and options: the
 * transform cannot leak an edit into a sibling sharing an options object.
 */
export function transformingChildren<T extends pulumi.ResourceOptions>(
  opts: T,
  transform: ResourceTransform | undefined,
  self: { type: string; name: string },
): T {
  if (transform === undefined) return opts;
  let selfSeen = false;
  const transformation: pulumi.ResourceTransformation = (resource) => {
    if (!selfSeen && resource.type === self.type && resource.name === self.name) {
      selfSeen = true;
      return undefined;
    }
    const props = { ...resource.props };
    const options = { ...resource.opts };
    transform({ type: resource.type, name: resource.name, props, opts: options });
    return { props, opts: options };
  };
  return { ...opts, transformations: [...(opts.transformations ?? []), transformation] };
}
