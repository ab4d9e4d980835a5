// `skiff object put`: uploads a file (or stdin) as an object, streaming it.
import { createReadStream } from "node:fs";
import { stat } from "node:fs/promises";
import { resolve } from "node:path";
import type { ObjectUpload } from "../../api-client.js";
import { CliError } from "../../cli-error.js";
import { defineCommand } from "../../command.js";
import { contentTypeFor } from "../../content-type.js";
import { printable } from "../../format-table.js";
import { clientOptions } from "../client-options.js";
import { withClient } from "../with-client.js";

export const objectPutCommand = defineCommand({
  name: "object put",
  summary: "Upload a file as an object",
  usage: "skiff object put <bucket> <key> <file|-> [options]",
  description:
    "The key is any text up to 1024 bytes: slashes make folders in listings, and nothing in it is a path on\n" +
    "the server. Use - as the file to upload what is piped in. The file is streamed, never held in memory;\n" +
    "an upload over the server's object size limit (100 MB by default) is refused. A write that matches a\n" +
    "notification rule of the bucket invokes its function.",
  positionals: [
    { name: "bucket", description: "the bucket", required: true },
    { name: "key", description: "the object's key, e.g. images/cat.png", required: true },
    { name: "file", description: "the file to upload, or - for stdin", required: true },
  ],
  options: {
    "content-type": {
      type: "string",
      placeholder: "<type>",
      description: "the object's Content-Type (default: from the file's extension)",
    },
    ...clientOptions,
  },
  examples: [
    { description: "upload a picture", command: "skiff object put uploads images/cat.png ./cat.png" },
    {
      description: "upload what a command prints",
      command: "date | skiff object put uploads logs/now.txt - --content-type text/plain",
    },
  ],
  async run({ values, positionals, context }) {
    const [bucket, key, file] = positionals as [string, string, string];
    const upload = await openUpload(context.cwd, file, () => context.stdin());
    if (values["content-type"] !== undefined) upload.contentType = values["content-type"];
    return withClient(context, values.url, async (client) => {
      const object = await client.putObject(values.tenant, bucket, key, upload);
      context.stdout(
        values.json
          ? `${JSON.stringify(object)}\n`
          : `Uploaded ${printable(object.key)} to bucket ${bucket} (${object.size} bytes, ETag ${object.etag}).\n`,
      );
      return 0;
    });
  },
});

async function openUpload(
  cwd: string,
  file: string,
  stdin: () => ObjectUpload["body"],
): Promise<ObjectUpload> {
  if (file === "-") return { body: stdin() };
  const path = resolve(cwd, file);
  let size: number;
  try {
    const info = await stat(path);
    if (!info.isFile()) throw new CliError(`${file} is not a file`, "give a file, or - to read stdin");
    size = info.size;
  } catch (error) {
    if (error instanceof CliError) throw error;
    throw new CliError(
      `cannot read ${file}: ${(error as NodeJS.ErrnoException).code ?? String(error)}`,
      "give a path relative to the current directory, or - to read stdin",
    );
  }
  return { body: createReadStream(path), size, contentType: contentTypeFor(path) };
}
