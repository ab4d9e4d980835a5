// Cold start: the first request to each of N never-invoked functions, sequentially, in three rounds: right after
// deploy; after a restart with the compile cache (<data-dir>/compile-cache) kept; after a restart without it.
// Client-side latency is timed here; the server side comes from each invocation's record, and its split by phase
// from the runtime's own Sandbox timed in-process (cold-split.ts).
import { rm } from "node:fs/promises";
import { join } from "node:path";
import { request } from "undici";
import { helloVariant } from "../code-variants.js";
import type { InvocationSummary, SkiffAdmin } from "../peers/skiff-admin.js";
import { helloModule } from "../peers/skiff-peer.js";
import { type SkiffServer, startSkiff } from "../peers/skiff-server.js";
import type { ColdResult, ColdRound, ColdRoundName } from "../results.js";
import { round, summarize } from "../stats.js";
import { runColdSplit } from "./cold-split.js";
import { mapParallel, type ScenarioContext, sleep } from "./context.js";

const INVOCATION_ID_HEADER = "x-skiff-invocation-id";
/** After a (re)start, the workers prepare their spare isolates; cold starts are measured once that is done. */
const SETTLE_MS = 1_000;
const RECORD_DEADLINE_MS = 15_000;
/**
 * Functions called (cold) before each round and not counted: the first requests a worker process serves after
 * it started pay for its own warm-up (lazy loading, JIT), which is not a function's cold start. Eight, so that
 * each runtime worker (chosen by a hash of the version) most likely gets one.
 */
const PRIMERS = 8;

export const SERVER_SPLIT_NOTE =
  "wall and CPU are the invocation records' (cold setup + handler, in the runtime worker); the split by phase " +
  "(isolate creation, prelude, compile, handler) is timed in-process on real isolates, in the next table";

export async function runColdStart(context: ScenarioContext): Promise<ColdResult> {
  const { plan, timeline, log } = context;
  const names = Array.from({ length: plan.cold.functions }, (_, i) => `cold-${i}`);
  const primers = Array.from({ length: PRIMERS }, (_, i) => `primer-${i}`);
  const hello = await helloModule();
  // Starting Skiff and deploying are load too, as far as cron lag is concerned.
  const restart = (dataDir?: string) =>
    timeline.step(5_000, () => startSkiff(dataDir === undefined ? {} : { dataDir }));
  let server: SkiffServer = await restart();
  const dataDir = server.dataDir;
  const rounds: ColdRound[] = [];
  try {
    await timeline.step(names.length * 100, () =>
      mapParallel([...primers, ...names], plan.setupParallelism, (name) =>
        server.admin.deploy(name, helloVariant(hello, name)),
      ),
    );
    const measure = async (roundName: ColdRoundName) => {
      await sleep(SETTLE_MS);
      const result = await timeline.step(names.length * 50 + 2_000, async () => {
        const firstRequestsMs = await prime(server.admin, primers);
        return { ...(await coldRound(server.admin, names, roundName)), firstRequestsMs };
      });
      rounds.push(result);
      log(
        `cold ${roundName}: client p50 ${round(result.clientMs.p50)} ms, p99 ${round(result.clientMs.p99)} ms; ` +
          `server wall p50 ${result.serverWallMs.p50} ms`,
      );
    };
    await measure("after-deploy");
    await server.stop({ keepDataDir: true });
    server = await restart(dataDir);
    await measure("restart-with-cache");
    await server.stop({ keepDataDir: true });
    await rm(join(dataDir, "compile-cache"), { recursive: true, force: true });
    server = await restart(dataDir);
    await measure("restart-without-cache");
  } finally {
    await server.stop({ keepDataDir: true });
    await rm(dataDir, { recursive: true, force: true });
  }
  // After the servers are gone: the split runs alone on the machine.
  const split = await timeline.step(names.length * 200 + 5_000, () => runColdSplit(names.length));
  log(
    `cold split: from a spare p50 ${round(split.spare.totalMs.p50)} ms on the request path, ` +
      `from scratch p50 ${round(split.scratch.totalMs.p50)} ms`,
  );
  return { functions: names.length, rounds, serverSplit: SERVER_SPLIT_NOTE, split };
}

/** Calls each primer once; returns how long those first requests took. */
async function prime(admin: SkiffAdmin, primers: string[]): Promise<number[]> {
  const times: number[] = [];
  for (const name of primers) {
    const start = performance.now();
    const answer = await request(admin.functionUrl(name));
    await answer.body.dump();
    times.push(round(performance.now() - start, 1));
    if (answer.statusCode !== 200) throw new Error(`cold: primer ${name} answered ${answer.statusCode}`);
  }
  return times;
}

async function coldRound(
  admin: SkiffAdmin,
  names: string[],
  roundName: ColdRoundName,
): Promise<Omit<ColdRound, "firstRequestsMs">> {
  const client: number[] = [];
  const ids = new Map<string, string>();
  for (const name of names) {
    const start = performance.now();
    const answer = await request(admin.functionUrl(name));
    const body = await answer.body.text();
    client.push(performance.now() - start);
    if (answer.statusCode !== 200) {
      throw new Error(`cold ${roundName}: ${name} answered ${answer.statusCode} ${body.slice(0, 300)}`);
    }
    const id = answer.headers[INVOCATION_ID_HEADER];
    if (typeof id === "string") ids.set(name, id);
  }
  const records = await Promise.all(names.map((name) => recordOf(admin, name, ids.get(name))));
  const found = records.filter((r): r is InvocationSummary => r !== undefined);
  return {
    round: roundName,
    clientMs: summarize(client),
    serverWallMs: summarize(found.map((r) => r.wallMs)),
    serverCpuMs: summarize(found.map((r) => r.cpuMs)),
    coldRecords: found.filter((r) => r.cold).length,
  };
}

/** Invocation records are written in batches, off the request path: poll until this one is there. */
async function recordOf(
  admin: SkiffAdmin,
  name: string,
  id: string | undefined,
): Promise<InvocationSummary | undefined> {
  if (id === undefined) return undefined;
  const end = Date.now() + RECORD_DEADLINE_MS;
  while (Date.now() < end) {
    const record = (await admin.invocations(name, 20)).find((r) => r.id === id);
    if (record !== undefined) return record;
    await sleep(100);
  }
  return undefined;
}
