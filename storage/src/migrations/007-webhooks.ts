// Webhook receivers (issue 6): endpoints with their sealed signing secrets, and every request they received.
import type { Migration } from "../migrate.js";

export const webhooks: Migration = {
  version: 7,
  name: "webhooks",
  sql: `
-- id is the public URL's only credential (24 random bytes, base64url). The signing secret is AES-256-GCM sealed
-- like function secrets, its authenticated data naming this endpoint id, so a row copied elsewhere fails to open.
CREATE TABLE webhook_endpoints (
  id TEXT PRIMARY KEY,
  function_id INTEGER NOT NULL REFERENCES functions (id) ON DELETE CASCADE,
  provider TEXT NOT NULL CHECK (provider IN ('github', 'stripe', 'slack', 'standard', 'hmac-sha256')),
  mode TEXT NOT NULL CHECK (mode IN ('async', 'sync')),
  signature_header TEXT,
  tolerance_seconds INTEGER NOT NULL CHECK (tolerance_seconds > 0),
  ciphertext BLOB NOT NULL,
  iv BLOB NOT NULL CHECK (length(iv) = 12),
  tag BLOB NOT NULL CHECK (length(tag) = 16),
  key_id TEXT NOT NULL,
  created_at INTEGER NOT NULL
) STRICT;

CREATE INDEX webhook_endpoints_by_function ON webhook_endpoints (function_id, created_at);

-- Every request received, verified or not, with the raw body so a replay sends the very bytes that were signed.
-- event_id names the async event that carries it (no foreign key: the event row is deleted once delivered).
CREATE TABLE webhook_deliveries (
  id TEXT PRIMARY KEY,
  endpoint_id TEXT NOT NULL REFERENCES webhook_endpoints (id) ON DELETE CASCADE,
  received_at INTEGER NOT NULL,
  provider_delivery_id TEXT,
  event_type TEXT,
  verification TEXT NOT NULL CHECK (verification IN ('verified', 'failed')),
  failure_reason TEXT,
  status TEXT NOT NULL,
  invocation_id TEXT,
  attempts INTEGER NOT NULL DEFAULT 0 CHECK (attempts >= 0),
  event_id TEXT,
  method TEXT NOT NULL,
  path TEXT NOT NULL,
  headers TEXT NOT NULL CHECK (json_valid(headers) AND json_type(headers) = 'array'),
  body BLOB NOT NULL
) STRICT;

-- The deliveries log, newest first, and retention.
CREATE INDEX webhook_deliveries_by_endpoint ON webhook_deliveries (endpoint_id, received_at);
CREATE INDEX webhook_deliveries_by_age ON webhook_deliveries (received_at);
-- Duplicate detection: the same provider delivery id at this endpoint, within a time window (so a query, not a
-- UNIQUE constraint: a sender may legitimately reuse an id once the window has passed).
CREATE INDEX webhook_deliveries_by_provider_id ON webhook_deliveries (endpoint_id, provider_delivery_id, received_at)
  WHERE verification = 'verified' AND provider_delivery_id IS NOT NULL;
`,
};
