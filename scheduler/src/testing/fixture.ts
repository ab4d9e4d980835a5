// A real SQLite storage in a temp dir with one tenant and one function, and its VersionSpec.
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { type FunctionConfigInput, parseFunctionConfig } from "@skiff/core";
import type { VersionSpec } from "@skiff/runtime";
import { openStorage, type Storage } from "@skiff/storage";

export interface Fixture {
  storage: Storage;
  version: VersionSpec;
  dir: string;
  close(): Promise<void>;
}

export async function fixture(config: FunctionConfigInput = {}, dir?: string): Promise<Fixture> {
  const dataDir = dir ?? (await mkdtemp(join(tmpdir(), "skiff-sched-")));
  const storage = await openStorage({ dataDir });
  if ((await storage.tenants.get("t")) === undefined) await storage.tenants.create("t");
  const { version } = await storage.functions.deploy("t", "fn", {
    code: new TextEncoder().encode(
      JSON.stringify({ main: "index.js", modules: { "index.js": { type: "esm", content: "" } } }),
    ),
    config: parseFunctionConfig(config),
  });
  return {
    storage,
    dir: dataDir,
    version: {
      id: version.id,
      tenant: "t",
      functionName: "fn",
      number: version.number,
      codeHash: version.codeHash,
      config: version.config,
      secrets: {},
    },
    close: async () => {
      await storage.close();
      if (dir === undefined) await rm(dataDir, { recursive: true, force: true });
    },
  };
}
