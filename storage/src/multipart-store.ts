// S3 multipart uploads: parts are files in the upload's own directory until CompleteMultipartUpload joins them
// into one object, committed (with its notifications) like any other write.
import { createHash, randomBytes } from "node:crypto";
import { createReadStream, unlinkSync } from "node:fs";
import { mkdir } from "node:fs/promises";
import { join } from "node:path";
import { SkiffError } from "@skiff/core";
import type { Database, Statement } from "better-sqlite3";
import type { BucketLookup, ResolvedBucket } from "./bucket-lookup.js";
import { type ObjectBody, type ObjectFiles, writeBody } from "./object-files.js";
import { normalizeObjectMetadata } from "./object-metadata.js";
import type { SqliteObjectStore } from "./object-store.js";
import { assertValidObjectKey } from "./storage-key.js";
import type { MultipartStore, MultipartUpload, ObjectInfo, WriteContext } from "./types.js";

export const MAX_PART_NUMBER = 10_000;
const UPLOAD_ID = /^[0-9a-f]{32}$/;
const MD5_HEX = /^[0-9a-f]{32}$/;

interface UploadRow {
  id: string;
  bucket_id: number;
  key: string;
  content_type: string | null;
  metadata: string;
  initiated_at: number;
}

interface PartRow {
  part_number: number;
  size: number;
  etag: string;
  file: string;
}

type PartParams = [
  uploadId: string,
  partNumber: number,
  size: number,
  etag: string,
  file: string,
  now: number,
];

export class SqliteMultipartStore implements MultipartStore {
  private readonly upload: Statement<[string, number], UploadRow>;
  private readonly insertUpload: Statement<[string, number, string, string | null, string, number]>;
  private readonly removeUpload: Statement<[string, number]>;
  private readonly parts: Statement<[string], PartRow>;
  private readonly partFile: Statement<[string, number], { file: string }>;
  private readonly upsertPart: Statement<PartParams>;
  private readonly recordPart: (
    tenant: string,
    bucket: string,
    uploadId: string,
    params: PartParams,
  ) => string | undefined;

  constructor(
    db: Database,
    private readonly files: ObjectFiles,
    private readonly buckets: BucketLookup,
    private readonly objects: SqliteObjectStore,
    private readonly now: () => number,
    private readonly newUploadId: () => string = () => randomBytes(16).toString("hex"),
  ) {
    this.upload = db.prepare("SELECT * FROM multipart_uploads WHERE id = ? AND bucket_id = ?");
    this.insertUpload = db.prepare(`
      INSERT INTO multipart_uploads (id, bucket_id, key, content_type, metadata, initiated_at)
      VALUES (?, ?, ?, ?, ?, ?)`);
    this.removeUpload = db.prepare("DELETE FROM multipart_uploads WHERE id = ? AND bucket_id = ?");
    this.parts = db.prepare(
      "SELECT part_number, size, etag, file FROM multipart_parts WHERE upload_id = ? ORDER BY part_number",
    );
    this.partFile = db.prepare("SELECT file FROM multipart_parts WHERE upload_id = ? AND part_number = ?");
    this.upsertPart = db.prepare(`
      INSERT INTO multipart_parts (upload_id, part_number, size, etag, file, uploaded_at) VALUES (?, ?, ?, ?, ?, ?)
      ON CONFLICT (upload_id, part_number) DO UPDATE SET
        size = excluded.size, etag = excluded.etag, file = excluded.file, uploaded_at = excluded.uploaded_at`);

    const record = db.transaction((tenant: string, bucket: string, uploadId: string, params: PartParams) => {
      this.requireUpload(tenant, bucket, uploadId);
      const replaced = this.partFile.get(uploadId, params[1])?.file;
      this.upsertPart.run(...params);
      return replaced;
    });
    this.recordPart = (...args) => record.immediate(...args);
  }

