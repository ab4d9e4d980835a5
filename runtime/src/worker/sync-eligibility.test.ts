import { describe, expect, it } from "vitest";
import { SyncEligibility } from "./sync-eligibility.js";

describe("SyncEligibility", () => {
  it("holds no key it has not recorded, nor knows it to be ineligible", () => {
    const keys = new SyncEligibility();
    expect([keys.has("v1"), keys.ineligible("v1")]).toEqual([false, false]);
    keys.record("v1", "unfit");
    expect([keys.has("v1"), keys.ineligible("v1")]).toEqual([false, true]);
    keys.record("v1", "cheap");
    expect([keys.has("v1"), keys.ineligible("v1")]).toEqual([true, false]);
  });

  it("keeps a cheap key through one costly invocation and ends it at the second in a row", () => {
    const keys = new SyncEligibility();
    keys.record("v1", "cheap");
    keys.record("v1", "costly");
    expect(keys.has("v1")).toBe(true);
    keys.record("v1", "cheap");
    keys.record("v1", "costly");
    expect(keys.has("v1")).toBe(true);
    keys.record("v1", "costly");
    expect(keys.has("v1")).toBe(false);
    // Costly ones after that keep it off; one cheap brings it back.
    keys.record("v1", "costly");
    expect(keys.has("v1")).toBe(false);
    keys.record("v1", "cheap");
    expect(keys.has("v1")).toBe(true);
  });

  it("makes a key eligible after a costly first invocation (a cold start's first run compiles what it uses)", () => {
    const keys = new SyncEligibility();
    keys.record("v1", "costly");
    expect(keys.has("v1")).toBe(true);
    keys.record("v1", "costly");
    expect(keys.has("v1")).toBe(false);
  });

  it("ends a key at once for an unfit invocation, and a costly one after it does not bring it back", () => {
    const keys = new SyncEligibility();
    keys.record("v1", "cheap");
    keys.record("v1", "unfit");
    expect(keys.has("v1")).toBe(false);
    keys.record("v1", "costly");
    expect(keys.has("v1")).toBe(false);
    keys.record("v1", "cheap");
    expect(keys.has("v1")).toBe(true);
  });

  it("forgets the least recently recorded key past its bound", () => {
    const keys = new SyncEligibility(2);
    keys.record("a", "cheap");
    keys.record("b", "cheap");
    keys.record("a", "cheap");
    keys.record("c", "cheap");
    expect([keys.has("a"), keys.has("b"), keys.has("c")]).toEqual([true, false, true]);
  });

  it("forgets the least recently recorded key past its bound, a key recorded again in a row staying recent", () => {
    const keys = new SyncEligibility(2);
    keys.record("a", "unfit");
    keys.record("b", "cheap");
    keys.record("b", "cheap");
    keys.record("c", "cheap");
    expect([keys.ineligible("a"), keys.has("b"), keys.has("c")]).toEqual([false, true, true]);
    keys.record("c", "unfit");
    keys.record("c", "unfit");
    keys.record("d", "cheap");
    expect([keys.has("b"), keys.ineligible("c"), keys.has("d")]).toEqual([false, true, true]);
    keys.record("d", "costly");
    keys.record("d", "costly");
    expect(keys.has("d")).toBe(false);
  });

  it("keeps within a bound of one key", () => {
    const keys = new SyncEligibility(1);
    keys.record("a", "cheap");
    keys.record("b", "unfit");
    keys.record("b", "cheap");
    expect([keys.has("a"), keys.has("b")]).toEqual([false, true]);
  });
});
