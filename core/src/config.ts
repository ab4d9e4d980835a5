// The function configuration schema: validated at the edge, resolved to concrete limits before it is stored.
import { z } from "zod";
import { BINDING_NAME_RULE, isValidBindingName } from "./binding-names.js";
import { SkiffError } from "./errors.js";
import { isJsonValue, type JsonValue } from "./json-value.js";
import { LIMITS } from "./limits.js";
import { NAME_PATTERN } from "./names.js";

const QUEUE_NAME_RULE = "queue and topic names are 1-63 of a-z, 0-9 and '-', not starting or ending with '-'";
const SERVICE_NAME_RULE =
  "a service binding names a function of the same tenant: 1-63 of a-z, 0-9 and '-', not starting or ending with '-'";

const utf8 = new TextEncoder();

/** A string var counts its own bytes; a JSON var the bytes of its JSON text, which is what `env` gets parsed. */
export function varValueBytes(value: JsonValue): number {
  return utf8.encode(typeof value === "string" ? value : JSON.stringify(value)).byteLength;
}

const varValueSchema = z
  .custom<JsonValue>((value) => isJsonValue(value), {
    message: "a variable is a string or a JSON value (object, array, number, boolean or null)",
  })
  .refine((value) => !isJsonValue(value) || varValueBytes(value) <= LIMITS.envVarBytes, {
    message: `a variable's value is at most ${LIMITS.envVarBytes} bytes (JSON values: as JSON text)`,
  });

// zod drops a `__proto__` key from a record without a word; refuse it before, so nothing is silently lost.
const varsSchema = z
  .custom<Record<string, unknown>>(
    (value) => typeof value !== "object" || value === null || !Object.hasOwn(value, "__proto__"),
    { message: `"__proto__" is not a variable name: ${BINDING_NAME_RULE}` },
  )
  .pipe(
    z
      .record(
        z.string().refine(isValidBindingName, { message: `variable ${BINDING_NAME_RULE}` }),
        varValueSchema,
      )
      .refine((vars) => Object.keys(vars).length <= LIMITS.envVarCount, {
        message: `at most ${LIMITS.envVarCount} variables`,
      }),
  );

const intInRange = (range: { min: number; max: number }) => z.number().int().min(range.min).max(range.max);

/** The `config` object a deploy accepts. Unknown fields are refused, not ignored. */
export const functionConfigInputSchema = z.strictObject({
  memoryMb: intInRange(LIMITS.memoryMb).optional(),
  cpuMs: intInRange(LIMITS.cpuMs).optional(),
  timeoutMs: intInRange(LIMITS.timeoutMs).optional(),
  concurrency: intInRange(LIMITS.concurrency).optional(),
  /** `env.NAME` values: a string, or a JSON value that `env` holds parsed. */
  vars: varsSchema.optional(),
  /**
   * Extra hosts this function may fetch even though the egress policy refuses them by default
   * (`"api.internal:8443"`, `"10.1.2.3"`, `"10.0.0.0/8"`). Validated by the runtime's egress policy.
   */
  allowedHosts: z.array(z.string().min(1).max(255)).max(100).optional(),
  /** Cron triggers; each expression is validated and normalised by the scheduler at deploy. */
  triggers: z
    .strictObject({
      crons: z
        .array(
          z.union([
            z.string().min(1).max(256),
            z.strictObject({
              cron: z.string().min(1).max(256),
              timezone: z.string().min(1).max(64).optional(),
              overlap: z.enum(["skip", "allow"]).optional(),
              missed: z.enum(["skip", "catch-up-once"]).optional(),
            }),
          ]),
        )
        .max(LIMITS.cronTriggers)
        .optional(),
    })
    .optional(),
  /** Capabilities given to the version (DESIGN §1 "binding"): what it may reach besides its vars and secrets. */
  bindings: z
    .array(
      z.discriminatedUnion("type", [
        z.strictObject({
          type: z.literal("bucket"),
          name: z.string().refine(isValidBindingName, { message: `binding ${BINDING_NAME_RULE}` }),
          bucket: z.string().min(3).max(63),
          access: z.enum(["read", "read-write"]).optional(),
        }),
        z.strictObject({
          type: z.literal("kv"),
          name: z.string().refine(isValidBindingName, { message: `binding ${BINDING_NAME_RULE}` }),
          namespace: z.string().min(1).max(63),
        }),
        z.strictObject({
          type: z.literal("queue"),
          name: z.string().refine(isValidBindingName, { message: `binding ${BINDING_NAME_RULE}` }),
          queue: z.string().regex(NAME_PATTERN, QUEUE_NAME_RULE),
        }),
        z.strictObject({
          type: z.literal("topic"),
          name: z.string().refine(isValidBindingName, { message: `binding ${BINDING_NAME_RULE}` }),
          topic: z.string().regex(NAME_PATTERN, QUEUE_NAME_RULE),
        }),
        z.strictObject({
          type: z.literal("service"),
          name: z.string().refine(isValidBindingName, { message: `binding ${BINDING_NAME_RULE}` }),
          function: z.string().regex(NAME_PATTERN, SERVICE_NAME_RULE),
        }),
      ]),
    )
    .max(LIMITS.bindings)
    .refine((list) => new Set(list.map((b) => b.name)).size === list.length, {
      message: "binding names must be unique",
    })
    .optional(),
  /** Asynchronous delivery (DESIGN §6): these names, so clients and docs agree. */
  async: z
    .strictObject({
      maxAttempts: intInRange(LIMITS.asyncMaxAttempts).optional(),
      maxEventAgeSeconds: intInRange(LIMITS.asyncMaxEventAgeSeconds).optional(),
      minBackoffMs: intInRange(LIMITS.asyncMinBackoffMs).optional(),
    })
    .optional(),
});

