// The SHA family by WebCrypto name, from @noble/hashes. Imported by the lazily loaded algorithm modules only.
import { sha1 } from "@noble/hashes/legacy.js";
import { sha256, sha384, sha512 } from "@noble/hashes/sha2.js";
import type { CHash } from "@noble/hashes/utils.js";
import { notSupported } from "./errors.js";

export type Hash = CHash;

const HASHES: Record<string, Hash> = {
  "SHA-1": sha1,
  "SHA-256": sha256,
  "SHA-384": sha384,
  "SHA-512": sha512,
};

export function hashByName(name: string | undefined): Hash {
  const hash = name === undefined ? undefined : HASHES[name];
  if (hash === undefined) throw notSupported(`Unsupported hash: ${String(name)}`);
  return hash;
}

/** Block size in bits, the default HMAC key length (the standard's "get key length" for HMAC). */
export function blockBits(name: string): number {
  return hashByName(name).blockLen * 8;
}
