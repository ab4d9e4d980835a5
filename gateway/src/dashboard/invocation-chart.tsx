// A function's charts as inline SVG drawn on the server: invocations and errors per slice of the window, and
// the p50/p99 wall-clock duration of each slice. No script and no chart library: the numbers are already here.
import type { FC } from "hono/jsx";
import { type ChartBucket, type ChartSeries, niceCeiling } from "./chart-series.js";
import { formatDuration, formatUtc } from "./format.js";

const WIDTH = 640;
const HEIGHT = 210;
const LEFT = 56;
const RIGHT = 12;
const TOP = 12;
const BOTTOM = 28;
const PLOT_WIDTH = WIDTH - LEFT - RIGHT;
const PLOT_HEIGHT = HEIGHT - TOP - BOTTOM;
const DAY_MS = 24 * 60 * 60_000;

const round = (value: number) => Math.round(value * 10) / 10;

/** The y of `value` on a plot whose top is `max`. */
const yOf = (value: number, max: number) => round(TOP + PLOT_HEIGHT - (value / max) * PLOT_HEIGHT);

function bucketLabel(bucket: ChartBucket): string {
  return `${formatUtc(bucket.start)} – ${formatUtc(bucket.end).slice(11)}`;
}

/** The frame every chart shares: horizontal grid lines with labels, and times under the x axis. */
const Frame: FC<{ series: ChartSeries; max: number; label: (value: number) => string }> = ({
  series,
  max,
  label,
}) => {
  // Across days the time alone is ambiguous; within one, the date is noise.
  const format = series.to - series.from > DAY_MS ? "day" : "short";
  const times = [series.from, (series.from + series.to) / 2, series.to];
  return (
    <g>
      {[0, max / 2, max].map((value) => (
        <g>
          <line class="axis" x1={LEFT} x2={WIDTH - RIGHT} y1={yOf(value, max)} y2={yOf(value, max)} />
          <text class="tick" x={LEFT - 6} y={yOf(value, max) + 4} text-anchor="end">
            {label(value)}
          </text>
        </g>
      ))}
      {times.map((time, index) => (
        <text
          class="tick"
          x={round(LEFT + (index / 2) * PLOT_WIDTH)}
          y={HEIGHT - 8}
          text-anchor={["start", "middle", "end"][index]}
          data-ts={String(Math.round(time))}
          data-format={format}
        >
          {formatUtc(time).slice(11, 16)}
        </text>
      ))}
    </g>
  );
};

const NoData: FC = () => (
  <text class="tick" x={LEFT + PLOT_WIDTH / 2} y={TOP + PLOT_HEIGHT / 2} text-anchor="middle">
    No invocations in this window
  </text>
);

/** Stacked bars: invocations that ended `ok`, and on top of them those that did not. */
export const InvocationsChart: FC<{ series: ChartSeries }> = ({ series }) => {
  const max = niceCeiling(Math.max(0, ...series.buckets.map((bucket) => bucket.invocations)));
  const slot = PLOT_WIDTH / series.buckets.length;
  const barWidth = round(Math.max(1, slot - 2));
  return (
    <figure class="chart">
      <figcaption id="chart-invocations-title">Invocations and errors</figcaption>
      <svg
        viewBox={`0 0 ${WIDTH} ${HEIGHT}`}
        role="img"
        aria-labelledby="chart-invocations-title"
        data-chart="invocations"
      >
        <title>Invocations and errors</title>
        <Frame series={series} max={max} label={(value) => String(Number(value.toFixed(1)))} />
        {series.summary.invocations === 0 && <NoData />}
        {series.buckets.map((bucket, index) => {
          if (bucket.invocations === 0) return null;
          const x = round(LEFT + index * slot + 1);
          const okTop = yOf(bucket.invocations - bucket.errors, max);
          const errorTop = yOf(bucket.invocations, max);
          return (
            <g>
              <title>{`${bucketLabel(bucket)}: ${bucket.invocations} invocations, ${bucket.errors} errors`}</title>
              {bucket.invocations > bucket.errors && (
                <rect
                  class="bar"
                  x={x}
                  y={okTop}
                  width={barWidth}
                  height={round(TOP + PLOT_HEIGHT - okTop)}
                  data-count={String(bucket.invocations - bucket.errors)}
                />
              )}
              {bucket.errors > 0 && (
                <rect
                  class="bar-error"
                  x={x}
                  y={errorTop}
                  width={barWidth}
                  height={round(okTop - errorTop)}
                  data-count={String(bucket.errors)}
                />
              )}
            </g>
          );
        })}
      </svg>
      <div class="legend">
        <span>
          <span class="swatch bar" />
          ok
        </span>
        <span>
          <span class="swatch bar-error" />
          errors (any outcome but ok)
        </span>
      </div>
    </figure>
  );
};

/** The line of one percentile through the slices that had invocations; a gap where one had none. */
const PercentileLine: FC<{ series: ChartSeries; max: number; pick: "p50Ms" | "p99Ms"; name: string }> = ({
  series,
  max,
  pick,
  name,
}) => {
  const slot = PLOT_WIDTH / series.buckets.length;
  const runs: Array<Array<{ x: number; y: number; bucket: ChartBucket; value: number }>> = [[]];
  series.buckets.forEach((bucket, index) => {
    const value = bucket[pick];
    if (value === undefined) {
      if ((runs.at(-1)?.length ?? 0) > 0) runs.push([]);
      return;
    }
    runs.at(-1)?.push({ x: round(LEFT + (index + 0.5) * slot), y: yOf(value, max), bucket, value });
  });
  const kind = pick === "p50Ms" ? "p50" : "p99";
  return (
    <g data-series={kind}>
      {runs
        .filter((run) => run.length > 1)
        .map((run) => (
          <polyline class={`line-${kind}`} points={run.map((point) => `${point.x},${point.y}`).join(" ")} />
        ))}
      {runs.flat().map((point) => (
        <circle class={`dot-${kind}`} cx={point.x} cy={point.y} r={2.5}>
          <title>{`${bucketLabel(point.bucket)}: ${name} ${formatDuration(point.value)}`}</title>
        </circle>
      ))}
    </g>
  );
};

/** p50 and p99 wall-clock duration per slice. */
export const DurationChart: FC<{ series: ChartSeries }> = ({ series }) => {
  const max = niceCeiling(Math.max(0, ...series.buckets.map((bucket) => bucket.p99Ms ?? 0)));
  return (
    <figure class="chart">
      <figcaption id="chart-duration-title">Duration (wall clock)</figcaption>
      <svg
        viewBox={`0 0 ${WIDTH} ${HEIGHT}`}
        role="img"
        aria-labelledby="chart-duration-title"
        data-chart="duration"
      >
        <title>Duration (wall clock), p50 and p99</title>
        <Frame series={series} max={max} label={formatDuration} />
        {series.summary.invocations === 0 && <NoData />}
        <PercentileLine series={series} max={max} pick="p99Ms" name="p99" />
        <PercentileLine series={series} max={max} pick="p50Ms" name="p50" />
      </svg>
      <div class="legend">
        <span>
          <span class="swatch p50" />
          p50
        </span>
        <span>
          <span class="swatch p99" />
          p99
        </span>
      </div>
    </figure>
  );
};
