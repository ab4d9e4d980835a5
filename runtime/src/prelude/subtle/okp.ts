// Ed25519 and X25519 (RFC 8032, RFC 7748) from @noble/curves: keys as raw, SPKI, PKCS #8 and JWK (OKP).
import { ed25519, x25519 } from "@noble/curves/ed25519.js";
import { randomBytes } from "../random.js";
import { base64urlDecode, base64urlEncode, equalBytes, truncateBits } from "./bytes.js";
import { CryptoKey, createKey, type KeyUsage, keyMaterial } from "./crypto-key.js";
import { encode, encodePkcs8, encodeSpki, fromHex, hex, parsePkcs8, parseSpki, readOne, TAG } from "./der.js";
import { dataError, invalidAccess, notSupported, operationError } from "./errors.js";
import { checkJwk, checkUsages, jwkCommon } from "./jwk.js";
import type { AlgorithmImpl, JsonWebKey, KeyPair } from "./types.js";

type Name = "Ed25519" | "X25519";

const OIDS: Record<Name, string> = { Ed25519: "06032b6570", X25519: "06032b656e" };
const KEY_BYTES = 32;

function publicFromPrivate(name: Name, privateKey: Uint8Array): Uint8Array {
  if (privateKey.length !== KEY_BYTES) throw dataError(`${name} private keys are 32 bytes`);
  return name === "Ed25519" ? ed25519.getPublicKey(privateKey) : x25519.getPublicKey(privateKey);
}

function checkPublic(name: Name, publicKey: Uint8Array): Uint8Array {
  if (publicKey.length !== KEY_BYTES) throw dataError(`${name} public keys are 32 bytes`);
  return publicKey.slice();
}

function checkAlgorithmOid(name: Name, elements: ReturnType<typeof parseSpki>["algorithm"]): void {
  const [oid, ...parameters] = elements;
  if (oid === undefined || parameters.length > 0 || hex(encode(oid.tag, oid.value)) !== OIDS[name]) {
    throw dataError(`The key is not an ${name} key`);
  }
}

