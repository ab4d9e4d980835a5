export { encodeCodeBundle } from "./canonical-bundle.js";
export { buildCodeBundle, type DeployCode, MAX_MODULES, type ModuleInput } from "./code-bundle-builder.js";
export { resolveImport } from "./import-resolution.js";
export { moduleKindOf } from "./module-type.js";
