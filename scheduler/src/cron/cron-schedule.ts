// One cron schedule in one IANA time zone: node-cron finds the runs and keeps the timers, this class only adapts it.

import { SkiffError } from "@skiff/core";
import { createTask, type ScheduledTask, type TaskContext, validateDetailed } from "node-cron";

const MINUTE_MS = 60_000;

/**
 * How late (after its minute) a tick may still run. node-cron's default is 1 s, past which it drops the run
 * with only a console warning, so any event-loop stall over a second (a long synchronous write, GC, a paused
 * VM) would silently lose a scheduled run. A run late by under a minute is still the run for that minute: it
 * goes ahead and `onTick` gets the minute it was scheduled for. node-cron never runs a slot once the next one
 * is due, whatever this value.
 */
const LATE_TICK_TOLERANCE_MS = 60_000;

/** Called for each run with the epoch ms of the minute the run was scheduled for (not when the callback ran). */
export type CronTickHandler = (scheduledTime: number) => void;

/**
 * A running (or stopped) cron schedule over node-cron. The expression must already be normalised
 * (see `normalizeCron`): exactly 5 fields in node-cron's dialect.
 *
 * Around clock changes node-cron 4.6.0 (pinned by the tests): a local time that does not exist that day is
 * skipped (02:30 on a spring-forward night does not run); a local time that happens twice runs once, at its
 * second occurrence; and an interval schedule (`*\/15 * * * *`) passes over the first run through the repeated
 * hour, so it has a one-hour gap each autumn. UTC, the default zone, has none of these.
 *
 * @example
 * const schedule = new CronSchedule(normalizeCron("0 9 * * MON-FRI").expression, "Europe/Berlin", (t) => fire(t));
 * schedule.start();
 * schedule.nextRuns(3); // epoch ms of the next three runs
 * schedule.stop();
 */
export class CronSchedule {
  readonly expression: string;
  /** The canonical IANA name of the zone the expression is read in. */
  readonly timezone: string;
  readonly #onTick: CronTickHandler;
  #task: ScheduledTask;
  #destroyed = false;

  constructor(expression: string, timezone: string, onTick: CronTickHandler) {
    if (typeof expression !== "string" || expression.trim().split(/\s+/).length !== 5) {
      throw new SkiffError(
        "INVALID_CONFIG",
        `cron "${String(expression)}" must have exactly 5 fields; pass user input through normalizeCron first`,
      );
    }
    const check = validateDetailed(expression);
    if (!check.valid) {
      const reasons = check.errors.map((error) => error.message).join("; ");
      throw new SkiffError("INVALID_CONFIG", `cron "${expression}" is not valid for node-cron: ${reasons}`);
    }
    this.expression = expression;
    this.timezone = CronSchedule.validateTimezone(timezone);
    this.#onTick = onTick;
    this.#task = this.#createTask();
  }

  /** Starts firing `onTick`; a no-op when already started. A stopped schedule can be started again. */
  start(): void {
    if (this.#destroyed) {
      this.#task = this.#createTask();
      this.#destroyed = false;
    }
    void this.#task.start();
  }

  /** Stops firing and releases node-cron's timer and its entry in node-cron's global task registry. */
  stop(): void {
    if (this.#destroyed) return;
    this.#destroyed = true;
    void this.#task.destroy();
  }

  /**
   * The next `count` run times after now (epoch ms, ascending), computed by node-cron in this schedule's zone.
   * "Now" is the process clock (`Date`), which node-cron reads directly.
   */
  nextRuns(count: number): number[] {
    if (!Number.isInteger(count) || count < 0 || count > 1000) {
      throw new SkiffError("INVALID_REQUEST", `count must be an integer from 0 to 1000, got ${count}`);
    }
    return this.#task.getNextRuns(count).map((date) => date.getTime());
  }

  /**
   * The latest minute in (`after`, `until`] at which this schedule runs, looking back at most `maxLookbackMs`:
   * the run missed while the platform was down, for the `catch-up-once` policy. node-cron's own matcher decides.
   */
  previousRun(until: number, after: number, maxLookbackMs = 7 * 24 * 60 * MINUTE_MS): number | undefined {
    const floor = Math.max(after, until - maxLookbackMs);
    for (let minute = Math.floor(until / MINUTE_MS) * MINUTE_MS; minute > floor; minute -= MINUTE_MS) {
      if (this.#task.match(new Date(minute))) return minute;
    }
    return undefined;
  }

  /**
   * Checks an IANA time zone name (e.g. "Europe/Berlin", "UTC") and returns its canonical spelling as the
   * platform's Intl resolves it ("europe/berlin" → "Europe/Berlin", "US/Pacific" → "America/Los_Angeles").
   * Throws `SkiffError("INVALID_CONFIG")` for anything else.
   */
  static validateTimezone(tz: string): string {
    if (typeof tz !== "string" || tz.trim() === "") {
      throw new SkiffError(
        "INVALID_CONFIG",
        'timezone must be an IANA time zone name such as "Europe/Berlin" or "UTC"',
      );
    }
    try {
      return new Intl.DateTimeFormat(undefined, { timeZone: tz }).resolvedOptions().timeZone;
    } catch (error) {
      throw new SkiffError(
        "INVALID_CONFIG",
        `timezone "${tz}" is not an IANA time zone name; use one such as "Europe/Berlin", "America/New_York" or "UTC"`,
        { cause: error },
      );
    }
  }

  #createTask(): ScheduledTask {
    return createTask(this.expression, (context: TaskContext) => this.#tick(context), {
      timezone: this.timezone,
      noOverlap: false,
      missedExecutionTolerance: LATE_TICK_TOLERANCE_MS,
    });
  }

  #tick(context: TaskContext): void {
    // context.date is the slot node-cron planned this run for; cut to the minute in case it carries seconds.
    this.#onTick(Math.floor(context.date.getTime() / MINUTE_MS) * MINUTE_MS);
  }
}
