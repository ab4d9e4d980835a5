// The results as titled tables of text cells, rendered both for the terminal and for BENCHMARKS.md.
import type { BenchReport, WarmPeerResult } from "../results.js";
import { round, type Summary } from "../stats.js";
import { cpuPerRequestTable } from "./cpu-per-request.js";

export interface Table {
  title: string;
  header: string[];
  rows: string[][];
  /** Lines under the table. */
  notes?: string[];
}

const ms = (value: number) => (Number.isFinite(value) ? round(value, value < 10 ? 3 : 1).toString() : "–");
const num = (value: number, decimals = 0) =>
  Number.isFinite(value) ? round(value, decimals).toLocaleString("en-US") : "–";

/** A figure that older results or a failed reading may lack. */
const optional = (value: number | undefined, decimals = 1) =>
  value === undefined ? "–" : num(value, decimals);

export function statusOf(met: boolean | null): string {
  return met === null ? "n/a" : met ? "met" : "MISSED";
}

export function machineTable(report: BenchReport): Table {
  const m = report.machine;
  return {
    title: "Machine",
    header: ["cores", "CPU", "memory", "Node", "load avg at start", "date", "mode", "took"],
    rows: [
      [
        String(m.cores),
        m.cpuModel,
        `${m.memoryGiB} GiB`,
        m.nodeVersion,
        String(m.loadAverage),
        m.date,
        report.mode,
        `${Math.round(report.elapsedSeconds)} s`,
      ],
    ],
  };
}

export function targetsTable(report: BenchReport): Table {
  return {
    title: "Targets (issue 9 §4)",
    header: ["target", "figure", "goal", "status"],
    rows: report.targets.map((t) => [
      t.label,
      t.figure === null ? "–" : `${t.figure} ${t.unit}`,
      t.goal,
      statusOf(t.met),
    ]),
  };
}

export function warmTable(warm: WarmPeerResult[]): Table {
  const hono = warm.find((w) => w.peer === "hono");
  const rows: string[][] = [];
  for (const peer of warm) {
    if (peer.error !== undefined) {
      rows.push([peer.label, ...Array(8).fill("–"), `failed: ${peer.error.split("\n")[0]}`]);
      continue;
    }
    for (const run of peer.runs) {
      const base = hono?.runs.find((r) => r.body === run.body && r.connections === run.connections);
      const failed = run.non2xx + run.errors + run.timeouts;
      rows.push([
        peer.label,
        run.body,
        String(run.connections),
        num(run.requestsPerSecond),
        ms(run.latencyMs.p50),
        ms(run.latencyMs.p99),
        base === undefined || base.requestsPerSecond === 0
          ? "–"
          : `${round(run.requestsPerSecond / base.requestsPerSecond, 2)}×`,
        optional(run.serverCpuUsPerRequest),
        optional(run.generatorCpuUsPerRequest),
        failed === 0 ? "0" : `${run.non2xx} non-2xx, ${run.errors} errors, ${run.timeouts} timeouts`,
      ]);
    }
  }
  return {
    title: "Warm HTTP (hello world; echo = 16 KB JSON parsed and re-serialized)",
    header: [
      "peer",
      "body",
      "conns",
      "req/s",
      "p50 ms",
      "p99 ms",
      "req/s ÷ hono",
      "server CPU µs/req",
      "load gen µs/req",
      "failed",
    ],
    rows,
    notes: [
      `RSS after load (MiB, whole process tree): ${warm
        .filter((w) => w.rssMiB !== undefined)
        .map((w) => `${w.label} ${w.rssMiB}`)
        .join(", ")}`,
    ],
  };
}

export function coldTable(report: BenchReport): Table | undefined {
  const cold = report.cold;
  if (cold === undefined) return undefined;
  return {
    title: `Cold start (first request to each of ${cold.functions} never-invoked hello functions, sequential)`,
    header: [
      "round",
      "client p50 ms",
      "client p99 ms",
      "server wall p50",
      "server wall p99",
      "server CPU p50",
      "cold records",
    ],
    rows: cold.rounds.map((r) => [
      r.round,
      ms(r.clientMs.p50),
      ms(r.clientMs.p99),
      ms(r.serverWallMs.p50),
      ms(r.serverWallMs.p99),
      ms(r.serverCpuMs.p50),
      `${r.coldRecords}/${cold.functions}`,
    ]),
    notes: [
      `Server side: ${cold.serverSplit}.`,
      ...cold.rounds.map(
        (r) =>
          `${r.round}: the uncounted first requests (other functions) took ${r.firstRequestsMs.join(", ")} ms`,
      ),
    ],
  };
}

