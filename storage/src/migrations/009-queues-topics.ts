// Queues, their consumers and messages, topics and their subscriptions (issue 10).
import type { Migration } from "../migrate.js";

export const queuesTopics: Migration = {
  version: 9,
  name: "queues-topics",
  sql: `
CREATE TABLE queues (
  id INTEGER PRIMARY KEY,
  tenant_id INTEGER NOT NULL REFERENCES tenants (id) ON DELETE CASCADE,
  name TEXT NOT NULL,
  ordered INTEGER NOT NULL CHECK (ordered IN (0, 1)),
  max_message_bytes INTEGER NOT NULL CHECK (max_message_bytes > 0),
  retention_seconds INTEGER NOT NULL CHECK (retention_seconds > 0),
  created_at INTEGER NOT NULL,
  UNIQUE (tenant_id, name)
) STRICT;

-- At most one consumer per queue (Workers' model). concurrency NULL: the function's own concurrency. A
-- dead-letter queue that is deleted leaves the consumer without one (its messages then go to the function's
-- dead letters).
CREATE TABLE queue_consumers (
  queue_id INTEGER PRIMARY KEY REFERENCES queues (id) ON DELETE CASCADE,
  function_id INTEGER NOT NULL REFERENCES functions (id) ON DELETE CASCADE,
  batch_size INTEGER NOT NULL CHECK (batch_size >= 1),
  max_wait_ms INTEGER NOT NULL CHECK (max_wait_ms >= 0),
  max_retries INTEGER NOT NULL CHECK (max_retries >= 0),
  retry_delay_seconds INTEGER NOT NULL CHECK (retry_delay_seconds >= 0),
  concurrency INTEGER CHECK (concurrency >= 1),
  dead_letter_queue_id INTEGER REFERENCES queues (id) ON DELETE SET NULL,
  updated_at INTEGER NOT NULL
) STRICT;

CREATE INDEX queue_consumers_by_function ON queue_consumers (function_id);

-- One row per message not yet delivered. seq is the queue's send order (ordered queues deliver each group by
-- it). A lease (owner, expiry, batch) hides a message while one consumer invocation holds it; lease_batch
-- names that invocation, so the batches in flight of a queue can be counted across processes.
CREATE TABLE queue_messages (
  seq INTEGER PRIMARY KEY AUTOINCREMENT,
  id TEXT NOT NULL UNIQUE,
  queue_id INTEGER NOT NULL REFERENCES queues (id) ON DELETE CASCADE,
  body TEXT NOT NULL CHECK (json_valid(body)),
  content_type TEXT NOT NULL CHECK (content_type IN ('json', 'text', 'bytes', 'v8')),
  attributes TEXT CHECK (attributes IS NULL OR json_valid(attributes)),
  group_id TEXT,
  deduplication_id TEXT,
  attempts INTEGER NOT NULL CHECK (attempts >= 0),
  created_at INTEGER NOT NULL,
  available_at INTEGER NOT NULL,
  expires_at INTEGER NOT NULL,
  lease_owner TEXT,
  lease_expires_at INTEGER,
  lease_batch TEXT,
  last_error TEXT,
  CHECK ((lease_owner IS NULL) = (lease_expires_at IS NULL) AND (lease_owner IS NULL) = (lease_batch IS NULL))
) STRICT;

CREATE INDEX queue_messages_due ON queue_messages (queue_id, available_at, seq);
CREATE INDEX queue_messages_by_group ON queue_messages (queue_id, group_id, seq) WHERE group_id IS NOT NULL;
CREATE INDEX queue_messages_leased ON queue_messages (queue_id, lease_expires_at) WHERE lease_owner IS NOT NULL;
CREATE INDEX queue_messages_expiry ON queue_messages (expires_at);

-- Deduplication ids seen within the window, kept apart from the messages so that a delivered message's id
-- still drops a resend.
CREATE TABLE queue_deduplication (
  queue_id INTEGER NOT NULL REFERENCES queues (id) ON DELETE CASCADE,
  deduplication_id TEXT NOT NULL,
  message_id TEXT NOT NULL,
  created_at INTEGER NOT NULL,
  PRIMARY KEY (queue_id, deduplication_id)
) STRICT;

CREATE INDEX queue_deduplication_by_age ON queue_deduplication (created_at);

CREATE TABLE topics (
  id INTEGER PRIMARY KEY,
  tenant_id INTEGER NOT NULL REFERENCES tenants (id) ON DELETE CASCADE,
  name TEXT NOT NULL,
  created_at INTEGER NOT NULL,
  UNIQUE (tenant_id, name)
) STRICT;

-- A subscription delivers to a function (through the async event queue) or to a queue, never both.
CREATE TABLE topic_subscriptions (
  id TEXT PRIMARY KEY,
  topic_id INTEGER NOT NULL REFERENCES topics (id) ON DELETE CASCADE,
  function_id INTEGER REFERENCES functions (id) ON DELETE CASCADE,
  queue_id INTEGER REFERENCES queues (id) ON DELETE CASCADE,
  filter_policy TEXT CHECK (filter_policy IS NULL OR json_valid(filter_policy)),
  created_at INTEGER NOT NULL,
  CHECK ((function_id IS NULL) <> (queue_id IS NULL))
) STRICT;

CREATE INDEX topic_subscriptions_by_topic ON topic_subscriptions (topic_id, created_at);
`,
};
