// The checks the standard makes on every imported JSON Web Key, and the members every exported one has.

import type { CryptoKey, KeyUsage } from "./crypto-key.js";
import { dataError, syntaxError } from "./errors.js";
import type { JsonWebKey } from "./types.js";

/** SyntaxError unless every usage is one the key allows. */
export function checkUsages(usages: readonly KeyUsage[], allowed: readonly KeyUsage[], what: string): void {
  for (const usage of usages) {
    if (!allowed.includes(usage)) throw syntaxError(`"${usage}" is not a valid usage for ${what}`);
  }
}

/** The standard's common JWK import checks: kty, use, key_ops and ext against the requested key. */
export function checkJwk(
  jwk: JsonWebKey,
  kty: string,
  usages: readonly KeyUsage[],
  extractable: boolean,
  use: "sig" | "enc" | null,
): void {
  if (jwk.kty !== kty) throw dataError(`The JWK "kty" member must be "${kty}"`);
  if (usages.length > 0 && jwk.use !== undefined && use !== null && jwk.use !== use) {
    throw dataError(`The JWK "use" member must be "${use}"`);
  }
  if (jwk.key_ops !== undefined) {
    const ops = jwk.key_ops;
    if (!Array.isArray(ops) || ops.some((op) => typeof op !== "string") || new Set(ops).size !== ops.length) {
      throw dataError('The JWK "key_ops" member must be a list of distinct strings');
    }
    for (const usage of usages) {
      if (!ops.includes(usage)) throw dataError(`The JWK "key_ops" member does not allow "${usage}"`);
    }
  }
  if (jwk.ext === false && extractable) throw dataError("The JWK is not extractable (ext: false)");
}

/** key_ops and ext, which every exported JWK carries. */
export function jwkCommon(key: CryptoKey): { key_ops: string[]; ext: boolean } {
  return { key_ops: [...key.usages], ext: key.extractable };
}
