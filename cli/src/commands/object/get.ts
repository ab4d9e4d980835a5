// `skiff object get`: downloads an object to stdout or a file, bytes unchanged.
import { createWriteStream } from "node:fs";
import { rm } from "node:fs/promises";
import { resolve } from "node:path";
import { pipeline } from "node:stream/promises";
import { CliError } from "../../cli-error.js";
import { defineCommand } from "../../command.js";
import { clientOptions } from "../client-options.js";
import { withClient } from "../with-client.js";

export const objectGetCommand = defineCommand({
  name: "object get",
  summary: "Download an object",
  usage: "skiff object get <bucket> <key> [-o <file>] [options]",
  description:
    "Writes the object's bytes to stdout, or to the file given with -o. With --json, prints what the server\n" +
    "says of the object instead (and the bytes as base64 when there is no -o).",
  positionals: [
    { name: "bucket", description: "the bucket", required: true },
    { name: "key", description: "the object's key", required: true },
  ],
  options: {
    output: {
      type: "string",
      short: "o",
      placeholder: "<file>",
      description: "write the bytes to this file",
    },
    ...clientOptions,
  },
  examples: [
    { description: "print a text object", command: "skiff object get uploads notes/todo.txt" },
    { description: "save a picture", command: "skiff object get uploads images/cat.png -o cat.png" },
  ],
  async run({ values, positionals, context }) {
    const [bucket, key] = positionals as [string, string];
    return withClient(context, values.url, async (client) => {
      const download = await client.getObject(values.tenant, bucket, key);
      const shown = {
        bucket,
        key,
        size: download.size ?? null,
        etag: download.etag ?? null,
        contentType: download.contentType ?? null,
      };
      if (values.output !== undefined) {
        const path = resolve(context.cwd, values.output);
        try {
          await pipeline(download.body, createWriteStream(path));
        } catch (error) {
          await rm(path, { force: true });
          throw new CliError(
            `cannot write ${values.output}: ${(error as NodeJS.ErrnoException).code ?? (error as Error).message}`,
            "check that its directory exists and is writable",
          );
        }
        if (values.json) context.stdout(`${JSON.stringify({ ...shown, file: values.output })}\n`);
        return 0;
      }
      if (values.json) {
        const chunks: Uint8Array[] = [];
        for await (const chunk of download.body) chunks.push(chunk);
        context.stdout(`${JSON.stringify({ ...shown, base64: Buffer.concat(chunks).toString("base64") })}\n`);
        return 0;
      }
      for await (const chunk of download.body) context.stdout(chunk);
      return 0;
    });
  },
});
