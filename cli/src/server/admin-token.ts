// The operator key: SKIFF_ADMIN_TOKEN, else one generated once and kept in the data dir.
import { join } from "node:path";
import { readKeyFile, writeKeyFile } from "./key-file.js";

export type AdminTokenSource = "env" | "file" | "generated";

export interface AdminToken {
  token: string;
  source: AdminTokenSource;
  /** The key file, when the token lives in one. */
  path: string | undefined;
}

/** Reuses `<dataDir>/admin.key` across restarts so the operator key does not change under people's scripts. */
export async function resolveAdminToken(
  envToken: string | undefined,
  dataDir: string,
  newKey: () => string,
): Promise<AdminToken> {
  const fromEnv = envToken?.trim();
  if (fromEnv) return { token: fromEnv, source: "env", path: undefined };
  const path = join(dataDir, "admin.key");
  const existing = await readKeyFile(path);
  if (existing) return { token: existing, source: "file", path };
  const token = newKey();
  await writeKeyFile(path, token);
  return { token, source: "generated", path };
}
