// Small pieces the dashboard pages share: times, outcome badges, figures, and a section that could not load.
import type { Child, FC } from "hono/jsx";
import type { Section } from "./admin-api-client.js";
import { formatUtc } from "./format.js";

/** A time in UTC, rewritten into the reader's zone by the page script. */
export const Time: FC<{ ms: number | null | undefined }> = ({ ms }) =>
  ms === null || ms === undefined ? (
    <span class="muted">–</span>
  ) : (
    <time datetime={new Date(ms).toISOString()} data-ts={String(ms)}>
      {formatUtc(ms)}
    </time>
  );

const GOOD = new Set(["ok", "active", "delivered", "verified", "200", "201", "202", "204"]);
const MILD = new Set(["skipped", "received", "canceled", "running"]);

/** An outcome or status as a coloured badge: ok green, waiting or skipped amber, anything else red. */
export const Badge: FC<{ value: string }> = ({ value }) => (
  <span class={`badge ${GOOD.has(value) ? "ok" : MILD.has(value) ? "warn" : "bad"}`}>{value}</span>
);

export const Stat: FC<{ label: string; value: string }> = ({ label, value }) => (
  <div class="stat">
    <div class="value">{value}</div>
    <div class="label">{label}</div>
  </div>
);

/** A page section: its heading, then what `render` makes of the loaded value, or why it could not load. */
export function SectionPanel<T>(props: {
  title: string;
  section: Section<T>;
  render: (value: T) => Child;
  id?: string;
}): Child {
  return (
    <section class="panel" id={props.id}>
      <h2>{props.title}</h2>
      {props.section.ok ? (
        props.render(props.section.value)
      ) : (
        <p class="notice">{`Could not load this (${props.section.status}): ${props.section.message}`}</p>
      )}
    </section>
  );
}
