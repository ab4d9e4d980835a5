import { build } from "esbuild";
const shim = "/work/main/runtime/.tmp-analyze/base/runtime/src/prelude/idna.ts";
const lazyIdna = { name: "lazy-idna", setup(b) { b.onResolve({ filter: /^tr46$/ }, (a) => (a.importer === shim ? undefined : { path: shim })); } };
await build({ entryPoints: ["/work/main/runtime/.tmp-analyze/base/runtime/src/prelude/index.ts"], outfile: "/work/main/runtime/.tmp-analyze/prelude-base.js", bundle: true, format: "iife", platform: "neutral", mainFields: ["module","main"], target: "es2022", minify: true, legalComments: "none", plugins: [lazyIdna], logLevel: "warning" });
