// The Fetch standard's body mixin, shared by Request and Response. A body made from bytes (a string, a
// buffer, a Blob, a FormData…) stays bytes until someone asks for `.body`, so the common case never loads the
// streams polyfill and hands the host its bytes without a copy; a body made from a ReadableStream is read
// chunk by chunk.
import { URLSearchParams } from "whatwg-url";
import type { Blob } from "../blob.js";
import { concatBytes } from "../bytes.js";
import { TextDecoder, TextEncoder } from "../encoding.js";
import type { FormData } from "../form-data.js";
import { loadForms, loadStreams } from "../lazy.js";
import type { Headers } from "./headers.js";

type Stream = import("../streams.js").ReadableStream<Uint8Array>;

export type BodyInit =
  | ReadableStream<Uint8Array>
  | Blob
  | ArrayBuffer
  | ArrayBufferView
  | FormData
  | URLSearchParams
  | string
  | null
  | undefined;

/** A body as the standard's "extract a body" leaves it: known bytes, or a stream, or nothing. */
export interface ExtractedBody {
  bytes: Uint8Array | null;
  stream: Stream | null;
  contentType: string | null;
}

const encoder = new TextEncoder();
/** Shared: a decode without `stream` keeps no state from one call to the next. */
const decoder = new TextDecoder();
const NO_BODY: ExtractedBody = { bytes: null, stream: null, contentType: null };

export function isReadableStream(value: unknown): value is Stream {
  return loadStreams.loaded && value instanceof loadStreams().ReadableStream;
}

/** The Fetch standard's "extract a body": bytes (or a stream) and the Content-Type they imply. */
export function extractBody(init: unknown): ExtractedBody {
  if (init === null || init === undefined) return NO_BODY;
  if (typeof init === "string") {
    return { bytes: encoder.encode(init), stream: null, contentType: "text/plain;charset=UTF-8" };
  }
  if (init instanceof ArrayBuffer)
    return { bytes: new Uint8Array(init.slice(0)), stream: null, contentType: null };
  if (ArrayBuffer.isView(init)) {
    const bytes = new Uint8Array(init.buffer, init.byteOffset, init.byteLength).slice();
    return { bytes, stream: null, contentType: null };
  }
  // Blobs and forms exist only once their module has loaded.
  if (loadForms.loaded) {
    const forms = loadForms();
    if (init instanceof forms.Blob) {
      return { bytes: forms.blobBytes(init), stream: null, contentType: init.type === "" ? null : init.type };
    }
    if (init instanceof forms.FormData) {
      const { bytes, contentType } = forms.encodeMultipart(init);
      return { bytes, stream: null, contentType };
    }
  }
  if (init instanceof URLSearchParams) {
    return {
      bytes: encoder.encode(init.toString()),
      stream: null,
      contentType: "application/x-www-form-urlencoded;charset=UTF-8",
    };
  }
  if (isReadableStream(init)) {
    if (init.locked || loadStreams().isDisturbed(init)) {
      throw new TypeError("The body stream is locked or has already been read");
    }
    return { bytes: null, stream: init, contentType: null };
  }
  return { bytes: encoder.encode(String(init)), stream: null, contentType: "text/plain;charset=UTF-8" };
}

/**
 * The response body for the host: the bytes when they are known and unread (no copy: do not modify them),
 * null for no body, undefined when the body is a stream (or was read) and must be read through `body`.
 */
export let bodyBytesIfKnown: (body: Body) => Uint8Array | null | undefined;
/** The standard's "clone a body": shares known bytes, tees a stream. */
export let cloneBody: (body: Body) => ExtractedBody;
/** Moves the body out of `body` (which becomes used), as a Request made from another Request does. */
export let takeBody: (body: Body) => ExtractedBody;
/** The whole body as bytes (null for no body), consuming it. */
export let readBody: (body: Body) => Promise<Uint8Array | null>;

export class Body {
  /** Known bytes not yet turned into a stream. Never modified; every output is a copy. */
  #bytes: Uint8Array | null;
  #stream: Stream | null;
  /** Set when known bytes were consumed or the body was moved elsewhere. */
  #used = false;

  constructor(extracted: ExtractedBody) {
    this.#bytes = extracted.bytes;
    this.#stream = extracted.stream;
  }

