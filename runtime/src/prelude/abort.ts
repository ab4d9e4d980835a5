// AbortController and AbortSignal (DOM standard), including AbortSignal.timeout and AbortSignal.any. Loaded on
// first use (lazy.ts) together with the events they are built on, which it re-exports.
import { getEventAttributeValue, setEventAttributeValue } from "event-target-shim";
import { DOMException } from "./dom-exception.js";
import { Event, EventTarget } from "./events.js";
import { setTimeout } from "./timers.js";

const CONSTRUCT = Symbol("AbortSignal");
type AbortAlgorithm = (reason: unknown) => void;

/** Runs `algorithm` once when `signal` aborts (the standard's "add an abort algorithm"); returns a remover. */
export let addAbortAlgorithm: (signal: AbortSignal, algorithm: AbortAlgorithm) => () => void;
/** The standard's "signal abort": sets the reason, runs the algorithms, fires `abort`, then the dependents. */
export let signalAbort: (signal: AbortSignal, reason: unknown) => void;

export class AbortSignal extends EventTarget {
  #aborted = false;
  #reason: unknown;
  #algorithms = new Set<AbortAlgorithm>();
  #dependents = new Set<AbortSignal>();

  constructor(token?: unknown) {
    if (token !== CONSTRUCT) throw new TypeError("Illegal constructor");
    super();
  }

  get aborted(): boolean {
    return this.#aborted;
  }

  get reason(): unknown {
    return this.#reason;
  }

  throwIfAborted(): void {
    if (this.#aborted) throw this.#reason;
  }

  get onabort(): ((event: Event) => void) | null {
    return getEventAttributeValue(this, "abort");
  }

  set onabort(value: ((event: Event) => void) | null) {
    setEventAttributeValue(this, "abort", value);
  }

  static abort(reason?: unknown): AbortSignal {
    const signal = new AbortSignal(CONSTRUCT);
    signal.#aborted = true;
    signal.#reason = reason === undefined ? abortError() : reason;
    return signal;
  }

  static timeout(milliseconds: number): AbortSignal {
    const ms = Number(milliseconds);
    if (!Number.isFinite(ms) || ms < 0 || ms > Number.MAX_SAFE_INTEGER) {
      throw new TypeError("AbortSignal.timeout: the delay must be a non-negative integer");
    }
    const signal = new AbortSignal(CONSTRUCT);
    setTimeout(() => signalAbort(signal, new DOMException("The operation timed out.", "TimeoutError")), ms);
    return signal;
  }

  static any(signals: Iterable<AbortSignal>): AbortSignal {
    const sources = Array.from(signals);
    const result = new AbortSignal(CONSTRUCT);
    for (const source of sources) {
      if (!(source instanceof AbortSignal)) throw new TypeError("AbortSignal.any: expected AbortSignals");
      if (source.#aborted) {
        result.#aborted = true;
        result.#reason = source.#reason;
        return result;
      }
    }
    for (const source of sources) source.#dependents.add(result);
    return result;
  }

  static {
    addAbortAlgorithm = (signal, algorithm) => {
      signal.#algorithms.add(algorithm);
      return () => signal.#algorithms.delete(algorithm);
    };
    signalAbort = (signal, reason) => {
      if (signal.#aborted) return;
      signal.#aborted = true;
      signal.#reason = reason === undefined ? abortError() : reason;
      const dependents: AbortSignal[] = [];
      for (const dependent of signal.#dependents) {
        if (dependent.#aborted) continue;
        dependent.#aborted = true;
        dependent.#reason = signal.#reason;
        dependents.push(dependent);
      }
      signal.#dependents.clear();
      signal.#runAbortSteps();
      for (const dependent of dependents) dependent.#runAbortSteps();
    };
  }

  #runAbortSteps(): void {
    const algorithms = [...this.#algorithms];
    this.#algorithms.clear();
    for (const algorithm of algorithms) algorithm(this.#reason);
    this.dispatchEvent(new Event("abort"));
  }

  get [Symbol.toStringTag](): string {
    return "AbortSignal";
  }
}

export class AbortController {
  readonly #signal = new AbortSignal(CONSTRUCT);

  get signal(): AbortSignal {
    return this.#signal;
  }

  abort(reason?: unknown): void {
    signalAbort(this.#signal, reason);
  }

  get [Symbol.toStringTag](): string {
    return "AbortController";
  }
}

function abortError(): DOMException {
  return new DOMException("This operation was aborted", "AbortError");
}

export { CustomEvent, Event, EventTarget } from "./events.js";
