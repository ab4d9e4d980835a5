import { describe, expect, it } from "vitest";
import { HeapSampler } from "./heap-sampler.js";

/** An isolate stand-in whose heap grows by 1 000 bytes at every read, so reads and reuses tell apart. */
function source() {
  let reads = 0;
  return {
    disposed: false,
    get reads() {
      return reads;
    },
    isolate: {
      getHeapStatisticsSync: () => {
        reads++;
        return { used_heap_size: reads * 1000, externally_allocated_size: 5 };
      },
    },
  };
}

describe("HeapSampler", () => {
  it("reads on a cold start and after CPU-heavy invocations, and reuses the figure for cheap ones", () => {
    const sampler = new HeapSampler({ cpuMs: 1, every: 4 });
    const isolate = source();
    expect(sampler.sample(isolate, { cold: true, cpuMs: 5 })).toBe(1005);
    expect(sampler.sample(isolate, { cold: false, cpuMs: 0.1 })).toBe(1005);
    expect(sampler.sample(isolate, { cold: false, cpuMs: 2 })).toBe(2005);
    expect(isolate.reads).toBe(2);
  });

  it("reads every n-th cheap warm invocation, so the figure never goes stale for long", () => {
    const sampler = new HeapSampler({ cpuMs: 1, every: 3 });
    const isolate = source();
    const figures = Array.from({ length: 7 }, (_, i) =>
      sampler.sample(isolate, { cold: i === 0, cpuMs: 0.1 }),
    );
    expect(figures).toEqual([1005, 1005, 1005, 2005, 2005, 2005, 3005]);
  });

  it("reads an isolate it has not seen even when warm, and has nothing for a disposed one", () => {
    const sampler = new HeapSampler();
    const isolate = source();
    expect(sampler.sample(isolate, { cold: false, cpuMs: 0 })).toBe(1005);
    expect(sampler.sample({ ...isolate, disposed: true }, { cold: true, cpuMs: 0 })).toBeUndefined();
  });
});
