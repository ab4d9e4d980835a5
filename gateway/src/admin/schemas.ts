// Shapes of the admin API's request bodies and queries; unknown fields are refused, never ignored.
import { formatIssues, SkiffError } from "@skiff/core";
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
