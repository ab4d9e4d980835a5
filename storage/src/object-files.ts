// Object bytes on disk: content-addressed files under `<dataDir>/objects`, named by SHA-256, never by key.
import { createHash, randomBytes } from "node:crypto";
import { closeSync, fsyncSync, mkdirSync, openSync, renameSync, unlinkSync } from "node:fs";
import { type FileHandle, mkdir, open, rm, unlink } from "node:fs/promises";
import { join } from "node:path";
import { SkiffError } from "@skiff/core";

/** A body as it arrives: whole, or streamed in chunks (a web ReadableStream is an async iterable). */
export type ObjectBody = AsyncIterable<Uint8Array> | Uint8Array;

/** A file written from a body, fsynced, with what was learnt while writing it. */
export interface WrittenFile {
  path: string;
  size: number;
  /** MD5 of the content: the ETag as bytes (multipart ETags are made of these). */
  md5: Buffer;
  sha256: string;
}

const SHA256_HEX = /^[0-9a-f]{64}$/;
const READ_CHUNK_BYTES = 256 * 1024;

/**
 * Layout: `<root>/<first 2 hex>/<sha256>` for content, `<root>/tmp/` for bodies being received, and
 * `<root>/uploads/<uploadId>/` for multipart parts. A body is streamed into a temp file while it is hashed and
 * counted, fsynced, then renamed to its content address by the transaction that commits the row pointing at it.
 */
export class ObjectFiles {
  readonly tmpDir: string;
  readonly uploadsDir: string;

  private constructor(readonly root: string) {
    this.tmpDir = join(root, "tmp");
    this.uploadsDir = join(root, "uploads");
  }

  /** Creates the directories (mode 0700) if absent. */
  static async open(root: string): Promise<ObjectFiles> {
    const files = new ObjectFiles(root);
    for (const dir of [root, files.tmpDir, files.uploadsDir])
      await mkdir(dir, { recursive: true, mode: 0o700 });
    return files;
  }

  /** Where the content with this hash lives (whether or not it exists). */
  pathOf(sha256: string): string {
    if (!SHA256_HEX.test(sha256))
      throw new SkiffError("INTERNAL_ERROR", "an object file is named by a SHA-256");
    return join(this.root, sha256.slice(0, 2), sha256);
  }

  /** A new, unused name in the temp directory. */
  tempPath(): string {
    return join(this.tmpDir, `${randomBytes(12).toString("hex")}.tmp`);
  }

  /** A multipart upload's directory; upload ids are made by the store and checked before they get here. */
  uploadDir(uploadId: string): string {
    if (!/^[0-9a-f]{32}$/.test(uploadId)) throw new SkiffError("INTERNAL_ERROR", "malformed upload id");
    return join(this.uploadsDir, uploadId);
  }

  /** Streams `body` into a new temp file; see `writeBody`. */
  async writeTemp(body: ObjectBody, maxBytes: number): Promise<WrittenFile> {
    return writeBody(this.tempPath(), body, maxBytes);
  }

  /**
   * Moves a durable temp file to its content address and makes the rename durable. Synchronous, so that it
   * runs inside the write transaction that commits the row: the garbage collector deletes files inside a write
   * transaction too, so it can never remove a file between its rename and the commit of the row that needs it.
   * Renaming over an existing file of the same hash is harmless (same bytes; open readers keep theirs).
   */
  placeSync(tempPath: string, sha256: string): void {
    const path = this.pathOf(sha256);
    const dir = join(path, "..");
    // A new directory entry must reach the disk too, or the file may vanish with it after a crash.
    if (mkdirSync(dir, { recursive: true, mode: 0o700 }) !== undefined) fsyncDirSync(this.root);
    renameSync(tempPath, path);
    fsyncDirSync(dir);
  }

