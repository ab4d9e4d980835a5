// The runtime as the operator sees it: worker processes with their restarts, memory and isolate caches.
import { z } from "zod";

export const isolateCacheStats = z.strictObject({
  idle: z.number().int(),
  busy: z.number().int(),
  heapBytes: z.number().meta({ description: "Estimated heap of every pooled isolate." }),
  hits: z.number().int().meta({ description: "Invocations that found a warm isolate." }),
  misses: z.number().int().meta({ description: "Invocations that needed a cold start." }),
  evictions: z.number().int(),
  syncSlices: z
    .number()
    .int()
    .optional()
    .meta({ description: "Warm invocations whose first slice ran synchronously." }),
  syncFinished: z
    .number()
    .int()
    .optional()
    .meta({ description: "Synchronous first slices in which the invocation finished." }),
  cutSlices: z
    .number()
    .int()
    .optional()
    .meta({ description: "Synchronous slices stopped by their timeout." }),
  reruns: z
    .number()
    .int()
    .optional()
    .meta({ description: "Invocations run again asynchronously after a cut slice." }),
});

export const runtimeStats = z
  .strictObject({
    workers: z.array(
      z.strictObject({
        slot: z.number().int(),
        role: z.enum(["invocations", "check", "probation"]),
        pid: z.number().int().optional().meta({ description: "Absent while no process runs in the slot." }),
        restarts: z.number().int().meta({ description: "Workers that replaced a crashed one in this slot." }),
        rssBytes: z
          .number()
          .optional()
          .meta({ description: "Absent when the worker did not answer in time." }),
        isolates: isolateCacheStats.optional(),
      }),
    ),
  })
  .meta({ id: "RuntimeStats", description: "Each runtime worker and its warm isolate cache." });
