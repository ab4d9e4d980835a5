import { SkiffError } from "@skiff/core";
import { getTasks } from "node-cron";
import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import { CronSchedule } from "./cron-schedule.js";
import { normalizeCron } from "./normalize-cron.js";

const MINUTE = 60_000;
const HOUR = 60 * MINUTE;
const DAY = 24 * HOUR;

const at = (iso: string): number => Date.parse(iso);
const iso = (ms: number): string => new Date(ms).toISOString();

/** Next runs of a Cloudflare-dialect expression, as seen from `nowIso`. */
function nextRuns(cloudflareCron: string, timezone: string, nowIso: string, count: number): string[] {
  vi.setSystemTime(at(nowIso));
  const schedule = new CronSchedule(normalizeCron(cloudflareCron).expression, timezone, () => {});
  try {
    return schedule.nextRuns(count).map(iso);
  } finally {
    schedule.stop();
  }
}

const schedules: CronSchedule[] = [];
function track(schedule: CronSchedule): CronSchedule {
  schedules.push(schedule);
  return schedule;
}

beforeEach(() => {
  vi.useFakeTimers();
});

afterEach(() => {
  for (const schedule of schedules.splice(0)) schedule.stop();
  vi.useRealTimers();
});

describe("CronSchedule.validateTimezone", () => {
  it.each([
    ["UTC", "UTC"],
    ["Europe/Berlin", "Europe/Berlin"],
    ["europe/berlin", "Europe/Berlin"],
    ["America/New_York", "America/New_York"],
    ["Etc/GMT+1", "Etc/GMT+1"],
  ])("accepts %s as %s", (input, canonical) => {
    expect(CronSchedule.validateTimezone(input)).toBe(canonical);
  });

  it.each(["", "  ", "Mars/Olympus_Mons", "Europe/Berl", "+01:00", "GMT+25"])("refuses %j", (input) => {
    expect(() => CronSchedule.validateTimezone(input)).toThrow(SkiffError);
    try {
      CronSchedule.validateTimezone(input);
    } catch (error) {
      expect((error as SkiffError).code).toBe("INVALID_CONFIG");
      expect((error as SkiffError).message).toMatch(/IANA time zone name/);
    }
  });

  it("refuses a non-string", () => {
    expect(() => CronSchedule.validateTimezone(undefined as unknown as string)).toThrow(/IANA/);
  });
});

describe("CronSchedule construction", () => {
  it("refuses a 6-field (seconds) expression even though node-cron would take it", () => {
    expect(() => new CronSchedule("* * * * * *", "UTC", () => {})).toThrow(/exactly 5 fields/);
  });

  it("refuses what node-cron refuses", () => {
    expect(() => new CronSchedule("61 * * * *", "UTC", () => {})).toThrow(/not valid for node-cron/);
  });

  it("refuses an unknown time zone", () => {
    expect(() => new CronSchedule("* * * * *", "Nowhere/Town", () => {})).toThrow(/"Nowhere\/Town"/);
  });

  it("keeps the canonical time zone name", () => {
    expect(track(new CronSchedule("* * * * *", "europe/berlin", () => {})).timezone).toBe("Europe/Berlin");
  });

  it("refuses a count outside 0-1000", () => {
    const schedule = track(new CronSchedule("* * * * *", "UTC", () => {}));
    expect(schedule.nextRuns(0)).toEqual([]);
    expect(() => schedule.nextRuns(-1)).toThrow(/count/);
    expect(() => schedule.nextRuns(1.5)).toThrow(/count/);
    expect(() => schedule.nextRuns(1001)).toThrow(/count/);
  });
});

