// Which algorithm supports which operation, and the module that implements it. The modules (and the noble
// libraries behind them) load on first use, so an isolate that never signs anything never pays for them.
import { notSupported } from "./errors.js";
import type { AlgorithmImpl, Operation, Params } from "./types.js";

type ModuleName = "digest" | "hmac" | "aes" | "ec" | "okp" | "kdf";
type AlgorithmModule = { algorithms: Record<string, AlgorithmImpl> };

declare const require: (
  id: "./digest.js" | "./hmac.js" | "./aes.js" | "./ec.js" | "./okp.js" | "./kdf.js",
) => AlgorithmModule;

const LOADERS: Record<ModuleName, () => AlgorithmModule> = {
  digest: () => require("./digest.js"),
  hmac: () => require("./hmac.js"),
  aes: () => require("./aes.js"),
  ec: () => require("./ec.js"),
  okp: () => require("./okp.js"),
  kdf: () => require("./kdf.js"),
};

const KEY_OPS: Operation[] = ["importKey", "exportKey"];
const SIGNATURE: Operation[] = [...KEY_OPS, "generateKey", "sign", "verify"];
const CIPHER: Operation[] = [
  ...KEY_OPS,
  "generateKey",
  "encrypt",
  "decrypt",
  "wrapKey",
  "unwrapKey",
  "keyLength",
];
const AGREEMENT: Operation[] = [...KEY_OPS, "generateKey", "deriveBits"];
const KDF: Operation[] = ["importKey", "deriveBits", "keyLength"];

const ALGORITHMS: Record<string, { module: ModuleName; operations: readonly Operation[] }> = {
  "SHA-1": { module: "digest", operations: ["digest"] },
  "SHA-256": { module: "digest", operations: ["digest"] },
  "SHA-384": { module: "digest", operations: ["digest"] },
  "SHA-512": { module: "digest", operations: ["digest"] },
  HMAC: { module: "hmac", operations: [...SIGNATURE, "keyLength"] },
  "AES-GCM": { module: "aes", operations: CIPHER.filter((op) => op !== "wrapKey" && op !== "unwrapKey") },
  "AES-CBC": { module: "aes", operations: CIPHER.filter((op) => op !== "wrapKey" && op !== "unwrapKey") },
  "AES-CTR": { module: "aes", operations: CIPHER.filter((op) => op !== "wrapKey" && op !== "unwrapKey") },
  "AES-KW": { module: "aes", operations: [...KEY_OPS, "generateKey", "wrapKey", "unwrapKey", "keyLength"] },
  ECDSA: { module: "ec", operations: SIGNATURE },
  ECDH: { module: "ec", operations: AGREEMENT },
  Ed25519: { module: "okp", operations: SIGNATURE },
  X25519: { module: "okp", operations: AGREEMENT },
  PBKDF2: { module: "kdf", operations: KDF },
  HKDF: { module: "kdf", operations: KDF },
};

const BY_UPPER_NAME = new Map(Object.keys(ALGORITHMS).map((name) => [name.toUpperCase(), name]));
const NOT_IMPLEMENTED = new Set(["RSASSA-PKCS1-V1_5", "RSA-PSS", "RSA-OAEP", "ED448", "X448"]);

/** The implementation of a (canonical) algorithm name. */
export function implementation(name: string): AlgorithmImpl {
  const entry = ALGORITHMS[name];
  if (entry === undefined) throw notSupported(`${name} is not supported`);
  const impl = LOADERS[entry.module]().algorithms[name];
  if (impl === undefined) throw notSupported(`${name} is not supported`);
  return impl;
}

export function supports(name: string, operation: Operation): boolean {
  return ALGORITHMS[name]?.operations.includes(operation) ?? false;
}

/**
 * The standard's "normalize an algorithm" for `operation`: the canonical name (names match without regard to
 * case) and a normalized `hash` member; NotSupportedError when no algorithm of that name does `operation`.
 */
export function normalizeAlgorithm(algorithm: unknown, operation: Operation): Params {
  const given =
    typeof algorithm === "string"
      ? { name: algorithm }
      : typeof algorithm === "object" && algorithm !== null
        ? (algorithm as Record<string, unknown>)
        : null;
  if (given === null) throw new TypeError("The algorithm must be a string or an object with a name");
  if (given.name === undefined) throw new TypeError("The algorithm has no name");
  const upper = String(given.name).toUpperCase();
  const name = BY_UPPER_NAME.get(upper);
  if (name === undefined || !supports(name, operation)) {
    const why = NOT_IMPLEMENTED.has(upper) ? " by this runtime" : ` for ${operation}`;
    throw notSupported(`Unrecognized or unsupported algorithm: ${String(given.name)} is not supported${why}`);
  }
  const params: Params = { ...given, name };
  if (given.hash !== undefined) params.hash = { name: normalizeAlgorithm(given.hash, "digest").name };
  return params;
}
