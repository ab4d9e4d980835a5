// The scheduler, or a clear error when this gateway runs without one (only some unit tests do).
import { SkiffError } from "@skiff/core";
import type { SchedulerPort } from "../deps.js";

export function requireScheduler(scheduler: SchedulerPort | undefined): SchedulerPort {
  if (scheduler === undefined) {
    throw new SkiffError(
      "INTERNAL_ERROR",
      "this server runs without a scheduler: cron triggers and async delivery are off",
    );
  }
  return scheduler;
}
