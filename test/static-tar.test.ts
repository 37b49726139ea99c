import * as assert from "assert";
import { TarEntry, TarFormatError, parsePax, readTar } from "../components/static/tar";

/** A ustar header block, written by hand so each format feature is tested on its own. */
function header(fields: {
  name: string;
  size?: number;
  type?: string;
  linkname?: string;
  prefix?: string;
}): Buffer {
  const block = Buffer.alloc(512);
  block.write(fields.name, 0, 100, "utf8");
  block.write("0000644\0", 100, "latin1");
  block.write("0000000\0", 108, "latin1");
  block.write("0000000\0", 116, "latin1");
  block.write(`${(fields.size ?? 0).toString(8).padStart(11, "0")}\0`, 124, "latin1");
  block.write("00000000000\0", 136, "latin1");
  block.write(fields.type ?? "0", 156, "latin1");
  block.write(fields.linkname ?? "", 157, 100, "utf8");
  block.write("ustar\0", 257, "latin1");
  block.write("00", 263, "latin1");
  block.write(fields.prefix ?? "", 345, 155, "utf8");
  block.fill(0x20, 148, 156);
  let sum = 0;
  for (const byte of block) sum += byte;
  block.write(`${sum.toString(8).padStart(6, "0")}\0 `, 148, "latin1");
  return block;
}

function entry(fields: Parameters<typeof header>[0], content: Buffer | string = ""): Buffer {
  const data = Buffer.from(content);
  const padding = Buffer.alloc((512 - (data.length % 512)) % 512);
  return Buffer.concat([header({ ...fields, size: data.length }), data, padding]);
}

function paxRecord(key: string, value: string): string {
  const body = ` ${key}=${value}\n`;
  let length = Buffer.byteLength(body) + 1;
  while (Buffer.byteLength(`${length}${body}`) !== length) length++;
  return `${length}${body}`;
}

const END = Buffer.alloc(1024);

/** Feeds the archive in small uneven chunks, as a network stream would. */
async function* chunked(bytes: Buffer, size = 100): AsyncGenerator<Buffer> {
  for (let i = 0; i < bytes.length; i += size) yield bytes.subarray(i, i + size);
}

async function readAll(bytes: Buffer): Promise<Array<TarEntry & { text: string }>> {
  const out: Array<TarEntry & { text: string }> = [];
  for await (const { entry: e, content } of readTar(chunked(bytes))) {
    const chunks: Buffer[] = [];
    for await (const chunk of content) chunks.push(chunk);
    out.push({ ...e, text: Buffer.concat(chunks).toString("utf8") });
  }
  return out;
}

describe("static: tar reader", () => {
  it("reads ustar entries, joining the prefix field and the name", async () => {
    const entries = await readAll(
      Buffer.concat([
        entry({ name: "dir/", type: "5" }),
        entry({ name: "file.txt", prefix: "usr/share/nginx/html" }, "hello"),
        entry({ name: "link", type: "2", linkname: "file.txt" }),
        entry({ name: "hard", type: "1", linkname: "usr/share/nginx/html/file.txt" }),
        END,
      ]),
    );
    assert.deepStrictEqual(
      entries.map((e) => [e.path, e.type, e.size, e.linkTarget, e.text]),
      [
        ["dir/", "directory", 0, "", ""],
        ["usr/share/nginx/html/file.txt", "file", 5, "", "hello"],
        ["link", "symlink", 0, "file.txt", ""],
        ["hard", "hardlink", 0, "usr/share/nginx/html/file.txt", ""],
      ],
    );
  });

  it("applies pax path and linkpath records to the next entry only", async () => {
    const longName = `usr/share/nginx/html/${"ü".repeat(120)}.js`;
    const pax =
      paxRecord("path", longName) +
      paxRecord("linkpath", "target/" + "x".repeat(150)) +
      paxRecord("mtime", "0.5");
    const entries = await readAll(
      Buffer.concat([
        entry({ name: "PaxHeaders/x", type: "x" }, pax),
        entry({ name: "truncated-name" }, "pax"),
        entry({ name: "plain" }, "plain"),
        END,
      ]),
    );
    assert.deepStrictEqual(
      entries.map((e) => [e.path, e.linkTarget, e.text]),
      [
        [longName, `target/${"x".repeat(150)}`, "pax"],
        ["plain", "", "plain"],
      ],
    );
  });

  it("applies GNU long names (L) and long link names (K)", async () => {
    const longName = `usr/share/nginx/html/${"n".repeat(200)}`;
    const longLink = `/${"l".repeat(200)}`;
    const entries = await readAll(
      Buffer.concat([
        entry({ name: "././@LongLink", type: "L" }, `${longName}\0`),
        entry({ name: "././@LongLink", type: "K" }, `${longLink}\0`),
        entry({ name: longName.slice(0, 99), type: "2" }),
        END,
      ]),
    );
    assert.deepStrictEqual(
      entries.map((e) => [e.path, e.type, e.linkTarget]),
      [[longName, "symlink", longLink]],
    );
  });

  it("skips content the reader leaves unread, or reads only in part", async () => {
    const big = "x".repeat(1500);
    const archive = Buffer.concat([
      entry({ name: "a" }, big),
      entry({ name: "b" }, big),
      entry({ name: "c" }, "c"),
      END,
    ]);
    const seen: string[] = [];
    for await (const { entry: e, content } of readTar(chunked(archive, 333))) {
      if (e.path === "b") {
        for await (const _ of content) break; // read one chunk, drop the rest
      }
      if (e.path === "c") for await (const chunk of content) seen.push(chunk.toString());
      seen.push(e.path);
    }
    assert.deepStrictEqual(seen, ["a", "b", "c", "c"]);
  });

  it("ends cleanly on an archive without its two zero blocks", async () => {
    const entries = await readAll(entry({ name: "only" }, "x"));
    assert.deepStrictEqual(
      entries.map((e) => e.path),
      ["only"],
    );
  });

  it("rejects bytes that are not tar, and truncated archives", async () => {
    const corrupt = entry({ name: "x" }, "data");
    corrupt[0] ^= 0xff;
    await assert.rejects(
      readAll(corrupt),
      (e: Error) => e instanceof TarFormatError && /checksum/.test(e.message),
    );
    const truncated = entry({ name: "x" }, "y".repeat(2000)).subarray(0, 1024);
    await assert.rejects(
      readAll(truncated),
      (e: Error) => e instanceof TarFormatError && /unexpected end/.test(e.message),
    );
    await assert.rejects(readAll(Buffer.from("not a tar")), /inside a header/);
  });

  it("parses pax records whose length counts multi-byte characters", () => {
    assert.deepStrictEqual(parsePax(Buffer.from(paxRecord("path", "é/ü") + paxRecord("size", "12"))), {
      path: "é/ü",
      size: "12",
    });
  });
});
