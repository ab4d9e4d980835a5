// Whether a request URL the host hands to the isolate is already in its WHATWG-serialized form, so that the
// prelude may skip parsing it again (whatwg-url's parser is pure JS and slow in a fresh isolate; Node's is native).

/**
 * True for an http(s) URL without credentials that Node's WHATWG parser serializes to exactly the same string:
 * the prelude's own parser (the same standard) would produce that string too. Anything else is parsed in the
 * isolate as before, with the errors tenant code expects.
 *
 * @example
 * isSerializedRequestUrl("http://hello.default.localhost/a?b=1"); // true
 * isSerializedRequestUrl("http://Hello.localhost/./a");           // false: it normalizes to another string
 */
export function isSerializedRequestUrl(url: string): boolean {
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
