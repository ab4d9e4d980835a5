// Issue 9's targets, each as a figure from this run with met / missed (null: not measured in this run).
import type { BenchReport, TargetResult, WarmPeerResult } from "./results.js";
import { round } from "./stats.js";

type Measured = Omit<BenchReport, "targets" | "elapsedSeconds">;

function warmRun(warm: WarmPeerResult[] | undefined, peer: string, connections: number) {
  const result = warm?.find((w) => w.peer === peer && w.error === undefined);
  return result?.runs.find((r) => r.body === "hello" && r.connections === connections);
}

function target(
  id: string,
  label: string,
  figure: number | undefined,
  unit: string,
  goal: string,
  meets: (figure: number) => boolean,
): TargetResult {
  const known = figure !== undefined && Number.isFinite(figure);
  return {
    id,
    label,
    figure: known ? round(figure) : null,
    unit,
    goal,
    met: known ? meets(figure) : null,
  };
}

/** The Skiff configurations the warm targets are judged for: through the gateway's port, and direct. */
const SKIFF_WARM = [
  { peer: "skiff", suffix: "", label: "Skiff" },
  { peer: "skiff-direct", suffix: "-direct", label: "Skiff (direct data plane)" },
] as const;

export function evaluateTargets(report: Measured): TargetResult[] {
  const workerd100 = warmRun(report.warm, "workerd", 100);
  const hono100 = warmRun(report.warm, "hono", 100);
  const hono1 = warmRun(report.warm, "hono", 1);
  const ratio = (a: number | undefined, b: number | undefined) =>
    a === undefined || b === undefined || b === 0 ? undefined : a / b;
  const targets: TargetResult[] = [];
  for (const { peer, suffix, label } of SKIFF_WARM) {
    // The direct plane is judged only in runs that measured it; the gateway's port always (null if not run).
    if (suffix !== "" && !report.warm?.some((w) => w.peer === peer)) continue;
    const skiff100 = warmRun(report.warm, peer, 100);
    const skiff1 = warmRun(report.warm, peer, 1);
    targets.push(
      target(
        `rps-vs-workerd${suffix}`,
        `warm hello req/s at c=100, ${label} ÷ workerd`,
        ratio(skiff100?.requestsPerSecond, workerd100?.requestsPerSecond),
        "×",
        "≥ 1.0×",
        (f) => f >= 1.0,
      ),
      target(
        `rps-vs-hono${suffix}`,
        `warm hello req/s at c=100, ${label} ÷ @hono/node-server`,
        ratio(skiff100?.requestsPerSecond, hono100?.requestsPerSecond),
        "×",
        "≥ 0.6×",
        (f) => f >= 0.6,
      ),
      target(
        `added-latency${suffix}`,
        `warm hello p50 at c=1, ${label} − @hono/node-server`,
        skiff1 === undefined || hono1 === undefined ? undefined : skiff1.latencyMs.p50 - hono1.latencyMs.p50,
        "ms",
        "≤ 0.25 ms",
        (f) => f <= 0.25,
      ),
    );
  }
  for (const coldRound of report.cold?.rounds ?? []) {
    targets.push(
      target(
        `cold-p50-${coldRound.round}`,
        `cold start p50, client-side (${coldRound.round})`,
        coldRound.clientMs.p50,
        "ms",
        "≤ 5 ms",
        (f) => f <= 5,
      ),
      target(
        `cold-p99-${coldRound.round}`,
        `cold start p99, client-side (${coldRound.round})`,
        coldRound.clientMs.p99,
        "ms",
        "≤ 15 ms",
        (f) => f <= 15,
      ),
    );
  }
  if (report.cold === undefined) {
    targets.push(target("cold-p50", "cold start p50, client-side", undefined, "ms", "≤ 5 ms", () => false));
  }
  const perIsolate = report.memory?.perIsolateMiB.at(-1);
  targets.push(
    target(
      "rss-per-isolate",
      perIsolate === undefined
        ? "RSS per additional warm hello isolate"
        : `RSS per additional warm hello isolate (${perIsolate.from} → ${perIsolate.to})`,
      perIsolate?.mib,
      "MiB",
      "≤ 3 MB",
      (f) => f <= 3,
    ),
  );
  if (report.memory?.roundRobin !== undefined) {
    const rr = report.memory.roundRobin;
    targets.push(
      target(
        "rss-bounded",
        `RSS with ${rr.functions} functions round-robin, 2nd-half peak ÷ 1st-half peak`,
        rr.peakFirstHalfMiB > 0 ? rr.peakSecondHalfMiB / rr.peakFirstHalfMiB : undefined,
        "×",
        "≤ 1.1× (bounded)",
        (f) => f <= 1.1,
      ),
    );
  }
  targets.push(
    target(
      "async-throughput",
      "async events delivered per second",
      report.async?.deliveredPerSecond,
      "/s",
      "≥ 2000/s",
      (f) => f >= 2000,
    ),
    target(
      "cron-lag-p99",
      "cron lag p99 (scheduled → handler start, idle machine)",
      report.cron !== undefined && report.cron.idleLagMs.count > 0 ? report.cron.idleLagMs.p99 : undefined,
      "ms",
      "≤ 100 ms",
      (f) => f <= 100,
    ),
  );
  return targets;
}
