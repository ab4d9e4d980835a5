// Which of a function's response headers reach the client: end-to-end headers only, never the platform's own.
import type { HeaderList } from "@skiff/core";

/**
 * Hop-by-hop headers (RFC 9110 §7.6.1) describe one connection, and the connection to the client is Node's, not
 * the function's; Content-Length goes too, since Node frames the body itself and a wrong length from tenant code
 * would desynchronise the connection (response splitting).
 */
const HOP_BY_HOP = new Set([
  "connection",
  "keep-alive",
  "proxy-connection",
  "transfer-encoding",
  "upgrade",
  "te",
  "trailer",
  "content-length",
]);

/** Headers only the platform sets (`x-skiff-invocation-id`); a function must not forge or override them. */
const PLATFORM_PREFIX = "x-skiff-";

/**
 * The function's headers as the client may get them, in their order: hop-by-hop headers, headers the
 * function's own `Connection` header names, and `x-skiff-*` headers are dropped. Names are compared
 * case-insensitively; values are not checked here (the runtime validated them, and `Headers` refuses
 * anything HTTP cannot carry).
 *
 * @example
 * endToEndHeaders([["Connection", "x-trace"], ["x-trace", "1"], ["content-type", "text/plain"]])
 * // → [["content-type", "text/plain"]]
 */
export function endToEndHeaders(headers: HeaderList): HeaderList {
  const named = new Set<string>();
  for (const [name, value] of headers) {
    if (name.toLowerCase() !== "connection") continue;
    for (const token of value.split(",")) {
      const trimmed = token.trim().toLowerCase();
      if (trimmed !== "") named.add(trimmed);
    }
  }
  return headers.filter(([name]) => {
    const lower = name.toLowerCase();
    return !HOP_BY_HOP.has(lower) && !named.has(lower) && !lower.startsWith(PLATFORM_PREFIX);
  });
}
