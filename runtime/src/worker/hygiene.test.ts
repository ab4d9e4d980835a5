// Isolate hygiene (issue 7): no shared memory or Atomics, host hooks out of tenant code's reach, and the
// prelude's result path unaffected by what tenant code does to the built-ins. Real isolates throughout.
import { afterAll, describe, expect, it } from "vitest";
import { versionOf } from "../testing/fixtures.js";
import { harnessLoader } from "../testing/harness-loader.js";
import { InvokerHarness } from "../testing/invoker-harness.js";

const load = harnessLoader();
const runtime = new InvokerHarness();
afterAll(() => runtime.close());

/** Runs `body` as an async fetch handler and returns its JSON response. */
async function inspectInside(body: string, topLevel = ""): Promise<Record<string, unknown>> {
  const harness = await load(`${topLevel}\nexport default { async fetch(request, env, ctx) { ${body} } }`);
  const { result, json } = await harness.run();
  if (result.outcome !== "ok") throw new Error(`${result.outcome}: ${result.error?.message}`);
  return json() as Record<string, unknown>;
}

/** A worker is unharmed when a plain function still answers in it. */
async function expectWorkerServes(): Promise<void> {
  const { result, text } = await runtime.invoke(
    versionOf("healthy"),
    'export default { fetch() { return new Response("still here") } }',
  );
  expect(result.outcome).toBe("ok");
  expect(text()).toBe("still here");
}

/**
 * A wasm module importing a shared memory, exporting `wait()`: `memory.atomic.wait32` at address 0 for the
 * value 0 with no timeout, which blocks the isolate's thread until something wakes it.
 */
const WASM_ATOMIC_WAIT = [
  0, 97, 115, 109, 1, 0, 0, 0, 1, 5, 1, 96, 0, 1, 127, 2, 11, 1, 1, 109, 3, 109, 101, 109, 2, 3, 1, 1, 3, 2,
  1, 0, 7, 8, 1, 4, 119, 97, 105, 116, 0, 0, 10, 14, 1, 12, 0, 65, 0, 65, 0, 66, 127, 254, 1, 2, 0, 11,
];

describe("SharedArrayBuffer and Atomics", () => {
  it("are gone from the global scope, at module top level and in handlers, and the prelude still works", async () => {
    const out = await inspectInside(
      `return Response.json({
         top: globalThis.top,
         sab: typeof SharedArrayBuffer, atomics: typeof Atomics,
         inGlobal: "SharedArrayBuffer" in globalThis || "Atomics" in globalThis,
         names: Object.getOwnPropertyNames(globalThis).filter((n) => /shared|atomics/i.test(n)),
         decoded: new TextDecoder().decode(new TextEncoder().encode("héllo")),
         cloned: structuredClone({ a: new Uint8Array([1, 2]) }).a.length,
         url: new URL("https://a.example/b?c=1").searchParams.get("c"),
       });`,
      "globalThis.top = [typeof SharedArrayBuffer, typeof Atomics];",
    );
    expect(out).toEqual({
      top: ["undefined", "undefined"],
      sab: "undefined",
      atomics: "undefined",
      inGlobal: false,
      names: [],
      decoded: "héllo",
      cloned: 2,
      url: "1",
    });
  });

  it("turns Atomics.wait in a handler into an ordinary ReferenceError, and the isolate keeps serving", async () => {
    const version = versionOf("atomics");
    const code = `export default { async fetch(request) {
      if (new URL(request.url).pathname === "/wait") Atomics.wait(new Int32Array(4), 0, 0);
      return new Response("fine");
    } }`;
    const { result } = await runtime.invoke(version, code, {
      kind: "http",
      method: "GET",
      url: "http://fn.test/wait",
      headers: [],
      body: null,
    });
    expect(result.outcome).toBe("exception");
    expect(result.error?.name).toBe("ReferenceError");
    expect(result.error?.message).toContain("Atomics is not defined");
    const after = await runtime.invoke(version, code);
    expect(after.result.outcome).toBe("ok");
    expect(after.result.cold).toBe(false);
    expect(after.text()).toBe("fine");
  });

  it("ends a wasm atomic wait on shared memory (the one way left to block) at the wall-clock limit", async () => {
    const version = versionOf("wasm-wait", { timeoutMs: 300, cpuMs: 300 });
    const { result } = await runtime.invoke(
      version,
      `const bytes = new Uint8Array(${JSON.stringify(WASM_ATOMIC_WAIT)});
       export default { fetch() {
         const mem = new WebAssembly.Memory({ initial: 1, maximum: 1, shared: true });
         const { exports } = new WebAssembly.Instance(new WebAssembly.Module(bytes), { m: { mem } });
         exports.wait();
         return new Response("woke up");
       } }`,
    );
    expect(result.outcome).toBe("timeout");
    await expectWorkerServes();
  });
});

