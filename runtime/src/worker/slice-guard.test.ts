import ivm from "isolated-vm";
import { afterAll, describe, expect, it } from "vitest";
import { SliceGuard } from "./slice-guard.js";

const guard = new SliceGuard();
afterAll(() => guard.close());

/** Arms the guard for `isolate`, waiting while it is being introduced and started (asynchronously). */
async function armed(isolate: ivm.Isolate, ms: number): Promise<number> {
  for (let i = 0; i < 500; i++) {
    if (guard.prepare(isolate)) {
      const token = guard.arm(isolate, ms);
      if (token !== undefined) return token;
    }
    await new Promise((resolve) => setTimeout(resolve, 2));
  }
  throw new Error("the guard never took the slice");
}

describe("SliceGuard", () => {
  it("stops a synchronous call that runs past its deadline by disposing its isolate", async () => {
    const isolate = new ivm.Isolate({ memoryLimit: 16 });
    const context = isolate.createContextSync();
    const token = await armed(isolate, 10);
    // No `timeout`: only the guard can end this loop.
    expect(() => context.evalSync("for (;;) {}")).toThrow(/disposed/);
    expect(guard.disarm(token)).toBe(false);
    expect(isolate.isDisposed).toBe(true);
  });

  it("leaves a call that ends in time alone, slice after slice", async () => {
    const isolate = new ivm.Isolate({ memoryLimit: 16 });
    const context = isolate.createContextSync();
    let guarded = 0;
    for (let i = 0; i < 200; i++) {
      const token = i === 0 ? await armed(isolate, 1000) : guard.arm(isolate, 1000);
      expect(context.evalSync(`${i} + 1`)).toBe(i + 1);
      if (token !== undefined) {
        guarded++;
        expect(guard.disarm(token)).toBe(true);
      }
    }
    expect(guarded).toBeGreaterThan(0);
    expect(isolate.isDisposed).toBe(false);
    isolate.dispose();
  });

  it("does not watch an isolate it has no handle to yet, nor after it is closed", () => {
    const fresh = new ivm.Isolate({ memoryLimit: 16 });
    expect(guard.arm(fresh, 10)).toBeUndefined();
    const closed = new SliceGuard();
    closed.close();
    expect(closed.arm(fresh, 10)).toBeUndefined();
    fresh.dispose();
  });
});
