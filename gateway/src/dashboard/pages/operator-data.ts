// What the operator view shows: every tenant with its functions, quarantines and queues, and the runtime.
import type { AdminApiClient, Section } from "../admin-api-client.js";
import { apiPath } from "../api-path.js";
import type {
  BacklogView,
  FunctionList,
  QuarantineList,
  QueueList,
  RuntimeView,
  Tenant,
  TenantList,
} from "../api-views.js";

export interface TenantRow {
  tenant: Tenant;
  functions: Section<FunctionList>;
  quarantines: Section<QuarantineList>;
  queues: Section<QueueList>;
}

export interface OperatorPageData {
  tenants: TenantRow[];
  runtime: Section<RuntimeView>;
  backlog: Section<BacklogView>;
}

/** Throws (as an AdminApiError, 403) for a key that is not the operator's. */
export async function loadOperatorPage(client: AdminApiClient): Promise<OperatorPageData> {
  const { tenants } = await client.get<TenantList>("/tenants");
  const [rows, runtime, backlog] = await Promise.all([
    Promise.all(
      tenants.map(async (tenant): Promise<TenantRow> => {
        const [functions, quarantines, queues] = await Promise.all([
          client.section<FunctionList>(apiPath(tenant.name, "functions")),
          client.section<QuarantineList>(apiPath(tenant.name, "quarantines")),
          client.section<QueueList>(apiPath(tenant.name, "queues")),
        ]);
        return { tenant, functions, quarantines, queues };
      }),
    ),
    client.section<RuntimeView>("/runtime"),
    client.section<BacklogView>("/backlog"),
  ]);
  return { tenants: rows, runtime, backlog };
}
