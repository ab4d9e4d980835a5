export * from "./cron/cron-schedule.js";
export * from "./cron/normalize-cron.js";
