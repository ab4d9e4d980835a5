// The scheduler's durable state (DESIGN §6, issue 4): the async event queue, its dead letters, cron run history.
import type { Migration } from "../migrate.js";

export const scheduler: Migration = {
  version: 4,
  name: "scheduler",
  sql: `
-- One row per event not yet delivered; it is deleted on delivery. A lease (owner and expiry, both set or both
-- NULL) hides it from other processes until it expires. kind has no CHECK so that a new producer needs no
-- table rebuild. SQLite treats NULL keys as distinct, so events without an idempotency key never collide.
CREATE TABLE events (
  id TEXT PRIMARY KEY,
  function_id INTEGER NOT NULL REFERENCES functions (id) ON DELETE CASCADE,
  kind TEXT NOT NULL,
  payload TEXT NOT NULL CHECK (json_valid(payload)),
  idempotency_key TEXT,
  attempts INTEGER NOT NULL CHECK (attempts >= 0),
  created_at INTEGER NOT NULL,
  available_at INTEGER NOT NULL,
  lease_owner TEXT,
  lease_expires_at INTEGER,
  last_error TEXT,
  CHECK ((lease_owner IS NULL) = (lease_expires_at IS NULL)),
  UNIQUE (function_id, idempotency_key)
) STRICT;

-- The due query walks this in delivery order and stops after its limit; only leased rows are skipped.
CREATE INDEX events_due ON events (available_at, created_at);
-- When the next lease runs out, for the dispatcher's sleep.
CREATE INDEX events_lease_expiry ON events (lease_expires_at) WHERE lease_owner IS NOT NULL;

-- Events that failed for good, kept until a person redrives or deletes them. Their idempotency keys still
-- count, so a producer retrying a dead-lettered event does not enqueue it again.
CREATE TABLE dead_letters (
  id TEXT PRIMARY KEY,
  function_id INTEGER NOT NULL REFERENCES functions (id) ON DELETE CASCADE,
  kind TEXT NOT NULL,
  payload TEXT NOT NULL CHECK (json_valid(payload)),
  idempotency_key TEXT,
  attempts INTEGER NOT NULL CHECK (attempts >= 0),
  created_at INTEGER NOT NULL,
  failed_at INTEGER NOT NULL,
  reason TEXT NOT NULL,
  last_error TEXT,
  UNIQUE (function_id, idempotency_key)
) STRICT;

CREATE INDEX dead_letters_by_function ON dead_letters (function_id, failed_at);

-- A run is claimed by inserting its unique row, so two processes never run the same tick. AUTOINCREMENT: a
-- process holds run ids while it invokes, and a pruned or cascaded id must never name a newer run.
CREATE TABLE trigger_runs (
  id INTEGER PRIMARY KEY AUTOINCREMENT,
  function_id INTEGER NOT NULL REFERENCES functions (id) ON DELETE CASCADE,
  trigger_key TEXT NOT NULL,
  cron TEXT NOT NULL,
  timezone TEXT NOT NULL,
  scheduled_time INTEGER NOT NULL,
  attempt INTEGER NOT NULL CHECK (attempt >= 1),
  version INTEGER NOT NULL,
  manual INTEGER NOT NULL CHECK (manual IN (0, 1)),
  claimed_at INTEGER NOT NULL,
  started_at INTEGER,
  ended_at INTEGER,
  outcome TEXT,
  invocation_id TEXT,
  UNIQUE (function_id, trigger_key, scheduled_time, attempt)
) STRICT;

CREATE INDEX trigger_runs_by_function ON trigger_runs (function_id, id);
`,
};
