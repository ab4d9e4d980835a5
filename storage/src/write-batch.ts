// Group commit for small SQLite writes: the writes asked for within one turn of the event loop run in one
// transaction, so a busy queue pays for one commit per turn instead of one per write. Every caller still hears
// only after the transaction holding its write committed, and a write that throws is undone alone.
import type { Database } from "better-sqlite3";

interface Pending<I, O> {
  input: I;
  resolve: (value: O) => void;
  reject: (error: unknown) => void;
}

type Outcome<O> = { ok: true; value: O } | { ok: false; error: unknown };

/**
 * @example
 * const inserts = new WriteBatch(db, (row: Row) => insert.run(row));
 * await Promise.all([inserts.run(a), inserts.run(b)]); // one BEGIN IMMEDIATE … COMMIT
 */
export class WriteBatch<I, O> {
  readonly #db: Database;
  readonly #commit: (batch: Array<Pending<I, O>>) => Array<Outcome<O>>;
  #pending: Array<Pending<I, O>> = [];
  #scheduled = false;

  /**
   * `write` runs inside the batch's transaction; a throw undoes that one write and rejects only its caller.
   * `write` may run twice for one input (see below), so it does nothing but its SQLite work.
   */
  constructor(db: Database, write: (input: I) => O) {
    this.#db = db;
    // The common case: every write succeeds, and the batch runs without a savepoint per write.
    const plain = db.transaction((batch: Array<Pending<I, O>>) =>
      batch.map((item): Outcome<O> => ({ ok: true, value: write(item.input) })),
    );
    // After a throw, the batch (rolled back whole) runs again with each write in a savepoint of its own (a nested
    // better-sqlite3 transaction): a write that throws halfway leaves nothing behind, the others commit.
    const one = db.transaction(write);
    const isolated = db.transaction((batch: Array<Pending<I, O>>) =>
      batch.map((item): Outcome<O> => {
        try {
          return { ok: true, value: one(item.input) };
        } catch (error) {
          return { ok: false, error };
        }
      }),
    );
    // IMMEDIATE: the write lock is taken first, so checks inside a write (an idempotency key) hold at commit.
    this.#commit = (batch) => {
      try {
        return plain.immediate(batch);
      } catch {
        // A write threw, or the commit failed (which the second attempt then reports).
        return isolated.immediate(batch);
      }
    };
  }

  /** Queues one write; resolves with its result once its transaction committed. */
  run(input: I): Promise<O> {
    return new Promise<O>((resolve, reject) => {
      this.#pending.push({ input, resolve, reject });
      if (this.#scheduled) return;
      this.#scheduled = true;
      setImmediate(() => this.flush());
    });
  }

  /** Commits what is queued now (also before the database closes). */
  flush(): void {
    this.#scheduled = false;
    const batch = this.#pending;
    if (batch.length === 0) return;
    this.#pending = [];
    if (!this.#db.open) {
      for (const item of batch) item.reject(new Error("the database is closed"));
      return;
    }
    let outcomes: Array<Outcome<O>>;
    try {
      outcomes = this.#commit(batch);
    } catch (error) {
      // The commit itself failed (disk full, I/O error): nothing of the batch was stored.
      for (const item of batch) item.reject(error);
      return;
    }
    batch.forEach((item, i) => {
      const outcome = outcomes[i] as Outcome<O>;
      if (outcome.ok) item.resolve(outcome.value);
      else item.reject(outcome.error);
    });
  }
}
