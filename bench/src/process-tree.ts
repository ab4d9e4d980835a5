// Resident memory of a process and all its descendants, read from /proc (Linux): the whole platform's cost,
// runtime worker children included.
import { readdir, readFile } from "node:fs/promises";

export interface ProcessMemory {
  pid: number;
  command: string;
  rssBytes: number;
}

export interface TreeMemory {
  totalBytes: number;
  processes: ProcessMemory[];
}

/** The parent pid from a `/proc/<pid>/stat` line; the command in parentheses may itself hold ") ". */
export function parentPidOf(stat: string): number | undefined {
  const close = stat.lastIndexOf(")");
  if (close < 0) return undefined;
  const fields = stat.slice(close + 2).split(" ");
  const ppid = Number(fields[1]);
  return Number.isInteger(ppid) ? ppid : undefined;
}

/** VmRSS of a `/proc/<pid>/status` text, in bytes (the kernel reports kB). */
export function rssBytesOf(status: string): number | undefined {
  const match = /^VmRSS:\s+(\d+)\s+kB$/m.exec(status);
  return match?.[1] === undefined ? undefined : Number(match[1]) * 1024;
}

/**
 * The pids of a process and all its descendants, root first (breadth-first), from one pass over /proc. The root
 * is listed even if it has exited: callers read each pid's files and skip those that are gone.
 */
export async function processTreePids(rootPid: number): Promise<number[]> {
  const children = new Map<number, number[]>();
  for (const entry of await readdir("/proc")) {
    if (!/^\d+$/.test(entry)) continue;
    const stat = await readFile(`/proc/${entry}/stat`, "utf8").catch(() => undefined);
    const ppid = stat === undefined ? undefined : parentPidOf(stat);
    if (ppid === undefined) continue;
    const list = children.get(ppid) ?? [];
    list.push(Number(entry));
    children.set(ppid, list);
  }
  const pids: number[] = [];
  const queue = [rootPid];
  while (queue.length > 0) {
    const pid = queue.shift() as number;
    pids.push(pid);
    queue.push(...(children.get(pid) ?? []));
  }
  return pids;
}

export async function processTreeMemory(rootPid: number): Promise<TreeMemory> {
  const processes: ProcessMemory[] = [];
  for (const pid of await processTreePids(rootPid)) {
    const status = await readFile(`/proc/${pid}/status`, "utf8").catch(() => undefined);
    if (status === undefined) continue;
    const command = /^Name:\s+(.*)$/m.exec(status)?.[1] ?? "?";
    processes.push({ pid, command, rssBytes: rssBytesOf(status) ?? 0 });
  }
  return { totalBytes: processes.reduce((sum, p) => sum + p.rssBytes, 0), processes };
}
