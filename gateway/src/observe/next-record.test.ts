import type { InvocationRecord } from "@skiff/core";
import { describe, expect, it } from "vitest";
import { createInvocationBus } from "./invocation-bus.js";
import { nextRecord } from "./next-record.js";

const record = (id: string) => ({ id }) as InvocationRecord;

describe("nextRecord", () => {
  it("resolves with the first matching record published after the call", async () => {
    const bus = createInvocationBus();
    const pending = nextRecord(bus, (r) => r.id === "b", 60_000);
    bus.publish(record("a"));
    bus.publish(record("b"));
    expect(await pending.record).toEqual(record("b"));
  });

  it("resolves undefined when nothing matches in time, and stops listening", async () => {
    let listeners = 0;
    const inner = createInvocationBus();
    const bus = {
      publish: inner.publish,
      subscribe(listener: (r: InvocationRecord) => void) {
        listeners += 1;
        const stop = inner.subscribe(listener);
        return () => {
          listeners -= 1;
          stop();
        };
      },
    };
    const pending = nextRecord(bus, () => false, 5);
    expect(listeners).toBe(1);
    bus.publish(record("a"));
    expect(await pending.record).toBeUndefined();
    pending.cancel();
    expect(listeners).toBe(0);
  });

  it("resolves undefined on cancel", async () => {
    const pending = nextRecord(createInvocationBus(), () => true, 60_000);
    pending.cancel();
    expect(await pending.record).toBeUndefined();
  });
});
