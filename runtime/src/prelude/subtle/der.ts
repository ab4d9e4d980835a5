// Just enough DER (X.690) for the key containers WebCrypto imports and exports: SubjectPublicKeyInfo
// (RFC 5280), PKCS #8 PrivateKeyInfo (RFC 5208) and SEC 1 ECPrivateKey (RFC 5915).
import { concat } from "./bytes.js";
import { dataError } from "./errors.js";

export const TAG = {
  INTEGER: 0x02,
  BIT_STRING: 0x03,
  OCTET_STRING: 0x04,
  OID: 0x06,
  SEQUENCE: 0x30,
  CONTEXT_0: 0xa0,
  CONTEXT_1: 0xa1,
} as const;

export interface Element {
  tag: number;
  value: Uint8Array;
}

/** Reads the elements that make up `bytes`, all of it (trailing bytes are an error). */
export function readAll(bytes: Uint8Array): Element[] {
  const elements: Element[] = [];
  let offset = 0;
  while (offset < bytes.length) {
    const tag = bytes[offset++] as number;
    if ((tag & 0x1f) === 0x1f) throw dataError("Unsupported DER tag");
    let length = bytes[offset++];
    if (length === undefined) throw dataError("Truncated DER");
    if (length & 0x80) {
      const count = length & 0x7f;
      if (count === 0 || count > 4) throw dataError("Unsupported DER length");
      length = 0;
      for (let i = 0; i < count; i++) {
        const byte = bytes[offset++];
        if (byte === undefined) throw dataError("Truncated DER");
        length = length * 256 + byte;
      }
    }
    if (offset + length > bytes.length) throw dataError("Truncated DER");
    elements.push({ tag, value: bytes.subarray(offset, offset + length) });
    offset += length;
  }
  return elements;
}

/** The single element `bytes` holds, which must have tag `tag`. */
export function readOne(bytes: Uint8Array, tag: number, what: string): Element {
  const elements = readAll(bytes);
  const [element] = elements;
  if (elements.length !== 1 || element === undefined || element.tag !== tag)
    throw dataError(`Invalid ${what}`);
  return element;
}

/** The children of a SEQUENCE, checked against the expected tags (a trailing optional part may be absent). */
export function readSequence(bytes: Uint8Array, what: string): Element[] {
  return readAll(readOne(bytes, TAG.SEQUENCE, what).value);
}

export function encode(tag: number, ...contents: Uint8Array[]): Uint8Array {
  const value = concat(...contents);
  const n = value.length;
  let header: number[];
  if (n < 0x80) header = [tag, n];
  else if (n < 0x100) header = [tag, 0x81, n];
  else if (n < 0x10000) header = [tag, 0x82, n >> 8, n & 0xff];
  else header = [tag, 0x83, n >> 16, (n >> 8) & 0xff, n & 0xff];
  return concat(new Uint8Array(header), value);
}

export function hex(bytes: Uint8Array): string {
  return Array.from(bytes, (b) => b.toString(16).padStart(2, "0")).join("");
}

export function fromHex(text: string): Uint8Array {
  const out = new Uint8Array(text.length / 2);
  for (let i = 0; i < out.length; i++) out[i] = Number.parseInt(text.slice(i * 2, i * 2 + 2), 16);
  return out;
}

/** SubjectPublicKeyInfo: the algorithm identifier's members (OID, then parameters) and the key bits. */
export function parseSpki(bytes: Uint8Array): { algorithm: Element[]; publicKey: Uint8Array } {
  const [algorithm, key, ...rest] = readSequence(bytes, "SubjectPublicKeyInfo");
  if (
    algorithm?.tag !== TAG.SEQUENCE ||
    key?.tag !== TAG.BIT_STRING ||
    rest.length > 0 ||
    key.value[0] !== 0
  ) {
    throw dataError("Invalid SubjectPublicKeyInfo");
  }
  return { algorithm: readAll(algorithm.value), publicKey: key.value.subarray(1) };
}

export function encodeSpki(algorithm: Uint8Array[], publicKey: Uint8Array): Uint8Array {
  return encode(
    TAG.SEQUENCE,
    encode(TAG.SEQUENCE, ...algorithm),
    encode(TAG.BIT_STRING, new Uint8Array([0]), publicKey),
  );
}

/** PrivateKeyInfo (version 0 or 1): the algorithm identifier's members and the privateKey octets. */
export function parsePkcs8(bytes: Uint8Array): { algorithm: Element[]; privateKey: Uint8Array } {
  const [version, algorithm, key] = readSequence(bytes, "PrivateKeyInfo");
  if (
    version?.tag !== TAG.INTEGER ||
    version.value.length !== 1 ||
    (version.value[0] !== 0 && version.value[0] !== 1) ||
    algorithm?.tag !== TAG.SEQUENCE ||
    key?.tag !== TAG.OCTET_STRING
  ) {
    throw dataError("Invalid PrivateKeyInfo");
  }
  return { algorithm: readAll(algorithm.value), privateKey: key.value };
}

export function encodePkcs8(algorithm: Uint8Array[], privateKey: Uint8Array): Uint8Array {
  return encode(
    TAG.SEQUENCE,
    encode(TAG.INTEGER, new Uint8Array([0])),
    encode(TAG.SEQUENCE, ...algorithm),
    encode(TAG.OCTET_STRING, privateKey),
  );
}
