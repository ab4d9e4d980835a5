// The load generator: a separate process (so that it does not share an event loop with the harness) that runs
// autocannon once as asked by the spec file in argv[2] and prints one JSON LoadResult line on stdout.
// autocannon's own histograms keep whole milliseconds; latencies are collected here from its `response`
// events, which carry them with sub-millisecond precision. The measured run's start is announced on stdout
// (MEASURING_LINE) and its CPU cost reported, so that the harness can put the server's CPU beside it.
import { readFileSync } from "node:fs";
import { createRequire } from "node:module";
import { summarize } from "../stats.js";
import { checkLoadSpec, type LoadResult, type LoadSpec, MEASURING_LINE } from "./load-spec.js";

interface AutocannonResult {
  duration: number;
  errors: number;
  timeouts: number;
  non2xx: number;
  statusCodeStats: Record<string, { count: number }>;
}

interface AutocannonInstance {
  on(
    event: "response",
    listener: (client: unknown, statusCode: number, bytes: number, responseTimeMs: number) => void,
  ): void;
  then: Promise<AutocannonResult>["then"];
}

type Autocannon = (options: Record<string, unknown>) => AutocannonInstance;

const RECONNECT_EVERY = 500;

const autocannon = createRequire(import.meta.url)("autocannon") as Autocannon;

function options(spec: LoadSpec, measured: boolean): Record<string, unknown> {
  const request = {
    method: spec.method ?? "GET",
    headers: spec.headers ?? {},
    ...(spec.body === undefined ? {} : { body: spec.body }),
  };
  return {
    url: spec.url,
    connections: spec.connections,
    timeout: spec.timeoutSeconds ?? 10,
    // Servers may close a connection after N requests (Skiff: 1000, with `Connection: close`); autocannon does
    // not honour that and would get 503s for requests written after it. Every peer's connections are renewed
    // this often instead (autocannon leaves the response that triggers the renewal uncounted: 1 in 500).
    reconnectRate: RECONNECT_EVERY,
    ...request,
    ...(measured && spec.amount !== undefined
      ? { amount: spec.amount }
      : { duration: measured ? spec.durationSeconds : spec.warmupSeconds }),
    ...(spec.paths === undefined ? {} : { requests: spec.paths.map((path) => ({ ...request, path })) }),
  };
}

async function run(spec: LoadSpec): Promise<LoadResult> {
  checkLoadSpec(spec);
  if (spec.warmupSeconds !== undefined && spec.warmupSeconds > 0) await autocannon(options(spec, false));
  const latencies: number[] = [];
  // Written synchronously (stdout is a pipe), so the harness hears of it before the first measured request.
  process.stdout.write(`${MEASURING_LINE}\n`);
  const cpuBefore = process.cpuUsage();
  const startedAt = Date.now();
  const instance = autocannon(options(spec, true));
  let lastResponseAt = startedAt;
  instance.on("response", (_client, statusCode, _bytes, responseTimeMs) => {
    lastResponseAt = Date.now();
    if (statusCode >= 200 && statusCode < 300) latencies.push(responseTimeMs);
  });
  const result = await instance;
  const cpu = process.cpuUsage(cpuBefore);
  // autocannon stops only at its next one-second sample after the last of `amount` answers, and reports that
  // rounded-up time: a run of a set amount lasts until its last answer.
  const durationSeconds = spec.amount !== undefined ? (lastResponseAt - startedAt) / 1000 : result.duration;
  const statusCodes: Record<string, number> = {};
  for (const [code, stats] of Object.entries(result.statusCodeStats ?? {})) statusCodes[code] = stats.count;
  return {
    requests: latencies.length,
    non2xx: result.non2xx,
    errors: result.errors,
    timeouts: result.timeouts,
    startedAt,
    durationSeconds,
    requestsPerSecond: durationSeconds > 0 ? latencies.length / durationSeconds : 0,
    latencyMs: summarize(latencies),
    statusCodes,
    generatorCpuMs: (cpu.user + cpu.system) / 1000,
  };
}

const specPath = process.argv[2];
if (specPath === undefined) {
  process.stderr.write("usage: load-runner <spec.json>\n");
  process.exit(2);
}
run(JSON.parse(readFileSync(specPath, "utf8")) as LoadSpec).then(
  (result) => {
    process.stdout.write(`${JSON.stringify(result)}\n`);
  },
  (error: unknown) => {
    process.stderr.write(`load-runner: ${error instanceof Error ? error.message : String(error)}\n`);
    process.exit(1);
  },
);
