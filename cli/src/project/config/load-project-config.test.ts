import { mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { findProjectConfig, loadProjectConfig } from "./load-project-config.js";

let dir: string;

beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), "skiff-config-"));
});
afterEach(async () => {
  await rm(dir, { recursive: true, force: true });
});

async function load(fileName: string, text: string, env?: string) {
  await writeFile(join(dir, fileName), text);
  return loadProjectConfig(join(dir, fileName), { env, cwd: dir });
}

const WRANGLER_TOML = `
name = "api"
main = "src/index.ts"
compatibility_date = 2024-09-23

[vars]
GREETING = "hello"
SETTINGS = { retries = 3 }

[triggers]
crons = ["*/5 * * * *", "0 0 * * *"]

[limits]
cpu_ms = 50

[[kv_namespaces]]
binding = "CACHE"
id = "0f2ac74b498b48028cb68387c421e279"

[env.staging]
routes = ["staging.example.com/*"]

[env.staging.vars]
GREETING = "hi from staging"

[env.named]
name = "api-next"
main = "src/next.ts"
`;

describe("mapping config files onto Skiff's function config", () => {
  it.each([
    {
      what: "wrangler.toml with vars, crons, limits and a KV namespace",
      file: "wrangler.toml",
      text: WRANGLER_TOML,
      env: undefined,
      expected: {
        name: "api",
        main: "src/index.ts",
        config: {
          vars: { GREETING: "hello", SETTINGS: { retries: 3 } },
          triggers: { crons: ["*/5 * * * *", "0 0 * * *"] },
          cpuMs: 50,
          bindings: [{ type: "kv", name: "CACHE", namespace: "0f2ac74b498b48028cb68387c421e279" }],
        },
        notes: ["compatibility_date: ignored (Skiff has one runtime, always current)"],
      },
    },
    {
      what: "a wrangler environment: <name>-<env>, inherited main and crons, its own vars, no bindings",
      file: "wrangler.toml",
      text: WRANGLER_TOML,
      env: "staging",
      expected: {
        name: "api-staging",
        main: "src/index.ts",
        config: {
          vars: { GREETING: "hi from staging" },
          triggers: { crons: ["*/5 * * * *", "0 0 * * *"] },
          cpuMs: 50,
        },
        notes: [
          "kv_namespaces is not inherited by environments (as in wrangler): env.staging has none",
          "routes: ignored; Skiff serves the function at /fn/<tenant>/<name> and <name>.<tenant>.<base domain>",
          "compatibility_date: ignored (Skiff has one runtime, always current)",
        ],
      },
    },
    {
      what: "a wrangler environment that names itself and its entry",
      file: "wrangler.toml",
      text: WRANGLER_TOML,
      env: "named",
      expected: { name: "api-next", main: "src/next.ts" },
    },
    {
      what: "wrangler.jsonc with comments: buckets, queues, services; a long CPU limit raises the timeout",
      file: "wrangler.jsonc",
      text: `{
        // a Workers project
        "name": "media",
        "main": "worker.js",
        "workers_dev": true,
        "limits": { "cpu_ms": 10000 },
        "r2_buckets": [{ "binding": "PHOTOS", "bucket_name": "photos" }],
        "queues": {
          "producers": [{ "binding": "JOBS", "queue": "jobs" }],
          "consumers": [{ "queue": "jobs" }],
        },
        "services": [{ "binding": "AUTH", "service": "auth" }],
      }`,
      env: undefined,
      expected: {
        name: "media",
        main: "worker.js",
        config: {
          cpuMs: 10000,
          timeoutMs: 10000,
          bindings: [
            { type: "bucket", name: "PHOTOS", bucket: "photos", access: "read-write" },
            { type: "queue", name: "JOBS", queue: "jobs" },
            { type: "service", name: "AUTH", function: "auth" },
          ],
        },
        notes: [
          "limits.cpu_ms 10000 is above Skiff's default timeout: timeoutMs set to 10000",
          "queues.consumers: ignored; make this function a consumer with `skiff queue consumer`",
          "workers_dev: ignored (every function is served at /fn/<tenant>/<name>)",
        ],
      },
    },
    {
      what: "skiff.jsonc with Skiff's own fields",
      file: "skiff.jsonc",
      text: `{
        "$schema": "node_modules/skiff/schemas/skiff.schema.json",
        "name": "hello", // the function
        "main": "src/index.ts",
        "memoryMb": 64,
        "vars": { "A": "1" },
        "triggers": { "crons": [{ "cron": "0 9 * * 1", "timezone": "Europe/Paris" }] },
        "bindings": [{ "type": "kv", "name": "KV", "namespace": "cache" }],
        "env": { "prod": { "memoryMb": 256, "vars": { "A": "2" } } },
      }`,
      env: undefined,
      expected: {
        name: "hello",
        main: "src/index.ts",
        config: {
          memoryMb: 64,
          vars: { A: "1" },
          triggers: { crons: [{ cron: "0 9 * * 1", timezone: "Europe/Paris" }] },
          bindings: [{ type: "kv", name: "KV", namespace: "cache" }],
        },
        notes: [],
      },
    },
    {
      what: "a skiff.jsonc environment replaces the fields it gives",
      file: "skiff.jsonc",
      text: '{ "name": "hello", "memoryMb": 64, "vars": { "A": "1", "B": "1" }, "env": { "prod": { "vars": { "A": "2" } } } }',
      env: "prod",
      expected: { name: "hello", config: { memoryMb: 64, vars: { A: "2" } }, notes: [] },
    },
  ])("$what", async ({ file, text, env, expected }) => {
    const project = await load(file, text, env);
    expect(project).toMatchObject(expected);
    expect(project.file).toBe(join(dir, file));
    expect(project.dir).toBe(dir);
    expect(project.format).toBe(file.startsWith("wrangler") ? "wrangler" : "skiff");
  });

  it("finds skiff.jsonc before wrangler.toml, noting the one passed over, and nothing in an empty folder", async () => {
    expect(await findProjectConfig(dir)).toBeUndefined();
    await writeFile(join(dir, "wrangler.toml"), 'name = "from-wrangler"');
    expect((await findProjectConfig(dir))?.name).toBe("from-wrangler");
    await writeFile(join(dir, "skiff.jsonc"), '{ "name": "from-skiff" }');
    const project = await findProjectConfig(dir);
    expect(project?.name).toBe("from-skiff");
    expect(project?.notes).toEqual(["wrangler.toml: not read (skiff.jsonc comes first)"]);
  });
});

