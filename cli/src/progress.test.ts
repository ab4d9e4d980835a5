import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import { createProgress } from "./progress.js";

beforeEach(() => {
  vi.useFakeTimers();
});
afterEach(() => {
  vi.useRealTimers();
});

function recorder(enabled: boolean) {
  const written: string[] = [];
  const progress = createProgress({ enabled, write: (text) => written.push(text), now: () => Date.now() });
  return { written, progress };
}

/** Work that ends when the test says so. */
function deferred<T>() {
  let resolve!: (value: T) => void;
  let reject!: (error: unknown) => void;
  const promise = new Promise<T>((res, rej) => {
    resolve = res;
    reject = rej;
  });
  return { promise, resolve, reject };
}

describe("progress", () => {
  it("draws a turning spinner with the elapsed seconds, then erases its line", async () => {
    const { written, progress } = recorder(true);
    const work = deferred<string>();
    const running = progress.run("Bundling src/index.ts", () => work.promise);
    await vi.advanceTimersByTimeAsync(1_300);
    work.resolve("done");
    expect(await running).toBe("done");
    expect(written[0]).toBe("\r\x1b[2K⠋ Bundling src/index.ts…");
    expect(written[1]).toBe("\r\x1b[2K⠙ Bundling src/index.ts…");
    expect(written.at(-2)).toMatch(/ Bundling src\/index\.ts… 1\.[23]s$/);
    expect(written.at(-1)).toBe("\r\x1b[2K");
    await vi.advanceTimersByTimeAsync(1_000);
    expect(written.at(-1)).toBe("\r\x1b[2K");
  });

  it("draws nothing for quick work, and erases its line when the work fails", async () => {
    const { written, progress } = recorder(true);
    expect(await progress.run("Quick", async () => 1)).toBe(1);
    await vi.advanceTimersByTimeAsync(1_000);
    expect(written).toEqual([]);

    const work = deferred<never>();
    const failing = progress.run("Uploading", () => work.promise);
    await vi.advanceTimersByTimeAsync(500);
    work.reject(new Error("boom"));
    await expect(failing).rejects.toThrow("boom");
    expect(written.at(-1)).toBe("\r\x1b[2K");
  });

  it("writes nothing when stderr is not a terminal", async () => {
    const { written, progress } = recorder(false);
    const work = deferred<number>();
    const running = progress.run("Uploading", () => work.promise);
    await vi.advanceTimersByTimeAsync(5_000);
    work.resolve(7);
    expect(await running).toBe(7);
    expect(written).toEqual([]);
  });
});
