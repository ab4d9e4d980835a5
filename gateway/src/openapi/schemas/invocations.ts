// The one invocation-event type (core's InvocationRecord) as the API answers it: logs, invocations, follow.
import { LOG_LEVELS, type LogLevel, OUTCOMES, type Outcome } from "@skiff/core";
import { z } from "zod";
import { epochMs } from "./common.js";

/** Every trigger kind a record may carry (core's `TriggerKind`; the type test keeps the two equal). */
export const TRIGGER_KINDS = ["http", "cron", "storage", "webhook", "queue", "invoke", "service"] as const;

export const logLine = z.strictObject({
  level: z.enum(LOG_LEVELS as [LogLevel, ...LogLevel[]]),
  message: z.string(),
  ts: epochMs,
});

export const invocationError = z.strictObject({
  name: z.string(),
  message: z.string(),
  stack: z.string().optional(),
  line: z.number().int().optional().meta({ description: "Compile errors: the 1-based line." }),
});

export const invocationRecord = z
  .strictObject({
    id: z.string(),
    tenant: z.string(),
    functionName: z.string(),
    version: z.number().int(),
    trigger: z.enum(TRIGGER_KINDS),
    parentInvocationId: z
      .string()
      .optional()
      .meta({ description: "Service binding calls: the invocation whose env.NAME.fetch started this one." }),
    startedAt: epochMs,
    outcome: z.enum(OUTCOMES as [Outcome, ...Outcome[]]),
    status: z.number().int(),
    cold: z.boolean(),
    cpuMs: z.number(),
    wallMs: z.number(),
    peakHeapBytes: z.number().optional().meta({ description: "Absent when the isolate did not survive." }),
    egressBytes: z.number().optional().meta({ description: "Outbound fetch bytes; absent means none." }),
    error: invocationError.optional(),
    logs: z.array(logLine),
    droppedLogLines: z
      .number()
      .int()
      .meta({ description: "Lines printed past the log cap: counted, not kept." }),
  })
  .meta({ id: "Invocation", description: "One invocation: outcome, timings, error and console lines." });