describe("CronSchedule.nextRuns (fake clock)", () => {
  it("lists UTC runs after now, in order", () => {
    expect(nextRuns("*/5 * * * *", "UTC", "2026-01-05T12:02:30Z", 3)).toEqual([
      "2026-01-05T12:05:00.000Z",
      "2026-01-05T12:10:00.000Z",
      "2026-01-05T12:15:00.000Z",
    ]);
  });

  it("keeps 09:00 Europe/Berlin across the March 2026 change (08:00Z on CET, 07:00Z on CEST)", () => {
    expect(nextRuns("0 9 * * *", "Europe/Berlin", "2026-03-27T12:00:00Z", 4)).toEqual([
      "2026-03-28T08:00:00.000Z",
      "2026-03-29T07:00:00.000Z", // 29 March: clocks go 02:00 CET → 03:00 CEST
      "2026-03-30T07:00:00.000Z",
      "2026-03-31T07:00:00.000Z",
    ]);
  });

  it("keeps 09:00 Europe/Berlin across the October 2026 change (07:00Z on CEST, 08:00Z on CET)", () => {
    expect(nextRuns("0 9 * * *", "Europe/Berlin", "2026-10-23T12:00:00Z", 4)).toEqual([
      "2026-10-24T07:00:00.000Z",
      "2026-10-25T08:00:00.000Z", // 25 October: clocks go 03:00 CEST → 02:00 CET
      "2026-10-26T08:00:00.000Z",
      "2026-10-27T08:00:00.000Z",
    ]);
  });

  it("follows America/New_York's own change date (8 March 2026)", () => {
    expect(nextRuns("0 9 * * *", "America/New_York", "2026-03-06T20:00:00Z", 3)).toEqual([
      "2026-03-07T14:00:00.000Z",
      "2026-03-08T13:00:00.000Z",
      "2026-03-09T13:00:00.000Z",
    ]);
  });

  it("runs in UTC unaffected by the Berlin change", () => {
    expect(nextRuns("0 9 * * *", "UTC", "2026-03-28T12:00:00Z", 2)).toEqual([
      "2026-03-29T09:00:00.000Z",
      "2026-03-30T09:00:00.000Z",
    ]);
  });

  // node-cron's behaviour at the edges of a change, pinned so an upgrade that alters it is noticed.
  it("skips a local time that does not exist (02:30 on 29 March 2026 in Berlin)", () => {
    expect(nextRuns("30 2 * * *", "Europe/Berlin", "2026-03-27T12:00:00Z", 3)).toEqual([
      "2026-03-28T01:30:00.000Z",
      "2026-03-30T00:30:00.000Z",
      "2026-03-31T00:30:00.000Z",
    ]);
  });

  it("runs a repeated local time once, at its second occurrence (02:30 CET on 25 October 2026)", () => {
    expect(nextRuns("30 2 * * *", "Europe/Berlin", "2026-10-24T12:00:00Z", 2)).toEqual([
      "2026-10-25T01:30:00.000Z",
      "2026-10-26T01:30:00.000Z",
    ]);
  });

  it("skips the first pass through the repeated hour for interval schedules (node-cron limitation)", () => {
    // 02:00-02:59 CEST (00:00Z-00:59Z) is passed over: */15 has a 75-minute gap that night.
    expect(nextRuns("*/15 * * * *", "Europe/Berlin", "2026-10-24T23:40:00Z", 3)).toEqual([
      "2026-10-24T23:45:00.000Z",
      "2026-10-25T01:00:00.000Z",
      "2026-10-25T01:15:00.000Z",
    ]);
  });
});

