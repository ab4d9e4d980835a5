import { describe, expect, it } from "vitest";
import { ClientDeparture } from "./node-request.js";

describe("ClientDeparture", () => {
  it("runs each abort listener once, in order, and only those still added", () => {
    const departure = new ClientDeparture();
    const calls: string[] = [];
    const first = () => calls.push("first");
    const removed = () => calls.push("removed");
    departure.addEventListener("abort", first);
    departure.addEventListener("abort", first);
    departure.addEventListener("abort", removed);
    departure.addEventListener("abort", () => calls.push("last"), { once: true });
    departure.removeEventListener("abort", removed);
    expect(departure.aborted).toBe(false);
    departure.abort();
    departure.abort();
    expect(departure.aborted).toBe(true);
    expect(calls).toEqual(["first", "last"]);
  });

  it("is what the runtime takes as a signal, as an AbortSignal is", () => {
    const signals: Array<import("@skiff/runtime").CancelSignal> = [
      new ClientDeparture(),
      new AbortController().signal,
    ];
    expect(signals.every((signal) => signal.aborted === false)).toBe(true);
  });
});
