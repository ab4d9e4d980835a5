// Memory: RSS of the whole platform (the serve process and its runtime workers) with 0, 100, 1000… warm hello
// isolates, hence the cost of one more; in --full also many deployed functions called round-robin under a small
// isolate cache bound, where RSS must stay bounded.
import { helloVariant } from "../code-variants.js";
import { runLoad } from "../load/run-load.js";
import { helloModule } from "../peers/skiff-peer.js";
import { type SkiffServer, startSkiff } from "../peers/skiff-server.js";
import { processTreeMemory } from "../process-tree.js";
import type { MemoryLevel, MemoryResult, RoundRobinResult } from "../results.js";
import { round } from "../stats.js";
import { mapParallel, type ScenarioContext, sleep } from "./context.js";

const MiB = 1024 * 1024;
/** Lets allocation settle (spares refilled, buffers freed) before RSS is read. */
const SETTLE_MS = 1_500;
const RSS_SAMPLE_MS = 2_000;

export async function runMemory(context: ScenarioContext): Promise<MemoryResult> {
  const { plan, timeline, log } = context;
  const hello = await helloModule();
  const server = await timeline.step(5_000, () => startSkiff());
  const levels: MemoryLevel[] = [];
  try {
    // The first deploy starts helpers that stay (esbuild's service process): part of the baseline, not of
    // the isolates.
    await server.admin.allowFunctions(Math.max(...plan.memory.levels) + 1, server.operatorKey);
    await server.admin.deploy("mem-baseline", helloVariant(hello, "baseline"));
    let deployed = 0;
    for (const level of [...plan.memory.levels].sort((a, b) => a - b)) {
      const names = Array.from({ length: level - deployed }, (_, i) => `mem-${deployed + i}`);
      await timeline.step(names.length * 60, () => deployAll(server, names, hello, plan.setupParallelism));
      if (names.length > 0) {
        const warmed = await timeline.step(names.length * 20 + 1_000, () =>
          runLoad({
            url: `${server.url}/`,
            connections: 1,
            amount: names.length,
            paths: names.map((name) => `/fn/default/${name}`),
          }),
        );
        // autocannon may stop one short of `amount` over a list of paths (seen at 900): only failures count.
        const failed = warmed.non2xx + warmed.errors + warmed.timeouts;
        if (failed > 0 || warmed.requests < names.length * 0.99) {
          throw new Error(
            `warming ${names.length} functions got ${warmed.requests} 2xx answers (statuses ${JSON.stringify(warmed.statusCodes)}, ${warmed.errors} errors, ${warmed.timeouts} timeouts)`,
          );
        }
      }
      deployed = level;
      await sleep(SETTLE_MS);
      const memory = await processTreeMemory(server.pid);
      levels.push({
        isolates: level,
        rssMiB: round(memory.totalBytes / MiB, 1),
        processes: memory.processes.length,
      });
      log(
        `memory: ${level} warm isolates: ${round(memory.totalBytes / MiB, 1)} MiB in ${memory.processes.length} processes`,
      );
    }
  } finally {
    await server.stop();
  }
  const perIsolateMiB = levels.slice(1).map((level, i) => {
    const previous = levels[i] as MemoryLevel;
    return {
      from: previous.isolates,
      to: level.isolates,
      mib: round((level.rssMiB - previous.rssMiB) / (level.isolates - previous.isolates)),
    };
  });
  const result: MemoryResult = { levels, perIsolateMiB };
  if (plan.memory.roundRobin !== undefined) result.roundRobin = await runRoundRobin(context, hello);
  return result;
}

async function deployAll(server: SkiffServer, names: string[], hello: string, parallelism: number) {
  await mapParallel(names, parallelism, (name) => server.admin.deploy(name, helloVariant(hello, name)));
}

async function runRoundRobin(context: ScenarioContext, hello: string): Promise<RoundRobinResult> {
  const { plan, timeline, log } = context;
  const spec = plan.memory.roundRobin as NonNullable<typeof plan.memory.roundRobin>;
  const server = await timeline.step(5_000, () =>
    startSkiff({ env: { SKIFF_MAX_ISOLATES: String(spec.maxIsolatesPerWorker) } }),
  );
  try {
    const names = Array.from({ length: spec.functions }, (_, i) => `rr-${i}`);
    log(`memory round-robin: deploying ${names.length} functions`);
    await server.admin.allowFunctions(names.length, server.operatorKey);
    await timeline.step(names.length * 60, () => deployAll(server, names, hello, plan.setupParallelism));
    const samples: number[] = [];
    let running = true;
    const sampler = (async () => {
      while (running) {
        samples.push(round((await processTreeMemory(server.pid)).totalBytes / MiB, 1));
        await sleep(RSS_SAMPLE_MS);
      }
    })();
    const requests = names.length * spec.rounds;
    let load: Awaited<ReturnType<typeof runLoad>>;
    try {
      load = await timeline.step(requests * 5, () =>
        runLoad(
          {
            url: `${server.url}/`,
            // One connection: autocannon starts every connection at the first path, so more would not cycle
            // through all the functions.
            connections: 1,
            amount: requests,
            paths: names.map((name) => `/fn/default/${name}`),
          },
          { deadlineMs: requests * 50 + 60_000 },
        ),
      );
    } finally {
      running = false;
      await sampler;
    }
    const half = Math.floor(samples.length / 2);
    const peakFirstHalfMiB = Math.max(...samples.slice(0, half));
    const peakSecondHalfMiB = Math.max(...samples.slice(half));
    const result = {
      functions: names.length,
      maxIsolatesPerWorker: spec.maxIsolatesPerWorker,
      requests: load.requests,
      failed: load.non2xx + load.errors + load.timeouts,
      samplesMiB: samples,
      peakFirstHalfMiB,
      peakSecondHalfMiB,
      // Bounded: once the cache is full, calling ever more functions does not keep growing RSS.
      bounded: peakSecondHalfMiB <= peakFirstHalfMiB * 1.1,
    };
    log(
      `memory round-robin: peak ${peakFirstHalfMiB} → ${peakSecondHalfMiB} MiB, bounded: ${result.bounded}`,
    );
    return result;
  } finally {
    await server.stop();
  }
}
