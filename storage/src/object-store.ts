// Objects in buckets: bytes in content-addressed files, metadata rows in SQLite, and the notification events of
// a write committed in the same transaction as its row, after its file is durable.
import { unlinkSync } from "node:fs";
import { SkiffError } from "@skiff/core";
import type { Database, Statement } from "better-sqlite3";
import type { BucketLookup, ResolvedBucket } from "./bucket-lookup.js";
import type { ObjectFiles } from "./object-files.js";
import { readRange } from "./object-files.js";
import type { ObjectGarbage } from "./object-garbage.js";
import { normalizeObjectMetadata } from "./object-metadata.js";
import type { ObjectNotifier } from "./object-notifier.js";
import { assertValidObjectKey, isValidKey, OBJECT_KEY_BYTES } from "./storage-key.js";
import type {
  ListObjectsInput,
  ListObjectsResult,
  ObjectAction,
  ObjectInfo,
  ObjectStore,
  PutObjectInput,
  WriteContext,
} from "./types.js";

/** Most objects (and common prefixes) one list answers, and the default. */
export const MAX_LIST_OBJECTS = 1000;
/** How often `get` looks again when the file of the row it read was replaced and collected meanwhile. */
const GET_ATTEMPTS = 3;
/**
 * Sorts after every key that starts with a given prefix: in UTF-8 byte order (SQLite's BINARY collation), no
 * continuation of at most 1024 bytes passes a run of U+10FFFF (the highest code point) that is longer.
 */
const AFTER_EVERY_CONTINUATION = "\u{10FFFF}".repeat(OBJECT_KEY_BYTES / 4 + 1);

interface ObjectRow {
  key: string;
  size: number;
  etag: string;
  sha256: string;
  content_type: string | null;
  metadata: string;
  last_modified: number;
}

type UpsertParams = [
  bucketId: number,
  key: string,
  size: number,
  etag: string,
  sha256: string,
  contentType: string | null,
  metadata: string,
  lastModified: number,
];

/** What an object row holds besides its key. */
export interface ObjectContent {
  size: number;
  etag: string;
  sha256: string;
  contentType: string | null;
  metadata: Record<string, string>;
}

/** A write to commit: content already durable in a temp file (or already referenced), and why it happens. */
export interface ObjectCommit {
  tenant: string;
  bucket: string;
  key: string;
  content: ObjectContent;
  /** A fsynced temp file holding the content, renamed to its content address inside the transaction. */
  tempPath: string;
  action: ObjectAction;
  context: WriteContext;
  /** Runs first inside the transaction; throwing aborts the write (multipart: claims the upload). */
  claim?: (bucket: ResolvedBucket) => void;
}

export class SqliteObjectStore implements ObjectStore {
  private readonly row: Statement<[number, string], ObjectRow>;
  private readonly upsert: Statement<UpsertParams>;
  private readonly remove: Statement<[number, string], { sha256: string }>;
  private readonly page: Statement<[number, string, string, number], ObjectRow>;
  private readonly commitTransaction: (
    commit: ObjectCommit,
    placed: { done: boolean },
  ) => {
    info: ObjectInfo;
    replaced: string | undefined;
  };
  private readonly deleteTransaction: (
    tenant: string,
    bucket: string,
    key: string,
    context: WriteContext,
  ) => string | undefined;
  private readonly copyTransaction: (
    tenant: string,
    from: { bucket: string; key: string },
    to: { bucket: string; key: string },
    context: WriteContext,
  ) => { info: ObjectInfo; replaced: string | undefined };

