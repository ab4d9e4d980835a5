// Invocation records and logs over a real server: by id, by follow (SSE, and `skiff logs -f` as a child
// process), filtered, and capped with a dropped count when a function prints 100 000 lines.
import { type ChildProcess, spawn } from "node:child_process";
import type { InvocationRecord } from "@skiff/core";
import { createParser, type EventSourceMessage } from "eventsource-parser";
import { request } from "undici";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { fixture } from "./fixtures.js";
import { AdminClient, invoke, waitFor } from "./skiff-api.js";
import { runSkiff, SKIFF_BIN } from "./skiff-cli.js";
import { REPO_ROOT, type SkiffServer, startSkiff } from "./skiff-server.js";

/** Logs at three levels and holds 4 MB of bytes while it answers, so the record has lines and a heap. */
const CHATTY = `
export default {
  async fetch(request) {
    const held = new Uint8Array(4 * 1024 * 1024).fill(7);
    console.log("hello from", new URL(request.url).pathname);
    console.debug("details", { n: 1 });
    console.warn("careful:", held.length, "bytes");
    return new Response("said " + held[0]);
  },
};`;

const FLOOD = `
export default {
  async fetch() {
    for (let i = 0; i < 100000; i++) console.log("line " + i);
    return new Response("flooded");
  },
};`;

/** Generous: ~8 helpers share two cores, and a child process may take seconds to start. */
const DEADLINE_MS = 30_000;

const MARKER = /^\[skiff\] log output truncated: (\d+) more lines? dropped/;

let server: SkiffServer;
let admin: AdminClient;
const children: ChildProcess[] = [];

beforeAll(async () => {
  server = await startSkiff();
  admin = new AdminClient(server, server.defaultKey);
  await admin.mustDeploy("chatty", CHATTY);
  await admin.mustDeploy("flood", FLOOD);
  await admin.mustDeploy("thrower", fixture("throws.js"));
});

afterAll(async () => {
  for (const child of children) if (child.exitCode === null) child.kill("SIGKILL");
  expect(await server.stop()).toBe(0);
});

const logsPath = (name: string, query = "") => `/tenants/default/functions/${name}/logs${query}`;

/** Invokes and returns the invocation id the data plane answered with. */
async function invokeForId(name: string, path = "/"): Promise<{ id: string; status: number; text: string }> {
  const answer = await invoke(server, name, path);
  const id = answer.headers["x-skiff-invocation-id"];
  if (typeof id !== "string") throw new Error(`no invocation id in the answer (status ${answer.status})`);
  return { id, status: answer.status, text: answer.text };
}

/** An open `?follow=1` stream, read event by event. */
async function follow(name: string, query = "") {
  const controller = new AbortController();
  const answer = await request(`${server.url}/api/v1${logsPath(name, `?follow=1${query}`)}`, {
    headers: { authorization: `Bearer ${server.defaultKey}`, accept: "text/event-stream" },
    signal: controller.signal,
  });
  const events: EventSourceMessage[] = [];
  const parser = createParser({ onEvent: (event) => events.push(event) });
  const decoder = new TextDecoder();
  const reading = (async () => {
    try {
      for await (const chunk of answer.body) parser.feed(decoder.decode(chunk, { stream: true }));
    } catch {
      // Aborted by the test.
    }
  })();
  return {
    status: answer.statusCode,
    contentType: answer.headers["content-type"],
    events,
    invocations: () =>
      events.filter((e) => e.event === "invocation").map((e) => JSON.parse(e.data) as InvocationRecord),
    async close() {
      controller.abort();
      await reading;
    },
  };
}

