import { type HttpEvent, SkiffError } from "@skiff/core";
import type { Storage } from "@skiff/storage";
import { describe, expect, it, vi } from "vitest";
import { startHarness } from "../testing/harness.js";
import { json } from "../testing/json.js";

const utf8 = new TextEncoder();
const text = (bytes: Uint8Array | null | undefined) => new TextDecoder().decode(bytes ?? undefined);

describe("data plane", () => {
  it("invokes the routed version with the path below its mount", async () => {
    const h = await startHarness();
    await h.deploy("hello");
    const res = await h.gateway.app.request("http://127.0.0.1:8787/fn/default/hello/a/b?x=1", {
      headers: { "X-Trace": "abc" },
    });
    expect(res.status).toBe(200);
    expect(await res.text()).toBe("hello v1 GET http://127.0.0.1:8787/a/b?x=1");
    expect(res.headers.get("x-skiff-invocation-id")).toBe("inv-1");
    const [call] = h.runtime.invocations;
    expect(call?.version).toMatchObject({ tenant: "default", functionName: "hello", number: 1 });
    expect(call?.event).toMatchObject({ kind: "http", method: "GET", body: null });
    expect((call?.event as HttpEvent | undefined)?.headers).toContainEqual(["x-trace", "abc"]);
    expect(call?.options.invocationId).toBe("inv-1");
  });

  it("gives the mount root as /", async () => {
    const h = await startHarness();
    await h.deploy("hello");
    expect(await (await h.gateway.app.request("/fn/default/hello")).text()).toBe(
      "hello v1 GET http://localhost/",
    );
  });

  it("routes {function}.{tenant}.localhost for any path, port ignored", async () => {
    const h = await startHarness();
    await h.deploy("hello");
    for (const path of ["/", "/deep/path?q=1", "/healthz", "/api/v1/tenants"]) {
      const res = await h.gateway.app.request(`http://hello.default.localhost:8787${path}`);
      expect(res.status, path).toBe(200);
      expect(await res.text()).toBe(`hello v1 GET http://hello.default.localhost:8787${path}`);
    }
  });

  it("routes by the Host header", async () => {
    const h = await startHarness({ baseDomain: "fn.example.com" });
    await h.deploy("hello");
    const res = await h.gateway.app.request("/x", { headers: { host: "hello.default.fn.example.com" } });
    expect(await res.text()).toBe("hello v1 GET http://localhost/x");
  });

  it.each([
    "/fn/default/missing",
    "/fn/nobody/hello",
    "/fn/default",
    "/fn/default/HELLO",
    "http://missing.default.localhost/",
  ])("answers 404 FUNCTION_NOT_FOUND for %s", async (url) => {
    const h = await startHarness();
    await h.deploy("hello");
    const res = await h.gateway.app.request(url);
    expect(res.status).toBe(404);
    expect((await json(res)).error.code).toBe("FUNCTION_NOT_FOUND");
    expect(h.runtime.invocations).toHaveLength(0);
  });

  it.each(["HEAD", "OPTIONS", "PATCH", "DELETE"])("passes %s through to the function", async (method) => {
    const h = await startHarness();
    await h.deploy("hello");
    const res = await h.gateway.app.request("/fn/default/hello/x", { method });
    expect(res.status).toBe(200);
    expect(h.runtime.invocations[0]?.event).toMatchObject({ method, url: "http://localhost/x" });
  });

  it("passes the request body to the function as bytes", async () => {
    const h = await startHarness();
    await h.deploy("echo");
    await h.gateway.app.request("/fn/default/echo/", { method: "POST", body: "payload" });
    expect(text((h.runtime.invocations[0]?.event as HttpEvent | undefined)?.body)).toBe("payload");
  });

  it("refuses a streamed body over the limit with 413, without invoking", async () => {
    const h = await startHarness({ requestBodyBytes: 1024 });
    await h.deploy("echo");
    let pulled = 0;
    const endless = new ReadableStream<Uint8Array>({
      pull(controller) {
        pulled++;
        controller.enqueue(new Uint8Array(256));
      },
    });
    const res = await h.gateway.app.request("/fn/default/echo", {
      method: "POST",
      body: endless,
      duplex: "half",
      headers: { "transfer-encoding": "chunked" },
    } as RequestInit);
    expect(res.status).toBe(413);
    expect((await json(res)).error.code).toBe("PAYLOAD_TOO_LARGE");
    expect(pulled).toBeLessThan(10);
    expect(h.runtime.invocations).toHaveLength(0);
  });

  it("refuses a body whose Content-Length is over the limit", async () => {
    const h = await startHarness({ requestBodyBytes: 10 });
    await h.deploy("echo");
    const res = await h.gateway.app.request("/fn/default/echo", {
      method: "PUT",
      body: "x".repeat(11),
      headers: { "content-length": "11" },
    });
    expect(res.status).toBe(413);
    const ok = await h.gateway.app.request("/fn/default/echo", { method: "PUT", body: "x".repeat(10) });
    expect(ok.status).toBe(200);
  });

  it("passes the function's response through as is", async () => {
    const h = await startHarness();
    await h.deploy("teapot");
    h.runtime.handler = () => ({
      response: {
        status: 418,
        statusText: "I'm a teapot",
        headers: [
          ["content-type", "application/json"],
          ["x-a", "1"],
        ],
        body: utf8.encode('{"tea":true}'),
      },
    });
    const res = await h.gateway.app.request("/fn/default/teapot");
    expect(res.status).toBe(418);
    expect(res.headers.get("x-a")).toBe("1");
    expect(res.headers.get("content-type")).toBe("application/json");
    expect(await res.text()).toBe('{"tea":true}');
  });

  it.each([
    ["exception", 500, "FUNCTION_ERROR"],
    ["exceededCpu", 503, "CPU_LIMIT_EXCEEDED"],
    ["exceededMemory", 503, "MEMORY_LIMIT_EXCEEDED"],
    ["timeout", 504, "TIMEOUT"],
    ["crashed", 503, "RUNTIME_CRASHED"],
  ] as const)("answers outcome %s with %i %s and the invocation id", async (outcome, status, code) => {
    const h = await startHarness();
    await h.deploy("bad");
    h.runtime.handler = () => ({ outcome, error: { name: "Error", message: "secret", stack: "at x.js:1" } });
    const res = await h.gateway.app.request("/fn/default/bad");
    expect(res.status).toBe(status);
    const body = await json(res);
    expect(body.error).toMatchObject({ code, invocationId: "inv-1" });
    expect(JSON.stringify(body)).not.toContain("secret");
  });

  it("renders a platform refusal from the runtime", async () => {
    const h = await startHarness();
    await h.deploy("busy");
    h.runtime.handler = () => {
      throw new SkiffError("TOO_MANY_REQUESTS", "function busy is at its concurrency limit");
    };
    const res = await h.gateway.app.request("/fn/default/busy");
    expect(res.status).toBe(429);
    expect((await json(res)).error.code).toBe("TOO_MANY_REQUESTS");
  });

  it("passes the request's abort signal, so a client that leaves cancels the invocation", async () => {
    const h = await startHarness();
    await h.deploy("slow");
    const client = new AbortController();
    h.runtime.handler = (_v, _e, options) =>
      new Promise((resolve) => {
        options.signal?.addEventListener("abort", () => resolve({ outcome: "canceled" }));
      });
    const pending = h.gateway.app.request("/fn/default/slow", { signal: client.signal });
    await vi.waitFor(() => expect(h.runtime.invocations).toHaveLength(1));
    client.abort();
    const res = await pending;
    expect(res.status).toBe(500);
    expect(h.runtime.invocations[0]?.options.signal?.aborted).toBe(true);
    await h.gateway.flush();
    expect(h.storage.invocationRows[0]).toMatchObject({ outcome: "canceled", status: 500 });
  });

  it("records every invocation, off the request path", async () => {
    const h = await startHarness();
    await h.deploy("hello");
    h.clock.now = 1234;
    await h.gateway.app.request("/fn/default/hello/");
    h.runtime.handler = () => ({ outcome: "timeout", cold: false, cpuMs: 3, wallMs: 3000, logs: [] });
    await h.gateway.app.request("/fn/default/hello/");
    expect(h.storage.invocationRows).toHaveLength(0);
    await h.gateway.flush();
    expect(h.storage.invocationRows).toEqual([
      {
        id: "inv-1",
        tenant: "default",
        functionName: "hello",
        version: 1,
        trigger: "http",
        startedAt: 1234,
        outcome: "ok",
        status: 200,
        cold: true,
        cpuMs: 1,
        wallMs: 2,
        logs: [],
        droppedLogLines: 0,
      },
      expect.objectContaining({ id: "inv-2", outcome: "timeout", status: 504, cold: false, wallMs: 3000 }),
    ]);
  });

  it("never queries storage per request", async () => {
    const h = await startHarness();
    await h.deploy("hello");
    const forbidden = new Proxy(
      {},
      {
        get(_, name) {
          throw new Error(`storage.functions.${String(name)} called on the data plane`);
        },
      },
    );
    (h.storage as { functions: Storage["functions"] }).functions = forbidden as Storage["functions"];
    const res = await h.gateway.app.request("/fn/default/hello");
    expect(res.status).toBe(200);
  });
});
