// A gateway over the real SQLite storage in a temp dir, with tenants "acme" and "other" and their keys, for
// admin routes whose storage is not faked (buckets, objects, KV).
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { openStorage } from "@skiff/storage";
import { createGateway, type Gateway, type GatewayOptions } from "../gateway.js";
import { FakeRuntime } from "./fake-runtime.js";
import type { Json } from "./json.js";

export const SQLITE_OPERATOR_KEY = "operator-key-for-sqlite-tests";

export interface Reply {
  status: number;
  headers: Headers;
  bytes: Uint8Array;
  /** The body parsed as JSON, or undefined when it is not JSON. */
  json: Json;
}

export interface CallOptions {
  /** Bearer key; default the operator's, null for none. */
  key?: string | null;
  /** An object is sent as JSON; a string or bytes as they are. */
  body?: unknown;
  headers?: Record<string, string>;
}

export interface SqliteHarness {
  gateway: Gateway;
  storage: Awaited<ReturnType<typeof openStorage>>;
  runtime: FakeRuntime;
  dataDir: string;
  clock: { now: number };
  /** Admin key of tenant "acme" and of tenant "other". */
  acmeKey: string;
  otherKey: string;
  /** A `read`-role key of tenant "acme". */
  acmeReadKey: string;
  call(method: string, path: string, options?: CallOptions): Promise<Reply>;
  /** Deploys a function to tenant "acme". */
  deploy(name: string): Promise<void>;
  close(): Promise<void>;
}

export async function startSqliteHarness(options: Partial<GatewayOptions> = {}): Promise<SqliteHarness> {
  const dataDir = await mkdtemp(join(tmpdir(), "skiff-gateway-sqlite-"));
  const clock = { now: 1_700_000_000_000 };
  const storage = await openStorage({ dataDir, now: () => clock.now });
  const runtime = new FakeRuntime();
  for (const tenant of ["acme", "other"]) await storage.tenants.create(tenant);
  const acmeKey = (await storage.apiKeys.create("acme", "admin")).key;
  const otherKey = (await storage.apiKeys.create("other", "admin")).key;
  const acmeReadKey = (await storage.apiKeys.create("acme", "read")).key;
  const gateway = await createGateway({
    adminToken: SQLITE_OPERATOR_KEY,
    now: () => clock.now,
    ...options,
    storage,
    runtime,
  });

  const call: SqliteHarness["call"] = async (
    method,
    path,
    { key = SQLITE_OPERATOR_KEY, body, headers } = {},
  ) => {
    const sent: Record<string, string> = { ...headers };
    if (key !== null) sent.authorization = `Bearer ${key}`;
    const init: RequestInit & { duplex?: "half" } = { method, headers: sent };
    if (body instanceof ReadableStream) {
      init.body = body;
      init.duplex = "half";
    } else if (body instanceof Uint8Array || typeof body === "string") init.body = body;
    else if (body !== undefined) init.body = JSON.stringify(body);
    const response = await gateway.app.request(path, init);
    const bytes = new Uint8Array(await response.arrayBuffer());
    let json: Json;
    try {
      json = JSON.parse(new TextDecoder().decode(bytes));
    } catch {
      json = undefined;
    }
    return { status: response.status, headers: response.headers, bytes, json };
  };

  const deploy: SqliteHarness["deploy"] = async (name) => {
    const reply = await call("PUT", `/api/v1/tenants/acme/functions/${name}`, {
      body: { code: "export default {}" },
    });
    if (reply.status !== 201) throw new Error(`deploy failed: ${JSON.stringify(reply.json)}`);
  };

  const close = async () => {
    await gateway.close();
    await storage.close();
    await rm(dataDir, { recursive: true, force: true });
  };

  return {
    gateway,
    storage,
    runtime,
    dataDir,
    clock,
    acmeKey,
    otherKey,
    acmeReadKey,
    call,
    deploy,
    close,
  };
}
