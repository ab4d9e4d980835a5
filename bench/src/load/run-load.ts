// Runs one load-generator process for a spec and returns its parsed result.
import { mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { startChild } from "../child.js";
import { distScript } from "../paths.js";
import { checkLoadSpec, type LoadResult, type LoadSpec, parseLoadResult } from "./load-spec.js";

/** Slack over the spec's own duration before the generator is killed as hung. */
const HANG_SLACK_MS = 60_000;

export async function runLoad(spec: LoadSpec, deadlineMs?: number): Promise<LoadResult> {
  checkLoadSpec(spec);
  const dir = await mkdtemp(join(tmpdir(), "skiff-bench-load-"));
  try {
    const specPath = join(dir, "spec.json");
    await writeFile(specPath, JSON.stringify(spec));
    let stdout = "";
    // NODE_OPTIONS of a profiled run must not profile the load generator too.
    const env = { ...process.env };
    delete env.NODE_OPTIONS;
    const child = startChild(process.execPath, [distScript("load/load-runner.js"), specPath], {
      env,
      onStdout: (chunk) => {
        stdout += chunk;
      },
    });
    const limit =
      deadlineMs ?? ((spec.durationSeconds ?? 0) + (spec.warmupSeconds ?? 0)) * 1000 + HANG_SLACK_MS;
    const timer = setTimeout(() => void child.stop(1_000), limit);
    const { code } = await child.exited;
    clearTimeout(timer);
    if (code !== 0)
      throw new Error(`load generator failed (exit ${code}) for ${spec.url}\n${child.output()}`);
    const line = stdout.trim().split("\n").at(-1) ?? "";
    return parseLoadResult(line);
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}
