// The shapes of `GET /api/v1/tenants/{tenant}/usage`: its query and its answer, as zod schemas so that the
// API description and the CLI's client can use the same ones.
import { z } from "zod";

export const usageQuery = z.strictObject({
  from: z.string().max(64).optional(),
  to: z.string().max(64).optional(),
});

const costLine = z.object({ quantity: z.number(), unitPrice: z.number(), amount: z.number() });

export const estimatedCostSchema = z.object({
  currency: z.string(),
  requests: costLine.optional(),
  duration: costLine.optional(),
  cpu: costLine.optional(),
  egress: costLine.optional(),
  total: z.number(),
});

const usageFigures = {
  requests: z.number().int(),
  /** Invocations whose outcome was not ok. */
  errors: z.number().int(),
  coldStarts: z.number().int(),
  wallMs: z.number(),
  cpuMs: z.number(),
  /** memoryMb / 1024 × wallMs / 1000, summed (unrounded). */
  gbSeconds: z.number(),
  /** Outbound fetch bytes, sent and received. */
  egressBytes: z.number().int(),
  /** Present when the operator set a price table (SKIFF_PRICES). */
  estimatedCost: estimatedCostSchema.optional(),
};

export const usageReportSchema = z.object({
  tenant: z.string(),
  /** Epoch ms: the start of the first hour counted (usage is kept per UTC hour). */
  from: z.number(),
  /** Epoch ms: hours starting before this are counted. */
  to: z.number(),
  functions: z.array(z.object({ name: z.string(), ...usageFigures })),
  totals: z.object(usageFigures),
  /** Bytes the tenant stores now (bucket objects and KV values): a current figure, not one over the range. */
  storedBytes: z.number().int(),
});

export type UsageReport = z.output<typeof usageReportSchema>;
