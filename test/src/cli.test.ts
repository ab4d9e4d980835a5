// The real `skiff` commands as child processes against a real server: what a person types.
import { execFile } from "node:child_process";
import { mkdir, mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { AdminClient, invoke } from "./skiff-api.js";
import { REPO_ROOT, type SkiffServer, startSkiff } from "./skiff-server.js";

const SKIFF_BIN = join(REPO_ROOT, "cli", "bin", "skiff.js");

let server: SkiffServer;
let workDir: string;

beforeAll(async () => {
  server = await startSkiff();
  workDir = await mkdtemp(join(tmpdir(), "skiff-cli-e2e-"));
});

afterAll(async () => {
  expect(await server.stop()).toBe(0);
  await rm(workDir, { recursive: true, force: true });
});

interface Run {
  code: number | null;
  stdout: string;
  stderr: string;
}

/** Runs `skiff <args>` in `cwd` with the server's address and, unless told otherwise, the default key. */
function skiff(args: string[], env: Record<string, string | undefined> = {}, cwd = REPO_ROOT): Promise<Run> {
  const fullEnv: NodeJS.ProcessEnv = {
    ...process.env,
    SKIFF_URL: server.url,
    SKIFF_TOKEN: server.defaultKey,
  };
  for (const [name, value] of Object.entries(env)) {
    if (value === undefined) delete fullEnv[name];
    else fullEnv[name] = value;
  }
  return new Promise((resolve) => {
    execFile(process.execPath, [SKIFF_BIN, ...args], { cwd, env: fullEnv }, (error, stdout, stderr) => {
      const code = error === null ? 0 : typeof error.code === "number" ? error.code : null;
      resolve({ code, stdout, stderr });
    });
  });
}

describe("skiff deploy / invoke / ls", () => {
  it("deploys the hello example and prints its name and version", async () => {
    const run = await skiff(["deploy", "examples/hello.js", "--name", "cli-hello"]);
    expect(run).toMatchObject({ code: 0, stderr: "" });
    expect(run.stdout).toContain("Deployed cli-hello version 1 to tenant default.");
    expect(run.stdout).toContain(`curl ${server.url}/fn/default/cli-hello`);
    expect((await invoke(server, "cli-hello")).text).toBe("Hello from Skiff!\n");
  });

  it("deploys with limits and vars, which the function and the stored version show", async () => {
    const run = await skiff([
      "deploy",
      "examples/hello.js",
      "--name",
      "cli-hello",
      "--memory",
      "64",
      "--cpu-ms",
      "100",
      "--timeout",
      "2000",
      "--concurrency",
      "3",
      "--var",
      "GREETING=Hi from the CLI",
      "--json",
    ]);
    expect(run.code).toBe(0);
    const answer = JSON.parse(run.stdout);
    expect(answer.version.number).toBe(2);
    expect(answer.version.config).toMatchObject({
      memoryMb: 64,
      cpuMs: 100,
      timeoutMs: 2000,
      concurrency: 3,
      vars: { GREETING: "Hi from the CLI" },
      allowedHosts: [],
    });
    expect((await invoke(server, "cli-hello")).text).toBe("Hi from the CLI\n");
  });

  it("invokes a function and prints its body", async () => {
    const run = await skiff(["invoke", "cli-hello"]);
    expect(run).toEqual({ code: 0, stdout: "Hi from the CLI\n", stderr: "" });
  });

  it("invokes with a body, method and path", async () => {
    expect((await skiff(["deploy", "examples/echo.js"])).code).toBe(0);
    const run = await skiff(["invoke", "echo", "-d", "ping", "-X", "PUT", "--path", "/a/b?x=1"]);
    expect(run.code).toBe(0);
    expect(JSON.parse(run.stdout)).toMatchObject({
      method: "PUT",
      path: "/a/b",
      query: { x: "1" },
      body: "ping",
    });
  });

  it("prints status, headers and body with invoke --json", async () => {
    const run = await skiff(["invoke", "cli-hello", "--json"]);
    expect(run.code).toBe(0);
    const answer = JSON.parse(run.stdout);
    expect(answer.status).toBe(200);
    expect(answer.body).toBe("Hi from the CLI\n");
    expect(answer.headers["x-skiff-invocation-id"]).toEqual(expect.any(String));
  });

  it("exits 1 with the status on stderr when the function fails", async () => {
    await writeFile(
      join(workDir, "broken.js"),
      'export default { async fetch() { throw new Error("no") } };\n',
    );
    expect((await skiff(["deploy", "broken.js"], {}, workDir)).code).toBe(0);
    const run = await skiff(["invoke", "broken"]);
    expect(run.code).toBe(1);
    expect(run.stderr).toContain("HTTP 500");
    expect(JSON.parse(run.stdout).error.code).toBe("FUNCTION_ERROR");
  });

  it("exits 1 with a hint for a function that does not exist", async () => {
    const run = await skiff(["invoke", "nope"]);
    expect(run.code).toBe(1);
    expect(run.stderr).toContain("HTTP 404");
    expect(run.stderr).toContain("no function nope in tenant default");
  });

  it("lists functions with their active versions", async () => {
    const run = await skiff(["ls"]);
    expect(run.code).toBe(0);
    const rows = run.stdout
      .trim()
      .split("\n")
      .map((line) => line.split(/\s+/).slice(0, 2));
    expect(rows[0]).toEqual(["NAME", "VERSION"]);
    expect(rows.slice(1).sort()).toEqual([
      ["broken", "1"],
      ["cli-hello", "2"],
      ["echo", "1"],
    ]);

    const json = await skiff(["ls", "--json"]);
    const list = JSON.parse(json.stdout) as Array<{ name: string; activeVersion: number }>;
    expect(list.map((f) => [f.name, f.activeVersion]).sort()).toEqual([
      ["broken", 1],
      ["cli-hello", 2],
      ["echo", 1],
    ]);
  });

  it("reads the key from ./.skiff/default.key, or $SKIFF_DATA_DIR/default.key, when SKIFF_TOKEN is unset", async () => {
    const fromDataDir = await skiff(
      ["ls", "--json"],
      { SKIFF_TOKEN: undefined, SKIFF_DATA_DIR: server.dataDir },
      workDir,
    );
    expect(fromDataDir.code).toBe(0);
    expect(JSON.parse(fromDataDir.stdout)).toHaveLength(3);

    await mkdir(join(workDir, ".skiff"));
    await writeFile(join(workDir, ".skiff", "default.key"), `${server.defaultKey}\n`);
    const fromCwd = await skiff(
      ["ls", "--json"],
      { SKIFF_TOKEN: undefined, SKIFF_DATA_DIR: undefined },
      workDir,
    );
    expect(fromCwd.code).toBe(0);
    expect(JSON.parse(fromCwd.stdout)).toHaveLength(3);
  });
});

describe("skiff errors", () => {
  it("explains a wrong key, with exit code 1 and nothing deployed", async () => {
    const run = await skiff(["deploy", "examples/hello.js", "--name", "intruder"], {
      SKIFF_TOKEN: "sk_wrong",
    });
    expect(run.code).toBe(1);
    expect(run.stdout).toBe("");
    expect(run.stderr).toContain("(UNAUTHORIZED, HTTP 401)");
    expect(run.stderr).toContain("hint: set SKIFF_TOKEN");
    const admin = new AdminClient(server, server.defaultKey);
    expect((await admin.call("GET", "/tenants/default/functions/intruder")).status).toBe(404);
  });

  it("shows the compile error and its line for a module that does not parse", async () => {
    await writeFile(join(workDir, "bad.js"), "export default {\n  fetch() {\n    return (;\n  },\n};\n");
    const run = await skiff(["deploy", "bad.js"], {}, workDir);
    expect(run.code).toBe(1);
    expect(run.stderr).toContain("INVALID_CODE");
    expect(run.stderr).toMatch(/line 3\b/);
  });

  it("explains an unreachable server", async () => {
    const run = await skiff(["ls"], { SKIFF_URL: "http://127.0.0.1:9" });
    expect(run.code).toBe(1);
    expect(run.stderr).toContain("cannot reach Skiff at http://127.0.0.1:9");
    expect(run.stderr).toContain("hint: is `skiff serve` running there?");
  });

  it("explains a missing file and a bad option", async () => {
    const missing = await skiff(["deploy", "nowhere.js", "--name", "x"]);
    expect(missing.code).toBe(1);
    expect(missing.stderr).toContain("error: cannot read nowhere.js: no such file");

    const badOption = await skiff(["deploy", "examples/hello.js", "--memroy", "64"]);
    expect(badOption.code).toBe(1);
    expect(badOption.stderr).toContain("--memroy");
  });

  it("prints help with examples for every command", async () => {
    for (const command of ["serve", "deploy", "invoke", "ls"]) {
      const run = await skiff([command, "--help"]);
      expect(run.code).toBe(0);
      expect(run.stdout).toContain(`Usage: skiff ${command}`);
      expect(run.stdout).toContain("Examples:");
    }
  });
});
