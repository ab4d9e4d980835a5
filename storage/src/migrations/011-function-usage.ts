// Usage metering (issue 8): invocation usage per function and UTC hour, for `GET …/usage` and billing.
import type { Migration } from "../migrate.js";

export const functionUsage: Migration = {
  version: 11,
  name: "function-usage",
  sql: `
-- One row per function and UTC hour, added to in the same transaction that stores the hour's invocation records.
-- Invocation records are pruned; these rows are not. Keyed by tenant and function name rather than function id,
-- so usage outlives the function (a bill still shows what a deleted function used); a deleted tenant takes its
-- usage with it. mb_ms is the sum of memoryMb x wallMs: GB-seconds = mb_ms / 1024 / 1000.
CREATE TABLE function_usage (
  tenant_id INTEGER NOT NULL REFERENCES tenants (id) ON DELETE CASCADE,
  function_name TEXT NOT NULL,
  hour INTEGER NOT NULL CHECK (hour % 3600000 = 0),
  requests INTEGER NOT NULL CHECK (requests >= 0),
  errors INTEGER NOT NULL CHECK (errors >= 0),
  cold_starts INTEGER NOT NULL CHECK (cold_starts >= 0),
  wall_ms REAL NOT NULL CHECK (wall_ms >= 0),
  cpu_ms REAL NOT NULL CHECK (cpu_ms >= 0),
  mb_ms REAL NOT NULL CHECK (mb_ms >= 0),
  egress_bytes INTEGER NOT NULL CHECK (egress_bytes >= 0),
  PRIMARY KEY (tenant_id, hour, function_name)
) STRICT, WITHOUT ROWID;
`,
};
