// Defaults and ranges of the per-function limits (DESIGN §5).

export const LIMITS = {
  memoryMb: { default: 128, min: 16, max: 2048 },
  cpuMs: { default: 30_000, min: 1, max: 900_000 },
  timeoutMs: { default: 3_000, min: 1, max: 900_000 },
  concurrency: { default: 10, min: 1, max: 1000 },
  /** Synchronous request body, bytes. */
  requestBodyBytes: 6 * 1024 * 1024,
  /** Code size per version, bytes. */
  codeBytes: 10 * 1024 * 1024,
  envVarBytes: 5 * 1024,
  /** Bindings per version. */
  bindings: 64,
  /** Cron triggers per function. */
  cronTriggers: 20,
  /** Deliveries of an async event before it is dead-lettered (DESIGN §6). */
  asyncMaxAttempts: { default: 3, min: 1, max: 100 },
  /** Oldest an async event may get before it is dead-lettered: 60 s to 6 h (Lambda's bound). */
  asyncMaxEventAgeSeconds: { default: 21_600, min: 60, max: 21_600 },
  /** First retry delay; doubles per attempt, with jitter. */
  asyncMinBackoffMs: { default: 60_000, min: 0, max: 3_600_000 },
  /** One stored object (buckets), bytes. */
  objectBytes: 100 * 1024 * 1024,
  /** Async event payload (DESIGN §5). */
  asyncPayloadBytes: 256 * 1024,
  envVarCount: 128,
} as const;
