import { describe, expect, it } from "vitest";
import { assertValidName, isValidName } from "./names.js";

describe("names", () => {
  it.each(["a", "hello", "my-fn-2", "0", "a".repeat(63)])("accepts %s", (name) => {
    expect(isValidName(name)).toBe(true);
  });

  it.each(["", "A", "A B", "../x", "a/b", "-a", "a-", "a_b", "a.b", "a".repeat(64), "é", "a\n"])(
    "refuses %j",
    (name) => {
      expect(isValidName(name)).toBe(false);
      expect(() => assertValidName("function", name)).toThrow(
        expect.objectContaining({ code: "INVALID_NAME", status: 400 }),
      );
    },
  );

  it("shortens very long names in the message", () => {
    try {
      assertValidName("tenant", "x".repeat(300));
    } catch (error) {
      expect((error as Error).message.length).toBeLessThan(250);
    }
  });
});