describe("host hooks", () => {
  it("are not reachable from globals, and the classic escapes find no host", async () => {
    const out = await inspectInside(`
      const escape = (make) => { try { return make() } catch (e) { return e.name + ": " + e.message } };
      return Response.json({
        internals: Object.getOwnPropertyNames(globalThis).filter((n) => /skiff|ivm|host/i.test(n)),
        types: [typeof process, typeof require, typeof module, typeof exports, typeof __skiffHost,
          typeof __skiffInternal, typeof global, typeof Deno, typeof Bun],
        process: escape(() => ({}).constructor.constructor("return process")()),
        global: escape(() => ({}).constructor.constructor("return this")() === globalThis),
        asyncProcess: escape(() => typeof Object.getPrototypeOf(async () => {}).constructor("return process")),
        handlerThis: typeof this,
      });`);
    expect(out).toEqual({
      internals: [],
      types: Array(9).fill("undefined"),
      process: "ReferenceError: process is not defined",
      global: true,
      asyncProcess: "function",
      handlerThis: "object",
    });
  });

  it("ignore globals that tenant code sets in their place", async () => {
    const out = await inspectInside(
      `const random = crypto.getRandomValues(new Uint8Array(16));
       const fired = await new Promise((resolve) => setTimeout(() => resolve("fired"), 1));
       return Response.json({ random: random.some((b) => b !== 0), fired, called: globalThis.called });`,
      `globalThis.called = [];
       const fake = (name) => (...args) => { globalThis.called.push(name); return new ArrayBuffer(16) };
       globalThis.__skiffHost = { randomBytes: fake("randomBytes"), scheduleTimer: fake("scheduleTimer"),
         cancelTimer: fake("cancelTimer"), call: fake("call") };
       globalThis.__skiffInternal = { dispatch: fake("dispatch"), fireTimer: fake("fireTimer"),
         settleHostCall: fake("settleHostCall") };`,
    );
    expect(out).toEqual({ random: true, fired: "fired", called: [] });
  });

  it("give Error.prepareStackTrace and Error.captureStackTrace no prelude functions or receivers", async () => {
    const out = await inspectInside(`
      const seen = [];
      Error.prepareStackTrace = (error, frames) => {
        for (const frame of frames) {
          seen.push([frame.getFileName(), typeof frame.getFunction(), typeof frame.getThis()]);
        }
        return "formatted";
      };
      const holder = {};
      Error.captureStackTrace(holder);
      holder.stack;
      // Frames under a timer callback (fired by the host through the prelude) and a settled host call.
      await new Promise((resolve) => setTimeout(() => { new Error("in timer").stack; resolve() }, 1));
      await fetch("https://example.com/").catch(() => new Error("after a settled host call").stack);
      Error.prepareStackTrace = undefined;
      return Response.json({
        preludeFrames: seen.filter(([file]) => file === "skiff:prelude").length,
        leaked: seen.filter(([, fn, self]) => fn !== "undefined" || self !== "undefined"),
      });`);
    expect(out.preludeFrames).toBeGreaterThan(0);
    expect(out.leaked).toEqual([]);
  });

  it("throw errors into the isolate without the host's stack (no platform file paths)", async () => {
    const harness = await load(`export default { fetch() {
      try { for (;;) crypto.getRandomValues(new Uint8Array(1)) }
      catch (e) { console.log(e.name, e.message); console.log("stack", e.stack) }
      return new Response("unreachable: the host call budget is spent");
    } }`);
    // 50 000 host calls take a while on a loaded machine.
    const { result } = await harness.run(undefined, {}, { cpuMs: 25_000, timeoutMs: 25_000 });
    const [first, stack] = result.logs.map((line) => line.message);
    expect(first).toMatch(/^RangeError SUBREQUEST_LIMIT: too many host calls/);
    expect(stack).toMatch(/^stack RangeError: SUBREQUEST_LIMIT: too many host calls/);
    expect(stack).not.toMatch(/sandbox|\.ts:|\/src\/|\/dist\/|node_modules|node:/);
  });

  it("show tenant code no host source or paths through Function.prototype.toString", async () => {
    const out = await inspectInside(`
      const sources = [];
      const seen = new Set();
      const visit = (value, depth) => {
        if (value === null || (typeof value !== "object" && typeof value !== "function") || seen.has(value)) return;
        seen.add(value);
        if (typeof value === "function") sources.push(Function.prototype.toString.call(value));
        if (depth === 0) return;
        for (const key of Reflect.ownKeys(value)) {
          const descriptor = Reflect.getOwnPropertyDescriptor(value, key);
          for (const part of [descriptor.value, descriptor.get, descriptor.set]) visit(part, depth - 1);
        }
      };
      visit(globalThis, 3);
      return Response.json({ count: sources.length,
        suspicious: sources.filter((s) => /__skiff|\\/work\\/|node_modules|isolated-vm|sandbox\\.ts/.test(s)) });`);
    expect(out.count).toBeGreaterThan(100);
    expect(out.suspicious).toEqual([]);
  });
});

