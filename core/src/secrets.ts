// Rules for secrets (DESIGN §6): env-var names, values bounded like vars, never sharing a name with a var.
import { BINDING_NAME_RULE, isValidBindingName } from "./binding-names.js";
import { SkiffError } from "./errors.js";
import { LIMITS } from "./limits.js";

const utf8 = new TextEncoder();

/** Throws `INVALID_NAME` unless `name` can be read as `env.NAME`. The name is shown; a value never is. */
export function assertValidSecretName(name: string): void {
  if (!isValidBindingName(name)) {
    const shown = name.length > 80 ? `${name.slice(0, 80)}…` : name;
    throw new SkiffError(
      "INVALID_NAME",
      `invalid secret name ${JSON.stringify(shown)}: ${BINDING_NAME_RULE}`,
    );
  }
}

/** Throws `INVALID_CONFIG` for a value over the per-variable limit (DESIGN §5), naming the secret, not the value. */
export function assertValidSecretValue(name: string, value: string): void {
  if (utf8.encode(value).byteLength > LIMITS.envVarBytes) {
    throw new SkiffError(
      "INVALID_CONFIG",
      `secret ${name} is larger than ${LIMITS.envVarBytes} bytes: store large values in a bucket or KV`,
    );
  }
}

/**
 * Validates the `secrets` object of a deploy request: names, string values within the size limit, and at most
 * `LIMITS.envVarCount` of them. Error messages name secrets, never their values.
 */
export function parseSecrets(input: unknown): Record<string, string> {
  if (typeof input !== "object" || input === null || Array.isArray(input)) {
    throw new SkiffError(
      "INVALID_REQUEST",
      'secrets is an object of names to string values: {"NAME": "value"}',
    );
  }
  // Object.entries also sees an own `__proto__` key (JSON.parse makes one), which the name check then refuses.
  const entries = Object.entries(input);
  if (entries.length > LIMITS.envVarCount) {
    throw new SkiffError("INVALID_CONFIG", `at most ${LIMITS.envVarCount} secrets per function`);
  }
  const secrets: Record<string, string> = {};
  for (const [name, value] of entries) {
    assertValidSecretName(name);
    if (typeof value !== "string") {
      throw new SkiffError("INVALID_REQUEST", `secret ${name} must be a string`);
    }
    assertValidSecretValue(name, value);
    secrets[name] = value;
  }
  return secrets;
}

/** Throws `INVALID_CONFIG` if a var and a secret share a name: `env.NAME` could hold only one of them. */
export function assertNoVarSecretClash(vars: Record<string, unknown>, secretNames: Iterable<string>): void {
  const clashes = [...new Set(secretNames)].filter((name) => Object.hasOwn(vars, name)).sort();
  if (clashes.length > 0) {
    throw new SkiffError(
      "INVALID_CONFIG",
      `${clashes.join(", ")} ${clashes.length === 1 ? "is" : "are"} both a var and a secret: env holds one value per name, rename or remove one`,
      { details: clashes.map((name) => ({ path: `vars.${name}`, message: "also a secret" })) },
    );
  }
}
