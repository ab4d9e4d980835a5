// Issue 7, item 2 (visibility): a function that crashes its runtime worker repeatedly is quarantined, the
// quarantine is stored and shown by the API, survives a restart of the server, and is lifted by the operator or
// a deploy. The crashes themselves are the supervisor's business (runtime tests, test/adversarial/crash-loop).
import { randomBytes } from "node:crypto";
import { readFile, rm } from "node:fs/promises";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { AdminClient, type Answer, invoke, waitFor } from "./skiff-api.js";
import { REPO_ROOT, type SkiffServer, startSkiff } from "./skiff-server.js";

const HELLO = `export default { fetch() { return new Response("hello") } }`;
const CRASH_LIMITS = { memoryMb: 32, cpuMs: 5000, timeoutMs: 10_000 };
/** Three crashes quarantine a function; a first crash shared with another function may not count. */
const MAX_CALLS = 8;
const PATH = "/tenants/default/functions/crasher";

const adminToken = `sk_admin_${randomBytes(16).toString("hex")}`;
let server: SkiffServer;
let dataDir: string | undefined;
let operator: AdminClient;

async function start(): Promise<void> {
  server = await startSkiff({ adminToken, keepDataDir: true, ...(dataDir === undefined ? {} : { dataDir }) });
  dataDir = server.dataDir;
  operator = new AdminClient(server, adminToken);
}

beforeAll(async () => {
  await start();
  // `new Array(1e9).fill(0)` under a 32 MB isolate: V8 aborts the whole runtime worker.
  const crasher = await readFile(
    join(REPO_ROOT, "test", "adversarial", "fixtures", "memory-array-fill.js"),
    "utf8",
  );
  await operator.mustDeploy("crasher", crasher, CRASH_LIMITS);
  await operator.mustDeploy("steady", HELLO);
}, 60_000);

afterAll(async () => {
  await server?.stop();
  if (dataDir !== undefined) await rm(dataDir, { recursive: true, force: true });
});

describe("quarantine on a running server", () => {
  it("is stored, shown, kept across a restart, and lifted by the operator and by a deploy", {
    timeout: 90_000,
  }, async () => {
    const codes: string[] = [];
    for (let i = 0; i < MAX_CALLS; i++) {
      const answer = await invoke(server, "crasher");
      codes.push(`${answer.status} ${answer.json?.error?.code}`);
      if (answer.json?.error?.code === "FUNCTION_QUARANTINED") break;
    }
    expect(codes.at(-1), codes.join(", ")).toBe("503 FUNCTION_QUARANTINED");
    expect((await invoke(server, "steady")).status).toBe(200);

    // Stored from the runtime's event, off the request path.
    const shown = await waitFor("the quarantine in the function record", async () => {
      const answer = await operator.call("GET", PATH);
      return answer.json.function.quarantine ? answer : undefined;
    });
    const quarantine = shown.json.function.quarantine;
    expect(quarantine).toMatchObject({ versionId: shown.json.version.id, reason: expect.any(String) });
    expect(quarantine.crashes).toBeGreaterThanOrEqual(3);
    const list = await new AdminClient(server, server.defaultKey).call("GET", "/tenants/default/quarantines");
    expect(list.json).toEqual({
      quarantines: [{ tenant: "default", functionName: "crasher", ...quarantine }],
    });

    // A restart restores it: refused from the first call, without crashing anything.
    expect(await server.stop()).toBe(0);
    await start();
    const refused: Answer = await invoke(server, "crasher");
    expect(refused.status).toBe(503);
    expect(refused.json.error.code).toBe("FUNCTION_QUARANTINED");
    expect((await operator.call("GET", PATH)).json.function.quarantine).toEqual(quarantine);

    // Only the operator lifts it; then the (still broken) version is tried again.
    const denied = await new AdminClient(server, server.defaultKey).call("DELETE", `${PATH}/quarantine`);
    expect(denied.status).toBe(403);
    const lifted = await operator.call("DELETE", `${PATH}/quarantine`);
    expect(lifted.json).toEqual({ lifted: true, tenant: "default", name: "crasher" });
    expect((await operator.call("GET", "/tenants/default/quarantines")).json).toEqual({ quarantines: [] });
    expect((await invoke(server, "crasher")).json.error.code).not.toBe("FUNCTION_QUARANTINED");

    // A fixed version serves at once.
    await operator.mustDeploy("crasher", HELLO);
    const fixed = await invoke(server, "crasher");
    expect([fixed.status, fixed.text]).toEqual([200, "hello"]);
    expect((await operator.call("GET", PATH)).json.function.quarantine).toBeNull();
  });
});
