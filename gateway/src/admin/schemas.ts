// Shapes of the admin API's request bodies and queries; unknown fields are refused, never ignored.
import { formatIssues, SkiffError } from "@skiff/core";
import { z } from "zod";

export const createTenantBody = z.strictObject({ name: z.string() });

/** `config` is checked by core's `parseFunctionConfig`, so that its problems come back as INVALID_CONFIG. */
export const deployBody = z.strictObject({ code: z.string(), config: z.unknown().optional() });

export const rollbackBody = z.strictObject({ version: z.number().int().min(1) });

export const invocationsQuery = z.strictObject({
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
