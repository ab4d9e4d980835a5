// `skiff object rm`: deletes one object.
import { defineCommand } from "../../command.js";
import { printable } from "../../format-table.js";
import { clientOptions } from "../client-options.js";
import { withClient } from "../with-client.js";

export const objectRmCommand = defineCommand({
  name: "object rm",
  summary: "Delete an object",
  usage: "skiff object rm <bucket> <key> [options]",
  description: "A delete that matches an object-delete notification rule invokes its function.",
  positionals: [
    { name: "bucket", description: "the bucket", required: true },
    { name: "key", description: "the object's key", required: true },
  ],
  options: { ...clientOptions },
  examples: [{ description: "delete one object", command: "skiff object rm uploads images/cat.png" }],
  async run({ values, positionals, context }) {
    const [bucket, key] = positionals as [string, string];
    return withClient(context, values.url, async (client) => {
      await client.deleteObject(values.tenant, bucket, key);
      context.stdout(
        values.json
          ? `${JSON.stringify({ deleted: true, bucket, key })}\n`
          : `Deleted ${printable(key)} from bucket ${bucket}.\n`,
      );
      return 0;
    });
  },
});
