// Finds the handlers a module exports: Workers module syntax (`export default { fetch, scheduled, queue }`)
// or Lambda syntax (`export const handler = …`, or `exports.handler` in CommonJS).

export type LambdaHandler = (event: unknown, context: unknown, callback?: unknown) => unknown;

export interface WorkersHandlers {
  kind: "workers";
  target: object;
  fetch?: (request: unknown, env: unknown, ctx: unknown) => unknown;
  scheduled?: (controller: unknown, env: unknown, ctx: unknown) => unknown;
  queue?: (batch: unknown, env: unknown, ctx: unknown) => unknown;
}

export interface LambdaHandlers {
  kind: "lambda";
  handler: LambdaHandler;
}

export type Handlers = WorkersHandlers | LambdaHandlers | { kind: "none" };

function method(target: object, name: string): WorkersHandlers["fetch"] {
  const value = (target as Record<string, unknown>)[name];
  return typeof value === "function" ? (value as WorkersHandlers["fetch"]) : undefined;
}

export function findHandlers(namespace: Record<string, unknown>): Handlers {
  const exported = namespace.default;
  if (typeof exported === "object" && exported !== null) {
    const fetch = method(exported, "fetch");
    const scheduled = method(exported, "scheduled");
    const queue = method(exported, "queue");
    if (fetch || scheduled || queue) {
      return {
        kind: "workers",
        target: exported,
        ...(fetch ? { fetch } : {}),
        ...(scheduled ? { scheduled } : {}),
        ...(queue ? { queue } : {}),
      };
    }
    const cjsHandler = (exported as Record<string, unknown>).handler;
    if (typeof cjsHandler === "function") return { kind: "lambda", handler: cjsHandler as LambdaHandler };
  }
  if (typeof namespace.handler === "function")
    return { kind: "lambda", handler: namespace.handler as LambdaHandler };
  return { kind: "none" };
}
