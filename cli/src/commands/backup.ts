// `skiff backup`: an online copy of the metadata database, safe while `skiff serve` runs on the same data dir.
import { dirname, resolve } from "node:path";
import { isSkiffError } from "@skiff/core";
import { CliError } from "../cli-error.js";
import { DEFAULT_DATA_DIR } from "../client-settings.js";
import { defineCommand } from "../command.js";

export const backupCommand = defineCommand({
  name: "backup",
  summary: "Back up the metadata database (online, while the server runs)",
  usage: "skiff backup <file> [--data-dir <dir>] [--force]",
  description:
    "Copies <data-dir>/skiff.db with SQLite's backup API: one consistent snapshot, taken while the server\n" +
    "keeps serving and writing. The copy is written to a temporary file, checked with PRAGMA integrity_check\n" +
    "and then renamed to <file>; an existing <file> is kept unless --force.\n" +
    "The database is not everything: afterwards copy the data dir's blobs/ and objects/ folders and its key\n" +
    "files (the command lists them). To restore, see 'Backup and restore' in the README.",
  positionals: [{ name: "file", description: "where to write the copy", required: true }],
  options: {
    "data-dir": {
      type: "string",
      placeholder: "<dir>",
      description: `the server's data dir (default: $SKIFF_DATA_DIR, else ./${DEFAULT_DATA_DIR})`,
    },
    force: { type: "boolean", short: "f", description: "replace <file> if it exists" },
  },
  examples: [
    { description: "back up the server in ./.skiff", command: "skiff backup skiff-backup.db" },
    {
      description: "a dated copy of a server's data elsewhere",
      command: "skiff backup /backups/skiff-$(date +%F).db --data-dir /var/lib/skiff",
    },
    { description: "replace last night's copy", command: "skiff backup /backups/nightly.db --force" },
  ],
  async run({ values, positionals, context }) {
    const file = resolve(context.cwd, positionals[0] as string);
    const dataDir = resolve(
      context.cwd,
      values["data-dir"] ?? context.env.SKIFF_DATA_DIR ?? DEFAULT_DATA_DIR,
    );
    // Loaded here so the other commands do not pay for SQLite.
    const { backupCompanions, backupDatabase, DATABASE_FILE } = await import("@skiff/storage");
    const source = resolve(dataDir, DATABASE_FILE);
    let result: Awaited<ReturnType<typeof backupDatabase>>;
    try {
      result = await backupDatabase(source, file, { force: values.force });
    } catch (error) {
      throw explain(error, { file, dataDir, source });
    }
    const companions = await backupCompanions(dataDir);
    if (values.json) {
      context.stdout(`${JSON.stringify({ ...result, source, copyAlso: companions })}\n`);
      return 0;
    }
    context.stdout(
      `Backed up ${source} to ${result.file} (${result.pages} pages, ${result.bytes} bytes; integrity_check: ok).\n` +
        (companions.length === 0
          ? ""
          : "Copy these too, right away: the backup refers to files in them (see 'Backup and restore' in the README):\n" +
            companions.map((path) => `  ${path}\n`).join("")) +
        "If the server runs with SKIFF_MASTER_KEY, keep that key too: without it, secrets can not be read.\n",
    );
    return 0;
  },
});

function explain(error: unknown, where: { file: string; dataDir: string; source: string }): unknown {
  if (!isSkiffError(error)) return error;
  if (error.code === "CONFLICT") {
    return new CliError(`${where.file} already exists`, "choose another file, or replace it with --force");
  }
  if (error.code === "NOT_FOUND" && error.message.includes(where.source)) {
    return new CliError(
      `there is no Skiff database in ${where.dataDir}`,
      `pass the server's data dir with --data-dir (default: $SKIFF_DATA_DIR, else ./${DEFAULT_DATA_DIR})`,
    );
  }
  if (error.code === "NOT_FOUND") {
    return new CliError(error.message, `create ${dirname(where.file)} first, or write the copy elsewhere`);
  }
  return new CliError(error.message);
}
