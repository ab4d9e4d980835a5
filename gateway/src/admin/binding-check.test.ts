import { type Binding, SkiffError } from "@skiff/core";
import type { FunctionRecord } from "@skiff/storage";
import { describe, expect, it } from "vitest";
import { checkBindings } from "./binding-check.js";

/** Storage holding function `auth` in tenant acme and `secret` in tenant other; nothing else is asked. */
const storage = {
  functions: {
    get: async (tenant: string, name: string) =>
      (tenant === "acme" && name === "auth") || (tenant === "other" && name === "secret")
        ? ({ name } as FunctionRecord)
        : undefined,
  },
} as unknown as Parameters<typeof checkBindings>[0];

const service = (name: string, fn: string): Binding => ({ type: "service", name, function: fn });

async function refusal(bindings: Binding[], functionName?: string, env: string[] = []): Promise<SkiffError> {
  const error = await checkBindings(storage, "acme", bindings, env, functionName).then(
    () => undefined,
    (caught: unknown) => caught,
  );
  if (!(error instanceof SkiffError)) throw new Error("the bindings were accepted");
  return error;
}

describe("checkBindings for service bindings", () => {
  it("accepts a function of the tenant, and the function being deployed binding itself", async () => {
    await expect(
      checkBindings(storage, "acme", [service("AUTH", "auth"), service("SELF", "front")], [], "front"),
    ).resolves.toBeUndefined();
  });

  it("refuses a function the tenant does not have, even if another tenant has it", async () => {
    const error = await refusal([service("LEAK", "secret")], "front");
    expect(error.code).toBe("INVALID_CONFIG");
    expect(error.message).toContain('tenant "acme" has no function "secret"');
  });

  it("refuses a self-binding when the deploy names no function", async () => {
    expect((await refusal([service("SELF", "front")])).code).toBe("INVALID_CONFIG");
  });

  it("refuses a binding named like a var", async () => {
    const error = await refusal([service("AUTH", "auth")], "front", ["AUTH"]);
    expect(error.message).toContain("has the name of a var or secret");
  });
});
