import { describe, expect, it } from "vitest";
import { KeyedLock } from "./keyed-lock.js";

function deferred() {
  let resolve!: () => void;
  const promise = new Promise<void>((r) => {
    resolve = r;
  });
  return { promise, resolve };
}

describe("KeyedLock", () => {
  it("runs tasks of one key in order, one at a time", async () => {
    const lock = new KeyedLock();
    const order: string[] = [];
    const gate = deferred();
    const first = lock.run("k", async () => {
      order.push("first start");
      await gate.promise;
      order.push("first end");
      return 1;
    });
    const second = lock.run("k", async () => {
      order.push("second");
      return 2;
    });
    await Promise.resolve();
    expect(order).toEqual(["first start"]);
    gate.resolve();
    expect(await Promise.all([first, second])).toEqual([1, 2]);
    expect(order).toEqual(["first start", "first end", "second"]);
    expect(lock.size).toBe(0);
  });

  it("runs tasks of different keys side by side", async () => {
    const lock = new KeyedLock();
    const gate = deferred();
    const slow = lock.run("a", () => gate.promise.then(() => "a"));
    expect(await lock.run("b", async () => "b")).toBe("b");
    gate.resolve();
    expect(await slow).toBe("a");
  });

  it("passes a failure to its caller and keeps serving the key", async () => {
    const lock = new KeyedLock();
    const failing = lock.run("k", async () => {
      throw new Error("boom");
    });
    const next = lock.run("k", async () => "ok");
    await expect(failing).rejects.toThrow("boom");
    expect(await next).toBe("ok");
  });
});