/** A handler that builds its response, then runs `pollute`, then logs and returns: the result path is the prelude's. */
function pollutedHandler(pollute: string, style: "sync" | "async" = "sync"): string {
  return `export default { ${style === "async" ? "async " : ""}fetch() {
    console.log("before");
    const response = new Response("ok", { status: 201, headers: [["x-b", "2"], ["x-a", "1"], ["x-a", "3"]] });
    ${pollute}
    console.log("after", { n: 1 });
    return response;
  } }`;
}

const POLLUTIONS: Record<string, string> = {
  "Array.prototype methods throw": `for (const name of ["push", "map", "join", "sort", "forEach", "filter", "slice", "concat", "includes"]) {
      Array.prototype[name] = () => { throw new Error("array " + name) };
    }
    Array.prototype[Symbol.iterator] = () => { throw new Error("array iterator") };`,
  "Array.prototype index setters": `for (let i = 0; i < 4; i++) Object.defineProperty(Array.prototype, i, {
      get() { return "hijacked" }, set() { throw new Error("index " + i) }, configurable: true });`,
  "Promise.prototype.then and constructor replaced": `Promise.prototype.then = function () {};
    // Both are fixed by the prelude (see the next test); a tenant trying is told so and carries on.
    try { Promise.prototype.constructor = { [Symbol.species]: function Fake() { throw new Error("species") } } } catch {}
    try { Object.defineProperty(Promise, Symbol.species, { get() { throw new Error("species") } }) } catch {}
    Promise.resolve = () => new Promise(() => {});
    Promise.allSettled = () => new Promise(() => {});`,
  "Object.prototype.then makes every object a thenable": "Object.prototype.then = function () {};",
  "Object.prototype get and set break property descriptors": `Object.prototype.get = function () { return 1 };
    Object.prototype.set = function () {};`,
  "JSON replaced": `JSON.stringify = () => { throw new Error("stringify") };
    JSON.parse = () => { throw new Error("parse") };`,
  "Function.prototype call, apply and bind throw": `for (const name of ["call", "apply", "bind"]) {
      Function.prototype[name] = () => { throw new Error(name) };
    }`,
  "Map, Set and String methods throw": `for (const C of [Map, Set]) for (const name of ["get", "set", "has", "add", "delete", "clear"]) {
      if (name in C.prototype) C.prototype[name] = () => { throw new Error(C.name + " " + name) };
    }
    for (const name of ["slice", "charCodeAt", "toLowerCase", "replace", "split", "padStart"]) {
      String.prototype[name] = () => { throw new Error("string " + name) };
    }`,
  "globals removed": `for (const name of ["Promise", "JSON", "Error", "TypeError", "Object", "Array", "Date", "Reflect",
      "Uint8Array", "Map", "Set", "String", "Number", "Math", "Symbol"]) globalThis[name] = undefined;`,
  "instanceof and stack formatting subverted": `Object.defineProperty(Response, Symbol.hasInstance, { value: () => false });
    Object.defineProperty(Error, Symbol.hasInstance, { value: () => { throw new Error("hasInstance") } });
    Error.prepareStackTrace = () => { throw new Error("prepareStackTrace") };
    Date.now = () => { throw new Error("now") };`,
};

