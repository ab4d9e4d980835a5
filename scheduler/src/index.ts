export * from "./clock.js";
export * from "./cron/cron-schedule.js";
export * from "./cron/cron-service.js";
export * from "./cron/normalize-cron.js";
export * from "./queue/backoff.js";
export * from "./queue/dispatcher.js";
export * from "./queue/event-payload.js";
export * from "./scheduler.js";
