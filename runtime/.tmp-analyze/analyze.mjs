import { build } from "esbuild";
const shim = new URL("file:///work/main/runtime/src/prelude/idna.ts").pathname;
const lazyIdna = { name: "lazy-idna", setup(b) { b.onResolve({ filter: /^tr46$/ }, (a) => (a.importer === shim ? undefined : { path: shim })); } };
const r = await build({ entryPoints: ["/work/main/runtime/src/prelude/index.ts"], outfile: "/tmp/skiff-w/prelude.debug.js", bundle: true, format: "iife", platform: "neutral", mainFields: ["module","main"], target: "es2022", minify: process.argv[2]==="min", metafile: true, plugins: [lazyIdna], logLevel: "warning" });
const out = Object.values(r.metafile.outputs)[0];
const rows = Object.entries(out.inputs).map(([k,v])=>[k.replace(/.*node_modules\//,"nm/"),v.bytesInOutput]).sort((a,b)=>b[1]-a[1]);
let groups = {};
for (const [k,v] of rows) { const g = k.startsWith("nm/") ? k.split("/").slice(1, k.split("/")[1].startsWith("@")?3:2).join("/") : k.replace(/^.*prelude\//,"prelude/"); groups[g]=(groups[g]||0)+v; }
console.log(Object.entries(groups).sort((a,b)=>b[1]-a[1]).map(([k,v])=>`${(v/1024).toFixed(1)}K ${k}`).join("\n"));
