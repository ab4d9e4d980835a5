import type { InvocationRecord, QueueEvent } from "@skiff/core";
import { SkiffError } from "@skiff/core";
import type { QueueConsumerInput } from "@skiff/storage";
import { afterEach, describe, expect, it } from "vitest";
import { ManualClock } from "../clock.js";
import { ScriptedRuntime } from "../testing/fake-runtime.js";
import { type Fixture, fixture } from "../testing/fixture.js";
import { QueueConsumerDispatcher } from "./queue-consumer.js";

let fx: Fixture | undefined;
let consumer: QueueConsumerDispatcher | undefined;
afterEach(async () => {
  await consumer?.stop(100);
  consumer = undefined;
  await fx?.close();
  fx = undefined;
});

const T = 1_000_000;

async function setup(
  settings: Partial<QueueConsumerInput> = {},
  queue: { ordered?: boolean } = {},
): Promise<{ f: Fixture; runtime: ScriptedRuntime; clock: ManualClock; records: InvocationRecord[] }> {
  const f = await fixture({ concurrency: 10 });
  fx = f;
  const clock = new ManualClock(T);
  await f.storage.queues.create("t", "jobs", queue, T);
  await f.storage.queues.setConsumer("t", "jobs", { functionName: "fn", maxWaitMs: 0, ...settings }, T);
  const runtime = new ScriptedRuntime();
  const records: InvocationRecord[] = [];
  consumer = new QueueConsumerDispatcher({
    delivery: f.storage.queueDelivery,
    runtime,
    resolve: (tenant, name) => (tenant === "t" && name === "fn" ? f.version : undefined),
    clock,
    owner: "a",
    leaseMs: 10_000,
    pollMs: 100,
    random: () => 0.5,
    onInvocation: (record) => records.push(record),
  });
  return { f, runtime, clock, records };
}

const sent = (f: Fixture, bodies: unknown[], groupId?: string) =>
  f.storage.queues.send(
    "t",
    "jobs",
    bodies.map((body) => ({ body, contentType: "json" as const, ...(groupId ? { groupId } : {}) })),
    T,
  );

const batchOf = (event: unknown) => (event as QueueEvent).messages.map((m) => m.body);

async function run(clock: ManualClock, steps: number, ms = 100): Promise<void> {
  for (let i = 0; i < steps; i++) await clock.advance(ms);
}

