// setTimeout / setInterval on host timers. Pending timers end with the invocation that set them
// (as on Workers), so no tenant code runs between invocations.
import { console } from "./console.js";
import { host } from "./host.js";

interface Timer {
  callback: (...args: unknown[]) => void;
  args: unknown[];
  intervalMs: number | null;
}

const MAX_PENDING_TIMERS = 10_000;
const timers = new Map<number, Timer>();
let nextId = 1;

function schedule(callback: unknown, delay: unknown, args: unknown[], repeat: boolean): number {
  if (typeof callback !== "function") {
    throw new TypeError("setTimeout/setInterval: the callback must be a function");
  }
  if (timers.size >= MAX_PENDING_TIMERS)
    throw new RangeError(`too many pending timers (${MAX_PENDING_TIMERS})`);
  const ms = Math.max(0, Math.min(Number(delay) || 0, 2 ** 31 - 1));
  const id = nextId++;
  timers.set(id, {
    callback: callback as Timer["callback"],
    args,
    intervalMs: repeat ? Math.max(ms, 1) : null,
  });
  host.scheduleTimer(id, ms);
  return id;
}

function clear(id: unknown): void {
  const key = Number(id);
  if (timers.delete(key)) host.cancelTimer(key);
}

/** Called by the host when a timer is due. */
export function fireTimer(id: number): void {
  const timer = timers.get(id);
  if (timer === undefined) return;
  if (timer.intervalMs === null) timers.delete(id);
  else host.scheduleTimer(id, timer.intervalMs);
  try {
    timer.callback(...timer.args);
  } catch (error) {
    console.error("Uncaught exception in timer callback:", error);
  }
}

/** Forgets every pending timer; the host cancels its side. */
export function resetTimers(): void {
  timers.clear();
}

export const setTimeout = (callback: unknown, delay?: unknown, ...args: unknown[]) =>
  schedule(callback, delay, args, false);
export const setInterval = (callback: unknown, delay?: unknown, ...args: unknown[]) =>
  schedule(callback, delay, args, true);
export const clearTimeout = clear;
export const clearInterval = clear;

export function queueMicrotask(callback: unknown): void {
  if (typeof callback !== "function") throw new TypeError("queueMicrotask: the callback must be a function");
  Promise.resolve()
    .then(() => (callback as () => void)())
    .catch((error) => console.error("Uncaught exception in microtask:", error));
}