  async create(
    tenant: string,
    bucket: string,
    key: string,
    options: { contentType?: string; metadata?: Record<string, string> },
    now: number,
  ): Promise<MultipartUpload> {
    assertValidObjectKey(key);
    const metadata = normalizeObjectMetadata(options.metadata);
    const found = this.buckets.require(tenant, bucket);
    const uploadId = this.newUploadId();
    if (!UPLOAD_ID.test(uploadId)) throw new SkiffError("INTERNAL_ERROR", "malformed upload id");
    this.insertUpload.run(
      uploadId,
      found.id,
      key,
      options.contentType ?? null,
      JSON.stringify(metadata),
      now,
    );
    // After the row: the garbage sweep deletes upload directories without a row, never one that has it.
    try {
      await mkdir(this.files.uploadDir(uploadId), { mode: 0o700 });
    } catch (error) {
      this.removeUpload.run(uploadId, found.id);
      throw error;
    }
    return { uploadId, bucket, key, initiatedAt: now };
  }

  async uploadPart(
    tenant: string,
    bucket: string,
    uploadId: string,
    partNumber: number,
    body: ObjectBody,
    maxBytes: number,
    key?: string,
  ): Promise<{ etag: string; size: number }> {
    if (!Number.isInteger(partNumber) || partNumber < 1 || partNumber > MAX_PART_NUMBER) {
      throw new SkiffError("INVALID_REQUEST", `part numbers are whole numbers from 1 to ${MAX_PART_NUMBER}`, {
        details: { s3: "InvalidArgument" },
      });
    }
    this.requireUpload(tenant, bucket, uploadId, key);
    const file = `${partNumber}-${randomBytes(6).toString("hex")}.part`;
    const path = join(this.files.uploadDir(uploadId), file);
    let written: Awaited<ReturnType<typeof writeBody>>;
    try {
      written = await writeBody(path, body, maxBytes);
    } catch (error) {
      // The directory went with an abort (or completion) while this part arrived.
      if ((error as NodeJS.ErrnoException).code === "ENOENT") throw noSuchUpload(uploadId);
      throw error;
    }
    const etag = written.md5.toString("hex");
    let replaced: string | undefined;
    try {
      replaced = this.recordPart(tenant, bucket, uploadId, [
        uploadId,
        partNumber,
        written.size,
        etag,
        file,
        this.now(),
      ]);
    } catch (error) {
      removeQuietly(path);
      throw error;
    }
    if (replaced !== undefined && replaced !== file)
      removeQuietly(join(this.files.uploadDir(uploadId), replaced));
    return { etag, size: written.size };
  }

  async complete(
    tenant: string,
    bucket: string,
    uploadId: string,
    parts: Array<{ partNumber: number; etag: string }>,
    context: WriteContext,
    options: { key?: string; maxBytes?: number } = {},
  ): Promise<ObjectInfo> {
    const listed = checkPartList(parts);
    const { upload } = this.requireUpload(tenant, bucket, uploadId, options.key);
    const stored = new Map(this.parts.all(uploadId).map((part) => [part.part_number, part]));
    const chosen = listed.map(({ partNumber, etag }) => {
      const part = stored.get(partNumber);
      if (part === undefined || part.etag !== etag) throw invalidPart(partNumber);
      return part;
    });

    // The object limit applies to the whole object, not only to each part.
    const maxBytes = options.maxBytes ?? Number.POSITIVE_INFINITY;
    const total = chosen.reduce((sum, part) => sum + part.size, 0);
    if (total > maxBytes) {
      throw new SkiffError(
        "PAYLOAD_TOO_LARGE",
        `the object would be ${total} bytes; the limit is ${maxBytes}`,
        {
          details: { s3: "EntityTooLarge" },
        },
      );
    }
    const dir = this.files.uploadDir(uploadId);
    const joined = await writeBody(this.files.tempPath(), verifiedParts(dir, chosen), maxBytes).catch(
      (error: unknown) => {
        if ((error as NodeJS.ErrnoException).code === "ENOENT") throw noSuchUpload(uploadId);
        throw error;
      },
    );
    // S3's multipart ETag: the MD5 of the parts' binary MD5s, then the number of parts.
    const digests = Buffer.concat(chosen.map((part) => Buffer.from(part.etag, "hex")));
    const etag = `${createHash("md5").update(digests).digest("hex")}-${chosen.length}`;

    const info = this.objects.commit({
      tenant,
      bucket,
      key: upload.key,
      content: {
        size: joined.size,
        etag,
        sha256: joined.sha256,
        contentType: upload.content_type,
        metadata: JSON.parse(upload.metadata) as Record<string, string>,
      },
      tempPath: joined.path,
      action: "CompleteMultipartUpload",
      context,
      // The upload ends with the object's row: a second completion (or an abort meanwhile) finds no upload.
      claim: (found: ResolvedBucket) => {
        if (this.removeUpload.run(uploadId, found.id).changes === 0) throw noSuchUpload(uploadId);
      },
    });
    await this.files.removeUpload(uploadId);
    return info;
  }

