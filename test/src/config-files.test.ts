// Issue 8 item 5: a Workers project's wrangler.toml (module worker with vars and triggers.crons) deploys with a
// bare `skiff deploy` and runs — HTTP with its vars, its cron fired into `scheduled()` — and a config file with a
// typo'd field is refused with a message naming the field, its path and the file. Real server, real CLI.
import { mkdir, mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { AdminClient, invoke, storedState, waitFor } from "./skiff-api.js";
import { runSkiff } from "./skiff-cli.js";
import { type SkiffServer, startSkiff } from "./skiff-server.js";

const FN = "/tenants/default/functions";

let server: SkiffServer;
let admin: AdminClient;
let workDir: string;

beforeAll(async () => {
  server = await startSkiff();
  admin = new AdminClient(server, server.defaultKey);
  workDir = await mkdtemp(join(tmpdir(), "skiff-config-e2e-"));
});

afterAll(async () => {
  expect(await server.stop()).toBe(0);
  await rm(workDir, { recursive: true, force: true });
});

async function project(name: string, files: Record<string, string>): Promise<string> {
  const dir = join(workDir, name);
  for (const [path, content] of Object.entries(files)) {
    await mkdir(join(dir, path, ".."), { recursive: true });
    await writeFile(join(dir, path), content);
  }
  return dir;
}

/** A module worker in two TypeScript files, as `wrangler init` would leave it. */
const WORKER_FILES = {
  "src/index.ts": [
    'import { shout } from "./shout";',
    "interface Env { GREETING: string; SETTINGS: { loud: boolean } }",
    "export default {",
    "  async fetch(request: Request, env: Env): Promise<Response> {",
    "    const text = env.SETTINGS.loud ? shout(env.GREETING) : env.GREETING;",
    "    return new Response(text, { headers: { 'x-path': new URL(request.url).pathname } });",
    "  },",
    "  async scheduled(controller: { cron: string }, env: Env): Promise<void> {",
    '    console.log("tick " + controller.cron + " " + env.GREETING);',
    "  },",
    "};",
  ].join("\n"),
  "src/shout.ts": "export const shout = (s: string): string => s.toUpperCase() + '!';",
};

const WRANGLER_TOML = `
name = "wrangler-app"
main = "src/index.ts"
compatibility_date = "2024-09-23"
workers_dev = true

[vars]
GREETING = "hello from wrangler.toml"
SETTINGS = { loud = true }

[triggers]
crons = ["*/5 * * * *"]

[env.staging]
name = "wrangler-app-staging"

[env.staging.vars]
GREETING = "hello from staging"
SETTINGS = { loud = false }
`;

describe("a wrangler.toml project", () => {
  let dir: string;

  beforeAll(async () => {
    dir = await project("workers-app", { "wrangler.toml": WRANGLER_TOML, ...WORKER_FILES });
  });

  it("deploys with a bare `skiff deploy`, serves HTTP with its vars, and notes the fields it ignores", async () => {
    const run = await runSkiff(server, ["deploy"], { cwd: dir });
    expect(run.stderr).toContain("note: compatibility_date: ignored (Skiff has one runtime, always current)");
    expect(run.stderr).toContain("note: workers_dev: ignored");
    expect(run.code).toBe(0);
    expect(run.stdout).toContain(
      "Deployed wrangler-app version 1 to tenant default (bundle of 2 files) from wrangler.toml.",
    );

    const reply = await invoke(server, "wrangler-app", "/some/path");
    expect(reply.status).toBe(200);
    expect(reply.text).toBe("HELLO FROM WRANGLER.TOML!");
    expect(reply.headers["x-path"]).toBe("/some/path");
  });

  it("declares triggers.crons, and firing one runs scheduled() with the vars", async () => {
    const triggers = await admin.call("GET", `${FN}/wrangler-app/triggers`);
    expect(triggers.status).toBe(200);
    expect(triggers.json.triggers.map((t: { cron: string }) => t.cron)).toEqual(["*/5 * * * *"]);

    const fired = await admin.call("POST", `${FN}/wrangler-app/triggers/run`, { cron: "*/5 * * * *" });
    expect(fired.status).toBe(200);
    expect(fired.json.runs).toHaveLength(1);
    expect(fired.json.runs[0].outcome).toBe("ok");
    const invocationId = fired.json.runs[0].invocationId as string;
    const record = await waitFor("the cron run's record", async () => {
      const list = await admin.invocations("wrangler-app");
      return (
        list.json.invocations as Array<{ id: string; trigger: string; logs: Array<{ message: string }> }>
      ).find((i) => i.id === invocationId);
    });
    expect(record.trigger).toBe("cron");
    expect(record.logs.map((l) => l.message)).toEqual(["tick */5 * * * * hello from wrangler.toml"]);
  });

  it("deploys an environment with --env: its own name and vars, the crons inherited", async () => {
    const run = await runSkiff(server, ["deploy", "--env", "staging", "--json"], { cwd: dir });
    expect(run.code).toBe(0);
    expect(JSON.parse(run.stdout).version.number).toBe(1);
    const reply = await invoke(server, "wrangler-app-staging");
    expect(reply.text).toBe("hello from staging");
    const triggers = await admin.call("GET", `${FN}/wrangler-app-staging/triggers`);
    expect(triggers.json.triggers.map((t: { cron: string }) => t.cron)).toEqual(["*/5 * * * *"]);
  });

  it("lets command-line options win over the file", async () => {
    const run = await runSkiff(
      server,
      ["deploy", "--var", "GREETING=from the flag", "--name", "wrangler-flags"],
      {
        cwd: dir,
      },
    );
    expect(run.code).toBe(0);
    expect((await invoke(server, "wrangler-flags")).text).toBe("FROM THE FLAG!");
  });
});

describe("a config file with a mistake", () => {
  it("is refused with the field, its path and the file named, and a suggestion; nothing is deployed", async () => {
    const before = await storedState(admin);
    const dir = await project("typo-app", {
      "wrangler.toml": 'name = "typo-app"\nmain = "src/index.ts"\n\n[trigers]\ncrons = ["*/5 * * * *"]\n',
      ...WORKER_FILES,
    });
    const run = await runSkiff(server, ["deploy"], { cwd: dir });
    expect(run.code).toBe(1);
    expect(run.stdout).toBe("");
    expect(run.stderr).toBe(
      "error: wrangler.toml has a problem:\n" +
        '  wrangler.toml: trigers: unknown field; did you mean "triggers"?\n' +
        "hint: fix the field named above in wrangler.toml\n",
    );
    expect(await storedState(admin)).toEqual(before);
  });

  it("in skiff.jsonc, points at the line and column of a nested field", async () => {
    const dir = await project("jsonc-typo", {
      "skiff.jsonc":
        '{\n  "name": "jsonc-typo",\n  "main": "src/index.ts",\n  "triggers": { "cron": ["* * * * *"] }\n}\n',
      ...WORKER_FILES,
    });
    const run = await runSkiff(server, ["deploy"], { cwd: dir });
    expect(run.code).toBe(1);
    expect(run.stderr).toContain(
      'skiff.jsonc:4:17: triggers.cron: unknown field in triggers; did you mean "crons"?',
    );
  });

  it("says what to do when there is no file and no config to deploy", async () => {
    const dir = await project("empty", { "README.md": "nothing here" });
    const run = await runSkiff(server, ["deploy"], { cwd: dir });
    expect(run.code).toBe(1);
    expect(run.stderr).toMatch(
      /^error: nothing to deploy: no file given, and no skiff\.jsonc, .*wrangler\.toml in /,
    );
    expect(run.stderr).toContain("hint: pass the module or project folder");
  });
});
