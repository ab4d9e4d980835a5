import { describe, expect, it } from "vitest";
import { toSandboxResult } from "./sandbox-result.js";

describe("toSandboxResult", () => {
  it("copies a valid response head, value and queue decisions", () => {
    const result = toSandboxResult({
      outcome: "ok",
      response: { status: 201, statusText: "Created", headers: [["x-a", "1"]] },
      value: { a: [1, 2] },
      noRetry: true,
      queue: { retry: [{ id: "m1", delaySeconds: 5 }, { id: 7 }, { id: "m2" }] },
      logs: [{ level: "warn", message: "careful", ts: 5 }],
      droppedLogLines: 2,
    });
    expect(result).toEqual({
      outcome: "ok",
      response: { status: 201, statusText: "Created", headers: [["x-a", "1"]] },
      value: { a: [1, 2] },
      noRetry: true,
      queue: { retry: [{ id: "m1", delaySeconds: 5 }, { id: "m2" }] },
      logs: [{ level: "warn", message: "careful", ts: 5 }],
      droppedLogLines: 2,
    });
  });

  it.each([
    ["a status out of range", { status: 99, headers: [] }],
    ["headers that are not string pairs", { status: 200, headers: [["a", 1]] }],
    ["headers that are not a list", { status: 200, headers: "x" }],
  ])("turns %s into an invalid response", (_, response) => {
    expect(toSandboxResult({ outcome: "ok", response, logs: [] }).outcome).toBe("invalidResponse");
  });

  it("takes a whole body that came with the result, and refuses one that is not bytes", () => {
    const response = { status: 200, headers: [] };
    const body = new Uint8Array([104, 105]);
    expect(toSandboxResult({ outcome: "ok", response, body, logs: [] })).toMatchObject({
      outcome: "ok",
      body,
    });
    expect(toSandboxResult({ outcome: "ok", response, body: "hi", logs: [] })).toMatchObject({
      outcome: "invalidResponse",
      error: { message: "the response body could not be read" },
    });
    expect(toSandboxResult({ outcome: "ok", response, body: [104, 105], logs: [] }).body).toBeUndefined();
  });

  it("accepts a result without a response (events other than HTTP)", () => {
    expect(toSandboxResult({ outcome: "ok", logs: [] })).toEqual({
      outcome: "ok",
      logs: [],
      droppedLogLines: 0,
    });
  });

  it("refuses a value that is not JSON-safe", () => {
    const cyclic: Record<string, unknown> = {};
    cyclic.self = cyclic;
    expect(toSandboxResult({ outcome: "ok", value: cyclic, logs: [] }).outcome).toBe("exception");
  });

  it("never merges hostile objects into host prototypes", () => {
    const hostile = JSON.parse(
      '{"outcome":"exception","error":{"name":"E","message":"m","__proto__":{"polluted":1}},"logs":[{"__proto__":{"x":1}}],"__proto__":{"polluted":2}}',
    );
    const result = toSandboxResult(hostile);
    expect(result.outcome).toBe("exception");
    expect(result.error).toEqual({ name: "E", message: "m" });
    expect(result.logs).toEqual([]);
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
  });

  it("drops malformed log lines and unknown levels", () => {
    const result = toSandboxResult({
      outcome: "exception",
      logs: [
        { level: "shout", message: "x", ts: 1 },
        { level: "info", message: 5 },
        null,
        { level: "info", message: "ok", ts: -3 },
      ],
      droppedLogLines: "many",
    });
    expect(result.logs).toEqual([{ level: "info", message: "ok", ts: 0 }]);
    expect(result.droppedLogLines).toBe(0);
  });
});
