import { mkdtemp, readdir, readFile, rm, stat, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { loadMasterKey, parseMasterKey } from "./master-key.js";

describe("parseMasterKey", () => {
  const bytes = Buffer.from(Array.from({ length: 32 }, (_, i) => i * 7));

  it.each([
    ["hex", bytes.toString("hex")],
    ["upper-case hex", bytes.toString("hex").toUpperCase()],
    ["base64", bytes.toString("base64")],
    ["base64 without padding", bytes.toString("base64").replace(/=+$/, "")],
    ["base64url", bytes.toString("base64url")],
    ["base64 with a trailing newline", `${bytes.toString("base64")}\n`],
  ])("reads %s", (_, text) => {
    expect(parseMasterKey(text, "SKIFF_MASTER_KEY").equals(bytes)).toBe(true);
  });

  it.each([
    ["too short", Buffer.alloc(16).toString("base64")],
    ["too long", Buffer.alloc(33).toString("hex")],
    ["not base64", `${"!".repeat(43)}=`],
    ["a passphrase", "correct horse battery staple"],
    ["empty", ""],
  ])("refuses a key that is %s without echoing it", (_, text) => {
    expect(() => parseMasterKey(text, "SKIFF_MASTER_KEY")).toThrow(/SKIFF_MASTER_KEY is not a 32-byte key/);
    try {
      parseMasterKey("correct horse battery staple", "SKIFF_MASTER_KEY");
    } catch (error) {
      expect((error as Error).message).not.toContain("horse");
    }
  });
});

describe("loadMasterKey", () => {
  let dir: string;

  beforeEach(async () => {
    dir = await mkdtemp(join(tmpdir(), "skiff-key-"));
  });

  afterEach(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  it("creates master.key with mode 0600 once and reads the same key afterwards", async () => {
    const key = await loadMasterKey(dir);
    expect(key).toHaveLength(32);
    const info = await stat(join(dir, "master.key"));
    expect(info.mode & 0o777).toBe(0o600);
    expect(Buffer.from((await readFile(join(dir, "master.key"), "utf8")).trim(), "base64").equals(key)).toBe(
      true,
    );
    expect((await loadMasterKey(dir)).equals(key)).toBe(true);
    expect(await readdir(dir)).toEqual(["master.key"]);
  });

  it("gives every process the same key when several create it at once", async () => {
    const keys = await Promise.all(Array.from({ length: 8 }, () => loadMasterKey(dir)));
    for (const key of keys) expect(key.equals(keys[0] as Buffer)).toBe(true);
    expect(await readdir(dir)).toEqual(["master.key"]);
  });

  it("prefers the configured key and then writes no file", async () => {
    const configured = Buffer.alloc(32, 9);
    expect((await loadMasterKey(dir, configured.toString("hex"))).equals(configured)).toBe(true);
    expect(await readdir(dir)).toEqual([]);
  });

  it("treats an empty configured key as absent", async () => {
    await loadMasterKey(dir, "  ");
    expect(await readdir(dir)).toEqual(["master.key"]);
  });

  it("refuses a damaged key file, naming it", async () => {
    await writeFile(join(dir, "master.key"), "short\n", { mode: 0o600 });
    await expect(loadMasterKey(dir)).rejects.toThrow(`${join(dir, "master.key")} is not a 32-byte key`);
  });
});
