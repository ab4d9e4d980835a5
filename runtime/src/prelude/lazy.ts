// Modules loaded on first use. esbuild keeps a CommonJS `require` lazy: the module's code is bundled but is
// parsed and run only when first required. Every new isolate runs the prelude, and V8 compiles each function
// the prelude runs at load, so what most invocations never touch (streams, events and aborts, blobs and forms,
// crypto.subtle) is kept out of that path. Such modules must only be reached through here: one static import
// of their values from an eagerly loaded module would load them eagerly.

type Streams = typeof import("./streams.js");
type Events = typeof import("./abort.js");
type Forms = typeof import("./forms.js");
type Subtle = typeof import("./subtle/subtle-crypto.js");

declare const require: {
  (id: "./streams.js"): Streams;
  (id: "./abort.js"): Events;
  (id: "./forms.js"): Forms;
  (id: "./subtle/subtle-crypto.js"): Subtle;
};

export interface LazyModule<T> {
  (): T;
  /** True once loaded: before that, no value can be an instance of one of its classes. */
  readonly loaded: boolean;
  /** True while its code runs (a library probing globals must not load it again from inside). */
  readonly loading: boolean;
}

function lazyModule<T>(load: () => T): LazyModule<T> {
  let value: T | undefined;
  let loading = false;
  const get = () => {
    if (value === undefined) {
      loading = true;
      try {
        value = load();
      } finally {
        loading = false;
      }
    }
    return value;
  };
  return Object.defineProperties(get, {
    loaded: { get: () => value !== undefined },
    loading: { get: () => loading },
  }) as LazyModule<T>;
}

export const loadStreams = lazyModule(() => require("./streams.js"));
export const loadEvents = lazyModule(() => require("./abort.js"));
export const loadForms = lazyModule(() => require("./forms.js"));
export const loadSubtle = lazyModule(() => require("./subtle/subtle-crypto.js"));

/**
 * Defines a global as Web IDL does (writable, configurable, not enumerable). A class keeps the name of its
 * global, which minification would otherwise shorten (`Request.name` is "Request").
 */
export function defineGlobal(name: string, value: unknown): void {
  if (typeof value === "function" && value.name !== name) {
    Object.defineProperty(value, "name", { value: name, configurable: true });
  }
  Object.defineProperty(globalThis, name, { value, writable: true, configurable: true, enumerable: false });
}

/**
 * Defines a global whose value is taken from a lazy module on first read (or replaced on first write), after
 * which it is a plain data property like any other global. Read while its module loads, it is undefined, as
 * it would be without the module: event-target-shim, for one, looks for an existing `Event` as it loads.
 */
export function defineLazyGlobal<T>(name: string, module: LazyModule<T>, pick: (loaded: T) => unknown): void {
  const define = (value: unknown) => defineGlobal(name, value);
  Object.defineProperty(globalThis, name, {
    configurable: true,
    enumerable: false,
    get() {
      if (module.loading) return undefined;
      const value = pick(module());
      define(value);
      return value;
    },
    set(value: unknown) {
      Object.defineProperty(globalThis, name, {
        value,
        writable: true,
        configurable: true,
        enumerable: false,
      });
    },
  });
}
