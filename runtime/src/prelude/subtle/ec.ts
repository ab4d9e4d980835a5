// ECDSA and ECDH on P-256, P-384 and P-521 from @noble/curves: keys as raw points, SPKI, PKCS #8 and JWK;
// signatures in the IEEE P1363 form (r || s) that WebCrypto uses.
import { p256, p384, p521 } from "@noble/curves/nist.js";
import { randomBytes } from "../random.js";
import { base64urlDecode, base64urlEncode, concat, truncateBits } from "./bytes.js";
import { CryptoKey, createKey, type KeyUsage, keyMaterial } from "./crypto-key.js";
import {
  encode,
  encodePkcs8,
  encodeSpki,
  fromHex,
  hex,
  parsePkcs8,
  parseSpki,
  readSequence,
  TAG,
} from "./der.js";
import { dataError, invalidAccess, notSupported, operationError } from "./errors.js";
import { hashByName } from "./hashes.js";
import { checkJwk, checkUsages, jwkCommon } from "./jwk.js";
import type { AlgorithmImpl, JsonWebKey, KeyPair, Params } from "./types.js";

type Curve = typeof p256;

interface CurveInfo {
  curve: Curve;
  /** Field element size in bytes. */
  size: number;
  /** DER of the named-curve OID. */
  oid: string;
  jwsAlg: string;
}

const CURVES: Record<string, CurveInfo> = {
  "P-256": { curve: p256, size: 32, oid: "06082a8648ce3d030107", jwsAlg: "ES256" },
  "P-384": { curve: p384 as unknown as Curve, size: 48, oid: "06052b81040022", jwsAlg: "ES384" },
  "P-521": { curve: p521 as unknown as Curve, size: 66, oid: "06052b81040023", jwsAlg: "ES512" },
};
const EC_PUBLIC_KEY_OID = "06072a8648ce3d0201";

function curveInfo(namedCurve: unknown): CurveInfo {
  if (namedCurve === undefined) throw new TypeError("The namedCurve member is required");
  const info = CURVES[String(namedCurve)];
  if (info === undefined) throw notSupported(`Unsupported namedCurve: ${String(namedCurve)}`);
  return info;
}

/** Validates a point and returns it uncompressed; DataError when it is not on the curve. */
function uncompressedPoint(info: CurveInfo, bytes: Uint8Array): Uint8Array {
  try {
    return info.curve.Point.fromBytes(bytes).toBytes(false);
  } catch {
    throw dataError("The public key is not a valid point on the curve");
  }
}

function publicFromPrivate(info: CurveInfo, privateKey: Uint8Array): Uint8Array {
  if (privateKey.length !== info.size || !info.curve.utils.isValidSecretKey(privateKey)) {
    throw dataError("The private key is not valid for the curve");
  }
  return info.curve.getPublicKey(privateKey, false);
}

function algorithmOid(elements: ReturnType<typeof parseSpki>["algorithm"], info: CurveInfo): void {
  const [oid, curveOid] = elements;
  if (oid === undefined || hex(encode(oid.tag, oid.value)) !== EC_PUBLIC_KEY_OID) {
    throw dataError("The key is not an EC key");
  }
  if (curveOid === undefined || hex(encode(curveOid.tag, curveOid.value)) !== info.oid) {
    throw dataError("The key is for another curve");
  }
}

