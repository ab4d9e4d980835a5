// Bundles the in-isolate prelude (src/prelude) into one script: dist/prelude.js.
import { mkdir } from "node:fs/promises";
import { build } from "esbuild";

const PRELUDE_DIR = new URL("../src/prelude/", import.meta.url).pathname;
const ENTRY = `${PRELUDE_DIR}index.ts`;
/** The one module whose `require()` calls name lazy chunks (streams, events, forms, crypto.subtle). */
const LAZY_LOADER = `${PRELUDE_DIR}lazy.ts`;

const shared = {
  bundle: true,
  platform: "neutral",
  mainFields: ["module", "main"],
  target: "es2022",
  logLevel: "warning",
};

/** whatwg-url's tr46 goes through our lazy stand-in (src/prelude/idna.ts); the stand-in gets the real one. */
const lazyIdna = {
  name: "lazy-idna",
  setup(build) {
    const shim = `${PRELUDE_DIR}idna.ts`;
    build.onResolve({ filter: /^tr46$/ }, (args) => (args.importer === shim ? undefined : { path: shim }));
  },
};

/** Leaves the lazy chunks out: what remains is what every isolate runs at start. */
const cutLazyChunks = {
  name: "cut-lazy-chunks",
  setup(build) {
    build.onResolve({ filter: /^\./ }, (args) =>
      args.kind === "require-call" && args.importer === LAZY_LOADER
        ? { path: args.path, external: true }
        : undefined,
    );
  },
};

// Pass 1: the modules every isolate loads at start (the eager graph).
const eager = await build({
  ...shared,
  entryPoints: [ENTRY],
  write: false,
  metafile: true,
  plugins: [lazyIdna, cutLazyChunks],
});
const eagerFiles = new Set(
  Object.keys(eager.metafile.inputs).map((path) => new URL(path, `file://${process.cwd()}/`).pathname),
);

/**
 * Each lazy chunk is pre-bundled as one CommonJS module, so in the prelude it sits inside a single function
 * that runs on first `require`. (Bundled as ES modules instead, esbuild hoists their function declarations to
 * the top of the prelude, and every new isolate would create those thousands of closures at start.) What a
 * chunk imports from the eager graph stays a reference to that one shared instance.
 */
const chunkOwners = new Map();
const lazyChunks = {
  name: "lazy-chunks",
  setup(build) {
    build.onResolve({ filter: /^\./ }, async (args) => {
      if (args.kind !== "require-call" || args.importer !== LAZY_LOADER) return undefined;
      const resolved = await build.resolve(args.path, {
        kind: "import-statement",
        resolveDir: args.resolveDir,
      });
      return { path: resolved.path, namespace: "lazy-chunk" };
    });
    build.onLoad({ filter: /.*/, namespace: "lazy-chunk" }, async (args) => {
      const chunk = await build.esbuild.build({
        ...shared,
        entryPoints: [args.path],
        format: "cjs",
        write: false,
        metafile: true,
        plugins: [
          {
            name: "share-eager-modules",
            setup(inner) {
              inner.onResolve({ filter: /.*/ }, async (importArgs) => {
                if (importArgs.pluginData === "shared") return undefined;
                const target = await inner.resolve(importArgs.path, {
                  kind: importArgs.kind,
                  resolveDir: importArgs.resolveDir,
                  importer: importArgs.importer,
                  pluginData: "shared",
                });
                return eagerFiles.has(target.path) ? { path: target.path, external: true } : undefined;
              });
            },
          },
        ],
      });
      for (const input of Object.keys(chunk.metafile.inputs)) {
        const owner = chunkOwners.get(input);
        if (owner !== undefined && owner !== args.path) {
          throw new Error(`${input} is in two lazy chunks (${owner}, ${args.path}): it would exist twice`);
        }
        chunkOwners.set(input, args.path);
      }
      return { contents: chunk.outputFiles[0].text, loader: "js", resolveDir: PRELUDE_DIR };
    });
  },
};

await mkdir(new URL("../dist", import.meta.url), { recursive: true });
const result = await build({
  ...shared,
  entryPoints: [ENTRY],
  outfile: new URL("../dist/prelude.js", import.meta.url).pathname,
  format: "iife",
  minify: true,
  legalComments: "none",
  metafile: true,
  plugins: [lazyIdna, lazyChunks],
});
const bytes = Object.values(result.metafile.outputs).reduce((sum, output) => sum + output.bytes, 0);
console.log(`prelude: ${(bytes / 1024).toFixed(1)} KiB`);
