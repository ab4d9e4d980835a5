import { describe, expect, it } from "vitest";
import { IsolatePool, type Poolable } from "./isolate-pool.js";

class FakeIsolate implements Poolable {
  disposed = false;
  constructor(
    readonly versionId: string,
    readonly heapBytes = 1,
  ) {}
  dispose(): void {
    this.disposed = true;
  }
}

function pool(options: Partial<ConstructorParameters<typeof IsolatePool>[0]> = {}) {
  let now = 0;
  const p = new IsolatePool<FakeIsolate>({
    maxIsolates: 10,
    maxHeapBytes: 1_000,
    idleTtlMs: 100,
    now: () => now,
    ...options,
  });
  return { pool: p, advance: (ms: number) => (now += ms) };
}

describe("IsolatePool", () => {
  it("misses when empty and hits a released isolate of the same version", () => {
    const { pool: p } = pool();
    expect(p.acquire("v1")).toBeUndefined();
    const a = new FakeIsolate("v1");
    p.add(a);
    expect(p.acquire("v1")).toBeUndefined(); // busy isolates are not handed out twice
    p.release(a);
    expect(p.acquire("v2")).toBeUndefined();
    expect(p.acquire("v1")).toBe(a);
    expect(p.stats()).toMatchObject({ hits: 1, misses: 3, busy: 1, idle: 0 });
  });

  it("tells whether a version has an idle isolate without counting a hit or a miss", () => {
    const { pool: p } = pool();
    expect(p.hasIdle("v1")).toBe(false);
    const a = new FakeIsolate("v1");
    p.add(a);
    expect(p.hasIdle("v1")).toBe(false); // busy
    p.release(a);
    expect([p.hasIdle("v1"), p.hasIdle("v2")]).toEqual([true, false]);
    expect(p.acquire("v1")).toBe(a);
    expect(p.hasIdle("v1")).toBe(false);
    expect(p.stats()).toMatchObject({ hits: 1, misses: 0 });
  });

  it("evicts the least recently used idle isolate past the count bound", () => {
    const { pool: p } = pool({ maxIsolates: 2 });
    const [a, b, c] = [new FakeIsolate("a"), new FakeIsolate("b"), new FakeIsolate("c")];
    p.add(a);
    p.release(a);
    p.add(b);
    p.release(b);
    p.add(c);
    expect(a.disposed).toBe(true);
    expect(b.disposed).toBe(false);
    expect(p.acquire("a")).toBeUndefined();
    expect(p.stats()).toMatchObject({ idle: 1, busy: 1, evictions: 1 });
  });

  it("evicts idle isolates past the heap bound but never busy ones", () => {
    const { pool: p } = pool({ maxHeapBytes: 100 });
    const idle = new FakeIsolate("a", 60);
    p.add(idle);
    p.release(idle);
    const busy = new FakeIsolate("b", 60);
    p.add(busy);
    expect(idle.disposed).toBe(true);
    expect(busy.disposed).toBe(false);
    expect(p.stats().heapBytes).toBe(60);
  });

  it("sweeps isolates idle past the TTL", () => {
    const { pool: p, advance } = pool({ idleTtlMs: 100 });
    const old = new FakeIsolate("a");
    p.add(old);
    p.release(old);
    advance(60);
    const recent = new FakeIsolate("b");
    p.add(recent);
    p.release(recent);
    advance(50);
    p.sweep();
    expect(old.disposed).toBe(true);
    expect(recent.disposed).toBe(false);
  });

  it("evicts every idle isolate of a version and discards failed ones", () => {
    const { pool: p } = pool();
    const [a1, a2, b] = [new FakeIsolate("a", 5), new FakeIsolate("a", 5), new FakeIsolate("b", 5)];
    for (const s of [a1, a2, b]) p.add(s);
    p.release(a1);
    p.release(a2);
    p.evictVersion("a");
    expect([a1.disposed, a2.disposed]).toEqual([true, true]);
    p.discard(b);
    expect(b.disposed).toBe(true);
    expect(p.stats()).toMatchObject({ idle: 0, busy: 0, heapBytes: 0 });
  });

  it("discards an isolate that was busy while its version was evicted", () => {
    const { pool: p } = pool();
    const busy = new FakeIsolate("a", 5);
    p.add(busy);
    p.evictVersion("a");
    p.release(busy);
    expect(busy.disposed).toBe(true);
    expect(p.acquire("a")).toBeUndefined();
    const fresh = new FakeIsolate("a", 5);
    p.add(fresh);
    p.release(fresh);
    expect(fresh.disposed).toBe(false);
    expect(p.acquire("a")).toBe(fresh);
    expect(p.stats()).toMatchObject({ heapBytes: 5 });
  });

  it("has no idle isolate of a version while its only one is busy, whether it then comes back or is dropped", () => {
    const { pool: p } = pool();
    const a = new FakeIsolate("v1");
    const b = new FakeIsolate("v1");
    p.add(a);
    p.add(b);
    p.release(a);
    p.release(b);
    expect(p.acquire("v1")).toBe(b);
    expect(p.acquire("v1")).toBe(a);
    expect(p.hasIdle("v1")).toBe(false);
    expect(p.acquire("v1")).toBeUndefined();
    p.release(a);
    expect([p.hasIdle("v1"), p.acquire("v1")]).toEqual([true, a]);
    p.discard(a);
    expect(p.hasIdle("v1")).toBe(false);
    p.release(b);
    expect([p.hasIdle("v1"), p.acquire("v1")]).toEqual([true, b]);
    p.disposeAll();
    expect([p.hasIdle("v1"), p.acquire("v1")]).toEqual([false, undefined]);
    expect(p.stats()).toMatchObject({ idle: 0, busy: 0, heapBytes: 0 });
  });
});
