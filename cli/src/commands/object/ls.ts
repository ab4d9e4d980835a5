// `skiff object ls`: a bucket's objects, every page of them, in key order.
import type { ObjectSummary } from "../../api-client.js";
import { defineCommand } from "../../command.js";
import { formatTable, printable } from "../../format-table.js";
import { clientOptions } from "../client-options.js";
import { withClient } from "../with-client.js";

export const objectLsCommand = defineCommand({
  name: "object ls",
  summary: "List a bucket's objects",
  usage: "skiff object ls <bucket> [--prefix <prefix>] [--delimiter /] [options]",
  description:
    "Lists every object whose key starts with --prefix. With --delimiter /, keys below the next '/' are\n" +
    "rolled up into one folder line (PRE), as `aws s3 ls` shows them.",
  positionals: [{ name: "bucket", description: "the bucket", required: true }],
  options: {
    prefix: {
      type: "string",
      short: "p",
      placeholder: "<prefix>",
      description: "only keys starting with this",
    },
    delimiter: {
      type: "string",
      short: "d",
      placeholder: "<char>",
      description: "roll keys up to the next occurrence of this (usually /)",
    },
    ...clientOptions,
  },
  examples: [
    { description: "everything in a bucket", command: "skiff object ls uploads" },
    {
      description: "one folder, with its sub-folders rolled up",
      command: "skiff object ls uploads -p images/ -d /",
    },
    { description: "as JSON, for scripts", command: "skiff object ls uploads --json" },
  ],
  async run({ values, positionals, context }) {
    const bucket = positionals[0] as string;
    return withClient(context, values.url, async (client) => {
      const objects: ObjectSummary[] = [];
      const prefixes: string[] = [];
      let after: string | undefined;
      do {
        const page = await client.listObjects(values.tenant, bucket, {
          prefix: values.prefix,
          delimiter: values.delimiter,
          after,
        });
        objects.push(...page.objects);
        prefixes.push(...page.commonPrefixes);
        after = page.next ?? undefined;
      } while (after !== undefined);

      if (values.json) {
        context.stdout(`${JSON.stringify({ objects, commonPrefixes: prefixes })}\n`);
      } else if (objects.length === 0 && prefixes.length === 0) {
        const where = values.prefix === undefined ? "" : ` under ${printable(values.prefix)}`;
        context.stdout(`No objects in bucket ${bucket}${where}.\n`);
      } else {
        const rows = [
          ...prefixes.map((p) => ["PRE", "", printable(p)]),
          ...objects.map((o) => [new Date(o.lastModified).toISOString(), String(o.size), printable(o.key)]),
        ];
        context.stdout(formatTable(["MODIFIED", "SIZE", "KEY"], rows));
      }
      return 0;
    });
  },
});
