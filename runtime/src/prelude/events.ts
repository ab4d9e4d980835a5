// Event, EventTarget and CustomEvent (DOM standard) from event-target-shim, with errors thrown by listeners
// reported to the invocation's log, and AbortController / AbortSignal on top. Loaded on first use (lazy.ts).
import { Event, EventTarget, setErrorHandler, setWarningHandler } from "event-target-shim";
import { console } from "./console.js";

setErrorHandler((error) => console.error("Uncaught exception in event listener:", error));
// Its warnings flag legal uses (a listener added twice); browsers stay silent, and so do we.
setWarningHandler(() => {});

export interface CustomEventInit<T> {
  bubbles?: boolean;
  cancelable?: boolean;
  composed?: boolean;
  detail?: T;
}

export class CustomEvent<T = unknown> extends Event {
  readonly #detail: T | null;

  constructor(type: string, init: CustomEventInit<T> = {}) {
    super(type, init);
    this.#detail = init.detail ?? null;
  }

  get detail(): T | null {
    return this.#detail;
  }

  get [Symbol.toStringTag](): string {
    return "CustomEvent";
  }
}

export { Event, EventTarget };
export { AbortController, AbortSignal, addAbortAlgorithm, signalAbort } from "./abort.js";