  constructor(
    db: Database,
    private readonly files: ObjectFiles,
    private readonly buckets: BucketLookup,
    private readonly notifier: ObjectNotifier,
    private readonly garbage: ObjectGarbage,
  ) {
    const columns = "key, size, etag, sha256, content_type, metadata, last_modified";
    this.row = db.prepare(`SELECT ${columns} FROM objects WHERE bucket_id = ? AND key = ?`);
    this.upsert = db.prepare(`
      INSERT INTO objects (bucket_id, key, size, etag, sha256, content_type, metadata, last_modified)
      VALUES (?, ?, ?, ?, ?, ?, ?, ?)
      ON CONFLICT (bucket_id, key) DO UPDATE SET
        size = excluded.size, etag = excluded.etag, sha256 = excluded.sha256,
        content_type = excluded.content_type, metadata = excluded.metadata, last_modified = excluded.last_modified`);
    this.remove = db.prepare("DELETE FROM objects WHERE bucket_id = ? AND key = ? RETURNING sha256");
    // Range conditions, not LIKE or substr: those stop at a NUL inside a key and have their own escaping rules.
    this.page = db.prepare(`
      SELECT ${columns} FROM objects
      WHERE bucket_id = ? AND key >= ? AND key > ?
      ORDER BY key LIMIT ?`);

    const commit = db.transaction((write: ObjectCommit, placed: { done: boolean }) => {
      const bucket = this.buckets.require(write.tenant, write.bucket);
      write.claim?.(bucket);
      this.files.placeSync(write.tempPath, write.content.sha256);
      placed.done = true;
      return this.writeRow(write.tenant, bucket, write.key, write.content, write.action, write.context);
    });
    // IMMEDIATE: the write lock is held from the rename to the commit, so the garbage collector (which deletes
    // under the same lock) never removes the file in between.
    this.commitTransaction = (...args) => commit.immediate(...args);

    const remove = db.transaction(
      (tenant: string, bucketName: string, key: string, context: WriteContext) => {
        const bucket = this.buckets.require(tenant, bucketName);
        const removed = isValidKey(key, OBJECT_KEY_BYTES) ? this.remove.get(bucket.id, key) : undefined;
        if (removed === undefined) return undefined;
        this.notifier.notify({ tenant, bucket, action: "DeleteObject", key }, context);
        return removed.sha256;
      },
    );
    this.deleteTransaction = (...args) => remove.immediate(...args);

    const copy = db.transaction(
      (
        tenant: string,
        from: { bucket: string; key: string },
        to: { bucket: string; key: string },
        context: WriteContext,
      ) => {
        const source = this.buckets.require(tenant, from.bucket);
        const row = isValidKey(from.key, OBJECT_KEY_BYTES) ? this.row.get(source.id, from.key) : undefined;
        if (row === undefined) throw noSuchKey(from.bucket, from.key);
        const target = this.buckets.require(tenant, to.bucket);
        // The source row points at the content file in this same transaction, so it can not be collected.
        return this.writeRow(tenant, target, to.key, contentOf(row), "CopyObject", {
          ...context,
          copySource: { bucket: from.bucket, key: from.key },
        });
      },
    );
    this.copyTransaction = (...args) => copy.immediate(...args);
  }

  async put(
    tenant: string,
    bucket: string,
    key: string,
    input: PutObjectInput,
    context: WriteContext,
  ): Promise<ObjectInfo> {
    assertValidObjectKey(key);
    const metadata = normalizeObjectMetadata(input.metadata);
    const action = createAction(context.action);
    // Before reading the body: a write to a bucket that does not exist is refused without receiving it.
    this.buckets.require(tenant, bucket);
    const written = await this.files.writeTemp(input.body, input.maxBytes);
    return this.commit({
      tenant,
      bucket,
      key,
      content: {
        size: written.size,
        etag: written.md5.toString("hex"),
        sha256: written.sha256,
        contentType: input.contentType ?? null,
        metadata,
      },
      tempPath: written.path,
      action,
      context,
    });
  }

