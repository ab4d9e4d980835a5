// Idempotency keys outlive their events: a producer that resends after a lost 202 must still be told
// "duplicate" once the first event was delivered (and deleted). Kept for a window, see event-queue.ts.
import type { Migration } from "../migrate.js";

export const deliveredKeys: Migration = {
  version: 6,
  name: "delivered-keys",
  sql: `
CREATE TABLE delivered_keys (
  function_id INTEGER NOT NULL REFERENCES functions (id) ON DELETE CASCADE,
  idempotency_key TEXT NOT NULL,
  event_id TEXT NOT NULL,
  created_at INTEGER NOT NULL,
  PRIMARY KEY (function_id, idempotency_key)
) STRICT;

CREATE INDEX delivered_keys_by_age ON delivered_keys (created_at);
`,
};
