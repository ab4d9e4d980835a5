// How a failed invocation's outcome is answered to an HTTP client.
import type { ErrorCode } from "./errors.js";
import type { Outcome } from "./invocation.js";

const OUTCOME_ERRORS: Record<Exclude<Outcome, "ok">, { code: ErrorCode; message: string }> = {
  exception: { code: "FUNCTION_ERROR", message: "the function threw an exception" },
  exceededCpu: { code: "CPU_LIMIT_EXCEEDED", message: "the function exceeded its CPU time limit" },
  exceededMemory: { code: "MEMORY_LIMIT_EXCEEDED", message: "the function exceeded its memory limit" },
  timeout: { code: "TIMEOUT", message: "the function did not finish within its timeout" },
  crashed: { code: "RUNTIME_CRASHED", message: "the runtime worker running the function crashed" },
  invalidResponse: { code: "INVALID_RESPONSE", message: "the function returned an invalid response" },
  canceled: { code: "INTERNAL_ERROR", message: "the invocation was canceled" },
};

/** The platform error code and message for an outcome other than `ok`. */
export function outcomeError(outcome: Exclude<Outcome, "ok">): { code: ErrorCode; message: string } {
  return OUTCOME_ERRORS[outcome];
}
