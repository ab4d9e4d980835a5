// Coalesces the IPC messages one side of the supervisor–worker link sends within a turn of the event loop into
// one `send`: under load many invocations start or finish in the same turn, and every send pays a serialization
// header, a length frame and a pipe write of its own (≈ 12–15 % of the main process in the warm profile).
// On a quiet link (one message a turn: a client calling in sequence) holding a message until the end of its
// turn only delays it (≈ 10–20 µs of the rest of the turn at each end), so there the first one goes at once.

/** What crosses the link: one message, or several sent in the same turn (in order). */
export type Batch<M> = M | M[];

/** The messages of a batch, in the order they were sent. */
export function unbatch<M extends object>(payload: Batch<M>): M[] {
  return Array.isArray(payload) ? payload : [payload];
}

/**
 * Queues messages and delivers them together at the end of the current turn (`setImmediate` runs after the
 * I/O callbacks of this turn, so requests parsed together leave together). When the last turn that sent
 * anything sent a single message, the first message of a turn is delivered at once instead, and only those
 * after it wait for the end of the turn: under load turns are busy and batched whole, while a lone request's
 * invoke or result waits for nothing. Order is kept either way.
 *
 * @example
 * const outbox = new MessageBatcher<FromWorker>((payload) => process.send?.(payload));
 * outbox.push({ type: "ready", pid: process.pid });
 */
export class MessageBatcher<M extends object> {
  readonly #deliver: (payload: Batch<M>) => void;
  #queue: M[] = [];
  #scheduled = false;
  /** Messages pushed in this turn. */
  #pushed = 0;
  /** The last turn with messages had one: the next turn's first message goes at once. */
  #quiet = true;

  constructor(deliver: (payload: Batch<M>) => void) {
    this.#deliver = deliver;
  }

  push(message: M): void {
    this.#pushed++;
    if (this.#scheduled) {
      this.#queue.push(message);
      return;
    }
    this.#scheduled = true;
    setImmediate(() => this.#endTurn());
    // Nothing is queued (a turn's queue is delivered before the next is scheduled), so order is kept.
    if (this.#quiet) this.#deliver(message);
    else this.#queue.push(message);
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

  #endTurn(): void {
    this.#quiet = this.#pushed <= 1;
    this.#pushed = 0;
    this.flush();
  }
}
