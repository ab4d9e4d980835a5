// The JSON payload of an async invoke, read straight from Node's request stream when the server gave one: a
// Web Request built only to read a few hundred bytes (every header copied, a ReadableStream, an AbortSignal)
// costs more than storing the event. Elsewhere (app.request in tests) the Web Request is read as usual.
import type { IncomingMessage } from "node:http";
import { SkiffError } from "@skiff/core";
import type { Context } from "hono";
import { parseJsonBytes, readJsonBody } from "../json-body.js";

const DECIMAL = /^\s*\d+\s*$/;

const tooLarge = (limit: number) =>
  new SkiffError("PAYLOAD_TOO_LARGE", `the request body is larger than the limit of ${limit} bytes`);

/** The parsed JSON body, at most `limit` bytes (PAYLOAD_TOO_LARGE past it, INVALID_JSON if empty or not JSON). */
export async function readJsonPayload(c: Context, limit: number): Promise<unknown> {
  const incoming = unreadNodeRequest(c.env);
  if (incoming === undefined) return readJsonBody(c.req.raw, limit);
  const declared = incoming.headers["content-length"];
  if (declared !== undefined && DECIMAL.test(declared) && Number(declared) > limit) throw tooLarge(limit);
  const bytes = await readIncoming(incoming, limit);
  if (bytes.byteLength === 0) {
    throw new SkiffError("INVALID_JSON", "the request body is empty: send a JSON object");
  }
  return parseJsonBytes(bytes);
}

/** @hono/node-server's request, if its body has not been touched yet (then it is read here). */
function unreadNodeRequest(env: unknown): IncomingMessage | undefined {
  const incoming = (env as { incoming?: IncomingMessage } | undefined)?.incoming;
  if (incoming === undefined || typeof incoming.on !== "function" || "rawBody" in incoming) return undefined;
  if (incoming.readableEnded || incoming.destroyed || incoming.readableFlowing !== null) return undefined;
  return incoming;
}

/**
 * Collects the body, refusing it as soon as it passes `limit`. A refused body is left unread: Node discards
 * the rest after the response, as for any handler that does not read its request.
 */
function readIncoming(incoming: IncomingMessage, limit: number): Promise<Buffer> {
  return new Promise<Buffer>((resolve, reject) => {
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
      resolve(chunks.length === 1 ? (chunks[0] as Buffer) : Buffer.concat(chunks, size));
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
