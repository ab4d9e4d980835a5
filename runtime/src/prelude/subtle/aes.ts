// AES-GCM, AES-CBC, AES-CTR and AES-KW from @noble/ciphers: import (raw, jwk), export, generate, and the
// ciphers with the parameter checks and error names of the Web Cryptography API.
import { aeskw, cbc, ctr, gcm } from "@noble/ciphers/aes.js";
import { randomBytes } from "../random.js";
import { base64urlDecode, base64urlEncode, concat, copyBytes, equalBytes } from "./bytes.js";
import { type CryptoKey, createKey, type KeyUsage, keyMaterial } from "./crypto-key.js";
import { dataError, notSupported, operationError } from "./errors.js";
import { checkJwk, checkUsages, jwkCommon } from "./jwk.js";
import type { AlgorithmImpl, JsonWebKey, Params } from "./types.js";

const CIPHER_USAGES: readonly KeyUsage[] = ["encrypt", "decrypt", "wrapKey", "unwrapKey"];
const WRAP_USAGES: readonly KeyUsage[] = ["wrapKey", "unwrapKey"];
const JWK_SUFFIX: Record<string, string> = {
  "AES-GCM": "GCM",
  "AES-CBC": "CBC",
  "AES-CTR": "CTR",
  "AES-KW": "KW",
};
const GCM_TAG_LENGTHS = new Set([32, 64, 96, 104, 112, 120, 128]);

function secretOf(key: CryptoKey): Uint8Array {
  const material = keyMaterial(key);
  if (material.kind !== "secret") throw operationError("Not an AES key");
  return material.bytes;
}

function checkLength(length: unknown): number {
  const bits = Number(length);
  if (bits !== 128 && bits !== 192 && bits !== 256)
    throw operationError("AES key length must be 128, 192 or 256");
  return bits;
}

function bytesParam(params: Params, member: string, required: boolean): Uint8Array | undefined {
  const value = params[member];
  if (value === undefined) {
    if (required) throw new TypeError(`${params.name}: the ${member} member is required`);
    return undefined;
  }
  return copyBytes(value, `${params.name} ${member}`);
}

function aesAlgorithm(name: string): AlgorithmImpl {
  const usagesAllowed = name === "AES-KW" ? WRAP_USAGES : CIPHER_USAGES;
  const makeKey = (bytes: Uint8Array, extractable: boolean, usages: KeyUsage[]) =>
    createKey({
      type: "secret",
      extractable,
      algorithm: { name, length: bytes.length * 8 },
      usages,
      material: { kind: "secret", bytes },
    });
  return {
    importKey(format, keyData, _params, extractable, usages) {
      checkUsages(usages, usagesAllowed, `an ${name} key`);
      let bytes: Uint8Array;
      if (format === "raw") {
        bytes = keyData as Uint8Array;
      } else if (format === "jwk") {
        const jwk = keyData as JsonWebKey;
        checkJwk(jwk, "oct", usages, extractable, "enc");
        bytes = base64urlDecode(jwk.k, "k");
        const expected = `A${bytes.length * 8}${JWK_SUFFIX[name]}`;
        if (jwk.alg !== undefined && jwk.alg !== expected) {
          throw dataError(`The JWK "alg" member must be ${expected}`);
        }
      } else {
        throw notSupported(`${name} keys cannot be imported as ${format}`);
      }
      if (bytes.length !== 16 && bytes.length !== 24 && bytes.length !== 32) {
        throw dataError("AES key data must be 128, 192 or 256 bits");
      }
      return makeKey(bytes, extractable, usages);
    },

    exportKey(format, key) {
      const bytes = secretOf(key);
      if (format === "raw") return bytes.slice();
      if (format === "jwk") {
        return {
          kty: "oct",
          k: base64urlEncode(bytes),
          alg: `A${bytes.length * 8}${JWK_SUFFIX[name]}`,
          ...jwkCommon(key),
        };
      }
      throw notSupported(`${name} keys cannot be exported as ${format}`);
    },

    generateKey(params, extractable, usages) {
      checkUsages(usages, usagesAllowed, `an ${name} key`);
      return makeKey(randomBytes(checkLength(params.length) / 8), extractable, usages);
    },

    keyLength: (params) => checkLength(params.length),

    ...(name === "AES-GCM" ? GCM : name === "AES-CBC" ? CBC : name === "AES-CTR" ? CTR : KW),
  };
}

function gcmTagBytes(params: Params): number {
  const tagLength = params.tagLength === undefined ? 128 : Number(params.tagLength);
  if (!GCM_TAG_LENGTHS.has(tagLength)) throw operationError("AES-GCM: invalid tagLength");
  return tagLength / 8;
}

