import { describe, expect, it } from "vitest";
import { IsolateWaits, ReleaseSignal } from "./isolate-waits.js";

/** A promise and the function that resolves it. */
function signal(): { promise: Promise<void>; resolve: () => void } {
  let resolve: () => void = () => {};
  const promise = new Promise<void>((done) => {
    resolve = done;
  });
  return { promise, resolve };
}

/** Whether `wait` has ended once everything already due (promise callbacks, immediates) has run. */
async function ended(wait: Promise<void> | undefined): Promise<boolean> {
  let done = false;
  void wait?.then(() => {
    done = true;
  });
  await new Promise((resolve) => setImmediate(resolve));
  return done;
}

/** Bounds long enough that only a settled promise ends a wait within a test. */
const LONG = { loadingMs: 60_000, finishingMs: 60_000 };

describe("IsolateWaits", () => {
  it("has nothing to wait for on a key with no cold start or finishing invocation", () => {
    const waits = new IsolateWaits(LONG);
    const finishing = signal();
    waits.finishing("other", finishing.promise);
    expect(waits.wait("v1")).toBeUndefined();
  });

  it("waits for a cold start under way to load and then to give its isolate back", async () => {
    const waits = new IsolateWaits(LONG);
    const loaded = signal();
    const released = signal();
    waits.loading("v1", loaded.promise, released.promise);
    const wait = waits.wait("v1");
    expect(wait).toBeDefined();
    expect(await ended(wait)).toBe(false);
    loaded.resolve();
    expect(await ended(wait)).toBe(false);
    released.resolve();
    expect(await ended(wait)).toBe(true);
  });

  it("leaves cold starts out when asked to, and still waits for a finishing invocation", async () => {
    const waits = new IsolateWaits(LONG);
    waits.loading("v1", signal().promise, signal().promise);
    expect(waits.wait("v1", { loading: false })).toBeUndefined();
    const released = signal();
    waits.finishing("v1", released.promise);
    const wait = waits.wait("v1", { loading: false });
    expect(await ended(wait)).toBe(false);
    released.resolve();
    expect(await ended(wait)).toBe(true);
  });

  it("waits for a finishing invocation of the key", async () => {
    const waits = new IsolateWaits(LONG);
    const released = signal();
    waits.finishing("v1", released.promise);
    const wait = waits.wait("v1");
    expect(wait).toBeDefined();
    expect(await ended(wait)).toBe(false);
    released.resolve();
    expect(await ended(wait)).toBe(true);
  });

  it("gives up after its bounds when nothing comes back", async () => {
    const waits = new IsolateWaits({ loadingMs: 5, finishingMs: 5 });
    waits.loading("v1", signal().promise, signal().promise);
    // Ends by its timers alone: nothing here ever resolves.
    await waits.wait("v1");
  });

  it("forgets an invocation once its isolate is back", async () => {
    const waits = new IsolateWaits(LONG);
    const loaded = signal();
    const released = signal();
    waits.loading("v1", loaded.promise, released.promise);
    loaded.resolve();
    released.resolve();
    await new Promise((resolve) => setImmediate(resolve));
    expect(waits.wait("v1")).toBeUndefined();
  });
});

describe("ReleaseSignal", () => {
  it("resolves a promise asked for before the release once it happens, and not before", async () => {
    const released = new ReleaseSignal();
    const promise = released.promise;
    expect(released.promise).toBe(promise);
    expect(await ended(promise)).toBe(false);
    released.release();
    expect(await ended(promise)).toBe(true);
  });

  it("gives a resolved promise when asked for after the release", async () => {
    const released = new ReleaseSignal();
    released.release();
    expect(await ended(released.promise)).toBe(true);
  });

  it("lets a wait on a finishing isolate end at the release", async () => {
    const waits = new IsolateWaits({ finishingMs: 60_000 });
    const released = new ReleaseSignal();
    waits.finishing("v1", released.promise);
    const wait = waits.wait("v1");
    expect(await ended(wait)).toBe(false);
    released.release();
    expect(await ended(wait)).toBe(true);
  });
});
