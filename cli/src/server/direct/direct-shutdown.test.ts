// Shutting down a server whose direct data plane has connections open: the drain cuts what is still open after
// drainMs, as the main port's drain does, instead of waiting for the clients to leave.
import { request } from "undici";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { RunningServer } from "../start-server.js";
import { type PlaneServer, startPlaneServer } from "./plane-fixtures.js";

const ADMIN = "sk_admin_direct_shutdown_test_0123456789";

let server: RunningServer;
let plane: PlaneServer;

beforeAll(async () => {
  plane = await startPlaneServer(ADMIN, 300);
  server = plane.server;
});

afterAll(async () => {
  await plane?.stop();
});

describe("closing a server with the direct data plane", () => {
  it("cuts a response still streaming after drainMs, and closes", { timeout: 30_000 }, async () => {
    const deployed = await request(`${server.url}/api/v1/tenants/default/functions/forever`, {
      method: "PUT",
      headers: { authorization: `Bearer ${ADMIN}`, "content-type": "application/json" },
      body: JSON.stringify({
        code: `export default { async fetch() {
          let n = 0;
          const body = new ReadableStream({
            async pull(controller) {
              await new Promise((resolve) => setTimeout(resolve, 50));
              controller.enqueue(new TextEncoder().encode("tick " + n++ + "\\n"));
            },
          });
          return new Response(body);
        } };`,
      }),
    });
    expect(deployed.statusCode, await deployed.body.text()).toBeLessThan(300);
    const answer = await request(`${server.dataPlaneUrl}/fn/default/forever/`);
    expect(answer.statusCode).toBe(200);
    const reader = answer.body[Symbol.asyncIterator]();
    expect(String((await reader.next()).value)).toContain("tick 0");
    // Keep reading in the background until the connection is cut.
    const drained = (async () => {
      try {
        for (;;) if ((await reader.next()).done) return "ended";
      } catch {
        return "cut";
      }
    })();
    // Hangs for as long as the client keeps reading when the drain never reaches the workers.
    await server.close();
    expect(await drained).toMatch(/ended|cut/);
  });
});