  /**
   * Commits a write whose content is durable in a temp file: places the file, writes the row and the
   * notification events in one transaction, then collects the file the row pointed at before. On failure the
   * temp file (or the placed file, if nothing else points at it) is deleted and nothing is notified.
   */
  commit(write: ObjectCommit): ObjectInfo {
    const placed = { done: false };
    let result: { info: ObjectInfo; replaced: string | undefined };
    try {
      result = this.commitTransaction(write, placed);
    } catch (error) {
      this.notifier.forget(write.context);
      if (placed.done) this.garbage.collect([write.content.sha256]);
      else removeQuietly(write.tempPath);
      throw error;
    }
    this.notifier.report(write.context);
    this.collectReplaced(result.replaced, result.info.sha256);
    return result.info;
  }

  async head(tenant: string, bucket: string, key: string): Promise<ObjectInfo | undefined> {
    const found = this.buckets.require(tenant, bucket);
    if (!isValidKey(key, OBJECT_KEY_BYTES)) return undefined;
    const row = this.row.get(found.id, key);
    return row === undefined ? undefined : toInfo(bucket, row);
  }

  async get(
    tenant: string,
    bucket: string,
    key: string,
    range?: { start: number; end: number },
  ): Promise<{ info: ObjectInfo; body: AsyncIterable<Uint8Array> } | undefined> {
    for (let attempt = 0; attempt < GET_ATTEMPTS; attempt += 1) {
      const info = await this.head(tenant, bucket, key);
      if (info === undefined) return undefined;
      const { start, end } = byteRange(range, info.size);
      const file = await this.files.openContent(info.sha256);
      // Gone: the object was overwritten or deleted and its old file collected since the row was read.
      if (file === undefined) continue;
      return { info, body: readRange(file, start, end) };
    }
    throw new SkiffError(
      "INTERNAL_ERROR",
      `the file of object ${JSON.stringify(key)} in "${bucket}" is missing`,
    );
  }

  async delete(tenant: string, bucket: string, key: string, context: WriteContext): Promise<boolean> {
    let removed: string | undefined;
    try {
      removed = this.deleteTransaction(tenant, bucket, key, context);
    } catch (error) {
      this.notifier.forget(context);
      throw error;
    }
    this.notifier.report(context);
    if (removed === undefined) return false;
    this.garbage.collect([removed]);
    return true;
  }

  async copy(
    tenant: string,
    from: { bucket: string; key: string },
    to: { bucket: string; key: string },
    context: WriteContext,
  ): Promise<ObjectInfo> {
    assertValidObjectKey(to.key);
    let copied: ReturnType<typeof this.copyTransaction>;
    try {
      copied = this.copyTransaction(tenant, from, to, context);
    } catch (error) {
      this.notifier.forget(context);
      throw error;
    }
    this.notifier.report(context);
    const { info, replaced } = copied;
    this.collectReplaced(replaced, info.sha256);
    return info;
  }

  async list(tenant: string, bucket: string, input: ListObjectsInput = {}): Promise<ListObjectsResult> {
    const found = this.buckets.require(tenant, bucket);
    const prefix = input.prefix ?? "";
    const delimiter = input.delimiter === "" ? undefined : input.delimiter;
    const limit = listLimit(input.limit);
    const result: ListObjectsResult = { objects: [], commonPrefixes: [], truncated: false };
    // Keys are non-empty, so every key is after "".
    let after = input.after ?? "";
    // Continuing after a common prefix (the last item of a page can be one) skips every key it rolled up.
    if (delimiter !== undefined && rollUp(after, prefix, delimiter) === after)
      after += AFTER_EVERY_CONTINUATION;
    let returned = 0;
    let last: string | undefined;
    scan: for (;;) {
      const rows = this.page.all(found.id, prefix, after, limit + 1);
      for (const row of rows) {
        // Keys with the prefix sort together, from the prefix on: the first one without it ends the scan.
        if (!row.key.startsWith(prefix)) break scan;
        if (returned === limit) {
          result.truncated = true;
          break scan;
        }
        returned += 1;
        const common = delimiter === undefined ? undefined : rollUp(row.key, prefix, delimiter);
        if (common !== undefined) {
          result.commonPrefixes.push(common);
          last = common;
          after = common + AFTER_EVERY_CONTINUATION;
          continue scan;
        }
        result.objects.push(toInfo(bucket, row));
        last = row.key;
        after = row.key;
      }
      // Every row read without reaching the limit: the page asked for one more than the limit, so none is left.
      break;
    }
    if (result.truncated && last !== undefined) result.nextAfter = last;
    return result;
  }

