import type { InvocationResult, Outcome } from "@skiff/core";
import { describe, expect, it } from "vitest";
import { json } from "../testing/json.js";
import { INVOCATION_ID_HEADER, invocationReply } from "./invocation-response.js";

const utf8 = new TextEncoder();

function result(partial: Partial<InvocationResult>): InvocationResult {
  return {
    invocationId: "inv-1",
    outcome: "ok",
    cold: false,
    cpuMs: 1,
    wallMs: 1,
    logs: [],
    droppedLogLines: 0,
    ...partial,
  };
}

const ok = (status: number, headers: Array<[string, string]>, body = "") =>
  result({ response: { status, statusText: "", headers, body: utf8.encode(body) } });

describe("invocationReply", () => {
  it("passes the function's response through, plus the invocation id", async () => {
    const reply = invocationReply(
      ok(
        201,
        [
          ["content-type", "application/x-thing"],
          ["set-cookie", "a=1"],
          ["set-cookie", "b=2"],
          ["x-skiff-invocation-id", "forged"],
        ],
        "made",
      ),
      "inv-7",
    );
    expect(reply).toMatchObject({ outcome: "ok", status: 201, error: undefined });
    expect(reply.response.status).toBe(201);
    expect(reply.response.headers.get("content-type")).toBe("application/x-thing");
    expect(reply.response.headers.getSetCookie()).toEqual(["a=1", "b=2"]);
    expect(reply.response.headers.get(INVOCATION_ID_HEADER)).toBe("inv-7");
    expect(await reply.response.text()).toBe("made");
  });

  it("keeps the status text", () => {
    const reply = invocationReply(
      result({ response: { status: 418, statusText: "I'm a teapot", headers: [], body: new Uint8Array() } }),
      "i",
    );
    expect(reply.response.statusText).toBe("I'm a teapot");
  });

  it("drops framing headers, which describe the runtime's connection, not this one", () => {
    const reply = invocationReply(
      ok(
        200,
        [
          ["content-length", "999"],
          ["transfer-encoding", "chunked"],
          ["connection", "close"],
          ["x-kept", "yes"],
        ],
        "four",
      ),
      "i",
    );
    const names = [...reply.response.headers.keys()];
    expect(names).toEqual(["x-kept", "x-skiff-invocation-id"]);
  });

  it("sends no body with a null-body status", async () => {
    const reply = invocationReply(ok(204, [], "ignored"), "i");
    expect(reply.response.status).toBe(204);
    expect(reply.response.body).toBeNull();
  });

  it.each([
    ["a status below 200", ok(101, [])],
    ["a status above 599", ok(600, [])],
    ["an invalid header name", ok(200, [["bad header", "x"]])],
    ["an invalid header value", ok(200, [["x", "a\nb"]])],
    ["no response at all", result({})],
  ])("answers 502 INVALID_RESPONSE for %s", async (_, invalid) => {
    const reply = invocationReply(invalid, "inv-2");
    expect(reply.outcome).toBe("invalidResponse");
    expect(reply.status).toBe(502);
    expect(reply.error?.name).toBe("InvalidResponse");
    expect(reply.response.status).toBe(502);
    expect((await json(reply.response)).error).toMatchObject({
      code: "INVALID_RESPONSE",
      invocationId: "inv-2",
    });
  });

  it.each<[Outcome, number, string]>([
    ["exception", 500, "FUNCTION_ERROR"],
    ["exceededCpu", 503, "CPU_LIMIT_EXCEEDED"],
    ["exceededMemory", 503, "MEMORY_LIMIT_EXCEEDED"],
    ["timeout", 504, "TIMEOUT"],
    ["crashed", 503, "RUNTIME_CRASHED"],
    ["invalidResponse", 502, "INVALID_RESPONSE"],
    ["canceled", 500, "INTERNAL_ERROR"],
  ])("answers outcome %s with %i %s", async (outcome, status, code) => {
    const reply = invocationReply(result({ outcome }), "inv-3");
    expect(reply.status).toBe(status);
    expect(reply.response.status).toBe(status);
    expect(reply.response.headers.get("content-type")).toMatch(/^application\/json/);
    expect(reply.response.headers.get(INVOCATION_ID_HEADER)).toBe("inv-3");
    const body = await json(reply.response);
    expect(body.error).toMatchObject({ code, invocationId: "inv-3" });
  });

  it("keeps the tenant's error for the record but never sends its stack", async () => {
    const error = {
      name: "Error",
      message: "db password is hunter2",
      stack: "Error: at handler (worker.js:3)",
    };
    const reply = invocationReply(result({ outcome: "exception", error }), "inv-4");
    expect(reply.error).toEqual(error);
    const text = await reply.response.text();
    expect(text).not.toContain("hunter2");
    expect(text).not.toContain("worker.js");
    expect(JSON.parse(text)).toEqual({
      error: { code: "FUNCTION_ERROR", message: "the function threw an exception", invocationId: "inv-4" },
    });
  });
});
