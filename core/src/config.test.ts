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
    });
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
    [{ vars: { OK: 5 } }, "vars"],
    [{ vars: { BIG: "x".repeat(5 * 1024 + 1) } }, "vars"],
    [[1, 2], ""],
  ])("refuses %j", (input, field) => {
    const error = configError(input);
    expect(error.code).toBe("INVALID_CONFIG");
    expect(error.message).toContain(field);
  });

  it("refuses more than 128 variables", () => {
    const vars = Object.fromEntries(Array.from({ length: 129 }, (_, i) => [`V${i}`, "x"]));
    expect(configError({ vars }).message).toContain("128");
  });
});
