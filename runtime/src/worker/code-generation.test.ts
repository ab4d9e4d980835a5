// The per-tenant switch on compiling strings (VersionSpec.allowCodeGeneration), in real isolates.
import { afterAll, afterEach, describe, expect, it } from "vitest";
import { httpEvent, versionOf } from "../testing/fixtures.js";
import { InvokerHarness } from "../testing/invoker-harness.js";
import { SandboxHarness } from "../testing/sandbox-harness.js";
import { isolateKey } from "./invoker.js";

const harnesses: SandboxHarness[] = [];
afterEach(() => {
  for (const h of harnesses.splice(0)) h.dispose();
});
const runtime = new InvokerHarness();
afterAll(() => runtime.close());

const REFUSED = "EvalError: code generation from strings is disabled for this tenant";

/** Every way tenant code could compile a string, each tried and reported as its result or its error. */
const ATTEMPTS = `
  const attempt = (compile) => { try { return String(compile()) } catch (e) { return e.name + ": " + e.message } };
  const AsyncFunction = Object.getPrototypeOf(async function () {}).constructor;
  const GeneratorFunction = Object.getPrototypeOf(function* () {}).constructor;
  const AsyncGeneratorFunction = Object.getPrototypeOf(async function* () {}).constructor;
  const attempts = {
    directEval: () => eval("1 + 1"),
    indirectEval: () => (0, eval)("1 + 1"),
    globalEval: () => globalThis.eval("1 + 1"),
    newFunction: () => new Function("return 2")(),
    callFunction: () => Function("return 2")(),
    prototypeConstructor: () => Function.prototype.constructor("return 2")(),
    objectConstructorConstructor: () => ({}).constructor.constructor("return 2")(),
    reflectConstruct: () => Reflect.construct(Function, ["return 2"])(),
    asyncFunction: () => typeof AsyncFunction("return 3"),
    arrowAsyncFunction: () => typeof Object.getPrototypeOf(async () => {}).constructor("return 3"),
    generatorFunction: () => GeneratorFunction("yield 4")().next().value,
    asyncGeneratorFunction: () => typeof new AsyncGeneratorFunction("yield 5"),
    functionOfAsyncFunction: () => Object.getPrototypeOf(AsyncFunction)("return 6")(),
  };
  const results = {};
  for (const [name, compile] of Object.entries(attempts)) results[name] = attempt(compile);
`;

const ALLOWED = {
  directEval: "2",
  indirectEval: "2",
  globalEval: "2",
  newFunction: "2",
  callFunction: "2",
  prototypeConstructor: "2",
  objectConstructorConstructor: "2",
  reflectConstruct: "2",
  asyncFunction: "function",
  arrowAsyncFunction: "function",
  generatorFunction: "4",
  asyncGeneratorFunction: "function",
  functionOfAsyncFunction: "6",
};

async function attemptsIn(allowCodeGeneration: boolean | undefined): Promise<Record<string, unknown>> {
  const harness = await SandboxHarness.load(
    `${ATTEMPTS}
     globalThis.topLevel = results;
     export default { async fetch() {
       ${ATTEMPTS}
       return Response.json({ topLevel: globalThis.topLevel, handler: results });
     } }`,
    {},
    64,
    [],
    allowCodeGeneration === undefined ? {} : { allowCodeGeneration },
  );
  harnesses.push(harness);
  const { result, json } = await harness.run();
  expect(result.outcome).toBe("ok");
  return json() as Record<string, unknown>;
}

