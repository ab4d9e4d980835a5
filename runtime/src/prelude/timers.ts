// setTimeout / setInterval on host timers. Pending timers end with the invocation that set them
// (as on Workers), so no tenant code runs between invocations. A timer's callback must be a function:
// a string is never compiled (`setTimeout("code")` throws), whatever the tenant's code-generation setting.
import { console } from "./console.js";
import { host } from "./host.js";
import {
  MathMax,
  MathMin,
  NumberCtor,
  ObjectCreate,
  RangeErrorCtor,
  ReflectApply,
  TypeErrorCtor,
} from "./intrinsics.js";

interface Timer {
  callback: (...args: unknown[]) => void;
  args: unknown[];
  intervalMs: number | null;
}

const MAX_PENDING_TIMERS = 10_000;
// A prototype-less record rather than a Map: the host fires timers after tenant code may have replaced
// `Map.prototype` methods.
let timers: Record<number, Timer> = ObjectCreate(null);
let pendingCount = 0;
let nextId = 1;

function schedule(callback: unknown, delay: unknown, args: unknown[], repeat: boolean): number {
  if (typeof callback !== "function") {
    throw new TypeErrorCtor("setTimeout/setInterval: the callback must be a function");
  }
  if (pendingCount >= MAX_PENDING_TIMERS)
    throw new RangeErrorCtor(`too many pending timers (${MAX_PENDING_TIMERS})`);
  const ms = MathMax(0, MathMin(NumberCtor(delay) || 0, 2 ** 31 - 1));
  const id = nextId++;
  timers[id] = {
    callback: callback as Timer["callback"],
    args,
    intervalMs: repeat ? MathMax(ms, 1) : null,
  };
  pendingCount++;
  host.scheduleTimer(id, ms);
  return id;
}

function forget(id: number): boolean {
  if (timers[id] === undefined) return false;
  delete timers[id];
  pendingCount--;
  return true;
}

function clear(id: unknown): void {
  const key = NumberCtor(id);
  if (forget(key)) host.cancelTimer(key);
}

/** Called by the host when a timer is due. */
export function fireTimer(id: number): void {
  const timer = timers[id];
  if (timer === undefined) return;
  if (timer.intervalMs === null) forget(id);
  else host.scheduleTimer(id, timer.intervalMs);
  try {
    ReflectApply(timer.callback, undefined, timer.args);
  } catch (error) {
    console.error("Uncaught exception in timer callback:", error);
  }
}

/** Forgets every pending timer; the host cancels its side. */
export function resetTimers(): void {
  // Twice per invocation, nearly always with nothing pending: no new record then.
  if (pendingCount === 0) return;
  timers = ObjectCreate(null);
  pendingCount = 0;
}

export const setTimeout = (callback: unknown, delay?: unknown, ...args: unknown[]) =>
  schedule(callback, delay, args, false);
export const setInterval = (callback: unknown, delay?: unknown, ...args: unknown[]) =>
  schedule(callback, delay, args, true);
export const clearTimeout = clear;
export const clearInterval = clear;

async function runMicrotask(callback: () => void): Promise<void> {
  await undefined;
  try {
    ReflectApply(callback, undefined, []);
  } catch (error) {
    console.error("Uncaught exception in microtask:", error);
  }
}

export function queueMicrotask(callback: unknown): void {
  if (typeof callback !== "function")
    throw new TypeErrorCtor("queueMicrotask: the callback must be a function");
  runMicrotask(callback as () => void);
}
