import ivm from "isolated-vm";
import { afterEach, describe, expect, it } from "vitest";
import { InvocationWatch, STARTUP_CPU_MS } from "./limits.js";

const spin = (ms: number) => `{ const end = Date.now() + ${ms}; while (Date.now() < end) {} }`;

describe("InvocationWatch", () => {
  let isolate: ivm.Isolate | undefined;
  afterEach(() => {
    if (isolate !== undefined && !isolate.isDisposed) isolate.dispose();
  });

  async function busy(target: ivm.Isolate, ms: number): Promise<void> {
    const context = await target.createContext();
    await context.eval(spin(ms)).catch(() => {});
  }

  it("stops a handler that passes its CPU budget", async () => {
    isolate = new ivm.Isolate({ memoryLimit: 16 });
    const watch = new InvocationWatch(isolate, { cpuMs: 20, timeoutMs: 5_000 });
    await busy(isolate, 400);
    expect(watch.reason).toBe("exceededCpu");
  });

  it("counts a cold start against the startup budget, not the handler's", async () => {
    isolate = new ivm.Isolate({ memoryLimit: 16 });
    const watch = new InvocationWatch(isolate, { cpuMs: 20, timeoutMs: 5_000 });
    watch.startCold();
    await busy(isolate, 100);
    expect(watch.reason).toBeUndefined();
    watch.startHandler();
    await busy(isolate, 400);
    expect(watch.reason).toBe("exceededCpu");
    // The record still shows all CPU the invocation used, startup included.
    expect(watch.cpuMs).toBeGreaterThanOrEqual(100);
  });

  it("stops top-level code that passes the startup budget", async () => {
    isolate = new ivm.Isolate({ memoryLimit: 16 });
    const watch = new InvocationWatch(isolate, { cpuMs: 20, timeoutMs: 10_000 });
    watch.startCold();
    await busy(isolate, STARTUP_CPU_MS + 1_500);
    expect(watch.reason).toBe("exceededCpu");
  });
});
