// `npm run bench -- --ceiling`: what removing the IPC hop to the runtime workers could reach at most. In one run,
// the same hello world and echo under the same load: Skiff; the runtime's own Sandbox called inside a node:http
// server, in one process and in one per core (no gateway process, no IPC, no records or limits: an upper bound
// for runtime workers that accept connections themselves); a bare isolated-vm call per request (the floor under
// any design that runs handlers in isolates from Node); workerd and bare node:http for scale.
import { availableParallelism } from "node:os";
import { echoPayload } from "../payload.js";
import { startNodeHttpPeer } from "../peers/node-peers.js";
import { type PeerServer, startNodeServer } from "../peers/peer.js";
import { startSkiffPeer } from "../peers/skiff-peer.js";
import { verifyPeer } from "../peers/start-peer.js";
import { startWorkerdPeer } from "../peers/workerd-peer.js";
import type { BodyKind } from "../plan.js";
import type { RecordedWarmRun } from "../report/before-after.js";
import type { Table } from "../report/tables.js";
import type { ScenarioContext } from "../scenarios/context.js";
import { measureCpu } from "../scenarios/cpu-per-request.js";
import { warmLoad } from "../scenarios/warm-http.js";
import { round } from "../stats.js";

/** One server under one load: the figures a recorded warm run keeps, for a server that is not a peer. */
export type CeilingRun = Omit<RecordedWarmRun, "peer"> & {
  server: string;
  /** The load generator's own CPU per answered request (µs), measured as the server's. */
  generatorCpuUsPerRequest?: number;
};

interface CeilingServer {
  label: string;
  start(): Promise<PeerServer>;
}

const LOADS: ReadonlyArray<{ body: BodyKind; connections: number }> = [
  { body: "hello", connections: 1 },
  { body: "hello", connections: 100 },
  { body: "echo", connections: 10 },
];

/** The servers compared, in table order. */
export function ceilingServers(cores = availableParallelism()): CeilingServer[] {
  const sandboxes = (processes: number) =>
    startNodeServer(
      `Sandbox in node:http × ${processes}`,
      "probes/sandbox-http-server.js",
      ["--no-node-snapshot"],
      {
        PROBE_PROCESSES: String(processes),
      },
    );
  return [
    { label: "Skiff", start: startSkiffPeer },
    { label: "Sandbox in node:http × 1", start: () => sandboxes(1) },
    { label: `Sandbox in node:http × ${cores}`, start: () => sandboxes(cores) },
    {
      label: "bare isolated-vm call",
      start: () =>
        startNodeServer("bare isolated-vm call", "probes/isolate-floor-server.js", ["--no-node-snapshot"]),
    },
    { label: "workerd", start: startWorkerdPeer },
    { label: "node:http", start: startNodeHttpPeer },
  ];
}

export async function runCeiling(context: ScenarioContext): Promise<CeilingRun[]> {
  const { timeline, log } = context;
  const payload = echoPayload();
  const runs: CeilingRun[] = [];
  for (const server of ceilingServers()) {
    const peer = await timeline.step(10_000, () => server.start());
    try {
      await verifyPeer(peer, payload);
      for (const { body, connections } of LOADS) {
        // CPU per request, as in the warm scenario: what each design costs is what bounds req/s on shared cores.
        const { load: result, cpu } = await measureCpu(peer.pid, (onMeasuring) =>
          warmLoad(context, peer, body, connections, payload, onMeasuring),
        );
        runs.push({
          server: server.label,
          body,
          connections,
          requestsPerSecond: round(result.requestsPerSecond, 1),
          p50Ms: result.latencyMs.p50,
          p99Ms: result.latencyMs.p99,
          failed: result.non2xx + result.errors + result.timeouts,
          ...(cpu.serverCpuUsPerRequest === undefined
            ? {}
            : { serverCpuUsPerRequest: cpu.serverCpuUsPerRequest }),
          ...(cpu.generatorCpuUsPerRequest === undefined
            ? {}
            : { generatorCpuUsPerRequest: cpu.generatorCpuUsPerRequest }),
        });
        log(
          `ceiling ${server.label} ${body} c=${connections}: ${Math.round(result.requestsPerSecond)} req/s, ` +
            `server CPU ${cpu.serverCpuUsPerRequest ?? "–"} µs/req`,
        );
      }
    } finally {
      await peer.stop();
    }
  }
  return runs;
}

export function ceilingTable(runs: readonly CeilingRun[]): Table {
  const workerd = (run: CeilingRun) =>
    runs.find((r) => r.server === "workerd" && r.body === run.body && r.connections === run.connections);
  const ratio = (run: CeilingRun) => {
    const peer = workerd(run)?.requestsPerSecond;
    return peer === undefined || peer === 0 ? "–" : `${round(run.requestsPerSecond / peer, 2)}×`;
  };
  return {
    title: "Ceiling: what taking the IPC hop away could reach (`--ceiling`)",
    header: [
      "server",
      "body",
      "conns",
      "req/s",
      "p50 ms",
      "p99 ms",
      "req/s ÷ workerd",
      "server CPU µs/req",
      "load gen µs/req",
      "failed",
    ],
    rows: runs.map((run) => [
      run.server,
      run.body,
      String(run.connections),
      Math.round(run.requestsPerSecond).toLocaleString("en-US"),
      String(round(run.p50Ms, 3)),
      String(round(run.p99Ms, 3)),
      ratio(run),
      run.serverCpuUsPerRequest === undefined ? "–" : String(run.serverCpuUsPerRequest),
      run.generatorCpuUsPerRequest === undefined ? "–" : String(run.generatorCpuUsPerRequest),
      String(run.failed),
    ]),
    notes: [
      "Sandbox in node:http: the runtime's own Sandbox, warm, called on the synchronous path from a node:http server " +
        "in the same process (× N: one such process per core on one port, node:cluster). No gateway process, IPC, " +
        "invocation records, limits or metrics: an upper bound for runtime workers that accept connections themselves.",
      "bare isolated-vm call: one `applySync` per request into a plain function, no prelude and no Request or " +
        "Response: the floor under any design that runs handlers in V8 isolates from Node.",
      "Server CPU: user + system time of the server's whole process tree over the measured run, ÷ the requests " +
        "answered; the load generator's the same. On shared cores, req/s ≈ cores × 1e6 ÷ (server + generator µs).",
    ],
  };
}
