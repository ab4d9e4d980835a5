import type { InvocationRecord, LogLine } from "@skiff/core";
import { describe, expect, it } from "vitest";
import { matchesLogFilter, withLinesAtLeast } from "./log-filter.js";

const line = (level: LogLine["level"], message = level): LogLine => ({ level, message, ts: 1 });

function record(overrides: Partial<InvocationRecord> = {}): InvocationRecord {
  return {
    id: "inv-1",
    tenant: "acme",
    functionName: "hello",
    version: 1,
    trigger: "http",
    startedAt: 1_000,
    outcome: "ok",
    status: 200,
    cold: false,
    cpuMs: 1,
    wallMs: 1,
    logs: [line("debug"), line("log"), line("warn")],
    droppedLogLines: 0,
    ...overrides,
  };
}

describe("matchesLogFilter", () => {
  it("matches everything with no filter", () => {
    expect(matchesLogFilter(record({ logs: [] }), {})).toBe(true);
  });

  it("keeps records started at or after since", () => {
    expect(matchesLogFilter(record({ startedAt: 999 }), { since: 1_000 })).toBe(false);
    expect(matchesLogFilter(record({ startedAt: 1_000 }), { since: 1_000 })).toBe(true);
  });

  it("keeps records with one of the outcomes", () => {
    expect(matchesLogFilter(record(), { outcomes: ["exception", "timeout"] })).toBe(false);
    expect(matchesLogFilter(record({ outcome: "timeout" }), { outcomes: ["exception", "timeout"] })).toBe(
      true,
    );
  });

  it("keeps records with a line at the level or worse", () => {
    expect(matchesLogFilter(record(), { minLevel: "warn" })).toBe(true);
    expect(matchesLogFilter(record(), { minLevel: "error" })).toBe(false);
    expect(matchesLogFilter(record({ logs: [line("log")] }), { minLevel: "info" })).toBe(true);
    expect(matchesLogFilter(record({ logs: [] }), { minLevel: "debug" })).toBe(false);
  });
});

describe("withLinesAtLeast", () => {
  it("leaves out lines below the level without changing the record given", () => {
    const original = record();
    expect(withLinesAtLeast(original, "info").logs.map((l) => l.level)).toEqual(["log", "warn"]);
    expect(original.logs).toHaveLength(3);
  });

  it("is the record itself without a level", () => {
    const original = record();
    expect(withLinesAtLeast(original, undefined)).toBe(original);
  });
});
