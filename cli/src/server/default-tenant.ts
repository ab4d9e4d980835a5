// The tenant a fresh install works in, so `skiff deploy` works without creating anything first.
import { join } from "node:path";
import type { Storage } from "@skiff/storage";
import { readKeyFile, writeKeyFile } from "./key-file.js";

export const DEFAULT_TENANT = "default";

export interface DefaultTenant {
  /** The key, only when it was created now: it is shown once. */
  newKey: string | undefined;
  keyFile: string;
  /** True when the tenant itself was created now. */
  createdTenant: boolean;
}

/**
 * Creates tenant `default` and its first key on first start, saved to `<dataDir>/default.key` (mode 0600).
 * If the key file was deleted later, a new key replaces it: the file is how people find their key.
 */
export async function ensureDefaultTenant(
  storage: Pick<Storage, "tenants" | "apiKeys">,
  dataDir: string,
): Promise<DefaultTenant> {
  const keyFile = join(dataDir, "default.key");
  if ((await storage.tenants.get(DEFAULT_TENANT)) === undefined) {
    // The tenant and its key in one transaction; a crash before the key file is written is mended below on
    // the next start, since a missing key file gets a new key.
    const { key } = await storage.tenants.createWithKey(DEFAULT_TENANT, "admin");
    await writeKeyFile(keyFile, key);
    return { newKey: key, keyFile, createdTenant: true };
  }
  if ((await readKeyFile(keyFile)) !== undefined) {
    return { newKey: undefined, keyFile, createdTenant: false };
  }
  const { key } = await storage.apiKeys.create(DEFAULT_TENANT, "admin");
  await writeKeyFile(keyFile, key);
  return { newKey: key, keyFile, createdTenant: false };
}
