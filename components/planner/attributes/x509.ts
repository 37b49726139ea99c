/**
 * Real, deterministic X.509 certificates for the recording runtime's `tls` answers: a certificate
 * with the requested subject and validity, signed with an Ed25519 key derived from the resource's
 * identity (so a plan is the same every time). It parses with `crypto.X509Certificate` and openssl;
 * only the key type differs from what the provider would make.
 */
import * as crypto from "crypto";

function length(n: number): Buffer {
  if (n < 0x80) return Buffer.from([n]);
  const bytes: number[] = [];
  for (let v = n; v > 0; v >>= 8) bytes.unshift(v & 0xff);
  return Buffer.from([0x80 | bytes.length, ...bytes]);
}
const tlv = (tag: number, content: Buffer) =>
  Buffer.concat([Buffer.from([tag]), length(content.length), content]);
const seq = (...items: Buffer[]) => tlv(0x30, Buffer.concat(items));
const set = (...items: Buffer[]) => tlv(0x31, Buffer.concat(items));
const integer = (bytes: Buffer) =>
  tlv(0x02, bytes[0] & 0x80 ? Buffer.concat([Buffer.from([0]), bytes]) : bytes);
const utf8 = (text: string) => tlv(0x0c, Buffer.from(text, "utf8"));

function oid(dotted: string): Buffer {
  const [a, b, ...rest] = dotted.split(".").map(Number);
  const out = [40 * a + b];
  for (const n of rest) {
    const chunk: number[] = [n & 0x7f];
    for (let v = n >> 7; v > 0; v >>= 7) chunk.unshift(0x80 | (v & 0x7f));
    out.push(...chunk);
  }
  return tlv(0x06, Buffer.from(out));
}

function time(date: Date): Buffer {
  const iso = date.toISOString().replace(/[-:T]/g, "").slice(0, 14);
  return date.getUTCFullYear() < 2050
    ? tlv(0x17, Buffer.from(`${iso.slice(2)}Z`))
    : tlv(0x18, Buffer.from(`${iso}Z`));
}

const SUBJECT_OIDS: Record<string, string> = {
  commonName: "2.5.4.3",
  organization: "2.5.4.10",
  organizationalUnit: "2.5.4.11",
  country: "2.5.4.6",
  locality: "2.5.4.7",
  province: "2.5.4.8",
};

function name(subject: Record<string, unknown>): Buffer {
  const parts = Object.entries(SUBJECT_OIDS)
    .filter(([key]) => typeof subject[key] === "string" && subject[key] !== "")
    .map(([key, id]) => set(seq(oid(id), utf8(String(subject[key])))));
  return seq(...parts);
}

const ED25519 = seq(oid("1.3.101.112"));
/** PKCS#8 prefix of an Ed25519 private key; the 32-byte seed follows. */
const ED25519_PKCS8_PREFIX = Buffer.from("302e020100300506032b657004220420", "hex");

/** A self-signed certificate (PEM) for `subject`, valid `hours` from `notBefore`, deterministic in `seed`. */
export function selfSignedCertificate(
  seed: string,
  subject: Record<string, unknown>,
  notBefore: Date,
  hours: number,
): string {
  const key = crypto.createPrivateKey({
    key: Buffer.concat([ED25519_PKCS8_PREFIX, crypto.createHash("sha256").update(seed).digest()]),
    format: "der",
    type: "pkcs8",
  });
  const publicKey = crypto.createPublicKey(key).export({ type: "spki", format: "der" });
  const serial = crypto.createHash("sha256").update(`serial:${seed}`).digest().subarray(0, 16);
  serial[0] &= 0x7f;
  const notAfter = new Date(notBefore.getTime() + hours * 3600 * 1000);
  const subjectName = name(subject);
  const tbs = seq(
    tlv(0xa0, integer(Buffer.from([2]))),
    integer(serial),
    ED25519,
    subjectName,
    seq(time(notBefore), time(notAfter)),
    subjectName,
    publicKey,
  );
  const signature = crypto.sign(null, tbs, key);
  const der = seq(tbs, ED25519, tlv(0x03, Buffer.concat([Buffer.from([0]), signature])));
  const body = der
    .toString("base64")
    .match(/.{1,64}/g)!
    .join("\n");
  return `-----BEGIN CERTIFICATE-----\n${body}\n-----END CERTIFICATE-----\n`;
}
