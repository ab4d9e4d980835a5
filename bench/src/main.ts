// `npm run bench`: runs the scenarios against every peer, prints the tables (and JSON), and writes BENCHMARKS.md.
import { readFile, writeFile } from "node:fs/promises";
import { describeMachine } from "./machine.js";
import { type BenchOptions, parseOptions, USAGE } from "./options.js";
import {
  BEFORE_AFTER_JSON,
  BEFORE_AFTER_NOTES_MD,
  BENCHMARKS_MD,
  OPERATIONS_NOTES_MD,
  PROFILE_NOTES_MD,
} from "./paths.js";
import type { SkiffServer } from "./peers/skiff-server.js";
import { startSkiff } from "./peers/skiff-server.js";
import { planFor } from "./plan.js";
import { ceilingTable, runCeiling } from "./probes/ceiling.js";
import { profileMarkdown, runProfile } from "./profile/profile-run.js";
import { beforeAfterMarkdown, parseRecordedRuns, recordedRun } from "./report/before-after.js";
import { benchmarksMarkdown, replaceSection } from "./report/benchmarks-md.js";
import { renderMarkdown, renderText } from "./report/render.js";
import { allTables } from "./report/tables.js";
import type { BenchReport } from "./results.js";
import { runAsyncDelivery } from "./scenarios/async-delivery.js";
import { runColdStart } from "./scenarios/cold-start.js";
import type { ScenarioContext } from "./scenarios/context.js";
import { collectCronLag, deployCronFunctions } from "./scenarios/cron-lag.js";
import { runDeployLatency } from "./scenarios/deploy-latency.js";
import { runMemory } from "./scenarios/memory.js";
import { runWarmHttp } from "./scenarios/warm-http.js";
import { evaluateTargets } from "./targets.js";
import { Timeline } from "./timeline.js";

const readOptional = (path: string) => readFile(path, "utf8").catch(() => undefined);

