// Bytes that cross into an isolate must own their buffer. A Uint8Array the worker received over IPC is a view
// into the whole message it came in, and one message carries every invocation the supervisor sent in that turn
// (message-batch.ts): other tenants' events, headers and bodies. isolated-vm copies a view's whole backing
// ArrayBuffer into the isolate, where tenant code can read it through `view.buffer` (or a getter it put on the
// typed array prototype). So every view is cut to exactly its own bytes before it crosses.

/** `view` itself when it spans its whole buffer, else a copy of exactly its bytes (same type where possible). */
export function exactBytes<T extends ArrayBufferView>(view: T): T {
  const buffer = view.buffer;
  if (view.byteOffset === 0 && view.byteLength === buffer.byteLength && buffer instanceof ArrayBuffer)
    return view;
  const own = new Uint8Array(view.byteLength);
  own.set(new Uint8Array(buffer, view.byteOffset, view.byteLength));
  if (view instanceof Uint8Array) return own as unknown as T;
  if (view instanceof DataView) return new DataView(own.buffer) as unknown as T;
  // Another typed array: the same kind over the copied bytes (its length divides the byte length exactly).
  const Kind = view.constructor as new (buffer: ArrayBuffer) => T;
  return new Kind(own.buffer);
}

/**
 * `value` with every ArrayBufferView in it (at any depth of plain objects and arrays) cut to exactly its bytes;
 * the same object when nothing needed cutting, so plain data costs one walk and no copy.
 */
export function withExactBytes<T>(value: T): T {
  if (typeof value !== "object" || value === null) return value;
  if (ArrayBuffer.isView(value)) return exactBytes(value) as T;
  if (Array.isArray(value)) {
    let out: unknown[] | undefined;
    for (let i = 0; i < value.length; i++) {
      const item = value[i];
      const cut = withExactBytes(item);
      if (cut !== item) {
        out ??= value.slice();
        out[i] = cut;
      }
    }
    return (out ?? value) as T;
  }
  const prototype = Object.getPrototypeOf(value);
  if (prototype !== Object.prototype && prototype !== null) return value;
  let out: Record<string, unknown> | undefined;
  for (const key of Object.keys(value)) {
    const item = (value as Record<string, unknown>)[key];
    const cut = withExactBytes(item);
    if (cut !== item) {
      out ??= { ...(value as Record<string, unknown>) };
      out[key] = cut;
    }
  }
  return (out ?? value) as T;
}
