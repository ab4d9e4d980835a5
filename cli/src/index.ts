export * from "./api-client.js";
export * from "./api-error.js";
export * from "./cli-error.js";
export * from "./client-settings.js";
export * from "./command.js";
export * from "./registry.js";
export * from "./run-cli.js";
export * from "./server/start-server.js";
