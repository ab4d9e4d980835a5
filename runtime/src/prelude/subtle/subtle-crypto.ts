// SubtleCrypto (Web Cryptography API): argument checks and the standard's order of errors, in front of the
// algorithm modules, which compute inside the isolate with the audited noble libraries.
import { TextDecoder, TextEncoder } from "../encoding.js";
import { copyBytes, toArrayBuffer } from "./bytes.js";
import { CryptoKey, hasUsage, KEY_USAGES, type KeyUsage } from "./crypto-key.js";
import { dataError, invalidAccess, notSupported, syntaxError } from "./errors.js";
import { implementation, normalizeAlgorithm } from "./registry.js";
import type { AlgorithmImpl, JsonWebKey, KeyFormat, KeyPair, Params } from "./types.js";

const FORMATS = new Set<string>(["raw", "spki", "pkcs8", "jwk"]);
const encoder = new TextEncoder();
const decoder = new TextDecoder();

function toFormat(format: unknown): KeyFormat {
  if (typeof format !== "string" || !FORMATS.has(format)) {
    throw new TypeError(`"${String(format)}" is not a key format (raw, spki, pkcs8, jwk)`);
  }
  return format as KeyFormat;
}

function toUsages(usages: unknown): KeyUsage[] {
  if (typeof usages !== "object" || usages === null || !(Symbol.iterator in usages)) {
    throw new TypeError("Key usages must be an array");
  }
  return Array.from(usages as Iterable<unknown>, (usage) => {
    if (!KEY_USAGES.includes(usage as KeyUsage)) throw new TypeError(`"${String(usage)}" is not a key usage`);
    return usage as KeyUsage;
  });
}

function toKey(key: unknown, what: string): CryptoKey {
  if (!(key instanceof CryptoKey)) throw new TypeError(`${what} must be a CryptoKey`);
  return key;
}

function toKeyData(format: KeyFormat, keyData: unknown): Uint8Array | JsonWebKey {
  if (format !== "jwk") return copyBytes(keyData, "keyData");
  if (
    typeof keyData !== "object" ||
    keyData === null ||
    ArrayBuffer.isView(keyData) ||
    keyData instanceof ArrayBuffer
  ) {
    throw new TypeError("keyData must be a JsonWebKey object for the jwk format");
  }
  return { ...(keyData as JsonWebKey) };
}

/** An operation the algorithm has; NotSupportedError when it lacks it. */
function operation<K extends keyof AlgorithmImpl>(
  impl: AlgorithmImpl,
  name: string,
  op: K,
): NonNullable<AlgorithmImpl[K]> {
  const fn = impl[op];
  if (fn === undefined) throw notSupported(`${name} does not support ${op}`);
  return (fn as (...args: never[]) => unknown).bind(impl) as NonNullable<AlgorithmImpl[K]>;
}

/** The checks every key-using operation makes: the key's algorithm is the one asked for, and allows `usage`. */
function checkKey(params: Params, key: CryptoKey, usage: KeyUsage): void {
  if (params.name !== key.algorithm.name) {
    throw invalidAccess(`The key is for ${key.algorithm.name}, not ${params.name}`);
  }
  if (!hasUsage(key, usage)) throw invalidAccess(`The key does not allow "${usage}"`);
}

function checkUsagesNotEmpty(key: CryptoKey | KeyPair): void {
  const checked = key instanceof CryptoKey ? key : key.privateKey;
  if ((checked.type === "secret" || checked.type === "private") && checked.usages.length === 0) {
    throw syntaxError("A secret or private key needs at least one usage");
  }
}

function importWith(
  format: KeyFormat,
  keyData: Uint8Array | JsonWebKey,
  params: Params,
  extractable: boolean,
  usages: KeyUsage[],
): CryptoKey {
  const key = operation(implementation(params.name), params.name, "importKey")(
    format,
    keyData,
    params,
    extractable,
    usages,
  );
  checkUsagesNotEmpty(key);
  return key;
}

