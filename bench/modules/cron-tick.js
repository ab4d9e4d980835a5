// A cron trigger's handler that returns at once: the run history's start time minus the scheduled time is the
// scheduler's lag.
export default {
  async scheduled() {},
};
