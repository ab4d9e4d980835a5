import { describe, expect, it } from "vitest";
import { nextMinute, Timeline } from "./timeline.js";

function fakeClock(start: number) {
  let now = start;
  const slept: number[] = [];
  return {
    now: () => now,
    sleep: async (ms: number) => {
      slept.push(ms);
      now += ms;
    },
    advance: (ms: number) => {
      now += ms;
    },
    slept,
  };
}

describe("Timeline", () => {
  it("records each step as busy time", async () => {
    const clock = fakeClock(1_000);
    const timeline = new Timeline(clock);
    await timeline.step(100, async () => clock.advance(500));
    expect(timeline.busy).toEqual([{ start: 1_000, end: 1_500 }]);
    expect(timeline.wasBusy(1_200)).toBe(true);
    expect(timeline.wasBusy(5_000)).toBe(false);
  });

  it("waits past a minute boundary that a guarded step would overlap", async () => {
    const clock = fakeClock(59_000);
    const timeline = new Timeline(clock);
    timeline.guardMinuteBoundaries(true);
    await timeline.step(3_000, async () => clock.advance(3_000));
    expect(clock.slept).toEqual([3_000]);
    expect(timeline.busy[0]?.start).toBe(62_000);
  });

  it("does not wait for a step longer than a minute", async () => {
    const clock = fakeClock(30_000);
    const timeline = new Timeline(clock);
    timeline.guardMinuteBoundaries(true);
    await timeline.step(90_000, async () => clock.advance(90_000));
    expect(clock.slept).toEqual([]);
  });

  it("does not wait when the boundary is far, or when not guarding", async () => {
    const clock = fakeClock(10_000);
    const timeline = new Timeline(clock);
    timeline.guardMinuteBoundaries(true);
    await timeline.step(3_000, async () => {});
    timeline.guardMinuteBoundaries(false);
    clock.advance(49_000);
    await timeline.step(3_000, async () => {});
    expect(clock.slept).toEqual([]);
  });
});

describe("nextMinute", () => {
  it("is the next whole minute", () => {
    expect(nextMinute(0)).toBe(60_000);
    expect(nextMinute(61_234)).toBe(120_000);
  });
});
