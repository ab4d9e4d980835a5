// What an invocation that finds no idle isolate of its key may wait for instead of a cold start: an isolate of
// its key that will soon be free. A cold start costs the worker ≈ 10 ms of CPU (the module's load, and a spare
// isolate made to replace the one it took) where a cheap warm invocation costs ≈ 0.1 ms, and on a busy worker
// it takes about as long as waiting for one already under way. Without this, a burst of N invocations of a key
// that has no warm isolate yet made N cold starts at once, N isolates that the key then kept, each running
// cold JIT code for its share of the later invocations.

/**
 * How long a request waits for a finishing isolate of its key (it answered, its promise has not settled), or for
 * a cold start's first invocation to end once its module is in.
 */
export const FINISHING_WAIT_MS = 20;
/**
 * How long a request waits for a cold start of its key already under way to load, rather than load another
 * isolate alongside (which, on a busy worker, takes about as long and costs the CPU again).
 */
export const LOADING_WAIT_MS = 100;

interface Loading {
  loaded: Promise<void>;
  released: Promise<void>;
}

export interface IsolateWaitsOptions {
  /** Default {@link LOADING_WAIT_MS}. */
  loadingMs?: number;
  /** Default {@link FINISHING_WAIT_MS}. */
  finishingMs?: number;
}

/** Per isolate key: invocations under way whose isolate goes back to the pool soon. */
export class IsolateWaits {
  readonly #loadingMs: number;
  readonly #finishingMs: number;
  readonly #finishing = new Map<string, Set<Promise<void>>>();
  readonly #loading = new Map<string, Set<Loading>>();

  constructor(options: IsolateWaitsOptions = {}) {
    this.#loadingMs = options.loadingMs ?? LOADING_WAIT_MS;
    this.#finishingMs = options.finishingMs ?? FINISHING_WAIT_MS;
  }

  /** An invocation answered; its isolate comes back once `released` resolves. */
  finishing(key: string, released: Promise<void>): void {
    track(this.#finishing, key, released, released);
  }

  /** A cold start began; its module is in once `loaded` resolves, its isolate back once `released` does. */
  loading(key: string, loaded: Promise<void>, released: Promise<void>): void {
    track(this.#loading, key, { loaded, released }, released);
  }

  /**
   * Waits for an isolate of `key` that will soon be free: a cold start under way (up to LOADING_WAIT_MS for
   * its load, then up to FINISHING_WAIT_MS for its invocation to end), else a finishing one (up to
   * FINISHING_WAIT_MS). `loading: false` leaves cold starts out, for a key whose invocations are known to hold
   * their isolate a while: waiting for another's load would only put off one's own. Undefined, at once, when
   * there is none: the caller's cold start must register itself before it yields, so that the next request of a
   * burst waits for it. The caller then takes the isolate from the pool itself, so that waiters woken together
   * get it one after the other (a cheap invocation gives it back within its turn).
   */
  wait(key: string, options: { loading?: boolean } = {}): Promise<void> | undefined {
    const loading = options.loading === false ? [] : [...(this.#loading.get(key) ?? [])];
    const finishing = [...(this.#finishing.get(key) ?? [])];
    if (loading.length === 0 && finishing.length === 0) return undefined;
    return (async () => {
      if (loading.length > 0)
        await within(
          this.#loadingMs,
          loading.map((entry) => entry.loaded),
        );
      await within(this.#finishingMs, [...loading.map((entry) => entry.released), ...finishing]);
    })();
  }
}

/** Adds `item` under `key` until `released` resolves. */
function track<T>(map: Map<string, Set<T>>, key: string, item: T, released: Promise<void>): void {
  let set = map.get(key);
  if (set === undefined) {
    set = new Set();
    map.set(key, set);
  }
  set.add(item);
  const entries = set;
  void released.then(() => {
    entries.delete(item);
    if (entries.size === 0 && map.get(key) === entries) map.delete(key);
  });
}

/** Resolves when the first of `promises` does, or after `ms`. */
async function within(ms: number, promises: Promise<void>[]): Promise<void> {
  let timer: NodeJS.Timeout | undefined;
  await Promise.race([
    ...promises,
    new Promise<void>((resolve) => {
      timer = setTimeout(resolve, ms);
    }),
  ]);
  clearTimeout(timer);
}

/**
 * The promise that an attempt's isolate is back in the pool or gone (`released` above), made only when a wait
 * needs it: a warm invocation that answers within its first slice is waited for by nobody, and a promise and
 * its resolver per invocation were a measurable part of the worker's cost.
 */
export class ReleaseSignal {
  #promise: Promise<void> | undefined;
  #resolve: (() => void) | undefined;
  #released = false;

  get promise(): Promise<void> {
    if (this.#promise === undefined) {
      this.#promise = this.#released
        ? Promise.resolve()
        : new Promise<void>((resolve) => {
            this.#resolve = resolve;
          });
    }
    return this.#promise;
  }

  release(): void {
    this.#released = true;
    this.#resolve?.();
  }
}
