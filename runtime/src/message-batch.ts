// Coalesces the IPC messages one side of the supervisor–worker link sends within a turn of the event loop into
// one `send`: under load many invocations start or finish in the same turn, and every send pays a serialization
// header, a length frame and a pipe write of its own (≈ 12–15 % of the main process in the warm profile).

/** What crosses the link: one message, or several sent in the same turn (in order). */
export type Batch<M> = M | M[];

/** The messages of a batch, in the order they were sent. */
export function unbatch<M extends object>(payload: Batch<M>): M[] {
  return Array.isArray(payload) ? payload : [payload];
}

/**
 * Queues messages and delivers them together at the end of the current turn (`setImmediate` runs after the
 * I/O callbacks of this turn, so requests parsed together leave together, and a lone one waits for nothing).
 *
 * @example
 * const outbox = new MessageBatcher<FromWorker>((payload) => process.send?.(payload));
 * outbox.push({ type: "ready", pid: process.pid });
 */
export class MessageBatcher<M extends object> {
  readonly #deliver: (payload: Batch<M>) => void;
  #queue: M[] = [];
  #scheduled = false;

  constructor(deliver: (payload: Batch<M>) => void) {
    this.#deliver = deliver;
  }

  push(message: M): void {
    this.#queue.push(message);
    if (this.#scheduled) return;
    this.#scheduled = true;
    setImmediate(() => this.flush());
  }

  /** Delivers what is queued now (before a disconnect, say). */
  flush(): void {
    this.#scheduled = false;
    const queue = this.#queue;
    if (queue.length === 0) return;
    this.#queue = [];
    this.#deliver(queue.length === 1 ? (queue[0] as M) : queue);
  }

  /** Forgets what is queued (the other side is gone). */
  clear(): void {
    this.#queue = [];
  }
}
