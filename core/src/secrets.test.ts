import { describe, expect, it } from "vitest";
import { isValidBindingName } from "./binding-names.js";
import { SkiffError } from "./errors.js";
import {
  assertNoVarSecretClash,
  assertValidSecretName,
  assertValidSecretValue,
  parseSecrets,
} from "./secrets.js";

function thrown(fn: () => unknown): SkiffError {
  try {
    fn();
  } catch (error) {
    if (error instanceof SkiffError) return error;
    throw error;
  }
  throw new Error("expected a SkiffError");
}

describe("binding names", () => {
  it.each(["A", "_", "API_KEY", "key2", "_x_", "A".repeat(128)])("accepts %s", (name) => {
    expect(isValidBindingName(name)).toBe(true);
  });

  it.each(["", "1A", "A-B", "A B", "Ä", "A".repeat(129), "__proto__", "a.b"])("refuses %j", (name) => {
    expect(isValidBindingName(name)).toBe(false);
  });
});

describe("secrets", () => {
  it("refuses a bad name with INVALID_NAME, naming it", () => {
    const error = thrown(() => assertValidSecretName("1BAD"));
    expect(error.code).toBe("INVALID_NAME");
    expect(error.message).toContain('"1BAD"');
  });

  it("bounds a value at 5 KB without echoing it", () => {
    expect(() => assertValidSecretValue("OK", "v".repeat(5 * 1024))).not.toThrow();
    const error = thrown(() => assertValidSecretValue("BIG", "secret-value-".repeat(500)));
    expect(error.code).toBe("INVALID_CONFIG");
    expect(error.message).toContain("BIG");
    expect(error.message).not.toContain("secret-value-");
  });

  it("parses a deploy's secrets object", () => {
    expect(parseSecrets({ A: "1", B_2: "" })).toEqual({ A: "1", B_2: "" });
    expect(parseSecrets({})).toEqual({});
  });

  it.each([
    ["not an object", "x", "INVALID_REQUEST"],
    ["an array", ["x"], "INVALID_REQUEST"],
    ["null", null, "INVALID_REQUEST"],
    ["a number value", { A: 1 }, "INVALID_REQUEST"],
    ["an object value", { A: { v: "x" } }, "INVALID_REQUEST"],
    ["a bad name", { "A-B": "x" }, "INVALID_NAME"],
    ["a __proto__ name", JSON.parse('{"__proto__": "x"}'), "INVALID_NAME"],
    ["a value over 5 KB", { A: "x".repeat(5 * 1024 + 1) }, "INVALID_CONFIG"],
    [
      "129 secrets",
      Object.fromEntries(Array.from({ length: 129 }, (_, i) => [`S${i}`, "x"])),
      "INVALID_CONFIG",
    ],
  ])("refuses %s", (_, input, code) => {
    const error = thrown(() => parseSecrets(input));
    expect(error.code).toBe(code);
  });

  it("never puts a value in an error message", () => {
    const error = thrown(() => parseSecrets({ GOOD: "hunter2", BAD: 7 }));
    expect(error.message).not.toContain("hunter2");
    expect(error.message).toContain("BAD");
  });

  it("refuses a name that is both a var and a secret with INVALID_CONFIG", () => {
    expect(() => assertNoVarSecretClash({ A: "1" }, ["B"])).not.toThrow();
    const error = thrown(() => assertNoVarSecretClash({ B: "1", A: { x: 1 }, C: "3" }, ["B", "A", "D"]));
    expect(error.code).toBe("INVALID_CONFIG");
    expect(error.message).toBe(
      "A, B are both a var and a secret: env holds one value per name, rename or remove one",
    );
    expect(error.details).toEqual([
      { path: "vars.A", message: "also a secret" },
      { path: "vars.B", message: "also a secret" },
    ]);
  });
});
