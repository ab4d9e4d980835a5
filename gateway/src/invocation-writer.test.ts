import type { InvocationRecord } from "@skiff/core";
import type { InvocationRepository } from "@skiff/storage";
import { afterEach, describe, expect, it, vi } from "vitest";
import { InvocationWriter, type InvocationWriterOptions } from "./invocation-writer.js";
import { createInvocationBus } from "./observe/invocation-bus.js";
import { captureLogger } from "./testing/logger.js";

function record(n: number): InvocationRecord {
  return {
    id: `inv-${n}`,
    tenant: "t",
    functionName: "f",
    version: 1,
    trigger: "http",
    startedAt: n,
    outcome: "ok",
    status: 200,
    cold: false,
    cpuMs: 1,
    wallMs: 1,
    logs: [],
    droppedLogLines: 0,
  };
}

function repository() {
  const batches: InvocationRecord[][] = [];
  const prunes: number[] = [];
  const repo: InvocationRepository & { fail: boolean } = {
    fail: false,
    async insertMany(records) {
      if (repo.fail) throw new Error("disk I/O error");
      batches.push(records);
    },
    async list() {
      return [];
    },
    async get() {
      return undefined;
    },
    async prune(keep) {
      prunes.push(keep);
      return 0;
    },
  };
  return { repo, batches, prunes };
}

function writer(options: Partial<InvocationWriterOptions> = {}) {
  const { repo, batches, prunes } = repository();
  const { logger, lines } = captureLogger();
  const w = new InvocationWriter({
    repository: repo,
    logger,
    retention: 3,
    flushIntervalMs: 60_000,
    ...options,
  });
  return { w, repo, batches, prunes, lines };
}

afterEach(() => {
  vi.useRealTimers();
});

describe("InvocationWriter", () => {
  it("publishes every record on the bus as it is added, before and whether or not it is stored", async () => {
    const bus = createInvocationBus();
    const seen: string[] = [];
    bus.subscribe((r) => seen.push(r.id));
    const { w, repo, batches } = writer({ bus });
    w.add(record(1));
    expect(seen).toEqual(["inv-1"]);
    expect(batches).toEqual([]);
    repo.fail = true;
    w.add(record(2));
    await w.flush();
    expect(seen).toEqual(["inv-1", "inv-2"]);
    expect(w.dropped).toBe(2);
  });

  it("holds records until flushed, then writes them in one batch", async () => {
    const { w, batches } = writer();
    w.add(record(1));
    w.add(record(2));
    expect(batches).toEqual([]);
    expect(w.pending).toBe(2);
    await w.flush();
    expect(batches.map((b) => b.map((r) => r.id))).toEqual([["inv-1", "inv-2"]]);
    expect(w.pending).toBe(0);
    expect(w.written).toBe(2);
    await w.flush();
    expect(batches).toHaveLength(1);
  });

  it("writes as soon as a batch is full", async () => {
    const { w, batches } = writer({ batchSize: 3 });
    for (let n = 1; n <= 3; n++) w.add(record(n));
    await vi.waitFor(() => expect(batches).toHaveLength(1));
    expect(batches[0]?.map((r) => r.id)).toEqual(["inv-1", "inv-2", "inv-3"]);
    w.add(record(4));
    expect(w.pending).toBe(1);
  });

  it("writes buffered records after the flush interval", async () => {
    vi.useFakeTimers();
    const { w, batches } = writer({ flushIntervalMs: 200 });
    w.add(record(1));
    await vi.advanceTimersByTimeAsync(199);
    expect(batches).toHaveLength(0);
    await vi.advanceTimersByTimeAsync(1);
    expect(batches.map((b) => b.length)).toEqual([1]);
  });

  it("never writes a record twice when flushes overlap", async () => {
    const { w, batches } = writer({ batchSize: 2 });
    for (let n = 1; n <= 5; n++) w.add(record(n));
    await Promise.all([w.flush(), w.flush(), w.flush()]);
    expect(batches.flat().map((r) => r.id)).toEqual(["inv-1", "inv-2", "inv-3", "inv-4", "inv-5"]);
  });

  it("logs and counts records it could not write, and keeps working", async () => {
    const { w, repo, batches, lines } = writer();
    repo.fail = true;
    w.add(record(1));
    w.add(record(2));
    await expect(w.flush()).resolves.toBeUndefined();
    expect(w.dropped).toBe(2);
    expect(lines.find((l) => l.msg === "could not write invocation records")).toMatchObject({
      count: 2,
      level: 50,
    });
    repo.fail = false;
    w.add(record(3));
    await w.flush();
    expect(batches.flat().map((r) => r.id)).toEqual(["inv-3"]);
    expect(w.dropped).toBe(2);
  });

  it("prunes to the retention now and then", async () => {
    const { w, prunes } = writer({ pruneEvery: 4, retention: 3 });
    for (let n = 1; n <= 3; n++) w.add(record(n));
    await w.flush();
    expect(prunes).toEqual([]);
    w.add(record(4));
    await w.flush();
    expect(prunes).toEqual([3]);
    w.add(record(5));
    await w.flush();
    expect(prunes).toEqual([3]);
  });

  it("survives a failed prune", async () => {
    const { w, repo, lines } = writer({ pruneEvery: 1 });
    repo.prune = () => Promise.reject(new Error("busy"));
    w.add(record(1));
    await w.flush();
    expect(w.written).toBe(1);
    expect(lines.some((l) => l.msg === "could not prune invocation records")).toBe(true);
  });

  it("drops the oldest records when storage falls too far behind", async () => {
    const { w, batches } = writer({ maxBuffered: 3, batchSize: 100 });
    for (let n = 1; n <= 5; n++) w.add(record(n));
    expect(w.dropped).toBe(2);
    await w.flush();
    expect(batches.flat().map((r) => r.id)).toEqual(["inv-3", "inv-4", "inv-5"]);
  });

  it("writes what is left on close and refuses records after it", async () => {
    const { w, batches } = writer();
    w.add(record(1));
    await w.close();
    expect(batches.flat().map((r) => r.id)).toEqual(["inv-1"]);
    w.add(record(2));
    await w.flush();
    expect(batches.flat()).toHaveLength(1);
    expect(w.dropped).toBe(1);
  });
});
