// The direct data plane writes an invocation's response before its record (the record is not on the client's
// path), and the record is there by the time the client has its answer.
import { createServer, type Server, type ServerResponse } from "node:http";
import { connect } from "node:net";
import { afterEach, describe, expect, it } from "vitest";
import { type Harness, startHarness } from "../testing/harness.js";

const servers: Server[] = [];

afterEach(async () => {
  for (const server of servers.splice(0)) {
    server.closeAllConnections();
    await new Promise((resolve) => server.close(resolve));
  }
});

/** Serves `h` through the direct data plane only; `answered` gets each response object it took. */
async function listen(h: Harness, answered: ServerResponse[]): Promise<number> {
  const server = createServer((incoming, outgoing) => {
    if (h.gateway.nodeDataPlane(incoming, outgoing)) answered.push(outgoing);
    else outgoing.writeHead(500).end("not taken by the direct data plane");
  });
  servers.push(server);
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const address = server.address();
  return typeof address === "object" && address !== null ? address.port : 0;
}

/** One raw GET with `Connection: close`; resolves with the whole answer. */
function get(port: number, path: string): Promise<string> {
  return new Promise((resolve, reject) => {
    const socket = connect(port, "127.0.0.1", () =>
      socket.write(`GET ${path} HTTP/1.1\r\nHost: 127.0.0.1:${port}\r\nConnection: close\r\n\r\n`),
    );
    let raw = "";
    socket.setEncoding("latin1");
    socket.on("data", (chunk: string) => {
      raw += chunk;
    });
    socket.on("end", () => resolve(raw));
    socket.on("error", reject);
  });
}

describe("records of the direct data plane", () => {
  it("publishes an answered invocation's record after its response was written", async () => {
    const h = await startHarness();
    await h.deploy("hello");
    const answered: ServerResponse[] = [];
    const endedWhenRecorded: boolean[] = [];
    h.gateway.invocations.subscribe(() => {
      endedWhenRecorded.push(answered.at(-1)?.writableEnded === true);
    });
    const port = await listen(h, answered);
    const raw = await get(port, "/fn/default/hello");
    expect(raw.startsWith("HTTP/1.1 200 OK\r\n"), raw).toBe(true);
    expect(answered).toHaveLength(1);
    expect(endedWhenRecorded).toEqual([true]);
  });

  it("has the record in storage once the client has its answer", async () => {
    const h = await startHarness();
    await h.deploy("hello");
    const port = await listen(h, []);
    const answers = [await get(port, "/fn/default/hello"), await get(port, "/fn/default/nope")];
    expect(answers.map((raw) => raw.slice(0, 12))).toEqual(["HTTP/1.1 200", "HTTP/1.1 404"]);
    await h.gateway.flush();
    expect(h.storage.invocationRows).toMatchObject([{ functionName: "hello", outcome: "ok", status: 200 }]);
  });
});
