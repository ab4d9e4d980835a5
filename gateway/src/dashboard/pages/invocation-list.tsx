// Recent invocations, newest first, each opening onto its console lines, its error and its stack.
import type { FC } from "hono/jsx";
import type { InvocationRecord } from "../api-views.js";
import { Badge, Time } from "../components.js";
import { formatBytes, formatDuration, formatUtc } from "../format.js";

const Invocation: FC<{ record: InvocationRecord }> = ({ record }) => (
  <details class="invocation" data-invocation={record.id}>
    <summary>
      <Time ms={record.startedAt} />
      <span>
        <Badge value={record.outcome} />
      </span>
      <span title="HTTP status">{String(record.status)}</span>
      <span>{record.trigger}</span>
      <span title="wall-clock time">{formatDuration(record.wallMs)}</span>
      <span title="CPU time">{`CPU ${formatDuration(record.cpuMs)}`}</span>
      <span>{record.cold ? "cold" : "warm"}</span>
      <span class="id" title={record.id}>{`v${record.version} · ${record.id}`}</span>
    </summary>
    <div class="log">
      {record.logs.length === 0 && <p class="empty">No console output.</p>}
      {record.logs.map((line) => (
        <div class="log-line" data-level={line.level}>
          <span class="muted" data-ts={String(line.ts)} data-format="clock">
            {formatUtc(line.ts).slice(11, 19)}
          </span>
          <span class={`level level-${line.level}`}>{line.level}</span>
          <span class="message">{line.message}</span>
        </div>
      ))}
      {record.droppedLogLines > 0 && (
        <p class="notice">{`${record.droppedLogLines} more lines were dropped past the log cap.`}</p>
      )}
      {record.error && (
        <div>
          <strong class="error-text">{`${record.error.name}: ${record.error.message}`}</strong>
          {record.error.stack && <pre class="stack">{record.error.stack}</pre>}
        </div>
      )}
      {record.peakHeapBytes !== undefined && (
        <p class="muted">{`Peak heap ${formatBytes(record.peakHeapBytes)}`}</p>
      )}
    </div>
  </details>
);

export const InvocationList: FC<{ records: InvocationRecord[] }> = ({ records }) =>
  records.length === 0 ? (
    <p class="empty">No invocations yet.</p>
  ) : (
    <div data-list="invocations">
      {records.map((record) => (
        <Invocation record={record} />
      ))}
    </div>
  );
