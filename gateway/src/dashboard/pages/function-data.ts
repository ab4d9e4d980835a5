// Everything a function's page shows, loaded in parallel through the admin API; each part may fail alone.
import type { AdminApiClient, Section } from "../admin-api-client.js";
import { apiPath } from "../api-path.js";
import type {
  DeadLetterList,
  DeliveryList,
  FunctionDetail,
  InvocationList,
  TriggerList,
  TriggerRunList,
  VersionList,
  WebhookList,
  WebhookView,
} from "../api-views.js";
import { CHART_BUCKETS, type ChartSeries, chartSeries } from "../chart-series.js";

/** Records the chart reads at most: the API's largest page, and the default retention per function. */
export const CHART_RECORD_LIMIT = 1000;
export const RECENT_INVOCATIONS = 20;
const TABLE_ROWS = 20;
const DELIVERIES_PER_WEBHOOK = 10;

export interface FunctionPageData {
  detail: FunctionDetail;
  chart: Section<{ series: ChartSeries; truncated: boolean }>;
  recent: Section<InvocationList>;
  versions: Section<VersionList>;
  triggers: Section<TriggerList>;
  runs: Section<TriggerRunList>;
  deadLetters: Section<DeadLetterList>;
  webhooks: Section<Array<{ webhook: WebhookView; deliveries: Section<DeliveryList> }>>;
}

/** Throws (as an AdminApiError) when the function itself can not be read. */
export async function loadFunctionPage(
  client: AdminApiClient,
  tenant: string,
  name: string,
  window: { ms: number; now: number },
): Promise<FunctionPageData> {
  const path = (...segments: string[]) => apiPath(tenant, "functions", name, ...segments);
  const detail = await client.get<FunctionDetail>(path());
  const from = window.now - window.ms;
  const [records, recent, versions, triggers, runs, deadLetters, webhookList] = await Promise.all([
    client.section<InvocationList>(`${path("logs")}?since=${from}&limit=${CHART_RECORD_LIMIT}`),
    client.section<InvocationList>(`${path("invocations")}?limit=${RECENT_INVOCATIONS}`),
    client.section<VersionList>(path("versions")),
    client.section<TriggerList>(path("triggers")),
    client.section<TriggerRunList>(`${path("triggers", "runs")}?limit=${TABLE_ROWS}`),
    client.section<DeadLetterList>(`${path("dead-letters")}?limit=${TABLE_ROWS}`),
    client.section<WebhookList>(path("webhooks")),
  ]);
  const chart: FunctionPageData["chart"] = records.ok
    ? {
        ok: true,
        value: {
          series: chartSeries(records.value.invocations, window.now, window.ms, CHART_BUCKETS),
          truncated: records.value.invocations.length >= CHART_RECORD_LIMIT,
        },
      }
    : records;
  const webhooks: FunctionPageData["webhooks"] = webhookList.ok
    ? {
        ok: true,
        value: await Promise.all(
          webhookList.value.webhooks.map(async (webhook) => ({
            webhook,
            deliveries: await client.section<DeliveryList>(
              `${path("webhooks", webhook.id, "deliveries")}?limit=${DELIVERIES_PER_WEBHOOK}`,
            ),
          })),
        ),
      }
    : webhookList;
  return { detail, chart, recent, versions, triggers, runs, deadLetters, webhooks };
}
