// Deleting object files nothing points at any more: after an overwrite or delete, or by a sweep after a crash.
import { readdir, stat, unlink } from "node:fs/promises";
import { join } from "node:path";
import type { Database, Statement } from "better-sqlite3";
import type { ObjectFiles } from "./object-files.js";

const SHA256_HEX = /^[0-9a-f]{64}$/;
const UPLOAD_ID = /^[0-9a-f]{32}$/;

export class ObjectGarbage {
  private readonly referenced: Statement<[string], { one: number }>;
  private readonly uploadExists: Statement<[string], { one: number }>;
  private readonly collectOne: (sha256: string) => boolean;

  constructor(
    db: Database,
    private readonly files: ObjectFiles,
  ) {
    this.referenced = db.prepare("SELECT 1 AS one FROM objects WHERE sha256 = ? LIMIT 1");
    this.uploadExists = db.prepare("SELECT 1 AS one FROM multipart_uploads WHERE id = ?");
    const collect = db.transaction((sha256: string) => {
      if (this.referenced.get(sha256) !== undefined) return false;
      return this.files.removeSync(sha256);
    });
    // IMMEDIATE, like the writes that place files: a write renames its file and commits the row pointing at it
    // under the same lock, so the check here and the unlink can not interleave with it (nor with another process).
    this.collectOne = (sha256) => collect.immediate(sha256);
  }

  /** Deletes each content file no object row points at; returns how many it deleted. */
  collect(hashes: Iterable<string>): number {
    let removed = 0;
    for (const sha256 of new Set(hashes)) if (this.collectOne(sha256)) removed += 1;
    return removed;
  }

  /**
   * Walks the object directory: deletes content files no row points at (left by a crash between a rename and
   * its commit, or by rows deleted in a cascade), upload directories without their upload, and temp files
   * older than `tempAgeMs` (a body still arriving has a recent one).
   */
  async sweep(
    now: number,
    tempAgeMs = 24 * 60 * 60 * 1000,
  ): Promise<{ files: number; uploads: number; temps: number }> {
    const result = { files: 0, uploads: 0, temps: 0 };
    for (const dir of await readdir(this.files.root)) {
      if (!/^[0-9a-f]{2}$/.test(dir)) continue;
      const names = (await readdir(join(this.files.root, dir))).filter((name) => SHA256_HEX.test(name));
      result.files += this.collect(names);
    }
    for (const uploadId of await readdir(this.files.uploadsDir)) {
      if (!UPLOAD_ID.test(uploadId) || this.uploadExists.get(uploadId) !== undefined) continue;
      await this.files.removeUpload(uploadId);
      result.uploads += 1;
    }
    for (const name of await readdir(this.files.tmpDir)) {
      const path = join(this.files.tmpDir, name);
      const info = await stat(path).catch(() => undefined);
      if (info === undefined || now - info.mtimeMs < tempAgeMs) continue;
      await unlink(path).catch(() => {});
      result.temps += 1;
    }
    return result;
  }
}
