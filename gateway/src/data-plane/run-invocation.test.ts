import type { InvocationResult } from "@skiff/core";
import type { InvokeOptions } from "@skiff/runtime";
import { describe, expect, it, vi } from "vitest";
import { type Harness, startHarness } from "../testing/harness.js";
import { json } from "../testing/json.js";

const utf8 = new TextEncoder();

/** A streamed body the test drives chunk by chunk, as the runtime's response assembler would. */
function drivenStream() {
  let controller!: ReadableStreamDefaultController<Uint8Array>;
  let canceled = false;
  const stream = new ReadableStream<Uint8Array>({
    start(c) {
      controller = c;
    },
    cancel() {
      canceled = true;
    },
  });
  return { stream, controller, canceled: () => canceled };
}

/**
 * Scripts the fake runtime to start a streamed response with `headers`, then to finish with the `result` that
 * `finish` resolves (the test decides when, and what the body does meanwhile).
 */
function streamingHandler(
  h: Harness,
  headers: Array<[string, string]>,
  body: ReadableStream<Uint8Array>,
  finish: Promise<Partial<InvocationResult>>,
) {
  h.runtime.handler = (_version, _event, options: InvokeOptions) => {
    options.onResponse?.({ status: 200, statusText: "OK", headers, body });
    return finish;
  };
}

async function rows(h: Harness) {
  await vi.waitFor(async () => {
    await h.gateway.flush();
    expect(h.storage.invocationRows.length).toBeGreaterThan(0);
  });
  return h.storage.invocationRows;
}

