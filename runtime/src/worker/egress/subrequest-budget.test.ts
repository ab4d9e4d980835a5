import { describe, expect, it } from "vitest";
import { EgressError } from "./egress-error.js";
import { SubrequestBudget } from "./subrequest-budget.js";

describe("SubrequestBudget", () => {
  it("allows exactly `limit` subrequests, then refuses with SUBREQUEST_LIMIT", () => {
    const budget = new SubrequestBudget(3);
    budget.take();
    budget.take();
    budget.take();
    expect(budget.used).toBe(3);
    expect(budget.remaining).toBe(0);
    let error: unknown;
    try {
      budget.take();
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(EgressError);
    expect((error as EgressError).code).toBe("SUBREQUEST_LIMIT");
    expect((error as EgressError).message).toMatch(/^subrequest limit of 3 reached/);
    expect(budget.used).toBe(3);
  });

  it("refuses every subrequest with a limit of 0", () => {
    expect(() => new SubrequestBudget(0).take()).toThrow("subrequest limit of 0 reached");
  });

  it("rejects a limit that is not a whole number", () => {
    expect(() => new SubrequestBudget(-1)).toThrow(RangeError);
    expect(() => new SubrequestBudget(1.5)).toThrow(RangeError);
  });
});