describe("built-ins changed by tenant code", () => {
  for (const [name, pollute] of Object.entries(POLLUTIONS)) {
    it(`leave the response and logs intact: ${name}`, async () => {
      const harness = await load(pollutedHandler(pollute));
      const run = await harness.run();
      expect(run.result.outcome).toBe("ok");
      expect(run.status).toBe(201);
      expect(run.headers).toEqual([
        ["content-type", "text/plain;charset=UTF-8"],
        ["x-a", "1, 3"],
        ["x-b", "2"],
      ]);
      expect(run.text()).toBe("ok");
      expect(run.result.logs.map((line) => [line.level, line.message])).toEqual([
        ["log", "before"],
        ["log", "after { n: 1 }"],
      ]);
      expect(run.result.droppedLogLines).toBe(0);
    });
  }

  it("cannot change Promise's constructor link or species, which the host's wait for the result relies on", async () => {
    const out = await inspectInside(`
      const attempt = (change) => { try { change(); return "changed" } catch (e) { return e.name } };
      class Mine extends Promise {}
      return Response.json({
        constructor: attempt(() => { Promise.prototype.constructor = Object }),
        species: attempt(() => Object.defineProperty(Promise, Symbol.species, { value: Object })),
        intact: Promise.prototype.constructor === Promise && Promise[Symbol.species] === Promise,
        subclass: Mine.resolve(1).then((x) => x) instanceof Mine,
        thenMethod: attempt(() => { Promise.prototype.then = Promise.prototype.then }),
      });`);
    expect(out).toEqual({
      constructor: "TypeError",
      species: "TypeError",
      intact: true,
      subclass: true,
      thenMethod: "changed",
    });
  });

  it("report a handler's exception faithfully after the built-ins were changed", async () => {
    const harness = await load(`export default { fetch() {
      ${POLLUTIONS["Array.prototype methods throw"]}
      ${POLLUTIONS["JSON replaced"]}
      ${POLLUTIONS["Object.prototype.then makes every object a thenable"]}
      Error.prepareStackTrace = () => { throw new Error("prepareStackTrace") };
      throw new TypeError("the tenant's own failure");
    } }`);
    const { result } = await harness.run();
    expect(result.outcome).toBe("exception");
    expect(result.error).toMatchObject({ name: "TypeError", message: "the tenant's own failure" });
    expect(result.logs).toHaveLength(1);
    expect(result.logs[0]?.level).toBe("error");
  });

  it("keep a Lambda result's JSON the platform's even when JSON is replaced", async () => {
    const harness = await load(`export const handler = async (event) => {
      ${POLLUTIONS["JSON replaced"]}
      return { statusCode: 202, body: { ok: true, list: [1, "two"] } };
    }`);
    const run = await harness.run();
    expect(run.result.outcome).toBe("ok");
    expect(run.status).toBe(202);
    expect(run.json()).toEqual({ ok: true, list: [1, "two"] });
  });

  it("can stall only the tenant's own async handler, which the wall-clock limit then ends", async () => {
    // An async function's promise resolves through the `then` tenant code installed: that is the language,
    // not the prelude. The invocation ends at its timeout and the worker is unharmed.
    const version = versionOf("stalled", { timeoutMs: 300, cpuMs: 300 });
    const { result } = await runtime.invoke(
      version,
      pollutedHandler(POLLUTIONS["Object.prototype.then makes every object a thenable"] as string, "async"),
    );
    expect(result.outcome).toBe("timeout");
    await expectWorkerServes();
  });
});
