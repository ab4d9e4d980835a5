// Plain and JSON variables from the version's config: `env.NAME` is the string or the parsed JSON value.
import type { BindingKind } from "../binding-kind.js";

export const varsBinding: BindingKind = {
  kind: "vars",
  env: (version) => ({ ...version.config.vars }),
};
