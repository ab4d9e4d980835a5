// Object and KV keys carried as the rest of a URL path: read from the raw URL and percent-decoded exactly once.
import { SkiffError } from "@skiff/core";
import type { Context } from "hono";
import { routePath } from "hono/route";

/**
 * The part of the request path that the route's trailing `*` matched, percent-decoded once. It is cut from the
 * raw URL rather than taken from Hono's params so that `%2F` stays a slash inside the key, `%25` stays a percent
 * sign, and a malformed escape is refused (400 INVALID_REQUEST) instead of being kept literally.
 *
 * @example
 * // route "/:bucket/objects/*", request "/b/objects/a%2Fb%20c/d" → "a/b c/d"
 * const key = wildcardKey(c);
 */
export function wildcardKey(c: Context): string {
  const pattern = routePath(c);
  const fixed = pattern.split("/");
  if (fixed.at(-1) !== "*") throw new Error(`route ${pattern} does not end with a wildcard`);
  const raw = new URL(c.req.url).pathname
    .split("/")
    .slice(fixed.length - 1)
    .join("/");
  try {
    return decodeURIComponent(raw);
  } catch {
    throw new SkiffError(
      "INVALID_REQUEST",
      "the key in the path is not validly percent-encoded UTF-8: encode it with encodeURIComponent",
    );
  }
}
