import { mkdir, mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { Readable } from "node:stream";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import type {
  DeployRequest,
  FunctionSummary,
  InvokeRequest,
  InvokeResponse,
  SkiffApi,
} from "./api-client.js";
import { ApiError, ServerUnreachableError } from "./api-error.js";
import type { ClientSettings } from "./client-settings.js";
import type { CommandContext } from "./command.js";
import { commands } from "./registry.js";
import { runCli } from "./run-cli.js";
import { fakeApi } from "./testing/cli-harness.js";

const utf8 = new TextDecoder();

/** A client that records calls and answers from the test's script. */
class FakeClient implements Partial<SkiffApi> {
  deploys: Array<{ tenant: string; name: string; input: DeployRequest }> = [];
  invokes: Array<{ tenant: string; name: string; input: InvokeRequest }> = [];
  functions: FunctionSummary[] = [];
  invokeAnswer: InvokeResponse = { status: 200, headers: {}, body: new TextEncoder().encode("hi\n") };
  failWith: Error | undefined;
  closed = 0;

  async deployFunction(tenant: string, name: string, input: DeployRequest) {
    if (this.failWith) throw this.failWith;
    this.deploys.push({ tenant, name, input });
    return { function: { name }, version: { number: this.deploys.length } };
  }
  async listFunctions(_tenant: string) {
    if (this.failWith) throw this.failWith;
    return this.functions;
  }
  async invoke(tenant: string, name: string, input: InvokeRequest) {
    if (this.failWith) throw this.failWith;
    this.invokes.push({ tenant, name, input });
    return this.invokeAnswer;
  }
  async close() {
    this.closed += 1;
  }
}

let cwd: string;
let client: FakeClient;
let settingsSeen: ClientSettings[];

beforeEach(async () => {
  cwd = await mkdtemp(join(tmpdir(), "skiff-cli-"));
  client = new FakeClient();
  settingsSeen = [];
});
afterEach(async () => {
  await rm(cwd, { recursive: true, force: true });
});

async function cli(argv: string[], env: Record<string, string> = {}) {
  let stdout = "";
  let stderr = "";
  const context: CommandContext = {
    env: { SKIFF_TOKEN: "sk_test", ...env },
    cwd,
    stdout: (data) => {
      stdout += typeof data === "string" ? data : utf8.decode(data);
    },
    stderr: (text) => {
      stderr += text;
    },
    stdin: () => Readable.from([]),
    waitForStop: () => new Promise(() => {}),
    createClient: (settings) => {
      settingsSeen.push(settings);
      return fakeApi(client);
    },
  };
  const code = await runCli(argv, context, "1.2.3");
  return { code, stdout, stderr };
}

describe("dispatch and help", () => {
  it("lists every command without arguments and with --help", async () => {
    for (const argv of [[], ["--help"], ["help"]]) {
      const { code, stdout } = await cli(argv);
      expect(code).toBe(0);
      for (const command of commands) expect(stdout).toContain(`  ${command.name}`);
    }
  });

  it.each(commands.map((c) => c.name))("`%s --help` shows usage, options and examples", async (name) => {
    const { code, stdout, stderr } = await cli([...name.split(" "), "--help"]);
    expect(code).toBe(0);
    expect(stderr).toBe("");
    expect(stdout).toContain(`Usage: skiff ${name}`);
    expect(stdout).toContain("--json");
    expect(stdout).toContain("Examples:");
    expect((await cli(["help", ...name.split(" ")])).stdout).toBe(stdout);
  });

  it("prints the version", async () => {
    expect(await cli(["--version"])).toEqual({ code: 0, stdout: "1.2.3\n", stderr: "" });
  });

  it("refuses an unknown command on stderr with exit code 1 and a hint", async () => {
    const { code, stdout, stderr } = await cli(["depoly"]);
    expect(code).toBe(1);
    expect(stdout).toBe("");
    // Commands added later join the end of the list.
    expect(stderr).toMatch(
      /^error: unknown command "depoly"\nhint: the commands are serve, deploy, invoke, ls, bucket, object, kv, webhook(, [a-z]+)*; run `skiff --help`\n$/,
    );
  });

  it("shows a noun's verbs for `skiff bucket`, `skiff bucket --help` and `skiff help bucket`", async () => {
    for (const argv of [["bucket"], ["bucket", "--help"], ["help", "bucket"]]) {
      const { code, stdout, stderr } = await cli(argv);
      expect({ code, stderr }).toEqual({ code: 0, stderr: "" });
      expect(stdout).toContain("Usage: skiff bucket <command> [options]");
      for (const verb of ["create", "ls", "rm"]) expect(stdout).toContain(`  bucket ${verb}`);
      expect(stdout).not.toContain("object put");
    }
  });

  it("refuses an unknown verb of a noun, naming the verbs it has", async () => {
    const { code, stdout, stderr } = await cli(["bucket", "frob"]);
    expect(code).toBe(1);
    expect(stdout).toBe("");
    expect(stderr).toBe(
      'error: unknown command "bucket frob"\nhint: the bucket commands are create, ls, rm; run `skiff bucket --help`\n',
    );
  });

  it("tells `skiff ls` (functions) from `skiff kv ls` and `skiff bucket ls`", async () => {
    client.functions = [{ name: "hello", activeVersion: 1, updatedAt: null }];
    expect((await cli(["ls"])).stdout).toContain("hello");
    const { code, stderr } = await cli(["ls", "extra"]);
    expect(code).toBe(1);
    expect(stderr).toContain("unexpected argument: extra");
  });

  it("refuses an unknown option", async () => {
    const { code, stderr } = await cli(["ls", "--colour"]);
    expect(code).toBe(1);
    expect(stderr).toContain("--colour");
    expect(stderr).toContain("hint: run `skiff ls --help`");
  });
});

describe("deploy", () => {
  it("sends the file's code with the limits and vars given", async () => {
    await writeFile(join(cwd, "api.js"), "export default {}\n");
    const { code, stdout } = await cli([
      "deploy",
      "api.js",
      "--name",
      "my-api",
      "--memory",
      "64",
      "--cpu-ms",
      "50",
      "--timeout",
      "1000",
      "--concurrency",
      "2",
      "--var",
      "A=1",
      "--var",
      "B=x=y",
      "--tenant",
      "acme",
    ]);
    expect(code).toBe(0);
    expect(client.deploys).toEqual([
      {
        tenant: "acme",
        name: "my-api",
        input: {
          code: "export default {}\n",
          config: { memoryMb: 64, cpuMs: 50, timeoutMs: 1000, concurrency: 2, vars: { A: "1", B: "x=y" } },
        },
      },
    ]);
    expect(stdout).toBe(
      "Deployed my-api version 1 to tenant acme.\n  curl http://127.0.0.1:8787/fn/acme/my-api\n",
    );
    expect(client.closed).toBe(1);
    expect(settingsSeen[0]).toMatchObject({ url: "http://127.0.0.1:8787", token: "sk_test" });
  });

  it("names the function after the file by default and sends an empty config", async () => {
    await writeFile(join(cwd, "hello.js"), "x");
    const { code, stdout } = await cli(["deploy", "hello.js", "--json", "--url", "http://s:1"]);
    expect(code).toBe(0);
    expect(client.deploys[0]).toMatchObject({ tenant: "default", name: "hello", input: { config: {} } });
    expect(JSON.parse(stdout)).toEqual({ function: { name: "hello" }, version: { number: 1 } });
    expect(settingsSeen[0]?.url).toBe("http://s:1");
  });

  it("sends --secret values with the deploy and never prints them", async () => {
    await writeFile(join(cwd, "api.js"), "export default {}\n");
    const { code, stdout, stderr } = await cli([
      "deploy",
      "api.js",
      "--secret",
      "TOKEN=hunter2=x",
      "--secret",
      "KEY=k",
      "--var",
      "MODE=prod",
    ]);
    expect(code).toBe(0);
    expect(client.deploys[0]?.input).toEqual({
      code: "export default {}\n",
      config: { vars: { MODE: "prod" } },
      secrets: { TOKEN: "hunter2=x", KEY: "k" },
    });
    expect(stdout + stderr).not.toContain("hunter2");
  });

  it("refuses a malformed --secret before calling the server", async () => {
    await writeFile(join(cwd, "api.js"), "export default {}\n");
    const { code, stderr } = await cli(["deploy", "api.js", "--secret", "hunter2"]);
    expect(code).toBe(1);
    expect(stderr).toContain("--secret expects NAME=VALUE");
    expect(stderr).not.toContain("hunter2");
    expect(settingsSeen).toEqual([]);
  });

  it("bundles a project directory and uploads it as modules named after the project", async () => {
    await mkdir(join(cwd, "proj", "src"), { recursive: true });
    await writeFile(join(cwd, "proj", "package.json"), '{"name": "proj-api"}');
    await writeFile(join(cwd, "proj", "src", "index.ts"), 'import { v } from "./v";\nexport default { v };');
    await writeFile(join(cwd, "proj", "src", "v.ts"), "export const v: number = 42;");
    const { code, stdout } = await cli(["deploy", "proj"]);
    expect(code).toBe(0);
    expect(client.deploys[0]).toMatchObject({
      name: "proj-api",
      input: { main: "index.js", modules: { "index.js": expect.stringContaining("42") }, config: {} },
    });
    expect(stdout).toContain("Deployed proj-api version 1 to tenant default (bundle of 2 files).");
  });

  it("asks for --name when the file name is not a valid function name", async () => {
    await writeFile(join(cwd, "My Api.js"), "x");
    const { code, stderr } = await cli(["deploy", "My Api.js"]);
    expect(code).toBe(1);
    expect(stderr).toContain('error: "My Api" is not a valid function name');
    expect(stderr).toContain("hint: pass --name <name>");
    expect(client.deploys).toEqual([]);
  });

  it("says which file it cannot read", async () => {
    const { code, stderr } = await cli(["deploy", "missing.js", "--name", "x"]);
    expect(code).toBe(1);
    expect(stderr).toContain("error: cannot read missing.js: no such file");
  });

  it("refuses a non-numeric limit before calling the server", async () => {
    await writeFile(join(cwd, "a.js"), "x");
    const { code, stderr } = await cli(["deploy", "a.js", "--memory", "lots"]);
    expect(code).toBe(1);
    expect(stderr).toBe('error: --memory must be a whole number, got "lots"\nhint: e.g. --memory 128\n');
    expect(settingsSeen).toEqual([]);
  });

  it("reports the server's error with its code and a hint", async () => {
    await writeFile(join(cwd, "a.js"), "x");
    client.failWith = new ApiError(401, "UNAUTHORIZED", "missing or invalid API key");
    const { code, stderr } = await cli(["deploy", "a.js"]);
    expect(code).toBe(1);
    expect(stderr).toContain("error: missing or invalid API key (UNAUTHORIZED, HTTP 401)");
    expect(stderr).toContain("hint: set SKIFF_TOKEN");
    expect(client.closed).toBe(1);
  });

  it("tells how to reach the server when it is down", async () => {
    client.failWith = new ServerUnreachableError("http://127.0.0.1:8787", new Error("connect ECONNREFUSED"));
    const { code, stderr } = await cli(["ls"]);
    expect(code).toBe(1);
    expect(stderr).toContain("error: cannot reach Skiff at http://127.0.0.1:8787");
    expect(stderr).toContain("hint: is `skiff serve` running there?");
  });
});

describe("invoke", () => {
  it("GETs / by default and writes the body to stdout", async () => {
    const { code, stdout, stderr } = await cli(["invoke", "hello"]);
    expect({ code, stdout, stderr }).toEqual({ code: 0, stdout: "hi\n", stderr: "" });
    expect(client.invokes).toEqual([
      { tenant: "default", name: "hello", input: { method: "GET", path: "/", headers: {}, body: undefined } },
    ]);
  });

  it("POSTs -d data, with -X, --path and -H honoured", async () => {
    await cli(["invoke", "echo", "-d", "ping", "--path", "/a?b=1", "-H", "X-Trace: 7"]);
    expect(client.invokes[0]?.input.method).toBe("POST");
    expect(client.invokes[0]?.input.path).toBe("/a?b=1");
    expect(client.invokes[0]?.input.headers).toEqual({ "x-trace": "7" });
    expect(utf8.decode(client.invokes[0]?.input.body)).toBe("ping");

    await cli(["invoke", "echo", "-X", "put", "-d", "x"]);
    expect(client.invokes[1]?.input.method).toBe("PUT");
  });

  it("reads -d @file", async () => {
    await writeFile(join(cwd, "body.json"), '{"n":1}');
    await cli(["invoke", "echo", "-d", "@body.json"]);
    expect(utf8.decode(client.invokes[0]?.input.body)).toBe('{"n":1}');
  });

  it("shows a non-2xx status on stderr and exits 1 on 5xx", async () => {
    client.invokeAnswer = { status: 503, headers: {}, body: new TextEncoder().encode('{"error":{}}') };
    const failed = await cli(["invoke", "hog"]);
    expect(failed).toEqual({ code: 1, stdout: '{"error":{}}', stderr: "HTTP 503\n" });

    client.invokeAnswer = { status: 404, headers: {}, body: new TextEncoder().encode("no such page") };
    const notFoundByFunction = await cli(["invoke", "site", "--path", "/nope"]);
    expect(notFoundByFunction).toEqual({ code: 0, stdout: "no such page", stderr: "HTTP 404\n" });
  });

  it("exits 1 with a hint when the function does not exist", async () => {
    const body = JSON.stringify({ error: { code: "FUNCTION_NOT_FOUND", message: "no function" } });
    client.invokeAnswer = { status: 404, headers: {}, body: new TextEncoder().encode(body) };
    const { code, stderr } = await cli(["invoke", "ghost"]);
    expect(code).toBe(1);
    expect(stderr).toBe("HTTP 404\nhint: no function ghost in tenant default; see `skiff ls`\n");
  });

  it("prints status, headers and body with --json", async () => {
    client.invokeAnswer = { status: 201, headers: { "x-a": "b" }, body: new TextEncoder().encode("made") };
    const { code, stdout } = await cli(["invoke", "maker", "--json"]);
    expect(code).toBe(0);
    expect(JSON.parse(stdout)).toEqual({ status: 201, headers: { "x-a": "b" }, body: "made" });
  });

  it("refuses a malformed header", async () => {
    const { code, stderr } = await cli(["invoke", "x", "-H", "no colon"]);
    expect(code).toBe(1);
    expect(stderr).toContain(`error: -H expects 'Name: value', got "no colon"`);
  });
});

describe("ls", () => {
  it("prints a table of functions and versions", async () => {
    client.functions = [
      { name: "hello", activeVersion: 12, updatedAt: Date.UTC(2025, 0, 2, 3, 4, 5) },
      { name: "echo-json", activeVersion: 1, updatedAt: null },
    ];
    const { code, stdout } = await cli(["ls"]);
    expect(code).toBe(0);
    expect(stdout).toBe(
      "NAME       VERSION  UPDATED\n" +
        "hello      12       2025-01-02T03:04:05.000Z\n" +
        "echo-json  1        -\n",
    );
  });

  it("says how to deploy when there is nothing", async () => {
    expect((await cli(["ls"])).stdout).toContain(
      "No functions in tenant default. Deploy one with: skiff deploy",
    );
  });

  it("prints the list as JSON with --json", async () => {
    client.functions = [{ name: "hello", activeVersion: 1, updatedAt: 5 }];
    expect(JSON.parse((await cli(["ls", "--json"])).stdout)).toEqual(client.functions);
  });
});
