// Prelude entry: runs in every isolate before tenant code. Order matters: host calls are captured and
// removed first, encodings are installed before whatwg-url loads, and the internal entry points are
// published last for the host to take and delete.
import "./host.js";
import "./encoding.js";
import "./globals.js";
import { dispatch, setup } from "./dispatch.js";
import { settleHostCall } from "./host.js";
import { fireTimer } from "./timers.js";

(globalThis as Record<string, unknown>).__skiffInternal = { setup, dispatch, fireTimer, settleHostCall };
