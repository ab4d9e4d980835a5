// `skiff key create`: a new API key for the tenant, printed once.
import type { ApiKeyRoleName } from "../../api-client.js";
import { CliError } from "../../cli-error.js";
import { defineCommand } from "../../command.js";
import { clientOptions } from "../client-options.js";
import { withClient } from "../with-client.js";

const ROLES: readonly ApiKeyRoleName[] = ["admin", "deploy", "read"];

export const keyCreateCommand = defineCommand({
  name: "key create",
  summary: "Create an API key",
  usage: "skiff key create [--role <admin|deploy|read>] [options]",
  description:
    "Roles: admin (everything in the tenant, API keys included), deploy (everything but API keys), read\n" +
    "(GET and HEAD only). The key is printed once and never again: the server keeps only its hash.\n" +
    "Creating keys needs the operator key or an admin key of the tenant.",
  positionals: [],
  options: {
    role: {
      type: "string",
      default: "deploy",
      placeholder: "<role>",
      description: `the key's role: ${ROLES.join(", ")}`,
    },
    ...clientOptions,
  },
  examples: [
    { description: "a key for a CI pipeline that deploys", command: "skiff key create" },
    { description: "a read-only key for a dashboard", command: "skiff key create --role read" },
    {
      description: "an admin key for tenant acme, as JSON",
      command: "skiff key create --role admin -t acme --json",
    },
  ],
  async run({ values, context }) {
    const role = values.role as ApiKeyRoleName;
    if (!ROLES.includes(role)) {
      throw new CliError(`unknown role ${values.role}`, `use --role with one of: ${ROLES.join(", ")}`);
    }
    return withClient(context, values.url, async (client) => {
      const made = await client.createApiKey(values.tenant, role);
      context.stdout(
        values.json
          ? `${JSON.stringify(made)}\n`
          : `Created ${made.apiKey.role} key ${made.apiKey.id} in tenant ${values.tenant}.\n` +
              `  ${made.key}\n` +
              "Save it now: it is not shown again. Use it as SKIFF_TOKEN, or revoke it with\n" +
              `  skiff key revoke ${made.apiKey.id}\n`,
      );
      return 0;
    });
  },
});
