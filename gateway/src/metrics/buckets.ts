// Histogram buckets, in seconds, shared so that dashboards can compare the histograms bucket by bucket.

/** From 1 ms (a warm invocation) to 15 min (the longest timeout). */
export const DURATION_BUCKETS = [
  0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60, 300, 900,
];

/** CPU time is mostly far below wall time: finer at the low end. */
export const CPU_BUCKETS = [
  0.0001, 0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 5, 30, 900,
];

/** How late a cron tick starts: node-cron fires within a few ms; minutes mean a stalled scheduler. */
export const LAG_BUCKETS = [0.005, 0.01, 0.05, 0.1, 0.5, 1, 5, 15, 60, 300];
