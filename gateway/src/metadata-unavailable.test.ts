// A real SQLite failure on the control plane (disk full, forced with max_page_count) answers 503
// METADATA_UNAVAILABLE without leaking SQL, while deployed functions keep serving from memory on a real runtime.
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { parseCodeBundle, singleModuleBundle } from "@skiff/core";
import { Supervisor } from "@skiff/runtime";
import { openStorage, type SqliteStorage } from "@skiff/storage";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createGateway, type Gateway } from "./gateway.js";
import { captureLogger } from "./testing/logger.js";

const OPERATOR = "operator-key";
const utf8 = new TextDecoder();

let dataDir: string;
let storage: SqliteStorage;
let runtime: Supervisor;
let gateway: Gateway;
let logs: ReturnType<typeof captureLogger>;

async function call(method: string, path: string, body?: unknown) {
  const init: RequestInit = { method, headers: { authorization: `Bearer ${OPERATOR}` } };
  if (body !== undefined) init.body = JSON.stringify(body);
  const res = await gateway.app.request(path, init);
  const text = await res.text();
  return { status: res.status, text, json: text.startsWith("{") ? JSON.parse(text) : undefined };
}

const deploy = (name: string, vars: Record<string, string> = {}) =>
  call("PUT", `/api/v1/tenants/acme/functions/${name}`, {
    code: `export default { fetch() { return new Response("${name} answers") } }`,
    config: { vars },
  });

/** Env vars that need several new database pages: a version row can not fit in the free space of old ones. */
const bigVars = () => Object.fromEntries(Array.from({ length: 6 }, (_, i) => [`V${i}`, "x".repeat(4_000)]));

beforeAll(async () => {
  dataDir = await mkdtemp(join(tmpdir(), "skiff-metadata-"));
  storage = await openStorage({ dataDir });
  runtime = new Supervisor({
    loadCode: async (spec) => {
      const text = utf8.decode(await storage.blobs.get(spec.codeHash));
      return text.startsWith("{") ? parseCodeBundle(text) : singleModuleBundle(text);
    },
    workers: 1,
  });
  await runtime.ready();
  logs = captureLogger();
  gateway = await createGateway({ storage, runtime, adminToken: OPERATOR, logger: logs.logger });
  expect((await call("POST", "/api/v1/tenants", { name: "acme" })).status).toBe(201);
});

afterAll(async () => {
  await gateway?.close();
  await runtime?.close();
  await storage?.close();
  await rm(dataDir, { recursive: true, force: true });
});

describe("the metadata database failing", () => {
  it("answers 503 METADATA_UNAVAILABLE while deployed functions keep serving, and recovers", async () => {
    expect((await deploy("hello")).status).toBe(201);
    const before = await gateway.app.request("/fn/acme/hello");
    expect(await before.text()).toBe("hello answers");

    // Disk full, for real: no free pages left, and the file may not grow by one page.
    storage.db.exec("VACUUM");
    expect(storage.db.pragma("freelist_count", { simple: true })).toBe(0);
    const pages = storage.db.pragma("page_count", { simple: true }) as number;
    storage.db.pragma(`max_page_count = ${pages}`);

    const refused = await deploy("second", bigVars());
    expect(refused.status).toBe(503);
    expect(refused.json.error.code).toBe("METADATA_UNAVAILABLE");
    // Nothing of SQLite's own words, statements or paths reaches the client.
    expect(refused.text).not.toMatch(/sqlite|insert into|update |select |skiff\.db/i);
    expect(refused.text).not.toContain("database or disk is full");
    expect(refused.text).not.toContain(dataDir);
    // The original error is in the log, once, with its SQLite code.
    const logged = logs.lines.filter((line) => line.msg === "metadata store unavailable");
    expect(logged).toHaveLength(1);
    expect(logged[0].err.code).toBe("SQLITE_FULL");
    expect(logged[0].path).toBe("/api/v1/tenants/acme/functions/second");

    // The already-deployed function answers from the in-memory routing table on the real runtime, again and again.
    for (let i = 0; i < 5; i++) {
      const res = await gateway.app.request("/fn/acme/hello");
      expect(res.status).toBe(200);
      expect(await res.text()).toBe("hello answers");
    }
    // Reads of the control plane still work; the failed deploy left nothing behind.
    const listed = await call("GET", "/api/v1/tenants/acme/functions");
    expect(listed.status).toBe(200);
    expect(listed.json.functions.map((f: { name: string }) => f.name)).toEqual(["hello"]);
    expect((await gateway.app.request("/fn/acme/second")).status).toBe(404);

    // Room again: writes work, and the database is whole.
    storage.db.pragma("max_page_count = 1073741823");
    const deployed = await deploy("second", bigVars());
    expect(deployed.status).toBe(201);
    expect(await (await gateway.app.request("/fn/acme/second")).text()).toBe("second answers");
    await gateway.flush();
    expect(storage.db.pragma("integrity_check", { simple: true })).toBe("ok");
  });
});
