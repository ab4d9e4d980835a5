// Stops a synchronous slice (sandbox.ts `dispatchSliced`) that runs past its bound, without isolated-vm's
// per-call `timeout`. That option costs each call a timer on isolated-vm's timer thread, which wakes once per
// call when the timer falls due even though the call ended long before: measured on a warm hello, ≈ 50 µs of
// the worker's CPU per invocation, half of what the synchronous path saves. The guard instead is one small
// isolate of our own whose code polls a shared word every millisecond on isolated-vm's thread pool while slices
// are being run, and disposes a tenant isolate whose armed slice passed its deadline (the one way isolated-vm
// offers to stop an isolate from another thread). Arming and disarming are two atomic operations.
//
// The guard watches only while it runs (a heartbeat says so), and only isolates it was given a handle to; when
// it cannot watch a slice, `arm` returns undefined and the caller uses isolated-vm's `timeout` instead.
import ivm from "isolated-vm";

/** Indexes into the shared words. */
const STATE = 0; // ≥ 0 even: idle; odd: a slice is armed; CLAIMED: stopping one; STOPPED: not watching
const ISOLATE = 1; // the armed slice's isolate id
const DEADLINE = 2; // ms since `base` at which the armed slice is stopped
const HEARTBEAT = 3; // ms since `base` of the watcher's last look
const LAST_ARMED = 4; // ms since `base` of the last arm
const STOP = 5; // 1 asks the watcher to return
const WAIT = 6; // never written: the watcher sleeps on it
const WORDS = 8;
const CLAIMED = -1;
const STOPPED = -2;

/** How often the watcher looks, and so how late past its deadline a slice may be stopped. */
const POLL_MS = 1;
/** A heartbeat older than this means the watcher is not running (or not getting a thread): do not rely on it. */
const HEARTBEAT_MS = 3;
/** The watcher gives its thread back after this long without a slice (it is restarted by the next one). */
const IDLE_MS = 100;
/** …and at least this often, so that registrations queued behind it get through. */
const EPOCH_MS = 250;

// Runs in the guard isolate: nothing but our own code and isolate handles ever reach it.
const WATCHER_SOURCE = `
const handles = Object.create(null);
globalThis.register = (id, handle) => { handles[id] = handle; };
globalThis.watch = (words, base, limits) => {
  const w = new Int32Array(words);
  const [poll, idle, epoch] = limits;
  for (const id in handles) if (handles[id].isDisposed) delete handles[id];
  const started = Date.now() - base;
  for (;;) {
    const now = Date.now() - base;
    Atomics.store(w, ${HEARTBEAT}, now);
    const state = Atomics.load(w, ${STATE});
    if (state >= 0 && state % 2 === 1) {
      const id = Atomics.load(w, ${ISOLATE});
      const deadline = Atomics.load(w, ${DEADLINE});
      if (now >= deadline && Atomics.compareExchange(w, ${STATE}, state, ${CLAIMED}) === state) {
        try { handles[id]?.dispose(); } catch {}
        Atomics.store(w, ${STATE}, state + 1);
      }
    } else if (state >= 0) {
      const quiet = now - Atomics.load(w, ${LAST_ARMED}) > idle;
      const stop = Atomics.load(w, ${STOP}) === 1;
      if ((stop || quiet || now - started > epoch) && Atomics.compareExchange(w, ${STATE}, state, ${STOPPED}) === state) return;
    }
    Atomics.wait(w, ${WAIT}, 0, poll);
  }
};`;

export class SliceGuard {
  readonly #isolate = new ivm.Isolate({ memoryLimit: 8 });
  readonly #register: ivm.Reference<(id: number, handle: ivm.Isolate) => void>;
  readonly #watch: ivm.Reference<(words: unknown, base: number, limits: number[]) => void>;
  readonly #shared = new SharedArrayBuffer(WORDS * 4);
  readonly #words = new Int32Array(this.#shared);
  readonly #ids = new WeakMap<ivm.Isolate, number>();
  readonly #registering = new WeakSet<ivm.Isolate>();
  #nextId = 1;
  #base = Date.now();
  #watching = false;
  #closed = false;
  #stopped = 0;

