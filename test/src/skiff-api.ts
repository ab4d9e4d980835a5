// The admin API and the data plane of a running server, over real HTTP (undici), as test helpers.
import type { Readable } from "node:stream";
import { request } from "undici";
import type { SkiffServer } from "./skiff-server.js";

export interface Answer {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  text: string;
  /** The parsed body, or undefined when it is not JSON. */
  // biome-ignore lint/suspicious/noExplicitAny: tests read answers field by field and assert each; a JSON type would only add casts
  json: any;
}

export interface CallOptions {
  method?: string;
  headers?: Record<string, string>;
  body?: string | Uint8Array | Readable;
}

/** One HTTP request; any status is returned, never thrown. */
export async function call(url: string, options: CallOptions = {}): Promise<Answer> {
  const answer = await request(url, {
    method: (options.method ?? "GET") as "GET",
    headers: options.headers ?? {},
    body: options.body ?? null,
  });
  const text = await answer.body.text();
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch {
    json = undefined;
  }
  return { status: answer.statusCode, headers: answer.headers, text, json };
}

export interface FunctionConfig {
  memoryMb?: number;
  cpuMs?: number;
  timeoutMs?: number;
  concurrency?: number;
  vars?: Record<string, string>;
  triggers?: { crons: Array<string | CronTriggerInput> };
  async?: { maxAttempts?: number; maxEventAgeSeconds?: number; minBackoffMs?: number };
}

export interface CronTriggerInput {
  cron: string;
  timezone?: string;
  overlap?: "skip" | "allow";
  missed?: "skip" | "catch-up-once";
}

/** Admin API calls as one principal (a tenant key or the operator key). */
export class AdminClient {
  constructor(
    readonly server: SkiffServer,
    readonly token: string | undefined,
  ) {}

  call(method: string, path: string, body?: unknown, headers: Record<string, string> = {}): Promise<Answer> {
    const all: Record<string, string> = { ...headers };
    if (this.token !== undefined) all.authorization = `Bearer ${this.token}`;
    if (body !== undefined && typeof body !== "string") all["content-type"] = "application/json";
    const payload = body === undefined ? undefined : typeof body === "string" ? body : JSON.stringify(body);
    return call(`${this.server.url}/api/v1${path}`, {
      method,
      headers: all,
      ...(payload ? { body: payload } : {}),
    });
  }

  deploy(name: string, code: string, config?: FunctionConfig, tenant = "default"): Promise<Answer> {
    return this.call("PUT", `/tenants/${tenant}/functions/${name}`, config ? { code, config } : { code });
  }

  /** Deploys and fails the test unless the server accepted it; returns the new version number. */
  async mustDeploy(name: string, code: string, config?: FunctionConfig, tenant = "default"): Promise<number> {
    const answer = await this.deploy(name, code, config, tenant);
    if (answer.status !== 201) throw new Error(`deploy ${name} answered ${answer.status}: ${answer.text}`);
    return answer.json.version.number as number;
  }

  listFunctions(tenant = "default"): Promise<Answer> {
    return this.call("GET", `/tenants/${tenant}/functions`);
  }

  versions(name: string, tenant = "default"): Promise<Answer> {
    return this.call("GET", `/tenants/${tenant}/functions/${name}/versions`);
  }

  invocations(name: string, tenant = "default"): Promise<Answer> {
    return this.call("GET", `/tenants/${tenant}/functions/${name}/invocations`);
  }
}

/** Calls a function through `/fn/{tenant}/{name}{path}`. */
export function invoke(
  server: SkiffServer,
  name: string,
  path = "",
  options: CallOptions = {},
  tenant = "default",
) {
  return call(`${server.url}/fn/${tenant}/${name}${path}`, options);
}

/** Calls a function through its host name, `{name}.{tenant}.localhost`, on the server's address. */
export function invokeByHost(server: SkiffServer, name: string, path = "/", tenant = "default") {
  return call(`${server.url}${path}`, { headers: { host: `${name}.${tenant}.localhost` } });
}

/**
 * What a tenant has stored, as the API shows it: each function's active version and its versions' hashes.
 * Bad input must leave this exactly as it was.
 */
export async function storedState(admin: AdminClient, tenant = "default"): Promise<unknown> {
  const list = await admin.listFunctions(tenant);
  if (list.status !== 200) throw new Error(`listing functions answered ${list.status}: ${list.text}`);
  const functions = (list.json.functions as Array<{ name: string; activeVersion: number | null }>)
    .map((f) => ({ name: f.name, activeVersion: f.activeVersion }))
    .sort((a, b) => a.name.localeCompare(b.name));
  const versions: Record<string, unknown> = {};
  for (const f of functions) {
    const answer = await admin.versions(f.name, tenant);
    versions[f.name] = (answer.json.versions as Array<{ number: number; codeHash: string }>).map((v) => ({
      number: v.number,
      codeHash: v.codeHash,
    }));
  }
  return { functions, versions };
}

/** Polls `probe` until it returns a value other than undefined, or fails after `deadlineMs`. */
export async function waitFor<T>(
  what: string,
  probe: () => Promise<T | undefined>,
  deadlineMs = 10_000,
): Promise<T> {
  const end = Date.now() + deadlineMs;
  for (;;) {
    const value = await probe();
    if (value !== undefined) return value;
    if (Date.now() > end) throw new Error(`timed out after ${deadlineMs} ms waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 25));
  }
}
