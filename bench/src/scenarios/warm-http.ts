// Warm HTTP: each peer in turn serves the hello world and the 16 KB JSON echo at each concurrency, loaded by
// autocannon in its own process; the CPU of the peer's process tree and of the generator is read over each
// measured run, and RSS of the tree after its runs.
import type { LoadResult } from "../load/load-spec.js";
import { runLoad } from "../load/run-load.js";
import { echoPayload } from "../payload.js";
import type { PeerName, PeerServer } from "../peers/peer.js";
import { startPeer, verifyPeer } from "../peers/start-peer.js";
import type { BodyKind } from "../plan.js";
import { processTreeMemory } from "../process-tree.js";
import type { WarmPeerResult, WarmRun } from "../results.js";
import { round } from "../stats.js";
import type { ScenarioContext } from "./context.js";
import { measureCpu } from "./cpu-per-request.js";

const MiB = 1024 * 1024;

/** One warm run of the plan's length: the hello world (GET) or the echo (POST of `payload`) at `connections`. */
export function warmLoad(
  { plan, timeline }: ScenarioContext,
  peer: PeerServer,
  body: BodyKind,
  connections: number,
  payload: string,
  onMeasuring?: () => void,
): Promise<LoadResult> {
  const expectedMs = (plan.warm.durationSeconds + plan.warm.warmupSeconds) * 1000 + 1_000;
  return timeline.step(expectedMs, () =>
    runLoad(
      {
        url: body === "hello" ? peer.helloUrl : peer.echoUrl,
        connections,
        durationSeconds: plan.warm.durationSeconds,
        warmupSeconds: plan.warm.warmupSeconds,
        ...(body === "echo"
          ? { method: "POST", headers: { "content-type": "application/json" }, body: payload }
          : {}),
      },
      onMeasuring === undefined ? {} : { onMeasuring },
    ),
  );
}

export async function runWarmHttp(
  context: ScenarioContext,
  peers: readonly PeerName[],
): Promise<WarmPeerResult[]> {
  const { plan, timeline, log } = context;
  const payload = echoPayload();
  const results: WarmPeerResult[] = [];
  for (const name of peers) {
    const runs: WarmRun[] = [];
    let label: string = name;
    try {
      const peer = await timeline.step(5_000, () => startPeer(name));
      label = peer.label;
      try {
        await verifyPeer(peer, payload);
        for (const body of plan.warm.bodies) {
          for (const connections of plan.warm.connections) {
            const { load: result, cpu } = await measureCpu(peer.pid, (onMeasuring) =>
              warmLoad(context, peer, body, connections, payload, onMeasuring),
            );
            runs.push({
              peer: name,
              body,
              connections,
              requestsPerSecond: round(result.requestsPerSecond, 1),
              latencyMs: result.latencyMs,
              non2xx: result.non2xx,
              errors: result.errors,
              timeouts: result.timeouts,
              ...cpu,
            });
            log(
              `warm ${label} ${body} c=${connections}: ${Math.round(result.requestsPerSecond)} req/s, ` +
                `p50 ${round(result.latencyMs.p50)} ms, p99 ${round(result.latencyMs.p99)} ms, ` +
                `CPU µs/req server ${cpu.serverCpuUsPerRequest ?? "–"} (${cpu.serverCores ?? "–"} cores), ` +
                `load generator ${cpu.generatorCpuUsPerRequest ?? "–"}` +
                (result.non2xx + result.errors > 0
                  ? `, ${result.non2xx} non-2xx, ${result.errors} errors`
                  : ""),
            );
          }
        }
        const memory = await processTreeMemory(peer.pid);
        results.push({ peer: name, label, runs, rssMiB: round(memory.totalBytes / MiB, 1) });
      } finally {
        await peer.stop();
      }
    } catch (error) {
      const message = error instanceof Error ? error.message : String(error);
      log(`warm ${label}: failed: ${message.split("\n")[0]}`);
      results.push({ peer: name, label, runs, error: message });
    }
  }
  return results;
}
