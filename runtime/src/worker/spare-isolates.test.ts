import { describe, expect, it } from "vitest";
import { type Spare, SpareIsolates } from "./spare-isolates.js";

class FakeSpare implements Spare {
  prepared = false;
  disposed = false;
  constructor(
    readonly memoryMb: number,
    private readonly fail = false,
  ) {}
  async prepare(): Promise<void> {
    if (this.fail) throw new Error("no");
    this.prepared = true;
  }
  dispose(): void {
    this.disposed = true;
  }
}

/** Lets the background fill run to its end (one spare per few turns of the event loop). */
const settle = async () => {
  for (let i = 0; i < 20; i++) await new Promise((resolve) => setImmediate(resolve));
};

describe("SpareIsolates", () => {
  it("keeps the default size warm, makes nothing on take, and refills when told", async () => {
    const created: FakeSpare[] = [];
    const spares = new SpareIsolates<FakeSpare>({
      perSize: 2,
      defaultMemoryMb: 128,
      unusedTtlMs: 1000,
      create: (mb) => {
        const s = new FakeSpare(mb);
        created.push(s);
        return s;
      },
      now: () => 0,
    });
    await settle();
    expect(spares.count()).toBe(2);
    const taken = spares.take(128);
    expect(taken?.prepared).toBe(true);
    // Nothing is made on the cold start's path.
    expect(created).toHaveLength(2);
    expect(spares.take(64)).toBeUndefined();
    await settle();
    expect(created).toHaveLength(2);
    spares.refill(128);
    spares.refill(64); // a size asked for is kept too once refilled
    await settle();
    expect(spares.count()).toBe(4);
    expect(created).toHaveLength(5);
  });

  it("makes spares one at a time, each after the previous one is prepared", async () => {
    let preparing = 0;
    let mostAtOnce = 0;
    class SlowSpare extends FakeSpare {
      override async prepare(): Promise<void> {
        preparing++;
        mostAtOnce = Math.max(mostAtOnce, preparing);
        await new Promise((resolve) => setImmediate(resolve));
        preparing--;
      }
    }
    const spares = new SpareIsolates<SlowSpare>({
      perSize: 3,
      defaultMemoryMb: 128,
      unusedTtlMs: 1000,
      create: (mb) => new SlowSpare(mb),
      now: () => 0,
    });
    spares.refill(128);
    await settle();
    expect(spares.count()).toBe(3);
    expect(mostAtOnce).toBe(1);
  });

  it("drops spares of sizes unused past the TTL, never the default", async () => {
    let now = 0;
    const spares = new SpareIsolates<FakeSpare>({
      perSize: 1,
      defaultMemoryMb: 128,
      unusedTtlMs: 100,
      create: (mb) => new FakeSpare(mb),
      now: () => now,
    });
    spares.take(256);
    spares.refill(256);
    await settle();
    expect(spares.count()).toBe(2);
    now = 500;
    spares.sweep();
    expect(spares.count()).toBe(1);
    expect(spares.take(128)?.memoryMb).toBe(128);
  });

  it("disposes spares that fail to prepare and reports the error", async () => {
    const errors: unknown[] = [];
    const made: FakeSpare[] = [];
    const spares = new SpareIsolates<FakeSpare>({
      perSize: 1,
      defaultMemoryMb: 128,
      unusedTtlMs: 100,
      create: (mb) => {
        const spare = new FakeSpare(mb, true);
        made.push(spare);
        return spare;
      },
      now: () => 0,
      onError: (e) => errors.push(e),
    });
    await settle();
    expect(spares.count()).toBe(0);
    expect(errors).toHaveLength(1);
    expect(made.map((spare) => spare.disposed)).toEqual([true]);
    spares.close();
  });

  it("waits until no cold start took a spare for quietMs before making the next one", async () => {
    let now = 0;
    const sleeps: Array<{ ms: number; wake: () => void }> = [];
    const created: FakeSpare[] = [];
    const spares = new SpareIsolates<FakeSpare>({
      perSize: 5,
      defaultMemoryMb: 128,
      unusedTtlMs: 1000,
      quietMs: 30,
      lowWater: 1,
      create: (mb) => {
        const spare = new FakeSpare(mb);
        created.push(spare);
        return spare;
      },
      now: () => now,
      sleep: (ms) => new Promise<void>((wake) => sleeps.push({ ms, wake })),
    });
    await settle();
    expect(spares.count()).toBe(5);
    now = 100;
    spares.take(128);
    spares.take(128);
    spares.refill(128);
    await settle();
    // Three spares left, a cold start 0 ms ago: nothing is made yet, the fill waits out the quiet period.
    expect(created).toHaveLength(5);
    expect(sleeps.map((sleep) => sleep.ms)).toEqual([30]);
    now = 120;
    spares.take(128); // another cold start meanwhile: the wait starts over
    sleeps.shift()?.wake();
    await settle();
    expect(created).toHaveLength(5);
    expect(sleeps.map((sleep) => sleep.ms)).toEqual([30]);
    now = 150;
    sleeps.shift()?.wake();
    await settle();
    expect(spares.count()).toBe(5);
    expect(created).toHaveLength(8);
    spares.close();
  });

  it("refills at once a size about to run dry, quiet or not", async () => {
    const sleeps: number[] = [];
    const spares = new SpareIsolates<FakeSpare>({
      perSize: 2,
      defaultMemoryMb: 128,
      unusedTtlMs: 1000,
      quietMs: 1_000,
      lowWater: 1,
      create: (mb) => new FakeSpare(mb),
      now: () => 5,
      sleep: (ms) => {
        sleeps.push(ms);
        return new Promise<void>(() => {});
      },
    });
    await settle();
    expect(spares.take(128)?.prepared).toBe(true);
    spares.refill(128);
    await settle();
    expect(spares.count()).toBe(2);
    expect(sleeps).toEqual([]);
    spares.close();
  });

  it("awaits beforeFirst once, before the first spare is made, and goes on if it fails", async () => {
    const order: string[] = [];
    const spares = new SpareIsolates<FakeSpare>({
      perSize: 1,
      defaultMemoryMb: 128,
      unusedTtlMs: 1000,
      create: (mb) => {
        order.push(`create ${mb}`);
        return new FakeSpare(mb);
      },
      now: () => 0,
      beforeFirst: async () => {
        order.push("before");
        throw new Error("no cache today");
      },
    });
    spares.take(64);
    spares.refill(64);
    await settle();
    expect(order).toEqual(["before", "create 128", "create 64"]);
    expect(spares.count()).toBe(2);
    spares.close();
  });
});
