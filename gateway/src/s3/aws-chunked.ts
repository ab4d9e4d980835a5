// Decodes `Content-Encoding: aws-chunked` bodies, which the AWS SDKs send for streamed uploads.
import { createHash } from "node:crypto";
import { S3Error } from "./s3-error.js";

/** SHA-256 of nothing: the hash a signed final chunk carries. */
export const EMPTY_SHA256 = "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855";

/** Longest chunk-header or trailer line accepted (a size, a 64-digit signature and a checksum fit easily). */
const MAX_LINE_BYTES = 4096;
const CRLF = [13, 10] as const;

export interface AwsChunkedOptions {
  /**
   * For signed streaming (`STREAMING-AWS4-HMAC-SHA256-PAYLOAD…`): called once per chunk, in order and the final
   * empty chunk included, with the SHA-256 hex of its data and the `chunk-signature` its header carried; throws
   * to refuse the body.
   */
  verifyChunk?: (sha256: string, signature: string | undefined) => Promise<void>;
  /** Called with the trailing headers (names lowercase, in order) before the last byte is handed on. */
  onTrailers?: (trailers: Array<[name: string, value: string]>) => Promise<void>;
}

/**
 * The data of an aws-chunked body: `<hex size>[;chunk-signature=<sig>]\r\n<data>\r\n` repeated, a zero-size
 * chunk, then optional trailing headers (`x-amz-checksum-crc32:…`) and an empty line. Data is passed on as it
 * arrives, not buffered per chunk; a body that ends early or breaks the framing throws an S3 error, so a store
 * reading it never commits a truncated object.
 *
 * @example
 * const data = decodeAwsChunked(body, { onTrailers: async (t) => checkCrc(t) });
 */
export async function* decodeAwsChunked(
  source: AsyncIterable<Uint8Array>,
  options: AwsChunkedOptions = {},
): AsyncGenerator<Uint8Array, void, undefined> {
  const input = new ByteReader(source);
  try {
    for (;;) {
      const header = await input.readLine();
      if (header === undefined) throw incomplete();
      const { size, signature } = parseChunkHeader(header);
      if (size === 0) {
        await options.verifyChunk?.(EMPTY_SHA256, signature);
        break;
      }
      const hash = options.verifyChunk === undefined ? undefined : createHash("sha256");
      for (let remaining = size; remaining > 0; ) {
        const piece = await input.read(remaining);
        if (piece === undefined) throw incomplete();
        remaining -= piece.byteLength;
        hash?.update(piece);
        yield piece;
      }
      const after = await input.expectCrlf();
      if (after === undefined) throw incomplete();
      if (!after) throw malformed("a chunk's data is not followed by CRLF");
      if (hash !== undefined) await options.verifyChunk?.(hash.digest("hex"), signature);
    }
    const trailers: Array<[string, string]> = [];
    for (;;) {
      const line = await input.readLine();
      // The closing empty line is optional in practice: some clients end the body after the last trailer.
      if (line === undefined || line === "") break;
      const colon = line.indexOf(":");
      if (colon <= 0) throw malformed(`the trailing header "${line.slice(0, 64)}" has no name`);
      trailers.push([line.slice(0, colon).trim().toLowerCase(), line.slice(colon + 1).trim()]);
    }
    if (!(await input.atEnd())) throw malformed("data follows the end of the aws-chunked body");
    await options.onTrailers?.(trailers);
  } finally {
    await input.close();
  }
}

function parseChunkHeader(line: string): { size: number; signature: string | undefined } {
  const [sizeText = "", ...extensions] = line.split(";");
  if (!/^[0-9a-fA-F]{1,13}$/.test(sizeText.trim()))
    throw malformed(`"${line.slice(0, 64)}" is not a chunk header`);
  let signature: string | undefined;
  for (const extension of extensions) {
    const eq = extension.indexOf("=");
    if (eq !== -1 && extension.slice(0, eq).trim() === "chunk-signature")
      signature = extension.slice(eq + 1).trim();
  }
  return { size: Number.parseInt(sizeText.trim(), 16), signature };
}

function incomplete(): S3Error {
  return new S3Error("IncompleteBody", "The request body ended before the last aws-chunked chunk.");
}

function malformed(reason: string): S3Error {
  return new S3Error("InvalidRequest", `The aws-chunked request body is malformed: ${reason}.`);
}

/** Reads lines and byte runs from a stream of chunks, holding only what a line needs. */
class ByteReader {
  private readonly iterator: AsyncIterator<Uint8Array>;
  private buffer: Uint8Array = new Uint8Array(0);
  private ended = false;

  constructor(source: AsyncIterable<Uint8Array>) {
    this.iterator = source[Symbol.asyncIterator]();
  }

  /** A line without its CRLF, decoded as Latin-1; undefined at the end of the stream. */
  async readLine(): Promise<string | undefined> {
    let searchFrom = 0;
    for (;;) {
      const end = indexOfCrlf(this.buffer, searchFrom);
      if (end !== -1) {
        const line = Buffer.from(this.buffer.subarray(0, end)).toString("latin1");
        this.buffer = this.buffer.subarray(end + 2);
        return line;
      }
      if (this.buffer.byteLength > MAX_LINE_BYTES) throw malformed("a line is too long");
      searchFrom = Math.max(0, this.buffer.byteLength - 1);
      if (!(await this.fill())) {
        if (this.buffer.byteLength === 0) return undefined;
        const line = Buffer.from(this.buffer).toString("latin1");
        this.buffer = new Uint8Array(0);
        return line;
      }
    }
  }

  /** Up to `most` bytes (at least one), or undefined at the end of the stream. */
  async read(most: number): Promise<Uint8Array | undefined> {
    if (this.buffer.byteLength === 0 && !(await this.fill())) return undefined;
    const piece = this.buffer.subarray(0, Math.min(most, this.buffer.byteLength));
    this.buffer = this.buffer.subarray(piece.byteLength);
    return piece;
  }

  /** Whether the next two bytes are CRLF; undefined when the stream ends first. */
  async expectCrlf(): Promise<boolean | undefined> {
    while (this.buffer.byteLength < 2) {
      if (!(await this.fill())) return undefined;
    }
    const ok = this.buffer[0] === CRLF[0] && this.buffer[1] === CRLF[1];
    this.buffer = this.buffer.subarray(2);
    return ok;
  }

  async atEnd(): Promise<boolean> {
    while (this.buffer.byteLength === 0) {
      if (!(await this.fill())) return true;
    }
    return false;
  }

  async close(): Promise<void> {
    if (!this.ended) {
      this.ended = true;
      await this.iterator.return?.();
    }
  }

  private async fill(): Promise<boolean> {
    if (this.ended) return false;
    const next = await this.iterator.next();
    if (next.done) {
      this.ended = true;
      return false;
    }
    if (this.buffer.byteLength === 0) {
      this.buffer = next.value;
    } else {
      const joined = new Uint8Array(this.buffer.byteLength + next.value.byteLength);
      joined.set(this.buffer);
      joined.set(next.value, this.buffer.byteLength);
      this.buffer = joined;
    }
    return true;
  }
}

function indexOfCrlf(bytes: Uint8Array, from: number): number {
  for (let i = from; i + 1 < bytes.byteLength; i++) {
    if (bytes[i] === CRLF[0] && bytes[i + 1] === CRLF[1]) return i;
  }
  return -1;
}
