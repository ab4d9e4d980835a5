// The function configuration schema: validated at the edge, resolved to concrete limits before it is stored.
import { z } from "zod";
import { SkiffError } from "./errors.js";
import { LIMITS } from "./limits.js";

const ENV_VAR_NAME = /^[A-Za-z_][A-Za-z0-9_]*$/;
const utf8 = new TextEncoder();

const intInRange = (range: { min: number; max: number }) => z.number().int().min(range.min).max(range.max);

/** The `config` object a deploy accepts. Unknown fields are refused, not ignored. */
export const functionConfigInputSchema = z.strictObject({
  memoryMb: intInRange(LIMITS.memoryMb).optional(),
  cpuMs: intInRange(LIMITS.cpuMs).optional(),
  timeoutMs: intInRange(LIMITS.timeoutMs).optional(),
  concurrency: intInRange(LIMITS.concurrency).optional(),
  vars: z
    .record(
      z.string().regex(ENV_VAR_NAME, "variable names are letters, digits and '_', not starting with a digit"),
      z.string().refine((v) => utf8.encode(v).byteLength <= LIMITS.envVarBytes, {
        message: `a variable's value is at most ${LIMITS.envVarBytes} bytes`,
      }),
    )
    .refine((vars) => Object.keys(vars).length <= LIMITS.envVarCount, {
      message: `at most ${LIMITS.envVarCount} variables`,
    })
    .optional(),
  /**
   * Extra hosts this function may fetch even though the egress policy refuses them by default
   * (`"api.internal:8443"`, `"10.1.2.3"`, `"10.0.0.0/8"`). Validated by the runtime's egress policy.
   */
  allowedHosts: z.array(z.string().min(1).max(255)).max(100).optional(),
});

export type FunctionConfigInput = z.infer<typeof functionConfigInputSchema>;

/** A configuration with every limit filled in: what a version stores and the runtime enforces. */
export interface FunctionConfig {
  memoryMb: number;
  /** CPU time per invocation; never above `timeoutMs`. */
  cpuMs: number;
  timeoutMs: number;
  concurrency: number;
  vars: Record<string, string>;
  allowedHosts: string[];
}

/** Fills defaults and clamps the CPU limit to the wall-clock timeout (a CPU budget past it could never be used). */
export function resolveFunctionConfig(input: FunctionConfigInput = {}): FunctionConfig {
  const timeoutMs = input.timeoutMs ?? LIMITS.timeoutMs.default;
  return {
    memoryMb: input.memoryMb ?? LIMITS.memoryMb.default,
    cpuMs: Math.min(input.cpuMs ?? LIMITS.cpuMs.default, timeoutMs),
    timeoutMs,
    concurrency: input.concurrency ?? LIMITS.concurrency.default,
    vars: { ...(input.vars ?? {}) },
    allowedHosts: [...(input.allowedHosts ?? [])],
  };
}

/** Validates untrusted config input, throwing `INVALID_CONFIG` with every problem listed. */
export function parseFunctionConfig(input: unknown): FunctionConfig {
  const parsed = functionConfigInputSchema.safeParse(input ?? {});
  if (!parsed.success) {
    throw new SkiffError("INVALID_CONFIG", `invalid config: ${formatIssues(parsed.error)}`, {
      details: parsed.error.issues.map((i) => ({ path: i.path.join("."), message: i.message })),
    });
  }
  return resolveFunctionConfig(parsed.data);
}

/** One line listing zod issues as `path: message`. */
export function formatIssues(error: z.ZodError): string {
  return error.issues
    .map((issue) => (issue.path.length > 0 ? `${issue.path.join(".")}: ${issue.message}` : issue.message))
    .join("; ");
}
