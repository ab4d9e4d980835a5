// The one check that a function's response head is something HTTP/1.1 can carry, before a byte of it is sent.
import type { HeaderList } from "@skiff/core";

/** RFC 9110 token: what a header name may be. */
const TOKEN = /^[!#$%&'*+\-.^_`|~0-9A-Za-z]+$/;
/**
 * RFC 9110 field-value and reason-phrase characters: visible ASCII, space, tab and obs-text. CR, LF and NUL are
 * out (header injection, response splitting), and so are other controls and anything above U+00FF, which Node
 * would refuse only after the response had started.
 */
const FIELD_TEXT = /^[\t\x20-\x7e\x80-\xff]*$/;

/** A function's response head that HTTP cannot carry: answered 502 INVALID_RESPONSE. */
export class UnsendableResponse extends Error {
  override readonly name = "InvalidResponse";
}

/**
 * Throws `UnsendableResponse` naming the first problem: a status outside 200–599 (1xx included: Skiff has no
 * protocol upgrades), a status text or header value with characters HTTP forbids, or a header name that is not
 * a token. Runs on every function response (the prelude's `Response` refuses most of these inside the isolate
 * already; tenant code that gets around it ends here).
 */
export function assertSendable(head: { status: number; statusText: string; headers: HeaderList }): void {
  if (!Number.isInteger(head.status) || head.status < 200 || head.status > 599) {
    throw new UnsendableResponse(`the response status ${head.status} is not an integer from 200 to 599`);
  }
  if (!FIELD_TEXT.test(head.statusText)) {
    throw new UnsendableResponse("the response status text has characters HTTP does not allow");
  }
  for (const [name, value] of head.headers) {
    if (!TOKEN.test(name)) {
      throw new UnsendableResponse(
        `the response header name ${JSON.stringify(name.slice(0, 64))} is not valid`,
      );
    }
    if (!FIELD_TEXT.test(value)) {
      throw new UnsendableResponse(
        `the response header ${JSON.stringify(name.slice(0, 64))} has a value with characters HTTP does not allow (CR, LF, NUL or other controls)`,
      );
    }
  }
}