/** The cold start's phases inside the runtime, new isolate vs spare (scenarios/cold-split.ts). */
export function coldSplitTable(report: BenchReport): Table | undefined {
  const split = report.cold?.split;
  if (split === undefined) return undefined;
  const { scratch, spare } = split;
  const ahead = "ahead (spare)";
  const row = (phase: string, onScratch: Summary, onSpare: Summary | undefined) => [
    phase,
    ms(onScratch.p50),
    ms(onScratch.p99),
    onSpare === undefined ? ahead : ms(onSpare.p50),
    onSpare === undefined ? ahead : ms(onSpare.p99),
  ];
  return {
    title: `Cold start, server-side split (runtime Sandbox phases in-process, real isolates, ${split.samples} hello functions)`,
    header: [
      "phase",
      "new isolate p50 ms",
      "new isolate p99 ms",
      "from a spare p50 ms",
      "from a spare p99 ms",
    ],
    rows: [
      row("isolate creation (new Isolate)", scratch.isolateMs, undefined),
      row("prelude (context, host calls, prelude run)", scratch.preludeMs, undefined),
      row("compile (module compile, link, evaluate, setup)", scratch.compileMs, spare.compileMs),
      row("handler (first request)", scratch.handlerMs, spare.handlerMs),
      row("total on the request path", scratch.totalMs, spare.totalMs),
    ],
    notes: [
      `A spare is made ahead, off the request path: isolate ${ms(spare.isolateMs.p50)}, prelude ` +
        `${ms(spare.preludeMs.p50)}, warm-up ${ms(spare.warmUpMs.p50)} ms (p50).`,
      `Once per worker, ${ms(split.preludeCacheMs)} ms: a throwaway isolate runs the prelude, the warm-up and one ` +
        "request, so that the prelude's code cache carries the functions they compile.",
    ],
  };
}

export function memoryTable(report: BenchReport): Table | undefined {
  const memory = report.memory;
  if (memory === undefined) return undefined;
  const notes = memory.perIsolateMiB.map(
    (p) => `${p.from} → ${p.to} isolates: ${p.mib} MiB per additional isolate`,
  );
  const rr = memory.roundRobin;
  if (rr !== undefined) {
    notes.push(
      `${rr.functions} functions round-robin, ${rr.requests} requests (${rr.failed} failed), cache bound ` +
        `${rr.maxIsolatesPerWorker} isolates per worker: RSS peak ${rr.peakFirstHalfMiB} MiB (1st half) → ` +
        `${rr.peakSecondHalfMiB} MiB (2nd half), ${rr.bounded ? "bounded" : "NOT bounded"}`,
    );
  }
  return {
    title: "Memory (RSS of skiff serve and its runtime workers)",
    header: ["warm hello isolates", "RSS MiB", "processes"],
    rows: memory.levels.map((l) => [String(l.isolates), String(l.rssMiB), String(l.processes)]),
    notes,
  };
}

export function asyncTable(report: BenchReport): Table | undefined {
  const rows: string[][] = [];
  const a = report.async;
  if (a !== undefined) {
    rows.push([
      `async invoke, ${a.events} events to ${a.functions} function(s), after ${a.warmupEvents} not counted`,
      `${num(a.deliveredPerSecond)} delivered/s (enqueued at ${num(a.enqueuedPerSecond)}/s; ${a.seconds} s; ${a.failedOutcomes} failed); the warm-up ${num(a.warmupDeliveredPerSecond)} delivered/s`,
    ]);
  }
  const c = report.cron;
  if (c !== undefined) {
    rows.push([
      `cron lag, idle machine (${c.idleLagMs.count} runs of ${c.functions} functions)`,
      `p50 ${ms(c.idleLagMs.p50)} ms, p99 ${ms(c.idleLagMs.p99)} ms, max ${ms(c.idleLagMs.max)} ms`,
    ]);
    rows.push([
      `cron lag, under benchmark load (${c.busyLagMs.count} runs)`,
      `p50 ${ms(c.busyLagMs.p50)} ms, p99 ${ms(c.busyLagMs.p99)} ms, max ${ms(c.busyLagMs.max)} ms`,
    ]);
  }
  if (rows.length === 0) return undefined;
  return { title: "Async delivery and cron", header: ["what", "figure"], rows };
}

export function deployTable(report: BenchReport): Table | undefined {
  const d = report.deploy;
  if (d === undefined) return undefined;
  return {
    title: "Deploy latency (admin API PUT of a new function, client-side)",
    header: ["bundle", "deploys", "p50 ms", "p99 ms", "max ms"],
    rows: [
      ["hello world", String(d.helloMs.count), ms(d.helloMs.p50), ms(d.helloMs.p99), ms(d.helloMs.max)],
      [
        `${round(d.bundleBytes / 1024 / 1024, 2)} MB bundle`,
        String(d.bundleMs.count),
        ms(d.bundleMs.p50),
        ms(d.bundleMs.p99),
        ms(d.bundleMs.max),
      ],
    ],
  };
}

export function allTables(report: BenchReport): Table[] {
  const tables = [machineTable(report), targetsTable(report)];
  if (report.warm !== undefined) tables.push(warmTable(report.warm), cpuPerRequestTable(report));
  for (const table of [
    coldTable(report),
    coldSplitTable(report),
    memoryTable(report),
    asyncTable(report),
    deployTable(report),
  ]) {
    if (table !== undefined) tables.push(table);
  }
  if (report.errors.length > 0) {
    tables.push({
      title: "Scenarios that failed",
      header: ["error"],
      rows: report.errors.map((e) => [e.split("\n")[0] ?? e]),
    });
  }
  return tables;
}
