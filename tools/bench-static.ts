/**
 * Times the StaticFrontend's asset manifest on generated sites of 50 and 5,000 files (the real
 * frontend has a few thousand). Run: TS_NODE_TRANSPILE_ONLY=1 node -r ts-node/register tools/bench-static.ts
 */
import * as crypto from "crypto";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { buildManifest } from "../components/static/manifest";
import { renderEmbedParams, renderTcParams } from "../components/static/tc-params";

/** Writes a site shaped like a bundled SPA: hashed chunks, fonts, images, a few HTML pages. */
export function generateSite(root: string, fileCount: number): void {
  const random = seeded(fileCount);
  const extensions = ["js", "js", "js", "css", "map", "svg", "png", "woff2", "json", "txt"];
  const write = (relative: string, size: number): void => {
    const file = path.join(root, relative);
    fs.mkdirSync(path.dirname(file), { recursive: true });
    fs.writeFileSync(file, crypto.randomBytes(Math.max(1, size)));
  };
  write("index.html", 2_000);
  write("scripts/tc-params.js", 100);
  write("embed-params.json", 50);
  write("tucana-version.txt", 10);
  for (let i = 4; i < fileCount; i++) {
    const ext = extensions[i % extensions.length];
    const hash = crypto.createHash("sha256").update(String(i)).digest("hex").slice(0, 10);
    const folder = `assets/${["js", "css", "img", "fonts", "i18n"][i % 5]}/${i % 37}`;
    // Mostly small files with a long tail, like a real bundle.
    const size = Math.floor(200 + random() ** 3 * 60_000);
    write(`${folder}/file-${i}.${hash}.${ext}`, size);
  }
}

function seeded(seed: number): () => number {
  let state = seed || 1;
  return () => {
    state = (state * 1103515245 + 12345) % 2 ** 31;
    return state / 2 ** 31;
  };
}

function time<T>(work: () => T): [T, number] {
  const start = process.hrtime.bigint();
  const result = work();
  return [result, Number(process.hrtime.bigint() - start) / 1e6];
}

function main(): void {
  const overrides = {
    "scripts/tc-params.js": renderTcParams({ apiBaseRoute: "https://toucan-api.example.com" }),
    "embed-params.json": renderEmbedParams({ apiBaseRoute: "https://toucan-api.example.com" }),
  };
  const root = fs.mkdtempSync(path.join(os.tmpdir(), "toucan-bench-static-"));
  try {
    for (const count of [50, 5_000]) {
      const dir = path.join(root, `site-${count}`);
      const [, generateMs] = time(() => generateSite(dir, count));
      const [manifest, coldMs] = time(() => buildManifest(dir, { overrides }));
      const [, warmMs] = time(() => buildManifest(dir, { overrides }));
      const bytes = manifest.entries.reduce((sum, e) => sum + e.size, 0);
      console.log(
        `${String(count).padStart(5)} files, ${(bytes / 1e6).toFixed(1).padStart(6)} MB: ` +
          `generate ${generateMs.toFixed(0)} ms, manifest ${coldMs.toFixed(0)} ms (again: ${warmMs.toFixed(0)} ms)`,
      );
    }
  } finally {
    fs.rmSync(root, { recursive: true, force: true });
  }
}

if (require.main === module) main();
