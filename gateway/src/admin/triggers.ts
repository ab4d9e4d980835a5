// Cron triggers in a deploy: checked with the scheduler's own parser, time zones stored by canonical name.
import type { CronTrigger } from "@skiff/core";
import { CronSchedule, validateTriggers } from "@skiff/scheduler";

/** Throws INVALID_CONFIG for an expression or time zone the scheduler would refuse; returns them canonical. */
export function checkedTriggers(crons: CronTrigger[]): CronTrigger[] {
  const canonical = crons.map((trigger) => ({
    ...trigger,
    timezone: CronSchedule.validateTimezone(trigger.timezone),
  }));
  validateTriggers(canonical);
  return canonical;
}