function ecAlgorithm(name: "ECDSA" | "ECDH"): AlgorithmImpl {
  const publicUsages: readonly KeyUsage[] = name === "ECDSA" ? ["verify"] : [];
  const privateUsages: readonly KeyUsage[] = name === "ECDSA" ? ["sign"] : ["deriveKey", "deriveBits"];
  const makeKey = (
    namedCurve: string,
    publicKey: Uint8Array,
    privateKey: Uint8Array | undefined,
    extractable: boolean,
    usages: readonly KeyUsage[],
  ) =>
    createKey({
      type: privateKey === undefined ? "public" : "private",
      extractable,
      algorithm: { name, namedCurve },
      usages,
      material:
        privateKey === undefined
          ? { kind: "ec", curve: namedCurve, publicKey }
          : { kind: "ec", curve: namedCurve, publicKey, privateKey },
    });

  return {
    importKey(format, keyData, params, extractable, usages) {
      const namedCurve = String(params.namedCurve);
      const info = curveInfo(params.namedCurve);
      if (format === "raw" || format === "spki") {
        checkUsages(usages, publicUsages, `an ${name} public key`);
        let point = keyData as Uint8Array;
        if (format === "spki") {
          const spki = parseSpki(point);
          algorithmOid(spki.algorithm, info);
          point = spki.publicKey;
        }
        return makeKey(namedCurve, uncompressedPoint(info, point), undefined, extractable, usages);
      }
      if (format === "pkcs8") {
        checkUsages(usages, privateUsages, `an ${name} private key`);
        const pkcs8 = parsePkcs8(keyData as Uint8Array);
        algorithmOid(pkcs8.algorithm, info);
        const [version, secret] = readSequence(pkcs8.privateKey, "ECPrivateKey");
        if (version?.tag !== TAG.INTEGER || version.value[0] !== 1 || secret?.tag !== TAG.OCTET_STRING) {
          throw dataError("Invalid ECPrivateKey");
        }
        const privateKey = secret.value.slice();
        return makeKey(namedCurve, publicFromPrivate(info, privateKey), privateKey, extractable, usages);
      }
      if (format === "jwk") {
        const jwk = keyData as JsonWebKey;
        const isPrivate = jwk.d !== undefined;
        checkUsages(usages, isPrivate ? privateUsages : publicUsages, `an ${name} key`);
        checkJwk(jwk, "EC", usages, extractable, name === "ECDSA" ? "sig" : "enc");
        if (jwk.crv !== namedCurve) throw dataError(`The JWK "crv" member must be ${namedCurve}`);
        if (name === "ECDSA" && jwk.alg !== undefined && jwk.alg !== info.jwsAlg) {
          throw dataError(`The JWK "alg" member must be ${info.jwsAlg}`);
        }
        const x = base64urlDecode(jwk.x, "x");
        const y = base64urlDecode(jwk.y, "y");
        if (x.length !== info.size || y.length !== info.size)
          throw dataError("The JWK coordinates have the wrong size");
        const publicKey = uncompressedPoint(info, concat(new Uint8Array([4]), x, y));
        if (!isPrivate) return makeKey(namedCurve, publicKey, undefined, extractable, usages);
        const privateKey = base64urlDecode(jwk.d, "d");
        const derived = publicFromPrivate(info, privateKey);
        if (hex(derived) !== hex(publicKey)) throw dataError("The JWK private key does not match x and y");
        return makeKey(namedCurve, publicKey, privateKey, extractable, usages);
      }
      throw notSupported(`${name} keys cannot be imported as ${format}`);
    },

    exportKey(format, key) {
      const material = keyMaterial(key);
      if (material.kind !== "ec") throw operationError("Not an EC key");
      const info = curveInfo(material.curve);
      const algorithm = [fromHex(EC_PUBLIC_KEY_OID), fromHex(info.oid)];
      if (format === "raw" || format === "spki") {
        if (key.type !== "public") throw invalidAccess(`Only public keys can be exported as ${format}`);
        return format === "raw" ? material.publicKey.slice() : encodeSpki(algorithm, material.publicKey);
      }
      if (format === "pkcs8") {
        if (material.privateKey === undefined)
          throw invalidAccess("Only private keys can be exported as pkcs8");
        const ecPrivateKey = encode(
          TAG.SEQUENCE,
          encode(TAG.INTEGER, new Uint8Array([1])),
          encode(TAG.OCTET_STRING, material.privateKey),
          encode(TAG.CONTEXT_1, encode(TAG.BIT_STRING, new Uint8Array([0]), material.publicKey)),
        );
        return encodePkcs8(algorithm, ecPrivateKey);
      }
      if (format === "jwk") {
        const jwk: JsonWebKey = {
          kty: "EC",
          crv: material.curve,
          x: base64urlEncode(material.publicKey.subarray(1, 1 + info.size)),
          y: base64urlEncode(material.publicKey.subarray(1 + info.size)),
          ...jwkCommon(key),
        };
        if (material.privateKey !== undefined) jwk.d = base64urlEncode(material.privateKey);
        return jwk;
      }
      throw notSupported(`${name} keys cannot be exported as ${format}`);
    },

    generateKey(params, extractable, usages): KeyPair {
      checkUsages(usages, [...publicUsages, ...privateUsages], `an ${name} key pair`);
      const namedCurve = String(params.namedCurve);
      const info = curveInfo(params.namedCurve);
      const privateKey = info.curve.utils.randomSecretKey(
        randomBytes(info.curve.lengths.seed ?? info.size + 16),
      );
      const publicKey = info.curve.getPublicKey(privateKey, false);
      return {
        publicKey: makeKey(
          namedCurve,
          publicKey,
          undefined,
          true,
          usages.filter((u) => publicUsages.includes(u)),
        ),
        privateKey: makeKey(
          namedCurve,
          publicKey,
          privateKey,
          extractable,
          usages.filter((u) => privateUsages.includes(u)),
        ),
      };
    },

    ...(name === "ECDSA" ? ECDSA : ECDH),
  };
}

