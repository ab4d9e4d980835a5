// A connection handed to a worker that dies before taking it: the client must see it closed, and the main process
// must keep no copy of it (Node keeps a handed socket open until the child acknowledges it, which a dead child
// never does).
import { connect, createServer, type Server, type Socket } from "node:net";
import { fileURLToPath } from "node:url";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { DirectPlane } from "../../direct-plane.js";
import { Supervisor } from "../supervisor.js";

/** The test module, as the workers import it: built (tests run from src/, workers from dist/). */
const MODULE = fileURLToPath(new URL("../../../dist/testing/direct-test-plane.js", import.meta.url));

let runtime: Supervisor;
let plane: DirectPlane;
let server: Server;
let port = 0;
const handed: Socket[] = [];
let ready = false;

beforeAll(async () => {
  runtime = new Supervisor({
    workers: 1,
    loadCode: async () => {
      throw new Error("no code here");
    },
  });
  plane = runtime.serveDirect({
    module: MODULE,
    config: {},
    snapshot: () => ({}),
    onMessage: () => {
      ready = true;
    },
  });
  server = createServer({ pauseOnConnect: true }, (socket) => {
    handed.push(socket);
    plane.hand(socket);
  });
  await runtime.ready();
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const address = server.address();
  port = typeof address === "object" && address !== null ? address.port : 0;
  // The test module answers a ping once it is ready.
  plane.broadcast({ type: "ping", n: 1 });
  const deadline = Date.now() + 20_000;
  while (!ready && Date.now() < deadline) await new Promise((resolve) => setTimeout(resolve, 10));
});

afterAll(async () => {
  server.close();
  await runtime.close();
});

describe("a connection handed to a worker that dies before it takes it", () => {
  it("is closed for the client", { timeout: 20_000 }, async () => {
    const [worker] = (await runtime.stats()).workers.filter((w) => w.role === "invocations");
    const pid = worker?.pid as number;
    expect(pid).toBeGreaterThan(0);
    // Stopped: it cannot read the connection's message, nor acknowledge it.
    process.kill(pid, "SIGSTOP");
    const client = connect(port, "127.0.0.1");
    client.on("error", () => {});
    const closed = new Promise<void>((resolve) => client.once("close", () => resolve()));
    const deadline = Date.now() + 10_000;
    while (handed.length === 0 && Date.now() < deadline)
      await new Promise((resolve) => setTimeout(resolve, 10));
    expect(handed).toHaveLength(1);
    // The message is written to the stopped worker's channel; then the worker dies without reading it.
    await new Promise((resolve) => setTimeout(resolve, 200));
    process.kill(pid, "SIGKILL");
    // Hangs (until the test's timeout) while the main process keeps its copy of the connection open.
    await closed;
    expect(client.destroyed).toBe(true);
  });
});
