// Reads a response body into memory without ever holding more than the limit: the read stops, and the
// source is destroyed (closing the socket), as soon as one byte too many arrives.
import { EgressError } from "./egress-error.js";

export function tooLarge(maxBytes: number, detail = ""): EgressError {
  return new EgressError("RESPONSE_TOO_LARGE", `response body larger than ${maxBytes} bytes${detail}`);
}

/**
 * Collects `source` into one fresh `Uint8Array` (its own buffer, exactly its size, so copying it into an
 * isolate copies no other memory), or throws `RESPONSE_TOO_LARGE` past `maxBytes`.
 */
export async function readBounded(
  source: AsyncIterable<Uint8Array> | Iterable<Uint8Array>,
  maxBytes: number,
  detail?: string,
): Promise<Uint8Array> {
  const chunks: Uint8Array[] = [];
  let total = 0;
  // Leaving the loop by a throw calls the iterator's return(), which destroys a Node stream.
  for await (const chunk of source) {
    total += chunk.byteLength;
    if (total > maxBytes) throw tooLarge(maxBytes, detail);
    chunks.push(chunk);
  }
  const body = new Uint8Array(total);
  let offset = 0;
  for (const chunk of chunks) {
    body.set(chunk, offset);
    offset += chunk.byteLength;
  }
  return body;
}
