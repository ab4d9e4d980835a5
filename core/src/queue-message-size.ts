// What a queue or topic message weighs against its size limit: its body as stored plus its attributes.
import type { QueueContentType } from "./invocation.js";
import type { MessageAttributes } from "./message-attributes.js";

const utf8 = new TextEncoder();

/**
 * Bytes of a message: JSON bodies count their JSON text, text bodies their UTF-8, bytes bodies (held as base64)
 * their decoded length; attributes count their JSON text.
 *
 * @example
 * queueMessageBytes({ n: 1 }, "json") // 7
 */
export function queueMessageBytes(
  body: unknown,
  contentType: QueueContentType,
  attributes?: MessageAttributes,
): number {
  let bytes: number;
  if (contentType === "text" && typeof body === "string") bytes = utf8.encode(body).byteLength;
  else if (contentType === "bytes" && typeof body === "string") bytes = base64Length(body);
  else bytes = utf8.encode(JSON.stringify(body) ?? "").byteLength;
  const extra =
    attributes === undefined || Object.keys(attributes).length === 0
      ? 0
      : utf8.encode(JSON.stringify(attributes)).byteLength;
  return bytes + extra;
}

/** True for canonical base64 (padding included), the form bytes bodies are held in. */
export function isBase64(text: string): boolean {
  return text.length % 4 === 0 && /^[A-Za-z0-9+/]*={0,2}$/.test(text);
}

function base64Length(text: string): number {
  const padding = text.endsWith("==") ? 2 : text.endsWith("=") ? 1 : 0;
  return Math.max(0, (text.length / 4) * 3 - padding);
}