export type FunctionConfigInput = z.infer<typeof functionConfigInputSchema>;

/** A configuration with every limit filled in: what a version stores and the runtime enforces. */
export interface FunctionConfig {
  memoryMb: number;
  /** CPU time per invocation; never above `timeoutMs`. */
  cpuMs: number;
  timeoutMs: number;
  concurrency: number;
  /** Strings stay strings; JSON values (objects, arrays, numbers, booleans, null) reach `env` parsed. */
  vars: Record<string, string | JsonValue>;
  allowedHosts: string[];
  triggers: { crons: CronTrigger[] };
  async: AsyncConfig;
  bindings: Binding[];
}

/** A bucket the version may read (or read and write) as `env.NAME`, with the R2 Workers API. */
export interface BucketBinding {
  type: "bucket";
  name: string;
  bucket: string;
  access: "read" | "read-write";
}

/** A KV namespace the version may use as `env.NAME`, with the Workers KV API. */
export interface KvBinding {
  type: "kv";
  name: string;
  namespace: string;
}

/** A queue the version may send to as `env.NAME`, with the Workers Queues producer API (send, sendBatch). */
export interface QueueBinding {
  type: "queue";
  name: string;
  queue: string;
}

/** A topic the version may publish to as `env.NAME` (`publish(message, {attributes})`). */
export interface TopicBinding {
  type: "topic";
  name: string;
  topic: string;
}

/**
 * Another function of the same tenant, called as `env.NAME.fetch(request)` straight through the runtime (Workers
 * service bindings): no HTTP round trip, counted as a subrequest, with the target's own limits and record.
 */
export interface ServiceBinding {
  type: "service";
  name: string;
  /** The target function's name; it must exist in the tenant when the binding is deployed. */
  function: string;
}

export type Binding = BucketBinding | KvBinding | QueueBinding | TopicBinding | ServiceBinding;

/** One cron trigger as stored: the expression as the user wrote it and its policies. */
export interface CronTrigger {
  cron: string;
  /** IANA time zone; default UTC. */
  timezone: string;
  /** A tick while the previous run is still going: `skip` it (default) or `allow` both. */
  overlap: "skip" | "allow";
  /** Ticks missed while the platform was down: `skip` (default) or run the latest one once on start. */
  missed: "skip" | "catch-up-once";
}

export interface AsyncConfig {
  maxAttempts: number;
  maxEventAgeSeconds: number;
  minBackoffMs: number;
}

/** Fills defaults and clamps the CPU limit to the wall-clock timeout (a CPU budget past it could never be used). */
export function resolveFunctionConfig(input: FunctionConfigInput = {}): FunctionConfig {
  const timeoutMs = input.timeoutMs ?? LIMITS.timeoutMs.default;
  return {
    memoryMb: input.memoryMb ?? LIMITS.memoryMb.default,
    cpuMs: Math.min(input.cpuMs ?? LIMITS.cpuMs.default, timeoutMs),
    timeoutMs,
    concurrency: input.concurrency ?? LIMITS.concurrency.default,
    vars: { ...(input.vars ?? {}) },
    allowedHosts: [...(input.allowedHosts ?? [])],
    triggers: {
      crons: (input.triggers?.crons ?? []).map((entry) => {
        const trigger = typeof entry === "string" ? { cron: entry } : entry;
        return {
          cron: trigger.cron.trim(),
          timezone: trigger.timezone ?? "UTC",
          overlap: trigger.overlap ?? "skip",
          missed: trigger.missed ?? "skip",
        };
      }),
    },
    bindings: (input.bindings ?? []).map((binding) =>
      binding.type === "bucket" ? { ...binding, access: binding.access ?? "read-write" } : { ...binding },
    ),
    async: {
      maxAttempts: input.async?.maxAttempts ?? LIMITS.asyncMaxAttempts.default,
      maxEventAgeSeconds: input.async?.maxEventAgeSeconds ?? LIMITS.asyncMaxEventAgeSeconds.default,
      minBackoffMs: input.async?.minBackoffMs ?? LIMITS.asyncMinBackoffMs.default,
    },
  };
}

/** Validates untrusted config input, throwing `INVALID_CONFIG` with every problem listed. */
export function parseFunctionConfig(input: unknown): FunctionConfig {
  const parsed = functionConfigInputSchema.safeParse(input ?? {});
  if (!parsed.success) {
    throw new SkiffError("INVALID_CONFIG", `invalid config: ${formatIssues(parsed.error)}`, {
      details: parsed.error.issues.map((i) => ({ path: i.path.join("."), message: i.message })),
    });
  }
  return resolveFunctionConfig(parsed.data);
}

/** One line listing zod issues as `path: message`. */
export function formatIssues(error: z.ZodError): string {
  return error.issues
    .map((issue) => (issue.path.length > 0 ? `${issue.path.join(".")}: ${issue.message}` : issue.message))
    .join("; ");
}
