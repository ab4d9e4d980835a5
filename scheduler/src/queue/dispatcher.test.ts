import type { SqliteStorage } from "@skiff/storage";
import { afterEach, describe, expect, it, vi } from "vitest";
import { ManualClock } from "../clock.js";
import { ScriptedRuntime } from "../testing/fake-runtime.js";
import { type Fixture, fixture } from "../testing/fixture.js";
import { EventDispatcher } from "./dispatcher.js";

let fx: Fixture | undefined;
afterEach(async () => {
  await fx?.close();
  fx = undefined;
});

function dispatcher(f: Fixture, runtime: ScriptedRuntime, clock: ManualClock, owner = "a") {
  return new EventDispatcher({
    queue: f.storage.events,
    runtime,
    resolve: (tenant, name) => (tenant === "t" && name === "fn" ? f.version : undefined),
    clock,
    owner,
    leaseMs: 10_000,
    pollMs: 100,
    random: () => 0.5,
  });
}

async function enqueue(
  f: Fixture,
  clock: ManualClock,
  n: number,
  key?: (i: number) => string,
): Promise<string[]> {
  const ids: string[] = [];
  for (let i = 0; i < n; i++) {
    const stored = await f.storage.events.enqueue(
      {
        tenant: "t",
        functionName: "fn",
        kind: "invoke",
        payload: { kind: "invoke", payload: { i } },
        ...(key ? { idempotencyKey: key(i) } : {}),
      },
      clock.now(),
    );
    ids.push(stored.id);
  }
  return ids;
}

const payloadOf = (event: unknown) => (event as { payload: { i: number } }).payload.i;

