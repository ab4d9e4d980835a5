export * from "./api-key-repository.js";
export * from "./blob-store.js";
export * from "./function-repository.js";
export * from "./invocation-repository.js";
export * from "./migrate.js";
export * from "./sqlite-storage.js";
export * from "./tenant-repository.js";
export type * from "./types.js";
