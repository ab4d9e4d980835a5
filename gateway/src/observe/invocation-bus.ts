// The live feed of finished invocations: every record passes through here on its way to storage, so logs
// follow, metrics and the dashboard see each invocation once, as it finishes, without reading the database.
import type { InvocationRecord } from "@skiff/core";

/** Publishes each invocation record to whoever listens right now; nothing is kept for late subscribers. */
export interface InvocationBus {
  publish(record: InvocationRecord): void;
  /** Calls `listener` for every record published from now on; returns the function that stops it. */
  subscribe(listener: (record: InvocationRecord) => void): () => void;
}

/**
 * An in-memory bus. Listeners run synchronously inside `publish`, on the invocation's completion path, so
 * they must be cheap (count, enqueue); one that throws is reported to `onListenerError` and the others still run.
 *
 * @example
 * const bus = createInvocationBus();
 * const stop = bus.subscribe((record) => counter.inc({ outcome: record.outcome }));
 * bus.publish(record);
 * stop();
 */
export function createInvocationBus(onListenerError: (error: unknown) => void = () => {}): InvocationBus {
  const listeners = new Set<(record: InvocationRecord) => void>();
  return {
    publish(record) {
      for (const listener of listeners) {
        try {
          listener(record);
        } catch (error) {
          onListenerError(error);
        }
      }
    },
    subscribe(listener) {
      // A wrapper per subscription, so subscribing the same function twice gives two independent subscriptions.
      const entry = (record: InvocationRecord): void => listener(record);
      listeners.add(entry);
      return () => {
        listeners.delete(entry);
      };
    },
  };
}
