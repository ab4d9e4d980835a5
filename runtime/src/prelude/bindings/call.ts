// A binding method call: crosses to the host, which forwards it to the main process (the owner of storage).
import { callHost } from "../host.js";

export function callBinding(name: string, op: string, args: unknown): Promise<unknown> {
  return callHost("binding", { name, op, args });
}

/** The bytes of a value a Workers API accepts as a body (string, buffers, views, Blob, ReadableStream). */
export async function bytesOf(value: unknown): Promise<Uint8Array> {
  if (value === null || value === undefined) return new Uint8Array(0);
  if (typeof value === "string") return new TextEncoder().encode(value);
  if (value instanceof ArrayBuffer) return new Uint8Array(value.slice(0));
  if (ArrayBuffer.isView(value))
    return new Uint8Array(value.buffer, value.byteOffset, value.byteLength).slice();
  // Blob, ReadableStream and the rest: let Response read them as the Fetch standard does.
  return new Uint8Array(await new Response(value as BodyInit).arrayBuffer());
}
