// Hands a handler's Response to the host: in one piece when the body bytes are already known, else chunk by
// chunk as the body stream produces them, so the client sees the first chunk before the last is written.
import { bodyBytesIfKnown } from "./fetch/body.js";
import type { Response } from "./fetch/response.js";
import { callHost } from "./host.js";

export interface ResponseHead {
  status: number;
  statusText: string;
  headers: Array<[string, string]>;
}

function headOf(response: Response): ResponseHead {
  const headers: Array<[string, string]> = [];
  response.headers.forEach((value, name) => {
    headers.push([name, value]);
  });
  return { status: response.status, statusText: response.statusText, headers };
}

/** The body bytes if the body is not a live stream; null for no body; undefined when it must be streamed. */
function knownBytes(response: Response): Uint8Array | null | undefined {
  return bodyBytesIfKnown(response);
}

/** Known bodies above this go out in chunks too, so the host never holds a large body whole. */
const WHOLE_BODY_MAX = 1024 * 1024;
const CHUNK_BYTES = 256 * 1024;

export async function sendResponse(response: Response): Promise<ResponseHead> {
  const head = headOf(response);
  const bytes = knownBytes(response);
  if (bytes !== undefined && (bytes === null || bytes.byteLength <= WHOLE_BODY_MAX)) {
    await callHost("response", { ...head, streaming: false, body: bytes ?? new Uint8Array(0) });
    return head;
  }
  if (bytes !== undefined && bytes !== null) {
    await callHost("response", { ...head, streaming: true });
    for (let offset = 0; offset < bytes.byteLength; offset += CHUNK_BYTES) {
      await callHost("chunk", bytes.subarray(offset, offset + CHUNK_BYTES));
    }
    await callHost("end", {});
    return head;
  }
  const stream = response.body as ReadableStream<unknown>;
  await callHost("response", { ...head, streaming: true });
  const reader = stream.getReader();
  try {
    for (;;) {
      const { done, value } = await reader.read();
      if (done) break;
      if (!(value instanceof Uint8Array))
        throw new TypeError("a response body stream must produce Uint8Array chunks");
      if (value.byteLength > 0) await callHost("chunk", value);
    }
    await callHost("end", {});
  } catch (error) {
    await callHost("end", { error: error instanceof Error ? error.message : String(error) }).catch(() => {});
    throw error;
  }
  return head;
}
