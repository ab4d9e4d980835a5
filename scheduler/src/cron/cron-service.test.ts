// Cron triggers with faked time (node-cron reads Date and setTimeout, which vitest fakes): nothing sleeps.
import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import type { Clock } from "../clock.js";
import { Scheduler } from "../scheduler.js";
import { ScriptedRuntime } from "../testing/fake-runtime.js";
import { type Fixture, fixture } from "../testing/fixture.js";

const T0 = Date.UTC(2026, 10, 27, 12, 0, 30);
/** A clock over the (faked) global timers, as in production. */
const fakedClock: Clock = {
  now: () => Date.now(),
  setTimer: (fn, ms) => {
    const timer = setTimeout(fn, ms);
    return { cancel: () => clearTimeout(timer) };
  },
};

let fx: Fixture | undefined;
let scheduler: Scheduler | undefined;

beforeEach(() => {
  vi.useFakeTimers({ toFake: ["setTimeout", "clearTimeout", "setInterval", "clearInterval", "Date"] });
  vi.setSystemTime(T0);
});

afterEach(async () => {
  await scheduler?.stop(0);
  scheduler = undefined;
  vi.useRealTimers();
  await fx?.close();
  fx = undefined;
});

async function start(config: Parameters<typeof fixture>[0], runtime: ScriptedRuntime): Promise<Fixture> {
  const f = await fixture(config);
  scheduler = new Scheduler({
    storage: f.storage,
    runtime,
    resolve: () => f.version,
    clock: fakedClock,
    random: () => 0.5,
    pollMs: 1000,
  });
  await scheduler.start([f.version]);
  return f;
}

const minutes = (n: number) => vi.advanceTimersByTimeAsync(n * 60_000);

