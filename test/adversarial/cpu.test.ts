// Issue 7, adversarial CPU payloads: each is stopped with its exact platform error while an unrelated tenant's
// function keeps answering 200, during the attack and after it.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type Arena, expectAttackAnswered, startArena } from "./harness.js";

let arena: Arena;

beforeAll(async () => {
  arena = await startArena();
});

afterAll(async () => {
  expect(await arena.server.stop()).toBe(0);
});

describe("CPU", () => {
  // Each of these burns CPU inside the isolate without ever yielding to the host, so the CPU watchdog (not
  // the wall clock) stops it, at about cpuMs.
  it.each([
    ["while (true) {}", "cpu-while-true.js"],
    ["a microtask that queues itself forever", "cpu-microtask-loop.js"],
    ["an async loop of `await null`", "cpu-await-loop.js"],
    ["a catastrophic regex", "cpu-catastrophic-regex.js"],
  ])("stops %s with 503 CPU_LIMIT_EXCEEDED", async (_label, file) => {
    await expectAttackAnswered(arena, {
      name: file.replace(/\.js$/, ""),
      file,
      status: 503,
      code: "CPU_LIMIT_EXCEEDED",
    });
  });

  it("fails Atomics.wait as an ordinary exception (500 FUNCTION_ERROR): Atomics and SharedArrayBuffer are gone", async () => {
    await expectAttackAnswered(arena, {
      name: "cpu-atomics-wait",
      file: "cpu-atomics-wait.js",
      status: 500,
      code: "FUNCTION_ERROR",
    });
  });
});
