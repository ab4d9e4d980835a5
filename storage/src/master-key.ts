// The master key that seals secrets: from SKIFF_MASTER_KEY, else a key file made once in the data directory.
import { randomBytes } from "node:crypto";
import { link, open, readFile, unlink } from "node:fs/promises";
import { join } from "node:path";
import { SkiffError } from "@skiff/core";

export const MASTER_KEY_BYTES = 32;
export const MASTER_KEY_FILE = "master.key";

const HEX_KEY = /^[0-9a-fA-F]{64}$/;
const BASE64_KEY = /^[A-Za-z0-9+/_-]{43}=?$/;

/**
 * Decodes a 32-byte key written as 64 hex digits or as base64 (standard or URL-safe). Throws INTERNAL_ERROR
 * without echoing the text, which may be a real key with a typo.
 */
export function parseMasterKey(text: string, source: string): Buffer {
  const trimmed = text.trim();
  if (HEX_KEY.test(trimmed)) return Buffer.from(trimmed, "hex");
  if (BASE64_KEY.test(trimmed)) {
    const key = Buffer.from(trimmed, trimmed.includes("-") || trimmed.includes("_") ? "base64url" : "base64");
    if (key.byteLength === MASTER_KEY_BYTES) return key;
  }
  throw new SkiffError(
    "INTERNAL_ERROR",
    `${source} is not a ${MASTER_KEY_BYTES}-byte key: give 64 hex digits or base64, e.g. from \`openssl rand -base64 32\``,
  );
}

/**
 * The master key: `configured` (the value of SKIFF_MASTER_KEY) when given, else `<dataDir>/master.key`, which
 * is created with mode 0600 holding a new random key the first time. Losing that file loses every secret.
 */
export async function loadMasterKey(dataDir: string, configured?: string): Promise<Buffer> {
  if (configured !== undefined && configured.trim() !== "")
    return parseMasterKey(configured, "SKIFF_MASTER_KEY");
  const path = join(dataDir, MASTER_KEY_FILE);
  const existing = await readKeyFile(path);
  if (existing !== undefined) return existing;
  await createKeyFile(path);
  return (await readKeyFile(path)) as Buffer;
}

async function readKeyFile(path: string): Promise<Buffer | undefined> {
  let text: string;
  try {
    text = await readFile(path, "utf8");
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === "ENOENT") return undefined;
    throw error;
  }
  return parseMasterKey(text, path);
}

/**
 * Writes the key to a temp file, fsyncs it, then hard-links it to the final name: the link either creates the
 * whole file or fails because another process already did, so no reader ever sees a half-written key.
 */
async function createKeyFile(path: string): Promise<void> {
  const temp = `${path}.${randomBytes(6).toString("hex")}.tmp`;
  try {
    const file = await open(temp, "wx", 0o600);
    try {
      await file.writeFile(`${randomBytes(MASTER_KEY_BYTES).toString("base64")}\n`);
      await file.sync();
    } finally {
      await file.close();
    }
    await link(temp, path).catch((error: NodeJS.ErrnoException) => {
      if (error.code !== "EEXIST") throw error;
    });
    const dir = await open(join(path, ".."), "r");
    try {
      await dir.sync();
    } finally {
      await dir.close();
    }
  } finally {
    await unlink(temp).catch(() => {});
  }
}
