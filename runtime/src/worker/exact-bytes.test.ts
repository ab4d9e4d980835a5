import { describe, expect, it } from "vitest";
import { exactBytes, withExactBytes } from "./exact-bytes.js";

/** A view of `inner` inside a larger buffer that also holds someone else's bytes. */
function viewInside(inner: string): Uint8Array {
  const slab = Buffer.from(`SECRET-BEFORE|${inner}|SECRET-AFTER`);
  const start = slab.indexOf(inner);
  return slab.subarray(start, start + inner.length);
}

describe("exactBytes", () => {
  it("cuts a view into a larger buffer to exactly its bytes", () => {
    const cut = exactBytes(viewInside("abc"));
    expect(cut.buffer.byteLength).toBe(3);
    expect(cut.byteOffset).toBe(0);
    expect(Buffer.from(cut.buffer).toString()).toBe("abc");
    expect(Object.getPrototypeOf(cut)).toBe(Uint8Array.prototype);
  });

  it("keeps a view that already spans its buffer (no copy)", () => {
    const own = new Uint8Array([1, 2, 3]);
    expect(exactBytes(own)).toBe(own);
  });

  it("cuts other kinds of views, keeping their kind and values", () => {
    const buffer = new ArrayBuffer(16);
    new Int16Array(buffer).set([1, 2, 3, 4, 5, 6, 7, 8]);
    const ints = exactBytes(new Int16Array(buffer, 4, 2));
    expect(ints).toBeInstanceOf(Int16Array);
    expect([...ints]).toEqual([3, 4]);
    expect(ints.buffer.byteLength).toBe(4);
    const view = exactBytes(new DataView(buffer, 2, 4));
    expect(view).toBeInstanceOf(DataView);
    expect(view.buffer.byteLength).toBe(4);
    expect(view.getInt16(0, true)).toBe(2);
  });

  it("copies a view of a SharedArrayBuffer, which another thread could still change", () => {
    const shared = new Uint8Array(new SharedArrayBuffer(4));
    const cut = exactBytes(shared);
    expect(cut).not.toBe(shared);
    expect(cut.buffer).toBeInstanceOf(ArrayBuffer);
  });
});

describe("withExactBytes", () => {
  it("cuts views at any depth of plain objects and arrays, leaving the input as it was", () => {
    const value = { status: 200, body: viewInside("xyz"), list: [{ bytes: viewInside("q") }, "s"] };
    const out = withExactBytes(value);
    expect(out).not.toBe(value);
    expect(out.body.buffer.byteLength).toBe(3);
    expect((out.list[0] as { bytes: Uint8Array }).bytes.buffer.byteLength).toBe(1);
    expect(out.list[1]).toBe("s");
    expect(value.body.buffer.byteLength).toBeGreaterThan(3);
  });

  it("returns the very same object when nothing needed cutting", () => {
    const value = { a: [1, "b", { c: new Uint8Array(2) }], d: null };
    expect(withExactBytes(value)).toBe(value);
    expect(withExactBytes("text")).toBe("text");
    expect(withExactBytes(null)).toBe(null);
  });
});
