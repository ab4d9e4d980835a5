// The machine a report test's runs were taken on: 2 cores and fixed figures, with the load and date it varies.
import type { MachineInfo } from "../machine.js";

export function testMachine(loadAverage = 1, date = "2026-01-02T03:04:05.000Z"): MachineInfo {
  return {
    cores: 2,
    cpuModel: "Test CPU",
    memoryGiB: 4,
    nodeVersion: "v20.0.0",
    platform: "linux x64",
    loadAverage,
    date,
  };
}
