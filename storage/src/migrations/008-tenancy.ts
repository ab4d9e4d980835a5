// Tenancy (issue 7): the operator's per-tenant quotas, each tenant's stored bytes, and quarantined functions.
import type { Migration } from "../migrate.js";

export const tenancy: Migration = {
  version: 8,
  name: "tenancy",
  sql: `
-- One row per tenant whose quotas the operator set; a tenant without a row has DEFAULT_QUOTAS. A row holds every
-- quota (the defaults merged in when it was written), NULL meaning unlimited.
CREATE TABLE tenant_quotas (
  tenant_id INTEGER PRIMARY KEY REFERENCES tenants (id) ON DELETE CASCADE,
  max_functions INTEGER CHECK (max_functions >= 0),
  max_isolate_memory_mb INTEGER CHECK (max_isolate_memory_mb >= 0),
  max_concurrent_invocations INTEGER CHECK (max_concurrent_invocations >= 0),
  requests_per_second INTEGER CHECK (requests_per_second >= 0),
  burst INTEGER CHECK (burst >= 1),
  max_stored_bytes INTEGER CHECK (max_stored_bytes >= 0),
  async_events_per_minute INTEGER CHECK (async_events_per_minute >= 0),
  allow_code_generation INTEGER NOT NULL CHECK (allow_code_generation IN (0, 1)),
  updated_at INTEGER NOT NULL
) STRICT;

-- Bytes each tenant holds in bucket objects and KV values, kept exact by the triggers below in the transaction of
-- every write, so a quota check reads one row instead of summing every object on each write (a SUM over 100k
-- objects and 100k small KV values took ~125 ms, blocking the main thread). Cascades: a child row's delete
-- trigger no longer finds its parent (already gone), so a bucket or namespace subtracts its children's bytes in
-- its own BEFORE DELETE trigger. Expired KV values count until they are pruned.
CREATE TABLE tenant_usage (
  tenant_id INTEGER PRIMARY KEY REFERENCES tenants (id) ON DELETE CASCADE,
  stored_bytes INTEGER NOT NULL DEFAULT 0
) STRICT;

INSERT INTO tenant_usage (tenant_id, stored_bytes)
SELECT t.id,
  (SELECT coalesce(sum(o.size), 0) FROM buckets b JOIN objects o ON o.bucket_id = b.id WHERE b.tenant_id = t.id) +
  (SELECT coalesce(sum(length(e.value)), 0) FROM kv_namespaces n JOIN kv_entries e ON e.namespace_id = n.id
    WHERE n.tenant_id = t.id)
FROM tenants t;

CREATE TRIGGER tenant_usage_row AFTER INSERT ON tenants
BEGIN
  INSERT INTO tenant_usage (tenant_id) VALUES (NEW.id);
END;

CREATE TRIGGER object_bytes_added AFTER INSERT ON objects
BEGIN
  UPDATE tenant_usage SET stored_bytes = stored_bytes + NEW.size
  WHERE tenant_id = (SELECT tenant_id FROM buckets WHERE id = NEW.bucket_id);
END;

CREATE TRIGGER object_bytes_changed AFTER UPDATE OF size, bucket_id ON objects
BEGIN
  UPDATE tenant_usage SET stored_bytes = stored_bytes - OLD.size
  WHERE tenant_id = (SELECT tenant_id FROM buckets WHERE id = OLD.bucket_id);
  UPDATE tenant_usage SET stored_bytes = stored_bytes + NEW.size
  WHERE tenant_id = (SELECT tenant_id FROM buckets WHERE id = NEW.bucket_id);
END;

CREATE TRIGGER object_bytes_removed AFTER DELETE ON objects
BEGIN
  UPDATE tenant_usage SET stored_bytes = stored_bytes - OLD.size
  WHERE tenant_id = (SELECT tenant_id FROM buckets WHERE id = OLD.bucket_id);
END;

CREATE TRIGGER bucket_bytes_removed BEFORE DELETE ON buckets
BEGIN
  UPDATE tenant_usage
  SET stored_bytes = stored_bytes - (SELECT coalesce(sum(size), 0) FROM objects WHERE bucket_id = OLD.id)
  WHERE tenant_id = OLD.tenant_id;
END;

CREATE TRIGGER kv_bytes_added AFTER INSERT ON kv_entries
BEGIN
  UPDATE tenant_usage SET stored_bytes = stored_bytes + length(NEW.value)
  WHERE tenant_id = (SELECT tenant_id FROM kv_namespaces WHERE id = NEW.namespace_id);
END;

CREATE TRIGGER kv_bytes_changed AFTER UPDATE OF value, namespace_id ON kv_entries
BEGIN
  UPDATE tenant_usage SET stored_bytes = stored_bytes - length(OLD.value)
  WHERE tenant_id = (SELECT tenant_id FROM kv_namespaces WHERE id = OLD.namespace_id);
  UPDATE tenant_usage SET stored_bytes = stored_bytes + length(NEW.value)
  WHERE tenant_id = (SELECT tenant_id FROM kv_namespaces WHERE id = NEW.namespace_id);
END;

CREATE TRIGGER kv_bytes_removed AFTER DELETE ON kv_entries
BEGIN
  UPDATE tenant_usage SET stored_bytes = stored_bytes - length(OLD.value)
  WHERE tenant_id = (SELECT tenant_id FROM kv_namespaces WHERE id = OLD.namespace_id);
END;

CREATE TRIGGER kv_namespace_bytes_removed BEFORE DELETE ON kv_namespaces
BEGIN
  UPDATE tenant_usage
  SET stored_bytes = stored_bytes - (SELECT coalesce(sum(length(value)), 0) FROM kv_entries WHERE namespace_id = OLD.id)
  WHERE tenant_id = OLD.tenant_id;
END;

-- A function stopped after crashing its runtime worker repeatedly. version_id is the version that crashed: a
-- deploy or rollback deletes the row in its own transaction, and so does deleting the function or the version.
CREATE TABLE function_quarantines (
  function_id INTEGER PRIMARY KEY REFERENCES functions (id) ON DELETE CASCADE,
  version_id TEXT NOT NULL REFERENCES versions (id) ON DELETE CASCADE,
  since INTEGER NOT NULL,
  crashes INTEGER NOT NULL CHECK (crashes >= 0),
  reason TEXT NOT NULL
) STRICT;
`,
};
