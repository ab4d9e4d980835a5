// Small shapes many answers share: epoch times, deletion receipts, JSON values.
import type { JsonValue } from "@skiff/core";
import { z } from "zod";

/** Epoch milliseconds. */
export const epochMs = z.number().int().meta({ description: "Epoch milliseconds." });

/**
 * Any JSON value (a message body, an event payload, KV metadata). Named, so that its recursion is one
 * `$ref` in the document rather than an anonymous definition.
 */
export const jsonValue: z.ZodType<JsonValue> = z
  .lazy(() =>
    z.union([
      z.string(),
      z.number(),
      z.boolean(),
      z.null(),
      z.array(jsonValue),
      z.record(z.string(), jsonValue),
    ]),
  )
  .meta({ id: "JsonValue", description: "Any JSON value." });

/** What a DELETE answers: `deleted: true` and the name or id it deleted. */
export function deleted<K extends string>(key: K) {
  return z.strictObject({ deleted: z.literal(true), [key]: z.string() } as {
    deleted: z.ZodLiteral<true>;
  } & Record<K, z.ZodString>);
}
