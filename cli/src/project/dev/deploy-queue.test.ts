import { describe, expect, it } from "vitest";
import { createDeployQueue } from "./deploy-queue.js";

describe("createDeployQueue", () => {
  it("runs one deploy at a time and skips the builds overtaken while it ran", async () => {
    const started: number[] = [];
    let finish: () => void = () => {};
    const queue = createDeployQueue<number>(async (n) => {
      started.push(n);
      await new Promise<void>((resolve) => {
        finish = resolve;
      });
    });
    queue.push(1);
    queue.push(2);
    queue.push(3);
    expect(started).toEqual([1]);
    finish();
    await new Promise((resolve) => setImmediate(resolve));
    expect(started).toEqual([1, 3]);
    finish();
    await queue.idle();
    expect(started).toEqual([1, 3]);
  });

  it("goes on after a deploy that fails", async () => {
    const done: number[] = [];
    const queue = createDeployQueue<number>(async (n) => {
      if (n === 1) throw new Error("rejected");
      done.push(n);
    });
    queue.push(1);
    await queue.idle();
    queue.push(2);
    await queue.idle();
    expect(done).toEqual([2]);
  });
});
