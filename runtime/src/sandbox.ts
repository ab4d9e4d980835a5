// The isolate sandbox on its own entry point (`@skiff/runtime/sandbox`): it loads isolated-vm, which only
// runtime workers and tests started with --no-node-snapshot may do; the main entry point never does.
export { preludeCodeCache } from "./worker/prelude-code-cache.js";
export { type HostCallHandlers, type InvocationMeta, Sandbox, SLICE_CUT } from "./worker/sandbox.js";
export { SliceGuard } from "./worker/slice-guard.js";
