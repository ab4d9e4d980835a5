// `skiff key revoke`: the key stops working at once; revoking it again is not an error.
import { defineCommand } from "../../command.js";
import { clientOptions } from "../client-options.js";
import { withClient } from "../with-client.js";

export const keyRevokeCommand = defineCommand({
  name: "key revoke",
  summary: "Revoke an API key",
  usage: "skiff key revoke <id> [options]",
  description:
    "Needs the operator key or an admin key of the tenant; any key may revoke itself. The key stays in\n" +
    "`skiff key ls` with its revocation time.",
  positionals: [{ name: "id", description: "the key's id (see skiff key ls)", required: true }],
  options: { ...clientOptions },
  examples: [
    { description: "revoke a leaked key", command: "skiff key revoke 0b7c…" },
    { description: "in tenant acme, answering JSON", command: "skiff key revoke 0b7c… -t acme --json" },
  ],
  async run({ values, positionals, context }) {
    const id = positionals[0] as string;
    return withClient(context, values.url, async (client) => {
      await client.revokeApiKey(values.tenant, id);
      context.stdout(values.json ? `${JSON.stringify({ revoked: true, id })}\n` : `Revoked API key ${id}.\n`);
      return 0;
    });
  },
});
