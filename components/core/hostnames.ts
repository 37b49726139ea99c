/**
 * Host names: validation (RFC 1123, as ACM, ALB host rules and Route 53 accept them) and the wildcard rules
 * certificates follow. Pure functions, tested by tables.
 */

/** Longest host name DNS allows (without the trailing dot). */
export const MAX_HOSTNAME_LENGTH = 253;
/** Longest label DNS allows. */
export const MAX_LABEL_LENGTH = 63;

const LABEL = /^[a-z0-9]([a-z0-9-]*[a-z0-9])?$/;

export interface HostnameOptions {
  /**
   * Accept a wildcard (`*`) as the whole first label, e.g. `*.example.com`.
   * @default false
   */
  wildcard?: boolean;
}

/**
 * What is wrong with a host name, in words; `undefined` when it is valid: lowercase letters, digits and
 * hyphens, labels of 1-63 characters that neither start nor end with a hyphen, at least two labels, at most
 * 253 characters, no trailing dot, and a wildcard only as the whole first label (when allowed).
 */
export function hostnameProblem(name: string, options: HostnameOptions = {}): string | undefined {
  if (typeof name !== "string" || name.length === 0) return "is empty";
  if (name.length > MAX_HOSTNAME_LENGTH) {
    return `is ${name.length} characters long; DNS allows at most ${MAX_HOSTNAME_LENGTH}`;
  }
  if (name !== name.toLowerCase()) return "has uppercase letters (write host names in lowercase)";
  if (name.endsWith(".")) return "ends with a dot";
  const labels = name.split(".");
  if (labels.length < 2) return "is a single label, not a fully qualified name";
  for (const [i, label] of labels.entries()) {
    if (label === "*") {
      if (i !== 0) return "has a wildcard that is not the first label";
      if (!options.wildcard) return "is a wildcard, which is not accepted here";
      if (labels.length < 3) return "is a wildcard directly under a top-level domain";
      continue;
    }
    if (label.includes("*")) return `has the label "${label}": a wildcard must be a whole label`;
    if (label.length === 0) return "has an empty label (two dots in a row)";
    if (label.length > MAX_LABEL_LENGTH) {
      return `has the label "${label.slice(0, 20)}..." of ${label.length} characters; DNS allows at most ${MAX_LABEL_LENGTH}`;
    }
    if (!LABEL.test(label)) {
      return `has the label "${label}": use letters, digits and hyphens, not starting or ending with a hyphen`;
    }
  }
  if (/^[0-9]+$/.test(labels[labels.length - 1])) return "ends with a numeric label (an IP address?)";
  return undefined;
}

/** Whether a host name is valid (see `hostnameProblem`). */
export function isValidHostname(name: string, options: HostnameOptions = {}): boolean {
  return hostnameProblem(name, options) === undefined;
}

/** Whether a name is a wildcard (`*.example.com`). */
export function isWildcard(name: string): boolean {
  return name.startsWith("*.");
}

/**
 * Whether a certificate for `certNames` is valid for `host`. A name covers itself; a wildcard covers exactly
 * one more label: `*.example.com` covers `a.example.com`, but neither `example.com` nor `a.b.example.com`.
 * Comparison ignores case, as DNS does.
 */
export function certificateCovers(certNames: string[], host: string): boolean {
  const wanted = host.toLowerCase();
  return certNames.some((certName) => {
    const name = certName.toLowerCase();
    if (name === wanted) return true;
    if (!isWildcard(name)) return false;
    const dot = wanted.indexOf(".");
    if (dot <= 0) return false;
    const firstLabel = wanted.slice(0, dot);
    return firstLabel !== "*" && wanted.slice(dot + 1) === name.slice(2);
  });
}

/**
 * The name ACM validates a domain name under: `*.example.com` and `example.com` are validated by the same
 * DNS record, so both map to `example.com`.
 */
export function validationName(domainName: string): string {
  return isWildcard(domainName) ? domainName.slice(2) : domainName;
}

/**
 * The distinct names that each need one DNS validation record, in the order of first appearance. Depends only
 * on the plain domain names, so the number of records is known before deployment.
 */
export function distinctValidationNames(domainNames: string[]): string[] {
  return [...new Set(domainNames.map(validationName))];
}
