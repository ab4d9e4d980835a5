// `self` is the global scope in Workers, and polyfills look for it to install themselves.
(globalThis as Record<string, unknown>).self = globalThis;
