// Reads a request body straight from Node's request stream (when the gateway runs behind @hono/node-server):
// no Fetch Request, ReadableStream or AbortSignal is built just to collect the bytes.
import type { IncomingMessage } from "node:http";
import { SkiffError } from "@skiff/core";

const DECIMAL = /^\s*\d+\s*$/;

const tooLarge = (limit: number) =>
  new SkiffError("PAYLOAD_TOO_LARGE", `the request body is larger than the limit of ${limit} bytes`);

/**
 * The whole body (empty when none was sent), refused with PAYLOAD_TOO_LARGE when its Content-Length says it is
 * over `limit`, or as soon as the bytes read pass it. A refused body is left unread: @hono/node-server discards
 * the rest after the response, as for any handler that does not read its request.
 *
 * @example
 * const bytes = await readIncomingBody(c.env.incoming, LIMITS.requestBodyBytes);
 */
export function readIncomingBody(incoming: IncomingMessage, limit: number): Promise<Uint8Array> {
  const declared = incoming.headers["content-length"];
  if (declared !== undefined && DECIMAL.test(declared) && Number(declared) > limit) {
    return Promise.reject(tooLarge(limit));
  }
  if (incoming.readableEnded) return Promise.resolve(new Uint8Array(0));
  return new Promise<Uint8Array>((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    const stop = () => {
      incoming.off("data", onData);
      incoming.off("end", onEnd);
      incoming.off("error", onError);
      incoming.off("close", onClose);
    };
    const onData = (chunk: Buffer) => {
      size += chunk.byteLength;
      if (size > limit) {
        stop();
        incoming.pause();
        reject(tooLarge(limit));
        return;
      }
      chunks.push(chunk);
    };
    const onEnd = () => {
      stop();
      if (size === 0) resolve(new Uint8Array(0));
      else resolve(chunks.length === 1 ? (chunks[0] as Buffer) : Buffer.concat(chunks, size));
    };
    const onError = (cause: unknown) => {
      stop();
      reject(new SkiffError("INVALID_REQUEST", "the request body could not be read", { cause }));
    };
    // The client went away before the body ended.
    const onClose = () => onError(new Error("the connection closed before the request body ended"));
    incoming.on("data", onData);
    incoming.once("end", onEnd);
    incoming.once("error", onError);
    incoming.once("close", onClose);
  });
}
