// `skiff bucket rm`: deletes a bucket; one that holds objects only with --force.
import { ApiError } from "../../api-error.js";
import { CliError } from "../../cli-error.js";
import { defineCommand } from "../../command.js";
import { clientOptions } from "../client-options.js";
import { withClient } from "../with-client.js";

export const bucketRmCommand = defineCommand({
  name: "bucket rm",
  summary: "Delete a bucket",
  usage: "skiff bucket rm <name> [--force] [options]",
  description:
    "A bucket that holds objects is kept unless --force is given; then its objects are deleted too.",
  positionals: [{ name: "name", description: "the bucket to delete", required: true }],
  options: {
    force: { type: "boolean", short: "f", description: "delete the bucket's objects with it" },
    ...clientOptions,
  },
  examples: [
    { description: "delete an empty bucket", command: "skiff bucket rm scratch" },
    { description: "delete a bucket and everything in it", command: "skiff bucket rm scratch --force" },
  ],
  async run({ values, positionals, context }) {
    const name = positionals[0] as string;
    return withClient(context, values.url, async (client) => {
      try {
        await client.deleteBucket(values.tenant, name, { force: values.force });
      } catch (error) {
        if (error instanceof ApiError && error.code === "CONFLICT") {
          throw new CliError(
            `bucket ${name} is not empty`,
            `see its objects with \`skiff object ls ${name}\`, or delete them with it: skiff bucket rm ${name} --force`,
          );
        }
        throw error;
      }
      context.stdout(
        values.json ? `${JSON.stringify({ deleted: true, name })}\n` : `Deleted bucket ${name}.\n`,
      );
      return 0;
    });
  },
});