describe("QueueConsumerDispatcher", () => {
  it("delivers batches of the consumer's size and deletes what was acknowledged", async () => {
    const { f, runtime, clock, records } = await setup({ batchSize: 4 });
    await sent(f, [1, 2, 3, 4, 5, 6, 7, 8, 9, 10]);
    consumer?.start();
    await run(clock, 5);
    expect(runtime.calls.flatMap((c) => batchOf(c.event)).sort((a, b) => Number(a) - Number(b))).toEqual([
      1, 2, 3, 4, 5, 6, 7, 8, 9, 10,
    ]);
    expect(runtime.calls.every((c) => batchOf(c.event).length <= 4)).toBe(true);
    const event = runtime.calls[0]?.event as QueueEvent;
    expect(event).toMatchObject({ kind: "queue", queue: "jobs" });
    expect(event.messages[0]).toMatchObject({ attempts: 1, contentType: "json" });
    expect(typeof event.messages[0]?.sequenceNumber).toBe("string");
    expect(records.every((r) => r.trigger === "queue" && r.functionName === "fn")).toBe(true);
    expect((await f.storage.queues.stats("t", "jobs", clock.now())).depth).toBe(0);
  });

  it("retries only the messages the handler retried, then dead-letters after maxRetries", async () => {
    const { f, runtime, clock } = await setup({ maxRetries: 2, deadLetterQueue: undefined });
    await f.storage.queues.create("t", "failed", {}, T);
    await f.storage.queues.setConsumer(
      "t",
      "jobs",
      { functionName: "fn", maxWaitMs: 0, maxRetries: 2, deadLetterQueue: "failed" },
      T,
    );
    const [, bad] = await sent(f, ["ok", "bad", "ok too"]);
    runtime.answer = (event) => ({
      queue: {
        retry: (event as QueueEvent).messages.filter((m) => m.body === "bad").map((m) => ({ id: m.id })),
      },
    });
    consumer?.start();
    await run(clock, 10);
    // Delivered once, then twice more (maxRetries 2), then moved.
    const badAttempts = runtime.calls
      .flatMap((c) => (c.event as QueueEvent).messages)
      .filter((m) => m.body === "bad")
      .map((m) => m.attempts);
    expect(badAttempts).toEqual([1, 2, 3]);
    expect(runtime.calls.flatMap((c) => batchOf(c.event)).filter((b) => b !== "bad")).toEqual([
      "ok",
      "ok too",
    ]);
    expect((await f.storage.queues.stats("t", "jobs", clock.now())).depth).toBe(0);
    expect((await f.storage.queues.stats("t", "failed", clock.now())).depth).toBe(1);
    expect(bad?.id).toBeDefined();
  });

  it("retries the whole batch when the invocation failed, after the consumer's retry delay", async () => {
    const { f, runtime, clock } = await setup({ retryDelaySeconds: 5 });
    await sent(f, ["a", "b"]);
    runtime.answer = (_event, call) => (call === 1 ? { outcome: "exception" } : {});
    consumer?.start();
    await run(clock, 10);
    expect(runtime.calls).toHaveLength(1);
    await clock.advance(5000);
    await run(clock, 3);
    expect(
      runtime.calls.map((c) => (c.event as QueueEvent).messages.map((m) => [m.body, m.attempts])),
    ).toEqual([
      [
        ["a", 1],
        ["b", 1],
      ],
      [
        ["a", 2],
        ["b", 2],
      ],
    ]);
  });

  it("honours a message's own retry delay", async () => {
    const { f, runtime, clock } = await setup();
    await sent(f, ["a"]);
    runtime.answer = (event, call) =>
      call === 1
        ? { queue: { retry: [{ id: (event as QueueEvent).messages[0]?.id as string, delaySeconds: 30 }] } }
        : {};
    consumer?.start();
    await run(clock, 5);
    await clock.advance(29_000);
    expect(runtime.calls).toHaveLength(1);
    await clock.advance(1000);
    await run(clock, 2);
    expect(runtime.calls).toHaveLength(2);
  });

  it("puts a batch back uncounted when the runtime refuses it", async () => {
    const { f, runtime, clock } = await setup();
    await sent(f, ["a"]);
    runtime.answer = (_event, call) => {
      if (call === 1) throw new SkiffError("TOO_MANY_REQUESTS", "busy");
      return {};
    };
    consumer?.start();
    await run(clock, 20);
    expect(runtime.calls.map((c) => (c.event as QueueEvent).messages[0]?.attempts)).toEqual([1, 1]);
    expect((await f.storage.queues.stats("t", "jobs", clock.now())).depth).toBe(0);
  });

  it("keeps each ordered group in send order through failures, holding back the rest of a batch", async () => {
    const { f, runtime, clock } = await setup({ batchSize: 3, concurrency: 5 }, { ordered: true });
    for (const group of ["x", "y"])
      await sent(
        f,
        [1, 2, 3, 4, 5, 6].map((n) => `${group}${n}`),
        group,
      );
    const processed: string[] = [];
    let failedOnce = false;
    runtime.answer = (event) => {
      const retry: Array<{ id: string }> = [];
      for (const message of (event as QueueEvent).messages) {
        // x2 fails once; a handler stops at its first failure, as an ordered consumer should.
        if (retry.length > 0 || (message.body === "x2" && !failedOnce)) {
          if (message.body === "x2") failedOnce = true;
          retry.push({ id: message.id });
        } else processed.push(String(message.body));
      }
      return { queue: { retry } };
    };
    consumer?.start();
    await run(clock, 20);
    expect(processed.filter((b) => b.startsWith("x"))).toEqual(["x1", "x2", "x3", "x4", "x5", "x6"]);
    expect(processed.filter((b) => b.startsWith("y"))).toEqual(["y1", "y2", "y3", "y4", "y5", "y6"]);
    const x3 = runtime.calls.flatMap((c) => (c.event as QueueEvent).messages).filter((m) => m.body === "x3");
    // x3 came back with x2 but its attempt was not counted.
    expect(x3.map((m) => m.attempts)).toEqual([1, 1]);
  });

  it("never runs two batches of one ordered group at once", async () => {
    const { f, runtime, clock } = await setup({ batchSize: 1, concurrency: 5 }, { ordered: true });
    await sent(f, [1, 2, 3], "g");
    await sent(f, [1, 2, 3], "h");
    let release: () => void = () => {};
    runtime.answer = () =>
      new Promise((resolve) => {
        release = () => resolve({});
      });
    consumer?.start();
    await run(clock, 3);
    // One batch per group in flight, though concurrency allows five.
    expect(runtime.running).toBe(2);
    release();
  });
});
