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

const settle = () => new Promise((resolve) => setImmediate(resolve));

describe("SpareIsolates", () => {
  it("keeps the default size warm and refills after a take", async () => {
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
    await settle();
    expect(spares.count()).toBe(2);
    expect(created).toHaveLength(3);
    expect(spares.take(64)).toBeUndefined(); // a new size starts filling on first ask
    await settle();
    expect(spares.count()).toBe(4);
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
    await settle();
    expect(spares.count()).toBe(2);
    now = 500;
    spares.sweep();
    expect(spares.count()).toBe(1);
    expect(spares.take(128)?.memoryMb).toBe(128);
  });

  it("disposes spares that fail to prepare and reports the error", async () => {
    const errors: unknown[] = [];
    const spares = new SpareIsolates<FakeSpare>({
      perSize: 1,
      defaultMemoryMb: 128,
      unusedTtlMs: 100,
      create: (mb) => new FakeSpare(mb, true),
      now: () => 0,
      onError: (e) => errors.push(e),
    });
    await settle();
    expect(spares.count()).toBe(0);
    expect(errors).toHaveLength(1);
    spares.close();
  });
});