  async abort(tenant: string, bucket: string, uploadId: string, key?: string): Promise<void> {
    const { bucket: found } = this.requireUpload(tenant, bucket, uploadId, key);
    if (this.removeUpload.run(uploadId, found.id).changes === 0) throw noSuchUpload(uploadId);
    await this.files.removeUpload(uploadId);
  }

  /** The upload, in this tenant's bucket. Throws `TENANT_NOT_FOUND`, `NOT_FOUND` (NoSuchBucket, NoSuchUpload). */
  private requireUpload(
    tenant: string,
    bucket: string,
    uploadId: string,
    key?: string,
  ): { bucket: ResolvedBucket; upload: UploadRow } {
    const found = this.buckets.require(tenant, bucket);
    const upload =
      typeof uploadId === "string" && UPLOAD_ID.test(uploadId)
        ? this.upload.get(uploadId, found.id)
        : undefined;
    // As in S3, an upload belongs to its key: using its id under another key finds no upload.
    if (upload === undefined || (key !== undefined && upload.key !== key)) throw noSuchUpload(uploadId);
    return { bucket: found, upload };
  }
}

/** The parts as S3 requires them: at least one, ascending part numbers, ETags (quoted or not) of MD5 hex. */
function checkPartList(
  parts: Array<{ partNumber: number; etag: string }>,
): Array<{ partNumber: number; etag: string }> {
  if (!Array.isArray(parts) || parts.length === 0 || parts.length > MAX_PART_NUMBER) {
    throw new SkiffError(
      "INVALID_REQUEST",
      `a multipart upload completes with 1 to ${MAX_PART_NUMBER} parts`,
      {
        details: { s3: "MalformedXML" },
      },
    );
  }
  let previous = 0;
  return parts.map(({ partNumber, etag }) => {
    if (!Number.isInteger(partNumber) || partNumber <= previous || partNumber > MAX_PART_NUMBER) {
      throw new SkiffError("INVALID_REQUEST", "the parts must be listed in ascending order of part number", {
        details: { s3: "InvalidPartOrder" },
      });
    }
    previous = partNumber;
    const bare = typeof etag === "string" ? etag.replace(/^"(.*)"$/, "$1").toLowerCase() : "";
    if (!MD5_HEX.test(bare)) throw invalidPart(partNumber);
    return { partNumber, etag: bare };
  });
}

/**
 * The parts' bytes in order, each checked against its ETag as it is read: a part uploaded again while this
 * completion ran can not slip in under the old part's ETag.
 */
async function* verifiedParts(dir: string, parts: PartRow[]): AsyncGenerator<Uint8Array> {
  for (const part of parts) {
    const md5 = createHash("md5");
    try {
      for await (const chunk of createReadStream(join(dir, part.file))) {
        md5.update(chunk as Buffer);
        yield chunk as Buffer;
      }
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === "ENOENT") throw invalidPart(part.part_number);
      throw error;
    }
    if (md5.digest("hex") !== part.etag) throw invalidPart(part.part_number);
  }
}

function noSuchUpload(uploadId: string): SkiffError {
  const shown = typeof uploadId === "string" ? uploadId.slice(0, 64) : "";
  return new SkiffError("NOT_FOUND", `no multipart upload ${JSON.stringify(shown)}`, {
    details: { s3: "NoSuchUpload" },
  });
}

function invalidPart(partNumber: number): SkiffError {
  return new SkiffError(
    "INVALID_REQUEST",
    `part ${partNumber} was not uploaded, or its ETag does not match the part's content`,
    { details: { s3: "InvalidPart", partNumber } },
  );
}

function removeQuietly(path: string): void {
  try {
    unlinkSync(path);
  } catch {
    // Already gone.
  }
}
