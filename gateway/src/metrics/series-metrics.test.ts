import { Counter, Histogram, Registry } from "prom-client";
import { describe, expect, it } from "vitest";
import { SeriesCounter, SeriesHistogram } from "./series-metrics.js";

const BUCKETS = [0.001, 0.01, 0.1, 1];

/** The same metrics as prom-client's own and as series, fed the same values. */
function pair() {
  const own = new Registry();
  const series = new Registry();
  const options = { name: "x_total", help: "Things", labelNames: ["a", "b"] as const };
  const hist = { name: "x_seconds", help: "Times", labelNames: ["a"] as const, buckets: BUCKETS };
  return {
    own,
    series,
    counters: [
      new Counter({ ...options, labelNames: ["a", "b"], registers: [own] }),
      new SeriesCounter({ ...options, registers: [series] }),
    ],
    histograms: [
      new Histogram({ ...hist, labelNames: ["a"], registers: [own] }),
      new SeriesHistogram({ ...hist, registers: [series] }),
    ],
  } as const;
}

describe("series metrics", () => {
  it("render the same Prometheus text as prom-client's counter and histogram", async () => {
    const { own, series, counters, histograms } = pair();
    const [counter, seriesCounter] = counters;
    const [histogram, seriesHistogram] = histograms;
    counter.inc({ a: "x", b: "y" });
    counter.inc({ a: "x", b: "y" }, 2);
    counter.inc({ a: 'q"uote\\', b: "z" }, 0.5);
    seriesCounter.series({ a: "x", b: "y" }).inc();
    seriesCounter.inc({ a: "x", b: "y" }, 2);
    seriesCounter.inc({ a: 'q"uote\\', b: "z" }, 0.5);
    for (const value of [0, 0.001, 0.0011, 0.05, 1, 7]) {
      histogram.observe({ a: "f" }, value);
      seriesHistogram.series({ a: "f" }).observe(value);
    }
    histogram.observe({ a: "g" }, 0.2);
    seriesHistogram.observe({ a: "g" }, 0.2);
    const text = await series.metrics();
    expect(text).toBe(await own.metrics());
    expect(text).toContain('x_seconds_bucket{le="0.001",a="f"} 2');
    expect(text).toContain('x_total{a="x",b="y"} 3');
  });

  it("refuses what prom-client refuses", () => {
    const { counters, histograms } = pair();
    expect(() => counters[1].inc({ a: "x", b: "y" }, -1)).toThrow(/decrease/);
    expect(() => histograms[1].observe({ a: "x" }, Number.NaN)).toThrow(TypeError);
  });

  it("forget every series on reset, as prom-client does", async () => {
    const { series, counters } = pair();
    counters[1].inc({ a: "x", b: "y" });
    series.resetMetrics();
    expect(await series.metrics()).not.toContain('x_total{a="x"');
  });
});
