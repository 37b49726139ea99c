/**
 * MongoDB connection strings in the form the Toucan vendor documents (pure functions, no Pulumi):
 * `mongodb://USER:PW@h1:27017,h2:27017/api-toucan?retryWrites=true&authSource=admin&replicaSet=rs0&tls=true&tlsCAFile=/etc/ssl/ca.pem`
 */

/** The parts of a `mongodb://` connection string. */
export interface MongoUriParts {
  /** User name; percent-encoded in the string. */
  user: string;
  /** Password; percent-encoded in the string. */
  password: string;
  /** `host:port` of every seed (a host without a port gets 27017). */
  hosts: string[];
  /** Database in the path, e.g. `api-toucan`. */
  database?: string;
  /** `replicaSet=` */
  replicaSet?: string;
  /** `tls=true|false` */
  tls?: boolean;
  /** `tlsCAFile=`: the CA file's path inside the client's container. */
  tlsCAFile?: string;
  /** `retryWrites=true|false` (DocumentDB needs false). */
  retryWrites?: boolean;
  /** `authSource=`: the database that holds the user. */
  authSource?: string;
  /** More options, appended in order (e.g. `{ readPreference: "secondaryPreferred" }`). */
  extra?: Record<string, string>;
}

export const MONGO_PORT = 27017;

/** Percent-encodes an option value; keeps `/` readable, as in the vendor's `tlsCAFile=/etc/ssl/myCA.crt`. */
function encodeOption(value: string): string {
  return encodeURIComponent(value).replace(/%2F/gi, "/");
}

/**
 * Builds a `mongodb://` connection string. Options come in the vendor's order: `retryWrites`,
 * `authSource`, `replicaSet`, `tls`, `tlsCAFile`, then `extra`.
 */
export function mongoUri(parts: MongoUriParts): string {
  if (parts.hosts.length === 0) throw new Error("mongoUri: at least one host is needed");
  const hosts = parts.hosts.map((h) => (/:\d+$/.test(h) ? h : `${h}:${MONGO_PORT}`)).join(",");
  const options: [string, string][] = [];
  if (parts.retryWrites !== undefined) options.push(["retryWrites", String(parts.retryWrites)]);
  if (parts.authSource !== undefined) options.push(["authSource", parts.authSource]);
  if (parts.replicaSet !== undefined) options.push(["replicaSet", parts.replicaSet]);
  if (parts.tls !== undefined) options.push(["tls", String(parts.tls)]);
  if (parts.tlsCAFile !== undefined) options.push(["tlsCAFile", parts.tlsCAFile]);
  for (const [key, value] of Object.entries(parts.extra ?? {})) options.push([key, value]);
  const query = options.map(([k, v]) => `${encodeURIComponent(k)}=${encodeOption(v)}`).join("&");
  const credentials = `${encodeURIComponent(parts.user)}:${encodeURIComponent(parts.password)}@`;
  const path = `/${parts.database ? encodeURIComponent(parts.database) : ""}`;
  return `mongodb://${credentials}${hosts}${path}${query ? `?${query}` : ""}`;
}

/**
 * The host names (without ports) of a `mongodb://` or `mongodb+srv://` connection string, in order.
 * Returns `[]` for anything else.
 */
export function mongoUriHosts(uri: string): string[] {
  const match = /^mongodb(?:\+srv)?:\/\/(?:[^@/?#]*@)?([^/?#]*)/.exec(uri.trim());
  if (!match || match[1] === "") return [];
  return match[1]
    .split(",")
    .filter((h) => h !== "")
    .map((h) => h.replace(/:\d+$/, ""));
}

/** Whether a string is a MongoDB connection string (`mongodb://` or `mongodb+srv://` with a host). */
export function isMongoUri(uri: string): boolean {
  return mongoUriHosts(uri).length > 0;
}

/**
 * Adds credentials and the database to a `mongodb+srv://host` seed-list string as Atlas reports it,
 * with the options Atlas recommends for applications (`retryWrites=true&w=majority`).
 */
export function srvConnectionString(
  base: string,
  parts: { user: string; password: string; database: string },
): string {
  const match = /^mongodb\+srv:\/\/(?:[^@/?#]*@)?([^/?#]+)\/?(?:\?(.*))?$/.exec(base.trim());
  if (!match) throw new Error(`srvConnectionString: not a mongodb+srv:// seed-list string: ${base}`);
  const options = new URLSearchParams(match[2] ?? "");
  if (!options.has("retryWrites")) options.set("retryWrites", "true");
  if (!options.has("w")) options.set("w", "majority");
  const credentials = `${encodeURIComponent(parts.user)}:${encodeURIComponent(parts.password)}@`;
  return `mongodb+srv://${credentials}${match[1]}/${encodeURIComponent(parts.database)}?${options.toString()}`;
}