describe("invocation records", () => {
  it("are retrievable by id as soon as the invocation has answered, with lines, levels, heap and outcome", async () => {
    const before = Date.now();
    const { id, status, text } = await invokeForId("chatty", "/first");
    expect([status, text]).toEqual([200, "said 7"]);
    // No polling: the route writes buffered records before it reads.
    const answer = await admin.call("GET", `/tenants/default/functions/chatty/invocations/${id}`);
    expect(answer.status).toBe(200);
    const record = answer.json.invocation as InvocationRecord;
    expect(record).toMatchObject({
      id,
      tenant: "default",
      functionName: "chatty",
      version: 1,
      trigger: "http",
      outcome: "ok",
      status: 200,
      droppedLogLines: 0,
    });
    expect(record.logs.map((l) => [l.level, l.message])).toEqual([
      ["log", "hello from /first"],
      ["debug", "details { n: 1 }"],
      ["warn", `careful: ${4 * 1024 * 1024} bytes`],
    ]);
    for (const line of record.logs) expect(line.ts).toBeGreaterThanOrEqual(record.startedAt);
    expect(record.startedAt).toBeGreaterThanOrEqual(before - 1_000);
    expect(typeof record.cold).toBe("boolean");
    expect(record.cpuMs).toBeGreaterThan(0);
    expect(record.wallMs).toBeGreaterThanOrEqual(record.cpuMs * 0.5);
    // The 4 MB array was alive when the invocation ended.
    expect(record.peakHeapBytes).toBeGreaterThanOrEqual(4 * 1024 * 1024);

    const missing = await admin.call(
      "GET",
      "/tenants/default/functions/chatty/invocations/not-an-invocation",
    );
    expect(missing.status).toBe(404);
    expect(missing.json.error.code).toBe("NOT_FOUND");
    const elsewhere = await admin.call("GET", `/tenants/default/functions/flood/invocations/${id}`);
    expect(elsewhere.status).toBe(404);
  });

  it("are listed newest first and filtered by since, level and outcome", async () => {
    const ok = await invokeForId("thrower");
    expect(ok.status).toBe(500);
    const failed = ok.id;
    const quiet = await admin.call("GET", logsPath("thrower", "?since=10m&outcome=ok"));
    expect(quiet.status).toBe(200);
    expect(quiet.json.invocations).toEqual([]);
    const errors = await admin.call("GET", logsPath("thrower", "?since=10m&outcome=exception&level=error"));
    expect(errors.status).toBe(200);
    const [record] = errors.json.invocations as InvocationRecord[];
    expect(record?.id).toBe(failed);
    expect(record?.error?.message).toBe("kaboom from tenant code");
    expect(record?.error?.stack).toContain("explode");

    const first = await invokeForId("chatty", "/a");
    const second = await invokeForId("chatty", "/b");
    const listed = await admin.call("GET", logsPath("chatty", "?limit=2"));
    expect((listed.json.invocations as InvocationRecord[]).map((r) => r.id)).toEqual([second.id, first.id]);
    // level=warn keeps only the warn line of each record.
    const warnings = await admin.call("GET", logsPath("chatty", "?limit=1&level=warn"));
    expect((warnings.json.invocations as InvocationRecord[])[0]?.logs.map((l) => l.level)).toEqual(["warn"]);
    const future = await admin.call("GET", logsPath("chatty", `?since=${Date.now() + 3_600_000}`));
    expect(future.json.invocations).toEqual([]);

    const bad = await admin.call("GET", logsPath("chatty", "?since=last-tuesday"));
    expect(bad.status).toBe(400);
    expect(bad.json.error.message).toMatch(/since is epoch milliseconds or a duration/);
    const rival = new AdminClient(server, "sk_not_a_key");
    expect((await rival.call("GET", logsPath("chatty"))).status).toBe(401);
  });

  it("arrive on a live follow stream once the invocation ends", async () => {
    const stream = await follow("chatty");
    try {
      expect(stream.status).toBe(200);
      expect(stream.contentType).toMatch(/^text\/event-stream/);
      await waitFor(
        "the stream to be ready",
        async () => (stream.events.some((e) => e.event === "ready") ? true : undefined),
        DEADLINE_MS,
      );
      const { id: other } = await invokeForId("thrower");
      const { id } = await invokeForId("chatty", "/live");
      const live = await waitFor(
        "the invocation on the stream",
        async () => stream.invocations().find((r) => r.id === id),
        DEADLINE_MS,
      );
      expect(live.logs.map((l) => l.message)).toEqual([
        "hello from /live",
        "details { n: 1 }",
        `careful: ${4 * 1024 * 1024} bytes`,
      ]);
      const stored = await admin.call("GET", `/tenants/default/functions/chatty/invocations/${id}`);
      expect(stored.json.invocation).toEqual(live);
      // Only this function's invocations.
      expect(stream.invocations().map((r) => r.id)).not.toContain(other);
      expect(stream.invocations().map((r) => r.id)).toEqual([id]);
    } finally {
      await stream.close();
    }
  });

  it("follow with since starts with the stored records, oldest first", async () => {
    const { id: a } = await invokeForId("chatty", "/h1");
    const { id: b } = await invokeForId("chatty", "/h2");
    // Recorded: the record is made just after the response, and the by-id route waits for it.
    expect((await admin.call("GET", `/tenants/default/functions/chatty/invocations/${b}`)).status).toBe(200);
    const stream = await follow("chatty", "&since=1h&limit=2");
    try {
      await waitFor(
        "the stream to be ready",
        async () => (stream.events.some((e) => e.event === "ready") ? true : undefined),
        DEADLINE_MS,
      );
      expect(stream.invocations().map((r) => r.id)).toEqual([a, b]);
    } finally {
      await stream.close();
    }
  });

  it("follow of a function that does not exist is a JSON 404, not a stream", async () => {
    const answer = await admin.call("GET", logsPath("ghost", "?follow=1"));
    expect(answer.status).toBe(404);
    expect(answer.json.error.code).toBe("FUNCTION_NOT_FOUND");
  });
});

