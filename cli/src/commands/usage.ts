// `skiff usage`: what a tenant's functions used (requests, GB-seconds, CPU, egress) and, with prices, cost.
import type { EstimatedCost, UsageReport } from "@skiff/gateway";
import { defineCommand } from "../command.js";
import { formatTable } from "../format-table.js";
import { clientOptions } from "./client-options.js";
import { withClient } from "./with-client.js";

export const usageCommand = defineCommand({
  name: "usage",
  summary: "Show a tenant's usage per function, and its estimated cost",
  usage: "skiff usage [--from <time>] [--to <time>] [options]",
  description:
    "Requests, errors, GB-seconds (memory × wall time, as Lambda bills), CPU time and outbound fetch bytes of\n" +
    "each function, and the bytes the tenant stores now. Usage is kept per UTC hour and outlives invocation\n" +
    "records. With a price table on the server (SKIFF_PRICES), also an estimated cost. A time is epoch ms, an\n" +
    "ISO 8601 date or time (2026-11-01, 2026-11-01T12:00:00Z) or a duration back from now (24h, 7d).",
  positionals: [],
  options: {
    ...clientOptions,
    from: {
      type: "string",
      placeholder: "<time>",
      description: "start (default: the start of this UTC month)",
    },
    to: { type: "string", placeholder: "<time>", description: "end, exclusive (default: now)" },
  },
  examples: [
    { description: "this month so far", command: "skiff usage" },
    {
      description: "the last 7 days of tenant acme, as JSON",
      command: "skiff usage -t acme --from 7d --json",
    },
    { description: "one day", command: "skiff usage --from 2026-11-01 --to 2026-11-02" },
  ],
  async run({ values, context }) {
    const range = {
      ...(values.from === undefined ? {} : { from: values.from }),
      ...(values.to === undefined ? {} : { to: values.to }),
    };
    return withClient(context, values.url, async (client) => {
      const report = await client.getUsage(values.tenant, range);
      context.stdout(values.json ? `${JSON.stringify(report)}\n` : describeUsage(report));
      return 0;
    });
  },
});

/** The report as a person reads it: a table per function with a total row, stored bytes, the estimated cost. */
export function describeUsage(report: UsageReport): string {
  const span = `${isoMinute(report.from)} to ${isoMinute(report.to)}`;
  const lines = [`Usage of tenant ${report.tenant}, ${span} (UTC hours):\n`];
  if (report.functions.length === 0) {
    lines.push("No invocations in this range.\n");
  } else {
    const row = (name: string, u: UsageReport["totals"]) => [
      name,
      String(u.requests),
      String(u.errors),
      u.gbSeconds.toFixed(6),
      u.cpuMs.toFixed(1),
      bytes(u.egressBytes),
    ];
    lines.push(
      formatTable(
        ["FUNCTION", "REQUESTS", "ERRORS", "GB-SECONDS", "CPU-MS", "EGRESS"],
        [...report.functions.map((f) => row(f.name, f)), row("(total)", report.totals)],
      ),
    );
  }
  lines.push(`Stored now: ${bytes(report.storedBytes)}\n`);
  const cost = report.totals.estimatedCost;
  if (cost !== undefined) lines.push(`Estimated cost: ${describeCost(cost)}\n`);
  return lines.join("");
}

function describeCost(cost: EstimatedCost): string {
  const parts = (["requests", "duration", "cpu", "egress"] as const).flatMap((name) => {
    const line = cost[name];
    return line === undefined ? [] : [`${name} ${amount(line.amount)}`];
  });
  return `${amount(cost.total)} ${cost.currency}${parts.length === 0 ? "" : ` (${parts.join(", ")})`}`;
}

/** Small amounts keep their significant digits (a few requests cost millionths). */
function amount(value: number): string {
  return value !== 0 && Math.abs(value) < 0.01 ? value.toPrecision(3) : value.toFixed(2);
}

function isoMinute(ms: number): string {
  return new Date(ms).toISOString().slice(0, 16).replace("T", " ");
}

function bytes(count: number): string {
  const units = ["B", "KB", "MB", "GB", "TB"];
  let value = count;
  let unit = 0;
  while (value >= 1024 && unit < units.length - 1) {
    value /= 1024;
    unit++;
  }
  return unit === 0 ? `${value} B` : `${value.toFixed(1)} ${units[unit]}`;
}
