// The machine a run was measured on, printed with every result so that numbers are never read without it.
import { availableParallelism, cpus, loadavg, totalmem } from "node:os";

export interface MachineInfo {
  cores: number;
  cpuModel: string;
  memoryGiB: number;
  nodeVersion: string;
  platform: string;
  /** 1-minute load average when the run started: other work on the machine makes numbers noisy. */
  loadAverage: number;
  date: string;
}

export function describeMachine(now = new Date()): MachineInfo {
  return {
    cores: availableParallelism(),
    cpuModel: cpus()[0]?.model.trim() ?? "unknown",
    memoryGiB: Math.round((totalmem() / 1024 ** 3) * 10) / 10,
    nodeVersion: process.version,
    platform: `${process.platform} ${process.arch}`,
    loadAverage: Math.round((loadavg()[0] ?? 0) * 100) / 100,
    date: now.toISOString(),
  };
}
