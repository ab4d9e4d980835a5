import { describe, expect, it } from "vitest";
import { InFlightInvocations } from "./in-flight.js";

describe("InFlightInvocations", () => {
  it("settles at once when nothing is in flight", async () => {
    expect(await new InFlightInvocations().settled(10_000)).toBe(0);
  });

  it("settles when the last one ends, counting each end once", async () => {
    const inFlight = new InFlightInvocations();
    const first = inFlight.begin();
    const second = inFlight.begin();
    let settled = false;
    const waiting = inFlight.settled(10_000).then((left) => {
      settled = true;
      return left;
    });
    first();
    first();
    await Promise.resolve();
    expect(inFlight.count).toBe(1);
    expect(settled).toBe(false);
    second();
    expect(await waiting).toBe(0);
  });

  it("gives up after maxMs and says how many were left", async () => {
    const inFlight = new InFlightInvocations();
    inFlight.begin();
    expect(await inFlight.settled(5)).toBe(1);
  });
});
