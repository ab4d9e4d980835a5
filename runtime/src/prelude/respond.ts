// Hands a handler's Response to the host: in one piece when the body bytes are already known (held back, to
// travel with the invocation's result, which saves two crossings of the isolate boundary), else chunk by chunk
// as the body stream produces them, so the client sees the first chunk before the last is written.
// It runs after tenant code, so it reads the Response through the prelude's private accessors and uses
// built-ins taken before tenant code ran (intrinsics.ts).
import { bodyBytesIfKnown } from "./fetch/body.js";
import { combinedHeaderList } from "./fetch/headers.js";
import { type Response, responseHead } from "./fetch/response.js";
import { callHost } from "./host.js";
import {
  BARE,
  isError,
  isUint8Array,
  StringCtor,
  TypedArrayByteLength,
  TypeErrorCtor,
  Uint8ArraySubarray,
} from "./intrinsics.js";

export interface ResponseHead {
  status: number;
  statusText: string;
  headers: Array<[string, string]>;
}

/** Known bodies above this go out in chunks too, so the host never holds a large body whole. */
const WHOLE_BODY_MAX = 1024 * 1024;
const CHUNK_BYTES = 256 * 1024;
const NO_BYTES = new Uint8Array(0);

/** A response handed over: its head, and its whole body when that was held back rather than sent. */
export interface SentResponse {
  head: ResponseHead;
  /** Not sent yet: it goes back with the dispatch result, or through `sendHeld` when work goes on after it. */
  held?: Uint8Array;
}

/**
 * Sends the response (streamed in chunks, or held back whole) and returns its head; throws for anything but a
 * Response.
 */
export async function sendResponse(response: Response): Promise<SentResponse> {
  const parts = responseHead(response);
  if (parts === undefined) throw new TypeErrorCtor("not a Response");
  const head = {
    __proto__: BARE,
    status: parts.status,
    statusText: parts.statusText,
    headers: combinedHeaderList(parts.headers),
  } as ResponseHead;
  // The body bytes if the body is not a live stream; null for no body; undefined when it must be streamed.
  const bytes = bodyBytesIfKnown(response);
  const length = bytes === undefined || bytes === null ? 0 : TypedArrayByteLength(bytes);
  if (bytes !== undefined && (bytes === null || length <= WHOLE_BODY_MAX)) {
    return { __proto__: BARE, head, held: bytes ?? NO_BYTES } as SentResponse;
  }
  if (bytes !== undefined && bytes !== null) {
    await callHost("response", { ...head, streaming: true });
    for (let offset = 0; offset < length; offset += CHUNK_BYTES) {
      await callHost("chunk", Uint8ArraySubarray(bytes, offset, offset + CHUNK_BYTES));
    }
    await callHost("end", {});
    return { __proto__: BARE, head } as SentResponse;
  }
  const stream = response.body as ReadableStream<unknown>;
  await callHost("response", { ...head, streaming: true });
  const reader = stream.getReader();
  try {
    for (;;) {
      const { done, value } = await reader.read();
      if (done) break;
      if (!isUint8Array(value))
        throw new TypeErrorCtor("a response body stream must produce Uint8Array chunks");
      if (TypedArrayByteLength(value) > 0) await callHost("chunk", value);
    }
    await callHost("end", {});
  } catch (error) {
    try {
      await callHost("end", { error: isError(error) ? StringCtor(error.message) : StringCtor(error) });
    } catch {
      // The invocation is ending anyway; the error that stopped the stream is the one to report.
    }
    throw error;
  }
  return { __proto__: BARE, head } as SentResponse;
}

/** Sends a held-back body now: the client must not wait for work that goes on after the response. */
export async function sendHeld(head: ResponseHead, body: Uint8Array): Promise<void> {
  await callHost("response", { ...head, streaming: false, body });
}