describe("Cloudflare day meanings survive normalisation (fake clock)", () => {
  const weekdays = (runs: string[]): number[] => runs.map((run) => new Date(run).getUTCDay());
  // 4 January 2026 is a Sunday.
  const sunday = "2026-01-04T00:00:00Z";

  it("0 9 * * 1-5 runs Sunday to Thursday", () => {
    expect(weekdays(nextRuns("0 9 * * 1-5", "UTC", sunday, 7))).toEqual([0, 1, 2, 3, 4, 0, 1]);
  });

  it("0 9 * * MON-FRI runs Monday to Friday", () => {
    expect(weekdays(nextRuns("0 9 * * MON-FRI", "UTC", sunday, 7))).toEqual([1, 2, 3, 4, 5, 1, 2]);
  });

  it("7 is Saturday", () => {
    expect(nextRuns("0 0 * * 7", "UTC", sunday, 2)).toEqual([
      "2026-01-10T00:00:00.000Z",
      "2026-01-17T00:00:00.000Z",
    ]);
  });

  it("L is the last day of each month", () => {
    expect(nextRuns("0 0 L * *", "UTC", sunday, 3)).toEqual([
      "2026-01-31T00:00:00.000Z",
      "2026-02-28T00:00:00.000Z",
      "2026-03-31T00:00:00.000Z",
    ]);
  });

  it("LW is the last weekday (31 January 2026 is a Saturday → Friday 30th)", () => {
    expect(nextRuns("0 0 LW * *", "UTC", sunday, 2)).toEqual([
      "2026-01-30T00:00:00.000Z",
      "2026-02-27T00:00:00.000Z",
    ]);
  });

  it("15W moves a weekend 15th to the nearest weekday (15 February and 15 March 2026 are Sundays)", () => {
    expect(nextRuns("0 0 15W * *", "UTC", sunday, 3)).toEqual([
      "2026-01-15T00:00:00.000Z",
      "2026-02-16T00:00:00.000Z",
      "2026-03-16T00:00:00.000Z",
    ]);
  });

  it("1W never leaves the month (1 August 2026 is a Saturday → Monday 3rd)", () => {
    expect(nextRuns("0 0 1W AUG *", "UTC", sunday, 1)).toEqual(["2026-08-03T00:00:00.000Z"]);
  });

  it("6L is the last Friday (Cloudflare 6 = Friday)", () => {
    expect(nextRuns("0 0 * * 6L", "UTC", sunday, 2)).toEqual([
      "2026-01-30T00:00:00.000Z",
      "2026-02-27T00:00:00.000Z",
    ]);
  });

  it("MON#2 is the second Monday", () => {
    expect(nextRuns("0 0 * * MON#2", "UTC", sunday, 2)).toEqual([
      "2026-01-12T00:00:00.000Z",
      "2026-02-09T00:00:00.000Z",
    ]);
  });

  it("29 February waits for a leap year", () => {
    expect(nextRuns("0 0 29 2 *", "UTC", sunday, 1)).toEqual(["2028-02-29T00:00:00.000Z"]);
  });
});

