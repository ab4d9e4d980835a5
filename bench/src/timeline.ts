// When the harness put load on the machine. Cron runs that were due while load ran are told apart from those
// due on an idle machine; steps wait out a minute boundary (when crons fire) if one would fall inside them.

export interface Interval {
  start: number;
  end: number;
}

export interface TimelineOptions {
  now?: () => number;
  sleep?: (ms: number) => Promise<void>;
}

/** Cron triggers fire at minute boundaries; their handlers have started within this much after one. */
const CRON_SETTLE_MS = 2_000;

export class Timeline {
  readonly busy: Interval[] = [];
  readonly #now: () => number;
  readonly #sleep: (ms: number) => Promise<void>;
  /** Set while cron functions are deployed and their runs are being measured. */
  #guardMinutes = false;

  constructor(options: TimelineOptions = {}) {
    this.#now = options.now ?? Date.now;
    this.#sleep = options.sleep ?? ((ms) => new Promise((resolve) => setTimeout(resolve, ms)));
  }

  /** From now on, keep minute boundaries free of load. */
  guardMinuteBoundaries(on: boolean): void {
    this.#guardMinutes = on;
  }

  /**
   * Runs a step expected to take about `expectedMs`, first waiting past the next minute boundary if the step
   * would overlap it, and records the step as busy time.
   */
  async step<T>(expectedMs: number, run: () => Promise<T>): Promise<T> {
    // A step longer than a minute overlaps a boundary whatever it waits for: it runs at once.
    if (this.#guardMinutes && expectedMs + 1_000 < 60_000 - CRON_SETTLE_MS) {
      const now = this.#now();
      const boundary = nextMinute(now);
      if (boundary - now < expectedMs + 1_000) await this.#sleep(boundary + CRON_SETTLE_MS - now);
    }
    const start = this.#now();
    try {
      return await run();
    } finally {
      this.busy.push({ start, end: this.#now() });
    }
  }

  /** Whether load ran at `time` (with a margin of a second either side). */
  wasBusy(time: number): boolean {
    return this.busy.some((interval) => time >= interval.start - 1_000 && time <= interval.end + 1_000);
  }
}

export function nextMinute(time: number): number {
  return Math.floor(time / 60_000) * 60_000 + 60_000;
}
