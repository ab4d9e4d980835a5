// The fixed set of host calls the prelude may make. The host installs them as `__skiffHost` before the
// prelude runs; the prelude captures them here and removes the global, so tenant code never sees them.
// Nothing here is an ivm.Reference: asynchronous host work (fetch, bindings) is started by a fire-and-forget
// call and settled by the host calling `settleHostCall`, the same way timers fire.

import { ObjectCreate, ObjectFreeze, PromiseCtor, TypeErrorCtor } from "./intrinsics.js";

export interface HostCalls {
  /** Cryptographically random bytes from the host. */
  randomBytes(length: number): ArrayBuffer;
  /** Asks the host to call `fireTimer(id)` after `delayMs`. */
  scheduleTimer(id: number, delayMs: number): void;
  cancelTimer(id: number): void;
  /** Starts asynchronous host work `name`; the host answers with `settleHostCall(id, …)`. */
  call(id: number, name: string, args: unknown): void;
}

const scope = globalThis as unknown as { __skiffHost?: HostCalls };
const installed = scope.__skiffHost;
if (installed === undefined) throw new Error("prelude: host calls are missing");
delete scope.__skiffHost;

export const host: HostCalls = ObjectFreeze({
  randomBytes: installed.randomBytes,
  scheduleTimer: installed.scheduleTimer,
  cancelTimer: installed.cancelTimer,
  call: installed.call,
});

interface PendingCall {
  resolve: (value: unknown) => void;
  reject: (error: Error) => void;
}

// A prototype-less record rather than a Map: tenant code may replace `Map.prototype.get`, and a settled call
// must still find its promise.
let pending: Record<number, PendingCall> = ObjectCreate(null);
/** Calls in `pending`: `resetHostCalls` has nothing to do when none is (most invocations make none). */
let pendingCount = 0;
let nextCallId = 1;

/**
 * Runs asynchronous host work and resolves with its (copied, plain) result.
 *
 * @example
 * const response = (await callHost("fetch", plainRequest)) as PlainFetchResponse;
 */
export function callHost(name: string, args: unknown): Promise<unknown> {
  const id = nextCallId++;
  return new PromiseCtor((resolve, reject) => {
    pending[id] = { resolve, reject };
    pendingCount++;
    host.call(id, name, args);
  });
}

/** Called by the host when the work of `callHost` finished. A failure arrives as an error message. */
export function settleHostCall(id: number, ok: boolean, value: unknown): void {
  const call = pending[id];
  if (call === undefined) return;
  delete pending[id];
  pendingCount--;
  if (ok) call.resolve(value);
  else call.reject(new TypeErrorCtor(typeof value === "string" ? value : "host call failed"));
}

/** Forgets calls of a finished invocation; the host has abandoned them. */
export function resetHostCalls(): void {
  if (pendingCount === 0) return;
  pending = ObjectCreate(null);
  pendingCount = 0;
}