describe("runInvocation with a streamed response", () => {
  it("sends the first chunk and the rest, chunked, and records ok", async () => {
    const h = await startHarness();
    await h.deploy("stream");
    const body = drivenStream();
    let finish!: (result: Partial<InvocationResult>) => void;
    streamingHandler(h, [["content-type", "text/plain"]], body.stream, new Promise((r) => (finish = r)));
    body.controller.enqueue(utf8.encode("one,"));
    const res = await h.gateway.app.request("/fn/default/stream");
    expect(res.status).toBe(200);
    expect(res.headers.get("transfer-encoding")).toBe("chunked");
    body.controller.enqueue(utf8.encode("two"));
    body.controller.close();
    finish({});
    expect(await res.text()).toBe("one,two");
    expect((await rows(h))[0]).toMatchObject({ outcome: "ok", status: 200 });
  });

  it("answers 502 INVALID_RESPONSE when the body fails before its first byte", async () => {
    const h = await startHarness();
    await h.deploy("numbers");
    const body = drivenStream();
    body.controller.error(new Error("a response body stream must produce Uint8Array chunks"));
    const tenantError = {
      name: "TypeError",
      message: "a response body stream must produce Uint8Array chunks",
    };
    streamingHandler(h, [], body.stream, Promise.resolve({ outcome: "exception", error: tenantError }));
    const res = await h.gateway.app.request("/fn/default/numbers");
    expect(res.status).toBe(502);
    expect((await json(res)).error).toEqual({
      code: "INVALID_RESPONSE",
      message: "the function returned an invalid response",
      invocationId: "inv-1",
    });
    const [row] = await rows(h);
    expect(row).toMatchObject({ outcome: "invalidResponse", status: 502 });
    expect(row?.error?.message).toMatch(
      /before its first byte: a response body stream must produce Uint8Array/,
    );
  });

  it("answers the limit that stopped a function before it wrote a byte", async () => {
    const h = await startHarness();
    await h.deploy("stuck");
    const body = drivenStream();
    body.controller.error(new Error("the invocation was stopped (timeout)"));
    streamingHandler(h, [], body.stream, Promise.resolve({ outcome: "timeout" }));
    const res = await h.gateway.app.request("/fn/default/stuck");
    expect(res.status).toBe(504);
    expect((await json(res)).error.code).toBe("TIMEOUT");
    expect((await rows(h))[0]).toMatchObject({ outcome: "timeout", status: 504 });
  });

  it("cuts the connection when the body fails after the status was sent, and records why", async () => {
    const h = await startHarness();
    await h.deploy("breaks");
    const body = drivenStream();
    body.controller.enqueue(utf8.encode("partial"));
    let finish!: (result: Partial<InvocationResult>) => void;
    streamingHandler(h, [], body.stream, new Promise((r) => (finish = r)));
    const res = await h.gateway.app.request("/fn/default/breaks");
    expect(res.status).toBe(200);
    body.controller.error(new Error("a response body stream must produce Uint8Array chunks"));
    finish({ outcome: "exception", error: { name: "TypeError", message: "not bytes" } });
    await expect(res.text()).rejects.toThrow();
    const [row] = await rows(h);
    expect(row).toMatchObject({ outcome: "invalidResponse", status: 200 });
    expect(row?.error).toMatchObject({ name: "TypeError" });
    expect(row?.error?.message).toMatch(/connection was cut: not bytes/);
  });

  it("records invalidResponse even when cutting the connection canceled the invocation first", async () => {
    const h = await startHarness();
    await h.deploy("breaks");
    const body = drivenStream();
    body.controller.enqueue(utf8.encode("partial"));
    let finish!: (result: Partial<InvocationResult>) => void;
    streamingHandler(h, [], body.stream, new Promise((r) => (finish = r)));
    const res = await h.gateway.app.request("/fn/default/breaks");
    body.controller.error(new Error("a response body stream must produce Uint8Array chunks"));
    await expect(res.text()).rejects.toThrow();
    finish({ outcome: "canceled" });
    const [row] = await rows(h);
    expect(row).toMatchObject({ outcome: "invalidResponse", status: 200 });
    expect(row?.error?.message).toMatch(/connection was cut: a response body stream must produce Uint8Array/);
  });

  it("keeps a limit's outcome when it cuts a body midway", async () => {
    const h = await startHarness();
    await h.deploy("slowbody");
    const body = drivenStream();
    body.controller.enqueue(utf8.encode("partial"));
    let finish!: (result: Partial<InvocationResult>) => void;
    streamingHandler(h, [], body.stream, new Promise((r) => (finish = r)));
    const res = await h.gateway.app.request("/fn/default/slowbody");
    body.controller.error(new Error("the invocation was stopped (timeout)"));
    finish({ outcome: "timeout" });
    await expect(res.text()).rejects.toThrow();
    const [row] = await rows(h);
    expect(row).toMatchObject({ outcome: "timeout", status: 200 });
    expect(row?.error?.message).toMatch(/connection was cut: the invocation was stopped \(timeout\)/);
  });

  it("passes a client's cancel on to the function's body", async () => {
    const h = await startHarness();
    await h.deploy("endless");
    const body = drivenStream();
    body.controller.enqueue(utf8.encode("first"));
    streamingHandler(h, [], body.stream, Promise.resolve({ outcome: "canceled" }));
    const res = await h.gateway.app.request("/fn/default/endless");
    await res.body?.cancel();
    expect(body.canceled()).toBe(true);
    expect((await rows(h))[0]).toMatchObject({ outcome: "canceled", status: 200 });
  });

  it("strips hop-by-hop and platform headers from a streamed response too", async () => {
    const h = await startHarness();
    await h.deploy("headers");
    const body = drivenStream();
    body.controller.close();
    streamingHandler(
      h,
      [
        ["connection", "x-hop"],
        ["x-hop", "1"],
        ["keep-alive", "timeout=99"],
        ["x-skiff-invocation-id", "forged"],
        ["x-end", "kept"],
      ],
      body.stream,
      Promise.resolve({}),
    );
    const res = await h.gateway.app.request("/fn/default/headers");
    expect([...res.headers.keys()].sort()).toEqual([
      "transfer-encoding",
      "x-end",
      "x-request-id",
      "x-skiff-invocation-id",
    ]);
    expect(res.headers.get("x-skiff-invocation-id")).toBe("inv-1");
    expect(await res.text()).toBe("");
  });

  it("makes the gateway's close wait for an answered invocation's record", async () => {
    const h = await startHarness();
    await h.deploy("answered");
    const body = drivenStream();
    body.controller.enqueue(utf8.encode("done"));
    body.controller.close();
    let finish!: (result: Partial<InvocationResult>) => void;
    streamingHandler(h, [], body.stream, new Promise((r) => (finish = r)));
    const res = await h.gateway.app.request("/fn/default/answered");
    expect(await res.text()).toBe("done");
    let closed = false;
    const closing = h.gateway.close().then(() => {
      closed = true;
    });
    await new Promise((r) => setTimeout(r, 20));
    expect(closed).toBe(false);
    finish({});
    await closing;
    expect(h.storage.invocationRows).toMatchObject([{ outcome: "ok", status: 200 }]);
  });

  it.each([
    ["CRLF in a header value", [["x-a", "1\r\nset-cookie: evil=1"]]],
    ["a control character in a header value", [["x-a", "\x01"]]],
    ["a header name that is not a token", [["x a", "1"]]],
  ] as Array<[string, Array<[string, string]>]>)(
    "answers 502 INVALID_RESPONSE for %s",
    async (_, headers) => {
      const h = await startHarness();
      await h.deploy("badhead");
      const body = drivenStream();
      body.controller.enqueue(utf8.encode("never sent"));
      streamingHandler(h, headers, body.stream, Promise.resolve({}));
      const res = await h.gateway.app.request("/fn/default/badhead");
      expect(res.status).toBe(502);
      expect((await json(res)).error).toMatchObject({ code: "INVALID_RESPONSE", invocationId: "inv-1" });
      expect(body.canceled()).toBe(true);
      expect((await rows(h))[0]).toMatchObject({ outcome: "invalidResponse", status: 502 });
    },
  );
});
