// What the function list shows: each function with its versions, triggers and webhooks.
import type { AdminApiClient, Section } from "../admin-api-client.js";
import { apiPath } from "../api-path.js";
import type {
  FunctionList,
  FunctionRecord,
  UsageReport,
  VersionList,
  VersionRecord,
  WebhookList,
} from "../api-views.js";

export interface FunctionRow {
  function: FunctionRecord;
  /** The active version's record, when the version list loaded and has it. */
  active: VersionRecord | undefined;
  versions: Section<VersionList>;
  webhooks: Section<WebhookList>;
}

export interface FunctionListData {
  rows: FunctionRow[];
  /** The tenant's usage over the last day (whole UTC hours), per function and in total. */
  usage: Section<UsageReport>;
}

/** The usage the list shows: the last day. */
export const USAGE_WINDOW = "24h";

/** Throws (as an AdminApiError) when the tenant itself can not be read: missing, or another tenant's key. */
export async function loadFunctionList(client: AdminApiClient, tenant: string): Promise<FunctionListData> {
  const { functions } = await client.get<FunctionList>(apiPath(tenant, "functions"));
  const [rows, usage] = await Promise.all([
    loadRows(client, tenant, functions),
    client.section<UsageReport>(`${apiPath(tenant, "usage")}?from=${USAGE_WINDOW}`),
  ]);
  return { rows, usage };
}

function loadRows(
  client: AdminApiClient,
  tenant: string,
  functions: FunctionRecord[],
): Promise<FunctionRow[]> {
  return Promise.all(
    functions.map(async (record): Promise<FunctionRow> => {
      const [versions, webhooks] = await Promise.all([
        client.section<VersionList>(apiPath(tenant, "functions", record.name, "versions")),
        client.section<WebhookList>(apiPath(tenant, "functions", record.name, "webhooks")),
      ]);
      const active = versions.ok
        ? versions.value.versions.find((version) => version.number === record.activeVersion)
        : undefined;
      return { function: record, active, versions, webhooks };
    }),
  );
}
