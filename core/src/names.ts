// Names of tenants and functions: the only strings that become URL segments and host labels.
import { SkiffError } from "./errors.js";

/** Tenant and function names: lowercase DNS labels, so they work in `{function}.{tenant}.localhost`. */
export const NAME_PATTERN = /^[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?$/;

export function isValidName(name: string): boolean {
  return NAME_PATTERN.test(name);
}

/** Throws `INVALID_NAME` unless `name` is a valid tenant or function name. */
export function assertValidName(kind: "tenant" | "function", name: string): void {
  if (!isValidName(name)) {
    const shown = name.length > 80 ? `${name.slice(0, 80)}…` : name;
    throw new SkiffError(
      "INVALID_NAME",
      `invalid ${kind} name ${JSON.stringify(shown)}: use 1-63 characters of a-z, 0-9 and '-', not starting or ending with '-'`,
    );
  }
}
