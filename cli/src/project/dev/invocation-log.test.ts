import type { InvocationRecord } from "@skiff/core";
import { describe, expect, it } from "vitest";
import { clock, formatInvocation } from "./invocation-log.js";

const startedAt = new Date(2026, 0, 2, 9, 5, 7).getTime();
const base: InvocationRecord = {
  id: "inv-1",
  tenant: "default",
  functionName: "hello",
  version: 3,
  trigger: "http",
  startedAt,
  outcome: "ok",
  status: 200,
  cold: true,
  cpuMs: 1.4,
  wallMs: 12.6,
  logs: [],
  droppedLogLines: 0,
};

describe("formatInvocation", () => {
  it("prints the outcome line, then each console line with its level", () => {
    const record = {
      ...base,
      logs: [
        { level: "log" as const, message: "GET /", ts: startedAt },
        { level: "error" as const, message: "two\nlines", ts: startedAt },
      ],
    };
    expect(formatInvocation(record)).toBe(
      "09:05:07 hello v3 http ok 200 13ms (cpu 1ms, cold)\n  log   GET /\n  error two\n        lines\n",
    );
  });

  it("shows dropped lines and the error's stack", () => {
    const record: InvocationRecord = {
      ...base,
      cold: false,
      outcome: "exception",
      status: 500,
      droppedLogLines: 5,
      error: {
        name: "TypeError",
        message: "x is undefined",
        stack: "TypeError: x is undefined\n    at fetch (index.js:3:5)",
      },
    };
    expect(formatInvocation(record)).toBe(
      "09:05:07 hello v3 http exception 500 13ms (cpu 1ms)\n" +
        "  (5 more log lines dropped)\n" +
        "  ! TypeError: x is undefined\n" +
        "  !     at fetch (index.js:3:5)\n",
    );
  });

  it("pads the clock", () => {
    expect(clock(new Date(2026, 0, 1, 1, 2, 3).getTime())).toBe("01:02:03");
  });
});
