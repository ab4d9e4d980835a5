// The direct data plane's answer to anything that is not a function request: the admin API, health, metrics and
// the rest live on the main port only, and saying where keeps a misdirected client from guessing.
import { SkiffError } from "@skiff/core";
import { errorResponse } from "@skiff/gateway/worker-data-plane";
import type { NotFoundHandler } from "hono";

/**
 * `notFound` of the worker's Hono chain: 404 NOT_FOUND naming the main port. The chain before it has given the
 * request its id and answered an over-long target 414, as the main port does.
 *
 * @example
 * useDataPlaneChain(new Hono(), deps).notFound(notAFunction("http://127.0.0.1:8787"));
 */
export function notAFunction(mainUrl: string): NotFoundHandler {
  return (c) =>
    errorResponse(
      c,
      new SkiffError(
        "NOT_FOUND",
        `this port serves functions only (/fn/{tenant}/{function}/… or a function host); the admin API is at ${mainUrl}`,
      ),
    );
}
