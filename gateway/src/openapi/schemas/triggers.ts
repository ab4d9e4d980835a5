// Cron triggers with their next runs, their run history, and the dead letters of async delivery.
import { z } from "zod";
import { epochMs } from "./common.js";

export const triggerInfo = z.strictObject({
  cron: z.string(),
  timezone: z.string(),
  overlap: z.enum(["skip", "allow"]),
  missed: z.enum(["skip", "catch-up-once"]),
  normalized: z
    .string()
    .meta({ description: "The expression the scheduler runs (Cloudflare's dialect translated)." }),
  nextRuns: z.array(z.iso.datetime()).meta({ description: "The next scheduled times, ISO 8601." }),
});

export const triggerRun = z
  .strictObject({
    id: z.number().int(),
    tenant: z.string(),
    functionName: z.string(),
    triggerKey: z.string(),
    cron: z.string(),
    timezone: z.string(),
    scheduledTime: epochMs,
    attempt: z.number().int(),
    version: z.number().int(),
    manual: z.boolean(),
    startedAt: epochMs.nullable(),
    endedAt: epochMs.nullable(),
    outcome: z.string().nullable().meta({ description: 'null while running; an outcome, or "skipped".' }),
    invocationId: z.string().nullable(),
  })
  .meta({ id: "TriggerRun", description: "One run of a cron trigger (or one retry of it)." });

export const runResult = z.strictObject({
  cron: z.string(),
  scheduledTime: epochMs,
  outcome: z
    .string()
    .meta({ description: '"skipped" when the overlap policy skipped it; else the outcome.' }),
  invocationId: z.string().nullable(),
});

export const deadLetter = z
  .strictObject({
    id: z.string(),
    tenant: z.string(),
    functionName: z.string(),
    kind: z.enum(["invoke", "scheduled", "storage", "webhook", "queue"]),
    payload: z.unknown().meta({ description: "The event as stored (JSON)." }),
    idempotencyKey: z.string().nullable(),
    attempts: z.number().int(),
    createdAt: epochMs,
    failedAt: epochMs,
    reason: z.string().meta({ description: '"maxAttempts", "maxEventAge", "functionDeleted", …' }),
    lastError: z.string().nullable(),
  })
  .meta({ id: "DeadLetter", description: "An async event that failed for good." });
