// When to read an isolate's heap for an invocation's `peakHeapBytes`: reading it costs a lock of the isolate
// and V8's walk of its heap spaces (≈ 3–6 % of a worker's time when done after every warm hello), while a cheap
// warm invocation barely moves the figure.

/** What the sampler needs of an isolate: whether it is gone, and its heap statistics. */
export interface HeapSource {
  readonly disposed: boolean;
  readonly isolate: {
    getHeapStatisticsSync(): { used_heap_size: number; externally_allocated_size: number };
  };
}

export interface HeapSamplerOptions {
  /** A warm invocation that used at least this much CPU is always measured (it may have allocated a lot). */
  cpuMs?: number;
  /** Otherwise every this-many-th warm invocation of an isolate is measured, the others reuse its last figure. */
  every?: number;
}

/**
 * The heap an invocation left in use (JS heap + external memory such as ArrayBuffers), read before the isolate
 * serves anyone else. V8 keeps no high-water mark per invocation; read before the next collection, this counts
 * what the invocation allocated and still holds or has not yet been collected. Read on cold starts, after every
 * invocation that used `cpuMs` or more, and every `every`-th warm invocation; in between, the isolate's last
 * figure stands (an invocation under 1 ms of CPU can allocate little). Undefined when the isolate is gone.
 *
 * @example
 * const peakHeapBytes = sampler.sample(sandbox, { cold, cpuMs: watch.cpuMs });
 */
export class HeapSampler<Source extends HeapSource & object> {
  readonly #cpuMs: number;
  readonly #every: number;
  readonly #last = new WeakMap<Source, { bytes: number; reused: number }>();

  constructor(options: HeapSamplerOptions = {}) {
    this.#cpuMs = options.cpuMs ?? 1;
    this.#every = options.every ?? 16;
  }

  sample(source: Source, invocation: { cold: boolean; cpuMs: number }): number | undefined {
    if (source.disposed) return undefined;
    const last = this.#last.get(source);
    if (
      last !== undefined &&
      !invocation.cold &&
      invocation.cpuMs < this.#cpuMs &&
      last.reused + 1 < this.#every
    ) {
      last.reused++;
      return last.bytes;
    }
    try {
      // Synchronous: the isolate is idle once its dispatch settled, so this takes its lock at once, where the
      // asynchronous read would wait for a hop to isolated-vm's thread and back.
      const stats = source.isolate.getHeapStatisticsSync();
      const bytes = stats.used_heap_size + stats.externally_allocated_size;
      this.#last.set(source, { bytes, reused: 0 });
      return bytes;
    } catch {
      // Disposed meanwhile (a limit tripped at the last moment): nothing left to measure.
      return undefined;
    }
  }
}
