import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";
import { WorkerHandle } from "./worker-handle.js";
import { PROC_RSS_AVAILABLE } from "./worker-rss.js";

const ENTRY = fileURLToPath(new URL("../../dist/worker/main.js", import.meta.url));

function startWorker(exits: string[]): WorkerHandle {
  return new WorkerHandle({ entry: ENTRY, onMessage: () => {}, onExit: (reason) => exits.push(reason) });
}

describe("WorkerHandle", () => {
  it("reports the worker's RSS over IPC (and from /proc on Linux), and nothing once it is dead", async () => {
    const exits: string[] = [];
    const worker = startWorker(exits);
    await worker.ready;
    const viaIpc = await worker.rssBytes("ipc");
    expect(viaIpc).toBeGreaterThan(10 * 1024 * 1024);
    if (PROC_RSS_AVAILABLE) {
      const viaProc = (await worker.rssBytes("proc")) as number;
      expect(viaProc).toBeGreaterThan((viaIpc as number) / 2);
      expect(viaProc).toBeLessThan((viaIpc as number) * 2);
    }
    worker.kill("its RSS passed the cap");
    expect(await worker.rssBytes()).toBeUndefined();
    await worker.exited;
    expect(exits).toEqual(["its RSS passed the cap (signal SIGKILL)"]);
    expect(worker.retired).toBe(false);
  });

  it("marks a worker that was asked to stop as retired", async () => {
    const exits: string[] = [];
    const worker = startWorker(exits);
    await worker.ready;
    await worker.stop();
    expect(worker.retired).toBe(true);
    expect(worker.alive).toBe(false);
    expect(exits).toEqual(["exit code 0"]);
  });
});
