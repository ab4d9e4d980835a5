// Builds the stored record of an invocation, the same way for every trigger (HTTP, cron, queue, invoke…).
import { ERROR_STATUS } from "./errors.js";
import type {
  InvocationError,
  InvocationRecord,
  InvocationResult,
  Outcome,
  TriggerKind,
} from "./invocation.js";
import { outcomeError } from "./outcome.js";

export interface RecordContext {
  tenant: string;
  functionName: string;
  version: number;
  trigger: TriggerKind;
  startedAt: number;
  /** Service binding calls: the invocation that made this one. */
  parentInvocationId?: string;
}

/**
 * The record of `result`. `status` defaults to the response's status, else 200 for ok and the outcome's
 * platform error status otherwise; `outcome`/`error` may be overridden when the client saw something else
 * (e.g. an invalid response the gateway refused).
 */
export function toInvocationRecord(
  context: RecordContext,
  result: InvocationResult,
  override: { status?: number; outcome?: Outcome; error?: InvocationError | undefined } = {},
): InvocationRecord {
  const outcome = override.outcome ?? result.outcome;
  const error = "error" in override ? override.error : result.error;
  const status =
    override.status ??
    (outcome === "ok" ? (result.response?.status ?? 200) : ERROR_STATUS[outcomeError(outcome).code]);
  return {
    id: result.invocationId,
    tenant: context.tenant,
    functionName: context.functionName,
    version: context.version,
    trigger: context.trigger,
    ...(context.parentInvocationId === undefined ? {} : { parentInvocationId: context.parentInvocationId }),
    startedAt: context.startedAt,
    outcome,
    status,
    cold: result.cold,
    cpuMs: result.cpuMs,
    wallMs: result.wallMs,
    ...(result.peakHeapBytes === undefined ? {} : { peakHeapBytes: result.peakHeapBytes }),
    ...(result.egressBytes === undefined ? {} : { egressBytes: result.egressBytes }),
    ...(error === undefined ? {} : { error }),
    logs: result.logs,
    droppedLogLines: result.droppedLogLines,
  };
}
