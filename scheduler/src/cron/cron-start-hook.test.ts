// The onCronStarted hook (cron lag for metrics), with faked time as in cron-service.test.ts.
import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import type { Clock } from "../clock.js";
import { Scheduler } from "../scheduler.js";
import { ScriptedRuntime } from "../testing/fake-runtime.js";
import { type Fixture, fixture } from "../testing/fixture.js";
import type { CronStart } from "./cron-service.js";

const T0 = Date.UTC(2026, 10, 27, 12, 0, 30);
const clock: Clock = {
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

describe("onCronStarted", () => {
  it("reports each scheduled tick with its due and start times, but not a run fired by hand", async () => {
    fx = await fixture({ triggers: { crons: ["*/1 * * * *"] } });
    const version = fx.version;
    const starts: CronStart[] = [];
    scheduler = new Scheduler({
      storage: fx.storage,
      runtime: new ScriptedRuntime(),
      resolve: () => version,
      clock,
      random: () => 0.5,
      pollMs: 1000,
      onCronStarted: (run) => starts.push(run),
    });
    await scheduler.start([version]);
    await vi.advanceTimersByTimeAsync(2 * 60_000);
    await scheduler.runTrigger("t", "fn");
    expect(starts.map((s) => s.scheduledTime)).toEqual([
      Date.UTC(2026, 10, 27, 12, 1),
      Date.UTC(2026, 10, 27, 12, 2),
    ]);
    for (const start of starts) {
      expect(start).toMatchObject({ tenant: "t", functionName: "fn", cron: "*/1 * * * *" });
      expect(start.startedAt).toBeGreaterThanOrEqual(start.scheduledTime);
    }
  });
});