describe("cron triggers", () => {
  it("fire a */1 trigger once per minute for 5 minutes, with the scheduled time, recorded as runs", async () => {
    const runtime = new ScriptedRuntime();
    fx = await start({ triggers: { crons: ["*/1 * * * *"] } }, runtime);
    await minutes(5);
    const ticks = runtime.calls.map((c) => c.event);
    expect(ticks).toHaveLength(5);
    expect(ticks.map((e) => (e as { scheduledTime: number }).scheduledTime)).toEqual(
      [1, 2, 3, 4, 5].map((m) => Date.UTC(2026, 10, 27, 12, m)),
    );
    expect(ticks[0]).toMatchObject({ kind: "scheduled", cron: "*/1 * * * *" });
    const runs = await fx.storage.triggerRuns.list("t", "fn");
    expect(runs).toHaveLength(5);
    expect(runs.every((r) => r.outcome === "ok" && r.attempt === 1 && r.invocationId !== null)).toBe(true);
  });

  it("skip a tick while the previous run is still going (overlap: skip)", async () => {
    const runtime = new ScriptedRuntime();
    let release: () => void = () => {};
    runtime.answer = (_, call) =>
      call === 1 ? new Promise((resolve) => (release = () => resolve({}))) : Promise.resolve({});
    fx = await start({ triggers: { crons: ["* * * * *"] }, timeoutMs: 900_000, cpuMs: 900_000 }, runtime);
    await minutes(3);
    release();
    await minutes(1);
    const runs = await fx.storage.triggerRuns.list("t", "fn");
    expect(runs.map((r) => r.outcome).reverse()).toEqual(["ok", "skipped", "skipped", "ok"]);
    expect(runtime.calls).toHaveLength(2);
  });

  it("allow overlapping runs when asked (overlap: allow)", async () => {
    const runtime = new ScriptedRuntime();
    runtime.answer = () => new Promise(() => {});
    fx = await start({ triggers: { crons: [{ cron: "* * * * *", overlap: "allow" }] } }, runtime);
    await minutes(3);
    expect(runtime.calls).toHaveLength(3);
  });

  it("retry a failed run with backoff through the queue, recording each attempt", async () => {
    const runtime = new ScriptedRuntime();
    runtime.answer = (_, call) =>
      call <= 2 ? { outcome: "exception", error: { name: "Error", message: "x" } } : {};
    fx = await start(
      { triggers: { crons: ["0 13 * * *"] }, async: { maxAttempts: 3, minBackoffMs: 10_000 } },
      runtime,
    );
    await vi.advanceTimersByTimeAsync(59.5 * 60_000 + 1000); // 13:00:01
    expect(runtime.calls).toHaveLength(1);
    await vi.advanceTimersByTimeAsync(8_000); // 10 s · 0.75
    expect(runtime.calls).toHaveLength(2);
    await vi.advanceTimersByTimeAsync(16_000); // 20 s · 0.75
    expect(runtime.calls).toHaveLength(3);
    const runs = (await fx.storage.triggerRuns.list("t", "fn")).reverse();
    expect(runs.map((r) => [r.attempt, r.outcome])).toEqual([
      [1, "exception"],
      [2, "exception"],
      [3, "ok"],
    ]);
    expect(new Set(runs.map((r) => r.scheduledTime))).toEqual(new Set([Date.UTC(2026, 10, 27, 13, 0)]));
  });

  it("do not retry a run whose handler called noRetry()", async () => {
    const runtime = new ScriptedRuntime();
    runtime.answer = () => ({ outcome: "exception", noRetry: true, error: { name: "Error", message: "x" } });
    fx = await start({ triggers: { crons: ["1 12 * * *"] }, async: { minBackoffMs: 1000 } }, runtime);
    await minutes(1);
    await vi.advanceTimersByTimeAsync(50_000);
    expect(runtime.calls).toHaveLength(1);
    expect(await fx.storage.events.depth("t", "fn")).toMatchObject({ count: 0 });
  });

  it("run each tick once even when two schedulers share the data dir", async () => {
    const runtime = new ScriptedRuntime();
    fx = await start({ triggers: { crons: ["* * * * *"] } }, runtime);
    const other = new Scheduler({
      storage: fx.storage,
      runtime,
      resolve: () => fx?.version,
      clock: fakedClock,
    });
    await other.start([fx.version]);
    await minutes(3);
    await other.stop(0);
    expect(runtime.calls).toHaveLength(3);
  });

  it("fire a trigger now on request and list next run times", async () => {
    const runtime = new ScriptedRuntime();
    fx = await start(
      { triggers: { crons: [{ cron: "0 9 * * MON-FRI", timezone: "Europe/Berlin" }] } },
      runtime,
    );
    const runs = await scheduler?.runTrigger("t", "fn");
    expect(runs).toMatchObject([{ outcome: "ok", scheduledTime: T0 }]);
    const [info] = scheduler?.triggers("t", "fn", fx.version) ?? [];
    expect(info).toMatchObject({
      cron: "0 9 * * MON-FRI",
      normalized: "0 9 * * 1-5",
      timezone: "Europe/Berlin",
    });
    // Friday 27 Nov 2026 12:00 UTC → next is Monday 30 Nov 09:00 CET = 08:00 UTC.
    expect(info?.nextRuns[0]).toBe(Date.UTC(2026, 10, 30, 8, 0));
  });

  it("catch up once on start for a trigger that missed ticks while down (missed: catch-up-once)", async () => {
    const runtime = new ScriptedRuntime();
    fx = await start({ triggers: { crons: [{ cron: "*/10 * * * *", missed: "catch-up-once" }] } }, runtime);
    await minutes(10); // 12:10 runs
    expect(runtime.calls).toHaveLength(1);
    await scheduler?.stop(0);
    vi.setSystemTime(Date.UTC(2026, 10, 27, 12, 45, 5)); // down for 12:20, 12:30, 12:40
    scheduler = new Scheduler({
      storage: fx.storage,
      runtime,
      resolve: () => fx?.version,
      clock: fakedClock,
    });
    await scheduler.start([fx.version]);
    expect(runtime.calls).toHaveLength(2);
    expect((runtime.calls[1]?.event as { scheduledTime: number } | undefined)?.scheduledTime).toBe(
      Date.UTC(2026, 10, 27, 12, 40),
    );
  });
});
