import { spawn } from "node:child_process";
import { once } from "node:events";
import { describe, expect, it } from "vitest";
import type { LoadResult } from "../load/load-spec.js";
import { summarize } from "../stats.js";
import { cpuFigures, measureCpu } from "./cpu-per-request.js";

const load = (requests: number, non2xx: number, generatorCpuMs?: number): LoadResult => ({
  requests,
  non2xx,
  errors: 0,
  timeouts: 0,
  startedAt: 0,
  durationSeconds: 1,
  requestsPerSecond: requests,
  latencyMs: summarize([1]),
  statusCodes: { "200": requests },
  ...(generatorCpuMs === undefined ? {} : { generatorCpuMs }),
});

describe("cpuFigures", () => {
  it("divides both CPUs by every answered request, 2xx and not", () => {
    expect(cpuFigures(load(900, 100, 20), 0.165, 0.5)).toEqual({
      serverCpuUsPerRequest: 165,
      serverCores: 0.33,
      generatorCpuUsPerRequest: 20,
    });
  });
  it("leaves out what it cannot know", () => {
    expect(cpuFigures(load(0, 0, 5), 1, 1)).toEqual({});
    expect(cpuFigures(load(10, 0), undefined, undefined)).toEqual({});
    expect(cpuFigures(load(10, 0, 1), 0.001, 0)).toEqual({
      serverCpuUsPerRequest: 100,
      generatorCpuUsPerRequest: 100,
    });
  });
});

describe("measureCpu", () => {
  it("counts the server tree's CPU from the measuring marker to the end of the run", async () => {
    // Stands for a server: burns ~300 ms of CPU when told to, then says so.
    const server = spawn(
      process.execPath,
      [
        "-e",
        "process.stdin.once('data', () => { const end = Date.now() + 300; while (Date.now() < end); console.log('done'); });",
      ],
      { stdio: ["pipe", "pipe", "ignore"] },
    );
    try {
      await once(server, "spawn");
      const { load: result, cpu } = await measureCpu(server.pid as number, async (onMeasuring) => {
        await onMeasuring();
        server.stdin?.write("go\n");
        await once(server.stdout as NodeJS.ReadableStream, "data");
        return load(1_000, 0, 10);
      });
      expect(result.requests).toBe(1_000);
      expect(cpu.serverCpuUsPerRequest).toBeGreaterThan(0);
      expect(cpu.serverCores).toBeGreaterThan(0);
      expect(cpu.generatorCpuUsPerRequest).toBe(10);
    } finally {
      server.kill("SIGKILL");
    }
  });

  it("gives no server figure when the generator never said it was measuring", async () => {
    const { cpu } = await measureCpu(process.pid, async () => load(1_000, 0, 10));
    expect(cpu).toEqual({ generatorCpuUsPerRequest: 10 });
  });
});