function exportWith(format: KeyFormat, key: CryptoKey): Uint8Array | JsonWebKey {
  const name = key.algorithm.name;
  const exporter = operation(implementation(name), name, "exportKey");
  if (!key.extractable) throw invalidAccess("The key is not extractable");
  return exporter(format, key);
}

export class SubtleCrypto {
  constructor(token?: unknown) {
    if (token !== CONSTRUCT) throw new TypeError("Illegal constructor");
  }

  async digest(algorithm: unknown, data: unknown): Promise<ArrayBuffer> {
    const params = normalizeAlgorithm(algorithm, "digest");
    const bytes = copyBytes(data);
    return toArrayBuffer(operation(implementation(params.name), params.name, "digest")(params, bytes));
  }

  async importKey(
    format: unknown,
    keyData: unknown,
    algorithm: unknown,
    extractable: unknown,
    keyUsages: unknown,
  ): Promise<CryptoKey> {
    const keyFormat = toFormat(format);
    const data = toKeyData(keyFormat, keyData);
    const params = normalizeAlgorithm(algorithm, "importKey");
    return importWith(keyFormat, data, params, Boolean(extractable), toUsages(keyUsages));
  }

  async exportKey(format: unknown, key: unknown): Promise<ArrayBuffer | JsonWebKey> {
    const keyFormat = toFormat(format);
    const exported = exportWith(keyFormat, toKey(key, "key"));
    return exported instanceof Uint8Array ? toArrayBuffer(exported) : exported;
  }

  async generateKey(
    algorithm: unknown,
    extractable: unknown,
    keyUsages: unknown,
  ): Promise<CryptoKey | KeyPair> {
    const usages = toUsages(keyUsages);
    const params = normalizeAlgorithm(algorithm, "generateKey");
    const generate = operation(implementation(params.name), params.name, "generateKey");
    const result = generate(params, Boolean(extractable), usages);
    checkUsagesNotEmpty(result);
    return result;
  }

  async sign(algorithm: unknown, key: unknown, data: unknown): Promise<ArrayBuffer> {
    const params = normalizeAlgorithm(algorithm, "sign");
    const bytes = copyBytes(data);
    const signingKey = toKey(key, "key");
    checkKey(params, signingKey, "sign");
    return toArrayBuffer(
      operation(implementation(params.name), params.name, "sign")(params, signingKey, bytes),
    );
  }

  async verify(algorithm: unknown, key: unknown, signature: unknown, data: unknown): Promise<boolean> {
    const params = normalizeAlgorithm(algorithm, "verify");
    const signatureBytes = copyBytes(signature, "signature");
    const bytes = copyBytes(data);
    const verifyingKey = toKey(key, "key");
    checkKey(params, verifyingKey, "verify");
    const verify = operation(implementation(params.name), params.name, "verify");
    return verify(params, verifyingKey, signatureBytes, bytes);
  }

  async encrypt(algorithm: unknown, key: unknown, data: unknown): Promise<ArrayBuffer> {
    const params = normalizeAlgorithm(algorithm, "encrypt");
    const bytes = copyBytes(data);
    const cipherKey = toKey(key, "key");
    checkKey(params, cipherKey, "encrypt");
    return toArrayBuffer(
      operation(implementation(params.name), params.name, "encrypt")(params, cipherKey, bytes),
    );
  }

  async decrypt(algorithm: unknown, key: unknown, data: unknown): Promise<ArrayBuffer> {
    const params = normalizeAlgorithm(algorithm, "decrypt");
    const bytes = copyBytes(data);
    const cipherKey = toKey(key, "key");
    checkKey(params, cipherKey, "decrypt");
    return toArrayBuffer(
      operation(implementation(params.name), params.name, "decrypt")(params, cipherKey, bytes),
    );
  }

  async deriveBits(algorithm: unknown, baseKey: unknown, length?: unknown): Promise<ArrayBuffer> {
    const params = normalizeAlgorithm(algorithm, "deriveBits");
    const key = toKey(baseKey, "baseKey");
    const bits = length === undefined || length === null ? null : Number(length);
    if (bits !== null && (!Number.isInteger(bits) || bits < 0))
      throw new TypeError("length must be a whole number");
    checkKey(params, key, "deriveBits");
    return toArrayBuffer(
      operation(implementation(params.name), params.name, "deriveBits")(params, key, bits),
    );
  }

