// A gateway over the fakes with a tenant "default" and its key, and a small client for app.request.
import { createGateway, type Gateway, type GatewayOptions } from "../gateway.js";
import { FakeRuntime } from "./fake-runtime.js";
import { FakeStorage } from "./fake-storage.js";

export const OPERATOR_KEY = "operator-key-for-tests";

export interface Harness {
  gateway: Gateway;
  storage: FakeStorage;
  runtime: FakeRuntime;
  clock: { now: number };
  /** Key of tenant "default". */
  key: string;
  /** JSON call to the admin API; `body` that is a string is sent as is. */
  api(method: string, path: string, options?: { key?: string | null; body?: unknown }): Promise<ApiReply>;
  /** Deploys `code` to tenant "default" with the operator key and returns the version number. */
  deploy(name: string, code?: string, config?: unknown): Promise<number>;
}

export interface ApiReply {
  status: number;
  headers: Headers;
  // biome-ignore lint/suspicious/noExplicitAny: test replies are inspected field by field
  json: any;
}

export async function startHarness(
  options: Partial<GatewayOptions> & { seed?: (storage: FakeStorage) => Promise<void> } = {},
): Promise<Harness> {
  const clock = { now: 1_700_000_000_000 };
  const storage = options.storage instanceof FakeStorage ? options.storage : new FakeStorage(() => clock.now);
  const runtime = options.runtime instanceof FakeRuntime ? options.runtime : new FakeRuntime();
  await storage.tenants.create("default");
  const { key } = await storage.apiKeys.create("default", "admin");
  await options.seed?.(storage);
  let ids = 0;
  const gateway = await createGateway({
    adminToken: OPERATOR_KEY,
    now: () => clock.now,
    newId: () => `inv-${++ids}`,
    ...options,
    storage,
    runtime,
  });

  const api: Harness["api"] = async (method, path, { key: bearer = OPERATOR_KEY, body } = {}) => {
    const headers: Record<string, string> = {};
    if (bearer !== null) headers.authorization = `Bearer ${bearer}`;
    const init: RequestInit = { method, headers };
    if (body !== undefined) init.body = typeof body === "string" ? body : JSON.stringify(body);
    const response = await gateway.app.request(path, init);
    const text = await response.text();
    return {
      status: response.status,
      headers: response.headers,
      json: text === "" ? undefined : JSON.parse(text),
    };
  };

  const deploy: Harness["deploy"] = async (name, code = "export default {}", config = undefined) => {
    const reply = await api("PUT", `/api/v1/tenants/default/functions/${name}`, { body: { code, config } });
    if (reply.status !== 201) throw new Error(`deploy failed: ${JSON.stringify(reply.json)}`);
    return reply.json.version.number;
  };

  return { gateway, storage, runtime, clock, key, api, deploy };
}
