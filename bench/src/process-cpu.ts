// CPU time (user + system, all threads) of a process and all its descendants, read from /proc (Linux): what a
// peer spent serving a measured window, runtime worker children included.
import { execFileSync } from "node:child_process";
import { readFile } from "node:fs/promises";
import { processTreePids } from "./process-tree.js";

/** The CPU figures of one `/proc/<pid>/stat` line, in clock ticks. */
export interface ProcessCpu {
  pid: number;
  command: string;
  /** utime + stime: every thread of the process, not its reaped children (cutime/cstime). */
  cpuTicks: number;
  /** Ticks after boot when the process started: tells a reused pid from the process sampled before. */
  startTicks: number;
}

/** One reading of a process tree. */
export interface TreeCpuSample {
  rootPid: number;
  /** `performance.now()` when the tree's CPU figures began to be read. */
  takenAtMs: number;
  processes: ProcessCpu[];
}

/** What a tree spent between two samples. */
export interface TreeCpuUsage {
  cpuSeconds: number;
  wallSeconds: number;
  /** Processes present in both samples, the only ones counted. */
  counted: number;
}

let ticksPerSecond: number | undefined;

/** USER_HZ, the unit of /proc's CPU times: asked of `getconf CLK_TCK` once; 100 (Linux's usual) if that fails. */
export function clockTicksPerSecond(): number {
  if (ticksPerSecond === undefined) {
    try {
      const value = Number(execFileSync("getconf", ["CLK_TCK"], { encoding: "utf8" }).trim());
      ticksPerSecond = Number.isInteger(value) && value > 0 ? value : 100;
    } catch {
      ticksPerSecond = 100;
    }
  }
  return ticksPerSecond;
}

/** The CPU fields of a `/proc/<pid>/stat` line; the command in parentheses may itself hold ") ". */
export function processCpuOf(pid: number, stat: string): ProcessCpu | undefined {
  const open = stat.indexOf("(");
  const close = stat.lastIndexOf(")");
  if (open < 0 || close < open) return undefined;
  // Fields from 3 (state) on; utime and stime are fields 14 and 15, starttime 22 (proc(5)).
  const fields = stat.slice(close + 2).split(" ");
  const utime = Number(fields[14 - 3]);
  const stime = Number(fields[15 - 3]);
  const start = Number(fields[22 - 3]);
  if (!Number.isInteger(utime) || !Number.isInteger(stime) || !Number.isInteger(start)) return undefined;
  return { pid, command: stat.slice(open + 1, close), cpuTicks: utime + stime, startTicks: start };
}

/**
 * Reads the CPU time of `rootPid` and its descendants; undefined when `rootPid` is not running (there is no tree
 * to measure, and a zero would read as a measurement). `knownPids` (the tree, `processTreePids`, found earlier)
 * spares the walk of all of /proc: a sample taken as a load starts then reads only the tree's own files.
 * @example
 * const before = await sampleTreeCpu(peer.pid);
 * // … load …
 * const usage = treeCpuBetween(before, await sampleTreeCpu(peer.pid));
 */
export async function sampleTreeCpu(
  rootPid: number,
  knownPids?: readonly number[],
): Promise<TreeCpuSample | undefined> {
  const pids = knownPids ?? (await processTreePids(rootPid));
  // The CPU figures are read from here on, after the walk of all of /proc that found the tree.
  const takenAtMs = performance.now();
  const processes: ProcessCpu[] = [];
  for (const pid of pids) {
    const stat = await readFile(`/proc/${pid}/stat`, "utf8").catch(() => undefined);
    const cpu = stat === undefined ? undefined : processCpuOf(pid, stat);
    if (cpu !== undefined) processes.push(cpu);
  }
  if (processes[0]?.pid !== rootPid) return undefined;
  return { rootPid, takenAtMs, processes };
}

/**
 * CPU seconds the tree spent from `before` to `after`; undefined if either sample is missing (the root was not
 * running). Only processes present in both samples are counted: one that started in between spent an unknown
 * part of its time before the first sample could see it, and one that exited took its time with it (the kernel
 * adds that to the parent's cutime only when the parent reaps it, at a moment of the parent's choosing). Peers
 * keep their processes for the whole run, so what is left out is small.
 */
export function treeCpuBetween(
  before: TreeCpuSample | undefined,
  after: TreeCpuSample | undefined,
): TreeCpuUsage | undefined {
  if (before === undefined || after === undefined || before.rootPid !== after.rootPid) return undefined;
  const earlier = new Map(before.processes.map((p) => [p.pid, p]));
  let ticks = 0;
  let counted = 0;
  for (const now of after.processes) {
    const then = earlier.get(now.pid);
    if (then === undefined || then.startTicks !== now.startTicks) continue;
    ticks += now.cpuTicks - then.cpuTicks;
    counted += 1;
  }
  return {
    cpuSeconds: ticks / clockTicksPerSecond(),
    wallSeconds: (after.takenAtMs - before.takenAtMs) / 1000,
    counted,
  };
}
