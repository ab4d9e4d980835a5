// The assertions conformance cases make inside the isolate. A failed assertion throws with a message saying
// what was expected; the runner reports the first one.

function show(value) {
  try {
    return typeof value === "string" ? JSON.stringify(value) : (JSON.stringify(value) ?? String(value));
  } catch {
    return String(value);
  }
}

export function ok(value, message = "expected a truthy value") {
  if (!value) throw new Error(message);
}

export function equal(actual, expected, message = "values differ") {
  if (!Object.is(actual, expected))
    throw new Error(`${message}: expected ${show(expected)}, got ${show(actual)}`);
}

/** Compares JSON forms, which is enough for the plain values the cases produce. */
export function deepEqual(actual, expected, message = "values differ") {
  if (show(actual) !== show(expected))
    throw new Error(`${message}: expected ${show(expected)}, got ${show(actual)}`);
}

/** `fn()` throws an error named `name`. */
export function throws(fn, name, message = "expected a throw") {
  try {
    fn();
  } catch (error) {
    equal(error?.name, name, `${message}: wrong error (${error?.message})`);
    return error;
  }
  throw new Error(`${message}: nothing was thrown (expected ${name})`);
}

/** The promise (or what `fn()` returns) rejects with an error named `name`. */
export async function rejects(promiseOrFn, name, message = "expected a rejection") {
  try {
    await (typeof promiseOrFn === "function" ? promiseOrFn() : promiseOrFn);
  } catch (error) {
    equal(error?.name, name, `${message}: wrong error (${error?.message})`);
    return error;
  }
  throw new Error(`${message}: it resolved (expected ${name})`);
}

export const bytes = (...values) => new Uint8Array(values);
export const utf8 = (text) => new TextEncoder().encode(text);
export const hex = (buffer) =>
  Array.from(new Uint8Array(buffer), (b) => b.toString(16).padStart(2, "0")).join("");

/** Reads a stream to the end, returning its chunks. */
export async function readAll(stream) {
  const reader = stream.getReader();
  const chunks = [];
  for (;;) {
    const { done, value } = await reader.read();
    if (done) return chunks;
    chunks.push(value);
  }
}