  constructor() {
    const context = this.#isolate.createContextSync();
    context.evalSync(WATCHER_SOURCE);
    this.#register = context.global.getSync("register", { reference: true });
    this.#watch = context.global.getSync("watch", { reference: true });
    Atomics.store(this.#words, STATE, STOPPED);
  }

  /**
   * Arms the guard for a slice of `isolate` to be stopped `ms` from now (1–2 ms late at most). Returns the token
   * for `disarm`, or undefined when the guard cannot watch this slice (the caller bounds it another way).
   */
  arm(isolate: ivm.Isolate, ms: number): number | undefined {
    if (this.#closed) return undefined;
    const id = this.#ids.get(isolate);
    if (id === undefined) {
      this.#introduce(isolate);
      return undefined;
    }
    const words = this.#words;
    const state = Atomics.load(words, STATE);
    if (state < 0 || state % 2 === 1) {
      if (state === STOPPED) this.#start();
      return undefined;
    }
    const now = Date.now() - this.#base;
    Atomics.store(words, LAST_ARMED, now);
    if (now - Atomics.load(words, HEARTBEAT) > HEARTBEAT_MS) return undefined;
    Atomics.store(words, ISOLATE, id);
    Atomics.store(words, DEADLINE, now + Math.ceil(ms));
    return Atomics.compareExchange(words, STATE, state, state + 1) === state ? state + 1 : undefined;
  }

  /**
   * Ends the slice `token` armed. False when the guard stopped it: the isolate is disposed (or about to be, by
   * the guard's thread) whether or not the call returned.
   */
  disarm(token: number): boolean {
    if (Atomics.compareExchange(this.#words, STATE, token, token + 1) === token) return true;
    this.#stopped++;
    return false;
  }

  /** Slices this guard stopped. */
  get stopped(): number {
    return this.#stopped;
  }

  /**
   * Gets the guard ready to watch `isolate` (hands it over, starts the watcher) without arming it; true when a
   * slice armed now would be guarded.
   */
  prepare(isolate: ivm.Isolate): boolean {
    if (this.#closed) return false;
    if (!this.#ids.has(isolate)) {
      this.#introduce(isolate);
      return false;
    }
    const state = Atomics.load(this.#words, STATE);
    if (state === STOPPED) this.#start();
    const now = Date.now() - this.#base;
    Atomics.store(this.#words, LAST_ARMED, now);
    return state >= 0 && now - Atomics.load(this.#words, HEARTBEAT) <= HEARTBEAT_MS;
  }

  /** Stops watching and disposes the guard's isolate (the worker is exiting). */
  close(): void {
    this.#closed = true;
    Atomics.store(this.#words, STOP, 1);
    if (!this.#isolate.isDisposed) this.#isolate.dispose();
  }

  /** Hands the guard a handle to `isolate`; until that is done (asynchronously), its slices are not guarded. */
  #introduce(isolate: ivm.Isolate): void {
    if (this.#registering.has(isolate) || isolate.isDisposed) return;
    this.#registering.add(isolate);
    const id = this.#nextId++;
    this.#register.apply(undefined, [id, isolate]).then(
      () => this.#ids.set(isolate, id),
      () => {},
    );
    this.#start();
  }

  /** Starts the watcher on isolated-vm's thread pool unless it runs; it returns by itself when slices stop. */
  #start(): void {
    if (this.#watching || this.#closed) return;
    this.#watching = true;
    this.#base = Date.now();
    const words = this.#words;
    Atomics.store(words, HEARTBEAT, -1_000_000);
    Atomics.store(words, LAST_ARMED, 0);
    Atomics.store(words, STATE, 0);
    this.#watch
      .apply(undefined, [
        new ivm.ExternalCopy(this.#shared).copyInto(),
        this.#base,
        new ivm.ExternalCopy([POLL_MS, IDLE_MS, EPOCH_MS]).copyInto(),
      ])
      .catch(() => {})
      .finally(() => {
        this.#watching = false;
        // Stopped by its limits or by `close`: no slice may count on it any more.
        Atomics.store(words, STATE, STOPPED);
      });
  }
}
