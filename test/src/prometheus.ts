// Reads a /metrics answer with a real Prometheus text-format parser (which throws on a malformed line), and
// looks series up by name and labels.
import parsePrometheusTextFormat, { type PrometheusFamily } from "parse-prometheus-text-format";

export interface Scrape {
  families: PrometheusFamily[];
  /**
   * The sum of the values of `name`'s series whose labels include `labels` (0 when there is none): a counter's
   * or gauge's value. For a histogram give `name_count` or `name_sum`.
   */
  value(name: string, labels?: Record<string, string>): number;
}

export function parseScrape(text: string): Scrape {
  const families = parsePrometheusTextFormat(text);
  // The parser folds labelled histograms into one series; their _count and _sum lines are read on their own.
  const suffixed = parsePrometheusTextFormat(
    text
      .split("\n")
      .filter((line) => /^[a-zA-Z_:][a-zA-Z0-9_:]*_(count|sum)[{ ]/.test(line))
      .join("\n"),
  );
  const all = [...families, ...suffixed];
  return {
    families,
    value(name, labels = {}) {
      let total = 0;
      for (const family of all.filter((f) => f.name === name && f.type !== "HISTOGRAM")) {
        for (const sample of family.metrics) {
          const own = sample.labels ?? {};
          if (Object.entries(labels).every(([key, value]) => own[key] === value))
            total += Number(sample.value);
        }
      }
      return total;
    },
  };
}
