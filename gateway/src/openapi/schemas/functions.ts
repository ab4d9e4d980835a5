// Functions as the API answers them: the function record, its immutable versions with their resolved config,
// quarantines and secrets (names and times only).
import { z } from "zod";
import { epochMs, jsonValue } from "./common.js";

const cronTrigger = z
  .strictObject({
    cron: z.string(),
    timezone: z.string().meta({ description: "IANA time zone; default UTC." }),
    overlap: z.enum(["skip", "allow"]),
    missed: z.enum(["skip", "catch-up-once"]),
  })
  .meta({ id: "CronTrigger", description: "A cron trigger as stored, with its policies." });

const binding = z
  .discriminatedUnion("type", [
    z.strictObject({
      type: z.literal("bucket"),
      name: z.string(),
      bucket: z.string(),
      access: z.enum(["read", "read-write"]),
    }),
    z.strictObject({ type: z.literal("kv"), name: z.string(), namespace: z.string() }),
    z.strictObject({ type: z.literal("queue"), name: z.string(), queue: z.string() }),
    z.strictObject({ type: z.literal("topic"), name: z.string(), topic: z.string() }),
    z.strictObject({ type: z.literal("service"), name: z.string(), function: z.string() }),
  ])
  .meta({ id: "Binding", description: "A capability of the version, visible to it as `env.NAME`." });

export const functionConfig = z
  .strictObject({
    memoryMb: z.number().int(),
    cpuMs: z.number().int().meta({ description: "CPU time per invocation; never above timeoutMs." }),
    timeoutMs: z.number().int(),
    concurrency: z.number().int(),
    vars: z.record(z.string(), jsonValue),
    allowedHosts: z.array(z.string()),
    triggers: z.strictObject({ crons: z.array(cronTrigger) }),
    async: z.strictObject({
      maxAttempts: z.number().int(),
      maxEventAgeSeconds: z.number().int(),
      minBackoffMs: z.number().int(),
    }),
    bindings: z.array(binding),
  })
  .meta({ id: "FunctionConfig", description: "A version's configuration with every default filled in." });

export const moduleSummary = z.strictObject({
  path: z.string(),
  type: z.enum(["esm", "commonjs", "json", "wasm", "text"]),
  size: z.number().int().meta({ description: "Bytes the runtime loads." }),
});

export const versionRecord = z
  .strictObject({
    id: z.string().meta({ description: "Globally unique; never reused." }),
    functionId: z.number().int(),
    number: z.number().int().min(1),
    codeHash: z.string().meta({ description: "SHA-256 hex of the code blob." }),
    codeSize: z.number().int(),
    main: z.string().meta({ description: "Path of the entry module." }),
    modules: z.array(moduleSummary),
    config: functionConfig,
    createdAt: epochMs,
  })
  .meta({ id: "Version", description: "An immutable snapshot of a function's code and configuration." });

export const functionQuarantine = z.strictObject({
  versionId: z.string(),
  since: epochMs,
  crashes: z.number().int(),
  reason: z.string(),
});

export const functionRecord = z
  .strictObject({
    id: z.number().int(),
    tenantId: z.number().int(),
    tenantName: z.string(),
    name: z.string(),
    activeVersion: z.number().int().nullable(),
    createdAt: epochMs,
    updatedAt: epochMs,
    quarantine: functionQuarantine.nullable().optional().meta({
      description: "Set while the function is quarantined (it crashed its runtime worker repeatedly).",
    }),
  })
  .meta({ id: "Function", description: "A function of a tenant." });

export const quarantineRecord = z
  .strictObject({ tenant: z.string(), functionName: z.string(), ...functionQuarantine.shape })
  .meta({ id: "Quarantine", description: "A quarantined function: its version is refused until lifted." });

export const secretRecord = z
  .strictObject({ name: z.string(), createdAt: epochMs, updatedAt: epochMs })
  .meta({ id: "Secret", description: "A secret's name and times; its value never comes back." });

/** What deploy, rollback and a triggers change answer: the function and its now active version. */
export const deployment = z.strictObject({ function: functionRecord, version: versionRecord });
