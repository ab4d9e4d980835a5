// Issue 7, adversarial memory payloads: heap bombs end in 503 MEMORY_LIMIT_EXCEEDED (whether the isolate hit its
// limit or V8 aborted the whole worker), external allocations past the limit are refused inside the isolate, and
// a stack overflow is the tenant's own catchable RangeError. An unrelated tenant answers 200 throughout.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import {
  type Arena,
  deployHostile,
  duringAttack,
  expectAttackAnswered,
  expectStillServing,
  invokeHostile,
  recordOf,
  startArena,
} from "./harness.js";

/** A small heap, and CPU and wall limits generous enough that the memory limit is what stops a bomb. */
const MEMORY_LIMITS = { memoryMb: 32, cpuMs: 5000, timeoutMs: 10_000 };

let arena: Arena;

beforeAll(async () => {
  arena = await startArena();
});

afterAll(async () => {
  expect(await arena.server.stop()).toBe(0);
});

describe("memory", () => {
  it.each([
    ["an object-push heap bomb", "memory-object-push.js"],
    // V8 aborts the worker process for these two (heap OOM); the supervisor attributes the abort to the one
    // function that caused it.
    ["new Array(1e9).fill(0)", "memory-array-fill.js"],
    ["s += s", "memory-string-doubling.js"],
  ])("stops %s with 503 MEMORY_LIMIT_EXCEEDED", async (_label, file) => {
    await expectAttackAnswered(arena, {
      name: file.replace(/\.js$/, ""),
      file,
      config: MEMORY_LIMITS,
      status: 503,
      code: "MEMORY_LIMIT_EXCEEDED",
    });
  });

  it.each([
    ["one huge ArrayBuffer", "memory-array-buffer.js"],
    ["many 8 MB ArrayBuffers", "memory-array-buffers.js"],
  ])("refuses %s inside the isolate: an uncaught RangeError, 500 FUNCTION_ERROR", async (_label, file) => {
    const name = file.replace(/\.js$/, "");
    const answer = await expectAttackAnswered(arena, {
      name,
      file,
      config: MEMORY_LIMITS,
      status: 500,
      code: "FUNCTION_ERROR",
    });
    const record = await recordOf(arena, name, answer.json.error.invocationId);
    expect(record).toMatchObject({
      outcome: "exception",
      error: { name: "RangeError", message: "Array buffer allocation failed" },
    });
  });

  it("lets the tenant catch its own stack overflow (RangeError) and answer 200", async () => {
    await deployHostile(arena, "memory-deep-recursion", "memory-deep-recursion.js", MEMORY_LIMITS);
    const answer = await duringAttack(arena, () => invokeHostile(arena, "memory-deep-recursion"));
    expect({ status: answer.status, body: answer.json }).toEqual({
      status: 200,
      body: { caught: "RangeError" },
    });
    await expectStillServing(arena);
  });
});
