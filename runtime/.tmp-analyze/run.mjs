import { readFileSync } from "node:fs";
import { Sandbox } from "../dist/worker/sandbox.js";
const code = readFileSync(process.argv[2], "utf8");
const s = new Sandbox(128);
await s.load("v", { main: "index.js", modules: { "index.js": { type: "esm", content: code } } }, {});
const meta = { invocationId: "i", tenant: "t", functionName: "f", version: 1, memoryMb: 128, deadline: Date.now() + 10000 };
const r = await s.dispatch({ kind: "invoke", payload: {} }, meta, {
  fetch: async (req) => ({ status: 200, statusText: "OK", headers: [["content-type", "text/plain"], ["x-echo-method", req.method]], body: new TextEncoder().encode(`echo ${req.url} ${req.body ? new TextDecoder().decode(req.body) : ""}`), url: req.url, redirected: false }),
});
console.log(JSON.stringify(r.value ?? r, null, 1));
for (const l of r.logs) console.log("LOG", l.level, l.message);
s.dispose();
