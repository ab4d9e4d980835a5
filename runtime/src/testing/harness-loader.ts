// The helper of every test file that runs tenant code in isolates: load a SandboxHarness, dispose it after the
// test, so that a failing test does not leave its isolate behind for the next.
import type { CodeBundle } from "@skiff/core";
import { afterEach } from "vitest";
import { SandboxHarness } from "./sandbox-harness.js";

/**
 * Called at a test file's top level: returns a `SandboxHarness.load` whose harnesses are disposed after each test.
 *
 * @example
 * const load = harnessLoader();
 * const harness = await load(`export default { fetch: () => new Response("hi") }`);
 */
export function harnessLoader(): (
  code: string | CodeBundle,
  env?: Record<string, unknown>,
) => Promise<SandboxHarness> {
  const harnesses: SandboxHarness[] = [];
  afterEach(() => {
    for (const harness of harnesses.splice(0)) harness.dispose();
  });
  return async (code, env = {}) => {
    const harness = await SandboxHarness.load(code, env);
    harnesses.push(harness);
    return harness;
  };
}
