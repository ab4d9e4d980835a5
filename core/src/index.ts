export * from "./config.js";
export * from "./errors.js";
export * from "./ids.js";
export * from "./invocation.js";
export * from "./limits.js";
export * from "./names.js";
export * from "./outcome.js";
export * from "./code-bundle.js";
