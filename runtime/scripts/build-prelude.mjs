// Bundles the in-isolate prelude (src/prelude) into one script: dist/prelude.js.
import { mkdir } from "node:fs/promises";
import { build } from "esbuild";

/** whatwg-url's tr46 goes through our lazy stand-in (src/prelude/idna.ts); the stand-in gets the real one. */
const lazyIdna = {
  name: "lazy-idna",
  setup(build) {
    const shim = new URL("../src/prelude/idna.ts", import.meta.url).pathname;
    build.onResolve({ filter: /^tr46$/ }, (args) => (args.importer === shim ? undefined : { path: shim }));
  },
};

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
  plugins: [lazyIdna],
  logLevel: "warning",
});
const bytes = Object.values(result.metafile.outputs).reduce((sum, output) => sum + output.bytes, 0);
console.log(`prelude: ${(bytes / 1024).toFixed(1)} KiB`);
