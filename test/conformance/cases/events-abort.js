// Event, EventTarget, CustomEvent (DOM), AbortController / AbortSignal, DOMException.
import { deepEqual, equal, ok, throws } from "./assert.js";

export default {
  "EventTarget dispatches to listeners in order, once and with handleEvent": () => {
    const target = new EventTarget();
    const calls = [];
    target.addEventListener("ping", () => calls.push("a"));
    target.addEventListener("ping", { handleEvent: (event) => calls.push(event.type) });
    target.addEventListener("ping", () => calls.push("once"), { once: true });
    target.dispatchEvent(new Event("ping"));
    target.dispatchEvent(new Event("ping"));
    deepEqual(calls, ["a", "ping", "once", "a", "ping"]);
  },
  "EventTarget removes listeners, also through an AbortSignal": () => {
    const target = new EventTarget();
    let count = 0;
    const listener = () => count++;
    const controller = new AbortController();
    target.addEventListener("x", listener);
    target.addEventListener("y", () => count++, { signal: controller.signal });
    target.removeEventListener("x", listener);
    controller.abort();
    target.dispatchEvent(new Event("x"));
    target.dispatchEvent(new Event("y"));
    equal(count, 0);
  },
  "Event.preventDefault works on cancelable events": () => {
    const target = new EventTarget();
    target.addEventListener("c", (event) => event.preventDefault());
    const event = new Event("c", { cancelable: true });
    equal(target.dispatchEvent(event), false);
    ok(event.defaultPrevented);
  },
  "Event.target stays set after dispatch": () => {
    const target = new EventTarget();
    const event = new Event("t");
    target.dispatchEvent(event);
    ok(event.target === target, "event.target is not the target");
    equal(event.currentTarget, null);
  },
  "Event requires a type": () => {
    throws(() => new Event(), "TypeError");
  },
  "CustomEvent carries detail": () => {
    const target = new EventTarget();
    let detail;
    target.addEventListener("d", (event) => {
      detail = event.detail;
    });
    target.dispatchEvent(new CustomEvent("d", { detail: { n: 1 } }));
    deepEqual(detail, { n: 1 });
    ok(new CustomEvent("d") instanceof Event);
  },
  "AbortController aborts once with a reason and fires abort": () => {
    const controller = new AbortController();
    const { signal } = controller;
    let events = 0;
    signal.addEventListener("abort", () => events++);
    signal.onabort = () => events++;
    controller.abort("first");
    controller.abort("second");
    deepEqual([signal.aborted, signal.reason, events], [true, "first", 2]);
    try {
      signal.throwIfAborted();
      throw new Error("did not throw");
    } catch (reason) {
      equal(reason, "first");
    }
  },
  "AbortSignal.abort defaults to an AbortError DOMException": () => {
    const { reason } = AbortSignal.abort();
    ok(reason instanceof DOMException);
    deepEqual([reason.name, reason.code], ["AbortError", 20]);
    throws(() => new AbortSignal(), "TypeError");
  },
  "AbortSignal.timeout aborts with a TimeoutError": async () => {
    const signal = AbortSignal.timeout(1);
    await new Promise((resolve) => signal.addEventListener("abort", resolve));
    equal(signal.reason.name, "TimeoutError");
  },
  "AbortSignal.any follows the first of its signals": () => {
    const a = new AbortController();
    const b = new AbortController();
    const any = AbortSignal.any([a.signal, b.signal]);
    b.abort("b");
    deepEqual([any.aborted, any.reason], [true, "b"]);
    equal(AbortSignal.any([AbortSignal.abort("now")]).reason, "now");
  },
  "DOMException has a name, a message, a code and is an Error": () => {
    const error = new DOMException("gone", "NotFoundError");
    deepEqual(
      [error.name, error.message, error.code, DOMException.NOT_FOUND_ERR],
      ["NotFoundError", "gone", 8, 8],
    );
    ok(error instanceof Error);
    equal(String(error), "NotFoundError: gone");
    equal(new DOMException().name, "Error");
  },
};
