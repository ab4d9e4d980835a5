import type { InvocationRecord } from "@skiff/core";
import { describe, expect, it } from "vitest";
import { ndjsonLine, prettyRecord } from "./format-record.js";

const T = Date.UTC(2026, 10, 27, 16, 10, 58, 123);

function record(overrides: Partial<InvocationRecord> = {}): InvocationRecord {
  return {
    id: "inv-1",
    tenant: "default",
    functionName: "hello",
    version: 3,
    trigger: "http",
    startedAt: T,
    outcome: "ok",
    status: 200,
    cold: true,
    cpuMs: 1.1,
    wallMs: 2,
    peakHeapBytes: 4 * 1024 * 1024,
    logs: [
      { level: "log", message: "hello", ts: T },
      { level: "warn", message: "two\nlines", ts: T + 1 },
    ],
    droppedLogLines: 0,
    ...overrides,
  };
}

describe("prettyRecord", () => {
  it("prints each line with time and level, then the outcome line", () => {
    expect(prettyRecord(record(), { color: false })).toBe(
      "2026-11-27T16:10:58.123Z LOG   hello\n" +
        "2026-11-27T16:10:58.124Z WARN  two\n" +
        `${" ".repeat(31)}lines\n` +
        "2026-11-27T16:10:58.125Z ── ok 200 · http · v3 · cold · 2 ms · cpu 1.1 ms · heap 4.0 MB · inv-1\n",
    );
  });

  it("shows a failure's error with its stack and the dropped line count", () => {
    const text = prettyRecord(
      record({
        outcome: "exception",
        status: 500,
        cold: false,
        logs: [],
        error: { name: "Error", message: "boom", stack: "Error: boom\n    at fetch (index.js:3:11)" },
        droppedLogLines: 99_000,
      }),
      { color: false },
    );
    expect(text).toContain("── exception 500 · http · v3 · warm ·");
    expect(text).toContain("   Error: boom\n       at fetch (index.js:3:11)\n");
    expect(text).toContain("   99000 more log lines were dropped");
  });

  it("leaves heap out when unknown and colours only when asked", () => {
    const { peakHeapBytes: _, ...withoutHeap } = record();
    expect(prettyRecord(withoutHeap, { color: false })).not.toContain("heap");
    expect(prettyRecord(record(), { color: false })).not.toContain("\u001b[");
    expect(prettyRecord(record({ outcome: "timeout", status: 504 }), { color: true })).toContain(
      "\u001b[31mtimeout 504\u001b[0m",
    );
  });
});

describe("ndjsonLine", () => {
  it("is the record as one JSON line", () => {
    const line = ndjsonLine(record());
    expect(line.endsWith("\n")).toBe(true);
    expect(line.slice(0, -1)).not.toContain("\n");
    expect(JSON.parse(line)).toEqual(record());
  });
});
