import { describe, expect, it } from "vitest";
import { toSandboxResult } from "./sandbox.js";

describe("toSandboxResult", () => {
  it("copies a valid response", () => {
    const body = new Uint8Array([104, 105]);
    const result = toSandboxResult({
      outcome: "ok",
      response: { status: 201, statusText: "Created", headers: [["x-a", "1"]], body },
      logs: [{ level: "warn", message: "careful", ts: 5 }],
      droppedLogLines: 2,
    });
    expect(result).toEqual({
      outcome: "ok",
      response: { status: 201, statusText: "Created", headers: [["x-a", "1"]], body },
      logs: [{ level: "warn", message: "careful", ts: 5 }],
      droppedLogLines: 2,
    });
  });

  it.each([
    ["a status out of range", { status: 99, headers: [], body: new Uint8Array() }],
    ["a body that is not bytes", { status: 200, headers: [], body: "text" }],
    ["headers that are not string pairs", { status: 200, headers: [["a", 1]], body: new Uint8Array() }],
    ["no response", undefined],
  ])("turns %s into an invalid response", (_, response) => {
    expect(toSandboxResult({ outcome: "ok", response, logs: [] }).outcome).toBe("invalidResponse");
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