  /** Upserts the row and queues its notifications; synchronous, inside the caller's transaction. */
  private writeRow(
    tenant: string,
    bucket: ResolvedBucket,
    key: string,
    content: ObjectContent,
    action: ObjectAction,
    context: WriteContext,
  ): { info: ObjectInfo; replaced: string | undefined } {
    const replaced = this.row.get(bucket.id, key)?.sha256;
    this.upsert.run(
      bucket.id,
      key,
      content.size,
      content.etag,
      content.sha256,
      content.contentType,
      JSON.stringify(content.metadata),
      context.now,
    );
    this.notifier.notify(
      {
        tenant,
        bucket,
        action,
        key,
        size: content.size,
        etag: content.etag,
        ...(context.copySource === undefined ? {} : { copySource: context.copySource }),
      },
      context,
    );
    return { info: { bucket: bucket.name, key, ...content, lastModified: context.now }, replaced };
  }

  private collectReplaced(replaced: string | undefined, current: string): void {
    if (replaced !== undefined && replaced !== current) this.garbage.collect([replaced]);
  }
}

/** The part of `key` after `prefix` up to and including the first delimiter, or undefined if it has none. */
function rollUp(key: string, prefix: string, delimiter: string): string | undefined {
  if (!key.startsWith(prefix)) return undefined;
  const at = key.indexOf(delimiter, prefix.length);
  return at === -1 ? undefined : key.slice(0, at + delimiter.length);
}

function listLimit(limit: number | undefined): number {
  if (limit === undefined || !Number.isFinite(limit)) return MAX_LIST_OBJECTS;
  return Math.min(MAX_LIST_OBJECTS, Math.max(1, Math.floor(limit)));
}

/** The inclusive byte range to read; `end` past the object is cut to its last byte, as HTTP ranges are. */
function byteRange(
  range: { start: number; end: number } | undefined,
  size: number,
): { start: number; end: number } {
  if (range === undefined) return { start: 0, end: size - 1 };
  const { start, end } = range;
  if (
    !Number.isSafeInteger(start) ||
    !Number.isSafeInteger(end) ||
    start < 0 ||
    end < start ||
    start >= size
  ) {
    throw new SkiffError(
      "INVALID_REQUEST",
      `the range ${start}-${end} is not satisfiable for an object of ${size} bytes`,
      { details: { s3: "InvalidRange", size } },
    );
  }
  return { start, end: Math.min(end, size - 1) };
}

/** `put` writes new content: any action but a delete (CopyObject for a copy made by the caller). */
function createAction(action: ObjectAction): ObjectAction {
  if (action !== "PutObject" && action !== "CopyObject" && action !== "CompleteMultipartUpload") {
    throw new SkiffError("INVALID_REQUEST", `a put can not be recorded as ${JSON.stringify(action)}`);
  }
  return action;
}

function noSuchKey(bucket: string, key: string): SkiffError {
  const shown = key.length > 200 ? `${key.slice(0, 200)}…` : key;
  return new SkiffError("NOT_FOUND", `no object ${JSON.stringify(shown)} in bucket "${bucket}"`, {
    details: { s3: "NoSuchKey" },
  });
}

function contentOf(row: ObjectRow): ObjectContent {
  return {
    size: row.size,
    etag: row.etag,
    sha256: row.sha256,
    contentType: row.content_type,
    metadata: JSON.parse(row.metadata) as Record<string, string>,
  };
}

function toInfo(bucket: string, row: ObjectRow): ObjectInfo {
  return { bucket, key: row.key, ...contentOf(row), lastModified: row.last_modified };
}

function removeQuietly(path: string): void {
  try {
    unlinkSync(path);
  } catch {
    // Already gone.
  }
}
