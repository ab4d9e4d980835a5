import { mkdtemp, readFile, rm, stat } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { resolveAdminToken } from "./admin-token.js";

let dataDir: string;
let generated: number;
const newKey = () => `sk_generated_${++generated}`;

beforeEach(async () => {
  dataDir = await mkdtemp(join(tmpdir(), "skiff-admin-"));
  generated = 0;
});
afterEach(async () => {
  await rm(dataDir, { recursive: true, force: true });
});

describe("resolveAdminToken", () => {
  it("uses SKIFF_ADMIN_TOKEN and writes nothing", async () => {
    expect(await resolveAdminToken(" sk_env ", dataDir, newKey)).toEqual({
      token: "sk_env",
      source: "env",
      path: undefined,
    });
    await expect(stat(join(dataDir, "admin.key"))).rejects.toMatchObject({ code: "ENOENT" });
  });

  it("generates a key into admin.key (mode 0600) once, then reuses it", async () => {
    const path = join(dataDir, "admin.key");
    expect(await resolveAdminToken(undefined, dataDir, newKey)).toEqual({
      token: "sk_generated_1",
      source: "generated",
      path,
    });
    expect((await stat(path)).mode & 0o777).toBe(0o600);
    expect(await readFile(path, "utf8")).toBe("sk_generated_1\n");
    expect(await resolveAdminToken("", dataDir, newKey)).toEqual({
      token: "sk_generated_1",
      source: "file",
      path,
    });
    expect(generated).toBe(1);
  });
});
