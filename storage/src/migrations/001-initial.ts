// The first schema: tenants, API keys, functions with immutable numbered versions, invocation records.
import type { Migration } from "../migrate.js";

export const initial: Migration = {
  version: 1,
  name: "initial",
  sql: `
CREATE TABLE tenants (
  id INTEGER PRIMARY KEY AUTOINCREMENT,
  name TEXT NOT NULL UNIQUE,
  created_at INTEGER NOT NULL
) STRICT;

-- Only the SHA-256 of a key is kept; the clear key exists once, in the create response.
CREATE TABLE api_keys (
  id TEXT PRIMARY KEY,
  tenant_id INTEGER NOT NULL REFERENCES tenants (id) ON DELETE CASCADE,
  key_hash TEXT NOT NULL UNIQUE CHECK (length(key_hash) = 64),
  prefix TEXT NOT NULL,
  role TEXT NOT NULL CHECK (role IN ('admin', 'deploy', 'read')),
  created_at INTEGER NOT NULL,
  last_used_at INTEGER,
  revoked_at INTEGER
) STRICT;

CREATE INDEX api_keys_by_tenant ON api_keys (tenant_id);

-- AUTOINCREMENT so that a deleted function's id is never handed to a new one.
-- The active version is checked at commit (deferred) because a deploy inserts the function before its version.
CREATE TABLE functions (
  id INTEGER PRIMARY KEY AUTOINCREMENT,
  tenant_id INTEGER NOT NULL REFERENCES tenants (id) ON DELETE CASCADE,
  name TEXT NOT NULL,
  active_version INTEGER,
  created_at INTEGER NOT NULL,
  updated_at INTEGER NOT NULL,
  UNIQUE (tenant_id, name),
  FOREIGN KEY (id, active_version) REFERENCES versions (function_id, number) DEFERRABLE INITIALLY DEFERRED
) STRICT;

CREATE TABLE versions (
  id TEXT PRIMARY KEY,
  function_id INTEGER NOT NULL REFERENCES functions (id) ON DELETE CASCADE,
  number INTEGER NOT NULL CHECK (number >= 1),
  code_hash TEXT NOT NULL CHECK (length(code_hash) = 64),
  code_size INTEGER NOT NULL CHECK (code_size >= 0),
  config TEXT NOT NULL CHECK (json_valid(config)),
  created_at INTEGER NOT NULL,
  UNIQUE (function_id, number)
) STRICT;

-- A version is a snapshot that running isolates are keyed by: it must never change under them.
CREATE TRIGGER versions_are_immutable BEFORE UPDATE ON versions
BEGIN
  SELECT RAISE(ABORT, 'versions are immutable');
END;

-- seq orders records written in the same millisecond and keeps rows addressable for pruning.
CREATE TABLE invocations (
  seq INTEGER PRIMARY KEY,
  id TEXT NOT NULL UNIQUE,
  function_id INTEGER NOT NULL REFERENCES functions (id) ON DELETE CASCADE,
  version INTEGER NOT NULL,
  trigger TEXT NOT NULL,
  started_at INTEGER NOT NULL,
  outcome TEXT NOT NULL,
  status INTEGER NOT NULL,
  cold INTEGER NOT NULL CHECK (cold IN (0, 1)),
  cpu_ms REAL NOT NULL,
  wall_ms REAL NOT NULL,
  error TEXT CHECK (error IS NULL OR json_valid(error)),
  logs TEXT NOT NULL CHECK (json_valid(logs)),
  dropped_log_lines INTEGER NOT NULL
) STRICT;

CREATE INDEX invocations_by_function ON invocations (function_id, started_at, seq);
`,
};
