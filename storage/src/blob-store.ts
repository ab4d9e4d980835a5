// Content-addressed blob files: the bytes are durable on disk before any row points at them.
import { randomBytes } from "node:crypto";
import { mkdir, open, readFile, rename, stat, unlink } from "node:fs/promises";
import { join } from "node:path";
import { SkiffError, sha256Hex } from "@skiff/core";
import type { BlobStore } from "./types.js";

const SHA256_HEX = /^[0-9a-f]{64}$/;

/**
 * Blobs under `<root>/<first 2 hex>/<sha256>`. A write goes to a temp file in the same directory, is fsynced,
 * renamed over the final name and the directory fsynced, so a crash leaves either the whole blob or none.
 */
export class FileBlobStore implements BlobStore {
  constructor(private readonly root: string) {}

  async put(bytes: Uint8Array): Promise<{ sha256: string; size: number }> {
    const sha256 = sha256Hex(bytes);
    const result = { sha256, size: bytes.byteLength };
    const path = this.pathOf(sha256);
    // Same name, same content: an existing blob is already durable.
    if (await exists(path)) return result;

    const dir = join(this.root, sha256.slice(0, 2));
    const created = await mkdir(dir, { recursive: true, mode: 0o700 });
    // A new directory entry must itself reach the disk, or the blob may vanish with it after a crash.
    if (created !== undefined) await fsyncDir(this.root);

    const temp = join(dir, `.${sha256}.${randomBytes(6).toString("hex")}.tmp`);
    try {
      const file = await open(temp, "wx", 0o600);
      try {
        await file.writeFile(bytes);
        await file.sync();
      } finally {
        await file.close();
      }
      await rename(temp, path);
    } catch (error) {
      await unlink(temp).catch(() => {});
      throw error;
    }
    await fsyncDir(dir);
    return result;
  }

  async get(sha256: string): Promise<Uint8Array> {
    if (!SHA256_HEX.test(sha256)) throw notFound(sha256);
    try {
      const buffer = await readFile(this.pathOf(sha256));
      return new Uint8Array(buffer.buffer, buffer.byteOffset, buffer.byteLength);
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === "ENOENT") throw notFound(sha256);
      throw error;
    }
  }

  async has(sha256: string): Promise<boolean> {
    return SHA256_HEX.test(sha256) && (await exists(this.pathOf(sha256)));
  }

  /** Where the blob with this hash lives (whether or not it exists). */
  pathOf(sha256: string): string {
    return join(this.root, sha256.slice(0, 2), sha256);
  }
}

function notFound(sha256: string): SkiffError {
  // The hash may come from outside: never echo more than a hash's worth of it.
  return new SkiffError("NOT_FOUND", `blob ${JSON.stringify(sha256.slice(0, 64))} not found`);
}

async function exists(path: string): Promise<boolean> {
  try {
    await stat(path);
    return true;
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === "ENOENT") return false;
    throw error;
  }
}

async function fsyncDir(path: string): Promise<void> {
  const dir = await open(path, "r");
  try {
    await dir.sync();
  } finally {
    await dir.close();
  }
}
