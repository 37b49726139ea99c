/**
 * Parses container image references the way Docker does (github.com/distribution/reference), so a
 * reference that works with `docker pull` works here and one that does not fails before any request.
 */

/** A parsed image reference. */
export interface ImageRef {
  /**
   * Host (and port) of the registry's API, e.g. `quay.io`, `127.0.0.1:5000`. Docker Hub references
   * (no registry, `docker.io`, `index.docker.io`) resolve to `registry-1.docker.io`, its API host.
   */
  registry: string;
  /** Repository path inside the registry, e.g. `toucantoco/frontend`; `library/nginx` for `nginx`. */
  repository: string;
  /** The tag, when the reference has one. See {@link manifestReference} for the default. */
  tag?: string;
  /** The digest (`sha256:<64 hex>`), when the reference pins one. It wins over the tag. */
  digest?: string;
}

/** Docker Hub's registry API host: `docker.io` is only a name, the API lives here. */
export const DOCKER_HUB_REGISTRY = "registry-1.docker.io";

const EXPECTED_FORM =
  "[REGISTRY[:PORT]/]REPOSITORY[:TAG][@sha256:DIGEST], e.g. quay.io/toucantoco/frontend:v100.5.1";

// Grammar from github.com/distribution/reference (regexp.go).
const PATH_COMPONENT = /^[a-z0-9]+(?:(?:[._]|__|-+)[a-z0-9]+)*$/;
const TAG = /^[\w][\w.-]{0,127}$/;
const DIGEST = /^[a-z0-9]+(?:[.+_-][a-z0-9]+)*:[a-zA-Z0-9=_-]{32,}$/;
const SHA256_HEX = /^[a-f0-9]{64}$/;
const DOMAIN_COMPONENT = /^(?:[a-zA-Z0-9]|[a-zA-Z0-9][a-zA-Z0-9-]*[a-zA-Z0-9])$/;
const IPV6_HOST = /^\[[a-fA-F0-9:.]+\]$/;
const MAX_NAME_LENGTH = 255;

/** Thrown for an image reference that cannot be parsed; the message names it and the expected form. */
export class ImageRefError extends Error {
  constructor(
    readonly reference: string,
    readonly problem: string,
  ) {
    super(`invalid image reference ${JSON.stringify(reference)}: ${problem}. Expected ${EXPECTED_FORM}`);
    this.name = "ImageRefError";
  }
}

/**
 * Parses `quay.io/toucantoco/frontend:v100.5.1`, `quay.io/toucantoco/frontend@sha256:...`,
 * `127.0.0.1:5000/name:tag`, `nginx` (Docker Hub, `library/nginx`), ...
 *
 * @throws ImageRefError when the reference is not valid, naming it and the expected form.
 * @example
 * ```ts
 * parseImageRef("quay.io/toucantoco/frontend:v100.5.1");
 * // { registry: "quay.io", repository: "toucantoco/frontend", tag: "v100.5.1" }
 * ```
 */
export function parseImageRef(reference: string): ImageRef {
  const fail = (problem: string): never => {
    throw new ImageRefError(reference, problem);
  };
  if (typeof reference !== "string" || reference.trim() === "") fail("it is empty");
  if (reference !== reference.trim()) fail("it has leading or trailing whitespace");
  if (/^[a-z]+:\/\//i.test(reference)) fail("an image reference has no URL scheme (drop `https://`)");

  let rest = reference;
  let digest: string | undefined;
  const at = rest.indexOf("@");
  if (at >= 0) {
    digest = rest.slice(at + 1);
    rest = rest.slice(0, at);
    if (digest.startsWith("sha256:")) {
      if (!SHA256_HEX.test(digest.slice(7))) fail("a sha256 digest is 64 lowercase hex characters");
    } else if (!DIGEST.test(digest)) {
      fail(`the digest ${JSON.stringify(digest)} is not ALGORITHM:HEX`);
    }
  }

  // A tag is the part after the last ':' that comes after the last '/', so the ':' of a registry
  // port (`127.0.0.1:5000/name`) is never read as a tag.
  let tag: string | undefined;
  const lastColon = rest.lastIndexOf(":");
  if (lastColon > rest.lastIndexOf("/")) {
    tag = rest.slice(lastColon + 1);
    rest = rest.slice(0, lastColon);
    if (!TAG.test(tag))
      fail(`the tag ${JSON.stringify(tag)} is not 1-128 of [A-Za-z0-9_.-], starting with a word character`);
  }

  let registry = "docker.io";
  let path = rest;
  const slash = rest.indexOf("/");
  if (slash >= 0) {
    const first = rest.slice(0, slash);
    // Docker's rule: the first component is a registry when it looks like a host name.
    if (first.includes(".") || first.includes(":") || first === "localhost" || first.startsWith("[")) {
      registry = first;
      path = rest.slice(slash + 1);
      if (!isValidHost(registry)) fail(`the registry ${JSON.stringify(registry)} is not HOST[:PORT]`);
    }
  }
  if (path === "") fail("the repository name is missing");
  if (path.length > MAX_NAME_LENGTH) fail(`the repository name is longer than ${MAX_NAME_LENGTH} characters`);
  for (const component of path.split("/")) {
    if (!PATH_COMPONENT.test(component)) {
      const hint = /[A-Z]/.test(component) ? " (repository names are lowercase)" : "";
      fail(`the repository component ${JSON.stringify(component)} is not valid${hint}`);
    }
  }

  if (registry === "docker.io" || registry === "index.docker.io") {
    registry = DOCKER_HUB_REGISTRY;
    if (!path.includes("/")) path = `library/${path}`;
  }
  const parsed: ImageRef = { registry, repository: path };
  if (tag !== undefined) parsed.tag = tag;
  if (digest !== undefined) parsed.digest = digest;
  return parsed;
}

function isValidHost(hostPort: string): boolean {
  let host = hostPort;
  const ipv6 = /^(\[[^\]]+\])(?::(\d+))?$/.exec(hostPort);
  if (ipv6) {
    if (!IPV6_HOST.test(ipv6[1])) return false;
    return ipv6[2] === undefined || isPort(ipv6[2]);
  }
  const colon = hostPort.lastIndexOf(":");
  if (colon >= 0) {
    if (!isPort(hostPort.slice(colon + 1))) return false;
    host = hostPort.slice(0, colon);
  }
  return host.split(".").every((label) => DOMAIN_COMPONENT.test(label));
}

function isPort(text: string): boolean {
  return /^\d{1,5}$/.test(text) && Number(text) <= 65535;
}

/**
 * What to ask the registry for: the digest when pinned, else the tag, else `latest` (Docker's
 * default; pin a version in production, as the vendor asks).
 */
export function manifestReference(ref: ImageRef): string {
  return ref.digest ?? ref.tag ?? "latest";
}

/** The reference written back as text, for messages. */
export function formatImageRef(ref: ImageRef): string {
  return `${ref.registry}/${ref.repository}${ref.tag ? `:${ref.tag}` : ""}${ref.digest ? `@${ref.digest}` : ""}`;
}

/** Whether the registry is on this machine, where plain HTTP is the norm (a test registry). */
export function isLoopbackRegistry(registry: string): boolean {
  const host = registry.replace(/:\d+$/, "").replace(/^\[|\]$/g, "");
  return host === "localhost" || host === "::1" || /^127(?:\.\d{1,3}){3}$/.test(host);
}
