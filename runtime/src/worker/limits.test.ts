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

  it("trips a spent limit at once after a synchronous call its timers could not interrupt", () => {
    isolate = new ivm.Isolate({ memoryLimit: 16 });
    const context = isolate.createContextSync();
    const watch = new InvocationWatch(isolate, { cpuMs: 20, timeoutMs: 5_000 });
    expect(watch.leftMs).toBeGreaterThan(0);
    expect(watch.tripIfSpent()).toBeUndefined();
    context.evalSync(spin(300));
    expect(watch.reason).toBeUndefined();
    expect(watch.leftMs).toBe(0);
    expect(watch.tripIfSpent()).toBe("exceededCpu");
    expect(isolate.isDisposed).toBe(true);
  });

  it("with deferred timers, enforces nothing until armed, and trips a limit spent by then", async () => {
    isolate = new ivm.Isolate({ memoryLimit: 16 });
    const watch = new InvocationWatch(isolate, { cpuMs: 50, timeoutMs: 100 }, { deferTimers: true });
    // Past both limits, unwatched: as a synchronous slice would be had its bound not stopped it.
    await busy(isolate, 300);
    expect(watch.reason).toBeUndefined();
    watch.arm();
    expect(watch.reason).toBe("exceededCpu");
    expect(isolate.isDisposed).toBe(true);
  });

  it("with deferred timers, stops a handler that passes what is left of its budget once armed", async () => {
    isolate = new ivm.Isolate({ memoryLimit: 16 });
    const watch = new InvocationWatch(isolate, { cpuMs: 300, timeoutMs: 10_000 }, { deferTimers: true });
    await busy(isolate, 30);
    watch.arm();
    expect(watch.reason).toBeUndefined();
    await busy(isolate, 3_000);
    expect(watch.reason).toBe("exceededCpu");
    expect(watch.cpuMs).toBeLessThan(3_000);
  });

  it("arms a deferred wall-clock timer for a deadline moved before it was armed", async () => {
    isolate = new ivm.Isolate({ memoryLimit: 16 });
    const moved = new InvocationWatch(isolate, { cpuMs: 5_000, timeoutMs: 50 }, { deferTimers: true });
    moved.extendWall(10_000);
    moved.arm();
    await busy(isolate, 300);
    expect(moved.reason).toBeUndefined();
    moved.stop();
    const kept = new InvocationWatch(isolate, { cpuMs: 5_000, timeoutMs: 50 }, { deferTimers: true });
    kept.arm();
    await busy(isolate, 300);
    expect(kept.reason).toBe("timeout");
  });

  it("counts a handler's CPU apart from its cold start", () => {
    isolate = new ivm.Isolate({ memoryLimit: 16 });
    const context = isolate.createContextSync();
    const watch = new InvocationWatch(isolate, { cpuMs: 500, timeoutMs: 5_000 });
    watch.startCold();
    context.evalSync(spin(40));
    const coldCpuMs = watch.cpuMs;
    watch.startHandler();
    context.evalSync(spin(5));
    watch.stop();
    expect(coldCpuMs).toBeGreaterThan(0);
    expect(watch.handlerCpuMs).toBeGreaterThan(0);
    expect(watch.handlerCpuMs).toBeCloseTo(watch.cpuMs - coldCpuMs, 3);
  });
});
