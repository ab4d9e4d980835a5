import { describe, expect, it } from "vitest";
import { invocationRecord } from "./plane-fixtures.js";
import { readWorkerMessage } from "./plane-messages.js";

const record = invocationRecord();

describe("readWorkerMessage", () => {
  it("reads records, observations and readiness", () => {
    expect(
      readWorkerMessage({ records: [record], http: [["function", "GET", 200, 0.01]], ready: true }),
    ).toEqual({ records: [record], http: [["function", "GET", 200, 0.01]], ready: true });
  });

  it("drops whatever is malformed instead of throwing", () => {
    for (const data of [null, undefined, 42, "x", [], { records: "no", http: {} }]) {
      expect(readWorkerMessage(data)).toEqual({ records: [], http: [], ready: false });
    }
    const mixed = readWorkerMessage({
      records: [record, { ...record, tenant: 7 }, { ...record, logs: undefined }, null],
      http: [
        ["function", "GET", 200, 0.01],
        ["admin", "GET", 200, 0.01],
        ["function", "GET", "200", 0.01],
        ["function", "GET", 200, Number.NaN],
        ["function", "GET", 200],
      ],
      ready: "yes",
    });
    expect(mixed).toEqual({ records: [record], http: [["function", "GET", 200, 0.01]], ready: false });
  });
});
