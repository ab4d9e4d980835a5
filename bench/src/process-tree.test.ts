import { spawn } from "node:child_process";
import { describe, expect, it } from "vitest";
import { parentPidOf, processTreeMemory, rssBytesOf } from "./process-tree.js";

describe("parentPidOf", () => {
  it("reads the field after the command, even when the command holds parentheses and spaces", () => {
    expect(parentPidOf("4242 (node) S 17 4242 17 0")).toBe(17);
    expect(parentPidOf("4242 (odd) name) R 99 1 1 0")).toBe(99);
    expect(parentPidOf("garbage")).toBeUndefined();
  });
});

describe("rssBytesOf", () => {
  it("converts VmRSS from kB", () => {
    expect(rssBytesOf("Name:\tnode\nVmRSS:\t   2048 kB\nVmSwap:\t0 kB\n")).toBe(2048 * 1024);
    expect(rssBytesOf("Name:\tkthread\n")).toBeUndefined();
  });
});

describe("processTreeMemory", () => {
  it("sums this process and a child it started", async () => {
    const child = spawn(process.execPath, ["-e", "setTimeout(() => {}, 30000)"], { stdio: "ignore" });
    try {
      await new Promise((resolve) => child.once("spawn", resolve));
      const tree = await processTreeMemory(process.pid);
      const pids = tree.processes.map((p) => p.pid);
      expect(pids).toContain(process.pid);
      expect(pids).toContain(child.pid);
      const own = tree.processes.find((p) => p.pid === process.pid);
      expect(own?.rssBytes).toBeGreaterThan(1024 * 1024);
      expect(tree.totalBytes).toBe(tree.processes.reduce((sum, p) => sum + p.rssBytes, 0));
    } finally {
      child.kill("SIGKILL");
    }
  });
});
