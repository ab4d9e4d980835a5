import { describe, expect, it } from "vitest";
import { ERROR_STATUS, SkiffError } from "./errors.js";
import { outcomeError } from "./outcome.js";

describe("SkiffError", () => {
  it("carries the status of its code and renders the DESIGN §5 body", () => {
    const error = new SkiffError("FUNCTION_NOT_FOUND", "no such function", { invocationId: "inv-1" });
    expect(error.status).toBe(404);
    expect(error.isUserError).toBe(true);
    expect(error.toBody()).toEqual({
      error: { code: "FUNCTION_NOT_FOUND", message: "no such function", invocationId: "inv-1" },
    });
    expect(new SkiffError("RUNTIME_CRASHED", "x").isUserError).toBe(false);
  });

  it("maps every failed outcome to a platform error with the limits table's status", () => {
    expect(ERROR_STATUS[outcomeError("exceededCpu").code]).toBe(503);
    expect(ERROR_STATUS[outcomeError("exceededMemory").code]).toBe(503);
    expect(ERROR_STATUS[outcomeError("timeout").code]).toBe(504);
    expect(ERROR_STATUS[outcomeError("exception").code]).toBe(500);
    expect(ERROR_STATUS[outcomeError("crashed").code]).toBe(503);
    expect(ERROR_STATUS[outcomeError("invalidResponse").code]).toBe(502);
  });
});
