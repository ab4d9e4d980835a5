// CI smoke run of the whole harness with tiny durations: every peer starts, every scenario runs, and the
// results come out well-formed. It asserts no timings (DESIGN: timings are measured in bench/, never asserted).
import { spawn } from "node:child_process";
import { mkdtemp, readFile, rm, stat } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { BENCHMARKS_MD } from "./paths.js";
import type { BenchReport } from "./results.js";

const RUN_DEADLINE_MS = 280_000;
/** The built harness, as `npm run bench` runs it (npm test builds every package first). */
const BENCH_MAIN = fileURLToPath(new URL("../dist/main.js", import.meta.url));

interface Run {
  code: number | null;
  stdout: string;
  stderr: string;
}

function runBench(args: string[]): Promise<Run> {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, [BENCH_MAIN, ...args], {
      stdio: ["ignore", "pipe", "pipe"],
    });
    let stdout = "";
    let stderr = "";
    child.stdout.setEncoding("utf8").on("data", (chunk: string) => {
      stdout += chunk;
    });
    child.stderr.setEncoding("utf8").on("data", (chunk: string) => {
      stderr += chunk;
    });
    const timer = setTimeout(() => child.kill("SIGINT"), RUN_DEADLINE_MS);
    child.once("exit", (code) => {
      clearTimeout(timer);
      resolve({ code, stdout, stderr });
    });
  });
}

const isFigure = (value: unknown) => typeof value === "number" && Number.isFinite(value);

describe("npm run bench -- --smoke", () => {
  let dir: string;
  let run: Run;
  let report: BenchReport;
  let benchmarksBefore: number | undefined;

  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), "skiff-bench-smoke-"));
    benchmarksBefore = (await stat(BENCHMARKS_MD).catch(() => undefined))?.mtimeMs;
    run = await runBench(["--smoke", "--json", "--json-file", join(dir, "results.json")]);
    try {
      report = JSON.parse(run.stdout) as BenchReport;
    } catch {
      throw new Error(`the smoke run printed no JSON (exit ${run.code})\n${run.stderr.slice(-4000)}`);
    }
  }, RUN_DEADLINE_MS + 10_000);

  afterAll(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  it("finishes without a failed scenario and prints the JSON it wrote", async () => {
    expect(report.errors, run.stderr.slice(-4000)).toEqual([]);
    expect(run.code).toBe(0);
    expect(JSON.parse(await readFile(join(dir, "results.json"), "utf8"))).toEqual(report);
  });

  it("describes the machine", () => {
    expect(report.mode).toBe("smoke");
    expect(report.machine.cores).toBeGreaterThan(0);
    expect(report.machine.nodeVersion).toBe(process.version);
    expect(Number.isNaN(Date.parse(report.machine.date))).toBe(false);
  });

  it("loads every peer with both bodies at every concurrency, all answers 2xx", () => {
    expect(report.warm?.map((w) => w.peer)).toEqual([
      "node-http",
      "hono",
      "workerd",
      "skiff",
      "skiff-direct",
    ]);
    for (const peer of report.warm ?? []) {
      expect(peer.error).toBeUndefined();
      expect(peer.rssMiB).toBeGreaterThan(0);
      expect(peer.runs.map((r) => `${r.body}@${r.connections}`)).toEqual([
        "hello@1",
        "hello@10",
        "hello@100",
        "echo@1",
        "echo@10",
        "echo@100",
      ]);
      for (const run of peer.runs) {
        expect(run.requestsPerSecond, `${peer.peer} ${run.body}@${run.connections}`).toBeGreaterThan(0);
        expect(run.non2xx + run.errors).toBe(0);
        expect(isFigure(run.latencyMs.p50) && isFigure(run.latencyMs.p99)).toBe(true);
        expect(run.latencyMs.p99).toBeGreaterThanOrEqual(run.latencyMs.p50);
        // CPU is read in clock ticks (10 ms): a short run's server figure may be 0, never missing.
        expect(
          run.serverCpuUsPerRequest,
          `${peer.peer} ${run.body}@${run.connections}`,
        ).toBeGreaterThanOrEqual(0);
        expect(run.generatorCpuUsPerRequest).toBeGreaterThan(0);
      }
    }
  });

  it("measures cold starts in three rounds from records that say cold", () => {
    expect(report.cold?.rounds.map((r) => r.round)).toEqual([
      "after-deploy",
      "restart-with-cache",
      "restart-without-cache",
    ]);
    for (const round of report.cold?.rounds ?? []) {
      expect(round.clientMs.count).toBe(report.plan.cold.functions);
      expect(round.coldRecords).toBe(report.plan.cold.functions);
      expect(isFigure(round.serverWallMs.p50)).toBe(true);
    }
  });

  it("reads RSS at each level, async delivery, deploy latency and cron runs", () => {
    expect(report.memory?.levels.map((l) => l.isolates)).toEqual(report.plan.memory.levels);
    for (const level of report.memory?.levels ?? []) expect(level.processes).toBeGreaterThanOrEqual(2);
    expect(isFigure(report.memory?.perIsolateMiB[0]?.mib)).toBe(true);
    expect(report.async?.events).toBe(report.plan.async.events);
    expect(report.async?.failedOutcomes).toBe(0);
    expect(report.async?.deliveredPerSecond).toBeGreaterThan(0);
    expect(report.deploy?.helloMs.count).toBe(report.plan.deploy.hello);
    expect(report.deploy?.bundleBytes).toBeGreaterThan(1_000_000);
    expect(report.cron?.functions).toBe(report.plan.cron.functions);
  });

  it("evaluates every target of issue 9 with a figure and a verdict", () => {
    const ids = report.targets.map((t) => t.id);
    for (const id of [
      "rps-vs-workerd",
      "rps-vs-hono",
      "added-latency",
      "rps-vs-workerd-direct",
      "rps-vs-hono-direct",
      "added-latency-direct",
      "cold-p50-after-deploy",
      "rss-per-isolate",
      "async-throughput",
    ]) {
      const target = report.targets.find((t) => t.id === id);
      expect(target, `${id} in ${ids.join(", ")}`).toBeDefined();
      expect(isFigure(target?.figure)).toBe(true);
      expect(typeof target?.met).toBe("boolean");
    }
  });

  it("prints the tables and leaves BENCHMARKS.md alone", async () => {
    for (const title of [
      "== Machine",
      "== Targets",
      "== Warm HTTP",
      "== CPU per request (warm hello, c=100)",
      "== Cold start",
      "== Memory",
      "== Deploy latency",
    ]) {
      expect(run.stderr).toContain(title);
    }
    expect((await stat(BENCHMARKS_MD).catch(() => undefined))?.mtimeMs).toBe(benchmarksBefore);
  });
});