  async deriveKey(
    algorithm: unknown,
    baseKey: unknown,
    derivedKeyType: unknown,
    extractable: unknown,
    keyUsages: unknown,
  ): Promise<CryptoKey> {
    const params = normalizeAlgorithm(algorithm, "deriveBits");
    const importParams = normalizeAlgorithm(derivedKeyType, "importKey");
    const lengthParams = normalizeAlgorithm(derivedKeyType, "keyLength");
    const key = toKey(baseKey, "baseKey");
    const usages = toUsages(keyUsages);
    checkKey(params, key, "deriveKey");
    const length = operation(implementation(lengthParams.name), lengthParams.name, "keyLength")(lengthParams);
    const secret = operation(implementation(params.name), params.name, "deriveBits")(params, key, length);
    return importWith("raw", secret, importParams, Boolean(extractable), usages);
  }

  async wrapKey(
    format: unknown,
    key: unknown,
    wrappingKey: unknown,
    wrapAlgorithm: unknown,
  ): Promise<ArrayBuffer> {
    const keyFormat = toFormat(format);
    const params = normalizeWrap(wrapAlgorithm, "wrapKey");
    const wrapping = toKey(wrappingKey, "wrappingKey");
    const wrapped = toKey(key, "key");
    checkKey(params, wrapping, "wrapKey");
    const exported = exportWith(keyFormat, wrapped);
    const bytes = exported instanceof Uint8Array ? exported : encoder.encode(JSON.stringify(exported));
    const impl = implementation(params.name);
    const wrap = impl.wrapKey
      ? operation(impl, params.name, "wrapKey")
      : operation(impl, params.name, "encrypt");
    return toArrayBuffer(wrap(params, wrapping, bytes));
  }

  async unwrapKey(
    format: unknown,
    wrappedKey: unknown,
    unwrappingKey: unknown,
    unwrapAlgorithm: unknown,
    unwrappedKeyAlgorithm: unknown,
    extractable: unknown,
    keyUsages: unknown,
  ): Promise<CryptoKey> {
    const keyFormat = toFormat(format);
    const params = normalizeWrap(unwrapAlgorithm, "unwrapKey");
    const importParams = normalizeAlgorithm(unwrappedKeyAlgorithm, "importKey");
    const bytes = copyBytes(wrappedKey, "wrappedKey");
    const unwrapping = toKey(unwrappingKey, "unwrappingKey");
    const usages = toUsages(keyUsages);
    checkKey(params, unwrapping, "unwrapKey");
    const impl = implementation(params.name);
    const unwrap = impl.unwrapKey
      ? operation(impl, params.name, "unwrapKey")
      : operation(impl, params.name, "decrypt");
    const plain = unwrap(params, unwrapping, bytes);
    let keyData: Uint8Array | JsonWebKey = plain;
    if (keyFormat === "jwk") {
      try {
        keyData = JSON.parse(decoder.decode(plain)) as JsonWebKey;
      } catch {
        throw dataError("The unwrapped key is not a JSON Web Key");
      }
    }
    return importWith(keyFormat, keyData, importParams, Boolean(extractable), usages);
  }

  get [Symbol.toStringTag](): string {
    return "SubtleCrypto";
  }
}

/** Wrapping falls back to the encryption algorithms, as the standard allows. */
function normalizeWrap(algorithm: unknown, operationName: "wrapKey" | "unwrapKey"): Params {
  try {
    return normalizeAlgorithm(algorithm, operationName);
  } catch (error) {
    if (!(error instanceof Error) || error.name !== "NotSupportedError") throw error;
    return normalizeAlgorithm(algorithm, operationName === "wrapKey" ? "encrypt" : "decrypt");
  }
}

const CONSTRUCT = Symbol("SubtleCrypto");
export const subtle = new SubtleCrypto(CONSTRUCT);
export { CryptoKey } from "./crypto-key.js";
