import { mkdtemp, readdir, readFile, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { checkIntegrity, openStorage } from "@skiff/storage";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { runWith } from "../testing/cli-harness.js";

describe("skiff backup", () => {
  let root: string;
  let dataDir: string;

  beforeEach(async () => {
    root = await mkdtemp(join(tmpdir(), "skiff-cli-backup-"));
    dataDir = join(root, "data");
    const storage = await openStorage({ dataDir });
    await storage.tenants.create("acme");
    await writeFile(join(dataDir, "default.key"), "sk_x\n");
    // Left open, as a running server would: the backup must not need it closed.
    storage.db.pragma("wal_autocheckpoint = 0");
    await storage.tenants.create("zeta");
    return () => storage.close();
  });

  afterEach(async () => {
    await rm(root, { recursive: true, force: true });
  });

  it("writes a checked copy and lists what to copy besides", async () => {
    const run = await runWith({}, ["backup", "copy.db", "--data-dir", "data"], { cwd: root });
    expect(run.stderr).toBe("");
    expect(run.code).toBe(0);
    const file = join(root, "copy.db");
    expect(run.stdout).toMatch(
      new RegExp(
        `^Backed up ${join(dataDir, "skiff.db")} to ${file} \\(\\d+ pages, \\d+ bytes; integrity_check: ok\\)\\.\\n`,
      ),
    );
    expect(run.stdout).toContain(
      "Copy these too, right away: the backup refers to files in them (see 'Backup and restore' in the README):\n" +
        `  ${join(dataDir, "blobs")}\n  ${join(dataDir, "objects")}\n  ${join(dataDir, "master.key")}\n` +
        `  ${join(dataDir, "default.key")}\n`,
    );
    expect(checkIntegrity(file)).toBe("ok");
    expect(run.settings).toEqual([]);
  });

  it("takes the data dir from SKIFF_DATA_DIR and answers JSON", async () => {
    const run = await runWith({}, ["backup", join(root, "b.db"), "--json"], {
      env: { SKIFF_DATA_DIR: dataDir },
    });
    expect(run.code).toBe(0);
    const answer = JSON.parse(run.stdout);
    expect(answer).toMatchObject({
      file: join(root, "b.db"),
      source: join(dataDir, "skiff.db"),
      integrity: "ok",
    });
    expect(answer.copyAlso).toContain(join(dataDir, "blobs"));
  });

  it("refuses to overwrite a file without --force", async () => {
    await writeFile(join(root, "copy.db"), "precious");
    const run = await runWith({}, ["backup", "copy.db", "--data-dir", "data"], { cwd: root });
    expect(run.code).toBe(1);
    expect(run.stderr).toBe(
      `error: ${join(root, "copy.db")} already exists\nhint: choose another file, or replace it with --force\n`,
    );
    expect(await readFile(join(root, "copy.db"), "utf8")).toBe("precious");
    const forced = await runWith({}, ["backup", "copy.db", "--data-dir", "data", "--force"], { cwd: root });
    expect(forced.code).toBe(0);
    expect(checkIntegrity(join(root, "copy.db"))).toBe("ok");
  });

  it("explains a data dir without a database and a missing target directory", async () => {
    const none = await runWith({}, ["backup", "copy.db", "--data-dir", "elsewhere"], { cwd: root });
    expect(none.code).toBe(1);
    expect(none.stderr).toContain(`error: there is no Skiff database in ${join(root, "elsewhere")}`);
    const noDir = await runWith({}, ["backup", "missing/copy.db", "--data-dir", "data"], { cwd: root });
    expect(noDir.code).toBe(1);
    expect(noDir.stderr).toContain(`the directory ${join(root, "missing")} does not exist`);
    expect((await readdir(root)).sort()).toEqual(["data"]);
  });
});
