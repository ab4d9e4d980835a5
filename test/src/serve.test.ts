// `skiff serve` itself: first start, keys on disk, the examples, restarts, shutdown.
import { spawn } from "node:child_process";
import { mkdtemp, readFile, rm, stat } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { AdminClient, call, invoke, invokeByHost } from "./skiff-api.js";
import { CLI_MAIN, REPO_ROOT, startSkiff } from "./skiff-server.js";

let dataDir: string;

beforeAll(async () => {
  dataDir = await mkdtemp(join(tmpdir(), "skiff-serve-"));
});
afterAll(async () => {
  await rm(dataDir, { recursive: true, force: true });
});

async function mode(path: string): Promise<number> {
  return (await stat(path)).mode & 0o777;
}

describe("skiff serve", () => {
  it("on first start: creates the default tenant, prints its key once, writes the keys 0600, deploys examples", async () => {
    const server = await startSkiff({ dataDir, adminToken: null, examples: true });
    try {
      const out = server.stdout();
      expect(server.defaultKey).toMatch(/^sk_/);
      expect(out.split(server.defaultKey)).toHaveLength(2);
      expect(await mode(join(dataDir, "default.key"))).toBe(0o600);

      expect(out).toContain(`generated an operator key in ${join(dataDir, "admin.key")} (mode 0600)`);
      expect(await mode(join(dataDir, "admin.key"))).toBe(0o600);
      const adminKey = (await readFile(join(dataDir, "admin.key"), "utf8")).trim();
      expect(out).not.toContain(adminKey);
      const operator = new AdminClient(server, adminKey);
      expect(
        (await operator.call("GET", "/tenants")).json.tenants.map((t: { name: string }) => t.name),
      ).toEqual(["default"]);

      expect(out).toContain(`Try: curl ${server.url}/fn/default/hello`);
      expect(await invoke(server, "hello")).toMatchObject({ status: 200, text: "Hello from Skiff!\n" });
      expect(await invokeByHost(server, "hello")).toMatchObject({ status: 200, text: "Hello from Skiff!\n" });
      const echo = await invoke(server, "echo", "/p?q=1", { method: "POST", body: "hi" });
      expect(JSON.parse(echo.text)).toMatchObject({
        method: "POST",
        path: "/p",
        query: { q: "1" },
        body: "hi",
      });
      expect((await call(`${server.url}/healthz`)).status).toBe(200);
    } finally {
      expect(await server.stop()).toBe(0);
    }
    expect((await readFile(join(dataDir, "default.key"), "utf8")).trim()).toMatch(/^sk_/);
  });

  it("on restart: keeps keys and functions, prints no key, and does not redeploy unchanged examples", async () => {
    const keyBefore = (await readFile(join(dataDir, "default.key"), "utf8")).trim();
    const adminKey = (await readFile(join(dataDir, "admin.key"), "utf8")).trim();
    const server = await startSkiff({ dataDir, adminToken: null, examples: true });
    try {
      expect(server.defaultKey).toBe(keyBefore);
      expect(server.stdout()).not.toContain(keyBefore);
      expect(server.stdout()).not.toContain("generated an operator key");
      expect(server.stdout()).toContain("Example hello: version 1 (unchanged)");

      const admin = new AdminClient(server, keyBefore);
      const versions = await admin.versions("hello");
      expect(versions.json.versions).toHaveLength(1);
      expect((await invoke(server, "hello")).text).toBe("Hello from Skiff!\n");
      expect((await new AdminClient(server, adminKey).call("GET", "/tenants")).status).toBe(200);
    } finally {
      expect(await server.stop()).toBe(0);
    }
  });

  it("stops on SIGTERM with exit code 0 after saying so", async () => {
    const server = await startSkiff();
    expect(await server.stop()).toBe(0);
    expect(server.stdout()).toContain("Received SIGTERM, shutting down");
    expect(server.stdout()).toContain("Stopped.");
  });

  it("says the port is taken, with exit code 1", async () => {
    const server = await startSkiff();
    try {
      const port = new URL(server.url).port;
      const other = await mkdtemp(join(tmpdir(), "skiff-serve-port-"));
      const child = spawn(
        process.execPath,
        ["--no-node-snapshot", CLI_MAIN, "serve", "--port", port, "--data-dir", other],
        {
          cwd: REPO_ROOT,
          stdio: ["ignore", "pipe", "pipe"],
          env: { ...process.env, SKIFF_ADMIN_TOKEN: "x" },
        },
      );
      let stderr = "";
      child.stderr.setEncoding("utf8").on("data", (chunk: string) => {
        stderr += chunk;
      });
      const code = await new Promise((resolve) => child.once("exit", resolve));
      await rm(other, { recursive: true, force: true });
      expect(code).toBe(1);
      expect(stderr).toContain(`error: port ${port} on 127.0.0.1 is already in use`);
      expect(stderr).toContain("hint: stop the other process, or choose another port with --port");
    } finally {
      expect(await server.stop()).toBe(0);
    }
  });
});
