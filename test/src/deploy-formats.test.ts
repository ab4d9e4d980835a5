// Deploy formats, JSON vars and secrets end to end: real server, real CLI, real isolates, real SQLite.
import { mkdir, mkdtemp, readFile, rm, stat, symlink, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { AdminClient, invoke } from "./skiff-api.js";
import { runSkiff } from "./skiff-cli.js";
import { REPO_ROOT, type SkiffServer, startSkiff } from "./skiff-server.js";

/** `(module (func (export "add") (param i32 i32) (result i32) local.get 0 local.get 1 i32.add))` */
const ADD_WASM = "AGFzbQEAAAABBwFgAn9/AX8DAgEABwcBA2FkZAAACgkBBwAgACABags=";
const FN = "/tenants/default/functions";

let server: SkiffServer;
let admin: AdminClient;
let workDir: string;

beforeAll(async () => {
  server = await startSkiff({ keepDataDir: true });
  admin = new AdminClient(server, server.defaultKey);
  workDir = await mkdtemp(join(tmpdir(), "skiff-deploy-e2e-"));
});

afterAll(async () => {
  expect(await server.stop()).toBe(0);
  await rm(server.dataDir, { recursive: true, force: true });
  await rm(workDir, { recursive: true, force: true });
});

async function write(root: string, files: Record<string, string | Uint8Array>): Promise<void> {
  for (const [path, content] of Object.entries(files)) {
    await mkdir(join(root, path, ".."), { recursive: true });
    await writeFile(join(root, path), content);
  }
}

describe("deploy formats over the API", () => {
  it("runs several modules: TypeScript, relative imports, JSON, text and WebAssembly", async () => {
    const answer = await admin.call("PUT", `${FN}/multi`, {
      main: "src/index.ts",
      modules: {
        "src/index.ts": [
          'import { describe } from "./lib/describe.js";',
          'import settings from "../settings.json";',
          'import greeting from "../greeting.txt";',
          'import addModule from "../add.wasm";',
          "const { add } = new WebAssembly.Instance(addModule).exports as { add: (a: number, b: number) => number };",
          "export default {",
          "  async fetch(): Promise<Response> {",
          "    return Response.json({ sum: add(settings.a, settings.b), text: describe(greeting.trim()) });",
          "  },",
          "};",
        ].join("\n"),
        "src/lib/describe.ts": 'export const describe = (s: string): string => "<" + s + ">";',
        "settings.json": '{"a": 40, "b": 2}',
        "greeting.txt": "hello\n",
        "add.wasm": { base64: ADD_WASM },
      },
    });
    expect(answer.status).toBe(201);
    expect(answer.json.version.main).toBe("src/index.ts");
    expect(answer.json.version.modules.map((m: { path: string; type: string }) => [m.path, m.type])).toEqual([
      ["add.wasm", "wasm"],
      ["greeting.txt", "text"],
      ["settings.json", "json"],
      ["src/index.ts", "esm"],
      ["src/lib/describe.ts", "esm"],
    ]);
    const reply = await invoke(server, "multi");
    expect(reply.status).toBe(200);
    expect(reply.json).toEqual({ sum: 42, text: "<hello>" });
  });

  it("answers 400 INVALID_CODE with the file and line of a TypeScript error, keeping the serving version", async () => {
    const answer = await admin.call("PUT", `${FN}/multi`, {
      modules: {
        "index.ts": 'import "./lib.ts";\nexport default {};',
        "lib.ts": "const a: number = 1;\nconst b: = 2;\n",
      },
    });
    expect(answer.status).toBe(400);
    expect(answer.json.error.code).toBe("INVALID_CODE");
    expect(answer.json.error.message).toMatch(/^lib\.ts: .* \(line 2, column \d+\)$/);
    expect(answer.json.error.details).toMatchObject({ file: "lib.ts", line: 2 });
    expect((await invoke(server, "multi")).json).toEqual({ sum: 42, text: "<hello>" });
  });

  it("refuses an import of a module that was not uploaded, and an npm package", async () => {
    const missing = await admin.call("PUT", `${FN}/broken`, {
      modules: {
        "index.js": 'import { x } from "./x.js";\nexport default { fetch: () => new Response(x) };',
      },
    });
    expect(missing.status).toBe(400);
    expect(missing.json.error.message).toContain(
      'index.js: cannot import "./x.js": no module x.js was uploaded',
    );
    const npm = await admin.call("PUT", `${FN}/broken`, {
      code: 'import { Hono } from "hono";\nexport default new Hono();',
    });
    expect(npm.status).toBe(400);
    expect(npm.json.error.message).toContain("skiff deploy does");
    expect((await admin.call("GET", `${FN}/broken`)).status).toBe(404);
  });
});

describe("vars and secrets in env", () => {
  const ENV_PROBE = `export default {
  async fetch(_request, env) {
    return Response.json({ settings: env.SETTINGS, flag: env.FLAG, mode: env.MODE, token: env.TOKEN ?? null, other: env.OTHER ?? null });
  },
};`;

  it("gives JSON vars parsed and secrets decrypted, and never returns a secret", async () => {
    const answer = await admin.call("PUT", `${FN}/probe`, {
      code: ENV_PROBE,
      config: { vars: { SETTINGS: { level: 3, tags: ["a"] }, FLAG: true, MODE: "prod" } },
      secrets: { TOKEN: "tok-from-deploy" },
    });
    expect(answer.status).toBe(201);
    expect(answer.text).not.toContain("tok-from-deploy");
    expect((await invoke(server, "probe")).json).toEqual({
      settings: { level: 3, tags: ["a"] },
      flag: true,
      mode: "prod",
      token: "tok-from-deploy",
      other: null,
    });
    const listed = await admin.call("GET", `${FN}/probe/secrets`);
    expect(listed.json.secrets.map((s: { name: string }) => s.name)).toEqual(["TOKEN"]);
    for (const path of [`${FN}/probe`, `${FN}/probe/versions`, `${FN}/probe/secrets`]) {
      expect((await admin.call("GET", path)).text).not.toContain("tok-from-deploy");
    }
  });

  it("serves a changed or deleted secret on the very next request", async () => {
    expect((await invoke(server, "probe")).json.token).toBe("tok-from-deploy");
    const put = await admin.call("PUT", `${FN}/probe/secrets/TOKEN`, { value: "rotated" });
    expect(put.status).toBe(200);
    expect((await invoke(server, "probe")).json.token).toBe("rotated");
    expect((await admin.call("PUT", `${FN}/probe/secrets/OTHER`, { value: "o" })).status).toBe(201);
    expect((await invoke(server, "probe")).json).toMatchObject({ token: "rotated", other: "o" });
    expect((await admin.call("DELETE", `${FN}/probe/secrets/OTHER`)).status).toBe(200);
    expect((await invoke(server, "probe")).json.other).toBeNull();
  });

  it("refuses a secret named like a var with 400 INVALID_CONFIG", async () => {
    const answer = await admin.call("PUT", `${FN}/probe/secrets/MODE`, { value: "x" });
    expect(answer.status).toBe(400);
    expect(answer.json.error.code).toBe("INVALID_CONFIG");
  });

  it("keeps only ciphertext on disk, under a master.key readable by its owner alone", async () => {
    const key = await stat(join(server.dataDir, "master.key"));
    expect(key.mode & 0o777).toBe(0o600);
    for (const file of ["skiff.db", "skiff.db-wal"]) {
      const bytes = await readFile(join(server.dataDir, file)).catch(() => Buffer.alloc(0));
      expect(bytes.includes("rotated")).toBe(false);
    }
  });
});

describe("skiff deploy", () => {
  it("uploads a TypeScript file without imports as it is, with --secret", async () => {
    await write(workDir, {
      "typed.ts":
        "interface Env { TOKEN: string }\nexport default { fetch: (_r: Request, env: Env): Response => new Response(env.TOKEN) };\n",
    });
    const run = await runSkiff(server, ["deploy", "typed.ts", "--secret", "TOKEN=from-cli", "--json"], {
      cwd: workDir,
    });
    expect(run.stderr).toBe("");
    expect(run.code).toBe(0);
    expect(run.stdout).not.toContain("from-cli");
    expect(JSON.parse(run.stdout).version).toMatchObject({
      main: "typed.ts",
      modules: [{ path: "typed.ts", type: "esm" }],
    });
    expect((await invoke(server, "typed")).text).toBe("from-cli");
  });

  it("bundles a project directory with a local package, choosing its worker build", async () => {
    const project = join(workDir, "project");
    await write(project, {
      "package.json": JSON.stringify({ name: "bundled-app", main: "src/index.ts" }),
      "src/index.ts": [
        'import { where } from "tiny-lib";',
        'import { twice } from "./twice";',
        'import addModule from "./add.wasm";',
        "const { add } = new WebAssembly.Instance(addModule).exports as { add: (a: number, b: number) => number };",
        "export default { fetch: (): Response => Response.json({ where, n: twice(add(1, 2)) }) };",
      ].join("\n"),
      "src/twice.ts": "export const twice = (n: number): number => n * 2;",
      "src/add.wasm": Buffer.from(ADD_WASM, "base64"),
      "node_modules/tiny-lib/package.json": JSON.stringify({
        name: "tiny-lib",
        exports: { ".": { worker: "./worker.js", default: "./node.js" } },
      }),
      "node_modules/tiny-lib/worker.js": 'export const where = "worker build";',
      "node_modules/tiny-lib/node.js": 'import fs from "node:fs";\nexport const where = String(fs);',
    });
    const run = await runSkiff(server, ["deploy", "project"], { cwd: workDir });
    expect(run.stderr).toBe("");
    expect(run.code).toBe(0);
    expect(run.stdout).toMatch(
      /^Deployed bundled-app version 1 to tenant default \(bundle of \d+ files\)\.\n/,
    );
    expect((await invoke(server, "bundled-app")).json).toEqual({ where: "worker build", n: 6 });
  });

  it("bundles a Hono app from npm and serves its routes and middleware", async () => {
    const project = join(workDir, "hono-app");
    await write(project, {
      "index.ts": [
        'import { Hono } from "hono";',
        "const app = new Hono<{ Bindings: { GREETING: string } }>();",
        'app.use("*", async (c, next) => { await next(); c.header("x-powered-by", "hono-on-skiff"); });',
        'app.get("/hello/:name", (c) => c.json({ hello: c.req.param("name"), greeting: c.env.GREETING }));',
        "export default app;",
      ].join("\n"),
    });
    await mkdir(join(project, "node_modules"), { recursive: true });
    await symlink(join(REPO_ROOT, "node_modules", "hono"), join(project, "node_modules", "hono"));
    const run = await runSkiff(server, ["deploy", "hono-app", "--var", "GREETING=hi"], { cwd: workDir });
    expect(run.stderr).toBe("");
    expect(run.code).toBe(0);
    const reply = await invoke(server, "hono-app", "/hello/ada");
    expect(reply.status).toBe(200);
    expect(reply.json).toEqual({ hello: "ada", greeting: "hi" });
    expect(reply.headers["x-powered-by"]).toBe("hono-on-skiff");
    expect((await invoke(server, "hono-app", "/nope")).status).toBe(404);
  });

  it("explains a package that is not installed, deploying nothing", async () => {
    await write(workDir, {
      "needs-pkg.js": 'import { x } from "not-installed";\nexport default { fetch: () => new Response(x) };',
    });
    const run = await runSkiff(server, ["deploy", "needs-pkg.js"], { cwd: workDir });
    expect(run.code).toBe(1);
    expect(run.stderr).toContain('Could not resolve "not-installed"');
    expect(run.stderr).toContain("hint: install the project's dependencies");
    expect((await admin.call("GET", `${FN}/needs-pkg`)).status).toBe(404);
  });

  it("shows the server's TypeScript error with file and line", async () => {
    await write(workDir, {
      "broken.ts": "export default {\n  fetch(): Response {\n    return new Response(;\n  },\n};\n",
    });
    const run = await runSkiff(server, ["deploy", "broken.ts"], { cwd: workDir });
    expect(run.code).toBe(1);
    expect(run.stderr).toContain("INVALID_CODE");
    expect(run.stderr).toMatch(/broken\.ts: .*\(line 3, column \d+\)/);
  });
});

describe("after a restart", () => {
  it("still serves secrets, sealed under the same master key", async () => {
    expect(await server.stop()).toBe(0);
    server = await startSkiff({ dataDir: server.dataDir, keepDataDir: true });
    admin = new AdminClient(server, server.defaultKey);
    expect((await invoke(server, "probe")).json.token).toBe("rotated");
    expect((await invoke(server, "typed")).text).toBe("from-cli");
  });
});
