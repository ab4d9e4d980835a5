// Event, EventTarget and CustomEvent (DOM standard) from event-target-shim, with errors thrown by listeners
// reported to the invocation's log. Loaded with abort.ts on first use (lazy.ts).
import { EventTarget, Event as ShimEvent, setErrorHandler, setWarningHandler } from "event-target-shim";
import { console } from "./console.js";

setErrorHandler((error) => console.error("Uncaught exception in event listener:", error));
// Its warnings flag legal uses (a listener added twice); browsers stay silent, and so do we.
setWarningHandler(() => {});

export interface EventInit {
  bubbles?: boolean;
  cancelable?: boolean;
  composed?: boolean;
}

/** The shim's Event, with the type argument required as Web IDL requires it. */
export class Event extends ShimEvent {
  constructor(...args: [type: string, init?: EventInit]) {
    if ((args as unknown[]).length === 0) throw new TypeError("Event: the type argument is required");
    super(...args);
  }
}

export interface CustomEventInit<T> {
  bubbles?: boolean;
  cancelable?: boolean;
  composed?: boolean;
  detail?: T;
}

export class CustomEvent<T = unknown> extends Event {
  readonly #detail: T | null;

  constructor(...args: [type: string, init?: CustomEventInit<T>]) {
    if ((args as unknown[]).length === 0) throw new TypeError("CustomEvent: the type argument is required");
    const [type, init = {}] = args;
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

export { EventTarget };