async function main(argv: string[]): Promise<number> {
  let options: BenchOptions;
  try {
    options = parseOptions(argv);
  } catch (error) {
    process.stderr.write(`${error instanceof Error ? error.message : String(error)}\n\n${USAGE}`);
    return 2;
  }
  if (options.help) {
    process.stdout.write(USAGE);
    return 0;
  }
  const started = Date.now();
  const machine = describeMachine();
  const plan = planFor(options.mode);
  const timeline = new Timeline();
  const log = (line: string) =>
    process.stderr.write(`[bench ${((Date.now() - started) / 1000).toFixed(1).padStart(6)} s] ${line}\n`);
  const context: ScenarioContext = { plan, timeline, log };
  log(
    `${options.mode} run on ${machine.cores} cores (${machine.cpuModel}), Node ${machine.nodeVersion}, ` +
      `load average ${machine.loadAverage}`,
  );

  if (options.fromJson !== undefined && options.record !== undefined) {
    const saved = JSON.parse(await readFile(options.fromJson, "utf8")) as BenchReport;
    await recordLabelled(saved, options.record, options.write, log);
    return 0;
  }

  if (options.profile !== undefined) {
    const processes = await runProfile(context, options.profile);
    const markdown = profileMarkdown(options.profile, machine.date, processes);
    process.stdout.write(`${markdown}\n`);
    if (options.write) {
      const previous = await readOptional(BENCHMARKS_MD);
      if (previous === undefined) {
        log("BENCHMARKS.md does not exist yet: run the benchmarks first, then profile");
      } else {
        await writeFile(BENCHMARKS_MD, replaceSection(previous, `profile-${options.profile}`, markdown));
        log(`profile written to ${BENCHMARKS_MD}`);
      }
    }
    return 0;
  }

  if (options.ceiling) {
    const table = ceilingTable(await runCeiling(context));
    process.stdout.write(`${renderText([table])}\n`);
    if (options.write) {
      const previous = await readOptional(BENCHMARKS_MD);
      if (previous === undefined) {
        log("BENCHMARKS.md does not exist yet: run the benchmarks first, then the ceiling");
      } else {
        const markdown = `${renderMarkdown([table])}\n\nMeasured ${machine.date} (load average ${machine.loadAverage}).`;
        await writeFile(BENCHMARKS_MD, replaceSection(previous, "ceiling", markdown));
        log(`ceiling written to ${BENCHMARKS_MD}`);
      }
    }
    return 0;
  }

  const errors: string[] = [];
  const attempt = async <T>(name: string, run: () => Promise<T>): Promise<T | undefined> => {
    try {
      return await run();
    } catch (error) {
      const message = error instanceof Error ? error.message : String(error);
      errors.push(`${name}: ${message}`);
      log(`${name} failed: ${message.split("\n")[0]}`);
      return undefined;
    }
  };
  const wants = (name: (typeof options.scenarios)[number]) =>
    options.scenarios.includes(name) && options.peers.includes("skiff");

  // One Skiff for the operational scenarios. Its cron functions are deployed first, so that minute boundaries
  // pass while everything else runs; steps keep those boundaries free of load.
  let ops: SkiffServer | undefined;
  let cronNames: string[] | undefined;
  if (wants("cron") || wants("deploy") || wants("async")) {
    ops = await attempt("skiff (operational scenarios)", () => timeline.step(5_000, () => startSkiff()));
  }
  const report: Omit<BenchReport, "targets" | "elapsedSeconds"> = {
    mode: options.mode,
    machine,
    plan,
    peers: options.peers,
    errors,
  };
  try {
    if (ops !== undefined && wants("cron")) {
      const server = ops;
      cronNames = await attempt("cron", () =>
        timeline.step(5_000, () => deployCronFunctions(context, server)),
      );
      if (cronNames !== undefined) timeline.guardMinuteBoundaries(true);
    }
    if (options.scenarios.includes("warm")) {
      report.warm = await runWarmHttp(context, options.peers);
      for (const peer of report.warm)
        if (peer.error !== undefined) errors.push(`warm ${peer.label}: ${peer.error}`);
    }
    if (wants("cold")) report.cold = await attempt("cold", () => runColdStart(context));
    if (wants("memory")) report.memory = await attempt("memory", () => runMemory(context));
    if (ops !== undefined) {
      const server = ops;
      if (wants("deploy")) report.deploy = await attempt("deploy", () => runDeployLatency(context, server));
      if (wants("async")) report.async = await attempt("async", () => runAsyncDelivery(context, server));
      if (cronNames !== undefined) {
        const names = cronNames;
        timeline.guardMinuteBoundaries(false);
        report.cron = await attempt("cron", () => collectCronLag(context, server, names));
      }
    }
  } finally {
    await ops?.stop();
  }

  const full: BenchReport = {
    ...report,
    targets: evaluateTargets(report),
    elapsedSeconds: Math.round((Date.now() - started) / 100) / 10,
  };
  const text = renderText(allTables(full));
  if (options.json) {
    process.stderr.write(`\n${text}`);
    process.stdout.write(`${JSON.stringify(full, null, 2)}\n`);
  } else {
    process.stdout.write(`\n${text}`);
  }
  if (options.jsonFile !== undefined) await writeFile(options.jsonFile, `${JSON.stringify(full, null, 2)}\n`);
  if (options.record !== undefined) {
    await recordLabelled(full, options.record, options.write, log);
  } else if (options.write) {
    const markdown = benchmarksMarkdown(
      full,
      await readOptional(BENCHMARKS_MD),
      await readOptional(PROFILE_NOTES_MD),
    );
    await writeFile(BENCHMARKS_MD, markdown);
    log(`results written to ${BENCHMARKS_MD}`);
  }
  return errors.length === 0 ? 0 : 1;
}

/**
 * Keeps a run under a label in bench/before-after.json and rewrites only the Before/after section of
 * BENCHMARKS.md: a recorded run is usually partial (some scenarios), so it never replaces the main tables.
 */
async function recordLabelled(
  report: BenchReport,
  label: string,
  write: boolean,
  log: (line: string) => void,
): Promise<void> {
  const runs = [...parseRecordedRuns(await readOptional(BEFORE_AFTER_JSON)), recordedRun(report, label)];
  await writeFile(BEFORE_AFTER_JSON, `${JSON.stringify(runs, null, 2)}\n`);
  const markdown = beforeAfterMarkdown(
    runs,
    await readOptional(BEFORE_AFTER_NOTES_MD),
    await readOptional(OPERATIONS_NOTES_MD),
  );
  const previous = await readOptional(BENCHMARKS_MD);
  if (write && previous !== undefined) {
    await writeFile(BENCHMARKS_MD, replaceSection(previous, "before-after", markdown));
    log(`run recorded as "${label}" in ${BEFORE_AFTER_JSON} and ${BENCHMARKS_MD}`);
  } else {
    log(`run recorded as "${label}" in ${BEFORE_AFTER_JSON}`);
  }
}

main(process.argv.slice(2)).then(
  (code) => {
    process.exitCode = code;
  },
  (error: unknown) => {
    process.stderr.write(
      `bench failed: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`,
    );
    process.exitCode = 1;
  },
);
