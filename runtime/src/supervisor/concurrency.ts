// Per-version concurrency: at most `limit` invocations run at once; excess callers wait briefly in FIFO
// order, then get TOO_MANY_REQUESTS.
import { SkiffError } from "@skiff/core";

interface Waiter {
  grant: () => void;
  timer: NodeJS.Timeout;
}

interface Slot {
  active: number;
  waiters: Waiter[];
}

export class ConcurrencyLimiter {
  readonly #slots = new Map<string, Slot>();

  /** A release function when a slot is free now, else undefined (then `acquire` waits for one). */
  tryAcquire(key: string, limit: number): (() => void) | undefined {
    const slot = this.#slot(key);
    if (slot.active >= limit) return undefined;
    slot.active++;
    return this.#releaser(key, slot);
  }

  /** Resolves with a release function once a slot is free, or rejects after `maxWaitMs`. */
  acquire(key: string, limit: number, maxWaitMs: number): Promise<() => void> {
    const free = this.tryAcquire(key, limit);
    if (free !== undefined) return Promise.resolve(free);
    const waiting = this.#slot(key);
    const release = this.#releaser(key, waiting);
    return new Promise((resolve, reject) => {
      const waiter: Waiter = {
        grant: () => {
          clearTimeout(waiter.timer);
          resolve(release);
        },
        timer: setTimeout(() => {
          waiting.waiters.splice(waiting.waiters.indexOf(waiter), 1);
          reject(
            new SkiffError(
              "TOO_MANY_REQUESTS",
              `the function is at its concurrency limit (${limit}); retry later or raise "concurrency"`,
            ),
          );
        }, maxWaitMs),
      };
      waiting.waiters.push(waiter);
    });
  }

  active(key: string): number {
    return this.#slots.get(key)?.active ?? 0;
  }

  #slot(key: string): Slot {
    let slot = this.#slots.get(key);
    if (slot === undefined) {
      slot = { active: 0, waiters: [] };
      this.#slots.set(key, slot);
    }
    return slot;
  }

  #releaser(key: string, slot: Slot): () => void {
    let released = false;
    return () => {
      if (released) return;
      released = true;
      const next = slot.waiters.shift();
      // The slot passes straight to the next waiter, so `active` stays the same.
      if (next !== undefined) next.grant();
      else if (--slot.active === 0) this.#slots.delete(key);
    };
  }
}
