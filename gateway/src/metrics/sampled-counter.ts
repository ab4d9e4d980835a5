// Turns totals sampled from processes that may restart (a runtime worker's isolate cache hits) into a counter
// that only goes up, as Prometheus expects of a counter.

/**
 * Keeps the last total seen per source (`slot:pid`). A source seen for the first time started from 0, so all of
 * its total is new; a total below the last one means the source restarted. What a worker counted after the last
 * sample and before it died is lost; that is the price of sampling on scrape.
 *
 * @example
 * const hits = new SampledCounter((delta) => counter.inc(delta));
 * hits.sample(new Map([["0:1234", 17]]));
 */
export class SampledCounter {
  readonly #last = new Map<string, number>();
  readonly #inc: (delta: number) => void;

  constructor(inc: (delta: number) => void) {
    this.#inc = inc;
  }

  /** `totals`: every source alive now; sources not listed are forgotten. */
  sample(totals: ReadonlyMap<string, number>): void {
    let delta = 0;
    for (const [source, total] of totals) {
      if (!Number.isFinite(total) || total < 0) continue;
      const last = this.#last.get(source) ?? 0;
      delta += total >= last ? total - last : total;
      this.#last.set(source, total);
    }
    for (const source of [...this.#last.keys()]) if (!totals.has(source)) this.#last.delete(source);
    if (delta > 0) this.#inc(delta);
  }
}
