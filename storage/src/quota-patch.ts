// An operator's change to a tenant's quotas, checked field by field before anything is stored.
import { DEFAULT_QUOTAS, SkiffError, type TenantQuotas } from "@skiff/core";

const FIELDS = Object.keys(DEFAULT_QUOTAS) as Array<keyof TenantQuotas>;

/**
 * `current` with the patch's fields replaced. Throws `INVALID_REQUEST` naming the field for an unknown field, a
 * count that is not a non-negative safe integer or null, a `burst` below 1, or an `allowCodeGeneration` that is
 * not a boolean.
 *
 * @example
 * applyQuotaPatch(DEFAULT_QUOTAS, { requestsPerSecond: 10, burst: 20 });
 */
export function applyQuotaPatch(current: TenantQuotas, patch: unknown): TenantQuotas {
  if (typeof patch !== "object" || patch === null || Array.isArray(patch)) {
    throw new SkiffError("INVALID_REQUEST", "quotas must be a JSON object of the quotas to change");
  }
  const next: TenantQuotas = { ...current };
  for (const [field, value] of Object.entries(patch)) {
    if (!(FIELDS as string[]).includes(field)) {
      throw new SkiffError("INVALID_REQUEST", `"${field}" is not a quota; quotas are ${FIELDS.join(", ")}`, {
        details: { field },
      });
    }
    if (field === "allowCodeGeneration") {
      if (typeof value !== "boolean") {
        throw new SkiffError("INVALID_REQUEST", "allowCodeGeneration must be true or false", {
          details: { field },
        });
      }
      next.allowCodeGeneration = value;
      continue;
    }
    const minimum = field === "burst" ? 1 : 0;
    if (value !== null && !(Number.isSafeInteger(value) && (value as number) >= minimum)) {
      throw new SkiffError(
        "INVALID_REQUEST",
        `${field} must be an integer of at least ${minimum}, or null for unlimited`,
        { details: { field } },
      );
    }
    (next as unknown as Record<string, number | null>)[field] = value as number | null;
  }
  return next;
}
