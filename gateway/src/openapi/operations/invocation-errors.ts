// What running a function may answer instead of its own response (DESIGN §5 outcomes and admission).
import type { ErrorCode } from "@skiff/core";
import { INVOCATION_ID_HEADER } from "../../data-plane/invocation-response.js";

export const INVOCATION_ERRORS: ErrorCode[] = [
  "FUNCTION_NOT_FOUND",
  "FUNCTION_ERROR",
  "INVALID_RESPONSE",
  "CPU_LIMIT_EXCEEDED",
  "MEMORY_LIMIT_EXCEEDED",
  "TIMEOUT",
  "RUNTIME_CRASHED",
  "FUNCTION_QUARANTINED",
  "TOO_MANY_REQUESTS",
  "RATE_LIMITED",
  "LOOP_DETECTED",
  "SHUTTING_DOWN",
];

/** The header naming the invocation that produced an answer. */
export const INVOCATION_HEADER = { [INVOCATION_ID_HEADER]: "The id of the invocation that answered." };
