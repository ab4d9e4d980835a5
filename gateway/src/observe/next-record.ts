// Waits for one record on the bus: a client that got its response may ask for the invocation's record a moment
// before it exists (the record is made when the isolate is released, just after the response went out).
import type { InvocationRecord } from "@skiff/core";
import type { InvocationBus } from "./invocation-bus.js";

export interface PendingRecord {
  /** The first matching record published, or undefined once `waitMs` has passed or `cancel` was called. */
  record: Promise<InvocationRecord | undefined>;
  cancel(): void;
}

/**
 * Subscribes at once, so call it before reading storage: a record published in between is not missed.
 *
 * @example
 * const pending = nextRecord(bus, (r) => r.id === id, 1_000);
 * try { return (await storage.get(id)) ?? (await pending.record); } finally { pending.cancel(); }
 */
export function nextRecord(
  bus: InvocationBus,
  matches: (record: InvocationRecord) => boolean,
  waitMs: number,
): PendingRecord {
  let finish: (record: InvocationRecord | undefined) => void = () => {};
  const record = new Promise<InvocationRecord | undefined>((resolve) => {
    finish = resolve;
  });
  const unsubscribe = bus.subscribe((published) => {
    if (matches(published)) done(published);
  });
  const timer = setTimeout(() => done(undefined), waitMs);
  timer.unref();
  let settled = false;
  function done(value: InvocationRecord | undefined): void {
    if (settled) return;
    settled = true;
    clearTimeout(timer);
    unsubscribe();
    finish(value);
  }
  return { record, cancel: () => done(undefined) };
}
