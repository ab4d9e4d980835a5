// Usage and cost: the time range of a usage query, the operator's price table and the estimated bill.
export { type BillableUsage, type CostLine, type EstimatedCost, estimateCost } from "./estimated-cost.js";
export { type PriceTable, parsePriceTable, priceTableSchema } from "./price-table.js";
export { monthStart, parseTimeBound, resolveTimeRange, TIME_BOUND_FORMAT } from "./time-range.js";
export { type UsageReport, usageQuery, usageReportSchema } from "./usage-schema.js";
