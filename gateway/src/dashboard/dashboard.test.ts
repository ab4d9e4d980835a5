import { describe, expect, it } from "vitest";
import { OPERATOR_KEY, startHarness } from "../testing/harness.js";
import { SESSION_COOKIE } from "./dashboard.js";

const ORIGIN = "http://localhost";

/** A browser's form post from a dashboard page: same origin, urlencoded. */
function formPost(fields: Record<string, string>, cookie?: string): RequestInit {
  const headers: Record<string, string> = {
    "content-type": "application/x-www-form-urlencoded",
    origin: ORIGIN,
  };
  if (cookie !== undefined) headers.cookie = cookie;
  return { method: "POST", headers, body: new URLSearchParams(fields).toString() };
}

async function start() {
  const h = await startHarness({
    runtimeStats: async () => ({
      workers: [
        {
          slot: 0,
          role: "invocations",
          pid: 4242,
          restarts: 1,
          rssBytes: 50 * 1024 * 1024,
          isolates: { idle: 2, busy: 1, heapBytes: 3 * 1024 * 1024, hits: 9, misses: 3, evictions: 4 },
        },
      ],
    }),
  });
  const page = (path: string, cookie?: string) =>
    h.gateway.app.request(`${ORIGIN}${path}`, cookie === undefined ? {} : { headers: { cookie } });
  /** Logs in with `key` and returns the cookie header to send back. */
  const login = async (key: string) => {
    const res = await h.gateway.app.request(`${ORIGIN}/dashboard/login`, formPost({ key }));
    expect(res.status).toBe(303);
    const setCookie = res.headers.get("set-cookie") ?? "";
    const id = new RegExp(`${SESSION_COOKIE}=([^;]+)`).exec(setCookie)?.[1];
    expect(id).toBeDefined();
    return { cookie: `${SESSION_COOKIE}=${id}`, setCookie, location: res.headers.get("location") };
  };
  return { h, page, login };
}

describe("dashboard login", () => {
  it("sends a visitor without a session to the login form, which posts the key in its body", async () => {
    const { page } = await start();
    const root = await page("/dashboard");
    expect(root.status).toBe(303);
    expect(root.headers.get("location")).toBe("/dashboard/login");

    const form = await page("/dashboard/login");
    expect(form.status).toBe(200);
    const html = await form.text();
    expect(html).toMatch(/^<!doctype html>/);
    expect(html).toContain('<form class="login" method="post" action="/dashboard/login">');
    expect(html).toContain('type="password"');
    // Inline style and script carry the nonce that the policy allows, and nothing else may run.
    const csp = form.headers.get("content-security-policy") ?? "";
    const nonce = /script-src 'nonce-([^']+)'/.exec(csp)?.[1];
    expect(nonce).toBeDefined();
    expect(csp).toContain("default-src 'none'");
    expect(html).toContain(`<script nonce="${nonce}">`);
    expect(html).toContain(`<style nonce="${nonce}">`);
    expect(form.headers.get("cache-control")).toBe("no-store");
  });

  it("exchanges a tenant key for an HttpOnly, SameSite=Strict cookie that does not hold the key", async () => {
    const { h, page, login } = await start();
    const { cookie, setCookie, location } = await login(h.key);
    expect(location).toBe("/dashboard");
    expect(setCookie).toMatch(/HttpOnly/);
    expect(setCookie).toMatch(/SameSite=Strict/);
    expect(setCookie).toMatch(/Path=\/dashboard/);
    expect(setCookie).not.toContain(h.key);

    const root = await page("/dashboard", cookie);
    expect(root.status).toBe(303);
    expect(root.headers.get("location")).toBe("/dashboard/tenants/default");
  });

  it("refuses an unknown key without a session, and a form from another site", async () => {
    const { h } = await start();
    const wrong = await h.gateway.app.request(`${ORIGIN}/dashboard/login`, formPost({ key: "sk_not_a_key" }));
    expect(wrong.status).toBe(401);
    expect(wrong.headers.get("set-cookie")).toBeNull();
    expect(await wrong.text()).toContain("unknown or revoked");

    const empty = await h.gateway.app.request(`${ORIGIN}/dashboard/login`, formPost({}));
    expect(empty.status).toBe(400);

    const forged = await h.gateway.app.request(`${ORIGIN}/dashboard/login`, {
      ...formPost({ key: h.key }),
      headers: { "content-type": "application/x-www-form-urlencoded", origin: "http://evil.example" },
    });
    expect(forged.status).toBe(403);
    expect(forged.headers.get("set-cookie")).toBeNull();
  });

  it("ends the session on logout", async () => {
    const { h, page, login } = await start();
    const { cookie } = await login(h.key);
    const out = await h.gateway.app.request(`${ORIGIN}/dashboard/logout`, formPost({}, cookie));
    expect(out.status).toBe(303);
    expect(out.headers.get("location")).toBe("/dashboard/login");
    expect((await page("/dashboard/tenants/default", cookie)).headers.get("location")).toBe(
      "/dashboard/login",
    );
  });

  it("ends every session of a key once the key is revoked", async () => {
    const { h, page, login } = await start();
    const created = await h.api("POST", "/api/v1/tenants/default/keys", { body: { role: "read" } });
    expect(created.status).toBe(201);
    const { cookie } = await login(created.json.key);
    expect((await page("/dashboard/tenants/default", cookie)).status).toBe(200);
    expect((await h.api("DELETE", `/api/v1/tenants/default/keys/${created.json.apiKey.id}`)).status).toBe(
      204,
    );
    const after = await page("/dashboard/tenants/default", cookie);
    expect(after.status).toBe(303);
    expect(after.headers.get("location")).toBe("/dashboard/login?ended=1");
    expect((await page("/dashboard/tenants/default", cookie)).headers.get("location")).toBe(
      "/dashboard/login",
    );
  });
});

