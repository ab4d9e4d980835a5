import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { runLoad } from "./run-load.js";

// Runs the built load generator (dist/load/load-runner.js, as the harness does) against a node:http server here.
describe("runLoad", () => {
  let server: Server;
  let url: string;
  let served = 0;

  beforeAll(async () => {
    server = createServer((_request, response) => {
      served += 1;
      response.end("ok");
    });
    await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
    url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/`;
  });

  afterAll(async () => {
    await new Promise((resolve) => server.close(resolve));
  });

  it("calls onMeasuring once, after the warm-up, and returns the result line that follows the marker", async () => {
    served = 0;
    const events: string[] = [];
    let servedAtMarker = -1;
    const result = await runLoad(
      { url, connections: 2, amount: 200, warmupSeconds: 0.2 },
      {
        onMeasuring: () => {
          events.push("measuring");
          servedAtMarker = served;
        },
      },
    );
    events.push("result");
    expect(events).toEqual(["measuring", "result"]);
    // The warm-up's requests were all answered before the marker was printed.
    expect(servedAtMarker).toBeGreaterThan(0);
    expect(servedAtMarker).toBeLessThanOrEqual(served);
    expect(result.requests + result.non2xx).toBeGreaterThanOrEqual(199);
    expect(result.statusCodes["200"]).toBe(result.requests);
    expect(typeof result.generatorCpuMs).toBe("number");
    expect(result.generatorCpuMs).toBeGreaterThan(0);
  });

  it("works without a callback", async () => {
    const result = await runLoad({ url, connections: 1, amount: 20 });
    expect(result.requests).toBeGreaterThanOrEqual(19);
    expect(result.generatorCpuMs).toBeGreaterThan(0);
  });
});
