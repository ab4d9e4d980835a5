import type { InvocationRecord } from "@skiff/core";
import { describe, expect, it } from "vitest";
import { createInvocationBus } from "./invocation-bus.js";

function record(id: string): InvocationRecord {
  return {
    id,
    tenant: "acme",
    functionName: "hello",
    version: 1,
    trigger: "http",
    startedAt: 1_000,
    outcome: "ok",
    status: 200,
    cold: true,
    cpuMs: 1,
    wallMs: 2,
    logs: [],
    droppedLogLines: 0,
  };
}

describe("createInvocationBus", () => {
  it("delivers each published record to every current subscriber, in order", () => {
    const bus = createInvocationBus();
    const first: string[] = [];
    const second: string[] = [];
    bus.subscribe((r) => first.push(r.id));
    bus.subscribe((r) => second.push(r.id));
    bus.publish(record("a"));
    bus.publish(record("b"));
    expect(first).toEqual(["a", "b"]);
    expect(second).toEqual(["a", "b"]);
  });

  it("stops delivering after unsubscribe and keeps nothing for late subscribers", () => {
    const bus = createInvocationBus();
    const seen: string[] = [];
    bus.publish(record("before"));
    const stop = bus.subscribe((r) => seen.push(r.id));
    bus.publish(record("during"));
    stop();
    stop();
    bus.publish(record("after"));
    expect(seen).toEqual(["during"]);
  });

  it("treats the same listener subscribed twice as two subscriptions", () => {
    const bus = createInvocationBus();
    const seen: string[] = [];
    const listener = (r: InvocationRecord): void => {
      seen.push(r.id);
    };
    const stopOne = bus.subscribe(listener);
    bus.subscribe(listener);
    stopOne();
    bus.publish(record("x"));
    expect(seen).toEqual(["x"]);
  });

  it("reports a throwing listener and still serves the others", () => {
    const errors: unknown[] = [];
    const bus = createInvocationBus((error) => errors.push(error));
    const seen: string[] = [];
    bus.subscribe(() => {
      throw new Error("boom");
    });
    bus.subscribe((r) => seen.push(r.id));
    bus.publish(record("x"));
    expect(seen).toEqual(["x"]);
    expect(errors).toHaveLength(1);
    expect((errors[0] as Error).message).toBe("boom");
  });
});
