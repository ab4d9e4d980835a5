// An estimated bill from usage and the operator's prices, in the shape of Lambda's: one line per priced unit
// (requests, duration in GB-seconds, then CPU and egress if priced) and a total.
import type { PriceTable } from "./price-table.js";

export interface CostLine {
  quantity: number;
  unitPrice: number;
  amount: number;
}

export interface EstimatedCost {
  currency: string;
  requests?: CostLine;
  /** GB-seconds: memory × wall time, Lambda's duration charge. */
  duration?: CostLine;
  cpu?: CostLine;
  /** Quantity in GB (10^9 bytes). */
  egress?: CostLine;
  total: number;
}

export interface BillableUsage {
  requests: number;
  gbSeconds: number;
  cpuMs: number;
  egressBytes: number;
}

/** Rounded to a billionth of the currency unit: enough for per-request prices, without float noise. */
function money(value: number): number {
  return Math.round(value * 1e9) / 1e9;
}

export function estimateCost(usage: BillableUsage, prices: PriceTable): EstimatedCost {
  const cost: EstimatedCost = { currency: prices.currency, total: 0 };
  const line = (quantity: number, unitPrice: number | undefined): CostLine | undefined =>
    unitPrice === undefined ? undefined : { quantity, unitPrice, amount: money(quantity * unitPrice) };
  const lines = {
    requests: line(usage.requests, prices.perRequest),
    duration: line(usage.gbSeconds, prices.perGbSecond),
    cpu: line(usage.cpuMs, prices.perCpuMs),
    egress: line(usage.egressBytes / 1e9, prices.perEgressGb),
  };
  for (const [name, value] of Object.entries(lines)) {
    if (value === undefined) continue;
    cost[name as keyof typeof lines] = value;
    cost.total += value.amount;
  }
  cost.total = money(cost.total);
  return cost;
}
