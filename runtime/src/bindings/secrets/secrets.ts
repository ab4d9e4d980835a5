// Secrets: decrypted by the main process, sent with the version spec, visible as `env.NAME` strings.
import type { BindingKind } from "../binding-kind.js";

export const secretsBinding: BindingKind = {
  kind: "secrets",
  env: (version) => ({ ...(version.secrets ?? {}) }),
};