describe("code generation from strings", () => {
  it("is allowed by default, as on Lambda", async () => {
    expect(await attemptsIn(undefined)).toEqual({ topLevel: ALLOWED, handler: ALLOWED });
    expect(await attemptsIn(true)).toEqual({ topLevel: ALLOWED, handler: ALLOWED });
  });

  it("is refused everywhere, from the module's first line on, when the tenant's setting turns it off", async () => {
    const refused = Object.fromEntries(Object.keys(ALLOWED).map((name) => [name, REFUSED]));
    expect(await attemptsIn(false)).toEqual({ topLevel: refused, handler: refused });
  });

  it("leaves functions working when it is off: calls, instanceof, async and generator functions", async () => {
    const harness = await SandboxHarness.load(
      `export default { async fetch() {
         async function* count() { yield 1; yield 2 }
         const seen = [];
         for await (const n of count()) seen.push(n);
         const bound = function (x) { return this.k + x }.bind({ k: 1 });
         return Response.json({
           seen, bound: bound(2), call: Math.max.call(null, 1, 3), apply: Math.min.apply(null, [4, 2]),
           isFunction: (() => {}) instanceof Function && (async () => {}) instanceof Function,
           typeofFunction: typeof Function, name: Function.name,
           awaited: await (async () => 7)(),
           wasm: new WebAssembly.Module(new Uint8Array([0, 97, 115, 109, 1, 0, 0, 0])) instanceof WebAssembly.Module,
         });
       } }`,
      {},
      64,
      [],
      { allowCodeGeneration: false },
    );
    harnesses.push(harness);
    const { result, json } = await harness.run();
    expect(result.outcome).toBe("ok");
    expect(json()).toEqual({
      seen: [1, 2],
      bound: 3,
      call: 3,
      apply: 2,
      isFunction: true,
      typeofFunction: "function",
      name: "Function",
      awaited: 7,
      wasm: true,
    });
  });

  it("never compiles a string passed to setTimeout or setInterval, whatever the setting", async () => {
    for (const allowCodeGeneration of [true, false]) {
      const harness = await SandboxHarness.load(
        `export default { async fetch() {
           const attempt = (f) => { try { f(); return "scheduled" } catch (e) { return e.name } };
           const out = [attempt(() => setTimeout("globalThis.ran = true", 0)),
             attempt(() => setInterval("globalThis.ran = true", 0))];
           await new Promise((resolve) => setTimeout(resolve, 5));
           return Response.json({ out, ran: globalThis.ran === true });
         } }`,
        {},
        64,
        [],
        { allowCodeGeneration },
      );
      harnesses.push(harness);
      const { json } = await harness.run();
      expect(json()).toEqual({ out: ["TypeError", "TypeError"], ran: false });
    }
  });

  it("offers no dynamic import() that could load code from a URL", async () => {
    const harness = await SandboxHarness.load(
      `export default { async fetch() {
         const outcome = await import("data:text/javascript,export default 1").then(() => "imported", (e) => e.message);
         return new Response(outcome);
       } }`,
    );
    harnesses.push(harness);
    expect((await harness.run()).text()).toBe("Not supported");
  });

  it("keeps isolates made under one setting from serving the other", async () => {
    const code = `export default { fetch() {
      let evalWorks;
      try { evalWorks = eval("true") } catch { evalWorks = false }
      return Response.json({ evalWorks });
    } }`;
    const allowed = versionOf("codegen");
    const refused = { ...allowed, allowCodeGeneration: false };
    const reallowed = { ...allowed, allowCodeGeneration: true };
    expect(isolateKey(refused)).not.toBe(isolateKey(allowed));
    expect(isolateKey(reallowed)).toBe(isolateKey(allowed));
    expect(isolateKey(refused).startsWith(`${allowed.id}#`)).toBe(true);

    const first = await runtime.invoke(allowed, code, httpEvent());
    expect([first.result.cold, first.text()]).toEqual([true, '{"evalWorks":true}']);
    const second = await runtime.invoke(refused, code, httpEvent());
    expect([second.result.cold, second.text()]).toEqual([true, '{"evalWorks":false}']);
    const third = await runtime.invoke(reallowed, code, httpEvent());
    expect([third.result.cold, third.text()]).toEqual([false, '{"evalWorks":true}']);
    const fourth = await runtime.invoke(refused, code, httpEvent());
    expect([fourth.result.cold, fourth.text()]).toEqual([false, '{"evalWorks":false}']);

    // Evicting the version drops the isolates of both settings.
    runtime.invoker.evict(allowed.id);
    expect(runtime.pool.stats().idle).toBe(0);
  });
});
