// A runtime worker's resident memory, read from /proc on Linux (no cooperation from the worker needed, so it
// works while the worker's event loop is busy). Elsewhere the supervisor asks the worker over IPC instead.
import { readFile } from "node:fs/promises";

/** True where `readProcRssBytes` can answer. */
export const PROC_RSS_AVAILABLE = process.platform === "linux";

/** The process's VmRSS in bytes, or undefined when it is gone or the line is missing. */
export async function readProcRssBytes(pid: number): Promise<number | undefined> {
  let status: string;
  try {
    status = await readFile(`/proc/${pid}/status`, "utf8");
  } catch {
    return undefined;
  }
  return parseVmRss(status);
}

/** Parses the `VmRSS:   123456 kB` line of /proc/<pid>/status into bytes. */
export function parseVmRss(status: string): number | undefined {
  const match = /^VmRSS:\s+(\d+)\s+kB$/m.exec(status);
  return match?.[1] === undefined ? undefined : Number(match[1]) * 1024;
}
