// Names of bindings (vars, secrets): what a function reads as `env.NAME`, so they follow env var rules.

/** Letters, digits and `_`, not starting with a digit; at most 128 characters. */
export const BINDING_NAME = /^[A-Za-z_][A-Za-z0-9_]{0,127}$/;

export const BINDING_NAME_RULE =
  "names are 1-128 letters, digits and '_', not starting with a digit, and not __proto__";

/** True if `name` can be a var or secret name. `__proto__` is refused: as an object key it would not be a key. */
export function isValidBindingName(name: string): boolean {
  return BINDING_NAME.test(name) && name !== "__proto__";
}
