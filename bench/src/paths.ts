// Where the harness finds the repository, the built CLI and its own compiled entry points.
import { fileURLToPath } from "node:url";

/** The repository root (this file runs from bench/dist/). */
export const REPO_ROOT = fileURLToPath(new URL("../../", import.meta.url));
/** The real `skiff` CLI, as a person runs it. */
export const CLI_MAIN = fileURLToPath(new URL("../../cli/dist/main.js", import.meta.url));
export const EXAMPLES_DIR = fileURLToPath(new URL("../../examples/", import.meta.url));
/** The benchmark's own function modules (plain JS, served unchanged by every peer). */
export const MODULES_DIR = fileURLToPath(new URL("../modules/", import.meta.url));
export const BENCHMARKS_MD = fileURLToPath(new URL("../../BENCHMARKS.md", import.meta.url));
export const PROFILE_NOTES_MD = fileURLToPath(new URL("../profile-notes.md", import.meta.url));
/** Warm runs recorded with `--record <label>`, and the hand-written notes on what each step changed. */
export const BEFORE_AFTER_JSON = fileURLToPath(new URL("../before-after.json", import.meta.url));
export const BEFORE_AFTER_NOTES_MD = fileURLToPath(new URL("../before-after-notes.md", import.meta.url));
/** Hand-written notes on what changed cold starts, async delivery and cron lag, shown with their table. */
export const OPERATIONS_NOTES_MD = fileURLToPath(new URL("../before-after-operations.md", import.meta.url));

/**
 * A compiled script of this package, e.g. `distScript("load/load-runner.js")`: always under dist/, also when
 * this module runs from src/ (tests).
 */
export function distScript(relative: string): string {
  return fileURLToPath(new URL(`../dist/${relative}`, import.meta.url));
}
