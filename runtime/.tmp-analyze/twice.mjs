import ivm from "isolated-vm";
import { readFileSync } from "node:fs";
const files = { base: ".tmp-analyze/prelude-base.js", now: "dist/prelude.js" };
const t = () => performance.now();
const med = (xs) => { const s = [...xs].sort((x, y) => x - y); return s[Math.floor(s.length / 2)]; };
for (const [k, f] of Object.entries(files)) {
  const src = readFileSync(f, "utf8");
  const first = [], second = [];
  for (let i = 0; i < 25; i++) {
    const iso = new ivm.Isolate({ memoryLimit: 128 });
    const ctx = await iso.createContext();
    const host = "globalThis.__skiffHost = { randomBytes: $0, scheduleTimer: $1, cancelTimer: $2, call: $3 };";
    const cbs = () => [new ivm.Callback((n) => new ArrayBuffer(n)), new ivm.Callback(() => 1), new ivm.Callback(() => 1), new ivm.Callback(() => 1)];
    await ctx.evalClosure(host, cbs());
    const s = await iso.compileScript(src);
    let a = t(); await s.run(ctx); first.push(t() - a);
    const ctx2 = await iso.createContext();
    await ctx2.evalClosure(host, cbs());
    a = t(); await s.run(ctx2); second.push(t() - a);
    iso.dispose();
  }
  console.log(`${k}: first run ${med(first).toFixed(2)} ms, same script in a second context ${med(second).toFixed(2)} ms`);
}
