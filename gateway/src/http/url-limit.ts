// Refuses over-long request targets before any routing or parsing work is spent on them (414 URI_TOO_LONG).
import { SkiffError } from "@skiff/core";
import { createMiddleware } from "hono/factory";

/** Longest request target (path and query) accepted by default, in bytes: what common proxies allow. */
export const DEFAULT_MAX_URL_BYTES = 8 * 1024;

/**
 * Middleware answering 414 URI_TOO_LONG when the request target (path + query, as the client sent it)
 * is longer than `maxBytes`. Mounted first, so neither the data plane nor the admin API sees such a request.
 * Targets longer than the HTTP server's header limit never get this far: Node refuses them with 431.
 *
 * @example
 * app.use("*", urlLimit(DEFAULT_MAX_URL_BYTES));
 */
export function urlLimit(maxBytes: number) {
  return createMiddleware(async (c, next) => {
    const length = requestTargetBytes(c.req.raw.url);
    if (length > maxBytes) {
      throw new SkiffError(
        "URI_TOO_LONG",
        `the request URL's path and query are ${length} bytes; the limit is ${maxBytes}`,
      );
    }
    await next();
  });
}

/** Bytes of an absolute URL after its origin. Parsed URLs are percent-encoded ASCII, so characters are bytes. */
export function requestTargetBytes(url: string): number {
  const schemeEnd = url.indexOf("://");
  const pathStart = schemeEnd < 0 ? 0 : url.indexOf("/", schemeEnd + 3);
  return pathStart < 0 ? 0 : url.length - pathStart;
}
