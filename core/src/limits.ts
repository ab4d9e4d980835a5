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
  envVarCount: 128,
} as const;
