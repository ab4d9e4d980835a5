// The warm isolate cache of one runtime worker: idle sandboxes per version, evicted least recently used
// first when the worker holds too many isolates or too much heap, and after an idle period.

/** What the pool needs of a cached isolate. */
export interface Poolable {
  readonly versionId: string;
  readonly heapBytes: number;
  dispose(): void;
}

export interface IsolatePoolOptions {
  /** Most isolates (busy + idle) this worker keeps. */
  maxIsolates: number;
  /** Most estimated heap bytes across idle and busy isolates. */
  maxHeapBytes: number;
  /** An idle isolate older than this is disposed by `sweep`. */
  idleTtlMs: number;
  now: () => number;
}

export interface PoolStats {
  idle: number;
  busy: number;
  heapBytes: number;
  hits: number;
  misses: number;
  evictions: number;
}

export class IsolatePool<T extends Poolable> {
  readonly #options: IsolatePoolOptions;
  /** Idle isolates in least-recently-used order (Map iteration order), with when each became idle. */
  readonly #idle = new Map<T, number>();
  /**
   * Idle isolates per version, most recently used last. `acquire` leaves a stack it emptied in place, as its
   * isolate usually comes back at once (a warm invocation); `discard` and `disposeAll` drop empty ones.
   */
  readonly #idleByVersion = new Map<string, T[]>();
  readonly #busy = new Set<T>();
  /** Running total of `heapBytes` over every pooled isolate, kept so bounds are checked in O(1). */
  #totalHeapBytes = 0;
  /**
   * Bumped by `evictVersion`. An isolate busy during an eviction (a redeploy, a secret change) was made for the
   * old generation and is discarded when released, never returned to the cache.
   */
  readonly #generations = new Map<string, number>();
  readonly #bornIn = new WeakMap<T, number>();
  #hits = 0;
  #misses = 0;
  #evictions = 0;

  constructor(options: IsolatePoolOptions) {
    this.#options = options;
  }

  /** Takes a warm idle isolate of the version, most recently used first; undefined means a cold start. */
  acquire(versionId: string): T | undefined {
    const stack = this.#idleByVersion.get(versionId);
    const sandbox = stack?.pop();
    if (sandbox === undefined) {
      this.#misses++;
      return undefined;
    }
    this.#idle.delete(sandbox);
    this.#busy.add(sandbox);
    this.#hits++;
    return sandbox;
  }

  /** Whether `acquire` would find a warm idle isolate of the version now (counts neither a hit nor a miss). */
  hasIdle(versionId: string): boolean {
    return (this.#idleByVersion.get(versionId)?.length ?? 0) > 0;
  }

  /** The version's current generation: take it before a cold start, pass it to `add`. */
  generation(versionId: string): number {
    return this.#generations.get(versionId) ?? 0;
  }

  /**
   * Registers a newly created isolate as busy, evicting idle ones if the bounds are passed. `generation` is the
   * one taken before the isolate started loading, so an eviction during its cold start is not missed.
   */
  add(sandbox: T, generation = this.generation(sandbox.versionId)): void {
    if (this.#busy.has(sandbox)) return;
    this.#bornIn.set(sandbox, generation);
    this.#busy.add(sandbox);
    this.#totalHeapBytes += sandbox.heapBytes;
    this.#enforceBounds();
  }

  /** Returns a busy isolate to the idle cache after its invocation. */
  release(sandbox: T): void {
    if (!this.#busy.has(sandbox)) return;
    if ((this.#bornIn.get(sandbox) ?? 0) !== (this.#generations.get(sandbox.versionId) ?? 0)) {
      this.discard(sandbox);
      return;
    }
    this.#busy.delete(sandbox);
    this.#idle.set(sandbox, this.#options.now());
    const stack = this.#idleByVersion.get(sandbox.versionId);
    if (stack === undefined) this.#idleByVersion.set(sandbox.versionId, [sandbox]);
    else stack.push(sandbox);
    this.#enforceBounds();
  }

  /** Drops an isolate for good (it failed, or its limits disposed it). */
  discard(sandbox: T): void {
    const pooled = this.#busy.delete(sandbox) || this.#removeIdle(sandbox);
    if (pooled) this.#totalHeapBytes -= sandbox.heapBytes;
    this.#dropEmptyStack(sandbox.versionId);
    sandbox.dispose();
  }

  /** Disposes every idle isolate of a version; busy ones are discarded when their invocation ends. */
  evictVersion(versionId: string): void {
    this.evictMatching((key) => key === versionId);
  }

  /** `evictVersion` for every cached key that `matches` (and for keys seen later with an older generation). */
  evictMatching(matches: (versionId: string) => boolean): void {
    const keys = new Set([...this.#generations.keys(), ...this.#idleByVersion.keys()]);
    for (const sandbox of this.#busy) keys.add(sandbox.versionId);
    for (const key of keys) {
      if (!matches(key)) continue;
      this.#generations.set(key, (this.#generations.get(key) ?? 0) + 1);
      for (const sandbox of [...(this.#idleByVersion.get(key) ?? [])]) this.#evict(sandbox);
    }
  }

  /** Disposes isolates idle for longer than the TTL. */
  sweep(): void {
    const cutoff = this.#options.now() - this.#options.idleTtlMs;
    for (const [sandbox, idleSince] of this.#idle) {
      if (idleSince > cutoff) break;
      this.#evict(sandbox);
    }
  }

  disposeAll(): void {
    for (const sandbox of [...this.#idle.keys()]) this.#evict(sandbox);
    for (const sandbox of this.#busy) sandbox.dispose();
    this.#busy.clear();
    // Only empty stacks are left (of versions whose isolates were busy).
    this.#idleByVersion.clear();
    this.#totalHeapBytes = 0;
  }

  stats(): PoolStats {
    return {
      idle: this.#idle.size,
      busy: this.#busy.size,
      heapBytes: this.#totalHeapBytes,
      hits: this.#hits,
      misses: this.#misses,
      evictions: this.#evictions,
    };
  }

  #enforceBounds(): void {
    // Checked before the loop too: most calls are within bounds, and need no iterator.
    if (!this.#over()) return;
    for (const sandbox of this.#idle.keys()) {
      if (!this.#over()) return;
      this.#evict(sandbox);
    }
  }

  #over(): boolean {
    return (
      this.#idle.size + this.#busy.size > this.#options.maxIsolates ||
      this.#totalHeapBytes > this.#options.maxHeapBytes
    );
  }

  /** Drops a version's empty stack of idle isolates (`release` makes a new one if need be). */
  #dropEmptyStack(versionId: string): void {
    if (this.#idleByVersion.get(versionId)?.length === 0) this.#idleByVersion.delete(versionId);
  }

  #evict(sandbox: T): void {
    if (this.#removeIdle(sandbox)) this.#totalHeapBytes -= sandbox.heapBytes;
    this.#evictions++;
    sandbox.dispose();
  }

  #removeIdle(sandbox: T): boolean {
    if (!this.#idle.delete(sandbox)) return false;
    const stack = this.#idleByVersion.get(sandbox.versionId);
    if (stack === undefined) return true;
    const index = stack.indexOf(sandbox);
    if (index >= 0) stack.splice(index, 1);
    if (stack.length === 0) this.#idleByVersion.delete(sandbox.versionId);
    return true;
  }
}
