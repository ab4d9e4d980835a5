// crypto.getRandomValues / randomUUID over host randomness (the isolate has no CSPRNG of its own).
import { host } from "./host.js";

const MAX_RANDOM_BYTES = 65_536;

type IntegerArray =
  | Int8Array
  | Uint8Array
  | Uint8ClampedArray
  | Int16Array
  | Uint16Array
  | Int32Array
  | Uint32Array
  | BigInt64Array
  | BigUint64Array;

function isIntegerArray(value: unknown): value is IntegerArray {
  return (
    value instanceof Int8Array ||
    value instanceof Uint8Array ||
    value instanceof Uint8ClampedArray ||
    value instanceof Int16Array ||
    value instanceof Uint16Array ||
    value instanceof Int32Array ||
    value instanceof Uint32Array ||
    value instanceof BigInt64Array ||
    value instanceof BigUint64Array
  );
}

export function getRandomValues<T>(array: T): T {
  if (!isIntegerArray(array)) {
    throw new TypeError("crypto.getRandomValues: argument must be an integer typed array");
  }
  if (array.byteLength > MAX_RANDOM_BYTES) {
    throw new RangeError(`crypto.getRandomValues: at most ${MAX_RANDOM_BYTES} bytes per call`);
  }
  const random = new Uint8Array(host.randomBytes(array.byteLength));
  new Uint8Array(array.buffer, array.byteOffset, array.byteLength).set(random);
  return array;
}

export function randomUUID(): string {
  const b = getRandomValues(new Uint8Array(16));
  b[6] = ((b[6] ?? 0) & 0x0f) | 0x40;
  b[8] = ((b[8] ?? 0) & 0x3f) | 0x80;
  const hex = Array.from(b, (x) => x.toString(16).padStart(2, "0")).join("");
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}`;
}

export const crypto = Object.freeze({ getRandomValues, randomUUID });