function ecMaterial(key: CryptoKey) {
  const material = keyMaterial(key);
  if (material.kind !== "ec") throw operationError("Not an EC key");
  return { ...material, info: curveInfo(material.curve) };
}

function digestOf(params: Params, data: Uint8Array): Uint8Array {
  if (params.hash === undefined) throw new TypeError("ECDSA: the hash member is required");
  return hashByName(params.hash.name)(data);
}

const ECDSA: AlgorithmImpl = {
  sign(params, key, data) {
    const { info, privateKey } = ecMaterial(key);
    if (key.type !== "private" || privateKey === undefined)
      throw invalidAccess("Signing needs a private key");
    return info.curve.sign(digestOf(params, data), privateKey, {
      prehash: false,
      lowS: false,
      extraEntropy: randomBytes(32),
    });
  },

  verify(params, key, signature, data) {
    const { info, publicKey } = ecMaterial(key);
    if (key.type !== "public") throw invalidAccess("Verifying needs a public key");
    const digest = digestOf(params, data);
    if (signature.length !== info.size * 2) return false;
    try {
      return info.curve.verify(signature, digest, publicKey, { prehash: false, lowS: false });
    } catch {
      return false;
    }
  },
};

const ECDH: AlgorithmImpl = {
  deriveBits(params, key, length) {
    const { info, privateKey, curve } = ecMaterial(key);
    if (key.type !== "private" || privateKey === undefined)
      throw invalidAccess("ECDH needs a private base key");
    const peerKey = params.public;
    if (!(peerKey instanceof CryptoKey)) throw new TypeError("ECDH: the public member must be a CryptoKey");
    if (peerKey.type !== "public") throw invalidAccess("ECDH: the public member must be a public key");
    if (peerKey.algorithm.name !== "ECDH") throw invalidAccess("ECDH: the public key is not an ECDH key");
    const peerMaterial = ecMaterial(peerKey);
    if (peerMaterial.curve !== curve) throw invalidAccess("ECDH: the keys are on different curves");
    let shared: Uint8Array;
    try {
      shared = info.curve.getSharedSecret(privateKey, peerMaterial.publicKey, true).slice(1);
    } catch {
      throw operationError("ECDH: the shared secret could not be derived");
    }
    return truncateBits(shared, length);
  },
};

export const algorithms: Record<string, AlgorithmImpl> = {
  ECDSA: ecAlgorithm("ECDSA"),
  ECDH: ecAlgorithm("ECDH"),
};
