// The per-invocation bound on log output: captured in the prelude, checked again by the host.
import { afterEach, describe, expect, it } from "vitest";
import {
  LINE_OVERHEAD_BYTES,
  LOG_BYTES_PER_INVOCATION,
  MAX_LINE_CHARS,
  TRUNCATED_SUFFIX,
  truncationMessage,
  utf8Length,
} from "../prelude/log-limits.js";
import { SandboxHarness } from "../testing/sandbox-harness.js";
import { toLogs } from "./sandbox-result.js";

const harnesses: SandboxHarness[] = [];
afterEach(() => {
  for (const h of harnesses.splice(0)) h.dispose();
});

async function run(handlerBody: string) {
  const harness = await SandboxHarness.load(`export default { fetch() { ${handlerBody} } }`);
  harnesses.push(harness);
  return harness.run();
}

const MARKER = /^\[skiff\] log output truncated: (\d+) more lines? dropped \(cap 128 KB per invocation\)$/;

/** Bytes the kept lines (without the marker) count against the bound. */
function counted(logs: Array<{ message: string }>): number {
  return logs.reduce((sum, line) => sum + utf8Length(line.message) + LINE_OVERHEAD_BYTES, 0);
}

describe("tenant log output", () => {
  it("keeps at most 128 KB of 100 000 lines, counts the rest and says so in a last warn line", async () => {
    const { result, text } = await run(`
      for (let i = 0; i < 100000; i++) console.log("line " + i + " of the flood");
      return new Response("done");`);
    expect(result.outcome).toBe("ok");
    expect(text()).toBe("done");
    const marker = result.logs.at(-1);
    const kept = result.logs.slice(0, -1);
    expect(marker?.level).toBe("warn");
    expect(marker?.message).toMatch(MARKER);
    expect(Number(MARKER.exec(marker?.message ?? "")?.[1])).toBe(result.droppedLogLines);
    expect(kept.length + result.droppedLogLines).toBe(100_000);
    expect(counted(kept)).toBeLessThanOrEqual(LOG_BYTES_PER_INVOCATION);
    // Kept lines are the first ones, in order, and the bound is nearly filled.
    expect(kept[0]?.message).toBe("line 0 of the flood");
    expect(kept.at(-1)?.message).toBe(`line ${kept.length - 1} of the flood`);
    expect(counted(kept)).toBeGreaterThan(LOG_BYTES_PER_INVOCATION - 100);
  });

  it("counts bytes as UTF-8, so multi-byte text fills the bound sooner", async () => {
    const { result } = await run(`
      for (let i = 0; i < 100; i++) console.log("€".repeat(1000));
      return new Response("done");`);
    const kept = result.logs.slice(0, -1);
    // 3000 bytes + overhead per line.
    expect(kept).toHaveLength(Math.floor(LOG_BYTES_PER_INVOCATION / (3000 + LINE_OVERHEAD_BYTES)));
    expect(result.droppedLogLines).toBe(100 - kept.length);
  });

  it("cuts a single huge line to 8 K characters and keeps going", async () => {
    const { result } = await run(`
      console.log("x".repeat(1000000));
      console.log("next", { big: "y".repeat(20000) });
      return new Response("done");`);
    expect(result.droppedLogLines).toBe(0);
    expect(result.logs).toHaveLength(2);
    expect(result.logs[0]?.message).toBe(`${"x".repeat(MAX_LINE_CHARS)}${TRUNCATED_SUFFIX}`);
    expect(result.logs[1]?.message.length).toBe(MAX_LINE_CHARS + TRUNCATED_SUFFIX.length);
  });

  it("adds no marker when nothing was dropped", async () => {
    const { result } = await run(`console.warn("one"); return new Response("done");`);
    expect(result.logs.map((line) => [line.level, line.message])).toEqual([["warn", "one"]]);
    expect(result.droppedLogLines).toBe(0);
  });
});

describe("toLogs (the host's check of what the isolate returned)", () => {
  it("passes the prelude's own output through unchanged", () => {
    const lines = [
      { level: "log", message: "a".repeat(1000), ts: 1 },
      { level: "warn", message: truncationMessage(12), ts: 2 },
    ];
    expect(toLogs(lines, 12)).toEqual({ logs: lines, droppedLogLines: 12 });
  });

  it("bounds output forged past the prelude, counting and marking what it drops", () => {
    const forged = Array.from({ length: 10_000 }, (_, i) => ({
      level: "info",
      message: "z".repeat(1024),
      ts: i,
    }));
    const { logs, droppedLogLines } = toLogs(forged, 5);
    const kept = logs.slice(0, -1);
    expect(counted(kept)).toBeLessThanOrEqual(LOG_BYTES_PER_INVOCATION + 200);
    expect(kept.length + droppedLogLines - 5).toBe(10_000);
    expect(logs.at(-1)).toMatchObject({ level: "warn", message: truncationMessage(droppedLogLines) });
  });

  it("drops malformed lines and cuts oversized messages", () => {
    const { logs, droppedLogLines } = toLogs([
      null,
      { level: "shout", message: "bad level", ts: 1 },
      { level: "log", message: 42, ts: 1 },
      { level: "error", message: "q".repeat(100_000), ts: -5 },
    ]);
    expect(droppedLogLines).toBe(0);
    expect(logs).toEqual([
      { level: "error", message: `${"q".repeat(MAX_LINE_CHARS)}${TRUNCATED_SUFFIX}`, ts: 0 },
    ]);
  });
});
