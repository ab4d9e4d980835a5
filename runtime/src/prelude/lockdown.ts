// Runs first in every isolate. SharedArrayBuffer and Atomics go: no tenant shares memory with another thread
// here, and `Atomics.wait` would block the isolate's thread (as a busy loop would, but without spending the
// CPU time the limits watch). Nothing in the prelude needs them; libraries test for them with `typeof`.
const scope = globalThis as Record<string, unknown>;
delete scope.SharedArrayBuffer;
delete scope.Atomics;

// Promise's `constructor` link and species stay the built-in ones. V8 and isolated-vm chain the invocation's
// result promise for the host with the built-in `then`, which consults both: a tenant's replacement would run
// tenant code inside the host's wait, or break it. (`then` itself may be replaced: no platform path calls it.)
Object.defineProperty(Promise.prototype, "constructor", { writable: false, configurable: false });
Object.defineProperty(Promise, Symbol.species, { configurable: false });
