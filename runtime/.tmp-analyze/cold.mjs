import ivm from "isolated-vm";
import { readFileSync } from "node:fs";
const files = { base: ".tmp-analyze/prelude-base.js", now: "dist/prelude.js" };
const src = Object.fromEntries(Object.entries(files).map(([k, f]) => [k, readFileSync(f, "utf8")]));
const cache = {};
const t = () => performance.now();
const samples = { base: { compile: [], run: [], heap: [] }, now: { compile: [], run: [], heap: [] } };
async function once(which) {
  const iso = new ivm.Isolate({ memoryLimit: 128 });
  const ctx = await iso.createContext();
  await ctx.evalClosure("globalThis.__skiffHost = { randomBytes: $0, scheduleTimer: $1, cancelTimer: $2, call: $3 };", [new ivm.Callback((n) => new ArrayBuffer(n)), new ivm.Callback(() => 1), new ivm.Callback(() => 1), new ivm.Callback(() => 1)]);
  const a = t();
  const s = await iso.compileScript(src[which], cache[which] ? { cachedData: cache[which] } : { produceCachedData: true });
  if (!cache[which]) cache[which] = s.cachedData;
  const b = t();
  await s.run(ctx);
  const c = t();
  const heap = (await iso.getHeapStatistics()).used_heap_size;
  samples[which].compile.push(b - a); samples[which].run.push(c - b); samples[which].heap.push(heap);
  const lazy = {};
  if (which === "now" && process.argv[2] === "lazy") {
    for (const [name, code] of [
      ["ReadableStream", "new ReadableStream()"],
      ["digest", "crypto.subtle.digest('SHA-256', new Uint8Array(1))"],
      ["hmac", "crypto.subtle.importKey('raw', new Uint8Array(32), {name:'HMAC', hash:'SHA-256'}, false, ['sign'])"],
      ["aes", "crypto.subtle.importKey('raw', new Uint8Array(16), 'AES-GCM', false, ['encrypt'])"],
      ["ecdsa", "crypto.subtle.generateKey({name:'ECDSA', namedCurve:'P-256'}, false, ['sign'])"],
      ["ed25519", "crypto.subtle.generateKey('Ed25519', false, ['sign'])"],
    ]) {
      const d = t();
      await ctx.eval(`(async () => { await ${code} })()`, { promise: true });
      lazy[name] = t() - d;
    }
    samples.lazy ??= [];
    samples.lazy.push(lazy);
  }
  iso.dispose();
}
const N = Number(process.argv[3] ?? 40);
for (let i = 0; i < N; i++) { await once("base"); await once("now"); }
const med = (xs) => { const s = [...xs].sort((x, y) => x - y); return s[Math.floor(s.length / 2)]; };
for (const k of ["base", "now"]) {
  const x = samples[k];
  console.log(`${k}: size ${(src[k].length / 1024).toFixed(0)} KiB  compile(cached) median ${med(x.compile.slice(1)).toFixed(2)} ms (first ${x.compile[0].toFixed(1)})  run median ${med(x.run).toFixed(2)} ms  heap after prelude ${(med(x.heap) / 1024 / 1024).toFixed(2)} MB`);
}
if (samples.lazy) { const keys = Object.keys(samples.lazy[0]); console.log("first use (median ms): " + keys.map((k) => `${k} ${med(samples.lazy.map((l) => l[k])).toFixed(2)}`).join(", ")); }
