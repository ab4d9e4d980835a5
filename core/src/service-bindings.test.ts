import { describe, expect, it } from "vitest";
import { parseFunctionConfig } from "./config.js";
import { SkiffError } from "./errors.js";

describe("service bindings", () => {
  it("are accepted and stored as given", () => {
    const config = parseFunctionConfig({ bindings: [{ type: "service", name: "AUTH", function: "auth" }] });
    expect(config.bindings).toEqual([{ type: "service", name: "AUTH", function: "auth" }]);
  });

  it.each([
    ["a function name that is not a DNS label", { type: "service", name: "AUTH", function: "Auth!" }],
    [
      "another tenant's function spelled tenant/function",
      { type: "service", name: "AUTH", function: "t/auth" },
    ],
    ["a missing function", { type: "service", name: "AUTH" }],
    ["an unknown field", { type: "service", name: "AUTH", function: "auth", tenant: "other" }],
    ["a bad binding name", { type: "service", name: "1AUTH", function: "auth" }],
  ])("refuses %s", (_what, binding) => {
    expect(() => parseFunctionConfig({ bindings: [binding] })).toThrow(SkiffError);
  });
});
