const fs = require("node:fs");
const dir = ".tmp-analyze/prof/";
const prof = JSON.parse(fs.readFileSync(dir + fs.readdirSync(dir)[0]));
const lines = fs.readFileSync("/tmp/skiff-w/prelude.debug.js", "utf8").split("\n");
const fileAt = []; let cur = "?";
for (let i = 0; i < lines.length; i++) { const m = /^  \/\/ (\S+)$/.exec(lines[i]); if (m) cur = m[1].replace(/.*node_modules\//, "nm/"); fileAt[i] = cur; }
const byId = new Map(prof.nodes.map((n) => [n.id, n]));
const self = new Map();
const dt = prof.timeDeltas; 
prof.samples.forEach((id, i) => { self.set(id, (self.get(id) || 0) + (dt[i] || 0)); });
const agg = {};
let total = 0;
for (const [id, us] of self) { const n = byId.get(id); const cf = n.callFrame; let key; if (cf.url.endsWith("prelude.debug.js")) key = fileAt[cf.lineNumber] || "?"; else key = `(${cf.functionName || cf.url || "native"})`; agg[key] = (agg[key] || 0) + us; total += us; }
console.log("total ms", (total / 1000).toFixed(0));
console.log(Object.entries(agg).sort((a, b) => b[1] - a[1]).slice(0, 30).map(([k, v]) => `${(v / 1000 / 300).toFixed(3)} ms/run  ${k}`).join("\n"));
