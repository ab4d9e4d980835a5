// Issue 2, item 7: deploy, call (path and host), warm start, new version, rollback, delete — over real HTTP.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { example } from "./fixtures.js";
import { AdminClient, invoke, invokeByHost, waitFor } from "./skiff-api.js";
import { type SkiffServer, startSkiff } from "./skiff-server.js";

let server: SkiffServer;
let admin: AdminClient;

beforeAll(async () => {
  server = await startSkiff();
  admin = new AdminClient(server, server.defaultKey);
});

afterAll(async () => {
  expect(await server.stop()).toBe(0);
});

interface Record_ {
  id: string;
  version: number;
  outcome: string;
  status: number;
  cold: boolean;
  cpuMs: number;
  wallMs: number;
}

/** The function's invocation records once there are at least `count`, oldest first. */
async function records(name: string, count: number): Promise<Record_[]> {
  return waitFor(`${count} invocation records of ${name}`, async () => {
    const answer = await admin.invocations(name);
    expect(answer.status).toBe(200);
    const list = answer.json.invocations as Record_[];
    return list.length >= count ? [...list].reverse() : undefined;
  });
}

describe("a function's life", () => {
  it("deploys hello as version 1 and serves it at /fn/default/hello and at hello.default.localhost", async () => {
    const deployed = await admin.deploy("hello", example("hello.js"));
    expect(deployed.status).toBe(201);
    expect(deployed.json.version.number).toBe(1);
    expect(deployed.json.function.name).toBe("hello");

    const byPath = await invoke(server, "hello");
    expect(byPath.status).toBe(200);
    expect(byPath.text).toBe("Hello from Skiff!\n");

    const byHost = await invokeByHost(server, "hello");
    expect(byHost.status).toBe(200);
    expect(byHost.text).toBe("Hello from Skiff!\n");
  });

  it("records the first call as cold and the next one as warm, with the invocation id the client saw", async () => {
    const deployed = await admin.deploy("counter", example("echo.js"));
    expect(deployed.status).toBe(201);
    const first = await invoke(server, "counter", "/one");
    const second = await invoke(server, "counter", "/two");
    expect([first.status, second.status]).toEqual([200, 200]);
    expect(JSON.parse(second.text)).toMatchObject({ method: "GET", path: "/two" });

    const [older, newer] = await records("counter", 2);
    expect(older).toMatchObject({
      id: first.headers["x-skiff-invocation-id"],
      cold: true,
      outcome: "ok",
      version: 1,
    });
    expect(newer).toMatchObject({ id: second.headers["x-skiff-invocation-id"], cold: false, outcome: "ok" });
    expect(newer?.status).toBe(200);
    expect(newer?.wallMs).toBeGreaterThanOrEqual(0);
  });

  it("serves version 2 after a redeploy, with its vars in env", async () => {
    const deployed = await admin.deploy("hello", example("hello.js"), { vars: { GREETING: "Ahoy from v2" } });
    expect(deployed.status).toBe(201);
    expect(deployed.json.version.number).toBe(2);
    expect((await invoke(server, "hello")).text).toBe("Ahoy from v2\n");
    expect((await invokeByHost(server, "hello")).text).toBe("Ahoy from v2\n");

    const fn = await admin.call("GET", "/tenants/default/functions/hello");
    expect(fn.status).toBe(200);
    expect(fn.json.function.activeVersion).toBe(2);
  });

  it("rolls back to version 1", async () => {
    const rolledBack = await admin.call("POST", "/tenants/default/functions/hello/rollback", { version: 1 });
    expect(rolledBack.status).toBe(200);
    expect(rolledBack.json.version.number).toBe(1);
    expect((await invoke(server, "hello")).text).toBe("Hello from Skiff!\n");

    const versions = await admin.versions("hello");
    expect(versions.json.versions.map((v: { number: number }) => v.number).sort()).toEqual([1, 2]);
    const list = await admin.listFunctions();
    const hello = list.json.functions.find((f: { name: string }) => f.name === "hello");
    expect(hello.activeVersion).toBe(1);
  });

  it("refuses a rollback to a version that does not exist", async () => {
    const answer = await admin.call("POST", "/tenants/default/functions/hello/rollback", { version: 9 });
    expect(answer.status).toBe(404);
    expect(answer.json.error.code).toBe("VERSION_NOT_FOUND");
    expect((await invoke(server, "hello")).text).toBe("Hello from Skiff!\n");
  });

  it("deletes the function: it answers 404 FUNCTION_NOT_FOUND everywhere, and the others keep serving", async () => {
    const deleted = await admin.call("DELETE", "/tenants/default/functions/hello");
    expect(deleted.status).toBe(200);

    const byPath = await invoke(server, "hello");
    expect(byPath.status).toBe(404);
    expect(byPath.json.error.code).toBe("FUNCTION_NOT_FOUND");
    const byHost = await invokeByHost(server, "hello");
    expect(byHost.status).toBe(404);
    expect(byHost.json.error.code).toBe("FUNCTION_NOT_FOUND");
    const info = await admin.call("GET", "/tenants/default/functions/hello");
    expect(info.status).toBe(404);
    expect(info.json.error.code).toBe("FUNCTION_NOT_FOUND");
    const names = (await admin.listFunctions()).json.functions.map((f: { name: string }) => f.name);
    expect(names).toEqual(["counter"]);

    expect((await invoke(server, "counter")).status).toBe(200);
  });

  it("starts a deleted name over at version 1", async () => {
    const deployed = await admin.deploy("hello", example("hello.js"));
    expect(deployed.json.version.number).toBe(1);
    expect((await invoke(server, "hello")).text).toBe("Hello from Skiff!\n");
  });
});
