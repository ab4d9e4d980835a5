// Secrets per function (DESIGN §6): only AES-256-GCM ciphertext is stored, bound to its row by the AAD.
import type { Migration } from "../migrate.js";

export const secrets: Migration = {
  version: 2,
  name: "secrets",
  sql: `
-- key_id names the master key a row was sealed with, so a wrong key is reported as such, not as tampering.
CREATE TABLE secrets (
  id INTEGER PRIMARY KEY,
  function_id INTEGER NOT NULL REFERENCES functions (id) ON DELETE CASCADE,
  name TEXT NOT NULL,
  ciphertext BLOB NOT NULL,
  iv BLOB NOT NULL CHECK (length(iv) = 12),
  tag BLOB NOT NULL CHECK (length(tag) = 16),
  key_id TEXT NOT NULL,
  created_at INTEGER NOT NULL,
  updated_at INTEGER NOT NULL,
  UNIQUE (function_id, name)
) STRICT;
`,
};
