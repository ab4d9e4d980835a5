// Runs one load-generator process for a spec and returns its parsed result.
import { mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { startChild } from "../child.js";
import { distScript } from "../paths.js";
import {
  checkLoadSpec,
  type LoadResult,
  type LoadSpec,
  MEASURING_LINE,
  parseLoadResult,
} from "./load-spec.js";

/** Slack over the spec's own duration before the generator is killed as hung. */
const HANG_SLACK_MS = 60_000;

export interface RunLoadOptions {
  /** Kill the generator as hung after this long (default: the spec's duration and warm-up, plus a minute). */
  deadlineMs?: number;
  /**
   * Called once when the measured run starts, after any warm-up (e.g. to sample the server's CPU). It runs in a
   * stdout handler: it must not throw, and should only start async work, not await it.
   */
  onMeasuring?: () => void;
}

export async function runLoad(spec: LoadSpec, options: RunLoadOptions = {}): Promise<LoadResult> {
  checkLoadSpec(spec);
  const { deadlineMs, onMeasuring } = options;
  const dir = await mkdtemp(join(tmpdir(), "skiff-bench-load-"));
  try {
    const specPath = join(dir, "spec.json");
    await writeFile(specPath, JSON.stringify(spec));
    let stdout = "";
    let announced = false;
    // NODE_OPTIONS of a profiled run must not profile the load generator too.
    const env = { ...process.env };
    delete env.NODE_OPTIONS;
    const child = startChild(process.execPath, [distScript("load/load-runner.js"), specPath], {
      env,
      onStdout: (chunk) => {
        stdout += chunk;
        // The marker is a whole line of its own; a chunk may end in the middle of it.
        if (!announced && stdout.split("\n").slice(0, -1).includes(MEASURING_LINE)) {
          announced = true;
          onMeasuring?.();
        }
      },
    });
    const limit =
      deadlineMs ?? ((spec.durationSeconds ?? 0) + (spec.warmupSeconds ?? 0)) * 1000 + HANG_SLACK_MS;
    const timer = setTimeout(() => void child.stop(1_000), limit);
    const { code } = await child.exited;
    clearTimeout(timer);
    if (code !== 0)
      throw new Error(`load generator failed (exit ${code}) for ${spec.url}\n${child.output()}`);
    // The result is the last line; the measuring marker came before it.
    const line = stdout.trim().split("\n").at(-1) ?? "";
    return parseLoadResult(line);
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}
