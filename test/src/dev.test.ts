// Issue 8 item 6: `skiff dev` as a person runs it — a real child process serving a project from its skiff.jsonc:
// edit the source and the next request returns the new body; each invocation's logs are printed; GET
// /__scheduled runs the cron handler; Ctrl-C (SIGTERM) stops it cleanly.
import { type ChildProcess, spawn } from "node:child_process";
import { mkdir, mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { call, waitFor } from "./skiff-api.js";
import { CLI_MAIN } from "./skiff-server.js";

const READY = /^Ready on (http:\/\/\S+): /m;

let dir: string;
let child: ChildProcess;
let stdout = "";
let stderr = "";
let url: string;
let exited: Promise<number | null>;

const source = (body: string) =>
  [
    'import { greeting } from "./greeting";',
    "export default {",
    "  async fetch(request: Request, env: { WHO: string }): Promise<Response> {",
    '    console.log("serving " + new URL(request.url).pathname);',
    `    return new Response(greeting(env.WHO) + ${JSON.stringify(body)});`,
    "  },",
    "  async scheduled(controller: { cron: string }): Promise<void> {",
    '    console.log("cron ran: " + controller.cron);',
    "  },",
    "};",
  ].join("\n");

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), "skiff-dev-e2e-"));
  await mkdir(join(dir, "src"));
  await writeFile(
    join(dir, "skiff.jsonc"),
    '{\n  // a dev project\n  "name": "devfn",\n  "main": "src/index.ts",\n  "vars": { "WHO": "dev" },\n' +
      '  "triggers": { "crons": ["0 * * * *"] },\n}\n',
  );
  await writeFile(
    join(dir, "src/greeting.ts"),
    'export const greeting = (who: string): string => "hi " + who + ": ";',
  );
  await writeFile(join(dir, "src/index.ts"), source("first"));

  const env: NodeJS.ProcessEnv = { ...process.env };
  delete env.SKIFF_ADMIN_TOKEN;
  delete env.SKIFF_DATA_DIR;
  child = spawn(process.execPath, ["--no-node-snapshot", CLI_MAIN, "dev", "--port", "0"], {
    cwd: dir,
    env,
    stdio: ["ignore", "pipe", "pipe"],
  });
  child.stdout?.setEncoding("utf8").on("data", (chunk: string) => {
    stdout += chunk;
  });
  child.stderr?.setEncoding("utf8").on("data", (chunk: string) => {
    stderr += chunk;
  });
  exited = new Promise((resolve) => child.once("exit", (code) => resolve(code)));
  url = await waitFor(
    "skiff dev to listen and deploy",
    async () => {
      if (child.exitCode !== null)
        throw new Error(`skiff dev exited ${child.exitCode}:\n${stdout}\n${stderr}`);
      return /Deployed devfn version 1 /.test(stdout) ? READY.exec(stdout)?.[1] : undefined;
    },
    60_000,
  );
}, 90_000);

afterAll(async () => {
  if (child.exitCode === null) {
    child.kill("SIGKILL");
    await exited;
  }
  await rm(dir, { recursive: true, force: true });
});

describe("skiff dev", () => {
  it("serves the project at / and prints each invocation's logs", async () => {
    const reply = await call(`${url}/hello`);
    expect(reply.status).toBe(200);
    expect(reply.text).toBe("hi dev: first");
    await waitFor("the invocation's log line", async () =>
      stdout.includes("  log   serving /hello") ? true : undefined,
    );
    expect(stdout).toMatch(/ devfn v1 http ok 200 \d+ms \(cpu \d+ms/);
  });

  it("edit the source: the next request returns the new body", async () => {
    await writeFile(join(dir, "src/index.ts"), source("second"));
    await waitFor(
      "the redeploy",
      async () => (/Deployed devfn version 2 /.test(stdout) ? true : undefined),
      20_000,
    );
    const reply = await call(`${url}/`);
    expect(reply.text).toBe("hi dev: second");
  });

  it("an edit to an imported module redeploys too", async () => {
    await writeFile(
      join(dir, "src/greeting.ts"),
      'export const greeting = (who: string): string => "hello " + who + ", ";',
    );
    await waitFor(
      "the redeploy",
      async () => (/Deployed devfn version 3 /.test(stdout) ? true : undefined),
      20_000,
    );
    expect((await call(`${url}/`)).text).toBe("hello dev, second");
  });

  it("keeps serving the last good version when an edit does not build", async () => {
    await writeFile(join(dir, "src/index.ts"), "export default {\n  fetch( {\n};\n");
    await waitFor(
      "the build error",
      async () => (stdout.includes("Build failed: cannot bundle") ? true : undefined),
      20_000,
    );
    expect(stdout).toContain("src/index.ts:");
    expect((await call(`${url}/`)).text).toBe("hello dev, second");
    await writeFile(join(dir, "src/index.ts"), source("third"));
    await waitFor(
      "the redeploy",
      async () => (/Deployed devfn version 4 /.test(stdout) ? true : undefined),
      20_000,
    );
    expect((await call(`${url}/`)).text).toBe("hello dev, third");
  });

  it("runs the scheduled handler on GET /__scheduled?cron=…", async () => {
    const reply = await call(`${url}/__scheduled?cron=0+*+*+*+*`);
    expect(reply.status).toBe(200);
    expect(reply.json.runs).toHaveLength(1);
    expect(reply.json.runs[0]).toMatchObject({ cron: "0 * * * *", outcome: "ok" });
    await waitFor("the cron's log line", async () =>
      stdout.includes("  log   cron ran: 0 * * * *") ? true : undefined,
    );
  });

  it("stops on SIGTERM with exit code 0", async () => {
    child.kill("SIGTERM");
    expect(await exited).toBe(0);
    expect(stdout).toMatch(/Received SIGTERM, shutting down…\nStopped\.\n$/);
    expect(stderr).toBe("");
  });
});
