// Undoes a response's Content-Encoding, as a browser's fetch does, so `await response.text()` in the handler
// works. The decoded size is bounded by the same limit as the raw size, which stops a small compressed body
// from expanding without end. Codings Node cannot decode leave the body as it came.
import type { Transform } from "node:stream";
import * as zlib from "node:zlib";
import { readBounded } from "./bounded-body.js";
import { EgressError } from "./egress-error.js";

const DECODERS: Record<string, () => Transform> = {
  // Sync flush at the end tolerates bodies servers truncate after the last full block, as undici's fetch does.
  gzip: () =>
    zlib.createGunzip({ flush: zlib.constants.Z_SYNC_FLUSH, finishFlush: zlib.constants.Z_SYNC_FLUSH }),
  "x-gzip": () =>
    zlib.createGunzip({ flush: zlib.constants.Z_SYNC_FLUSH, finishFlush: zlib.constants.Z_SYNC_FLUSH }),
  deflate: () =>
    zlib.createInflate({ flush: zlib.constants.Z_SYNC_FLUSH, finishFlush: zlib.constants.Z_SYNC_FLUSH }),
  br: () =>
    zlib.createBrotliDecompress({
      flush: zlib.constants.BROTLI_OPERATION_FLUSH,
      finishFlush: zlib.constants.BROTLI_OPERATION_FLUSH,
    }),
};

/** The codings of a Content-Encoding value in the order they were applied, or undefined if one is unknown. */
export function decodableCodings(contentEncoding: string | undefined): string[] | undefined {
  if (contentEncoding === undefined) return [];
  const codings = contentEncoding
    .toLowerCase()
    .split(",")
    .map((coding) => coding.trim())
    .filter((coding) => coding !== "" && coding !== "identity");
  return codings.every((coding) => Object.hasOwn(DECODERS, coding)) ? codings : undefined;
}

/**
 * Decodes `raw` (encoded with `codings`, first applied first) into at most `maxBytes`, throwing
 * `RESPONSE_TOO_LARGE` past it and `NETWORK_ERROR` for a corrupt body.
 */
export async function decodeContent(
  raw: Uint8Array,
  codings: readonly string[],
  maxBytes: number,
): Promise<Uint8Array> {
  let body = raw;
  for (const coding of [...codings].reverse()) {
    if (body.byteLength === 0) break;
    const decoder = (DECODERS[coding] as () => Transform)();
    const decoded = readBounded(decoder, maxBytes, " once decompressed");
    decoder.end(body);
    try {
      body = await decoded;
    } catch (error) {
      if (error instanceof EgressError) throw error;
      const message = error instanceof Error ? error.message : String(error);
      throw new EgressError("NETWORK_ERROR", `could not decode the ${coding} response body: ${message}`, {
        cause: error,
      });
    }
  }
  return body;
}
