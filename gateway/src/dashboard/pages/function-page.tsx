// One function: its activity chart over a chosen window, recent invocations with logs, triggers and cron runs,
// dead letters, webhook deliveries and versions.
import type { FC } from "hono/jsx";
import { CHART_WINDOWS, type ChartWindow } from "../chart-series.js";
import { Badge, SectionPanel, Stat, Time } from "../components.js";
import { formatBytes, formatDuration, formatPercent } from "../format.js";
import { DurationChart, InvocationsChart } from "../invocation-chart.js";
import { dashboardHref, Layout } from "../layout.js";
import type { SessionPrincipal } from "../session-store.js";
import { CHART_RECORD_LIMIT, type FunctionPageData } from "./function-data.js";
import { InvocationList } from "./invocation-list.js";

export interface FunctionPageProps {
  nonce: string;
  principal: SessionPrincipal;
  tenant: string;
  name: string;
  window: ChartWindow;
  data: FunctionPageData;
}

const Toolbar: FC<{ tenant: string; name: string; window: ChartWindow }> = ({ tenant, name, window }) => (
  <div class="toolbar">
    <span class="windows">
      {Object.keys(CHART_WINDOWS).map((option) => (
        <a
          href={`${dashboardHref("tenants", tenant, "functions", name)}?window=${option}`}
          aria-current={option === window ? "page" : undefined}
        >
          {option}
        </a>
      ))}
    </span>
    <label>
      <input type="checkbox" id="auto-refresh" /> refresh every 10 s
    </label>
  </div>
);

const Activity: FC<{ data: FunctionPageData; window: ChartWindow }> = ({ data, window }) => (
  <SectionPanel
    title={`Activity, last ${window}`}
    id="activity"
    section={data.chart}
    render={({ series, truncated }) => (
      <div>
        <div class="stats">
          <Stat label="invocations" value={String(series.summary.invocations)} />
          <Stat label="errors" value={String(series.summary.errors)} />
          <Stat label="error rate" value={formatPercent(series.summary.errors, series.summary.invocations)} />
          <Stat
            label="p50 duration"
            value={series.summary.p50Ms === undefined ? "–" : formatDuration(series.summary.p50Ms)}
          />
          <Stat
            label="p99 duration"
            value={series.summary.p99Ms === undefined ? "–" : formatDuration(series.summary.p99Ms)}
          />
          <Stat label="cold starts" value={String(series.summary.coldStarts)} />
        </div>
        {truncated && (
          <p class="notice">{`Drawn from the ${CHART_RECORD_LIMIT} most recent invocations; older ones in this window are not counted.`}</p>
        )}
        <div class="charts">
          <InvocationsChart series={series} />
          <DurationChart series={series} />
        </div>
      </div>
    )}
  />
);

const Triggers: FC<{ data: FunctionPageData; tenant: string; name: string }> = ({ data, tenant, name }) => (
  <SectionPanel
    title="Triggers"
    id="triggers"
    section={data.triggers}
    render={({ triggers }) => (
      <table>
        <tbody>
          <tr>
            <th>HTTP</th>
            <td>
              <code>{`/fn/${tenant}/${name}/`}</code>
            </td>
          </tr>
          {triggers.map((trigger) => (
            <tr>
              <th>cron</th>
              <td>
                <code>{trigger.cron}</code>
                <span class="muted">{` ${trigger.timezone} · next `}</span>
                {trigger.nextRuns[0] === undefined ? "–" : <Time ms={Date.parse(trigger.nextRuns[0])} />}
              </td>
            </tr>
          ))}
          {data.webhooks.ok &&
            data.webhooks.value.map(({ webhook }) => (
              <tr>
                <th>webhook</th>
                <td>
                  <code>{webhook.url}</code>
                  <span class="muted">{` ${webhook.provider} · ${webhook.mode}`}</span>
                </td>
              </tr>
            ))}
        </tbody>
      </table>
    )}
  />
);

const Versions: FC<{ data: FunctionPageData }> = ({ data }) => (
  <SectionPanel
    title="Versions"
    id="versions"
    section={data.versions}
    render={({ versions }) => (
      <table>
        <thead>
          <tr>
            <th>Version</th>
            <th>Deployed</th>
            <th>Entry</th>
            <th class="num">Code</th>
            <th>Hash</th>
          </tr>
        </thead>
        <tbody>
          {[...versions]
            .sort((a, b) => b.number - a.number)
            .map((version) => (
              <tr>
                <td>
                  {`v${version.number} `}
                  {version.number === data.detail.function.activeVersion && <Badge value="active" />}
                </td>
                <td>
                  <Time ms={version.createdAt} />
                </td>
                <td>
                  <code>{version.main}</code>
                </td>
                <td class="num">{formatBytes(version.codeSize)}</td>
                <td class="muted">
                  <code>{version.codeHash.slice(0, 12)}</code>
                </td>
              </tr>
            ))}
        </tbody>
      </table>
    )}
  />
);

