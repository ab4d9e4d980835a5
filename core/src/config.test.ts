import { describe, expect, it } from "vitest";
import { parseFunctionConfig, resolveFunctionConfig } from "./config.js";
import { SkiffError } from "./errors.js";

function configError(input: unknown): SkiffError {
  try {
    parseFunctionConfig(input);
  } catch (error) {
    if (error instanceof SkiffError) return error;
    throw error;
  }
  throw new Error("expected INVALID_CONFIG");
}

describe("function config", () => {
  it("fills the defaults of DESIGN §5", () => {
    expect(parseFunctionConfig(undefined)).toEqual({
      memoryMb: 128,
      cpuMs: 3000,
      timeoutMs: 3000,
      concurrency: 10,
      vars: {},
      allowedHosts: [],
      triggers: { crons: [] },
      async: { maxAttempts: 3, maxEventAgeSeconds: 21_600, minBackoffMs: 60_000 },
      bindings: [],
    });
  });

  it("normalises cron triggers given as strings or objects", () => {
    expect(
      parseFunctionConfig({
        triggers: {
          crons: ["*/5 * * * *", { cron: "0 9 * * 1-5", timezone: "Europe/Berlin", overlap: "allow" }],
        },
      }).triggers.crons,
    ).toEqual([
      { cron: "*/5 * * * *", timezone: "UTC", overlap: "skip", missed: "skip" },
      { cron: "0 9 * * 1-5", timezone: "Europe/Berlin", overlap: "allow", missed: "skip" },
    ]);
    expect(() => parseFunctionConfig({ triggers: { crons: [{ cron: "* * * * *", when: "now" }] } })).toThrow(
      expect.objectContaining({ code: "INVALID_CONFIG" }),
    );
    expect(() => parseFunctionConfig({ async: { maxAttempts: 0 } })).toThrow(
      expect.objectContaining({ code: "INVALID_CONFIG" }),
    );
  });

  it("never lets the CPU limit exceed the timeout", () => {
    expect(resolveFunctionConfig({ cpuMs: 50_000, timeoutMs: 1000 }).cpuMs).toBe(1000);
    expect(resolveFunctionConfig({ cpuMs: 50, timeoutMs: 1000 }).cpuMs).toBe(50);
  });

  it("refuses unknown fields instead of ignoring them", () => {
    const error = configError({ memoryMb: 128, memory: 256 });
    expect(error.code).toBe("INVALID_CONFIG");
    expect(error.status).toBe(400);
    expect(error.message).toContain("memory");
  });

  it.each([
    [{ memoryMb: 8 }, "memoryMb"],
    [{ memoryMb: 4096 }, "memoryMb"],
    [{ timeoutMs: 0 }, "timeoutMs"],
    [{ timeoutMs: 900_001 }, "timeoutMs"],
    [{ concurrency: 1.5 }, "concurrency"],
    [{ cpuMs: "100" }, "cpuMs"],
    [{ vars: { "1BAD": "x" } }, "vars"],
    [{ vars: { OK: undefined } }, "vars.OK"],
    [{ vars: { OK: Number.NaN } }, "vars.OK"],
    [{ vars: { OK: () => 1 } }, "vars.OK"],
    [{ vars: { OK: new Date(0) } }, "vars.OK"],
    [{ vars: { OK: [1, undefined] } }, "vars.OK"],
    [{ vars: { BIG: "x".repeat(5 * 1024 + 1) } }, "vars"],
    [{ vars: { "A-B": "x" } }, "vars"],
    [{ vars: { ["A".repeat(129)]: "x" } }, "vars"],
    [{ vars: ["x"] }, "vars"],
    [[1, 2], ""],
  ])("refuses %j", (input, field) => {
    const error = configError(input);
    expect(error.code).toBe("INVALID_CONFIG");
    expect(error.message).toContain(field);
  });

  it("accepts JSON values as variables and keeps them as given", () => {
    const vars = {
      TEXT: "plain",
      EMPTY: "",
      NUMBER: 42.5,
      FLAG: false,
      NOTHING: null,
      LIST: [1, "two", { three: 3 }],
      SETTINGS: { nested: { deep: [true] }, unicode: "ünï" },
    };
    const config = parseFunctionConfig({ vars });
    expect(config.vars).toEqual(vars);
    expect(config.vars.NUMBER).toBe(42.5);
    expect(config.vars.TEXT).toBe("plain");
  });

  it("counts a JSON variable's size as its JSON text", () => {
    const atLimit = { DATA: "x".repeat(5 * 1024) };
    expect(parseFunctionConfig({ vars: atLimit }).vars).toEqual(atLimit);
    // JSON.stringify adds the two quotes, so the same string inside an array is over the limit.
    expect(configError({ vars: { DATA: ["x".repeat(5 * 1024)] } }).message).toContain("5120 bytes");
    expect(configError({ vars: { LIST: Array.from({ length: 3000 }, () => 1) } }).message).toContain(
      "vars.LIST",
    );
  });

  it("refuses a __proto__ variable instead of silently dropping it", () => {
    const error = configError({ vars: JSON.parse('{"__proto__": "x", "OK": "y"}') });
    expect(error.message).toContain("__proto__");
  });

  it("refuses JSON nested deeper than 64 levels without overflowing the stack", () => {
    let deep: unknown = 1;
    for (let i = 0; i < 100_000; i++) deep = [deep];
    expect(configError({ vars: { DEEP: deep } }).message).toContain("vars.DEEP");
  });

  it("refuses more than 128 variables", () => {
    const vars = Object.fromEntries(Array.from({ length: 129 }, (_, i) => [`V${i}`, "x"]));
    expect(configError({ vars }).message).toContain("128");
  });
});
