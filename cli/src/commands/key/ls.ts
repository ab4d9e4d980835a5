// `skiff key ls`: the tenant's API keys, revoked ones included; never the keys themselves.
import { defineCommand } from "../../command.js";
import { formatTable } from "../../format-table.js";
import { clientOptions } from "../client-options.js";
import { withClient } from "../with-client.js";

const time = (at: number | null) => (at === null ? "-" : new Date(at).toISOString());

export const keyLsCommand = defineCommand({
  name: "key ls",
  summary: "List API keys",
  usage: "skiff key ls [options]",
  description:
    "Shows each key's id, role, first characters, and when it was created, last used (written at most\n" +
    "once a minute) and revoked. Listing keys needs the operator key or an admin key of the tenant.",
  positionals: [],
  options: { ...clientOptions },
  examples: [
    { description: "list the default tenant's keys", command: "skiff key ls" },
    { description: "as JSON, for scripts", command: "skiff key ls -t acme --json" },
  ],
  async run({ values, context }) {
    return withClient(context, values.url, async (client) => {
      const keys = await client.listApiKeys(values.tenant);
      if (values.json) context.stdout(`${JSON.stringify(keys)}\n`);
      else if (keys.length === 0) {
        context.stdout(`No API keys in tenant ${values.tenant}. Create one with: skiff key create\n`);
      } else {
        const rows = keys.map((k) => [
          k.id,
          k.role,
          `${k.prefix}…`,
          time(k.createdAt),
          time(k.lastUsedAt),
          k.revokedAt === null ? "active" : `revoked ${time(k.revokedAt)}`,
        ]);
        context.stdout(formatTable(["ID", "ROLE", "PREFIX", "CREATED", "LAST USED", "STATUS"], rows));
      }
      return 0;
    });
  },
});
