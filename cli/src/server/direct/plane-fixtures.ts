// Shared by the direct data plane's tests: a finished invocation's record, and a real server with the plane on.
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { InvocationRecord } from "@skiff/core";
import { pino } from "pino";
import { type RunningServer, startServer } from "../start-server.js";

/** A record as a worker reports it: an answered hello of tenant acme. */
export function invocationRecord(id = "inv-1"): InvocationRecord {
  return {
    id,
    tenant: "acme",
    functionName: "hello",
    version: 1,
    trigger: "http",
    startedAt: 1,
    outcome: "ok",
    status: 200,
    cold: false,
    cpuMs: 1,
    wallMs: 1,
    logs: [],
    droppedLogLines: 0,
  };
}

export interface PlaneServer {
  server: RunningServer;
  /** Closes the server and removes its data dir. */
  stop(): Promise<void>;
}

/** `startServer` on loopback with the direct data plane on a free port, in a fresh data dir. */
export async function startPlaneServer(adminToken: string, drainMs: number): Promise<PlaneServer> {
  const dataDir = await mkdtemp(join(tmpdir(), "skiff-direct-"));
  try {
    const server = await startServer({
      port: 0,
      host: "127.0.0.1",
      dataDir,
      adminToken,
      examplesDir: undefined,
      logger: pino({ level: "silent" }),
      dataPlanePort: 0,
      drainMs,
    });
    return {
      server,
      stop: async () => {
        await server.close();
        await rm(dataDir, { recursive: true, force: true });
      },
    };
  } catch (error) {
    await rm(dataDir, { recursive: true, force: true });
    throw error;
  }
}
