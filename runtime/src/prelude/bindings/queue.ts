// `env.JOBS` for a queue binding: the Workers Queues producer API (send, sendBatch), plus Skiff's ordered-queue
// and attribute options. Bodies cross to the host as JSON values, or as bytes for `contentType: "bytes"`.
import { callBinding } from "./call.js";

type ContentType = "json" | "text" | "bytes" | "v8";

interface SendOptions {
  contentType?: ContentType;
  delaySeconds?: number;
  /** Ordered queues: the group whose send order is kept. */
  groupId?: string;
  /** A second message with this id within 5 minutes is dropped. */
  deduplicationId?: string;
  attributes?: Record<string, unknown>;
}

interface OutgoingMessage {
  body: unknown;
  contentType: ContentType;
  delaySeconds: number | null;
  groupId: string | null;
  deduplicationId: string | null;
  attributes: unknown;
}

function isBytes(value: unknown): value is ArrayBuffer | ArrayBufferView {
  return value instanceof ArrayBuffer || ArrayBuffer.isView(value);
}

function bytesOf(value: ArrayBuffer | ArrayBufferView): Uint8Array {
  return value instanceof ArrayBuffer
    ? new Uint8Array(value.slice(0))
    : new Uint8Array(value.buffer, value.byteOffset, value.byteLength).slice();
}

/** Plain JSON of a value (as `JSON.stringify` sees it), or a TypeError naming what could not be sent. */
function jsonOf(body: unknown): unknown {
  const text = JSON.stringify(body);
  if (text === undefined) throw new TypeError("a queue message body must be a JSON value");
  return JSON.parse(text);
}

function outgoing(body: unknown, options: SendOptions | undefined): OutgoingMessage {
  if (body === undefined) throw new TypeError("a queue message needs a body");
  const contentType = options?.contentType ?? (isBytes(body) ? "bytes" : "json");
  let value: unknown;
  if (contentType === "bytes") {
    if (!isBytes(body)) throw new TypeError('a "bytes" message body is an ArrayBuffer or a typed array');
    value = bytesOf(body);
  } else if (contentType === "text") {
    if (typeof body !== "string") throw new TypeError('a "text" message body is a string');
    value = body;
  } else if (contentType === "json" || contentType === "v8") {
    value = jsonOf(body);
  } else {
    throw new TypeError(`unknown contentType "${String(contentType)}": use json, text, bytes or v8`);
  }
  return {
    body: value,
    contentType,
    delaySeconds: options?.delaySeconds ?? null,
    groupId: options?.groupId ?? null,
    deduplicationId: options?.deduplicationId ?? null,
    attributes: options?.attributes === undefined ? null : jsonOf(options.attributes),
  };
}

export class WorkerQueue {
  readonly #name: string;

  constructor(name: string) {
    this.#name = name;
  }

  async send(body: unknown, options?: SendOptions): Promise<void> {
    await callBinding(this.#name, "send", { messages: [outgoing(body, options)] });
  }

  async sendBatch(
    messages: Iterable<{ body: unknown } & SendOptions>,
    options?: { delaySeconds?: number },
  ): Promise<void> {
    const list = [...messages].map((message) =>
      outgoing(message.body, { delaySeconds: options?.delaySeconds, ...message }),
    );
    await callBinding(this.#name, "send", { messages: list });
  }
}
