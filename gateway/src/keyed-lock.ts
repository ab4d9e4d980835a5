// Runs tasks that share a key one after another, so that the routing table follows storage in commit order.

/**
 * A queue of tasks per key: two deploys of the same function can not finish in one order in storage and update
 * the routing table in the other.
 *
 * @example
 * await locks.run(`${tenant}/${name}`, () => deploy());
 */
export class KeyedLock {
  readonly #tails = new Map<string, Promise<unknown>>();

  async run<T>(key: string, task: () => Promise<T>): Promise<T> {
    const previous = this.#tails.get(key) ?? Promise.resolve();
    const result = previous.then(task);
    const tail = result.catch(() => {});
    this.#tails.set(key, tail);
    try {
      return await result;
    } finally {
      if (this.#tails.get(key) === tail) this.#tails.delete(key);
    }
  }

  /** Keys with a task running or waiting. */
  get size(): number {
    return this.#tails.size;
  }
}
