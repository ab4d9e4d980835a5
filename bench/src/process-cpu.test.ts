import { spawn } from "node:child_process";
import { once } from "node:events";
import { describe, expect, it } from "vitest";
import { clockTicksPerSecond, processCpuOf, sampleTreeCpu, treeCpuBetween } from "./process-cpu.js";
import { processTreePids } from "./process-tree.js";

describe("processCpuOf", () => {
  it("adds utime and stime, even when the command holds parentheses and spaces", () => {
    const tail = "S 1 4242 4242 0 -1 4194560 100 0 0 0 70 30 5 6 20 0 1 0 123456 1000 50";
    expect(processCpuOf(4242, `4242 (node) ${tail}`)).toEqual({
      pid: 4242,
      command: "node",
      cpuTicks: 100,
      startTicks: 123456,
    });
    expect(processCpuOf(4242, `4242 (odd) name) ${tail}`)?.command).toBe("odd) name");
    expect(processCpuOf(1, "garbage")).toBeUndefined();
    expect(processCpuOf(1, "1 (short) S 0 1")).toBeUndefined();
  });
});

describe("clockTicksPerSecond", () => {
  it("is a positive whole number", () => {
    expect(Number.isInteger(clockTicksPerSecond())).toBe(true);
    expect(clockTicksPerSecond()).toBeGreaterThan(0);
  });
});

describe("sampleTreeCpu and treeCpuBetween", () => {
  it("count the CPU a descendant burns between two samples of its ancestor's tree", async () => {
    // Burns ~300 ms of CPU when told to, then says so and idles.
    const child = spawn(
      process.execPath,
      [
        "-e",
        "process.stdin.once('data', () => { const end = Date.now() + 300; while (Date.now() < end); console.log('done'); });",
      ],
      { stdio: ["pipe", "pipe", "ignore"] },
    );
    try {
      await once(child, "spawn");
      const before = await sampleTreeCpu(process.pid);
      expect(before?.processes.map((p) => p.pid)).toContain(child.pid);
      child.stdin?.write("go\n");
      await once(child.stdout as NodeJS.ReadableStream, "data");
      const after = await sampleTreeCpu(process.pid);
      const usage = treeCpuBetween(before, after);
      expect(usage?.cpuSeconds).toBeGreaterThan(0);
      expect(usage?.counted).toBeGreaterThanOrEqual(2);
      // The child's own share, from the same samples.
      const childOnly = treeCpuBetween(
        before && { ...before, processes: before.processes.filter((p) => p.pid === child.pid) },
        after && { ...after, processes: after.processes.filter((p) => p.pid === child.pid) },
      );
      expect(childOnly?.cpuSeconds).toBeGreaterThan(0);
      expect(childOnly?.counted).toBe(1);
    } finally {
      child.kill("SIGKILL");
    }
  });

  it("read only the pids they are given, when given the tree found earlier", async () => {
    const tree = await processTreePids(process.pid);
    const sample = await sampleTreeCpu(process.pid, [process.pid]);
    expect(sample?.processes.map((p) => p.pid)).toEqual([process.pid]);
    expect(tree[0]).toBe(process.pid);
    // A pid given that is gone by now is left out rather than failing the sample.
    const gone = spawn(process.execPath, ["-e", ""], { stdio: "ignore" });
    await once(gone, "exit");
    const withGone = await sampleTreeCpu(process.pid, [process.pid, gone.pid as number]);
    expect(withGone?.processes.map((p) => p.pid)).toEqual([process.pid]);
  });

  it("give no figure for a pid that is not running", async () => {
    const child = spawn(process.execPath, ["-e", ""], { stdio: "ignore" });
    const [code] = await once(child, "exit");
    expect(code).toBe(0);
    const pid = child.pid as number;
    expect(await sampleTreeCpu(pid)).toBeUndefined();
    const alive = await sampleTreeCpu(process.pid);
    expect(treeCpuBetween(undefined, alive)).toBeUndefined();
    expect(treeCpuBetween(alive, undefined)).toBeUndefined();
  });

  it("leave out a process whose pid was reused by another between the samples", () => {
    const sample = (
      rootTicks: number,
      worker: { startTicks: number; cpuTicks: number },
      takenAtMs: number,
    ) => ({
      rootPid: 1,
      takenAtMs,
      processes: [
        { pid: 1, command: "root", cpuTicks: rootTicks, startTicks: 1 },
        { pid: 7, command: "worker", ...worker },
      ],
    });
    const hz = clockTicksPerSecond();
    const reused = treeCpuBetween(
      sample(10, { startTicks: 100, cpuTicks: 50 }, 0),
      sample(30, { startTicks: 900, cpuTicks: 5 }, 2_000),
    );
    expect(reused).toEqual({ cpuSeconds: 20 / hz, wallSeconds: 2, counted: 1 });
    const same = treeCpuBetween(
      sample(10, { startTicks: 100, cpuTicks: 50 }, 0),
      sample(30, { startTicks: 100, cpuTicks: 90 }, 1_000),
    );
    expect(same).toEqual({ cpuSeconds: 60 / hz, wallSeconds: 1, counted: 2 });
  });
});