describe("dashboard pages", () => {
  it("lists a tenant's functions with versions and triggers", async () => {
    const { h, page, login } = await start();
    await h.deploy("hello");
    await h.deploy("hello", "export default {}", { triggers: { crons: ["*/5 * * * *"] } });
    await h.deploy("other");
    const { cookie } = await login(h.key);
    const res = await page("/dashboard/tenants/default", cookie);
    expect(res.status).toBe(200);
    const html = await res.text();
    expect(html).toContain('<a href="/dashboard/tenants/default/functions/hello">hello</a>');
    expect(html).toContain('<a href="/dashboard/tenants/default/functions/other">other</a>');
    expect(html).toContain("cron */5 * * * *");
    expect(html).toContain("HTTP /fn/default/hello");
    expect(html).toContain('<td class="num">v2</td>');
    // The fake storage keeps no usage: that part says so, and the rest of the page stands.
    expect(html).toContain("Usage could not be loaded (500)");
  });

  it("shows a function's chart, and its invocations with their log lines", async () => {
    const { h, page, login } = await start();
    await h.deploy("hello");
    h.runtime.handler = () => ({
      response: { status: 200, statusText: "OK", headers: [], body: new Uint8Array() },
      logs: [{ level: "info", message: "hello from <the> dashboard test", ts: h.clock.now }],
      wallMs: 12,
    });
    for (let i = 0; i < 3; i++) expect((await h.gateway.app.request("/fn/default/hello/")).status).toBe(200);
    h.runtime.handler = () => ({
      outcome: "exception",
      error: { name: "Error", message: "boom" },
      wallMs: 40,
    });
    expect((await h.gateway.app.request("/fn/default/hello/")).status).toBe(500);

    const { cookie } = await login(h.key);
    const res = await page("/dashboard/tenants/default/functions/hello?window=15m", cookie);
    expect(res.status).toBe(200);
    const html = await res.text();
    expect(html).toContain('data-chart="invocations"');
    expect(html).toMatch(/<rect class="bar" [^>]*data-count="3"/);
    expect(html).toMatch(/<rect class="bar-error" [^>]*data-count="1"/);
    expect(html).toContain("4 invocations, 1 errors");
    expect(html).toMatch(/<circle class="dot-p99"[^>]*><title>[^<]*p99 40 ms<\/title>/);
    // Tenant text is escaped, never markup.
    expect(html).toContain("hello from &lt;the&gt; dashboard test");
    expect(html).toContain("Error: boom");
    expect(html.match(/<details class="invocation"/g)).toHaveLength(4);
    expect(html).toContain('aria-current="page">15m</a>');
  });

  it("refuses a window it does not offer", async () => {
    const { h, page, login } = await start();
    await h.deploy("hello");
    const { cookie } = await login(h.key);
    const res = await page("/dashboard/tenants/default/functions/hello?window=3y", cookie);
    expect(res.status).toBe(400);
    expect(await res.text()).toContain("window is one of 15m, 1h, 6h, 24h, 7d");
  });

  it("shows a tenant key nothing of another tenant, nor the operator view", async () => {
    const { h, page, login } = await start();
    expect((await h.api("POST", "/api/v1/tenants", { body: { name: "other" } })).status).toBe(201);
    const { cookie } = await login(h.key);
    const other = await page("/dashboard/tenants/other", cookie);
    expect(other.status).toBe(403);
    expect(await other.text()).toContain("this API key belongs to another tenant");
    expect((await page("/dashboard/operator", cookie)).status).toBe(403);
    expect((await page("/dashboard/tenants/default/functions/missing", cookie)).status).toBe(404);
  });

  it("shows the operator every tenant, the runtime workers and their isolate caches", async () => {
    const { h, page, login } = await start();
    expect((await h.api("POST", "/api/v1/tenants", { body: { name: "acme" } })).status).toBe(201);
    await h.deploy("hello");
    const { cookie, location } = await login(OPERATOR_KEY);
    expect(location).toBe("/dashboard");
    expect((await page("/dashboard", cookie)).headers.get("location")).toBe("/dashboard/operator");
    const res = await page("/dashboard/operator", cookie);
    expect(res.status).toBe(200);
    const html = await res.text();
    expect(html).toContain('<a href="/dashboard/tenants/acme">acme</a>');
    expect(html).toContain('<a href="/dashboard/tenants/default">default</a>');
    expect(html).toContain('data-table="workers"');
    expect(html).toContain('<td class="num">4242</td>');
    expect(html).toContain("9 / 3");
    expect(html).toContain("75 %"); // warm hit rate: 9 of 12
    expect(html).toContain('id="backlog"');
    expect(html).toContain("async events waiting");
  });
});
