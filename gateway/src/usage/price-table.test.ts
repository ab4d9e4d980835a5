import { describe, expect, it } from "vitest";
import { estimateCost } from "./estimated-cost.js";
import { parsePriceTable } from "./price-table.js";

describe("parsePriceTable", () => {
  it("reads prices, USD by default", () => {
    expect(parsePriceTable('{"perRequest": 0.0000002, "perGbSecond": 0.0000166667}')).toEqual({
      currency: "USD",
      perRequest: 0.0000002,
      perGbSecond: 0.0000166667,
    });
  });

  it("refuses what is not JSON, unknown fields (a typo) and negative prices, naming the field", () => {
    expect(() => parsePriceTable("{")).toThrow(/not JSON/);
    expect(() => parsePriceTable('{"perRequests": 1}')).toThrow(/perRequests/);
    expect(() => parsePriceTable('{"perGbSecond": -1}')).toThrow(/perGbSecond/);
    expect(() => parsePriceTable('{"currency": "dollars"}')).toThrow(/currency/);
  });
});

describe("estimateCost", () => {
  it("bills requests and GB-seconds as Lambda does, and only the units that have a price", () => {
    const prices = parsePriceTable('{"perRequest": 0.0000002, "perGbSecond": 0.0000166667}');
    const cost = estimateCost({ requests: 1_000_000, gbSeconds: 400_000, cpuMs: 5, egressBytes: 9 }, prices);
    expect(cost).toEqual({
      currency: "USD",
      requests: { quantity: 1_000_000, unitPrice: 0.0000002, amount: 0.2 },
      duration: { quantity: 400_000, unitPrice: 0.0000166667, amount: 6.66668 },
      total: 6.86668,
    });
  });

  it("adds CPU and egress lines when priced, egress in GB", () => {
    const prices = parsePriceTable('{"currency": "EUR", "perCpuMs": 0.000001, "perEgressGb": 0.09}');
    const cost = estimateCost({ requests: 3, gbSeconds: 1, cpuMs: 2000, egressBytes: 2e9 }, prices);
    expect(cost).toEqual({
      currency: "EUR",
      cpu: { quantity: 2000, unitPrice: 0.000001, amount: 0.002 },
      egress: { quantity: 2, unitPrice: 0.09, amount: 0.18 },
      total: 0.182,
    });
  });
});
