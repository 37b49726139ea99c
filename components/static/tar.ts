/**
 * A minimal streaming tar reader: ustar, pax extended headers (`x`, `g`) and GNU long names (`L`, `K`),
 * which is what image layers use. It reads one entry at a time from a byte stream, so a layer of any
 * size is never held in memory; the caller decides per entry whether to read or skip its content.
 */

const BLOCK = 512;

/** Kinds of tar entry the image extractor cares about; the rest (devices, FIFOs) are `other`. */
export type TarEntryType = "file" | "directory" | "symlink" | "hardlink" | "other";

/** One entry's header. */
export interface TarEntry {
  /** Path as stored, with pax/GNU long names applied (not normalised). */
  path: string;
  type: TarEntryType;
  /** Size of the content in bytes (0 for everything but files). */
  size: number;
  /** Target of a symlink or hardlink. */
  linkTarget: string;
  mode: number;
}

/** Thrown for bytes that are not a tar archive, or a truncated one. */
export class TarFormatError extends Error {
  constructor(message: string) {
    super(`tar: ${message}`);
    this.name = "TarFormatError";
  }
}

/**
 * Reads exact byte counts out of a stream of chunks. Pending bytes are kept as a list of chunks, so
 * reading a large entry costs one copy.
 */
class ByteReader {
  private chunks: Buffer[] = [];
  private buffered = 0;
  private done = false;
  private readonly iterator: AsyncIterator<Buffer | Uint8Array | string>;

  constructor(source: AsyncIterable<Buffer | Uint8Array | string>) {
    this.iterator = source[Symbol.asyncIterator]();
  }

  /** Buffers at least `n` bytes unless the stream ends first. */
  private async fill(n: number): Promise<void> {
    while (this.buffered < n && !this.done) {
      const next = await this.iterator.next();
      if (next.done) {
        this.done = true;
        break;
      }
      const chunk = typeof next.value === "string" ? Buffer.from(next.value) : Buffer.from(next.value);
      if (chunk.length === 0) continue;
      this.chunks.push(chunk);
      this.buffered += chunk.length;
    }
  }

  /** Exactly `n` bytes, or fewer only at the end of the stream. */
  async read(n: number): Promise<Buffer> {
    await this.fill(n);
    const take = Math.min(n, this.buffered);
    const all = this.chunks.length === 1 ? this.chunks[0] : Buffer.concat(this.chunks);
    const out = all.subarray(0, take);
    const rest = all.subarray(take);
    this.chunks = rest.length > 0 ? [rest] : [];
    this.buffered = rest.length;
    return out;
  }

  /** Yields the next `n` bytes as they arrive, without gathering them. */
  async *stream(n: number): AsyncGenerator<Buffer> {
    let left = n;
    while (left > 0) {
      if (this.buffered === 0) await this.fill(1);
      if (this.buffered === 0) throw new TarFormatError(`unexpected end of archive (${left} bytes missing)`);
      const chunk = this.chunks[0];
      if (chunk.length <= left) {
        this.chunks.shift();
        this.buffered -= chunk.length;
        left -= chunk.length;
        yield chunk;
      } else {
        this.chunks[0] = chunk.subarray(left);
        this.buffered -= left;
        yield chunk.subarray(0, left);
        left = 0;
      }
    }
  }

  async skip(n: number): Promise<void> {
    for await (const _ of this.stream(n)) {
      // Drained without keeping anything.
    }
  }

  /** Drains what is left so the source (e.g. a gunzip stream verifying a digest) runs to its end. */
  async drain(): Promise<void> {
    this.chunks = [];
    this.buffered = 0;
    while (!this.done) {
      const next = await this.iterator.next();
      if (next.done) this.done = true;
    }
  }
}

/** Content of one entry: iterate it to read the bytes; what is not read is skipped. */
export type TarContent = AsyncIterable<Buffer>;

/**
 * Iterates the entries of a tar stream. Each entry comes with its content; read it (`for await`)
 * before asking for the next entry, or leave it and it is skipped.
 *
 * @example
 * ```ts
 * for await (const { entry, content } of readTar(fs.createReadStream("layer.tar"))) {
 *   if (entry.type === "file") for await (const chunk of content) out.write(chunk);
 * }
 * ```
 */
