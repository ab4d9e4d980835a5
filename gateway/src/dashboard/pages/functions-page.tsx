// A tenant's functions: active version, how many versions, triggers (HTTP, cron, webhooks) and limits.
import type { FC } from "hono/jsx";
import type { UsageReport } from "../api-views.js";
import { Badge, Stat, Time } from "../components.js";
import { formatBytes, formatDuration } from "../format.js";
import { dashboardHref, Layout } from "../layout.js";
import type { SessionPrincipal } from "../session-store.js";
import type { FunctionListData, FunctionRow } from "./functions-data.js";

const Triggers: FC<{ row: FunctionRow; tenant: string }> = ({ row, tenant }) => (
  <div>
    <span class="badge" title="Reachable over HTTP at this path on any host">
      {`HTTP /fn/${tenant}/${row.function.name}`}
    </span>
    {row.active?.config.triggers.crons.map((trigger) => (
      <span class="badge" title={`time zone ${trigger.timezone}`}>{`cron ${trigger.cron}`}</span>
    ))}
    {row.webhooks.ok &&
      row.webhooks.value.webhooks.map((webhook) => (
        <span class="badge">{`webhook ${webhook.provider} (${webhook.mode})`}</span>
      ))}
  </div>
);

/** The tenant's last day in figures, as the usage API counts it. */
const UsageSummary: FC<{ usage: UsageReport }> = ({ usage }) => (
  <div class="stats" id="usage">
    <Stat label="requests, last 24 h" value={String(usage.totals.requests)} />
    <Stat label="errors, last 24 h" value={String(usage.totals.errors)} />
    <Stat label="GB-seconds" value={String(Number(usage.totals.gbSeconds.toFixed(3)))} />
    <Stat label="CPU" value={formatDuration(usage.totals.cpuMs)} />
    <Stat label="egress" value={formatBytes(usage.totals.egressBytes)} />
    <Stat label="stored" value={formatBytes(usage.storedBytes)} />
    {usage.totals.estimatedCost && (
      <Stat
        label="estimated cost"
        value={`${usage.totals.estimatedCost.total.toFixed(4)} ${usage.totals.estimatedCost.currency}`}
      />
    )}
  </div>
);

export const FunctionsPage: FC<{
  nonce: string;
  principal: SessionPrincipal;
  tenant: string;
  data: FunctionListData;
}> = ({ nonce, principal, tenant, data }) => {
  const { rows, usage } = data;
  const usageOf = (name: string) =>
    usage.ok ? usage.value.functions.find((f) => f.name === name) : undefined;
  return (
    <Layout title={`Functions · ${tenant}`} nonce={nonce} principal={principal}>
      <h1>Functions</h1>
      <p class="subtitle">{`Tenant ${tenant} · ${rows.length} ${rows.length === 1 ? "function" : "functions"}`}</p>
      {usage.ok ? (
        <UsageSummary usage={usage.value} />
      ) : (
        <p class="notice">{`Usage could not be loaded (${usage.status}): ${usage.message}`}</p>
      )}
      <section class="panel">
        {rows.length === 0 ? (
          <p class="empty">
            No functions yet. Deploy one with <code>skiff deploy</code>.
          </p>
        ) : (
          <table data-table="functions">
            <thead>
              <tr>
                <th>Function</th>
                <th class="num">Active version</th>
                <th class="num">Versions</th>
                <th>Triggers</th>
                <th class="num">Requests 24 h</th>
                <th class="num">Errors 24 h</th>
                <th>Limits</th>
                <th>Updated</th>
              </tr>
            </thead>
            <tbody>
              {rows.map((row) => (
                <tr>
                  <td>
                    <a href={dashboardHref("tenants", tenant, "functions", row.function.name)}>
                      {row.function.name}
                    </a>
                    {row.function.quarantine && <Badge value="quarantined" />}
                  </td>
                  <td class="num">
                    {row.function.activeVersion === null ? "–" : `v${row.function.activeVersion}`}
                  </td>
                  <td class="num">{row.versions.ok ? String(row.versions.value.versions.length) : "?"}</td>
                  <td>
                    <Triggers row={row} tenant={tenant} />
                  </td>
                  <td class="num">{String(usageOf(row.function.name)?.requests ?? 0)}</td>
                  <td class="num">{String(usageOf(row.function.name)?.errors ?? 0)}</td>
                  <td class="muted">
                    {row.active
                      ? `${row.active.config.memoryMb} MB · timeout ${formatDuration(row.active.config.timeoutMs)}`
                      : "–"}
                  </td>
                  <td>
                    <Time ms={row.function.updatedAt} />
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        )}
      </section>
    </Layout>
  );
};
