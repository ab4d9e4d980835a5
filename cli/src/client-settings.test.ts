import { mkdir, mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { CliError } from "./cli-error.js";
import { DEFAULT_URL, resolveClientSettings } from "./client-settings.js";

let cwd: string;
beforeEach(async () => {
  cwd = await mkdtemp(join(tmpdir(), "skiff-settings-"));
});
afterEach(async () => {
  await rm(cwd, { recursive: true, force: true });
});

describe("resolveClientSettings", () => {
  it("defaults to the local server and no token", async () => {
    const settings = await resolveClientSettings({}, cwd);
    expect(settings.url).toBe(DEFAULT_URL);
    expect(settings.token).toBeUndefined();
  });

  it("reads SKIFF_URL and SKIFF_TOKEN, and --url wins over SKIFF_URL", async () => {
    const env = { SKIFF_URL: "http://skiff.test:9000", SKIFF_TOKEN: " sk_env \n" };
    expect(await resolveClientSettings(env, cwd)).toEqual({
      url: "http://skiff.test:9000",
      token: "sk_env",
      tokenSource: "SKIFF_TOKEN",
    });
    expect((await resolveClientSettings(env, cwd, { url: "http://other:1" })).url).toBe("http://other:1");
  });

  it("falls back to ./.skiff/default.key, then to $SKIFF_DATA_DIR/default.key", async () => {
    await mkdir(join(cwd, ".skiff"));
    await writeFile(join(cwd, ".skiff", "default.key"), "sk_file\n");
    expect((await resolveClientSettings({}, cwd)).token).toBe("sk_file");

    await mkdir(join(cwd, "data"));
    await writeFile(join(cwd, "data", "default.key"), "sk_data\n");
    expect((await resolveClientSettings({ SKIFF_DATA_DIR: "data" }, cwd)).token).toBe("sk_data");
    expect((await resolveClientSettings({ SKIFF_TOKEN: "sk_env", SKIFF_DATA_DIR: "data" }, cwd)).token).toBe(
      "sk_env",
    );
  });

  it.each(["not a url", "ftp://host/"])("refuses the address %j with a hint", async (url) => {
    const error = await resolveClientSettings({ SKIFF_URL: url }, cwd).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(CliError);
    expect((error as CliError).hint).toContain("SKIFF_URL");
  });
});