export async function* readTar(
  source: AsyncIterable<Buffer | Uint8Array | string>,
): AsyncGenerator<{ entry: TarEntry; content: TarContent }> {
  const reader = new ByteReader(source);
  let pax: Record<string, string> = {};
  let gnuLongName: string | undefined;
  let gnuLongLink: string | undefined;

  for (;;) {
    const header = await reader.read(BLOCK);
    if (header.length === 0) break; // some writers omit the two zero blocks
    if (header.length < BLOCK) throw new TarFormatError("unexpected end of archive inside a header");
    if (isZeroBlock(header)) {
      // End of archive. Read on to the end so a wrapping stream (gunzip, digest) finishes.
      await reader.drain();
      break;
    }
    verifyChecksum(header);

    const typeflag = String.fromCharCode(header[156]);
    const size = readNumber(header, 124, 12);
    const padded = Math.ceil(size / BLOCK) * BLOCK;

    // Metadata entries describe the next real entry.
    if (typeflag === "x" || typeflag === "g" || typeflag === "L" || typeflag === "K") {
      const data = await reader.read(padded);
      if (data.length < padded)
        throw new TarFormatError("unexpected end of archive inside an extended header");
      const body = data.subarray(0, size);
      if (typeflag === "x") pax = { ...pax, ...parsePax(body) };
      // Global (`g`) headers carry defaults such as mtime or charset, none of which matter here.
      else if (typeflag === "L") gnuLongName = cString(body);
      else gnuLongLink = cString(body);
      continue;
    }

    const attributes = pax;
    const ustarPrefix = isUstar(header) ? cString(header.subarray(345, 500)) : "";
    const shortName = cString(header.subarray(0, 100));
    const path = attributes.path ?? gnuLongName ?? (ustarPrefix ? `${ustarPrefix}/${shortName}` : shortName);
    const linkTarget = attributes.linkpath ?? gnuLongLink ?? cString(header.subarray(157, 257));
    const realSize = attributes.size !== undefined ? Number(attributes.size) : size;
    if (!Number.isSafeInteger(realSize) || realSize < 0) throw new TarFormatError(`bad size for ${path}`);
    pax = {};
    gnuLongName = undefined;
    gnuLongLink = undefined;

    const type = entryType(typeflag, path);
    const contentPadded = Math.ceil(realSize / BLOCK) * BLOCK;
    let remaining = realSize;
    let started = false;
    const content: TarContent = {
      [Symbol.asyncIterator]: () => {
        if (started) throw new TarFormatError(`content of ${path} can only be read once`);
        started = true;
        return (async function* () {
          for await (const chunk of reader.stream(remaining)) {
            remaining -= chunk.length;
            yield chunk;
          }
        })();
      },
    };
    const mode = readNumber(header, 100, 8);
    yield { entry: { path, type, size: type === "file" ? realSize : 0, linkTarget, mode }, content };
    // Skip whatever the consumer left unread (all of it, or the rest after an early break), then padding.
    await reader.skip(remaining);
    await reader.skip(contentPadded - realSize);
  }
}

function entryType(typeflag: string, path: string): TarEntryType {
  switch (typeflag) {
    case "0":
    case "\0":
    case "7": // contiguous file: a regular file everywhere that matters
      // Pre-POSIX archives mark directories with a trailing slash on a regular-file entry.
      return path.endsWith("/") ? "directory" : "file";
    case "5":
      return "directory";
    case "2":
      return "symlink";
    case "1":
      return "hardlink";
    default:
      return "other";
  }
}

function isZeroBlock(block: Buffer): boolean {
  for (let i = 0; i < block.length; i++) if (block[i] !== 0) return false;
  return true;
}

function isUstar(header: Buffer): boolean {
  // "ustar\0" (POSIX) or "ustar " (GNU, which has no prefix field: those bytes hold atime/ctime).
  return header.toString("latin1", 257, 263) === "ustar\0";
}

function verifyChecksum(header: Buffer): void {
  const stored = readNumber(header, 148, 8);
  let unsigned = 0;
  let signed = 0;
  for (let i = 0; i < BLOCK; i++) {
    const byte = i >= 148 && i < 156 ? 0x20 : header[i];
    unsigned += byte;
    signed += byte > 127 ? byte - 256 : byte;
  }
  // Some old writers summed signed bytes; accept either, as GNU tar does.
  if (stored !== unsigned && stored !== signed) {
    throw new TarFormatError("header checksum mismatch (not a tar archive, or corrupted)");
  }
}

/** Octal ASCII, or GNU base-256 (high bit set) for values that do not fit. */
function readNumber(header: Buffer, offset: number, length: number): number {
  const field = header.subarray(offset, offset + length);
  if (field[0] & 0x80) {
    let value = field[0] & 0x7f;
    for (let i = 1; i < field.length; i++) value = value * 256 + field[i];
    if (!Number.isSafeInteger(value)) throw new TarFormatError("numeric field too large");
    return value;
  }
  const text = field.toString("latin1").replace(/\0.*$/s, "").trim();
  if (text === "") return 0;
  if (!/^[0-7]+$/.test(text)) throw new TarFormatError(`bad numeric field ${JSON.stringify(text)}`);
  return parseInt(text, 8);
}

function cString(bytes: Buffer): string {
  const end = bytes.indexOf(0);
  return bytes.toString("utf8", 0, end < 0 ? bytes.length : end);
}

/** Pax records: `<decimal length> <key>=<value>\n`, the length counting the whole record. */
export function parsePax(body: Buffer): Record<string, string> {
  const out: Record<string, string> = {};
  let pos = 0;
  while (pos < body.length) {
    const space = body.indexOf(0x20, pos);
    if (space < 0) break;
    const length = Number(body.toString("latin1", pos, space));
    if (!Number.isSafeInteger(length) || length <= 0 || pos + length > body.length) {
      throw new TarFormatError("malformed pax extended header");
    }
    const record = body.toString("utf8", space + 1, pos + length - 1); // without the trailing \n
    const eq = record.indexOf("=");
    if (eq > 0) out[record.slice(0, eq)] = record.slice(eq + 1);
    pos += length;
  }
  return out;
}
