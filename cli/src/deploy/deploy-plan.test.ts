import { mkdir, mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { createProgress } from "../progress.js";
import { type DeployPlanInput, planDeploy } from "./deploy-plan.js";

let cwd: string;
const quiet = createProgress({ enabled: false, write: () => {} });

beforeEach(async () => {
  cwd = await mkdtemp(join(tmpdir(), "skiff-plan-"));
});
afterEach(async () => {
  await rm(cwd, { recursive: true, force: true });
});

async function write(files: Record<string, string>) {
  for (const [path, content] of Object.entries(files)) {
    await mkdir(join(cwd, path, ".."), { recursive: true });
    await writeFile(join(cwd, path), content);
  }
}

function plan(overrides: Partial<DeployPlanInput> = {}) {
  return planDeploy({
    cwd,
    target: undefined,
    main: undefined,
    configFile: undefined,
    env: undefined,
    name: undefined,
    options: {},
    progress: quiet,
    ...overrides,
  });
}

const WORKER = "export default { fetch: () => new Response(GREETING) };\nconst GREETING = 'hi';\n";

describe("planDeploy", () => {
  it("reads the config file in the working directory when no target is given", async () => {
    await write({
      "wrangler.toml": 'name = "app"\nmain = "src/worker.ts"\n[vars]\nA = "1"\nB = "2"\n',
      "src/worker.ts": WORKER,
    });
    const result = await plan({ options: { memoryMb: 64, vars: { B: "flag" } } });
    expect(result.name).toBe("app");
    expect(result.project?.format).toBe("wrangler");
    expect(result.config).toEqual({ vars: { A: "1", B: "flag" }, memoryMb: 64 });
    expect(result.prepared.upload.main).toBe("worker.js");
  });

  it("reads a project directory's config file, and --name wins over the file's", async () => {
    await write({ "app/skiff.jsonc": '{ "name": "from-file", "main": "index.js" }', "app/index.js": WORKER });
    expect((await plan({ target: "app" })).name).toBe("from-file");
    expect((await plan({ target: "app", name: "from-flag" })).name).toBe("from-flag");
  });

  it("deploys a file as before, without reading any config", async () => {
    await write({ "skiff.jsonc": '{ "name": "ignored", "memoryMb": 64 }', "api.js": WORKER });
    const result = await plan({ target: "api.js" });
    expect(result).toMatchObject({ name: "api", config: {}, project: undefined });
  });

  it("takes a file's settings from --config", async () => {
    await write({ "conf/skiff.jsonc": '{ "name": "configured", "memoryMb": 64 }', "api.js": WORKER });
    const result = await plan({ target: "api.js", configFile: "conf/skiff.jsonc" });
    expect(result).toMatchObject({ name: "configured", config: { memoryMb: 64 } });
  });

  it("says so when there is nothing to deploy, or main names a missing file", async () => {
    await expect(plan()).rejects.toMatchObject({
      message: expect.stringContaining("nothing to deploy: no file given"),
      hint: expect.stringContaining("skiff init"),
    });
    await write({ "skiff.jsonc": '{ "main": "src/gone.ts" }' });
    await expect(plan()).rejects.toMatchObject({
      message: 'skiff.jsonc names "src/gone.ts" as main, but there is no such file in .',
      hint: 'fix "main" in skiff.jsonc (it is relative to that file), or pass --main <file>',
    });
  });

  it("refuses --env without a config file", async () => {
    await write({ "app/index.js": WORKER });
    await expect(plan({ target: "app", env: "prod" })).rejects.toThrow("--env prod needs a config file");
  });
});
