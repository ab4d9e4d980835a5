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
export const ArrayPrototypeSort = uncurryThis(Array.prototype.sort);
export const PromiseCtor = Promise;
export const TypeErrorCtor = TypeError;
export const RangeErrorCtor = RangeError;
export const EvalErrorCtor = EvalError;
const TypedArrayPrototype = Object.getPrototypeOf(Uint8Array.prototype) as object;
export const TypedArrayByteLength = getter<ArrayBufferView, number>(TypedArrayPrototype, "byteLength");
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

/** A data property descriptor that no `get` or `set` tenant code added to Object.prototype can alter. */
function dataDescriptor(value: unknown): PropertyDescriptor {
  const descriptor = ObjectCreate(null) as PropertyDescriptor;
  descriptor.value = value;
  descriptor.writable = true;
  descriptor.enumerable = true;
  descriptor.configurable = true;
  return descriptor;
}

/** `array.push(value)` that neither `Array.prototype.push` nor index setters on the prototypes can intercept. */
export function append<T>(array: T[], value: T): void {
  ObjectDefineProperty(array, array.length, dataDescriptor(value));
}

/**
 * Drops an object literal's prototype. Resolving a promise with an object looks up its `then`, and tenant code
 * may have put one on Object.prototype; the prelude's own results must never be taken for thenables.
 */
export function bare<T extends object>(object: T): T {
  return ObjectSetPrototypeOf(object, null) as T;
}
