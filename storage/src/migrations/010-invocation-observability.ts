// Invocation records for logs and live follow (issue 8): peak heap, the calling invocation, and the most
// severe log line's rank, so "warn and worse" is a column test rather than a scan of every record's JSON.
import type { Migration } from "../migrate.js";

export const invocationObservability: Migration = {
  version: 10,
  name: "invocation-observability",
  sql: `
ALTER TABLE invocations ADD COLUMN peak_heap_bytes INTEGER CHECK (peak_heap_bytes IS NULL OR peak_heap_bytes >= 0);
ALTER TABLE invocations ADD COLUMN parent_invocation_id TEXT;
-- Ranks as in core's logLevelSeverity: debug 10, info/log 20, warn 30, error 40; 0 for a record without lines.
ALTER TABLE invocations ADD COLUMN max_log_severity INTEGER NOT NULL DEFAULT 0;
UPDATE invocations SET max_log_severity = coalesce((
  SELECT max(CASE json_extract(line.value, '$.level')
    WHEN 'debug' THEN 10 WHEN 'info' THEN 20 WHEN 'log' THEN 20 WHEN 'warn' THEN 30 WHEN 'error' THEN 40
    ELSE 0 END)
  FROM json_each(invocations.logs) AS line
), 0);
`,
};
