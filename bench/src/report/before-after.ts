// The "Before/after" section of BENCHMARKS.md: warm-HTTP runs recorded with `--record <label>` while a change
// was being made (kept in bench/before-after.json), each beside the peers of the same run, so that what a change
// gained reads as ratios measured side by side, plus the hand-written notes on what each step changed
// (bench/before-after-notes.md).
import type { PeerName } from "../peers/peer.js";
import type { BodyKind } from "../plan.js";
import type { BenchReport, ColdRoundName } from "../results.js";
import { round } from "../stats.js";

/** One measured configuration of one recorded run. */
export interface RecordedWarmRun {
  peer: PeerName;
  body: BodyKind;
  connections: number;
  requestsPerSecond: number;
  p50Ms: number;
  p99Ms: number;
  failed: number;
  /** The peer's process-tree CPU per answered request (µs); absent in runs recorded before it was measured. */
  serverCpuUsPerRequest?: number;
}

/** Cold start, async delivery and cron lag of one recorded run, for those of its scenarios that ran. */
export interface RecordedOperations {
  cold?: Array<{ round: ColdRoundName; clientP50Ms: number; clientP99Ms: number; serverWallP50Ms: number }>;
  async?: { deliveredPerSecond: number; enqueuedPerSecond: number };
  cron?: { runs: number; idleP50Ms: number; idleP99Ms: number };
}

export interface RecordedRun {
  label: string;
  date: string;
  loadAverage: number;
  warm: RecordedWarmRun[];
  operations?: RecordedOperations;
}

/**
 * What `--record <label>` keeps of a run: its warm results and its cold-start, async and cron figures, with the
 * machine's load when it started.
 */
export function recordedRun(
  report: Pick<BenchReport, "machine" | "warm" | "cold" | "async" | "cron">,
  label: string,
): RecordedRun {
  const warm: RecordedWarmRun[] = [];
  for (const peer of report.warm ?? []) {
    if (peer.error !== undefined) continue;
    for (const run of peer.runs) {
      warm.push({
        peer: run.peer,
        body: run.body,
        connections: run.connections,
        requestsPerSecond: round(run.requestsPerSecond),
        p50Ms: round(run.latencyMs.p50),
        p99Ms: round(run.latencyMs.p99),
        failed: run.non2xx + run.errors + run.timeouts,
        ...(run.serverCpuUsPerRequest === undefined
          ? {}
          : { serverCpuUsPerRequest: run.serverCpuUsPerRequest }),
      });
    }
  }
  const operations = recordedOperations(report);
  return {
    label,
    date: report.machine.date,
    loadAverage: report.machine.loadAverage,
    warm,
    ...(operations === undefined ? {} : { operations }),
  };
}

function recordedOperations(
  report: Pick<BenchReport, "cold" | "async" | "cron">,
): RecordedOperations | undefined {
  const operations: RecordedOperations = {};
  if (report.cold !== undefined) {
    operations.cold = report.cold.rounds.map((r) => ({
      round: r.round,
      clientP50Ms: round(r.clientMs.p50),
      clientP99Ms: round(r.clientMs.p99),
      serverWallP50Ms: round(r.serverWallMs.p50),
    }));
  }
  if (report.async !== undefined) {
    const { deliveredPerSecond, enqueuedPerSecond } = report.async;
    operations.async = { deliveredPerSecond, enqueuedPerSecond };
  }
  if (report.cron !== undefined && report.cron.idleLagMs.count > 0) {
    const lag = report.cron.idleLagMs;
    operations.cron = { runs: lag.count, idleP50Ms: round(lag.p50), idleP99Ms: round(lag.p99) };
  }
  return Object.keys(operations).length === 0 ? undefined : operations;
}

/** Parses bench/before-after.json; anything unreadable counts as no runs yet. */
export function parseRecordedRuns(text: string | undefined): RecordedRun[] {
  if (text === undefined) return [];
  try {
    const parsed = JSON.parse(text) as unknown;
    return Array.isArray(parsed) ? (parsed as RecordedRun[]) : [];
  } catch {
    return [];
  }
}

const figure = (value: number | undefined, digits = 2) =>
  value === undefined || !Number.isFinite(value)
    ? "–"
    : String(Math.round(value * 10 ** digits) / 10 ** digits);

/**
 * The section: notes first, then one row per recorded run and hello concurrency with Skiff's figures and its
 * ratios to the peers measured in the same run.
 */
