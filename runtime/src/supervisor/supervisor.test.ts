import { singleModuleBundle } from "@skiff/core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { httpEvent, text, versionOf } from "../testing/fixtures.js";
import type { VersionSpec } from "../types.js";
import { Supervisor } from "./supervisor.js";

const code = new Map<string, string>();
let runtime: Supervisor;

function deploy(source: string, name: string, config: Partial<VersionSpec["config"]> = {}): VersionSpec {
  const version = versionOf(name, config);
  code.set(version.id, source);
  return version;
}

beforeAll(async () => {
  runtime = new Supervisor({
    loadCode: async (v) => singleModuleBundle(code.get(v.id) ?? ""),
    workers: 2,
    maxQueueWaitMs: 200,
  });
  await runtime.ready();
});
afterAll(() => runtime.close());

describe("Supervisor", () => {
  it("serves a module worker, cold then warm, with env vars and captured logs", async () => {
    const hello = deploy(
      `export default { async fetch(request, env) {
         console.log("path", new URL(request.url).pathname);
         return new Response("hi " + env.WHO, { headers: { "x-test": "1" } });
       } }`,
      "hello",
      { vars: { WHO: "there" } },
    );
    const first = await runtime.invoke(hello, httpEvent({ url: "http://fn.test/a/b" }));
    expect(first.outcome).toBe("ok");
    expect(first.cold).toBe(true);
    expect(first.response?.status).toBe(200);
    expect(text(first.response?.body)).toBe("hi there");
    expect(first.response?.headers).toContainEqual(["x-test", "1"]);
    expect(first.logs.map((l) => [l.level, l.message])).toEqual([["log", "path /a/b"]]);

    const second = await runtime.invoke(hello, httpEvent());
    expect(second.outcome).toBe("ok");
    expect(second.cold).toBe(false);
  });

  it("keeps a client calling in sequence warm while the previous invocation is still finishing", async () => {
    const finishing = deploy(
      `export default { fetch(request, env, ctx) {
         ctx.waitUntil(new Promise((resolve) => setTimeout(resolve, 5)));
         return new Response("ok");
       } }`,
      "finishing",
    );
    await runtime.invoke(finishing, httpEvent()); // cold
    let answered: () => void = () => {};
    const response = new Promise<void>((resolve) => {
      answered = resolve;
    });
    const first = runtime.invoke(finishing, httpEvent(), { onResponse: () => answered() });
    await response;
    // The first one has answered but its waitUntil is still running: the next call waits for its isolate.
    const second = await runtime.invoke(finishing, httpEvent());
    expect((await first).cold).toBe(false);
    expect(second.cold).toBe(false);
  });

  it("passes request method, headers and body bytes through", async () => {
    const echo = deploy(
      `export default { async fetch(request) {
         const bytes = new Uint8Array(await request.arrayBuffer());
         return Response.json({ method: request.method, h: request.headers.get("x-a"), n: bytes.length, last: bytes[bytes.length - 1] });
       } }`,
      "echo",
    );
    const body = new Uint8Array(100_000).fill(7);
    const result = await runtime.invoke(echo, httpEvent({ method: "POST", headers: [["x-a", "b"]], body }));
    expect(JSON.parse(text(result.response?.body))).toEqual({ method: "POST", h: "b", n: 100_000, last: 7 });
  });

  it("stops an infinite loop at the CPU limit", async () => {
    const loop = deploy("export default { fetch() { while (true) {} } }", "loop", {
      cpuMs: 100,
      timeoutMs: 5000,
    });
    const result = await runtime.invoke(loop, httpEvent());
    expect(result.outcome).toBe("exceededCpu");
    expect(result.cpuMs).toBeGreaterThanOrEqual(100);
    expect(result.cpuMs).toBeLessThan(1000);
  });

  it("stops a memory bomb at the memory limit", async () => {
    const bomb = deploy(
      "export default { fetch() { const keep = []; while (true) keep.push(new Array(10000).fill({ a: 1 })); } }",
      "bomb",
      { memoryMb: 32, cpuMs: 10_000, timeoutMs: 10_000 },
    );
    const result = await runtime.invoke(bomb, httpEvent());
    expect(result.outcome).toBe("exceededMemory");
  });

  it("reports a thrown error as an exception with its message", async () => {
    const thrower = deploy('export default { fetch() { throw new TypeError("boom") } }', "thrower");
    const result = await runtime.invoke(thrower, httpEvent());
    expect(result.outcome).toBe("exception");
    expect(result.error).toMatchObject({ name: "TypeError", message: "boom" });
  });

  it("times out a promise that never settles", async () => {
    const hang = deploy("export default { fetch() { return new Promise(() => {}) } }", "hang", {
      timeoutMs: 150,
    });
    const result = await runtime.invoke(hang, httpEvent());
    expect(result.outcome).toBe("timeout");
  });

  it("reports a non-Response return value as an invalid response", async () => {
    const bad = deploy(
      'export default { fetch() { return { status: 200, "__proto__": { polluted: 1 } } } }',
      "bad",
    );
    const result = await runtime.invoke(bad, httpEvent());
    expect(result.outcome).toBe("invalidResponse");
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
  });

  it("reports a throw during module evaluation as an exception", async () => {
    const broken = deploy('throw new Error("top level"); export default {}', "broken");
    const result = await runtime.invoke(broken, httpEvent());
    expect(result.outcome).toBe("exception");
    expect(result.error?.message).toContain("top level");
  });

  it("answers TOO_MANY_REQUESTS past the concurrency limit after a short wait", async () => {
    const slow = deploy(
      "export default { async fetch() { await new Promise((r) => setTimeout(r, 600)); return new Response('done') } }",
      "slow",
      { concurrency: 1, timeoutMs: 2000 },
    );
    const first = runtime.invoke(slow, httpEvent());
    await expect(runtime.invoke(slow, httpEvent())).rejects.toMatchObject({ code: "TOO_MANY_REQUESTS" });
    expect((await first).outcome).toBe("ok");
  });

  it("cancels an invocation when its signal aborts", async () => {
    const hang = deploy("export default { fetch() { return new Promise(() => {}) } }", "cancel", {
      timeoutMs: 10_000,
    });
    const controller = new AbortController();
    const pending = runtime.invoke(hang, httpEvent(), { signal: controller.signal });
    setTimeout(() => controller.abort(), 100);
    expect((await pending).outcome).toBe("canceled");
  });

  it("survives a worker that dies, answering the in-flight invocation and restarting", async () => {
    // A huge dense array aborts the whole process (isolated-vm's memoryLimit cannot stop it).
    // Depending on timing V8 aborts the process or stalls in last-resort GC until the watchdog kills it.
    const killer = deploy(
      "export default { fetch() { new Array(1e8).fill(0); return new Response('x') } }",
      "killer",
      {
        memoryMb: 16,
        timeoutMs: 1000,
        cpuMs: 1000,
      },
    );
    const before = runtime.workerPids();
    const result = await runtime.invoke(killer, httpEvent());
    expect(["crashed", "exceededMemory", "timeout"]).toContain(result.outcome);

    const hello = deploy("export default { fetch() { return new Response('still here') } }", "after-crash");
    const deadline = Date.now() + 10_000;
    let answer = await runtime.invoke(hello, httpEvent()).catch(() => undefined);
    while (answer?.outcome !== "ok" && Date.now() < deadline) {
      await new Promise((r) => setTimeout(r, 50));
      answer = await runtime.invoke(hello, httpEvent()).catch(() => undefined);
    }
    expect(text(answer?.response?.body)).toBe("still here");
    expect(runtime.workerPids()).not.toEqual(before);
  });

  it("checks code without running it and reports syntax errors with their line", async () => {
    expect(
      await runtime.check(singleModuleBundle("export default { fetch() { return new Response('x') } }")),
    ).toEqual({
      ok: true,
    });
    const bad = await runtime.check(singleModuleBundle("export default {\n  fetch( {\n}"));
    expect(bad.ok).toBe(false);
    if (!bad.ok) {
      expect(bad.error.line).toBe(3);
      expect(bad.error.message).toMatch(/SyntaxError/);
    }
    const imports = await runtime.check(singleModuleBundle("import x from './x.js'; export default {}"));
    expect(imports.ok).toBe(false);
  });
});
