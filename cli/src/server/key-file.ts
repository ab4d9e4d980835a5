// Secrets the server hands to people on disk: readable by the owner only.
import { chmod, readFile, writeFile } from "node:fs/promises";

/** Reads a key file, or undefined if it does not exist or is empty. */
export async function readKeyFile(path: string): Promise<string | undefined> {
  try {
    return (await readFile(path, "utf8")).trim() || undefined;
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === "ENOENT") return undefined;
    throw error;
  }
}

/** Writes a key with mode 0600; chmod as well, since `mode` only applies when the file is created. */
export async function writeKeyFile(path: string, key: string): Promise<void> {
  await writeFile(path, `${key}\n`, { mode: 0o600 });
  await chmod(path, 0o600);
}
