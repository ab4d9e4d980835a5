// The server-side split of a cold start (issue 9 §3): isolate creation, prelude, compile and handler, timed on
// real isolates by the runtime's own Sandbox in a child process (cold-split-child.ts), since the invocation
// records keep only a cold start's total.
import { fileURLToPath } from "node:url";
import { startChild } from "../child.js";
import type { ColdSplit } from "../results.js";

/** The compiled child, found from src/ (tests) and dist/ alike. */
const CHILD = fileURLToPath(new URL("../../dist/scenarios/cold-split-child.js", import.meta.url));
/** A child that has not answered by then is stuck: each sample takes tens of milliseconds. */
const DEADLINE_MS = 120_000;

export async function runColdSplit(samples: number): Promise<ColdSplit> {
  let stdout = "";
  // NODE_OPTIONS of a profiled run must not profile this child too.
  const env = { ...process.env };
  delete env.NODE_OPTIONS;
  const child = startChild(process.execPath, ["--no-node-snapshot", CHILD, String(samples)], {
    env,
    onStdout: (chunk) => {
      stdout += chunk;
    },
  });
  const timer = setTimeout(() => void child.stop(1_000), DEADLINE_MS);
  const { code } = await child.exited;
  clearTimeout(timer);
  if (code !== 0) throw new Error(`cold split: the child failed (exit ${code})\n${child.output()}`);
  return parseColdSplit(stdout.trim().split("\n").at(-1) ?? "");
}

/** Checks the child's JSON line has the shape the report reads. */
export function parseColdSplit(line: string): ColdSplit {
  const value = JSON.parse(line) as Partial<ColdSplit>;
  const phases = (group: unknown, names: string[]) =>
    typeof group === "object" &&
    group !== null &&
    names.every((name) => typeof (group as Record<string, { p50?: unknown }>)[name]?.p50 === "number");
  if (
    typeof value.samples !== "number" ||
    typeof value.preludeCacheMs !== "number" ||
    !phases(value.scratch, ["isolateMs", "preludeMs", "compileMs", "handlerMs", "totalMs"]) ||
    !phases(value.spare, ["isolateMs", "preludeMs", "warmUpMs", "compileMs", "handlerMs", "totalMs"])
  ) {
    throw new Error(`cold split: unexpected result ${line.slice(0, 200)}`);
  }
  return value as ColdSplit;
}
