// The "CPU per request" section: what each peer's process tree spent per warm hello at c=100, and the budget a
// server has per request to reach issue 9's req/s goals on this machine, where it shares the cores with the load
// generator. Explanations beside the targets, not targets themselves.
import type { PeerName } from "../peers/peer.js";
import type { BenchReport, WarmPeerResult, WarmRun } from "../results.js";
import { round } from "../stats.js";
import type { Table } from "./tables.js";

const CONNECTIONS = 100;
const DASH = "–";
/** Both Skiff configurations are named even in runs that did not measure them, with a dash for a figure. */
const SKIFF_LABELS = { skiff: "Skiff", "skiff-direct": "Skiff (direct data plane)" } as const;

const figure = (value: number | undefined, decimals = 1) =>
  value === undefined || !Number.isFinite(value) ? DASH : round(value, decimals).toLocaleString("en-US");

function helloRun(warm: readonly WarmPeerResult[], peer: PeerName): WarmRun | undefined {
  const result = warm.find((w) => w.peer === peer && w.error === undefined);
  return result?.runs.find((r) => r.body === "hello" && r.connections === CONNECTIONS);
}

/**
 * µs of server CPU a request may cost for `requestsPerSecond` on `cores` cores shared with a load generator
 * that spends `generatorUs` per request: undefined when either figure is missing.
 * @example serverBudgetUs(2, 18_700, 20) // ≈ 86.95
 */
export function serverBudgetUs(
  cores: number,
  requestsPerSecond: number | undefined,
  generatorUs: number | undefined,
): number | undefined {
  if (requestsPerSecond === undefined || requestsPerSecond <= 0 || generatorUs === undefined)
    return undefined;
  return (cores * 1e6) / requestsPerSecond - generatorUs;
}

export function cpuPerRequestTable(report: Pick<BenchReport, "machine" | "warm">): Table {
  const warm = report.warm ?? [];
  const cores = report.machine.cores;
  const rows = warm.map((peer) => {
    const run = helloRun(warm, peer.peer);
    return [
      peer.label,
      figure(run?.requestsPerSecond, 0),
      figure(run?.serverCpuUsPerRequest),
      figure(run?.serverCores, 2),
      figure(run?.generatorCpuUsPerRequest),
    ];
  });
  const workerd = helloRun(warm, "workerd");
  const hono = helloRun(warm, "hono");
  // The generator's cost per answer depends on the rate it drives (its fixed costs spread over fewer answers at a
  // lower one): each budget takes it from the run of the peer that set the goal.
  const budget = (goal: string, peer: WarmRun | undefined, share = 1) => {
    const requestsPerSecond = peer === undefined ? undefined : share * peer.requestsPerSecond;
    const generatorUs = peer?.generatorCpuUsPerRequest;
    const us = serverBudgetUs(cores, requestsPerSecond, generatorUs);
    return us === undefined
      ? `Server CPU budget per request to match ${goal} here: ${DASH}`
      : `Server CPU budget per request to match ${goal} here: ${cores} cores × 1e6 ÷ ${figure(
          requestsPerSecond,
          0,
        )} req/s − ${figure(generatorUs)} µs (load generator, in that peer's run) = ${figure(us)} µs`;
  };
  const vsWorkerd = (peer: keyof typeof SKIFF_LABELS) => {
    const own = helloRun(warm, peer)?.serverCpuUsPerRequest;
    const base = workerd?.serverCpuUsPerRequest;
    const ratio = own === undefined || base === undefined || base === 0 ? undefined : own / base;
    return `${SKIFF_LABELS[peer]} ÷ workerd, server CPU per request: ${ratio === undefined ? DASH : `${figure(ratio, 2)}×`}`;
  };
  return {
    title: `CPU per request (warm hello, c=${CONNECTIONS})`,
    header: ["peer", "req/s", "server CPU µs/req", "server cores used", "load generator µs/req"],
    rows,
    notes: [
      `Server CPU is user + system time of the peer's whole process tree (runtime workers included), read from ` +
        `/proc over the measured window, ÷ the requests answered (2xx and non-2xx); cores used = its CPU s ÷ wall s. ` +
        `The load generator's own CPU is counted the same way; both share this machine's ${cores} cores.`,
      `A budget is the machine's CPU per request at the goal's rate, less the load generator's: what a server that ` +
        `uses every core (as Skiff does) may spend. workerd and @hono/node-server themselves are bound by one core.`,
      budget("workerd's req/s", workerd),
      budget("0.6× @hono/node-server's req/s", hono, 0.6),
      vsWorkerd("skiff"),
      vsWorkerd("skiff-direct"),
    ],
  };
}
