// What comes back from tenant code is untrusted data (DESIGN §7): hostile results and throws end in a clear
// outcome or at a limit, never merge into host objects, and leave the worker serving.
import type { InvocationEvent } from "@skiff/core";
import { afterAll, describe, expect, it } from "vitest";
import { versionOf } from "../testing/fixtures.js";
import { InvokerHarness } from "../testing/invoker-harness.js";

const runtime = new InvokerHarness();
afterAll(() => runtime.close());

const invokeEvent = (payload: unknown = {}): InvocationEvent => ({ kind: "invoke", payload });
/** Short limits: the hostile cases that loop end quickly. */
const tight = () => versionOf("hostile", { timeoutMs: 400, cpuMs: 400 });

async function expectWorkerServes(): Promise<void> {
  const { result, text } = await runtime.invoke(
    versionOf("healthy"),
    'export default { fetch() { return new Response("still here") } }',
  );
  expect(result.outcome).toBe("ok");
  expect(text()).toBe("still here");
}

describe("hostile return values", () => {
  it("reports a cyclic Lambda result as an exception (direct invoke) or an invalid response (HTTP)", async () => {
    const code =
      "export const handler = async () => { const a = { statusCode: 200 }; a.self = a; a.body = a; return a }";
    const direct = await runtime.invoke(versionOf("cyclic"), code, invokeEvent());
    expect(direct.result.outcome).toBe("exception");
    expect(direct.result.error?.message).toMatch(/cannot be serialized to JSON/);
    const http = await runtime.invoke(versionOf("cyclic"), code);
    expect(http.result.outcome).toBe("invalidResponse");
    expect(http.result.error?.message).toMatch(/body cannot be serialized to JSON/);
  });

  it("rejects a returned Proxy whose traps throw, as an invalid response or the tenant's own exception", async () => {
    const traps = `const trap = () => { throw new Error("trap ran") };`;
    // Without a get trap: not a thenable, so the prelude sees a non-Response and cannot even describe it.
    const noGet = await runtime.invoke(
      versionOf("proxy"),
      `${traps} export default { fetch() { return new Proxy({}, { getPrototypeOf: trap, has: trap, ownKeys: trap }) } }`,
    );
    expect(noGet.result.outcome).toBe("invalidResponse");
    expect(noGet.result.error?.message).toBe("the fetch handler must return a Response, got [uninspectable]");
    // With one: awaiting the value looks up its `then` (as any await does), and the trap's throw is the handler's.
    const withGet = await runtime.invoke(
      versionOf("proxy"),
      `${traps} export default { fetch() { return new Proxy({}, { get: trap, getPrototypeOf: trap }) } }`,
    );
    expect(withGet.result.outcome).toBe("exception");
    expect(withGet.result.error?.message).toBe("trap ran");
  });

  for (const [name, code] of Object.entries({
    "a Proxy whose traps loop": `export default { fetch() {
       const loop = () => { for (;;) {} };
       return new Proxy({}, { get: loop, getPrototypeOf: loop, ownKeys: loop, has: loop });
     } }`,
    "a Lambda result whose body getter loops":
      "export const handler = async () => ({ statusCode: 200, get body() { for (;;) {} } })",
    "a direct-invoke result whose toJSON loops":
      "export const handler = async () => ({ toJSON() { for (;;) {} } })",
  })) {
    it(`ends ${name} at the CPU or wall-clock limit`, async () => {
      const event = name.includes("direct") ? invokeEvent() : undefined;
      const { result } = await runtime.invoke(tight(), code, event);
      expect(["exceededCpu", "timeout"]).toContain(result.outcome);
      await expectWorkerServes();
    });
  }

  it("keeps a returned __proto__ key as data: nothing reaches Object.prototype in the host", async () => {
    const { result } = await runtime.invoke(
      versionOf("proto"),
      `export const handler = async () => JSON.parse(
         '{"__proto__": {"polluted": true}, "nested": {"__proto__": {"polluted": true}},' +
         ' "constructor": {"prototype": {"polluted": true}}}')`,
      invokeEvent(),
    );
    expect(result.outcome).toBe("ok");
    const value = result.value as Record<string, unknown>;
    expect(Object.getPrototypeOf(value)).toBe(Object.prototype);
    expect(Object.hasOwn(value, "__proto__")).toBe(true);
    expect(Object.getOwnPropertyDescriptor(value, "__proto__")?.value).toEqual({ polluted: true });
    expect(value.polluted).toBeUndefined();
    expect(Object.hasOwn(value.nested as object, "__proto__")).toBe(true);
    expect(JSON.stringify(value)).toBe(
      '{"__proto__":{"polluted":true},"nested":{"__proto__":{"polluted":true}},"constructor":{"prototype":{"polluted":true}}}',
    );
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
    expect(Object.prototype).not.toHaveProperty("polluted");
  });

  it("passes a Workers JSON body with __proto__ through as bytes", async () => {
    const json = '{"__proto__":{"polluted":true}}';
    const { result, text } = await runtime.invoke(
      versionOf("proto-body"),
      `export default { fetch() { return new Response(${JSON.stringify(json)}, { headers: { "content-type": "application/json" } }) } }`,
    );
    expect(result.outcome).toBe("ok");
    expect(text()).toBe(json);
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
  });
});

describe("hostile throws", () => {
  for (const [thrown, shown] of [
    ["null", "null"],
    ["42", "42"],
    ["undefined", "undefined"],
    ['Symbol("s")', "Symbol(s)"],
    ['{ code: 7, nested: { deep: [1, "two"] } }', '{ code: 7, nested: { deep: [ 1, "two" ] } }'],
  ] as const) {
    it(`reports a thrown ${thrown} as an exception with a readable message`, async () => {
      const { result } = await runtime.invoke(
        versionOf("throws"),
        `export default { fetch() { throw ${thrown} } }`,
      );
      expect(result.outcome).toBe("exception");
      expect(result.error).toEqual({
        name: "Error",
        message: `Uncaught ${shown} (throw an Error to get a stack trace)`,
      });
    });
  }

  it("reports an Error whose name and message getters throw, without their text", async () => {
    const { result } = await runtime.invoke(
      versionOf("throws"),
      `export default { fetch() {
         const error = new Error("original");
         Object.defineProperty(error, "message", { get() { throw new Error("getter") } });
         Object.defineProperty(error, "name", { get() { throw new Error("getter") } });
         throw error;
       } }`,
    );
    expect(result.outcome).toBe("exception");
    expect(result.error?.message).toBe("Uncaught exception (its name or message could not be read)");
  });

  for (const [name, thrown] of Object.entries({
    "an object whose message getter loops": "({ get message() { for (;;) {} } })",
    "an Error whose message getter loops":
      'Object.defineProperty(new Error("x"), "message", { get() { for (;;) {} } })',
    "a Proxy whose traps loop":
      "new Proxy({}, { get() { for (;;) {} }, getPrototypeOf() { for (;;) {} }, ownKeys() { for (;;) {} } })",
  })) {
    it(`ends a throw of ${name} at the CPU or wall-clock limit`, async () => {
      const { result } = await runtime.invoke(tight(), `export default { fetch() { throw ${thrown} } }`);
      expect(["exceededCpu", "timeout"]).toContain(result.outcome);
      await expectWorkerServes();
    });
  }
});
