// A function that crashes its runtime worker through the direct data plane is quarantined as it is through the
// main port: otherwise one tenant could crash the workers, and every other tenant's connections on them, forever.
import { Client } from "undici";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { RunningServer } from "../start-server.js";
import { type PlaneServer, startPlaneServer } from "./plane-fixtures.js";

const ADMIN = "sk_admin_direct_quarantine_test_0123456789";
/** Crashes its worker (V8 aborts on the heap OOM) only when asked, so that the isolate is warm by then. */
const CRASHER = `export default { async fetch(request) {
  if (new URL(request.url).pathname !== "/crash") return new Response("warm");
  const big = new Array(1e9).fill(0);
  return new Response(String(big.length));
} };`;

let server: RunningServer;
let plane: PlaneServer;

/**
 * Requests on one fresh connection (so one worker), in order: status and error code of the last, or "cut" when
 * the connection died.
 */
async function get(origin: string, ...paths: string[]): Promise<string> {
  const client = new Client(origin);
  let last = "";
  try {
    for (const path of paths) {
      const answer = await client.request({ method: "GET", path });
      const text = await answer.body.text();
      let code: string | undefined;
      try {
        code = JSON.parse(text).error?.code;
      } catch {}
      last = `${answer.statusCode}${code === undefined ? "" : ` ${code}`}`;
    }
    return last;
  } catch {
    return "cut";
  } finally {
    await client.close().catch(() => {});
  }
}

async function deploy(name: string, code: string, config: Record<string, number> = {}): Promise<void> {
  const client = new Client(server.url);
  try {
    const answer = await client.request({
      method: "PUT",
      path: `/api/v1/tenants/default/functions/${name}`,
      headers: { authorization: `Bearer ${ADMIN}`, "content-type": "application/json" },
      body: JSON.stringify({ code, config }),
    });
    expect(answer.statusCode, await answer.body.text()).toBeLessThan(300);
  } finally {
    await client.close();
  }
}

beforeAll(async () => {
  plane = await startPlaneServer(ADMIN, 500);
  server = plane.server;
});

afterAll(async () => {
  await plane?.stop();
});

describe("a function crashing its worker through the direct data plane", () => {
  it("is quarantined after its crashes, and the others keep being served", { timeout: 120_000 }, async () => {
    await deploy("crasher", CRASHER, { memoryMb: 32, cpuMs: 5000, timeoutMs: 10_000 });
    await deploy("steady", `export default { fetch() { return new Response("steady") } }`);
    const direct = server.dataPlaneUrl as string;
    const seen: string[] = [];
    for (let i = 0; i < 8; i++) {
      const answer = await get(direct, "/fn/default/crasher/warm", "/fn/default/crasher/crash");
      seen.push(answer);
      if (answer === "503 FUNCTION_QUARANTINED") break;
      // Until the crashed worker's replacement serves again (every worker answers within a few tries).
      for (let ok = 0, tries = 0; ok < 4 && tries < 400; tries++) {
        if ((await get(direct, "/fn/default/steady/")) === "200") ok++;
        else await new Promise((resolve) => setTimeout(resolve, 50));
      }
    }
    expect(seen.at(-1), seen.join(", ")).toBe("503 FUNCTION_QUARANTINED");
    expect(await get(direct, "/fn/default/steady/")).toBe("200");
  });
});
