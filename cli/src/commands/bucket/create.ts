// `skiff bucket create`: a new, empty bucket in the tenant.
import { defineCommand } from "../../command.js";
import { clientOptions } from "../client-options.js";
import { withClient } from "../with-client.js";

export const bucketCreateCommand = defineCommand({
  name: "bucket create",
  summary: "Create a bucket",
  usage: "skiff bucket create <name> [options]",
  description:
    "Bucket names follow S3's rules: 3-63 characters of a-z, 0-9, '.' and '-', starting and ending with a\n" +
    "letter or digit. Functions reach a bucket through a binding; S3 clients through /s3/<name>.",
  positionals: [{ name: "name", description: "the bucket's name", required: true }],
  options: { ...clientOptions },
  examples: [
    { description: "create a bucket for uploads", command: "skiff bucket create uploads" },
    { description: "in another tenant, answering JSON", command: "skiff bucket create media -t acme --json" },
  ],
  async run({ values, positionals, context }) {
    const name = positionals[0] as string;
    return withClient(context, values.url, async (client) => {
      const bucket = await client.createBucket(values.tenant, name);
      context.stdout(
        values.json
          ? `${JSON.stringify(bucket)}\n`
          : `Created bucket ${bucket.name} in tenant ${values.tenant}.\n` +
              `  skiff object put ${bucket.name} <key> <file>\n`,
      );
      return 0;
    });
  },
});
