// Every binding kind, in the order their `env` entries are merged (a later kind wins a name clash: a secret
// set after a rollback to a version whose vars use the same name takes precedence).
import type { VersionSpec } from "../types.js";
import type { HostCallHandlers } from "../worker/sandbox.js";
import type { BindingKind } from "./binding-kind.js";
import { secretsBinding } from "./secrets/secrets.js";
import { varsBinding } from "./vars/vars.js";

export type { BindingKind } from "./binding-kind.js";

export const BINDING_KINDS: readonly BindingKind[] = [varsBinding, secretsBinding];

/** The `env` an isolate of `version` is loaded with. */
export function buildEnv(
  version: VersionSpec,
  kinds: readonly BindingKind[] = BINDING_KINDS,
): Record<string, unknown> {
  const env: Record<string, unknown> = {};
  for (const kind of kinds) Object.assign(env, kind.env(version));
  return env;
}

/** The host calls of every kind, for one invocation. */
export function bindingHostCalls(
  version: VersionSpec,
  deadline: number,
  kinds: readonly BindingKind[] = BINDING_KINDS,
): HostCallHandlers {
  const calls: HostCallHandlers = {};
  for (const kind of kinds) Object.assign(calls, kind.hostCalls?.(version, deadline));
  return calls;
}
