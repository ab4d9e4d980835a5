// The operator's view of the platform: tenants, runtime workers and their isolate caches, queues, quarantines.
import type { FC } from "hono/jsx";
import type { BacklogView, RuntimeView } from "../api-views.js";
import { Badge, SectionPanel, Stat, Time } from "../components.js";
import { formatBytes, formatDuration, formatPercent } from "../format.js";
import { dashboardHref, Layout } from "../layout.js";
import type { SessionPrincipal } from "../session-store.js";
import type { OperatorPageData, TenantRow } from "./operator-data.js";

const Tenants: FC<{ rows: TenantRow[] }> = ({ rows }) => (
  <section class="panel" id="tenants">
    <h2>Tenants</h2>
    {rows.length === 0 ? (
      <p class="empty">No tenants.</p>
    ) : (
      <table data-table="tenants">
        <thead>
          <tr>
            <th>Tenant</th>
            <th>Created</th>
            <th class="num">Functions</th>
            <th class="num">Quarantined</th>
            <th class="num">Queues</th>
            <th class="num">Messages waiting</th>
          </tr>
        </thead>
        <tbody>
          {rows.map((row) => (
            <tr>
              <td>
                <a href={dashboardHref("tenants", row.tenant.name)}>{row.tenant.name}</a>
              </td>
              <td>
                <Time ms={row.tenant.createdAt} />
              </td>
              <td class="num">{row.functions.ok ? String(row.functions.value.functions.length) : "?"}</td>
              <td class="num">
                {row.quarantines.ok ? String(row.quarantines.value.quarantines.length) : "?"}
              </td>
              <td class="num">{row.queues.ok ? String(row.queues.value.queues.length) : "?"}</td>
              <td class="num">
                {row.queues.ok
                  ? String(row.queues.value.queues.reduce((sum, queue) => sum + queue.depth, 0))
                  : "?"}
              </td>
            </tr>
          ))}
        </tbody>
      </table>
    )}
  </section>
);

