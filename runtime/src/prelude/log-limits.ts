// The bound on one invocation's log output, shared by the prelude (which captures lines) and the host (which
// checks what came back, since a tenant can tamper with the prelude's bookkeeping in its own isolate).

/** Log output one invocation may keep: message bytes (UTF-8) plus LINE_OVERHEAD_BYTES per line. */
export const LOG_BYTES_PER_INVOCATION = 128 * 1024;
/** What a line's level and timestamp take in the stored record, so that many empty lines count too. */
export const LINE_OVERHEAD_BYTES = 32;
/** A longer message is cut to this many characters, with TRUNCATED_SUFFIX appended. */
export const MAX_LINE_CHARS = 8 * 1024;
export const TRUNCATED_SUFFIX = "… [truncated]";

/** The line appended (level "warn") when lines were dropped; it does not count against the bound. */
export function truncationMessage(dropped: number): string {
  return `[skiff] log output truncated: ${dropped} more ${dropped === 1 ? "line" : "lines"} dropped (cap ${
    LOG_BYTES_PER_INVOCATION / 1024
  } KB per invocation)`;
}

// Taken when this module loads, before tenant code could replace it.
const charCodeAt = Function.prototype.call.bind(String.prototype.charCodeAt) as (
  text: string,
  i: number,
) => number;

/** The UTF-8 length of a string (a lone surrogate counts as the 3 bytes of U+FFFD). */
export function utf8Length(text: string): number {
  let bytes = text.length;
  for (let i = 0; i < text.length; i++) {
    const code = charCodeAt(text, i);
    if (code < 0x80) continue;
    if (code < 0x800) {
      bytes += 1;
    } else if (code >= 0xd800 && code <= 0xdbff && (charCodeAt(text, i + 1) & 0xfc00) === 0xdc00) {
      bytes += 2; // a surrogate pair: two units, four bytes
      i++;
    } else {
      bytes += 2;
    }
  }
  return bytes;
}

/** What a line costs against LOG_BYTES_PER_INVOCATION. */
export function lineCost(message: string): number {
  return utf8Length(message) + LINE_OVERHEAD_BYTES;
}
