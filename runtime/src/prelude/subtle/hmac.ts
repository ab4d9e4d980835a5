// HMAC: import (raw, jwk), export, generate, sign and verify, with the hash named by the key.
import { hmac } from "@noble/hashes/hmac.js";
import { randomBytes } from "../random.js";
import { base64urlDecode, base64urlEncode, equalBytes } from "./bytes.js";
import { type CryptoKey, createKey, type KeyUsage, keyMaterial } from "./crypto-key.js";
import { dataError, notSupported, operationError } from "./errors.js";
import { blockBits, hashByName } from "./hashes.js";
import { checkJwk, checkUsages, jwkCommon } from "./jwk.js";
import type { AlgorithmImpl, JsonWebKey, Params } from "./types.js";

const USAGES: readonly KeyUsage[] = ["sign", "verify"];
const JWK_ALG: Record<string, string> = {
  "SHA-1": "HS1",
  "SHA-256": "HS256",
  "SHA-384": "HS384",
  "SHA-512": "HS512",
};

function requireHash(params: Params): string {
  if (params.hash === undefined) throw new TypeError("HMAC: the hash member is required");
  return params.hash.name;
}

function keyLength(params: Params): number {
  const hash = requireHash(params);
  if (params.length === undefined) return blockBits(hash);
  const length = Number(params.length);
  if (!Number.isInteger(length) || length <= 0)
    throw new TypeError("HMAC: length must be a positive integer");
  return length;
}

function makeKey(bytes: Uint8Array, hash: string, length: number, extractable: boolean, usages: KeyUsage[]) {
  return createKey({
    type: "secret",
    extractable,
    algorithm: { name: "HMAC", hash: { name: hash }, length },
    usages,
    material: { kind: "secret", bytes },
  });
}

function secretOf(key: CryptoKey): Uint8Array {
  const material = keyMaterial(key);
  if (material.kind !== "secret") throw operationError("Not an HMAC key");
  return material.bytes;
}

function mac(key: CryptoKey, data: Uint8Array): Uint8Array {
  const hash = (key.algorithm.hash as { name: string }).name;
  return hmac(hashByName(hash), secretOf(key), data);
}

const HMAC: AlgorithmImpl = {
  importKey(format, keyData, params, extractable, usages) {
    checkUsages(usages, USAGES, "an HMAC key");
    const hash = requireHash(params);
    let bytes: Uint8Array;
    if (format === "raw") {
      bytes = keyData as Uint8Array;
    } else if (format === "jwk") {
      const jwk = keyData as JsonWebKey;
      checkJwk(jwk, "oct", usages, extractable, "sig");
      bytes = base64urlDecode(jwk.k, "k");
      if (jwk.alg !== undefined && jwk.alg !== JWK_ALG[hash]) {
        throw dataError(`The JWK "alg" member ${String(jwk.alg)} does not match the hash ${hash}`);
      }
    } else {
      throw notSupported(`HMAC keys cannot be imported as ${format}`);
    }
    const bits = bytes.length * 8;
    if (bits === 0) throw dataError("HMAC: the key is empty");
    let length = bits;
    if (params.length !== undefined) {
      length = Number(params.length);
      if (!Number.isInteger(length) || length > bits || length <= bits - 8) {
        throw dataError("HMAC: length does not match the key data");
      }
    }
    return makeKey(bytes, hash, length, extractable, usages);
  },

  exportKey(format, key) {
    const bytes = secretOf(key);
    if (format === "raw") return bytes.slice();
    if (format === "jwk") {
      const hash = (key.algorithm.hash as { name: string }).name;
      const jwk: JsonWebKey = { kty: "oct", k: base64urlEncode(bytes), ...jwkCommon(key) };
      const alg = JWK_ALG[hash];
      if (alg !== undefined) jwk.alg = alg;
      return jwk;
    }
    throw notSupported(`HMAC keys cannot be exported as ${format}`);
  },

  generateKey(params, extractable, usages) {
    checkUsages(usages, USAGES, "an HMAC key");
    const length = keyLength(params);
    const bytes = randomBytes(Math.ceil(length / 8));
    if (length % 8 !== 0)
      bytes[bytes.length - 1] = (bytes[bytes.length - 1] as number) & (0xff << (8 - (length % 8)));
    return makeKey(bytes, requireHash(params), length, extractable, usages);
  },

  sign: (_params, key, data) => mac(key, data),

  verify: (_params, key, signature, data) => equalBytes(mac(key, data), signature),

  keyLength,
};

export const algorithms: Record<string, AlgorithmImpl> = { HMAC };