export function beforeAfterMarkdown(
  runs: readonly RecordedRun[],
  notes: string | undefined,
  operationsNotes?: string,
): string {
  const lines = ["## Before/after (warm path, issue 9 §4)", "", (notes ?? "").trim(), ""];
  lines.push(
    "| run | load avg | conns | Skiff req/s | ÷ hono | ÷ workerd | Skiff p50 ms | hono p50 ms | workerd p50 ms | added p50 ms | Skiff failed | Skiff server CPU µs/req |",
    "|---|---|---|---|---|---|---|---|---|---|---|---|",
  );
  for (const run of runs) {
    const find = (peer: PeerName, connections: number) =>
      run.warm.find((w) => w.peer === peer && w.body === "hello" && w.connections === connections);
    const levels = [...new Set(run.warm.filter((w) => w.body === "hello").map((w) => w.connections))].sort(
      (a, b) => a - b,
    );
    // Runs since the direct data plane have a second Skiff row per level: the same server through that port.
    const skiffs = (["skiff", "skiff-direct"] as const).filter((peer) =>
      run.warm.some((w) => w.peer === peer),
    );
    for (const connections of levels) {
      for (const peer of skiffs) {
        const skiff = find(peer, connections);
        const hono = find("hono", connections);
        const workerd = find("workerd", connections);
        const ratio = (other: RecordedWarmRun | undefined) =>
          skiff === undefined || other === undefined || other.requestsPerSecond === 0
            ? undefined
            : skiff.requestsPerSecond / other.requestsPerSecond;
        const label = peer === "skiff" ? run.label : `${run.label}, direct data plane`;
        lines.push(
          `| ${label} (${run.date.slice(0, 16).replace("T", " ")}) | ${run.loadAverage} | ${connections} | ${figure(
            skiff?.requestsPerSecond,
            0,
          )} | ${figure(ratio(hono), 3)} | ${figure(ratio(workerd), 3)} | ${figure(skiff?.p50Ms, 3)} | ${figure(
            hono?.p50Ms,
            3,
          )} | ${figure(workerd?.p50Ms, 3)} | ${figure(
            skiff === undefined || hono === undefined ? undefined : skiff.p50Ms - hono.p50Ms,
            3,
          )} | ${figure(skiff?.failed, 0)} | ${figure(skiff?.serverCpuUsPerRequest, 1)} |`,
        );
      }
    }
  }
  lines.push(...operationsTable(runs, operationsNotes));
  return lines.join("\n");
}

const COLD_ROUNDS: readonly ColdRoundName[] = ["after-deploy", "restart-with-cache", "restart-without-cache"];

/**
 * Cold start (client p50/p99 per round), async delivery and cron lag of the runs that measured any of them:
 * the targets of issue 9 §4 besides warm HTTP, with the notes on what changed them.
 */
function operationsTable(runs: readonly RecordedRun[], notes: string | undefined): string[] {
  const measured = runs.filter((run) => run.operations !== undefined);
  if (measured.length === 0) return [];
  const lines = [
    "",
    "### Cold start, async delivery and cron lag",
    "",
    (notes ?? "").trim(),
    "",
    `| run | load avg | ${COLD_ROUNDS.map((r) => `cold ${r} p50 / p99 ms`).join(" | ")} | async delivered/s (enqueued/s) | cron lag p50 / p99 ms (runs) |`,
    `|---|---|${COLD_ROUNDS.map(() => "---|").join("")}---|---|`,
  ];
  for (const run of measured) {
    const { cold, async: delivery, cron } = run.operations ?? {};
    const rounds = COLD_ROUNDS.map((name) => {
      const r = cold?.find((c) => c.round === name);
      return r === undefined ? "–" : `${figure(r.clientP50Ms, 1)} / ${figure(r.clientP99Ms, 1)}`;
    });
    lines.push(
      `| ${run.label} (${run.date.slice(0, 16).replace("T", " ")}) | ${run.loadAverage} | ${rounds.join(" | ")} | ${
        delivery === undefined
          ? "–"
          : `${figure(delivery.deliveredPerSecond, 0)} (${figure(delivery.enqueuedPerSecond, 0)})`
      } | ${cron === undefined ? "–" : `${figure(cron.idleP50Ms, 0)} / ${figure(cron.idleP99Ms, 0)} (${cron.runs})`} |`,
    );
  }
  return lines;
}
