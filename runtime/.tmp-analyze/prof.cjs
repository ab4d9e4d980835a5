const vm = require("node:vm");
const fs = require("node:fs");
const src = fs.readFileSync("/tmp/skiff-w/prelude.debug.js", "utf8");
const script = new vm.Script(src, { filename: "prelude.debug.js" });
for (let i = 0; i < 300; i++) {
  const ctx = vm.createContext({});
  vm.runInContext("globalThis.__skiffHost = { randomBytes: (n) => new ArrayBuffer(n), scheduleTimer(){}, cancelTimer(){}, call(){} }", ctx);
  script.runInContext(ctx);
}