describe("EventDispatcher", () => {
  it("delivers every event exactly once and deletes it", async () => {
    fx = await fixture({ concurrency: 10 });
    const clock = new ManualClock(1_000_000);
    const runtime = new ScriptedRuntime();
    await enqueue(fx, clock, 300);
    const d = dispatcher(fx, runtime, clock);
    d.start();
    for (let i = 0; i < 50 && runtime.calls.length < 300; i++) await clock.advance(100);
    await d.stop();
    const seen = runtime.calls.map((c) => payloadOf(c.event));
    expect(new Set(seen).size).toBe(300);
    expect(seen).toHaveLength(300);
    expect(await fx.storage.events.depth("t", "fn")).toMatchObject({ count: 0 });
    expect(runtime.maxRunning).toBeLessThanOrEqual(10);
  });

  it("does not store a second event with the same idempotency key", async () => {
    fx = await fixture();
    const clock = new ManualClock(0);
    const [first] = await enqueue(fx, clock, 1, () => "order-1");
    const again = await fx.storage.events.enqueue(
      { tenant: "t", functionName: "fn", kind: "invoke", payload: {}, idempotencyKey: "order-1" },
      0,
    );
    expect(again).toEqual({ id: first, duplicate: true });
  });

  it("retries a failing event with backoff, then dead-letters it after maxAttempts; redrive delivers it", async () => {
    fx = await fixture({ async: { maxAttempts: 3, minBackoffMs: 1000 } });
    const clock = new ManualClock(0);
    const runtime = new ScriptedRuntime();
    let failing = true;
    runtime.answer = () =>
      failing ? { outcome: "exception", error: { name: "Error", message: "boom" } } : {};
    const [id] = await enqueue(fx, clock, 1);
    const d = dispatcher(fx, runtime, clock);
    d.start();
    await clock.advance(10);
    expect(runtime.calls).toHaveLength(1);
    // equal jitter with random 0.5: 1000 · 0.75 = 750 ms, then 1500 ms
    await clock.advance(700);
    expect(runtime.calls).toHaveLength(1);
    await clock.advance(100);
    expect(runtime.calls).toHaveLength(2);
    await clock.advance(1600);
    expect(runtime.calls).toHaveLength(3);
    await clock.advance(60_000);
    expect(runtime.calls).toHaveLength(3);
    const dead = await fx.storage.deadLetters.list("t", "fn");
    expect(dead).toMatchObject([{ id, reason: "maxAttempts", attempts: 3, lastError: "exception: boom" }]);

    failing = false;
    await fx.storage.deadLetters.redrive("t", "fn", id as string, clock.now());
    d.notify();
    await clock.advance(10);
    expect(runtime.calls).toHaveLength(4);
    expect(await fx.storage.deadLetters.list("t", "fn")).toEqual([]);
    await d.stop();
  });

  it("dead-letters an event that would be retried past maxEventAgeSeconds", async () => {
    fx = await fixture({ async: { maxAttempts: 10, maxEventAgeSeconds: 60, minBackoffMs: 40_000 } });
    const clock = new ManualClock(0);
    const runtime = new ScriptedRuntime();
    runtime.answer = () => ({ outcome: "timeout" });
    await enqueue(fx, clock, 1);
    const d = dispatcher(fx, runtime, clock);
    d.start();
    await clock.advance(10);
    await clock.advance(40_000);
    await clock.advance(120_000);
    await d.stop();
    expect(runtime.calls).toHaveLength(2);
    expect(await fx.storage.deadLetters.list("t", "fn")).toMatchObject([{ reason: "maxEventAge" }]);
  });

  it("redelivers an event whose process died mid-delivery, once its lease expires", async () => {
    fx = await fixture();
    const clock = new ManualClock(0);
    await enqueue(fx, clock, 1);
    // Process "dead" leased it and never finished.
    const [leased] = await fx.storage.events.lease(clock.now(), 10, "dead", 10_000);
    expect(leased?.attempts).toBe(1);
    const runtime = new ScriptedRuntime();
    const d = dispatcher(fx, runtime, clock, "alive");
    d.start();
    await clock.advance(5_000);
    expect(runtime.calls).toHaveLength(0);
    await clock.advance(6_000);
    expect(runtime.calls).toHaveLength(1);
    await d.stop();
    expect(await fx.storage.events.depth("t", "fn")).toMatchObject({ count: 0 });
  });

  it("keeps deliveries of one function within its concurrency", async () => {
    fx = await fixture({ concurrency: 2 });
    const clock = new ManualClock(0);
    const runtime = new ScriptedRuntime();
    const gates: Array<() => void> = [];
    runtime.answer = () => new Promise((resolve) => gates.push(() => resolve({})));
    await enqueue(fx, clock, 6);
    const d = dispatcher(fx, runtime, clock);
    d.start();
    for (let i = 0; i < 40 && runtime.calls.length < 6; i++) {
      await clock.advance(600);
      for (const open of gates.splice(0)) open();
    }
    await d.stop();
    expect(runtime.calls).toHaveLength(6);
    expect(runtime.maxRunning).toBe(2);
  });

  it("leases no more of a function than twice its concurrency, leaving the rest due and untouched", async () => {
    fx = await fixture({ concurrency: 2 });
    const f = fx;
    const clock = new ManualClock(0);
    const runtime = new ScriptedRuntime();
    const gates: Array<() => void> = [];
    runtime.answer = () => new Promise((resolve) => gates.push(() => resolve({})));
    await enqueue(f, clock, 6);
    const leases = vi.spyOn(f.storage.events, "lease");
    const db = (f.storage as SqliteStorage).db;
    const rows = () =>
      db
        .prepare<[], { lease_owner: string | null; attempts: number; available_at: number }>(
          "SELECT lease_owner, attempts, available_at FROM events ORDER BY created_at, rowid",
        )
        .all();
    const d = dispatcher(f, runtime, clock);
    d.start();
    await clock.advance(10);
    // Also after a wake-up by a new event and a few polls: no event was leased only to be put back.
    d.notify("t", "fn");
    await clock.advance(1_000);
    // Two run, two wait here for a slot (the next batch), two stay in the queue.
    expect(runtime.calls).toHaveLength(2);
    expect(rows().filter((r) => r.lease_owner === "a")).toHaveLength(4);
    expect(rows().filter((r) => r.lease_owner === null)).toEqual(
      Array.from({ length: 2 }, () => ({ lease_owner: null, attempts: 0, available_at: 0 })),
    );
    const leasesWhileBusy = leases.mock.calls.length;
    for (const open of gates.splice(0)) open();
    for (let i = 0; i < 20 && runtime.calls.length < 6; i++) {
      await clock.advance(10);
      for (const open of gates.splice(0)) open();
    }
    await d.stop();
    expect(runtime.calls.map((c) => payloadOf(c.event))).toEqual([0, 1, 2, 3, 4, 5]);
    expect(runtime.maxRunning).toBe(2);
    // The last two were leased together once the function held fewer than it runs, not one per finished delivery.
    expect(leases.mock.calls.length - leasesWhileBusy).toBeLessThanOrEqual(2);
    expect(await f.storage.events.depth("t", "fn")).toMatchObject({ count: 0 });
  });

  it("does not let a function at its concurrency hold back another function's events", async () => {
    fx = await fixture({ concurrency: 1 });
    const f = fx;
    const { version } = await f.storage.functions.deploy("t", "other", {
      code: new TextEncoder().encode("export default {}"),
      config: f.version.config,
    });
    const other = { ...f.version, id: version.id, functionName: "other", number: version.number };
    const clock = new ManualClock(0);
    const runtime = new ScriptedRuntime();
    // "fn" never finishes; "other" answers at once.
    runtime.answer = (event) =>
      (event as { payload: { to?: string } }).payload.to === "other" ? {} : new Promise(() => {});
    await enqueue(f, clock, 100);
    for (let i = 0; i < 3; i++) {
      await f.storage.events.enqueue(
        {
          tenant: "t",
          functionName: "other",
          kind: "invoke",
          payload: { kind: "invoke", payload: { to: "other" } },
        },
        clock.now(),
      );
    }
    const d = new EventDispatcher({
      queue: f.storage.events,
      runtime,
      resolve: (_, name) => (name === "fn" ? f.version : name === "other" ? other : undefined),
      clock,
      owner: "a",
      leaseMs: 10_000,
      pollMs: 100,
      maxInFlight: 4,
      random: () => 0.5,
    });
    d.start();
    for (let i = 0; i < 20 && runtime.calls.length < 4; i++) await clock.advance(10);
    await d.stop(10);
    expect(runtime.calls.filter((c) => c.version.functionName === "other")).toHaveLength(3);
    expect(runtime.calls.filter((c) => c.version.functionName === "fn")).toHaveLength(1);
    expect(await f.storage.events.depth("t", "other")).toMatchObject({ count: 0 });
  });

  it("releases its leases on stop so another process delivers at once", async () => {
    fx = await fixture();
    const clock = new ManualClock(0);
    const runtime = new ScriptedRuntime();
    runtime.answer = () => new Promise(() => {});
    await enqueue(fx, clock, 1);
    const d = dispatcher(fx, runtime, clock);
    d.start();
    await clock.advance(10);
    expect(runtime.calls).toHaveLength(1);
    await d.stop(10);
    const again = await fx.storage.events.lease(clock.now(), 10, "b", 10_000);
    expect(again).toHaveLength(1);
  });
});
