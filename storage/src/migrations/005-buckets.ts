// Buckets, objects, notification rules, multipart uploads, KV namespaces and S3 credentials (issue 5).
import type { Migration } from "../migrate.js";

export const buckets: Migration = {
  version: 5,
  name: "buckets",
  sql: `
-- notifications holds the bucket's rules as one JSON array, replaced whole; every write reads it in its own
-- transaction. sequence feeds the S3 sequencer of notified writes: it only grows, per bucket.
CREATE TABLE buckets (
  id INTEGER PRIMARY KEY AUTOINCREMENT,
  tenant_id INTEGER NOT NULL REFERENCES tenants (id) ON DELETE CASCADE,
  name TEXT NOT NULL,
  notifications TEXT NOT NULL DEFAULT '[]' CHECK (json_valid(notifications) AND json_type(notifications) = 'array'),
  sequence INTEGER NOT NULL DEFAULT 0 CHECK (sequence >= 0),
  created_at INTEGER NOT NULL,
  UNIQUE (tenant_id, name)
) STRICT;

-- key is any UTF-8 (bound as a parameter, so '../' or NUL are plain characters); BINARY collation orders keys
-- by their UTF-8 bytes, as S3 lists them. The bytes live in a file named by sha256: a key never names a file.
CREATE TABLE objects (
  bucket_id INTEGER NOT NULL REFERENCES buckets (id) ON DELETE CASCADE,
  key TEXT NOT NULL,
  size INTEGER NOT NULL CHECK (size >= 0),
  etag TEXT NOT NULL,
  sha256 TEXT NOT NULL CHECK (length(sha256) = 64),
  content_type TEXT,
  metadata TEXT NOT NULL CHECK (json_valid(metadata)),
  last_modified INTEGER NOT NULL,
  PRIMARY KEY (bucket_id, key)
) STRICT;

-- A content file may be deleted only when no row points at it any more.
CREATE INDEX objects_by_sha256 ON objects (sha256);

CREATE TABLE multipart_uploads (
  id TEXT PRIMARY KEY,
  bucket_id INTEGER NOT NULL REFERENCES buckets (id) ON DELETE CASCADE,
  key TEXT NOT NULL,
  content_type TEXT,
  metadata TEXT NOT NULL CHECK (json_valid(metadata)),
  initiated_at INTEGER NOT NULL
) STRICT;

CREATE INDEX multipart_uploads_by_bucket ON multipart_uploads (bucket_id);

-- file is a name this process made up (never from a request) inside the upload's own directory.
CREATE TABLE multipart_parts (
  upload_id TEXT NOT NULL REFERENCES multipart_uploads (id) ON DELETE CASCADE,
  part_number INTEGER NOT NULL CHECK (part_number BETWEEN 1 AND 10000),
  size INTEGER NOT NULL CHECK (size >= 0),
  etag TEXT NOT NULL CHECK (length(etag) = 32),
  file TEXT NOT NULL,
  uploaded_at INTEGER NOT NULL,
  PRIMARY KEY (upload_id, part_number)
) STRICT;

CREATE TABLE kv_namespaces (
  id INTEGER PRIMARY KEY AUTOINCREMENT,
  tenant_id INTEGER NOT NULL REFERENCES tenants (id) ON DELETE CASCADE,
  name TEXT NOT NULL,
  created_at INTEGER NOT NULL,
  UNIQUE (tenant_id, name)
) STRICT;

-- A rowid table (not WITHOUT ROWID): values of up to 25 MiB belong in overflow pages, not in the key b-tree.
-- expiration is epoch seconds; an expired row is invisible and deleted when next met.
CREATE TABLE kv_entries (
  namespace_id INTEGER NOT NULL REFERENCES kv_namespaces (id) ON DELETE CASCADE,
  key TEXT NOT NULL,
  value BLOB NOT NULL,
  metadata TEXT CHECK (metadata IS NULL OR json_valid(metadata)),
  expiration INTEGER,
  UNIQUE (namespace_id, key)
) STRICT;

CREATE INDEX kv_entries_expiring ON kv_entries (namespace_id, expiration) WHERE expiration IS NOT NULL;

-- Only the AES-256-GCM ciphertext of a secret access key is kept (sealed like function secrets).
CREATE TABLE s3_credentials (
  access_key_id TEXT PRIMARY KEY,
  tenant_id INTEGER NOT NULL REFERENCES tenants (id) ON DELETE CASCADE,
  ciphertext BLOB NOT NULL,
  iv BLOB NOT NULL CHECK (length(iv) = 12),
  tag BLOB NOT NULL CHECK (length(tag) = 16),
  key_id TEXT NOT NULL,
  created_at INTEGER NOT NULL,
  revoked_at INTEGER
) STRICT;

CREATE INDEX s3_credentials_by_tenant ON s3_credentials (tenant_id);
`,
};
