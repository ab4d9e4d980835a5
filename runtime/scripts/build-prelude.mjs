// Bundles the in-isolate prelude (src/prelude) into one script: dist/prelude.js.
import { mkdir } from "node:fs/promises";
import { build } from "esbuild";

await mkdir(new URL("../dist", import.meta.url), { recursive: true });
const result = await build({
  entryPoints: [new URL("../src/prelude/index.ts", import.meta.url).pathname],
  outfile: new URL("../dist/prelude.js", import.meta.url).pathname,
  bundle: true,
  format: "iife",
  platform: "neutral",
  mainFields: ["module", "main"],
  target: "es2022",
  minify: true,
  legalComments: "none",
  metafile: true,
  logLevel: "warning",
});
const bytes = Object.values(result.metafile.outputs).reduce((sum, output) => sum + output.bytes, 0);
console.log(`prelude: ${(bytes / 1024).toFixed(1)} KiB`);
