// Prelude entry: runs in every isolate before tenant code. Order matters: SharedArrayBuffer and Atomics go
// first, then host calls are captured and removed (intrinsics.ts, which host.ts imports, takes the built-ins
// before anything else can change them), encodings are installed before whatwg-url loads, and the internal
// entry points are published last for the host to take and delete.
import "./lockdown.js";
import "./host.js";
import "./encoding.js";
import "./globals.js";
import { disableCodeGeneration } from "./code-generation.js";
import { dispatch, setup } from "./dispatch.js";
import { settleHostCall } from "./host.js";
import { fireTimer } from "./timers.js";

(globalThis as Record<string, unknown>).__skiffInternal = {
  setup,
  dispatch,
  fireTimer,
  settleHostCall,
  disableCodeGeneration,
};
