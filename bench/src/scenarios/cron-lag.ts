// Cron lag: functions with an every-minute trigger; each run's handler start minus its scheduled time, read
// from the trigger run history. Runs due while other benchmark load ran are reported apart.
import { readFile } from "node:fs/promises";
import { join } from "node:path";
import { helloVariant } from "../code-variants.js";
import { MODULES_DIR } from "../paths.js";
import type { SkiffServer } from "../peers/skiff-server.js";
import type { CronResult } from "../results.js";
import { round, summarize } from "../stats.js";
import { nextMinute } from "../timeline.js";
import { mapParallel, type ScenarioContext, sleep } from "./context.js";

/** After a minute boundary, how long until every run's start has been recorded. */
const RUNS_RECORDED_MS = 3_000;

export async function deployCronFunctions(context: ScenarioContext, server: SkiffServer): Promise<string[]> {
  const code = await readFile(join(MODULES_DIR, "cron-tick.js"), "utf8");
  const names = Array.from({ length: context.plan.cron.functions }, (_, i) => `cron-${i}`);
  await mapParallel(names, context.plan.setupParallelism, (name) =>
    server.admin.deploy(name, helloVariant(code, name), { triggers: { crons: ["* * * * *"] } }),
  );
  return names;
}

export async function collectCronLag(
  context: ScenarioContext,
  server: SkiffServer,
  names: string[],
): Promise<CronResult> {
  const { plan, timeline, log } = context;
  let lags = await readLags(server, names, (time) => timeline.wasBusy(time));
  if (lags.idle.length === 0 && plan.cron.waitForIdleMinute) {
    const wait = nextMinute(Date.now()) + RUNS_RECORDED_MS - Date.now();
    log(
      `cron: no run was due on an idle machine yet; waiting ${Math.round(wait / 1000)} s for the next minute`,
    );
    await sleep(wait);
    lags = await readLags(server, names, (time) => timeline.wasBusy(time));
  }
  const result = {
    functions: names.length,
    idleLagMs: summarize(lags.idle),
    busyLagMs: summarize(lags.busy),
  };
  log(
    `cron: lag idle p50 ${round(result.idleLagMs.p50)} ms p99 ${round(result.idleLagMs.p99)} ms ` +
      `(${result.idleLagMs.count} runs); under load p99 ${round(result.busyLagMs.p99)} ms (${result.busyLagMs.count})`,
  );
  return result;
}

async function readLags(server: SkiffServer, names: string[], busy: (time: number) => boolean) {
  const idle: number[] = [];
  const loaded: number[] = [];
  for (const name of names) {
    for (const run of await server.admin.triggerRuns(name)) {
      if (run.manual || run.startedAt === null) continue;
      (busy(run.scheduledTime) ? loaded : idle).push(run.startedAt - run.scheduledTime);
    }
  }
  return { idle, busy: loaded };
}