describe("CronSchedule firing (fake timers)", () => {
  it("fires */1 exactly once per minute across 5 simulated minutes, with the scheduled minute", async () => {
    vi.setSystemTime(at("2026-01-05T10:00:30Z"));
    const ticks: number[] = [];
    const schedule = track(
      new CronSchedule(normalizeCron("*/1 * * * *").expression, "UTC", (t) => ticks.push(t)),
    );
    schedule.start();

    const expected: number[] = [];
    for (let minute = 1; minute <= 5; minute++) {
      await vi.advanceTimersByTimeAsync(MINUTE);
      expected.push(at("2026-01-05T10:00:00Z") + minute * MINUTE);
      expect(ticks).toEqual(expected);
    }
    expect(ticks.map(iso)).toEqual([
      "2026-01-05T10:01:00.000Z",
      "2026-01-05T10:02:00.000Z",
      "2026-01-05T10:03:00.000Z",
      "2026-01-05T10:04:00.000Z",
      "2026-01-05T10:05:00.000Z",
    ]);
  });

  it("passes the scheduled minute, not the time the callback ran", async () => {
    vi.setSystemTime(at("2026-01-05T10:00:30Z"));
    const ticks: { scheduled: number; ranAt: number }[] = [];
    const schedule = track(
      new CronSchedule("*/1 * * * *", "UTC", (scheduled) => ticks.push({ scheduled, ranAt: Date.now() })),
    );
    schedule.start();
    // The event loop stalls: the wall clock jumps 50 s while the 10:01 timer still has 30 s to go,
    // so it fires at 10:01:50.
    vi.setSystemTime(at("2026-01-05T10:01:20Z"));
    await vi.advanceTimersByTimeAsync(30_000);

    expect(ticks).toHaveLength(1);
    expect(iso(ticks[0]?.scheduled ?? 0)).toBe("2026-01-05T10:01:00.000Z");
    expect(iso(ticks[0]?.ranAt ?? 0)).toBe("2026-01-05T10:01:50.000Z");
  });

  it("fires 09:00 Europe/Berlin at 08:00Z then 07:00Z across the March change", async () => {
    vi.setSystemTime(at("2026-03-28T00:00:00Z"));
    const ticks: number[] = [];
    const schedule = track(new CronSchedule("0 9 * * *", "Europe/Berlin", (t) => ticks.push(t)));
    schedule.start();
    await vi.advanceTimersByTimeAsync(3 * DAY);
    expect(ticks.map(iso)).toEqual([
      "2026-03-28T08:00:00.000Z",
      "2026-03-29T07:00:00.000Z",
      "2026-03-30T07:00:00.000Z",
    ]);
  });

  it("fires 09:00 Europe/Berlin at 07:00Z then 08:00Z across the October change", async () => {
    vi.setSystemTime(at("2026-10-24T00:00:00Z"));
    const ticks: number[] = [];
    const schedule = track(new CronSchedule("0 9 * * *", "Europe/Berlin", (t) => ticks.push(t)));
    schedule.start();
    await vi.advanceTimersByTimeAsync(3 * DAY);
    expect(ticks.map(iso)).toEqual([
      "2026-10-24T07:00:00.000Z",
      "2026-10-25T08:00:00.000Z",
      "2026-10-26T08:00:00.000Z",
    ]);
  });

  it("does not fire before start, stops on stop, and can start again", async () => {
    vi.setSystemTime(at("2026-01-05T10:00:30Z"));
    const ticks: number[] = [];
    const schedule = track(new CronSchedule("* * * * *", "UTC", (t) => ticks.push(t)));

    await vi.advanceTimersByTimeAsync(2 * MINUTE);
    expect(ticks).toEqual([]);

    schedule.start();
    schedule.start(); // a second start changes nothing
    await vi.advanceTimersByTimeAsync(2 * MINUTE);
    expect(ticks.map(iso)).toEqual(["2026-01-05T10:03:00.000Z", "2026-01-05T10:04:00.000Z"]);

    schedule.stop();
    await vi.advanceTimersByTimeAsync(3 * MINUTE);
    expect(ticks).toHaveLength(2);
    expect(vi.getTimerCount()).toBe(0);

    schedule.start();
    await vi.advanceTimersByTimeAsync(MINUTE);
    expect(ticks.map(iso).slice(2)).toEqual(["2026-01-05T10:08:00.000Z"]);
  });

  it("stop releases node-cron's global registry entry", () => {
    const before = getTasks().size;
    const schedule = new CronSchedule("* * * * *", "UTC", () => {});
    expect(getTasks().size).toBe(before + 1);
    schedule.stop();
    schedule.stop();
    expect(getTasks().size).toBe(before);
  });

  it("keeps firing after onTick throws", async () => {
    vi.setSystemTime(at("2026-01-05T10:00:30Z"));
    const errors = vi.spyOn(console, "error").mockImplementation(() => {});
    const ticks: number[] = [];
    const schedule = track(
      new CronSchedule("* * * * *", "UTC", (t) => {
        ticks.push(t);
        throw new Error("boom");
      }),
    );
    schedule.start();
    await vi.advanceTimersByTimeAsync(2 * MINUTE);
    expect(ticks).toHaveLength(2);
    errors.mockRestore();
  });
});
