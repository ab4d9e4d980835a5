// Workers' ScheduledController: what `scheduled(controller, env, ctx)` receives.
import type { PlainScheduledEvent } from "../invocation-events.js";

export function scheduledController(event: PlainScheduledEvent): {
  controller: object;
  noRetry: () => boolean;
} {
  let noRetry = false;
  const controller = Object.freeze({
    cron: event.cron,
    scheduledTime: event.scheduledTime,
    type: "scheduled",
    noRetry() {
      noRetry = true;
    },
  });
  return { controller, noRetry: () => noRetry };
}
