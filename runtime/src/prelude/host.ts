// The fixed set of host calls the prelude may make. The host installs them as `__skiffHost` before the
// prelude runs; the prelude captures them here and removes the global, so tenant code never sees them.

export interface HostCalls {
  /** Cryptographically random bytes from the host. */
  randomBytes(length: number): ArrayBuffer;
  /** Asks the host to call `fireTimer(id)` after `delayMs`. */
  scheduleTimer(id: number, delayMs: number): void;
  cancelTimer(id: number): void;
}

const scope = globalThis as unknown as { __skiffHost?: HostCalls };
const installed = scope.__skiffHost;
if (installed === undefined) throw new Error("prelude: host calls are missing");
delete scope.__skiffHost;

export const host: HostCalls = Object.freeze({
  randomBytes: installed.randomBytes,
  scheduleTimer: installed.scheduleTimer,
  cancelTimer: installed.cancelTimer,
});
