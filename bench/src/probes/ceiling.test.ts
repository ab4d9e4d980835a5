// The ceiling probe's servers answer the hello world and the echo exactly as every peer must (verifyPeer), in
// real child processes with real isolates; and its table compares each run with workerd's under the same load.
import { afterEach, describe, expect, it } from "vitest";
import { echoPayload } from "../payload.js";
import { type PeerServer, startNodeServer } from "../peers/peer.js";
import { verifyPeer } from "../peers/start-peer.js";
import { type CeilingRun, ceilingServers, ceilingTable } from "./ceiling.js";

const started: PeerServer[] = [];
afterEach(async () => {
  await Promise.all(started.splice(0).map((server) => server.stop()));
});

async function start(script: string, env: Record<string, string> = {}): Promise<PeerServer> {
  const server = await startNodeServer(script, script, ["--no-node-snapshot"], env);
  started.push(server);
  return server;
}

describe("ceiling probe servers", () => {
  it("the Sandbox server answers like every peer, in one process and in a cluster of two", async () => {
    const payload = echoPayload();
    await verifyPeer(await start("probes/sandbox-http-server.js"), payload);
    await verifyPeer(await start("probes/sandbox-http-server.js", { PROBE_PROCESSES: "2" }), payload);
  });

  it("the bare isolated-vm server answers like every peer", async () => {
    await verifyPeer(await start("probes/isolate-floor-server.js"), echoPayload());
  });

  it("compares Skiff, the Sandbox in one process and one per core, the floor, workerd and node:http", () => {
    expect(ceilingServers(2).map((server) => server.label)).toEqual([
      "Skiff",
      "Sandbox in node:http × 1",
      "Sandbox in node:http × 2",
      "bare isolated-vm call",
      "workerd",
      "node:http",
    ]);
  });
});

describe("ceilingTable", () => {
  const run = (server: string, connections: number, requestsPerSecond: number): CeilingRun => ({
    server,
    body: "hello",
    connections,
    requestsPerSecond,
    p50Ms: 1,
    p99Ms: 2,
    failed: 0,
  });

  it("divides each run by workerd's under the same load, and says so when workerd did not run", () => {
    const table = ceilingTable([run("Skiff", 100, 5_000), run("workerd", 100, 10_000), run("Skiff", 1, 900)]);
    expect(table.rows.map((row) => row[6])).toEqual(["0.5×", "1×", "–"]);
    expect(table.rows[0]?.[3]).toBe("5,000");
  });

  it("shows the server's and the load generator's CPU per request, and – where they were not measured", () => {
    const measured = {
      ...run("Skiff", 100, 5_000),
      serverCpuUsPerRequest: 165.2,
      generatorCpuUsPerRequest: 20.1,
    };
    const table = ceilingTable([measured, run("workerd", 100, 10_000)]);
    const column = (name: string) => table.header.indexOf(name);
    expect(table.rows.map((row) => row[column("server CPU µs/req")])).toEqual(["165.2", "–"]);
    expect(table.rows.map((row) => row[column("load gen µs/req")])).toEqual(["20.1", "–"]);
  });
});