const CronRuns: FC<{ data: FunctionPageData }> = ({ data }) => (
  <SectionPanel
    title="Cron runs"
    id="cron-runs"
    section={data.runs}
    render={({ runs }) =>
      runs.length === 0 ? (
        <p class="empty">No cron runs yet.</p>
      ) : (
        <table>
          <thead>
            <tr>
              <th>Scheduled for</th>
              <th>Cron</th>
              <th>Outcome</th>
              <th class="num">Attempt</th>
              <th>Took</th>
              <th>Invocation</th>
            </tr>
          </thead>
          <tbody>
            {runs.map((run) => (
              <tr>
                <td>
                  <Time ms={run.scheduledTime} />
                  {run.manual && <span class="muted"> (by hand)</span>}
                </td>
                <td>
                  <code>{run.cron}</code>
                </td>
                <td>
                  <Badge value={run.outcome ?? "running"} />
                </td>
                <td class="num">{String(run.attempt)}</td>
                <td>
                  {run.startedAt !== null && run.endedAt !== null
                    ? formatDuration(run.endedAt - run.startedAt)
                    : "–"}
                </td>
                <td class="muted">
                  <code>{run.invocationId ?? "–"}</code>
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      )
    }
  />
);

const DeadLetters: FC<{ data: FunctionPageData }> = ({ data }) => (
  <SectionPanel
    title="Dead letters"
    id="dead-letters"
    section={data.deadLetters}
    render={({ deadLetters }) =>
      deadLetters.length === 0 ? (
        <p class="empty">No dead letters.</p>
      ) : (
        <table>
          <thead>
            <tr>
              <th>Failed</th>
              <th>Kind</th>
              <th class="num">Attempts</th>
              <th>Reason</th>
              <th>Last error</th>
              <th>Event</th>
            </tr>
          </thead>
          <tbody>
            {deadLetters.map((letter) => (
              <tr>
                <td>
                  <Time ms={letter.failedAt} />
                </td>
                <td>{letter.kind}</td>
                <td class="num">{String(letter.attempts)}</td>
                <td>{letter.reason}</td>
                <td class="error-text">{letter.lastError ?? "–"}</td>
                <td class="muted">
                  <code>{letter.id}</code>
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      )
    }
  />
);

const WebhookDeliveries: FC<{ data: FunctionPageData }> = ({ data }) => (
  <SectionPanel
    title="Webhook deliveries"
    id="webhook-deliveries"
    section={data.webhooks}
    render={(webhooks) =>
      webhooks.length === 0 ? (
        <p class="empty">No webhook receivers.</p>
      ) : (
        webhooks.map(({ webhook, deliveries }) => (
          <div>
            <h3>
              <code>{webhook.url}</code>
              <span class="muted">{` ${webhook.provider}`}</span>
            </h3>
            {!deliveries.ok ? (
              <p class="notice">{`Could not load deliveries: ${deliveries.message}`}</p>
            ) : deliveries.value.deliveries.length === 0 ? (
              <p class="empty">No deliveries yet.</p>
            ) : (
              <table>
                <thead>
                  <tr>
                    <th>Received</th>
                    <th>Event</th>
                    <th>Signature</th>
                    <th>Status</th>
                    <th class="num">Attempts</th>
                    <th>Invocation</th>
                  </tr>
                </thead>
                <tbody>
                  {deliveries.value.deliveries.map((delivery) => (
                    <tr>
                      <td>
                        <Time ms={delivery.receivedAt} />
                      </td>
                      <td>{delivery.eventType ?? "–"}</td>
                      <td>
                        <Badge value={delivery.verification} />
                        {delivery.failureReason && <span class="muted">{delivery.failureReason}</span>}
                      </td>
                      <td>
                        <Badge value={delivery.status} />
                      </td>
                      <td class="num">{String(delivery.attempts)}</td>
                      <td class="muted">
                        <code>{delivery.invocationId ?? "–"}</code>
                      </td>
                    </tr>
                  ))}
                </tbody>
              </table>
            )}
          </div>
        ))
      )
    }
  />
);

export const FunctionPage: FC<FunctionPageProps> = ({ nonce, principal, tenant, name, window, data }) => {
  const { function: record, version } = data.detail;
  return (
    <Layout title={`${name} · ${tenant}`} nonce={nonce} principal={principal}>
      <p class="muted">
        <a href={dashboardHref("tenants", tenant)}>{tenant}</a>
        {" / functions"}
      </p>
      <h1>
        {`${name} `}
        {record.quarantine && <Badge value="quarantined" />}
      </h1>
      <p class="subtitle">
        {version
          ? `v${version.number} active · ${version.config.memoryMb} MB · timeout ${formatDuration(version.config.timeoutMs)} · CPU ${formatDuration(version.config.cpuMs)} · updated `
          : "no active version · updated "}
        <Time ms={record.updatedAt} />
      </p>
      {record.quarantine && (
        <p class="error-text">{`Quarantined since its worker crashed ${record.quarantine.crashes} times: ${record.quarantine.reason}`}</p>
      )}
      <Toolbar tenant={tenant} name={name} window={window} />
      <Activity data={data} window={window} />
      <SectionPanel
        title="Recent invocations"
        id="invocations"
        section={data.recent}
        render={({ invocations }) => <InvocationList records={invocations} />}
      />
      <div class="grid">
        <Triggers data={data} tenant={tenant} name={name} />
        <Versions data={data} />
      </div>
      <CronRuns data={data} />
      <DeadLetters data={data} />
      <WebhookDeliveries data={data} />
    </Layout>
  );
};
