// Built-ins taken before any tenant code runs. Tenant code may replace globals (`JSON`, `Promise`) and
// prototype methods (`Array.prototype.push`, `Promise.prototype.then`, `Function.prototype.call`); the prelude
// code that runs after it (result conversion, log capture, host calls) uses these instead, so what it hands
// the host stays correct whatever the tenant changed.

const { bind, call } = Function.prototype;

/** `method(receiver, ...args)` for a prototype method; later changes to the prototype or to `call` do not reach it. */
function uncurryThis<T, A extends unknown[], R>(
  method: (this: T, ...args: A) => R,
): (self: T, ...args: A) => R {
  return bind.call(call, method) as (self: T, ...args: A) => R;
}

function getter<T, R>(prototype: object, name: PropertyKey): (self: T) => R {
  const get = Object.getOwnPropertyDescriptor(prototype, name)?.get;
  if (get === undefined) throw new Error(`prelude: ${String(name)} has no getter`);
  return uncurryThis(get as (this: T) => R);
}

export const ObjectCreate = Object.create;
export const ObjectDefineProperty = Object.defineProperty;
export const ObjectFreeze = Object.freeze;
export const ObjectGetOwnPropertyDescriptor = Object.getOwnPropertyDescriptor;
export const ObjectGetPrototypeOf = Object.getPrototypeOf;
export const ObjectKeys = Object.keys;
export const ObjectSetPrototypeOf = Object.setPrototypeOf;
const ObjectPrototypeIsPrototypeOf = uncurryThis(Object.prototype.isPrototypeOf);
export const ObjectPrototypePropertyIsEnumerable = uncurryThis(Object.prototype.propertyIsEnumerable);
export const ReflectOwnKeys = Reflect.ownKeys;
export const ArrayIsArray = Array.isArray;
export const ReflectApply = Reflect.apply;
export const JSONStringify = JSON.stringify;
export const JSONParse = JSON.parse;
export const DateNow = Date.now;
export const StringCtor = String;
export const NumberCtor = Number;
export const MathMin = Math.min;
export const MathMax = Math.max;
export const StringPrototypeSlice = uncurryThis(String.prototype.slice);
export const StringPrototypeCharCodeAt = uncurryThis(String.prototype.charCodeAt);
export const ArrayPrototypeSort = uncurryThis(Array.prototype.sort);
export const PromiseCtor = Promise;
export const TypeErrorCtor = TypeError;
export const RangeErrorCtor = RangeError;
export const EvalErrorCtor = EvalError;
const TypedArrayPrototype = Object.getPrototypeOf(Uint8Array.prototype) as object;
export const TypedArrayByteLength = getter<ArrayBufferView, number>(TypedArrayPrototype, "byteLength");
const TypedArrayByteOffset = getter<ArrayBufferView, number>(TypedArrayPrototype, "byteOffset");
const TypedArrayBuffer = getter<ArrayBufferView, ArrayBuffer>(TypedArrayPrototype, "buffer");
const ArrayBufferByteLength = getter<ArrayBuffer, number>(ArrayBuffer.prototype, "byteLength");
export const Uint8ArraySubarray = uncurryThis(Uint8Array.prototype.subarray) as (
  bytes: Uint8Array,
  start: number,
  end: number,
) => Uint8Array;
const ErrorPrototype = Error.prototype;
const Uint8ArrayPrototype = Uint8Array.prototype;

/** True for an Error (or subclass) without consulting `Symbol.hasInstance`, which tenant code may redefine. */
export function isError(value: unknown): value is Error {
  return typeof value === "object" && value !== null && ObjectPrototypeIsPrototypeOf(ErrorPrototype, value);
}

export function isUint8Array(value: unknown): value is Uint8Array {
  return (
    typeof value === "object" && value !== null && ObjectPrototypeIsPrototypeOf(Uint8ArrayPrototype, value)
  );
}

/** True when `bytes` views the whole of its buffer: handing it out shows nothing beyond its own bytes. */
export function spansItsBuffer(bytes: Uint8Array): boolean {
  return (
    TypedArrayByteOffset(bytes) === 0 &&
    TypedArrayByteLength(bytes) === ArrayBufferByteLength(TypedArrayBuffer(bytes))
  );
}

/**
 * The one data property descriptor `append` hands to `defineProperty` for an array that has a prototype: it has
 * none itself, so no `get` or `set` tenant code added to Object.prototype can alter it, and reusing it spares a
 * dictionary-mode object per call (`defineProperty` on a prelude array runs no other code in between).
 */
const appendDescriptor = ObjectCreate(null) as PropertyDescriptor;
appendDescriptor.writable = true;
appendDescriptor.enumerable = true;
appendDescriptor.configurable = true;

/**
 * A new empty array without a prototype, for the prelude's own lists: `append` stores into it directly (no
 * prototype, so no index setter can be in the way), about 20× cheaper than `defineProperty`, and a promise
 * resolved with it finds no `then`. It has no methods: use the uncurried ones here. A copy to the host is a
 * plain array.
 */
export function list<T>(): T[] {
  return ObjectSetPrototypeOf([], null) as T[];
}

/** `array.push(value)` that neither `Array.prototype.push` nor index setters on the prototypes can intercept. */
export function append<T>(array: T[], value: T): void {
  if (ObjectGetPrototypeOf(array) === null) {
    array[array.length] = value;
    return;
  }
  appendDescriptor.value = value;
  ObjectDefineProperty(array, array.length, appendDescriptor);
  // Not kept alive by the descriptor.
  appendDescriptor.value = undefined;
}

/**
 * The prototype of the prelude's result objects, written `{ __proto__: BARE, … }`. Resolving a promise with an
 * object looks its `then` up, and tenant code may have put one on Object.prototype; this prototype is empty,
 * has none itself and is frozen, so the lookup finds nothing. V8 keeps such literals in fast mode (a
 * null-prototype object is a dictionary: several times slower to build and to copy to the host). TypeScript
 * takes `__proto__` for an ordinary property, hence the `as` at each literal.
 */
export const BARE: object = ObjectFreeze(ObjectCreate(null));
