import type { InvocationRecord } from "@skiff/core";
import { describe, expect, it } from "vitest";
import type { LogFollowHandlers, LogsQuery } from "../api-client.js";
import { ApiError } from "../api-error.js";
import { runWith } from "../testing/cli-harness.js";

const T = Date.UTC(2026, 10, 27, 16, 0, 0, 0);

function record(id: string, startedAt: number, message = `hi from ${id}`): InvocationRecord {
  return {
    id,
    tenant: "default",
    functionName: "hello",
    version: 1,
    trigger: "http",
    startedAt,
    outcome: "ok",
    status: 200,
    cold: false,
    cpuMs: 1,
    wallMs: 2,
    logs: [{ level: "log", message, ts: startedAt }],
    droppedLogLines: 0,
  };
}

describe("skiff logs", () => {
  it("prints NDJSON oldest first when piped, passing the filters on", async () => {
    const queries: LogsQuery[] = [];
    const run = await runWith(
      {
        listLogs: async (tenant, name, query = {}) => {
          expect([tenant, name]).toEqual(["acme", "hello"]);
          queries.push(query);
          return [record("b", T + 1), record("a", T)];
        },
      },
      [
        "logs",
        "hello",
        "-t",
        "acme",
        "--since",
        "10m",
        "--level",
        "warn",
        "--outcome",
        "ok,timeout",
        "--limit",
        "5",
      ],
    );
    expect(run.code).toBe(0);
    expect(queries).toEqual([{ since: "10m", level: "warn", outcome: "ok,timeout", limit: 5 }]);
    const lines = run.stdout.trimEnd().split("\n");
    expect(lines.map((line) => (JSON.parse(line) as InvocationRecord).id)).toEqual(["a", "b"]);
  });

  it("prints lines and an outcome line on a terminal, and NDJSON there too with --json", async () => {
    const api = { listLogs: async () => [record("a", T)] };
    const pretty = await runWith(api, ["logs", "hello"], { terminal: true, env: { NO_COLOR: "1" } });
    expect(pretty.stdout).toBe(
      "2026-11-27T16:00:00.000Z LOG   hi from a\n2026-11-27T16:00:00.002Z ── ok 200 · http · v1 · warm · 2 ms · cpu 1 ms · a\n",
    );
    const json = await runWith(api, ["logs", "hello", "--json"], { terminal: true });
    expect(JSON.parse(json.stdout)).toEqual(record("a", T));
  });

  it("shows one invocation by id", async () => {
    const run = await runWith(
      {
        getInvocation: async (_tenant, name, id) => {
          expect([name, id]).toEqual(["hello", "inv-9"]);
          return record("inv-9", T);
        },
      },
      ["logs", "hello", "--id", "inv-9"],
    );
    expect(run.code).toBe(0);
    expect(JSON.parse(run.stdout).id).toBe("inv-9");
  });

  it("says what is wrong with a bad filter before calling the server", async () => {
    for (const [flag, value, message] of [
      ["--since", "yesterday", /--since "yesterday" is not a time/],
      ["--level", "loud", /--level "loud" is not a level/],
      ["--outcome", "ok,meh", /"meh" is not an outcome/],
      ["--limit", "0", /--limit "0"/],
    ] as const) {
      const run = await runWith({}, ["logs", "hello", flag, value]);
      expect(run.code).toBe(1);
      expect(run.stderr).toMatch(message);
    }
  });

  it("reports the server's error, such as a function that does not exist", async () => {
    const run = await runWith(
      {
        listLogs: async () => {
          throw new ApiError(404, "FUNCTION_NOT_FOUND", 'function "nope" does not exist in tenant "default"');
        },
      },
      ["logs", "nope"],
    );
    expect(run.code).toBe(1);
    expect(run.stderr).toContain('function "nope" does not exist');
  });

  it("follows until stopped, printing records as they come and dropped counts on stderr", async () => {
    let stop: (signal: string) => void = () => {};
    const stopped = new Promise<string>((resolve) => {
      stop = resolve;
    });
    const run = await runWith(
      {
        followLogs: async (_tenant, _name, query, handlers: LogFollowHandlers, signal) => {
          expect(query.since).toBe("1h");
          handlers.onInvocation(record("old", T));
          handlers.onReady?.();
          handlers.onDropped?.(4, 4);
          handlers.onInvocation(record("new", T + 5));
          stop("SIGINT");
          await new Promise((resolve) => signal.addEventListener("abort", resolve));
          return "stopped";
        },
      },
      ["logs", "hello", "-f", "--since", "1h"],
      { stop: stopped },
    );
    expect(run.code).toBe(0);
    expect(
      run.stdout
        .trimEnd()
        .split("\n")
        .map((l) => JSON.parse(l).id),
    ).toEqual(["old", "new"]);
    expect(run.stderr).toContain("following hello (Ctrl-C to stop)");
    expect(run.stderr).toContain("4 invocations were not shown");
  });

  it("exits 1 when the server ends the stream", async () => {
    const run = await runWith({ followLogs: async () => "ended" }, ["logs", "hello", "-f"]);
    expect(run.code).toBe(1);
    expect(run.stderr).toContain("the server ended the stream");
  });
});
