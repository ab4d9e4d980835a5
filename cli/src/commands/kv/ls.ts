// `skiff kv ls`: a namespace's keys, every page of them, in key order.
import type { KvKeyInfo } from "../../api-client.js";
import { defineCommand } from "../../command.js";
import { formatTable, printable } from "../../format-table.js";
import { clientOptions } from "../client-options.js";
import { withClient } from "../with-client.js";

export const kvLsCommand = defineCommand({
  name: "kv ls",
  summary: "List a KV namespace's keys",
  usage: "skiff kv ls <namespace> [--prefix <prefix>] [options]",
  positionals: [{ name: "namespace", description: "the KV namespace", required: true }],
  options: {
    prefix: {
      type: "string",
      short: "p",
      placeholder: "<prefix>",
      description: "only keys starting with this",
    },
    ...clientOptions,
  },
  examples: [
    { description: "every key", command: "skiff kv ls cache" },
    { description: "the keys of one kind, as JSON", command: "skiff kv ls cache --prefix user: --json" },
  ],
  async run({ values, positionals, context }) {
    const namespace = positionals[0] as string;
    return withClient(context, values.url, async (client) => {
      const keys: KvKeyInfo[] = [];
      let cursor: string | undefined;
      for (;;) {
        const page = await client.kvList(values.tenant, namespace, { prefix: values.prefix, cursor });
        keys.push(...page.keys);
        if (page.complete || page.cursor === null) break;
        cursor = page.cursor;
      }
      if (values.json) context.stdout(`${JSON.stringify(keys)}\n`);
      else if (keys.length === 0) context.stdout(`No keys in KV namespace ${namespace}.\n`);
      else {
        const rows = keys.map((k) => [
          printable(k.name),
          k.expiration === null ? "-" : new Date(k.expiration * 1000).toISOString(),
        ]);
        context.stdout(formatTable(["KEY", "EXPIRES"], rows));
      }
      return 0;
    });
  },
});
