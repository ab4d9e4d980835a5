// `skiff ls`: the tenant's functions and the version each one serves.
import { resolveClientSettings } from "../client-settings.js";
import { defineCommand } from "../command.js";
import { formatTable } from "../format-table.js";
import { clientOptions } from "./client-options.js";

export const lsCommand = defineCommand({
  name: "ls",
  summary: "List functions with their active version",
  usage: "skiff ls [options]",
  positionals: [],
  options: { ...clientOptions },
  examples: [
    { description: "list the default tenant's functions", command: "skiff ls" },
    { description: "as JSON, for scripts", command: "skiff ls --json" },
  ],
  async run({ values, context }) {
    const settings = await resolveClientSettings(context.env, context.cwd, { url: values.url });
    const client = context.createClient(settings);
    try {
      const functions = await client.listFunctions(values.tenant);
      if (values.json) {
        context.stdout(`${JSON.stringify(functions)}\n`);
        return 0;
      }
      if (functions.length === 0) {
        context.stdout(
          `No functions in tenant ${values.tenant}. Deploy one with: skiff deploy <file> --name <name>\n`,
        );
        return 0;
      }
      const rows = functions.map((f) => [
        f.name,
        f.activeVersion === null ? "-" : String(f.activeVersion),
        f.updatedAt === null ? "-" : new Date(f.updatedAt).toISOString(),
      ]);
      context.stdout(formatTable(["NAME", "VERSION", "UPDATED"], rows));
      return 0;
    } finally {
      await client.close();
    }
  },
});
