// Ctrl-C in a terminal sends SIGINT to the whole foreground process group: `skiff serve` and every runtime
// worker it forked. The server must still drain as on SIGTERM: requests already running finish, on the main port
// and on the direct data plane (whose requests the workers serve themselves), and the process exits 0.
import { request } from "undici";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { AdminClient, waitFor } from "./skiff-api.js";
import { type SkiffServer, startSkiff } from "./skiff-server.js";
import { createNamespace, mustDeploy } from "./storage-helpers.js";

const STATE_BINDING = [{ type: "kv" as const, name: "STATE", namespace: "state" }];
/** Marks that it started (under its path) and answers 1.5 s later: long enough to be caught by the signal. */
const SLOW = `export default { async fetch(request, env) {
  await env.STATE.put("started" + new URL(request.url).pathname.replaceAll("/", "-"), "yes");
  await new Promise((resolve) => setTimeout(resolve, 1500));
  return new Response("finished");
} };`;

let server: SkiffServer;
let admin: AdminClient;
let direct: string;

beforeAll(async () => {
  server = await startSkiff({ ownProcessGroup: true, env: { SKIFF_DATA_PLANE_PORT: "0" } });
  const plane = /data plane[^\n]*?(http:\/\/\S+)/i.exec(server.stdout())?.[1];
  if (plane === undefined) throw new Error(`no data plane URL in:\n${server.stdout()}`);
  direct = plane.replace(/\/$/, "");
  admin = new AdminClient(server, server.defaultKey);
  await createNamespace(admin, "state");
  await mustDeploy(admin, "slow", SLOW, { bindings: STATE_BINDING });
}, 60_000);

afterAll(async () => {
  // Stopped by the test already, unless it failed first.
  await server?.stop();
});

describe("Ctrl-C (SIGINT to the process group)", () => {
  it("lets the requests in flight on both ports finish, then exits 0", async () => {
    const viaMain = request(`${server.url}/fn/default/slow/main`);
    const viaDirect = request(`${direct}/fn/default/slow/direct`);
    for (const port of ["main", "direct"]) {
      await waitFor(`the ${port} port's request to reach its handler`, async () => {
        const mark = await admin.call("GET", `/tenants/default/kv/state/values/started-${port}`);
        return mark.status === 200 ? true : undefined;
      });
    }

    server.signalGroup("SIGINT");
    const answers = await Promise.all(
      [viaMain, viaDirect].map(async (pending) => {
        const answer = await pending;
        return { status: answer.statusCode, text: await answer.body.text() };
      }),
    );
    expect(answers).toEqual([
      { status: 200, text: "finished" },
      { status: 200, text: "finished" },
    ]);
    expect(await server.exited()).toBe(0);
    expect(server.stdout()).toMatch(/SIGINT/);
  });
});
