// Issue 7, item 1 (keys): `skiff key create | ls | revoke` against a real server, and what each role may do.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { AdminClient } from "./skiff-api.js";
import { runSkiff } from "./skiff-cli.js";
import { type SkiffServer, startSkiff } from "./skiff-server.js";

let server: SkiffServer;

beforeAll(async () => {
  server = await startSkiff();
});

afterAll(async () => {
  await server?.stop();
});

const HELLO = `export default { fetch() { return new Response("hi") } }`;

async function createKey(role: string, token = server.defaultKey) {
  const run = await runSkiff(server, ["key", "create", "--role", role, "--json"], {
    env: { SKIFF_TOKEN: token },
  });
  expect(run.stderr).toBe("");
  expect(run.code).toBe(0);
  return JSON.parse(run.stdout) as { key: string; apiKey: { id: string; role: string; prefix: string } };
}

describe("API keys through the CLI", () => {
  it("creates keys whose roles hold, lists them without the secret, and revokes them", {
    timeout: 60_000,
  }, async () => {
    const reader = await createKey("read");
    const deployer = await createKey("deploy");
    expect(reader.apiKey.role).toBe("read");
    expect(reader.key.startsWith(reader.apiKey.prefix)).toBe(true);

    // read: GET only.
    const asReader = new AdminClient(server, reader.key);
    expect((await asReader.listFunctions()).status).toBe(200);
    const refusedDeploy = await asReader.deploy("hello", HELLO);
    expect(refusedDeploy.status).toBe(403);
    expect(refusedDeploy.json.error.code).toBe("FORBIDDEN");

    // deploy: deploys, but can not manage keys.
    const asDeployer = new AdminClient(server, deployer.key);
    expect((await asDeployer.deploy("hello", HELLO)).status).toBe(201);
    const escalate = await runSkiff(server, ["key", "create", "--role", "admin"], {
      env: { SKIFF_TOKEN: deployer.key },
    });
    expect(escalate.code).toBe(1);
    expect(escalate.stderr).toContain("(FORBIDDEN, HTTP 403)");

    // ls: every key, newest first, never the key itself.
    const ls = await runSkiff(server, ["key", "ls", "--json"]);
    expect(ls.code).toBe(0);
    expect(ls.stdout).not.toContain(reader.key);
    expect(ls.stdout).not.toContain(deployer.key);
    const listed = JSON.parse(ls.stdout) as Array<{ id: string; role: string; revokedAt: number | null }>;
    expect(listed.slice(0, 2).map((k) => k.id)).toEqual([deployer.apiKey.id, reader.apiKey.id]);
    expect(listed.at(-1)?.role).toBe("admin");
    const table = await runSkiff(server, ["key", "ls"]);
    expect(table.stdout.split("\n")[0]).toMatch(/^ID\s+ROLE\s+PREFIX\s+CREATED\s+LAST USED\s+STATUS$/);

    // revoke: the key stops working; revoking again is fine; a key may revoke itself.
    const revoke = await runSkiff(server, ["key", "revoke", reader.apiKey.id]);
    expect(revoke).toMatchObject({ code: 0, stdout: `Revoked API key ${reader.apiKey.id}.\n` });
    expect((await asReader.listFunctions()).status).toBe(401);
    expect((await runSkiff(server, ["key", "revoke", reader.apiKey.id])).code).toBe(0);
    const self = await runSkiff(server, ["key", "revoke", deployer.apiKey.id], {
      env: { SKIFF_TOKEN: deployer.key },
    });
    expect(self.code).toBe(0);
    expect((await asDeployer.listFunctions()).status).toBe(401);
    const after = JSON.parse((await runSkiff(server, ["key", "ls", "--json"])).stdout) as typeof listed;
    expect(
      after
        .filter((k) => k.revokedAt !== null)
        .map((k) => k.id)
        .sort(),
    ).toEqual([reader.apiKey.id, deployer.apiKey.id].sort());
  });

  it("keeps a tenant's keys from another tenant", { timeout: 60_000 }, async () => {
    const operator = new AdminClient(server, server.adminToken);
    const other = await operator.call("POST", "/tenants", { name: "other" });
    expect(other.status).toBe(201);
    const asOther = new AdminClient(server, other.json.apiKey);
    expect((await asOther.call("GET", "/tenants/default/keys")).status).toBe(403);
    expect((await asOther.call("POST", "/tenants/default/keys", { role: "admin" })).status).toBe(403);
    // The operator manages any tenant's keys.
    const made = await createKey("read", server.adminToken as string);
    expect(made.apiKey.role).toBe("read");
    const fromOther = await runSkiff(server, ["key", "ls", "-t", "default"], {
      env: { SKIFF_TOKEN: other.json.apiKey },
    });
    expect(fromOther.code).toBe(1);
    expect(fromOther.stderr).toContain("(FORBIDDEN, HTTP 403)");
  });
});
