// Whether a request URL the host hands to the isolate is already in its WHATWG-serialized form, so that the
// prelude may skip parsing it again (whatwg-url's parser is pure JS and slow in a fresh isolate; Node's is native).

/**
 * Origins (`scheme://host[:port]`) already checked, and whether `${origin}/` is serialized. A worker sees few
 * distinct origins (its functions' hosts); a flood of new ones only empties the map now and then.
 */
const checkedOrigins = new Map<string, boolean>();
const MAX_CHECKED_ORIGINS = 512;

/**
 * A path and query that no WHATWG parser changes: a slash, then only characters outside the path and (special)
 * query percent-encode sets (no `'` in the query, no `\`, no fragment, nothing non-ASCII). Sticky: tested from
 * the end of the origin. Conservative on purpose: whatever it refuses is parsed in full, as before.
 */
const PLAIN_PATH_AND_QUERY = /\/[A-Za-z0-9\-._~!$&'()*+,;=:@/%]*(?:\?[A-Za-z0-9\-._~!$&()*+,;=:@/%?]*)?$/y;
/** A `.` or `..` segment (also percent-encoded), which the parser removes: such a URL is parsed in full. */
const DOT_SEGMENT = /\/(?:\.|%2e){1,2}(?:[/?]|$)/i;

/**
 * True for an http(s) URL without credentials that Node's WHATWG parser serializes to exactly the same string:
 * the prelude's own parser (the same standard) would produce that string too. Anything else is parsed in the
 * isolate as before, with the errors tenant code expects.
 *
 * A request URL's path and query are checked by their characters; its origin is parsed once and remembered
 * (parsing one costs the worker a few µs per request under load). Either check refusing falls back to parsing
 * the whole URL, so the answer is always the parser's.
 *
 * @example
 * isSerializedRequestUrl("http://hello.default.localhost/a?b=1"); // true
 * isSerializedRequestUrl("http://Hello.localhost/./a");           // false: it normalizes to another string
 */
export function isSerializedRequestUrl(url: string): boolean {
  const start = url.startsWith("http://") ? 7 : url.startsWith("https://") ? 8 : -1;
  const slash = start < 0 ? -1 : url.indexOf("/", start);
  if (slash > 0) {
    PLAIN_PATH_AND_QUERY.lastIndex = slash;
    if (PLAIN_PATH_AND_QUERY.test(url) && !DOT_SEGMENT.test(url.slice(slash))) {
      const origin = url.slice(0, slash);
      let plain = checkedOrigins.get(origin);
      if (plain === undefined) {
        plain = parsesToItself(`${origin}/`);
        if (checkedOrigins.size >= MAX_CHECKED_ORIGINS) checkedOrigins.clear();
        checkedOrigins.set(origin, plain);
      }
      if (plain) return true;
    }
  }
  return parsesToItself(url);
}

/** The full check: Node's parser serializes the URL to itself, an http(s) one without credentials. */
function parsesToItself(url: string): boolean {
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    return false;
  }
  return (
    parsed.href === url &&
    (parsed.protocol === "http:" || parsed.protocol === "https:") &&
    parsed.username === "" &&
    parsed.password === ""
  );
}
