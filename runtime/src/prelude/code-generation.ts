// The per-tenant switch that turns off compiling strings to code (VersionSpec.allowCodeGeneration === false).
// isolated-vm lets every context compile strings and offers no per-context switch, so the prelude replaces
// what compiles them: `eval`, and the constructors of the four function kinds, reachable as globals and as
// `(async function () {}).constructor` and the like. The originals stay only in this module's closure.
import {
  EvalErrorCtor,
  ObjectDefineProperty,
  ObjectGetOwnPropertyDescriptor,
  ObjectGetPrototypeOf,
  ObjectSetPrototypeOf,
} from "./intrinsics.js";

const MESSAGE = "code generation from strings is disabled for this tenant";

type Constructor = { (...args: unknown[]): unknown; prototype: object };

const kinds: Array<[name: string, original: Constructor]> = [
  ["Function", Function as unknown as Constructor],
  ["AsyncFunction", ObjectGetPrototypeOf(async () => {}).constructor],
  ["GeneratorFunction", ObjectGetPrototypeOf(function* () {}).constructor],
  ["AsyncGeneratorFunction", ObjectGetPrototypeOf(async function* () {}).constructor],
];
let disabled = false;

/** A stand-in that throws as V8 does when a context may not compile strings (an EvalError), called or constructed. */
function refusal(name: string, length: number): Constructor {
  // A function expression, not an arrow: `new Function("…")` must reach the EvalError too.
  const refuse = function refuse() {
    throw new EvalErrorCtor(MESSAGE);
  } as unknown as Constructor;
  ObjectDefineProperty(refuse, "name", { value: name, configurable: true });
  ObjectDefineProperty(refuse, "length", { value: length, configurable: true });
  return refuse;
}

/**
 * Makes every way of compiling a string throw an EvalError. Called once, before the tenant's module runs
 * (so no tenant code has touched the built-ins yet); there is no way back for that isolate, and the pool
 * keys isolates by this setting.
 */
export function disableCodeGeneration(): void {
  if (disabled) return;
  disabled = true;
  let functionRefusal: Constructor | undefined;
  for (const [name, original] of kinds) {
    const replacement = refusal(name, original.length);
    // `x instanceof Function` and `Function.prototype` keep working: the replacement shares the prototype.
    ObjectDefineProperty(replacement, "prototype", { value: original.prototype, writable: false });
    // The other kinds inherit from Function as the originals do, but from the replacement, so the original
    // Function is not one `Object.getPrototypeOf` away.
    if (functionRefusal === undefined) functionRefusal = replacement;
    else ObjectSetPrototypeOf(replacement, functionRefusal);
    const writable = ObjectGetOwnPropertyDescriptor(original.prototype, "constructor")?.writable === true;
    ObjectDefineProperty(original.prototype, "constructor", {
      value: replacement,
      writable,
      configurable: true,
    });
  }
  ObjectDefineProperty(globalThis, "Function", {
    value: functionRefusal,
    writable: true,
    configurable: true,
  });
  ObjectDefineProperty(globalThis, "eval", {
    value: refusal("eval", 1),
    writable: true,
    configurable: true,
  });
}
