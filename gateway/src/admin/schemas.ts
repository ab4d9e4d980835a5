// Shapes of the admin API's request bodies and queries; unknown fields are refused, never ignored.
import { formatIssues, NAME_PATTERN, SkiffError } from "@skiff/core";
import { MAX_NOTIFICATION_RULES } from "@skiff/storage";
import { z } from "zod";

export const createTenantBody = z.strictObject({ name: z.string() });

const noProtoKey = (what: string) =>
  z.custom<Record<string, unknown>>(
    (value) => typeof value !== "object" || value === null || !Object.hasOwn(value, "__proto__"),
    { message: `"__proto__" can not be ${what}` },
  );

/** A module's upload: UTF-8 text, or bytes as base64 (the only form for `.wasm`). */
const moduleInput = z.union([z.string(), z.strictObject({ base64: z.string() })]);

/**
 * A deploy: `code` (one ES module, main `index.js` unless `main` says otherwise) or `modules` by path with
 * `main`. `config` is checked by core's `parseFunctionConfig` and `secrets` by `parseSecrets`, so that their
 * problems come back as INVALID_CONFIG / INVALID_NAME. zod drops a `__proto__` key without a word, hence the
 * explicit refusal.
 */
export const deployBody = z
  .strictObject({
    code: z.string().optional(),
    modules: noProtoKey("a module path").pipe(z.record(z.string(), moduleInput)).optional(),
    main: z.string().min(1).max(256).optional(),
    config: z.unknown().optional(),
    secrets: z.unknown().optional(),
  })
  .refine((body) => (body.code === undefined) !== (body.modules === undefined), {
    message: 'give either "code" (one module) or "modules" (several, with "main"), not both',
  });

export const secretBody = z.strictObject({ value: z.string() });

export const rollbackBody = z.strictObject({ version: z.number().int().min(1) });

/** `?limit=` of list routes: 1–1000. */
export const limitQuery = z.strictObject({
  limit: z
    .string()
    .regex(/^\d+$/, "limit is a whole number")
    .transform(Number)
    .pipe(z.number().int().min(1).max(1000))
    .optional(),
});

/** The parsed value, or INVALID_REQUEST listing every problem. */
export function parseRequest<T extends z.ZodType>(schema: T, value: unknown, what: string): z.output<T> {
  const parsed = schema.safeParse(value);
  if (!parsed.success) {
    throw new SkiffError("INVALID_REQUEST", `invalid ${what}: ${formatIssues(parsed.error)}`, {
      details: parsed.error.issues.map((i) => ({ path: i.path.join("."), message: i.message })),
    });
  }
  return parsed.data;
}

export const invocationsQuery = limitQuery;

/** A whole number given in a query string, within [min, max]. */
const wholeNumberQuery = (name: string, min: number, max: number) =>
  z
    .string()
    .regex(/^\d+$/, `${name} is a whole number`)
    .transform(Number)
    .pipe(z.number().int().min(min).max(max));

const flagQuery = z.enum(["1", "true", "0", "false"]).transform((value) => value === "1" || value === "true");

export const createBucketBody = z.strictObject({ name: z.string() });

export const deleteBucketQuery = z.strictObject({ force: flagQuery.optional() });

/** `GET …/buckets/{b}/objects`: S3's ListObjectsV2 parameters with JSON names. */
export const listObjectsQuery = z.strictObject({
  prefix: z.string().max(1024).optional(),
  delimiter: z.string().min(1).max(1024).optional(),
  after: z.string().max(1024).optional(),
  limit: wholeNumberQuery("limit", 1, 1000).optional(),
});

const notificationRule = z.strictObject({
  events: z
    .array(z.enum(["object-create", "object-delete"]))
    .min(1)
    .refine((events) => new Set(events).size === events.length, { message: "events are listed once each" }),
  prefix: z.string().max(1024).optional(),
  suffix: z.string().max(1024).optional(),
  function: z.string().regex(NAME_PATTERN, "a function name: 1-63 characters of a-z, 0-9 and '-'"),
  batchSize: z.number().int().min(1).max(100).optional(),
  maxWaitMs: z.number().int().min(0).max(60_000).optional(),
  allowRecursion: z.boolean().optional(),
});

export const notificationsBody = z.strictObject({
  rules: z.array(notificationRule).max(MAX_NOTIFICATION_RULES),
});

export const createNamespaceBody = z.strictObject({ name: z.string() });

/** `GET …/kv/{ns}/keys`: Workers KV's list options. */
export const kvListQuery = z.strictObject({
  prefix: z.string().max(512).optional(),
  cursor: z.string().max(4096).optional(),
  limit: wholeNumberQuery("limit", 1, 1000).optional(),
});

/** Cloudflare's `PUT …/values/{key}` query: an absolute expiry in epoch seconds, or a TTL of at least 60 s. */
export const kvPutQuery = z
  .strictObject({
    expiration: wholeNumberQuery("expiration", 1, Number.MAX_SAFE_INTEGER).optional(),
    expiration_ttl: wholeNumberQuery("expiration_ttl", 60, Number.MAX_SAFE_INTEGER).optional(),
  })
  .refine((q) => q.expiration === undefined || q.expiration_ttl === undefined, {
    message: "give expiration or expiration_ttl, not both",
  });
