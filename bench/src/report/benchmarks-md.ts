// BENCHMARKS.md, written only by the script: the latest run's tables, the latest CPU profile summary (kept until
// a new profile run replaces it), the hand-written profile notes (bench/profile-notes.md), and a short history
// of headline figures across runs so that a regression is visible.
import { PROFILE_TARGETS } from "../profile/profile-targets.js";
import type { BenchReport } from "../results.js";
import { renderMarkdown } from "./render.js";
import { allTables } from "./tables.js";

const HISTORY_ROWS = 20;

export function sectionOf(text: string | undefined, name: string): string | undefined {
  if (text === undefined) return undefined;
  const start = text.indexOf(`<!-- ${name}:start -->`);
  const end = text.indexOf(`<!-- ${name}:end -->`);
  if (start < 0 || end < start) return undefined;
  return text.slice(start + `<!-- ${name}:start -->`.length, end).trim();
}

function section(name: string, content: string): string {
  return `<!-- ${name}:start -->\n${content.trim()}\n<!-- ${name}:end -->\n`;
}

/** Replaces (or appends) one marked section of an existing BENCHMARKS.md, leaving the rest as it was. */
export function replaceSection(text: string, name: string, content: string): string {
  const start = text.indexOf(`<!-- ${name}:start -->`);
  const endMarker = `<!-- ${name}:end -->`;
  const end = text.indexOf(endMarker);
  if (start < 0 || end < start) return `${text.trimEnd()}\n\n${section(name, content)}`;
  return `${text.slice(0, start)}${section(name, content).trimEnd()}${text.slice(end + endMarker.length)}`;
}

const HISTORY_HEADER =
  "| date | mode | Skiff ÷ workerd req/s | Skiff ÷ hono req/s | added p50 ms | cold p50 ms | MiB / isolate | async events/s | cron p99 ms |\n" +
  "|---|---|---|---|---|---|---|---|---|";

export function historyRow(report: BenchReport): string {
  const figure = (id: string) => {
    const value = report.targets.find((t) => t.id === id)?.figure;
    return value === null || value === undefined ? "–" : String(value);
  };
  return `| ${report.machine.date.slice(0, 16).replace("T", " ")} | ${report.mode} | ${figure("rps-vs-workerd")} | ${figure(
    "rps-vs-hono",
  )} | ${figure("added-latency")} | ${figure("cold-p50-after-deploy")} | ${figure("rss-per-isolate")} | ${figure(
    "async-throughput",
  )} | ${figure("cron-lag-p99")} |`;
}

export function benchmarksMarkdown(
  report: BenchReport,
  previous: string | undefined,
  profileNotes: string | undefined,
): string {
  const oldRows = (sectionOf(previous, "history") ?? "").split("\n").filter((line) => line.startsWith("| 2"));
  const history = [historyRow(report), ...oldRows].slice(0, HISTORY_ROWS);
  const profiles = PROFILE_TARGETS.map((target) => {
    const name = `profile-${target}`;
    const kept =
      sectionOf(previous, name) ??
      `## CPU profile: ${target}\n\nNone yet: run \`npm run bench -- --profile ${target}\`.`;
    return section(name, kept);
  });
  const beforeAfter = sectionOf(previous, "before-after");
  const ceiling = sectionOf(previous, "ceiling");
  return [
    "# Benchmarks",
    "",
    "<!-- Written by `npm run bench` (bench/src/main.ts); do not edit by hand, run the script again. -->",
    "",
    "Skiff side by side with bare `node:http`, `@hono/node-server` and Cloudflare's `workerd`, all on 127.0.0.1 of",
    "the same machine in one run; load comes from autocannon in a separate process. `npm run bench` runs the quick",
    "set, `npm run bench -- --full` everything. Numbers taken while other work ran on the machine are noisy: read",
    "the load average below, and compare ratios within one run rather than figures across machines.",
    "",
    renderMarkdown(allTables(report)),
    ...profiles,
    ...(beforeAfter === undefined ? [] : [section("before-after", beforeAfter)]),
    ...(ceiling === undefined ? [] : [section("ceiling", ceiling)]),
    "## Profile notes",
    "",
    (profileNotes ?? "None yet (bench/profile-notes.md).").trim(),
    "",
    section("history", `## History (latest first)\n\n${HISTORY_HEADER}\n${history.join("\n")}`),
  ].join("\n");
}