const Runtime: FC<{ runtime: RuntimeView }> = ({ runtime }) => {
  const caches = runtime.workers.flatMap((worker) => (worker.isolates ? [worker.isolates] : []));
  const hits = caches.reduce((sum, cache) => sum + cache.hits, 0);
  const misses = caches.reduce((sum, cache) => sum + cache.misses, 0);
  return (
    <div>
      <div class="stats">
        <Stat
          label="workers running"
          value={String(runtime.workers.filter((w) => w.pid !== undefined).length)}
        />
        <Stat label="restarts" value={String(runtime.workers.reduce((sum, w) => sum + w.restarts, 0))} />
        <Stat
          label="isolates cached"
          value={String(caches.reduce((sum, cache) => sum + cache.idle + cache.busy, 0))}
        />
        <Stat
          label="isolate heap"
          value={formatBytes(caches.reduce((sum, cache) => sum + cache.heapBytes, 0))}
        />
        <Stat label="warm hit rate" value={formatPercent(hits, hits + misses)} />
      </div>
      <table data-table="workers">
        <thead>
          <tr>
            <th class="num">Slot</th>
            <th>Role</th>
            <th class="num">PID</th>
            <th class="num">Restarts</th>
            <th class="num">RSS</th>
            <th class="num">Idle / busy isolates</th>
            <th class="num">Isolate heap</th>
            <th class="num">Hits / misses</th>
            <th class="num">Evictions</th>
          </tr>
        </thead>
        <tbody>
          {runtime.workers.map((worker) => (
            <tr>
              <td class="num">{String(worker.slot)}</td>
              <td>{worker.role}</td>
              <td class="num">{worker.pid === undefined ? "–" : String(worker.pid)}</td>
              <td class="num">{String(worker.restarts)}</td>
              <td class="num">{worker.rssBytes === undefined ? "–" : formatBytes(worker.rssBytes)}</td>
              <td class="num">
                {worker.isolates ? `${worker.isolates.idle} / ${worker.isolates.busy}` : "–"}
              </td>
              <td class="num">{worker.isolates ? formatBytes(worker.isolates.heapBytes) : "–"}</td>
              <td class="num">
                {worker.isolates ? `${worker.isolates.hits} / ${worker.isolates.misses}` : "–"}
              </td>
              <td class="num">{worker.isolates ? String(worker.isolates.evictions) : "–"}</td>
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
};

/** Async events waiting for delivery and dead letters waiting for a person, per tenant and kind. */
const Backlog: FC<{ backlog: BacklogView }> = ({ backlog }) => {
  const events = backlog.events.reduce((sum, row) => sum + row.count, 0);
  const oldest = Math.max(0, ...backlog.events.map((row) => row.oldestAgeMs));
  const dead = backlog.deadLetters.reduce((sum, row) => sum + row.count, 0);
  return (
    <div>
      <div class="stats">
        <Stat label="async events waiting" value={String(events)} />
        <Stat label="oldest waiting" value={events === 0 ? "–" : formatDuration(oldest)} />
        <Stat label="dead letters" value={String(dead)} />
      </div>
      {backlog.events.length + backlog.deadLetters.length > 0 && (
        <table data-table="backlog">
          <thead>
            <tr>
              <th>Tenant</th>
              <th>Kind</th>
              <th class="num">Waiting</th>
              <th class="num">Oldest</th>
              <th class="num">Dead letters</th>
            </tr>
          </thead>
          <tbody>
            {backlogRows(backlog).map((row) => (
              <tr>
                <td>{row.tenant}</td>
                <td>{row.kind}</td>
                <td class="num">{String(row.waiting)}</td>
                <td class="num">{row.oldestAgeMs === undefined ? "–" : formatDuration(row.oldestAgeMs)}</td>
                <td class="num">{String(row.dead)}</td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
    </div>
  );
};

/** Waiting events and dead letters joined on tenant and kind. */
function backlogRows(backlog: BacklogView) {
  const rows = new Map<
    string,
    { tenant: string; kind: string; waiting: number; oldestAgeMs?: number; dead: number }
  >();
  const row = (tenant: string, kind: string) => {
    const key = `${tenant}/${kind}`;
    let found = rows.get(key);
    if (found === undefined) {
      found = { tenant, kind, waiting: 0, dead: 0 };
      rows.set(key, found);
    }
    return found;
  };
  for (const event of backlog.events) {
    const target = row(event.tenant, event.kind);
    target.waiting = event.count;
    target.oldestAgeMs = event.oldestAgeMs;
  }
  for (const letter of backlog.deadLetters) row(letter.tenant, letter.kind).dead = letter.count;
  return [...rows.values()].sort((a, b) => a.tenant.localeCompare(b.tenant) || a.kind.localeCompare(b.kind));
}

const Queues: FC<{ rows: TenantRow[] }> = ({ rows }) => {
  const queues = rows.flatMap((row) => (row.queues.ok ? row.queues.value.queues : []));
  return (
    <section class="panel" id="queues">
      <h2>Queues</h2>
      {queues.length === 0 ? (
        <p class="empty">No queues.</p>
      ) : (
        <table data-table="queues">
          <thead>
            <tr>
              <th>Queue</th>
              <th class="num">Depth</th>
              <th class="num">In flight</th>
              <th class="num">Delayed</th>
              <th class="num">Oldest message</th>
              <th>Consumer</th>
            </tr>
          </thead>
          <tbody>
            {queues.map((queue) => (
              <tr>
                <td>{`${queue.tenant} / ${queue.name}`}</td>
                <td class="num">{String(queue.depth)}</td>
                <td class="num">{String(queue.inFlight)}</td>
                <td class="num">{String(queue.delayed)}</td>
                <td class="num">
                  {queue.oldestMessageAgeMs === null ? "–" : formatDuration(queue.oldestMessageAgeMs)}
                </td>
                <td>{queue.consumer?.function ?? <span class="muted">none</span>}</td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
    </section>
  );
};

const Quarantines: FC<{ rows: TenantRow[] }> = ({ rows }) => {
  const quarantines = rows.flatMap((row) => (row.quarantines.ok ? row.quarantines.value.quarantines : []));
  return (
    <section class="panel" id="quarantines">
      <h2>Quarantined functions</h2>
      {quarantines.length === 0 ? (
        <p class="empty">None.</p>
      ) : (
        <table>
          <thead>
            <tr>
              <th>Function</th>
              <th>Since</th>
              <th class="num">Crashes</th>
              <th>Reason</th>
            </tr>
          </thead>
          <tbody>
            {quarantines.map((quarantine) => (
              <tr>
                <td>
                  <a href={dashboardHref("tenants", quarantine.tenant, "functions", quarantine.functionName)}>
                    {`${quarantine.tenant} / ${quarantine.functionName}`}
                  </a>{" "}
                  <Badge value="quarantined" />
                </td>
                <td>
                  <Time ms={quarantine.since} />
                </td>
                <td class="num">{String(quarantine.crashes)}</td>
                <td>{quarantine.reason}</td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
    </section>
  );
};

export const OperatorPage: FC<{ nonce: string; principal: SessionPrincipal; data: OperatorPageData }> = ({
  nonce,
  principal,
  data,
}) => (
  <Layout title="Operator" nonce={nonce} principal={principal}>
    <h1>Platform</h1>
    <p class="subtitle">{`${data.tenants.length} ${data.tenants.length === 1 ? "tenant" : "tenants"}`}</p>
    <Tenants rows={data.tenants} />
    <SectionPanel
      title="Runtime workers and isolate cache"
      id="runtime"
      section={data.runtime}
      render={(runtime) => <Runtime runtime={runtime} />}
    />
    <SectionPanel
      title="Async event backlog"
      id="backlog"
      section={data.backlog}
      render={(backlog) => <Backlog backlog={backlog} />}
    />
    <Queues rows={data.tenants} />
    <Quarantines rows={data.tenants} />
  </Layout>
);