describe("a function printing 100 000 lines", () => {
  it("keeps its capped lines and the count of the rest, through the API and `skiff logs`", async () => {
    const { id, status, text } = await invokeForId("flood");
    expect([status, text]).toEqual([200, "flooded"]);
    const answer = await admin.call("GET", `/tenants/default/functions/flood/invocations/${id}`);
    const record = answer.json.invocation as InvocationRecord;
    const kept = record.logs.slice(0, -1);
    const marker = record.logs.at(-1);
    expect(record.droppedLogLines).toBeGreaterThan(0);
    expect(kept.length + record.droppedLogLines).toBe(100_000);
    expect(kept[0]?.message).toBe("line 0");
    expect(kept.at(-1)?.message).toBe(`line ${kept.length - 1}`);
    expect(marker?.level).toBe("warn");
    expect(Number(MARKER.exec(marker?.message ?? "")?.[1])).toBe(record.droppedLogLines);

    const cli = await runSkiff(server, ["logs", "flood"]);
    expect(cli.code).toBe(0);
    const [line] = cli.stdout.trimEnd().split("\n");
    const printed = JSON.parse(line ?? "") as InvocationRecord;
    expect(printed.id).toBe(id);
    expect(printed.droppedLogLines).toBe(record.droppedLogLines);
    expect(printed.logs).toHaveLength(record.logs.length);
  });
});

/** `skiff logs <name> -f` as a child process with piped stdio, as a script would run it. */
function followInChild(target: SkiffServer, name: string) {
  const env = { ...process.env, SKIFF_URL: target.url, SKIFF_TOKEN: target.defaultKey };
  const child = spawn(process.execPath, [SKIFF_BIN, "logs", name, "-f"], {
    cwd: REPO_ROOT,
    env,
    stdio: ["ignore", "pipe", "pipe"],
  });
  children.push(child);
  let stdout = "";
  let stderr = "";
  child.stdout.setEncoding("utf8").on("data", (chunk: string) => {
    stdout += chunk;
  });
  child.stderr.setEncoding("utf8").on("data", (chunk: string) => {
    stderr += chunk;
  });
  return {
    process: child,
    exited: new Promise<number | null>((resolve) => child.once("exit", (code) => resolve(code))),
    stdout: () => stdout,
    stderr: () => stderr,
    /** Resolves once it has subscribed (it says so on stderr). */
    following: () =>
      waitFor(
        `skiff logs ${name} -f to be following`,
        async () => (stderr.includes(`following ${name}`) ? true : undefined),
        DEADLINE_MS,
      ).catch((error: Error) => {
        throw new Error(`${error.message}; its stderr: ${stderr}; its stdout: ${stdout}`);
      }),
  };
}

describe("skiff logs -f", () => {
  it("prints each new invocation as NDJSON when piped, and stops cleanly on Ctrl-C", async () => {
    const child = followInChild(server, "chatty");
    const { exited } = child;
    await child.following();
    const { id } = await invokeForId("chatty", "/from-cli");
    const printed = await waitFor(
      "the invocation printed by skiff logs -f",
      async () =>
        child
          .stdout()
          .split("\n")
          .filter((line) => line !== "")
          .map((line) => JSON.parse(line) as InvocationRecord)
          .find((record) => record.id === id),
      DEADLINE_MS,
    );
    expect(printed.logs[0]?.message).toBe("hello from /from-cli");
    expect(printed.outcome).toBe("ok");

    child.process.kill("SIGINT");
    expect(await exited).toBe(0);
    expect(child.stderr()).not.toMatch(/error/i);
  });

  it("ends when the server stops, and says so", async () => {
    const own = await startSkiff();
    const ownAdmin = new AdminClient(own, own.defaultKey);
    await ownAdmin.mustDeploy("chatty", CHATTY);
    const child = followInChild(own, "chatty");
    await child.following();
    expect(await own.stop()).toBe(0);
    expect(await child.exited).toBe(1);
    expect(child.stderr()).toContain("the server ended the stream");
  });

  it("says which function is missing and exits 1", async () => {
    const run = await runSkiff(server, ["logs", "ghost", "-f"]);
    expect(run.code).toBe(1);
    expect(run.stderr).toContain('function "ghost" does not exist');
  });
});