  /** Deletes a content file; false if it was already gone. Call only when no row points at it. */
  removeSync(sha256: string): boolean {
    try {
      unlinkSync(this.pathOf(sha256));
      return true;
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === "ENOENT") return false;
      throw error;
    }
  }

  /** Opens a content file for reading, or undefined if it is gone. */
  async openContent(sha256: string): Promise<FileHandle | undefined> {
    try {
      return await open(this.pathOf(sha256), "r");
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === "ENOENT") return undefined;
      throw error;
    }
  }

  /** Deletes a multipart upload's directory and its parts (absent is fine). */
  async removeUpload(uploadId: string): Promise<void> {
    await rm(this.uploadDir(uploadId), { recursive: true, force: true, maxRetries: 3 });
  }
}

/**
 * Writes `body` to a new file at `path` while counting and hashing it (MD5 and SHA-256), then fsyncs it. Throws
 * `PAYLOAD_TOO_LARGE` as soon as the count passes `maxBytes` (stopping the body's iterator, so a body that
 * would never end is not read further) and deletes the partial file on any failure.
 */
export async function writeBody(path: string, body: ObjectBody, maxBytes: number): Promise<WrittenFile> {
  if (!(maxBytes >= 0)) throw new SkiffError("INTERNAL_ERROR", `maxBytes must be >= 0, not ${maxBytes}`);
  if (body instanceof Uint8Array && body.byteLength > maxBytes) throw tooLarge(maxBytes);
  const md5 = createHash("md5");
  const sha256 = createHash("sha256");
  let size = 0;
  const file = await open(path, "wx", 0o600);
  try {
    for await (const chunk of chunksOf(body)) {
      if (!(chunk instanceof Uint8Array)) {
        throw new SkiffError("INVALID_REQUEST", "an object body is made of bytes (Uint8Array chunks)");
      }
      size += chunk.byteLength;
      if (size > maxBytes) throw tooLarge(maxBytes);
      md5.update(chunk);
      sha256.update(chunk);
      await writeAll(file, chunk);
    }
    await file.sync();
    await file.close();
  } catch (error) {
    await file.close().catch(() => {});
    await unlink(path).catch(() => {});
    throw error;
  }
  return { path, size, md5: md5.digest(), sha256: sha256.digest("hex") };
}

/**
 * The bytes [start, end] (inclusive) of an open file, read as they are consumed; the handle is closed when the
 * iteration ends, fails or is stopped early.
 */
export async function* readRange(file: FileHandle, start: number, end: number): AsyncGenerator<Uint8Array> {
  try {
    let position = start;
    while (position <= end) {
      const length = Math.min(READ_CHUNK_BYTES, end - position + 1);
      const { bytesRead, buffer } = await file.read(new Uint8Array(length), 0, length, position);
      if (bytesRead === 0) {
        throw new SkiffError("INTERNAL_ERROR", "an object file is shorter than its recorded size");
      }
      position += bytesRead;
      yield bytesRead === length ? buffer : buffer.subarray(0, bytesRead);
    }
  } finally {
    await file.close();
  }
}

async function* chunksOf(body: ObjectBody): AsyncGenerator<Uint8Array> {
  if (body instanceof Uint8Array) {
    if (body.byteLength > 0) yield body;
    return;
  }
  yield* body;
}

async function writeAll(file: FileHandle, chunk: Uint8Array): Promise<void> {
  let offset = 0;
  while (offset < chunk.byteLength) {
    const { bytesWritten } = await file.write(chunk, offset, chunk.byteLength - offset);
    offset += bytesWritten;
  }
}

function tooLarge(maxBytes: number): SkiffError {
  return new SkiffError("PAYLOAD_TOO_LARGE", `the body is larger than the limit of ${maxBytes} bytes`, {
    details: { s3: "EntityTooLarge", maxBytes },
  });
}

function fsyncDirSync(path: string): void {
  const fd = openSync(path, "r");
  try {
    fsyncSync(fd);
  } finally {
    closeSync(fd);
  }
}