describe("config errors name the file, the place and the field", () => {
  it.each([
    {
      what: "a typo'd top-level field in TOML, with a suggestion",
      file: "wrangler.toml",
      text: 'name = "api"\n[trigers]\ncrons = ["* * * * *"]\n',
      message: 'wrangler.toml: trigers: unknown field; did you mean "triggers"?',
    },
    {
      what: "a typo'd nested field in JSONC, at its line and column",
      file: "skiff.jsonc",
      text: '{\n  "name": "api",\n  "triggers": {\n    "crns": ["* * * * *"]\n  }\n}',
      message: 'skiff.jsonc:4:5: triggers.crns: unknown field in triggers; did you mean "crons"?',
    },
    {
      what: "a field in a binding, listing the fields there",
      file: "wrangler.json",
      text: '{ "kv_namespaces": [{ "binding": "KV", "id": "x", "namespace": "y" }] }',
      message:
        "wrangler.json:1:51: kv_namespaces[0].namespace: unknown field in kv_namespaces[0]; the fields in kv_namespaces[0] are binding, id, preview_id",
    },
    {
      what: "a wrangler field for a product Skiff lacks",
      file: "wrangler.toml",
      text: '[[durable_objects.bindings]]\nname = "ROOM"\nclass_name = "Room"\n',
      message: "wrangler.toml: durable_objects: Skiff has no Durable Objects; remove this field",
    },
    {
      what: "a value out of range",
      file: "skiff.jsonc",
      text: '{ "memoryMb": 4 }',
      message: "skiff.jsonc:1:3: memoryMb: Too small: expected number to be >=16",
    },
    {
      what: "a required field left out",
      file: "wrangler.toml",
      text: '[[r2_buckets]]\nbinding = "B"\n',
      message: "wrangler.toml: r2_buckets[0].bucket_name: missing; expected a string",
    },
    {
      what: "an invalid binding name",
      file: "wrangler.toml",
      text: '[[kv_namespaces]]\nbinding = "my-cache"\nid = "abc"\n',
      message: "wrangler.toml: kv_namespaces[0].binding: a binding's names are 1-128 letters",
    },
    {
      what: "a __proto__ key, kept as a field rather than a prototype",
      file: "skiff.json",
      text: '{ "__proto__": { "memoryMb": 4096 } }',
      message: "skiff.json:1:3: __proto__: unknown field",
    },
    {
      what: "two bindings with one name, once mapped",
      file: "wrangler.toml",
      text: '[[kv_namespaces]]\nbinding = "X"\nid = "a"\n[[r2_buckets]]\nbinding = "X"\nbucket_name = "bbb"\n',
      message: "wrangler.toml (as Skiff config): bindings: binding names must be unique",
    },
    {
      what: "a TOML syntax error",
      file: "wrangler.toml",
      text: 'name = "api"\nmain = \n',
      message: "wrangler.toml:2:8: invalid value",
    },
    {
      what: "a JSON syntax error",
      file: "skiff.jsonc",
      text: '{\n  "name": "api"\n  "main": "x.ts"\n}',
      message: "skiff.jsonc:3:3: comma expected",
    },
  ])("$what", async ({ file, text, message }) => {
    await expect(load(file, text)).rejects.toThrow(message);
  });

  it("counts every problem and says how to fix them", async () => {
    const error = await load("skiff.jsonc", '{ "nme": "a", "mian": "b.ts", "memoryMb": "big" }').catch(
      (e) => e,
    );
    expect(error.message).toMatch(/^skiff\.jsonc has 3 problems:\n/);
    expect(error.message).toContain('nme: unknown field; did you mean "name"?');
    expect(error.message).toContain('mian: unknown field; did you mean "main"?');
    expect(error.hint).toBe("fix the fields named above in skiff.jsonc");
  });

  it("names the environments there are when --env names another", async () => {
    await expect(load("wrangler.toml", WRANGLER_TOML, "prod")).rejects.toMatchObject({
      message: 'wrangler.toml has no environment "prod"',
      hint: "its environments are staging, named; pass one of them to --env",
    });
    await expect(load("skiff.jsonc", "{}", "prod")).rejects.toMatchObject({
      hint: 'add "env": { "prod": { … } } to skiff.jsonc, or drop --env',
    });
  });
});
