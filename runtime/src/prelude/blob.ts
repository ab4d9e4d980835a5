// Blob and File (File API standard) over bytes held in memory: parts are copied and joined once.
import { concatBytes } from "./bytes.js";
import { TextDecoder, TextEncoder } from "./encoding.js";
import { loadStreams } from "./lazy.js";

export interface BlobPropertyBag {
  type?: string;
  endings?: "transparent" | "native";
}

export interface FilePropertyBag extends BlobPropertyBag {
  lastModified?: number;
}

type BlobPart = ArrayBuffer | ArrayBufferView | Blob | string;

const encoder = new TextEncoder();
const PRINTABLE_ASCII = /^[\x20-\x7e]*$/;

/** The bytes of a blob, without a copy: callers must not change them. */
export let blobBytes: (blob: Blob) => Uint8Array;

function normalizeType(type: unknown): string {
  const text = type === undefined ? "" : String(type);
  return PRINTABLE_ASCII.test(text) ? text.toLowerCase() : "";
}

function partBytes(part: unknown, endings: string): Uint8Array {
  if (part instanceof Blob) return blobBytes(part);
  if (part instanceof ArrayBuffer) return new Uint8Array(part);
  if (ArrayBuffer.isView(part)) return new Uint8Array(part.buffer, part.byteOffset, part.byteLength);
  let text = String(part);
  if (endings === "native") text = text.replace(/\r\n?/g, "\n");
  return encoder.encode(text);
}

function relativeIndex(value: unknown, size: number, fallback: number): number {
  if (value === undefined) return fallback;
  const n = Math.trunc(Number(value)) || 0;
  return n < 0 ? Math.max(size + n, 0) : Math.min(n, size);
}

export class Blob {
  readonly #bytes: Uint8Array;
  readonly #type: string;

  constructor(blobParts?: Iterable<BlobPart>, options: BlobPropertyBag = {}) {
    const endings = options?.endings ?? "transparent";
    if (endings !== "transparent" && endings !== "native") {
      throw new TypeError(`Blob: endings must be "transparent" or "native"`);
    }
    if (blobParts === undefined) {
      this.#bytes = new Uint8Array(0);
    } else {
      if (
        typeof blobParts !== "object" ||
        blobParts === null ||
        typeof (blobParts as Partial<Iterable<BlobPart>>)[Symbol.iterator] !== "function"
      ) {
        throw new TypeError("Blob: the parts must be an iterable (such as an array)");
      }
      this.#bytes = concatBytes(Array.from(blobParts, (part) => partBytes(part, endings)));
    }
    this.#type = normalizeType(options?.type);
  }

  static {
    blobBytes = (blob) => blob.#bytes;
  }

  get size(): number {
    return this.#bytes.byteLength;
  }

  get type(): string {
    return this.#type;
  }

  slice(start?: number, end?: number, contentType?: string): Blob {
    const size = this.#bytes.byteLength;
    const from = relativeIndex(start, size, 0);
    const to = relativeIndex(end, size, size);
    return new Blob([this.#bytes.subarray(from, Math.max(from, to))], { type: normalizeType(contentType) });
  }

  async text(): Promise<string> {
    return new TextDecoder().decode(this.#bytes);
  }

  async arrayBuffer(): Promise<ArrayBuffer> {
    return this.#bytes.slice().buffer;
  }

  async bytes(): Promise<Uint8Array> {
    return this.#bytes.slice();
  }

  stream(): ReadableStream<Uint8Array> {
    return loadStreams().streamOfBytes(this.#bytes) as unknown as ReadableStream<Uint8Array>;
  }

  get [Symbol.toStringTag](): string {
    return "Blob";
  }
}

export class File extends Blob {
  readonly #name: string;
  readonly #lastModified: number;

  constructor(...args: [fileBits: Iterable<BlobPart>, fileName: string, options?: FilePropertyBag]) {
    const [fileBits, fileName, options = {}] = args;
    if (args.length < 2) throw new TypeError("File: a name is required");
    super(fileBits, options);
    this.#name = String(fileName);
    const lastModified = options?.lastModified;
    this.#lastModified = lastModified === undefined ? Date.now() : Math.trunc(Number(lastModified)) || 0;
  }

  get name(): string {
    return this.#name;
  }

  get lastModified(): number {
    return this.#lastModified;
  }

  get webkitRelativePath(): string {
    return "";
  }

  override get [Symbol.toStringTag](): string {
    return "File";
  }
}
