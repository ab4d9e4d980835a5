// The operator's optional price table (SKIFF_PRICES): what usage costs, for an estimated bill.
import { formatIssues, SkiffError } from "@skiff/core";
import { z } from "zod";

const price = z.number().min(0).max(1e6);

/**
 * Prices per unit; a unit without a price is left off the bill. Lambda's list prices, for example, are
 * `{"perRequest": 0.0000002, "perGbSecond": 0.0000166667}` (USD 0.20 per million requests, per GB-second).
 */
export const priceTableSchema = z.strictObject({
  /** ISO 4217 code the prices are in; default USD. */
  currency: z
    .string()
    .regex(/^[A-Z]{3}$/, "an ISO 4217 code such as USD or EUR")
    .default("USD"),
  perRequest: price.optional(),
  perGbSecond: price.optional(),
  perCpuMs: price.optional(),
  /** Per GB (10^9 bytes) of outbound fetch traffic. */
  perEgressGb: price.optional(),
});

export type PriceTable = z.output<typeof priceTableSchema>;

/**
 * The price table in `json` (the text of SKIFF_PRICES or of its file). Throws INVALID_CONFIG naming the field.
 *
 * @example
 * parsePriceTable('{"perRequest": 0.0000002, "perGbSecond": 0.0000166667}');
 */
export function parsePriceTable(json: string): PriceTable {
  let value: unknown;
  try {
    value = JSON.parse(json);
  } catch (error) {
    throw new SkiffError("INVALID_CONFIG", `the price table is not JSON: ${(error as Error).message}`);
  }
  const parsed = priceTableSchema.safeParse(value);
  if (!parsed.success) {
    throw new SkiffError("INVALID_CONFIG", `invalid price table: ${formatIssues(parsed.error)}`);
  }
  return parsed.data;
}
