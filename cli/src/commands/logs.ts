// `skiff logs`: a function's invocations with their log lines, recent ones or live (-f).
import { type InvocationRecord, LOG_LEVELS, OUTCOMES, SINCE_FORMAT, SINCE_PATTERN } from "@skiff/core";
import type { LogsQuery } from "../api-client.js";
import { CliError } from "../cli-error.js";
import { defineCommand } from "../command.js";
import { ndjsonLine, prettyRecord } from "../logs/format-record.js";
import { clientOptions } from "./client-options.js";
import { withClient } from "./with-client.js";

export const logsCommand = defineCommand({
  name: "logs",
  summary: "Show a function's invocations and their log lines, or follow them live",
  usage: "skiff logs <name> [-f] [--since <when>] [--level <level>] [--outcome <outcomes>] [options]",
  description:
    "Prints each invocation's console lines (time, level, message) and an outcome line (status, trigger,\n" +
    "version, cold or warm, wall and CPU time, peak heap, id), oldest first. On a terminal the output is for\n" +
    "people; piped, or with --json, it is one JSON record per line (NDJSON). -f keeps following new\n" +
    "invocations until Ctrl-C; with --since it first prints the stored ones since then. Records and lines a\n" +
    "slow reader or the log cap dropped are reported on stderr, never silently lost.",
  positionals: [{ name: "name", description: "the function", required: true }],
  options: {
    follow: { type: "boolean", short: "f", description: "keep printing new invocations as they finish" },
    since: {
      type: "string",
      placeholder: "<when>",
      description: "only invocations since then: a duration back from now (30s, 10m, 2h, 1d) or epoch ms",
    },
    level: {
      type: "string",
      placeholder: "<level>",
      description: `only lines at this level or worse (${LOG_LEVELS.join(", ")})`,
    },
    outcome: {
      type: "string",
      placeholder: "<outcomes>",
      description: "only these outcomes, comma-separated (e.g. exception,timeout)",
    },
    limit: {
      type: "string",
      placeholder: "<n>",
      description: "at most this many invocations (1–1000, default 50)",
    },
    id: { type: "string", placeholder: "<invocation>", description: "show one invocation by its id" },
    ...clientOptions,
  },
  examples: [
    { description: "the last invocations of hello", command: "skiff logs hello" },
    {
      description: "follow hello live, starting with the last 10 minutes",
      command: "skiff logs hello -f --since 10m",
    },
    {
      description: "only failures, with warnings and errors",
      command: "skiff logs api --outcome exception,timeout --level warn",
    },
    {
      description: "one invocation (its id is in the x-skiff-invocation-id header)",
      command: "skiff logs hello --id 5b0c…",
    },
    { description: "NDJSON for jq", command: "skiff logs hello --json | jq -r '.logs[].message'" },
  ],
  async run({ values, positionals, context }) {
    const name = positionals[0] as string;
    const query = checkedQuery(values);
    const machine = values.json || context.stdoutIsTerminal !== true;
    const color = !machine && context.env.NO_COLOR === undefined;
    const print = (record: InvocationRecord) =>
      context.stdout(machine ? ndjsonLine(record) : prettyRecord(record, { color }));

    return withClient(context, values.url, async (client) => {
      if (values.id !== undefined) {
        print(await client.getInvocation(values.tenant, name, values.id));
        return 0;
      }
      if (!values.follow) {
        const records = await client.listLogs(values.tenant, name, query);
        // The server answers newest first; a log reads oldest first.
        for (const record of records.reverse()) print(record);
        if (records.length === 0 && !machine) context.stderr(`no invocations of ${name} match\n`);
        return 0;
      }
      const stop = new AbortController();
      void context.waitForStop().then(() => stop.abort());
      const ended = await client.followLogs(
        values.tenant,
        name,
        query,
        {
          onInvocation: print,
          onReady: () => context.stderr(`following ${name} (Ctrl-C to stop)\n`),
          onDropped: (dropped) =>
            context.stderr(`skiff: ${dropped} invocations were not shown: this reader fell behind\n`),
        },
        stop.signal,
      );
      if (ended === "ended") {
        context.stderr("the server ended the stream (it is shutting down or restarting)\n");
        return 1;
      }
      return 0;
    });
  },
});

function checkedQuery(values: {
  since?: string | undefined;
  level?: string | undefined;
  outcome?: string | undefined;
  limit?: string | undefined;
}): LogsQuery {
  if (values.since !== undefined && !SINCE_PATTERN.test(values.since)) {
    throw new CliError(`--since ${JSON.stringify(values.since)} is not a time`, `give ${SINCE_FORMAT}`);
  }
  if (values.level !== undefined && !(LOG_LEVELS as readonly string[]).includes(values.level)) {
    throw new CliError(
      `--level ${JSON.stringify(values.level)} is not a level`,
      `use one of ${LOG_LEVELS.join(", ")}`,
    );
  }
  if (values.outcome !== undefined) {
    const unknown = values.outcome.split(",").filter((o) => !(OUTCOMES as readonly string[]).includes(o));
    if (unknown.length > 0) {
      throw new CliError(
        `--outcome: ${unknown.map((o) => JSON.stringify(o)).join(", ")} is not an outcome`,
        `use ${OUTCOMES.join(", ")}, comma-separated`,
      );
    }
  }
  let limit: number | undefined;
  if (values.limit !== undefined) {
    limit = Number(values.limit);
    if (!/^\d+$/.test(values.limit) || limit < 1 || limit > 1000) {
      throw new CliError(
        `--limit ${JSON.stringify(values.limit)} is not a number from 1 to 1000`,
        "e.g. --limit 100",
      );
    }
  }
  return { since: values.since, level: values.level, outcome: values.outcome, limit };
}