  static {
    bodyBytesIfKnown = (body) => {
      if (body.#stream === null && body.#bytes === null) return null;
      return body.#stream === null && !body.#used ? body.#bytes : undefined;
    };
    cloneBody = (body) => {
      if (body.bodyUsed) throw new TypeError("Cannot clone a body that has already been used");
      if (body.#stream === null) return { bytes: body.#bytes, stream: null, contentType: null };
      const [mine, theirs] = body.#stream.tee();
      body.#stream = mine;
      return { bytes: null, stream: theirs, contentType: null };
    };
    takeBody = (body) => {
      if (body.bodyUsed) throw new TypeError("Cannot construct a Request from a Request whose body was used");
      if (body.#stream?.locked) throw new TypeError("The body stream is locked");
      const taken = { bytes: body.#bytes, stream: body.#stream, contentType: null };
      if (taken.bytes !== null || taken.stream !== null) body.#used = true;
      return taken;
    };
    readBody = async (body) => {
      if (body.#bytes === null && body.#stream === null) return null;
      return body.#consume();
    };
  }

  /** Request and Response both have headers; the body needs only their Content-Type. */
  #contentType(): string | null {
    return (this as unknown as { headers: Headers }).headers.get("content-type");
  }

  get body(): ReadableStream<Uint8Array> | null {
    if (this.#stream === null && this.#bytes !== null) {
      const streams = loadStreams();
      if (this.#used) {
        // Read already: the stream a reader would have drained, locked and disturbed.
        const drained = streams.streamOfBytes(new Uint8Array(0));
        void drained.getReader().read();
        this.#stream = drained;
      } else {
        this.#stream = streams.streamOfBytes(this.#bytes);
      }
      this.#bytes = null;
    }
    return this.#stream as unknown as ReadableStream<Uint8Array> | null;
  }

  get bodyUsed(): boolean {
    return this.#used || (this.#stream !== null && loadStreams().isDisturbed(this.#stream));
  }

  /** The standard's "consume body": all the bytes, once. */
  async #consume(): Promise<Uint8Array> {
    if (this.bodyUsed) throw new TypeError("Body has already been used");
    const stream = this.#stream;
    if (stream === null) {
      if (this.#bytes === null) return new Uint8Array(0);
      this.#used = true;
      return this.#bytes;
    }
    if (stream.locked) throw new TypeError("The body stream is locked");
    const reader = stream.getReader();
    const chunks: Uint8Array[] = [];
    for (;;) {
      const { done, value } = await reader.read();
      if (done) break;
      if (!(value instanceof Uint8Array)) {
        const error = new TypeError("A body stream chunk is not a Uint8Array");
        await reader.cancel(error);
        throw error;
      }
      chunks.push(value);
    }
    return chunks.length === 1 ? (chunks[0] as Uint8Array) : concatBytes(chunks);
  }

  async arrayBuffer(): Promise<ArrayBuffer> {
    return (await this.#consume()).slice().buffer;
  }

  async bytes(): Promise<Uint8Array> {
    return (await this.#consume()).slice();
  }

  async text(): Promise<string> {
    return decoder.decode(await this.#consume());
  }

  async json(): Promise<unknown> {
    return JSON.parse(await this.text());
  }

  async blob(): Promise<Blob> {
    const bytes = await this.#consume();
    return new (loadForms().Blob)([bytes], { type: this.#contentType() ?? "" });
  }

  async formData(): Promise<FormData> {
    const forms = loadForms();
    const contentType = this.#contentType();
    const mime = contentType === null ? null : forms.parseMimeType(contentType);
    const bytes = await this.#consume();
    if (mime?.essence === "multipart/form-data") {
      const boundary = mime.parameters.get("boundary");
      if (boundary === undefined) throw new TypeError("Failed to parse body as FormData: no boundary");
      return forms.parseMultipart(bytes, boundary);
    }
    if (mime?.essence === "application/x-www-form-urlencoded") return forms.parseUrlencoded(bytes);
    throw new TypeError(
      `Failed to parse body as FormData: the Content-Type is ${contentType === null ? "missing" : `"${contentType}"`}`,
    );
  }
}