const GCM: AlgorithmImpl = {
  encrypt(params, key, data) {
    const iv = bytesParam(params, "iv", true) as Uint8Array;
    const aad = bytesParam(params, "additionalData", false);
    const tagBytes = gcmTagBytes(params);
    if (iv.length === 0) throw operationError("AES-GCM: the iv must not be empty");
    const sealed = gcm(secretOf(key), iv, aad).encrypt(data);
    // A shorter tag is the full tag's leading bytes (NIST SP 800-38D §5.2.1.2).
    return tagBytes === 16 ? sealed : sealed.subarray(0, data.length + tagBytes).slice();
  },

  decrypt(params, key, data) {
    const iv = bytesParam(params, "iv", true) as Uint8Array;
    const aad = bytesParam(params, "additionalData", false);
    const tagBytes = gcmTagBytes(params);
    if (iv.length === 0) throw operationError("AES-GCM: the iv must not be empty");
    if (data.length < tagBytes) throw operationError("AES-GCM: the data is shorter than the tag");
    const secret = secretOf(key);
    try {
      if (tagBytes === 16) return gcm(secret, iv, aad).decrypt(data);
      // noble checks only full tags: recover the plaintext with the keystream, seal it again, compare.
      const ciphertext = data.subarray(0, data.length - tagBytes);
      const keystream = gcm(secret, iv, aad).encrypt(new Uint8Array(ciphertext.length));
      const plaintext = ciphertext.map((byte, i) => byte ^ (keystream[i] as number));
      const resealed = gcm(secret, iv, aad).encrypt(plaintext);
      if (
        !equalBytes(
          resealed.subarray(ciphertext.length, ciphertext.length + tagBytes),
          data.subarray(ciphertext.length),
        )
      ) {
        throw new Error("tag mismatch");
      }
      return plaintext;
    } catch {
      throw operationError("AES-GCM: decryption failed");
    }
  },
};

function cbcIv(params: Params): Uint8Array {
  const iv = bytesParam(params, "iv", true) as Uint8Array;
  if (iv.length !== 16) throw operationError("AES-CBC: the iv must be 16 bytes");
  return iv;
}

const CBC: AlgorithmImpl = {
  encrypt: (params, key, data) => cbc(secretOf(key), cbcIv(params)).encrypt(data),
  decrypt(params, key, data) {
    const iv = cbcIv(params);
    try {
      return cbc(secretOf(key), iv).decrypt(data);
    } catch {
      throw operationError("AES-CBC: decryption failed");
    }
  },
};

/**
 * AES-CTR where only the rightmost `length` bits of the counter block count (and wrap), as the standard
 * says; noble counts with all 128 bits, so the data is split where the counter would wrap.
 */
function ctrCrypt(params: Params, key: CryptoKey, data: Uint8Array): Uint8Array {
  const counter = bytesParam(params, "counter", true) as Uint8Array;
  const length = Number(params.length);
  if (counter.length !== 16) throw operationError("AES-CTR: the counter must be 16 bytes");
  if (!Number.isInteger(length) || length < 1 || length > 128) {
    throw operationError("AES-CTR: length must be from 1 to 128");
  }
  const secret = secretOf(key);
  const blocks = BigInt(Math.ceil(data.length / 16));
  const whole = BigInt(`0x${Array.from(counter, (b) => b.toString(16).padStart(2, "0")).join("")}`);
  const mask = (1n << BigInt(length)) - 1n;
  const low = whole & mask;
  const space = mask + 1n;
  if (blocks > space) throw operationError("AES-CTR: the data is too long for the counter length");
  const toBlock = (value: bigint) => {
    const out = new Uint8Array(16);
    for (let i = 15; i >= 0; i--) {
      out[i] = Number(value & 0xffn);
      value >>= 8n;
    }
    return out;
  };
  const untilWrap = space - low;
  if (blocks <= untilWrap) return ctr(secret, counter).encrypt(data);
  const splitAt = Number(untilWrap) * 16;
  const first = ctr(secret, counter).encrypt(data.subarray(0, splitAt));
  const second = ctr(secret, toBlock(whole & ~mask)).encrypt(data.subarray(splitAt));
  return concat(first, second);
}

const CTR: AlgorithmImpl = { encrypt: ctrCrypt, decrypt: ctrCrypt };

const KW: AlgorithmImpl = {
  wrapKey(_params, key, data) {
    if (data.length % 8 !== 0 || data.length < 16) {
      throw operationError("AES-KW: the data must be a multiple of 8 bytes, at least 16");
    }
    return aeskw(secretOf(key)).encrypt(data);
  },
  unwrapKey(_params, key, data) {
    try {
      return aeskw(secretOf(key)).decrypt(data);
    } catch {
      throw operationError("AES-KW: unwrapping failed");
    }
  },
};

export const algorithms: Record<string, AlgorithmImpl> = {
  "AES-GCM": aesAlgorithm("AES-GCM"),
  "AES-CBC": aesAlgorithm("AES-CBC"),
  "AES-CTR": aesAlgorithm("AES-CTR"),
  "AES-KW": aesAlgorithm("AES-KW"),
};