function okpAlgorithm(name: Name): AlgorithmImpl {
  const publicUsages: readonly KeyUsage[] = name === "Ed25519" ? ["verify"] : [];
  const privateUsages: readonly KeyUsage[] = name === "Ed25519" ? ["sign"] : ["deriveKey", "deriveBits"];
  const makeKey = (
    publicKey: Uint8Array,
    privateKey: Uint8Array | undefined,
    extractable: boolean,
    usages: readonly KeyUsage[],
  ) =>
    createKey({
      type: privateKey === undefined ? "public" : "private",
      extractable,
      algorithm: { name },
      usages,
      material:
        privateKey === undefined
          ? { kind: "okp", curve: name, publicKey }
          : { kind: "okp", curve: name, publicKey, privateKey },
    });

  return {
    importKey(format, keyData, _params, extractable, usages) {
      if (format === "raw" || format === "spki") {
        checkUsages(usages, publicUsages, `an ${name} public key`);
        let publicKey = keyData as Uint8Array;
        if (format === "spki") {
          const spki = parseSpki(publicKey);
          checkAlgorithmOid(name, spki.algorithm);
          publicKey = spki.publicKey;
        }
        return makeKey(checkPublic(name, publicKey), undefined, extractable, usages);
      }
      if (format === "pkcs8") {
        checkUsages(usages, privateUsages, `an ${name} private key`);
        const pkcs8 = parsePkcs8(keyData as Uint8Array);
        checkAlgorithmOid(name, pkcs8.algorithm);
        const privateKey = readOne(pkcs8.privateKey, TAG.OCTET_STRING, "CurvePrivateKey").value.slice();
        return makeKey(publicFromPrivate(name, privateKey), privateKey, extractable, usages);
      }
      if (format === "jwk") {
        const jwk = keyData as JsonWebKey;
        const isPrivate = jwk.d !== undefined;
        checkUsages(usages, isPrivate ? privateUsages : publicUsages, `an ${name} key`);
        checkJwk(jwk, "OKP", usages, extractable, name === "Ed25519" ? "sig" : "enc");
        if (jwk.crv !== name) throw dataError(`The JWK "crv" member must be ${name}`);
        if (name === "Ed25519" && jwk.alg !== undefined && jwk.alg !== "EdDSA" && jwk.alg !== "Ed25519") {
          throw dataError('The JWK "alg" member must be EdDSA or Ed25519');
        }
        const publicKey = checkPublic(name, base64urlDecode(jwk.x, "x"));
        if (!isPrivate) return makeKey(publicKey, undefined, extractable, usages);
        const privateKey = base64urlDecode(jwk.d, "d");
        if (!equalBytes(publicFromPrivate(name, privateKey), publicKey)) {
          throw dataError("The JWK private key does not match x");
        }
        return makeKey(publicKey, privateKey, extractable, usages);
      }
      throw notSupported(`${name} keys cannot be imported as ${format}`);
    },

    exportKey(format, key) {
      const material = keyMaterial(key);
      if (material.kind !== "okp") throw operationError(`Not an ${name} key`);
      if (format === "raw" || format === "spki") {
        if (key.type !== "public") throw invalidAccess(`Only public keys can be exported as ${format}`);
        return format === "raw"
          ? material.publicKey.slice()
          : encodeSpki([fromHex(OIDS[name])], material.publicKey);
      }
      if (format === "pkcs8") {
        if (material.privateKey === undefined)
          throw invalidAccess("Only private keys can be exported as pkcs8");
        return encodePkcs8([fromHex(OIDS[name])], encode(TAG.OCTET_STRING, material.privateKey));
      }
      if (format === "jwk") {
        const jwk: JsonWebKey = {
          kty: "OKP",
          crv: name,
          x: base64urlEncode(material.publicKey),
          ...jwkCommon(key),
        };
        if (material.privateKey !== undefined) jwk.d = base64urlEncode(material.privateKey);
        if (name === "Ed25519") jwk.alg = "Ed25519";
        return jwk;
      }
      throw notSupported(`${name} keys cannot be exported as ${format}`);
    },

    generateKey(_params, extractable, usages): KeyPair {
      checkUsages(usages, [...publicUsages, ...privateUsages], `an ${name} key pair`);
      const privateKey = randomBytes(KEY_BYTES);
      const publicKey = publicFromPrivate(name, privateKey);
      return {
        publicKey: makeKey(
          publicKey,
          undefined,
          true,
          usages.filter((u) => publicUsages.includes(u)),
        ),
        privateKey: makeKey(
          publicKey,
          privateKey,
          extractable,
          usages.filter((u) => privateUsages.includes(u)),
        ),
      };
    },

    ...(name === "Ed25519" ? ED25519 : X25519),
  };
}

function okpMaterial(key: CryptoKey) {
  const material = keyMaterial(key);
  if (material.kind !== "okp") throw operationError("Not an OKP key");
  return material;
}

const ED25519: AlgorithmImpl = {
  sign(_params, key, data) {
    const { privateKey } = okpMaterial(key);
    if (key.type !== "private" || privateKey === undefined)
      throw invalidAccess("Signing needs a private key");
    return ed25519.sign(data, privateKey);
  },

  verify(_params, key, signature, data) {
    const { publicKey } = okpMaterial(key);
    if (key.type !== "public") throw invalidAccess("Verifying needs a public key");
    if (signature.length !== 64) return false;
    try {
      // RFC 8032's strict decoding, as WebCrypto implementations verify, rather than ZIP 215's lenient one.
      return ed25519.verify(signature, data, publicKey, { zip215: false });
    } catch {
      return false;
    }
  },
};

const X25519: AlgorithmImpl = {
  deriveBits(params, key, length) {
    const { privateKey } = okpMaterial(key);
    if (key.type !== "private" || privateKey === undefined)
      throw invalidAccess("X25519 needs a private base key");
    const peer = params.public;
    if (!(peer instanceof CryptoKey)) throw new TypeError("X25519: the public member must be a CryptoKey");
    if (peer.type !== "public") throw invalidAccess("X25519: the public member must be a public key");
    if (peer.algorithm.name !== "X25519") throw invalidAccess("X25519: the public key is not an X25519 key");
    let shared: Uint8Array;
    try {
      shared = x25519.getSharedSecret(privateKey, okpMaterial(peer).publicKey);
    } catch {
      throw operationError("X25519: the shared secret could not be derived");
    }
    if (shared.every((byte) => byte === 0)) throw operationError("X25519: the shared secret is all zeros");
    return truncateBits(shared, length);
  },
};

export const algorithms: Record<string, AlgorithmImpl> = {
  Ed25519: okpAlgorithm("Ed25519"),
  X25519: okpAlgorithm("X25519"),
};
