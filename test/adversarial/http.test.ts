// Issue 7, adversarial HTTP: slow clients cannot pin the server, oversized or smuggled requests are refused
// before any handler runs, and an unrelated tenant's function answers 200 during and after each attack.
// (The full HTTP hardening suite is test/src/http-hardening.test.ts; this is the short list.)
import { connect, type Socket } from "node:net";
import { Readable } from "node:stream";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { FunctionConfig } from "../src/skiff-api.js";
import {
  type Arena,
  BYSTANDER,
  BYSTANDER_TENANT,
  deployHostile,
  duringAttack,
  expectPlatformError,
  expectStillServing,
  FAST_LIMITS,
  HOSTILE_TENANT,
  invokeHostile,
  quantile,
  startArena,
  startBystanderProbe,
} from "./harness.js";

const SLOW_SOCKETS = 500;
const DRIP_INTERVAL_MS = 2000;
const DRIP_DURATION_MS = 6000;

let arena: Arena;
let host: string;
let port: number;

beforeAll(async () => {
  arena = await startArena();
  const url = new URL(arena.server.url);
  host = url.hostname;
  port = Number.parseInt(url.port, 10);
  const admin = arena.alpha.admin;
  expect((await admin.call("POST", `/tenants/${HOSTILE_TENANT}/kv`, { name: "marks" })).status).toBe(201);
  const config: FunctionConfig & { bindings: unknown[] } = {
    ...FAST_LIMITS,
    bindings: [{ type: "kv", name: "MARKS", namespace: "marks" }],
  };
  await deployHostile(arena, "marker", "kv-marker.js", config);
});

afterAll(async () => {
  expect(await arena.server.stop()).toBe(0);
});

/** How many times the marker handler ran: each run writes one KV key. */
async function handlerRuns(): Promise<number> {
  const listed = await arena.alpha.admin.call("GET", `/tenants/${HOSTILE_TENANT}/kv/marks/keys`);
  expect(listed.status).toBe(200);
  return listed.json.keys.length as number;
}

/** Sends raw bytes and returns whatever the server answers until it closes the connection (at most 5 s). */
function rawExchange(bytes: string): Promise<string> {
  return new Promise((resolve, reject) => {
    const socket = connect({ host, port });
    let answer = "";
    const timer = setTimeout(() => socket.destroy(), 5000);
    socket.setEncoding("latin1");
    socket.on("data", (chunk: string) => {
      answer += chunk;
    });
    socket.on("error", (error) => {
      clearTimeout(timer);
      if (answer === "") reject(error);
      else resolve(answer);
    });
    socket.on("close", () => {
      clearTimeout(timer);
      resolve(answer);
    });
    socket.write(bytes, "latin1");
  });
}

describe("HTTP", () => {
  it("keeps answering a normal client while 500 slow sockets drip header bytes", {
    timeout: 40_000,
  }, async () => {
    const sockets: Socket[] = [];
    let closedByServer = 0;
    const probe = startBystanderProbe(arena);
    try {
      await Promise.all(
        Array.from(
          { length: SLOW_SOCKETS },
          () =>
            new Promise<void>((resolve, reject) => {
              const socket = connect({ host, port }, () => {
                socket.write(
                  `GET /fn/${BYSTANDER_TENANT}/${BYSTANDER} HTTP/1.1\r\nHost: ${host}\r\nX-Slow: `,
                );
                resolve();
              });
              socket.on("error", reject);
              socket.on("close", () => {
                closedByServer++;
              });
              sockets.push(socket);
            }),
        ),
      );
      const drip = setInterval(() => {
        for (const socket of sockets) if (!socket.destroyed) socket.write("x");
      }, DRIP_INTERVAL_MS);
      await new Promise((resolve) => setTimeout(resolve, DRIP_DURATION_MS));
      clearInterval(drip);
    } finally {
      const report = await probe.stop();
      console.log(
        `bystander during ${SLOW_SOCKETS} slow sockets: ${report.statuses.length} calls, p50 ${quantile(report.latenciesMs, 0.5).toFixed(1)} ms, p99 ${quantile(report.latenciesMs, 0.99).toFixed(1)} ms; slow sockets closed by the server so far: ${closedByServer}`,
      );
      for (const socket of sockets) socket.destroy();
      expect(report.failures).toEqual([]);
      expect(report.statuses.length).toBeGreaterThanOrEqual(2);
    }
    await expectStillServing(arena);
  });

  it("answers a 7 MB chunked body with 413 PAYLOAD_TOO_LARGE before the handler runs", async () => {
    const before = await handlerRuns();
    async function* chunks() {
      for (let i = 0; i < 7; i++) yield new Uint8Array(1024 * 1024);
    }
    const answer = await duringAttack(arena, () =>
      invokeHostile(arena, "marker", "", { method: "POST", body: Readable.from(chunks()) }),
    );
    expectPlatformError(answer, 413, "PAYLOAD_TOO_LARGE");
    expect(await handlerRuns()).toBe(before);
    await expectStillServing(arena);
  });

  it("answers a 20 KB URL with 414 URI_TOO_LONG before the handler runs", async () => {
    const before = await handlerRuns();
    const answer = await duringAttack(arena, () =>
      invokeHostile(arena, "marker", `/${"a".repeat(20 * 1024)}`),
    );
    expectPlatformError(answer, 414, "URI_TOO_LONG");
    expect(await handlerRuns()).toBe(before);
    await expectStillServing(arena);
  });

  it("answers a request with both Content-Length and Transfer-Encoding (smuggling) with 400", async () => {
    const before = await handlerRuns();
    const smuggled =
      `POST /fn/${HOSTILE_TENANT}/marker HTTP/1.1\r\nHost: ${host}\r\nContent-Length: 6\r\n` +
      "Transfer-Encoding: chunked\r\n\r\n0\r\n\r\nGET /fn/alpha/marker HTTP/1.1\r\nHost: x\r\n\r\n";
    const answer = await duringAttack(arena, () => rawExchange(smuggled));
    expect(answer).toMatch(/^HTTP\/1\.1 400 /);
    // Neither the outer request nor the one smuggled inside it reached the handler.
    expect(await handlerRuns()).toBe(before);
    await expectStillServing(arena);
  });

  it("still runs the handler for a small ordinary POST (the marker works)", async () => {
    const before = await handlerRuns();
    const answer = await invokeHostile(arena, "marker", "", { method: "POST", body: "hello" });
    expect({ status: answer.status, text: answer.text }).toEqual({ status: 200, text: "handler ran\n" });
    expect(await handlerRuns()).toBe(before + 1);
  });
});
