// PBKDF2 and HKDF from @noble/hashes: raw key import (never extractable) and deriveBits / deriveKey.
import { hkdf } from "@noble/hashes/hkdf.js";
import { pbkdf2 } from "@noble/hashes/pbkdf2.js";
import { copyBytes } from "./bytes.js";
import { type CryptoKey, createKey, type KeyUsage, keyMaterial } from "./crypto-key.js";
import { notSupported, operationError, syntaxError } from "./errors.js";
import { hashByName } from "./hashes.js";
import { checkUsages } from "./jwk.js";
import type { AlgorithmImpl, Params } from "./types.js";

const USAGES: readonly KeyUsage[] = ["deriveKey", "deriveBits"];

function kdfAlgorithm(
  name: "PBKDF2" | "HKDF",
  derive: (params: Params, secret: Uint8Array, bytes: number) => Uint8Array,
) {
  const impl: AlgorithmImpl = {
    importKey(format, keyData, _params, extractable, usages) {
      if (format !== "raw") throw notSupported(`${name} keys can only be imported as raw`);
      checkUsages(usages, USAGES, `a ${name} key`);
      if (extractable) throw syntaxError(`${name} keys cannot be extractable`);
      return createKey({
        type: "secret",
        extractable: false,
        algorithm: { name },
        usages,
        material: { kind: "secret", bytes: keyData as Uint8Array },
      });
    },

    deriveBits(params, key: CryptoKey, length) {
      if (length === null) throw operationError(`${name}: a length is required`);
      if (length % 8 !== 0) throw operationError(`${name}: the length must be a multiple of 8`);
      const material = keyMaterial(key);
      if (material.kind !== "secret") throw operationError(`Not a ${name} key`);
      if (length === 0) return new Uint8Array(0);
      return derive(params, material.bytes, length / 8);
    },

    keyLength: () => null,
  };
  return impl;
}

function member(params: Params, name: string): Uint8Array {
  if (params[name] === undefined) throw new TypeError(`${params.name}: the ${name} member is required`);
  return copyBytes(params[name], `${params.name} ${name}`);
}

function hashOf(params: Params) {
  if (params.hash === undefined) throw new TypeError(`${params.name}: the hash member is required`);
  return hashByName(params.hash.name);
}

export const algorithms: Record<string, AlgorithmImpl> = {
  PBKDF2: kdfAlgorithm("PBKDF2", (params, secret, bytes) => {
    const salt = member(params, "salt");
    const hash = hashOf(params);
    const iterations = Number(params.iterations);
    if (!Number.isInteger(iterations) || iterations <= 0)
      throw operationError("PBKDF2: iterations must be positive");
    return pbkdf2(hash, secret, salt, { c: iterations, dkLen: bytes });
  }),
  HKDF: kdfAlgorithm("HKDF", (params, secret, bytes) => {
    const salt = member(params, "salt");
    const info = member(params, "info");
    const hash = hashOf(params);
    if (bytes > 255 * hash.outputLen) throw operationError("HKDF: the length is too long for the hash");
    return hkdf(hash, secret, salt, info, bytes);
  }),
};
