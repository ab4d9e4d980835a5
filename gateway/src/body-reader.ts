// Reads a request body while counting its bytes, refusing it as soon as it passes a limit.
import { SkiffError } from "@skiff/core";

export interface ReadBodyOptions {
  /** Most bytes accepted. */
  limit: number;
  /** What to throw once the body passes the limit. */
  tooLarge?: (limit: number) => SkiffError;
}

const defaultTooLarge = (limit: number) =>
  new SkiffError("PAYLOAD_TOO_LARGE", `the request body is larger than the limit of ${limit} bytes`);

/**
 * The whole body as bytes (null when the request has none). A body over `limit` is refused when its
 * Content-Length says so, or else as soon as the count of streamed bytes passes it, so that an oversized body
 * is never held in memory whole.
 *
 * @example
 * const bytes = await readBody(c.req.raw, { limit: LIMITS.requestBodyBytes });
 */
export async function readBody(request: Request, options: ReadBodyOptions): Promise<Uint8Array | null> {
  const { limit } = options;
  const tooLarge = options.tooLarge ?? defaultTooLarge;
  const declared = request.headers.get("content-length");
  if (declared !== null && /^\s*\d+\s*$/.test(declared) && Number(declared) > limit) {
    request.body?.cancel().catch(() => {});
    throw tooLarge(limit);
  }
  if (request.body === null) return null;

  const reader = request.body.getReader();
  const chunks: Uint8Array[] = [];
  let size = 0;
  for (;;) {
    let chunk: Awaited<ReturnType<typeof reader.read>>;
    try {
      chunk = await reader.read();
    } catch (cause) {
      throw new SkiffError("INVALID_REQUEST", "the request body could not be read", { cause });
    }
    if (chunk.done) break;
    size += chunk.value.byteLength;
    if (size > limit) {
      reader.cancel().catch(() => {});
      throw tooLarge(limit);
    }
    chunks.push(chunk.value);
  }
  return concat(chunks, size);
}

function concat(chunks: Uint8Array[], size: number): Uint8Array {
  if (chunks.length === 1 && chunks[0] !== undefined) return chunks[0];
  const bytes = new Uint8Array(size);
  let offset = 0;
  for (const chunk of chunks) {
    bytes.set(chunk, offset);
    offset += chunk.byteLength;
  }
  return bytes;
}
