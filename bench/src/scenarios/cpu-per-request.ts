// CPU per answered request of one measured load run, the server's (its whole process tree, from /proc) beside
// the load generator's own: on a machine the two share, what each request costs is what bounds req/s.
import type { LoadResult } from "../load/load-spec.js";
import { sampleTreeCpu, type TreeCpuSample, treeCpuBetween } from "../process-cpu.js";
import { processTreePids } from "../process-tree.js";
import type { WarmRun } from "../results.js";
import { round } from "../stats.js";

export type CpuFigures = Pick<WarmRun, "serverCpuUsPerRequest" | "serverCores" | "generatorCpuUsPerRequest">;

/**
 * Runs `load`, sampling the CPU of `serverPid`'s tree when the generator starts measuring and right after it
 * ends. The first sample is taken a few ms after the measured run began (the marker crosses a pipe), the last a
 * few ms after it ended, when the server is idle again: both windows miss or add little against seconds of load.
 * @example
 * const { load, cpu } = await measureCpu(peer.pid, (onMeasuring) => runLoad(spec, { onMeasuring }));
 */
export async function measureCpu(
  serverPid: number,
  load: (onMeasuring: () => Promise<unknown>) => Promise<LoadResult>,
): Promise<{ load: LoadResult; cpu: CpuFigures }> {
  let before: Promise<TreeCpuSample | undefined> | undefined;
  // Found before the load starts: at the marker, only the tree's own /proc files are read, not all of /proc
  // while the measured requests are already running.
  const pids = await processTreePids(serverPid).catch(() => undefined);
  // Returns the first sample's promise (it never rejects) for callers that can wait for it; runLoad does not.
  const result = await load(() => {
    before = sampleTreeCpu(serverPid, pids).catch(() => undefined);
    return before;
  });
  const after = await sampleTreeCpu(serverPid).catch(() => undefined);
  const usage = treeCpuBetween(await before, after);
  return {
    load: result,
    cpu: cpuFigures(result, usage?.cpuSeconds, usage?.wallSeconds),
  };
}

/** The per-request figures of a run; a figure that cannot be known (no requests, no sample) is left out. */
export function cpuFigures(
  load: Pick<LoadResult, "requests" | "non2xx" | "generatorCpuMs">,
  serverCpuSeconds: number | undefined,
  wallSeconds: number | undefined,
): CpuFigures {
  const answered = load.requests + load.non2xx;
  if (answered === 0) return {};
  const figures: CpuFigures = {};
  if (serverCpuSeconds !== undefined) {
    figures.serverCpuUsPerRequest = round((serverCpuSeconds * 1e6) / answered, 1);
    if (wallSeconds !== undefined && wallSeconds > 0)
      figures.serverCores = round(serverCpuSeconds / wallSeconds, 2);
  }
  if (load.generatorCpuMs !== undefined) {
    figures.generatorCpuUsPerRequest = round((load.generatorCpuMs * 1000) / answered, 1);
  }
  return figures;
}
