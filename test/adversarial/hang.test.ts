// Issue 7, adversarial wall-clock payloads: what isolated-vm's own timeout does not cover (pending promises,
// tenant getters and Proxy traps run while the platform reads a thrown value, host calls in a loop) is stopped
// by the runtime's own limits, with an exact error, while an unrelated tenant answers 200 throughout.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type Arena, expectAttackAnswered, recordOf, startArena } from "./harness.js";

let arena: Arena;

beforeAll(async () => {
  arena = await startArena();
});

afterAll(async () => {
  expect(await arena.server.stop()).toBe(0);
});

describe("wall clock and hangs", () => {
  it("ends a never-settling promise with 504 TIMEOUT", async () => {
    await expectAttackAnswered(arena, {
      name: "hang-never-settles",
      file: "hang-never-settles.js",
      status: 504,
      code: "TIMEOUT",
    });
  });

  // Reading the thrown value runs the tenant's getter or trap, which spins: that is tenant CPU, so the CPU
  // watchdog ends it (cpuMs 400 comes long before timeoutMs 3000).
  it.each([
    ["an object whose message getter loops", "hang-throw-looping-message.js"],
    ["a Proxy whose traps loop", "hang-throw-looping-proxy.js"],
  ])("ends a throw of %s with 503 CPU_LIMIT_EXCEEDED", async (_label, file) => {
    await expectAttackAnswered(arena, {
      name: file.replace(/\.js$/, ""),
      file,
      status: 503,
      code: "CPU_LIMIT_EXCEEDED",
    });
  });

  it("ends 10^6 host calls with the per-invocation host-call budget (SUBREQUEST_LIMIT): 500 FUNCTION_ERROR", async () => {
    // Host calls cost wall time, not isolate CPU, so the limits are generous: the budget (an error thrown into
    // the handler) must be what stops it, not a timeout.
    const answer = await expectAttackAnswered(arena, {
      name: "hang-host-call-loop",
      file: "hang-host-call-loop.js",
      config: { timeoutMs: 15_000, cpuMs: 15_000, memoryMb: 32 },
      status: 500,
      code: "FUNCTION_ERROR",
    });
    const record = await recordOf(arena, "hang-host-call-loop", answer.json.error.invocationId);
    expect(record.outcome).toBe("exception");
    expect(record.error?.message).toMatch(/^SUBREQUEST_LIMIT: too many host calls/);
  });
});
