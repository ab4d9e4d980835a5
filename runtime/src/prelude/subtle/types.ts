// What each algorithm module gives the SubtleCrypto front: the standard's per-algorithm operations, all
// synchronous (they run inside the isolate, on its CPU time).
import type { CryptoKey, KeyUsage } from "./crypto-key.js";

/** A normalized algorithm: canonical `name`, `hash` normalized to `{ name }`, other members as given. */
export type Params = { name: string; hash?: { name: string } } & Record<string, unknown>;
export type KeyFormat = "raw" | "spki" | "pkcs8" | "jwk";

export interface JsonWebKey {
  kty?: string;
  use?: string;
  key_ops?: string[];
  alg?: string;
  ext?: boolean;
  crv?: string;
  x?: string;
  y?: string;
  d?: string;
  k?: string;
  [member: string]: unknown;
}

export interface KeyPair {
  publicKey: CryptoKey;
  privateKey: CryptoKey;
}

export interface AlgorithmImpl {
  digest?(params: Params, data: Uint8Array): Uint8Array;
  importKey?(
    format: KeyFormat,
    keyData: Uint8Array | JsonWebKey,
    params: Params,
    extractable: boolean,
    usages: KeyUsage[],
  ): CryptoKey;
  exportKey?(format: KeyFormat, key: CryptoKey): Uint8Array | JsonWebKey;
  generateKey?(params: Params, extractable: boolean, usages: KeyUsage[]): CryptoKey | KeyPair;
  sign?(params: Params, key: CryptoKey, data: Uint8Array): Uint8Array;
  verify?(params: Params, key: CryptoKey, signature: Uint8Array, data: Uint8Array): boolean;
  encrypt?(params: Params, key: CryptoKey, data: Uint8Array): Uint8Array;
  decrypt?(params: Params, key: CryptoKey, data: Uint8Array): Uint8Array;
  wrapKey?(params: Params, key: CryptoKey, data: Uint8Array): Uint8Array;
  unwrapKey?(params: Params, key: CryptoKey, data: Uint8Array): Uint8Array;
  deriveBits?(params: Params, key: CryptoKey, length: number | null): Uint8Array;
  /** The standard's "get key length" for deriveKey; null when the derivation decides. */
  keyLength?(params: Params): number | null;
}

export type Operation = Exclude<keyof AlgorithmImpl, "keyLength"> | "keyLength";
