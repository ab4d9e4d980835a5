import { afterEach, describe, expect, it } from "vitest";
import { ManualClock } from "../clock.js";
import { ScriptedRuntime } from "../testing/fake-runtime.js";
import { type Fixture, fixture } from "../testing/fixture.js";
import { EventDispatcher } from "./dispatcher.js";

let fx: Fixture | undefined;
afterEach(async () => {
  await fx?.close();
  fx = undefined;
});

const notification = (id: string, key: string, batch: { size: number; maxWaitMs: number }) => ({
  kind: "queue",
  queue: "uploads",
  messages: [{ id, timestamp: 0, attempts: 1, body: { object: { key } } }],
  lambdaEvent: { Records: [{ s3: { object: { key } } }] },
  chain: { id: "c", hops: 1 },
  batch,
});

describe("storage notification batches", () => {
  it("gather notifications that trickle in within maxWaitMs into one delivery", async () => {
    fx = await fixture();
    const clock = new ManualClock(1_000);
    const runtime = new ScriptedRuntime();
    const d = new EventDispatcher({
      queue: fx.storage.events,
      runtime,
      resolve: () => fx?.version,
      clock,
      owner: "a",
      pollMs: 500,
      random: () => 0.5,
    });
    d.start();
    for (let i = 0; i < 5; i++) {
      await fx.storage.events.enqueue(
        {
          tenant: "t",
          functionName: "fn",
          kind: "storage",
          payload: notification(`m${i}`, `k${i}`, { size: 5, maxWaitMs: 10_000 }),
        },
        clock.now(),
      );
      d.notify();
      await clock.advance(350);
    }
    await clock.advance(1000);
    await d.stop();
    expect(runtime.calls).toHaveLength(1);
    const event = runtime.calls[0]?.event as { messages: Array<{ id: string }> };
    expect(event.messages.map((m) => m.id)).toEqual(["m0", "m1", "m2", "m3", "m4"]);
  });

  it("deliver a batch that does not fill once its window closes, and retry only the messages asked", async () => {
    fx = await fixture({ async: { minBackoffMs: 1000 } });
    const clock = new ManualClock(1_000);
    const runtime = new ScriptedRuntime();
    runtime.answer = (_, call) => (call === 1 ? { queue: { retry: [{ id: "m1" }] } } : {});
    const d = new EventDispatcher({
      queue: fx.storage.events,
      runtime,
      resolve: () => fx?.version,
      clock,
      owner: "a",
      random: () => 0.5,
    });
    d.start();
    for (const id of ["m0", "m1"]) {
      await fx.storage.events.enqueue(
        {
          tenant: "t",
          functionName: "fn",
          kind: "storage",
          payload: notification(id, id, { size: 5, maxWaitMs: 2000 }),
        },
        clock.now(),
      );
    }
    d.notify();
    await clock.advance(1900);
    expect(runtime.calls).toHaveLength(0);
    await clock.advance(200);
    expect(runtime.calls).toHaveLength(1);
    await clock.advance(5000);
    await d.stop();
    expect(runtime.calls).toHaveLength(2);
    const again = runtime.calls[1]?.event as { messages: Array<{ id: string; attempts: number }> };
    expect(again.messages).toMatchObject([{ id: "m1", attempts: 2 }]);
  });
});
